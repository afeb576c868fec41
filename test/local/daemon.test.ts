import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { localCloudStatus, startLocalCloud, stopLocalCloud, type LocalCloudInfo } from '../../src/local/daemon.js';

function s3For(info: LocalCloudInfo): S3Client {
  return new S3Client({
    endpoint: info.endpoint,
    region: info.region,
    forcePathStyle: true,
    credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
  });
}

describe('local cloud daemon', () => {
  let stateDir: string;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'mme-daemon-'));
  });

  afterAll(async () => {
    await stopLocalCloud(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('is not running before the first start', async () => {
    expect(await localCloudStatus(stateDir)).toBeUndefined();
    expect(await stopLocalCloud(stateDir)).toEqual({ stopped: false });
  });

  it('starts once when two starts race, on 127.0.0.1, with private root keys', async () => {
    const [a, b] = await Promise.all([startLocalCloud(stateDir), startLocalCloud(stateDir)]);
    expect(a.pid).toBe(b.pid);
    expect([a.alreadyRunning, b.alreadyRunning].sort()).toEqual([false, true]);
    expect(a.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.accountId).toMatch(/^\d{12}$/);
    expect(a.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(a.secretAccessKey).toHaveLength(40);
    const mode = (await stat(join(stateDir, 'account.json'))).mode & 0o777;
    expect(mode).toBe(0o600);
    const status = await localCloudStatus(stateDir);
    expect(status?.pid).toBe(a.pid);
  });

  it('keeps its state, keys and port across a stop and start', async () => {
    const before = (await localCloudStatus(stateDir))!;
    const s3 = s3For(before);
    await s3.send(new CreateBucketCommand({ Bucket: 'keep' }));
    await s3.send(new PutObjectCommand({ Bucket: 'keep', Key: 'a/b.txt', Body: 'survives' }));
    s3.destroy();

    expect(await stopLocalCloud(stateDir)).toEqual({ stopped: true, pid: before.pid });
    expect(await localCloudStatus(stateDir)).toBeUndefined();

    const after = await startLocalCloud(stateDir);
    expect(after.pid).not.toBe(before.pid);
    expect(after.accessKeyId).toBe(before.accessKeyId);
    expect(after.endpoint).toBe(before.endpoint);
    const s3b = s3For(after);
    const got = await s3b.send(new GetObjectCommand({ Bucket: 'keep', Key: 'a/b.txt' }));
    expect(await got.Body!.transformToString()).toBe('survives');
    s3b.destroy();
  });

  it('recovers from a daemon killed without cleanup', async () => {
    const before = (await localCloudStatus(stateDir))!;
    process.kill(before.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    expect(await localCloudStatus(stateDir)).toBeUndefined();
    const after = await startLocalCloud(stateDir);
    expect(after.alreadyRunning).toBe(false);
    expect(after.pid).not.toBe(before.pid);
  });
});
