import { describe, expect, it } from 'vitest';
import {
  belady,
  ByteBudgetCache,
  createPolicy,
  nextUses,
  POLICY_NAMES,
  uniformTrace,
  zipfTrace,
  type EvictionPolicy,
  type Trace,
} from '../../src/algorithms/cache/index.js';
import { createRandom } from '../../src/algorithms/random.js';

const unit = (): number => 1;

describe('belady (Belady 1966)', () => {
  it('tables the next use of every request', () => {
    expect([...nextUses(['a', 'b', 'a', 'c', 'b'])]).toEqual([2, 4, Infinity, Infinity, Infinity]);
  });

  it('evicts the item used farthest in the future (a textbook trace)', () => {
    // 3 frames, the classic reference string: MIN takes 9 faults, LRU 12, FIFO 15. Allowed to
    // bypass (serve a miss without keeping it) it takes 8, as an exhaustive search confirms.
    const refs = '7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1'.split(' ');
    expect(belady(refs, 3, unit, { bypass: false }).misses).toBe(9);
    expect(belady(refs, 3, unit).misses).toBe(8);
    expect(refs.length - bruteForceHits(refs, 3)).toBe(8);
    const lru = new ByteBudgetCache({ capacityBytes: 3, policy: 'lru' });
    const fifo = new ByteBudgetCache({ capacityBytes: 3, policy: 'fifo' });
    for (const r of refs) {
      lru.access(r, 1);
      fifo.access(r, 1);
    }
    expect(lru.stats.misses).toBe(12);
    expect(fifo.stats.misses).toBe(15);
  });

  it('bypasses an item used farther than everything resident (or never again)', () => {
    const stats = belady(['a', 'b', 'x', 'a', 'b'], 2, unit);
    expect(stats).toMatchObject({ hits: 2, misses: 3, evictions: 0, bypasses: 1 });
  });

  it('variable sizes (Belady-size): evicts farthest first until the new item fits', () => {
    const sizes = new Map([
      ['A', 6],
      ['B', 4],
      ['C', 6],
    ]);
    // C (next use 3) needs 6 of 10: B (never again) and then A (next at 4) are both farther, so
    // both go. A's return (never used again) would evict C, used as late: A is bypassed.
    expect(belady(['A', 'B', 'C', 'C', 'A'], 10, sizes)).toMatchObject({ hits: 1, evictions: 2, bypasses: 1 });
    expect(belady(['A', 'B', 'C', 'C', 'A'], 10, sizes, { bypass: false })).toMatchObject({
      hits: 1,
      evictions: 3,
      bypasses: 0,
    });
    // C never used again: it would be the first victim itself, so it is not kept.
    expect(belady(['A', 'B', 'C', 'A', 'B'], 10, sizes)).toMatchObject({ hits: 2, evictions: 0, bypasses: 1 });
    // Larger than the cache: served, never kept.
    expect(belady(['A', 'A'], 5, sizes)).toMatchObject({ hits: 0, bypasses: 2 });
  });

  it('sums the load cost of its misses', () => {
    const costs = new Map([
      ['a', 10],
      ['b', 20],
    ]);
    // a is kept (used again first), b is served twice without being kept.
    expect(belady(['a', 'b', 'a', 'b'], 1, unit, { loadCosts: costs })).toMatchObject({ hits: 1, totalLoadCost: 50 });
  });

  it('is exactly optimal for equal sizes: it matches a brute-force search on small traces', () => {
    const random = createRandom(7);
    for (let t = 0; t < 60; t++) {
      const keys = Array.from({ length: 4 + random.int(9) }, () => 'abcde'[random.int(5)]!);
      const capacity = 1 + random.int(3);
      expect(belady(keys, capacity, unit).hits, keys.join('')).toBe(bruteForceHits(keys, capacity));
    }
  });
});

/** The most hits any eviction-and-bypass schedule can get: exhaustive search with memo. */
function bruteForceHits(keys: string[], capacity: number): number {
  const memo = new Map<string, number>();
  const go = (i: number, resident: readonly string[]): number => {
    if (i === keys.length) return 0;
    const id = `${i}|${[...resident].sort().join('')}`;
    const known = memo.get(id);
    if (known !== undefined) return known;
    const key = keys[i]!;
    let best: number;
    if (resident.includes(key)) best = 1 + go(i + 1, resident);
    else {
      best = go(i + 1, resident); // bypass
      if (resident.length < capacity) best = Math.max(best, go(i + 1, [...resident, key]));
      else for (const v of resident) best = Math.max(best, go(i + 1, [...resident.filter((r) => r !== v), key]));
    }
    memo.set(id, best);
    return best;
  };
  return go(0, []);
}

