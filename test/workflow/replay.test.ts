/**
 * `mme experiment replay`: offline, pure. Traces from Zipf, a file, or the reference experiment;
 * capacity in models or bytes; the table; and the command in-process (no cloud is started).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay as replayCommand } from '../../src/cli/commands/experiment.js';
import type { CommandContext } from '../../src/cli/context.js';
import { createOutput } from '../../src/cli/output.js';
import { resolveSettings } from '../../src/config/settings.js';
import { checkPolicies, describeReplay, parseBytes, runReplay, type ReplayReport } from '../../src/workflow/replay.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mme-replay-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(): CommandContext & { stdout: () => string } {
  const env = { MME_LOCAL_STATE: join(dir, 'state') };
  const settings = resolveSettings({ flags: { color: false }, env, cwd: dir });
  let text = '';
  const output = createOutput(settings, { write: (t: string) => (text += t) }, { write: () => true });
  return {
    settings,
    output,
    reporter: { report() {}, close() {}, interject: (write: () => void) => write(), dismiss() {} },
    cwd: dir,
    env,
    onPartial() {},
    stdout: () => text,
  };
}

describe('runReplay', () => {
  it('the reference experiment at 121 models: 200 hits of 400 for every policy and for Belady', () => {
    const r = runReplay({});
    expect(r).toMatchObject({
      source: { kind: 'reference', models: 200 },
      requests: 400,
      distinctModels: 200,
      capacity: { models: 121, bytes: 121 },
      sizesIgnored: false,
    });
    expect(r.rows.map((row) => row.policy)).toEqual(['lru', 'gdsf', 'sieve', 'lfu', 'belady']);
    expect(r.rows.every((row) => row.hits === 200 && row.misses === 200)).toBe(true);
    expect(r.rows[0]!.evictions).toBe(79); // 200 loaded into 121 slots
    expect(describeReplay(r)).toBe(
      'the reference experiment (0..n/2-1, 0..n/2-1, 0..n-1): 400 requests over 200 models, capacity 121 models',
    );
  });

  it('a small Zipf trace: seeded, and Belady bounds every online policy (equal sizes)', () => {
    const input = {
      zipf: 1,
      models: 200,
      requests: 5000,
      seed: 7,
      capacityModels: 20,
      policies: ['lru', 'sieve', 'fifo'],
    };
    const r = runReplay(input);
    expect(r.source).toEqual({ kind: 'zipf', s: 1, models: 200, seed: 7 });
    expect(r.sizesIgnored).toBe(true);
    expect(r.rows.map((row) => row.policy)).toEqual(['lru', 'sieve', 'fifo', 'belady']);
    const belady = r.rows.at(-1)!;
    for (const row of r.rows) {
      expect(row.hits + row.misses).toBe(5000);
      expect(row.hits).toBeLessThanOrEqual(belady.hits);
    }
    expect(r.rows[0]!.hitRatio).toBeGreaterThan(0.3);
    expect(runReplay(input)).toEqual(r);
  });

  it("a byte budget over the trace's sizes", () => {
    const r = runReplay({ trace: { name: 't.csv', text: 'a,100,5\nb,300,7\na\nb\na\n' }, capacityBytes: 350 });
    expect(r.capacity).toEqual({ bytes: 350 });
    expect(r.sizesIgnored).toBe(false);
    const lru = r.rows[0]!;
    expect(lru).toMatchObject({ policy: 'lru', hits: 0, misses: 5 }); // a and b never fit together: each evicts the other
    expect(r.rows.at(-1)).toMatchObject({ policy: 'belady-size', hits: 2 }); // keeps a, serves b without keeping it
  });

  it('trace errors name the line', () => {
    const bad = (text: string) => () => runReplay({ trace: { name: 't.csv', text } });
    expect(bad('# header\na,10\n\nb,-3\n')).toThrow("trace line 4: sizeBytes must be a positive integer, got '-3'");
    expect(bad('a,10\na,20\n')).toThrow(/trace line 2: sizeBytes of 'a' is 20, but an earlier line gave 10/);
    expect(bad('a,1,2,3\n')).toThrow(/trace line 1: expected at most 3 fields/);
    expect(bad('a,1,x\n')).toThrow(/trace line 1: loadMs must be a number/);
  });

  it('refuses contradictory options and unknown policies', () => {
    expect(() => runReplay({ trace: { name: 't', text: 'a' }, zipf: 1 })).toThrow(/--trace or --zipf, not both/);
    expect(() => runReplay({ capacityModels: 5, capacityBytes: 5 })).toThrow(/not both/);
    expect(() => runReplay({ trace: { name: 't', text: 'a' }, models: 5 })).toThrow(
      /--models and --requests shape a --zipf trace/,
    );
    expect(() => runReplay({ requests: 5 })).toThrow(/--requests needs --zipf/);
    expect(() => runReplay({ zipf: -1 })).toThrow(/out of range/);
    expect(() => checkPolicies(['lru', 'arc'])).toThrow(/unknown eviction policy: arc/);
    expect(checkPolicies(undefined)).toEqual(['lru', 'gdsf', 'sieve', 'lfu']);
  });

  it('sizes with units', () => {
    expect(parseBytes('4096')).toBe(4096);
    expect(parseBytes('512MiB')).toBe(512 * 2 ** 20);
    expect(parseBytes('12 GiB')).toBe(12 * 2 ** 30);
    expect(parseBytes('1.5kb')).toBe(1500);
    expect(() => parseBytes('lots')).toThrow(/'lots' is not a size/);
  });
});

describe('mme experiment replay (in-process)', () => {
  it('reads a trace file and prints the table, without starting a local cloud', async () => {
    const file = join(dir, 'trace.csv');
    await writeFile(file, '# key,size,load ms\nm1,1,1000\nm2,1,1000\nm1\nm3,1,1000\nm1\nm2\n');
    const ctx = context();
    const result = await replayCommand({ trace: file, capacityModels: 2, policies: ['lru', 'lfu'] }, ctx);
    const report = result.data as ReplayReport;
    expect(report.rows.map((r) => [r.policy, r.hits, r.misses])).toEqual([
      ['lru', 2, 4],
      ['lfu', 2, 4],
      ['belady', 3, 3],
    ]);
    expect(result.human).toContain(`trace ${file}: 6 requests over 3 models, capacity 2 models`);
    expect(result.human).toMatch(/policy +hits +misses +hit ratio +evictions +load cost/);
    expect(result.human).toMatch(/belady +3 +3 +0\.5000/);
  });

  it('a missing file or a bad --zipf is a usage error', async () => {
    await expect(replayCommand({ trace: join(dir, 'nope.csv') }, context())).rejects.toThrow(
      /cannot read the trace .*: no such file/,
    );
    await expect(replayCommand({ zipf: 'high' }, context())).rejects.toMatchObject({ code: 'UsageError', exitCode: 2 });
  });
});
