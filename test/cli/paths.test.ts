/**
 * Paths a command cannot use (a state dir or --out that is a file, under a file, read-only, or
 * refused by the kernel) end at once with a configuration error naming the path and the reason:
 * exit 3, no "unexpected error", no hang.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWritableDir, unwritableReason } from '../../src/util/fs.js';
import { BIN, BUILT, cleanEnv, mme } from './helpers.js';

let cwd: string;
let file: string;
beforeAll(() => {
  if (!BUILT) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does) before these tests');
  cwd = mkdtempSync(path.join(tmpdir(), 'mme-paths-'));
  file = path.join(cwd, 'a-file');
  writeFileSync(file, 'not a directory\n');
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** A read-only mount needs a mount namespace: root (as in CI) can make one with unshare. */
const canUnshare = spawnSync('unshare', ['-m', 'true'], { stdio: 'ignore' }).status === 0;
if (!canUnshare)
  console.warn('paths: cannot create a mount namespace (unshare -m): skipping the read-only file system cases');

describe('an unusable state directory is a configuration error at once', () => {
  it.each([
    ['a file in the way', () => file, 'a-file is a file, not a directory'],
    ['under a file', () => path.join(file, 'state'), 'a-file is a file, not a directory'],
    // Node's own recursive mkdir never returns for this path: the command must not hang.
    ['a path the kernel refuses', () => '/proc/mme-state', 'it cannot be created there'],
  ])(
    '%s',
    async (_what, dir, reason) => {
      const r = await mme(['status'], { cwd, env: { MME_LOCAL_STATE: dir() } });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`cannot use ${dir()} as the local cloud's state directory`);
      expect(r.stderr).toContain(reason);
      expect(r.stderr).toContain('--state DIR');
      expect(r.stderr).not.toContain('unexpected');
    },
    15_000,
  );

  it('local start --state names it too', async () => {
    const r = await mme(['local', 'start', '--state', file], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`cannot use ${file} as the local cloud's state directory`);
  });

  it.skipIf(!canUnshare)('a read-only file system', () => {
    const ro = path.join(cwd, 'ro');
    const script = `mkdir -p '${ro}' && mount -t tmpfs -o ro tmpfs '${ro}' && exec "$0" "$@"`;
    const r = spawnSync('unshare', ['-m', 'sh', '-c', script, process.execPath, BIN, 'status'], {
      cwd,
      env: cleanEnv({ MME_LOCAL_STATE: path.join(ro, 'state') }),
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('the file system is read-only');
  });
});

describe('an unusable --out is a configuration error before anything is written', () => {
  it('data generate --out under a file', async () => {
    const out = path.join(file, 'data');
    const r = await mme(['data', 'generate', '--out', out], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`cannot use ${out} as the output directory: ${file} is a file, not a directory`);
    expect(r.stderr).toContain('--out DIR');
    expect(r.stderr).not.toContain('Generating');
  });
});

describe('ensureWritableDir', () => {
  it('creates missing parents and leaves no probe behind', async () => {
    const dir = path.join(cwd, 'x', 'y', 'z');
    await ensureWritableDir(dir, 'a test dir', 'hint');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['EROFS', 'the file system is read-only'],
    ['EACCES', 'permission denied'],
    ['ENOSPC', 'no space left on the device'],
  ])('%s reads as "%s"', async (code, words) => {
    expect(await unwritableReason('/nowhere', Object.assign(new Error(code), { code }))).toBe(words);
  });
});
