import { describe, expect, it } from 'vitest';
import { clientConfig, createClients, type TargetConnection } from '../../src/aws/clients.js';
import { localEnvironment, shellQuote } from '../../src/cli/commands/local.js';
import { requireBucket } from '../../src/cli/context.js';
import { resolveSettings } from '../../src/config/settings.js';
import { packageVersion } from '../../src/config/version.js';

const local: TargetConnection = {
  endpoint: 'http://127.0.0.1:4566',
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIALOCAL', secretAccessKey: 'secret' },
};

describe('clientConfig', () => {
  it('local: the daemon endpoint, its keys and region, few retries, no profile', () => {
    const c = clientConfig({ region: 'us-east-1', profile: 'work' }, local);
    expect(c).toEqual({
      customUserAgent: `mme/${packageVersion()}`,
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      credentials: local.credentials,
      maxAttempts: 2,
      retryMode: 'standard',
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
    });
  });

  it('aws: no endpoint, the credential chain with the profile', () => {
    const c = clientConfig({ region: 'eu-central-1', profile: 'work' }, undefined);
    expect(c).toEqual({
      customUserAgent: `mme/${packageVersion()}`,
      region: 'eu-central-1',
      maxAttempts: 4,
      profile: 'work',
      retryMode: 'standard',
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
    });
    expect('endpoint' in c).toBe(false);
    expect('credentials' in c).toBe(false);
  });

  it('the retry settings replace the target defaults; an explicit budget (tests) beats them', () => {
    expect(clientConfig({ region: 'us-east-1', maxAttempts: 7, retryMode: 'adaptive' }, undefined)).toMatchObject({
      maxAttempts: 7,
      retryMode: 'adaptive',
    });
    expect(clientConfig({ region: 'us-east-1', maxAttempts: 7 }, local)).toMatchObject({ maxAttempts: 7 });
    expect(clientConfig({ region: 'us-east-1', maxAttempts: 7 }, local, { maxAttempts: 1 })).toMatchObject({
      maxAttempts: 1,
    });
  });

  it('explicit credentials (an assumed role) win on either target', () => {
    const session = { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't' };
    expect(clientConfig({ region: 'us-east-1', profile: 'work' }, undefined, { credentials: session })).toMatchObject({
      credentials: session,
    });
    expect(clientConfig({ region: 'us-east-1' }, undefined, { credentials: session })).not.toHaveProperty('profile');
    expect(clientConfig({ region: 'us-east-1' }, local, { credentials: session }).credentials).toBe(session);
  });
});

describe('createClients', () => {
  it('builds each client once, on first use; S3 is path-style on local', async () => {
    const clients = createClients({ region: 'us-east-1' }, local);
    const s3 = await clients.s3();
    expect(await clients.s3()).toBe(s3);
    expect(s3.config.forcePathStyle).toBe(true);
    expect(await s3.config.region()).toBe('eu-west-1');
    const endpoint = await s3.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://127.0.0.1:4566');
    const sts = await clients.sts();
    expect(await sts.config.credentials()).toMatchObject({ accessKeyId: 'AKIALOCAL' });
    clients.destroy();
  });

  it('withCredentials keeps the connection and swaps the keys', async () => {
    const assumed = createClients({ region: 'us-east-1' }, local).withCredentials({
      accessKeyId: 'ASIA',
      secretAccessKey: 's',
      sessionToken: 't',
    });
    const runtime = await assumed.sageMakerRuntime();
    expect(await runtime.config.credentials()).toMatchObject({ accessKeyId: 'ASIA', sessionToken: 't' });
    expect(await runtime.config.region()).toBe('eu-west-1');
    assumed.destroy();
  });
});

describe('local env', () => {
  it('exports for AWS tools', () => {
    expect(
      localEnvironment({
        endpoint: 'http://127.0.0.1:1',
        accessKeyId: 'A',
        secretAccessKey: 'S',
        region: 'us-east-1',
        stateDir: '/s',
      }),
    ).toEqual({
      MME_LOCAL_STATE: '/s',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
      AWS_ACCESS_KEY_ID: 'A',
      AWS_SECRET_ACCESS_KEY: 'S',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
    });
  });

  it.each([
    ['plain', "'plain'"],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$(rm -rf /)', "'$(rm -rf /)'"],
  ])('shellQuote(%s) = %s', (value, quoted) => {
    expect(shellQuote(value)).toBe(quoted);
  });
});

describe('requireBucket', () => {
  it('local has a default bucket; aws asks for one with a hint', () => {
    expect(requireBucket(resolveSettings({ flags: {}, env: {}, cwd: '/' }))).toBe('mme-local');
    const aws = resolveSettings({ flags: { target: 'aws', region: 'eu-west-1' }, env: {}, cwd: '/' });
    expect(() => requireBucket(aws)).toThrow(/no S3 bucket/);
    try {
      requireBucket(aws);
    } catch (err) {
      expect((err as { hint: string }).hint).toContain('MME_BUCKET');
      expect((err as { exitCode: number }).exitCode).toBe(3);
    }
  });
});
