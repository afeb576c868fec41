import { describe, expect, it } from 'vitest';
import {
  benchReplay,
  formatReplayTable,
  formatTrace,
  parseTrace,
  POLICY_NAMES,
  referenceExperimentTrace,
  replay,
  TraceFormatError,
  uniformTrace,
  zipfTrace,
} from '../../src/algorithms/cache/index.js';

describe('zipfTrace', () => {
  it('is reproducible from its seed, and another seed gives another trace', () => {
    const a = zipfTrace({ models: 50, requests: 500, s: 1, seed: 3 });
    expect(zipfTrace({ models: 50, requests: 500, s: 1, seed: 3 })).toEqual(a);
    expect(zipfTrace({ models: 50, requests: 500, s: 1, seed: 4 }).keys).not.toEqual(a.keys);
    // The models (sizes, costs) do not depend on how many requests are drawn.
    expect(zipfTrace({ models: 50, requests: 10, s: 1, seed: 3 }).sizes).toEqual(a.sizes);
  });

  it('follows the Zipf law: rank 1 about 1/H(n) of the requests, rank 2 half as often', () => {
    const models = 100;
    const requests = 100_000;
    const { keys } = zipfTrace({ models, requests, s: 1, seed: 11 });
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    let harmonic = 0;
    for (let r = 1; r <= models; r++) harmonic += 1 / r;
    expect(counts.get('model-0')! / requests).toBeCloseTo(1 / harmonic, 2);
    expect(counts.get('model-0')! / counts.get('model-1')!).toBeCloseTo(2, 0);
  });

  it('s = 0 is uniform; sizes and costs are fixed or seeded log-normal', () => {
    const { keys, sizes, loadCosts } = uniformTrace({
      models: 4,
      requests: 40_000,
      seed: 1,
      sizeBytes: 123,
      loadMs: 9,
    });
    const share = keys.filter((k) => k === 'model-3').length / keys.length;
    expect(share).toBeGreaterThan(0.24);
    expect(share).toBeLessThan(0.26);
    expect([...sizes.values()]).toEqual([123, 123, 123, 123]);
    expect([...loadCosts.values()]).toEqual([9, 9, 9, 9]);

    const spread = zipfTrace({ models: 2000, requests: 0, seed: 5 });
    const sorted = [...spread.sizes.values()].sort((x, y) => x - y);
    const median = sorted[1000]!;
    expect(median).toBeGreaterThan(3800); // around 4 KiB
    expect(median).toBeLessThan(4400);
    expect(sorted.every((s) => Number.isInteger(s) && s >= 1)).toBe(true);
  });

  it('names models with keyOf', () => {
    const { keys } = zipfTrace({ models: 3, requests: 5, keyOf: (i) => `City_${i}/City_${i}.tar.gz` });
    expect(keys.every((k) => /^City_\d\/City_\d\.tar\.gz$/.test(k))).toBe(true);
  });
});