describe('properties over 200 seeded random traces (equal sizes)', () => {
  const traces: { name: string; trace: Trace; capacity: number }[] = [];
  const random = createRandom(2024);
  for (let t = 0; t < 200; t++) {
    const models = 5 + random.int(60);
    const requests = 50 + random.int(400);
    const seed = 1000 + t;
    const trace =
      t % 2 === 0
        ? zipfTrace({ models, requests, s: 0.5 + random.next(), seed, sizeBytes: 7, loadMs: { median: 100, sigma: 1 } })
        : uniformTrace({ models, requests, seed, sizeBytes: 7, loadMs: { median: 100, sigma: 1 } });
    // Capacity for 1..models items, with slack smaller than one item.
    traces.push({
      name: `${t % 2 === 0 ? 'zipf' : 'uniform'}#${t}`,
      trace,
      capacity: 7 * (1 + random.int(models)) + random.int(7),
    });
  }

  it('no policy ever gets more hits than Belady (demand MIN, and MIN with bypass above it)', () => {
    let strictlyBelow = 0;
    for (const { name, trace, capacity } of traces) {
      const optimum = belady(trace.keys, capacity, trace.sizes, { loadCosts: trace.loadCosts });
      // Demand MIN (must admit, like the online policies) is the tighter bound, and bypassing
      // can only add hits to it.
      const demand = belady(trace.keys, capacity, trace.sizes, { bypass: false });
      expect(optimum.hits + optimum.misses).toBe(trace.keys.length);
      expect(demand.hits).toBeLessThanOrEqual(optimum.hits);
      for (const policy of POLICY_NAMES) {
        const cache = new ByteBudgetCache({ capacityBytes: capacity, policy });
        for (const key of trace.keys) cache.access(key, 7, trace.loadCosts.get(key)!);
        const { hits } = cache.stats;
        expect(hits, `${policy} on ${name}`).toBeLessThanOrEqual(demand.hits);
        if (hits < demand.hits) strictlyBelow++;
      }
    }
    // The bound is not vacuous: the online policies usually fall short of it.
    expect(strictlyBelow).toBeGreaterThan(traces.length);
  });

  it('no policy ever names a protected item, and the cache never exceeds its budget', () => {
    // Plain checks in the loop, one expect at the end: ~250,000 accesses.
    const violations: string[] = [];
    let protectedSkips = 0;
    for (const [t, { name: traceName, trace, capacity }] of traces.entries()) {
      const random = createRandom(t);
      for (const name of POLICY_NAMES) {
        const inner = createPolicy(name);
        let serving = new Set<string>();
        const watched: EvictionPolicy = {
          name: inner.name,
          get size() {
            return inner.size;
          },
          onInsert: (k, s, c) => inner.onInsert(k, s, c),
          onHit: (k) => inner.onHit(k),
          onRemove: (k) => inner.onRemove(k),
          chooseVictim: (ok) => {
            const victim = inner.chooseVictim(ok);
            if (victim !== undefined && serving.has(victim))
              violations.push(`${name} chose protected ${victim} on ${traceName}`);
            return victim;
          },
        };
        const cache = new ByteBudgetCache({ capacityBytes: capacity, policy: watched });
        for (const key of trace.keys) {
          // About a third of the resident models are serving a request at any moment.
          serving = new Set(cache.keys().filter(() => random.next() < 0.33));
          const r = cache.access(key, 7, 1, (k) => !serving.has(k));
          if (!r.resident) protectedSkips++;
          if (cache.usedBytes > capacity) violations.push(`${name} over budget on ${traceName}`);
          if (inner.size !== cache.count)
            violations.push(`${name} tracks ${inner.size} of ${cache.count} on ${traceName}`);
        }
      }
    }
    expect(violations).toEqual([]);
    expect(protectedSkips).toBeGreaterThan(0); // the all-protected path was exercised
  });
});