describe('parseTrace', () => {
  it('reads key[,size[,loadMs]] lines, skipping comments and blanks, with defaults', () => {
    const trace = parseTrace(
      [
        '# captured 2024-05-01',
        'Chicago_IL/Chicago_IL.tar.gz, 4096, 1029',
        '',
        'NewYork_NY/NewYork_NY.tar.gz,5000',
        'Chicago_IL/Chicago_IL.tar.gz',
        '  LosAngeles_CA/LosAngeles_CA.tar.gz  ',
      ].join('\r\n'),
      { defaultSizeBytes: 1000 },
    );
    expect(trace.keys).toEqual([
      'Chicago_IL/Chicago_IL.tar.gz',
      'NewYork_NY/NewYork_NY.tar.gz',
      'Chicago_IL/Chicago_IL.tar.gz',
      'LosAngeles_CA/LosAngeles_CA.tar.gz',
    ]);
    expect(Object.fromEntries(trace.sizes)).toEqual({
      'Chicago_IL/Chicago_IL.tar.gz': 4096,
      'NewYork_NY/NewYork_NY.tar.gz': 5000,
      'LosAngeles_CA/LosAngeles_CA.tar.gz': 1000,
    });
    expect(trace.loadCosts.get('Chicago_IL/Chicago_IL.tar.gz')).toBe(1029);
    expect(trace.loadCosts.get('NewYork_NY/NewYork_NY.tar.gz')).toBe(1);
  });

  it('refuses bad lines with their number, including a model whose size changes', () => {
    const error = (text: string): TraceFormatError => {
      try {
        parseTrace(text);
      } catch (e) {
        return e as TraceFormatError;
      }
      throw new Error('no error');
    };
    expect(error('a,10\nb\na,12')).toMatchObject({ code: 'InvalidTrace', line: 3, exitCode: 2 });
    expect(error('a,10\na,10,5\na,10,6').message).toMatch(/line 3: loadMs of 'a' is 6/);
    expect(error('a,0').message).toMatch(/line 1: sizeBytes must be a positive integer/);
    expect(error('a,1.5').message).toMatch(/positive integer/);
    expect(error('a,1,-2').message).toMatch(/loadMs/);
    expect(error('a,1,2,3').message).toMatch(/at most 3 fields/);
    expect(error(',1').message).toMatch(/missing model key/);
  });

  it('round-trips through formatTrace', () => {
    const trace = zipfTrace({ models: 20, requests: 200, seed: 2, loadMs: 250 });
    expect(parseTrace(formatTrace(trace))).toEqual(trace);
    expect(parseTrace('')).toEqual({ keys: [], sizes: new Map(), loadCosts: new Map() });
  });
});

describe('replay', () => {
  it('gives one row per policy and Belady last, for the same trace and budget', () => {
    const trace = referenceExperimentTrace();
    const rows = replay(trace, { capacityBytes: 121 });
    expect(rows.map((r) => r.policy)).toEqual([...POLICY_NAMES, 'belady']);
    for (const row of rows) {
      expect(row).toMatchObject({ hits: 200, misses: 200, hitRatio: 0.5, totalLoadCost: 200 });
    }
    expect(rows[0]!.evictions).toBe(79);
    expect(replay(trace, { capacityBytes: 121, policies: ['sieve'], belady: false }).map((r) => r.policy)).toEqual([
      'sieve',
    ]);
  });

  it('names the Belady row belady-size when models differ in size (a heuristic, not the optimum)', () => {
    const trace = zipfTrace({ models: 30, requests: 300, seed: 9 });
    const rows = replay(trace, { capacityBytes: 20_000, policies: ['lru', 'gdsf'] });
    expect(rows.map((r) => r.policy)).toEqual(['lru', 'gdsf', 'belady-size']);
    expect(rows.every((r) => r.hits + r.misses === 300)).toBe(true);
    expect(
      replay({ keys: [], sizes: new Map(), loadCosts: new Map() }, { capacityBytes: 1, policies: ['lru'] })[0]!
        .hitRatio,
    ).toBe(0);
  });

  it('formats a table', () => {
    const rows = replay(referenceExperimentTrace(), { capacityBytes: 121, policies: ['lru'] });
    const table = formatReplayTable(rows).split('\n');
    expect(table[0]).toMatch(/^policy\s+hits\s+misses\s+hit ratio\s+evictions\s+load cost$/);
    expect(table[1]).toMatch(/^lru\s+200\s+200\s+0\.5000\s+79\s+200$/);
    expect(table).toHaveLength(3);
  });

  it('benchReplay returns a row per policy plus Belady, with a speed (small run here)', () => {
    const result = benchReplay({ models: 200, requests: 2000, sizes: 'equal' });
    expect(result.capacityBytes).toBe(200 * 4096 * 0.1);
    expect(result.rows.map((r) => r.policy)).toEqual([...POLICY_NAMES, 'belady']);
    const optimum = result.rows.at(-1)!.hits;
    for (const row of result.rows) {
      expect(row.opsPerSecond).toBeGreaterThan(0);
      expect(row.hits).toBeLessThanOrEqual(optimum);
    }
    expect(formatReplayTable(result.rows)).toMatch(/ops\/s/);
  });
});
