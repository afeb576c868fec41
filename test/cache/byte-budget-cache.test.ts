import { describe, expect, it } from 'vitest';
import {
  belady,
  ByteBudgetCache,
  POLICY_NAMES,
  referenceExperimentTrace,
  type EvictionPolicy,
} from '../../src/algorithms/cache/index.js';

describe('ByteBudgetCache', () => {
  it('evicts by bytes until the new item fits, and counts hits, misses, evictions and load cost', () => {
    const cache = new ByteBudgetCache({ capacityBytes: 10 }); // lru by default
    expect(cache.policy.name).toBe('lru');
    cache.access('a', 4, 100);
    cache.access('b', 4, 200);
    expect(cache.access('a', 4, 100)).toEqual({ hit: true, resident: true, evicted: [] });
    // c needs 5 with 8 of 10 used: evicting b, the least recent, is enough (4 + 5 <= 10).
    expect(cache.access('c', 5, 300).evicted).toEqual(['b']);
    // d needs 6 with 9 used: a goes (5 + 6 > 10 still), then c.
    expect(cache.access('d', 6, 50).evicted).toEqual(['a', 'c']);
    expect(cache.usedBytes).toBe(6);
    expect(cache.stats).toEqual({ hits: 1, misses: 4, evictions: 3, totalLoadCost: 650, bypasses: 0 });
  });

  it('serves but does not keep an item larger than the whole capacity, evicting nothing for it', () => {
    const cache = new ByteBudgetCache({ capacityBytes: 10 });
    cache.access('a', 6, 1);
    expect(cache.access('huge', 11, 7)).toEqual({ hit: false, resident: false, evicted: [] });
    expect(cache.keys()).toEqual(['a']);
    expect(cache.stats).toMatchObject({ misses: 2, bypasses: 1, totalLoadCost: 8, evictions: 0 });
    expect(cache.access('huge', 11, 7).hit).toBe(false);
  });

  it('never evicts a protected item: with everything protected the new item is bypassed', () => {
    const cache = new ByteBudgetCache({ capacityBytes: 3, policy: 'lru' });
    for (const k of ['a', 'b', 'c']) cache.access(k, 1);
    const serving = new Set(['a', 'b']);
    expect(cache.access('d', 1, 1, (k) => !serving.has(k)).evicted).toEqual(['c']);
    serving.add('d');
    expect(cache.access('e', 1, 1, (k) => !serving.has(k))).toEqual({ hit: false, resident: false, evicted: [] });
    expect(cache.keys().sort()).toEqual(['a', 'b', 'd']);
  });

  it('removes an item on request without counting an eviction', () => {
    const cache = new ByteBudgetCache({ capacityBytes: 3, policy: 'sieve' });
    cache.access('a', 2);
    expect(cache.remove('a')).toBe(true);
    expect(cache.remove('a')).toBe(false);
    expect(cache.usedBytes).toBe(0);
    expect(cache.policy.size).toBe(0);
    expect(cache.stats.evictions).toBe(0);
  });

  it('rejects a bad capacity or size, and a policy that names a non-resident victim', () => {
    expect(() => new ByteBudgetCache({ capacityBytes: -1 })).toThrow(RangeError);
    const cache = new ByteBudgetCache({ capacityBytes: 3 });
    expect(() => cache.access('a', 0)).toThrow(RangeError);
    const liar: EvictionPolicy = {
      name: 'liar',
      size: 0,
      onInsert() {},
      onHit() {},
      onRemove() {},
      chooseVictim: () => 'ghost',
    };
    const bad = new ByteBudgetCache({ capacityBytes: 1, policy: liar });
    bad.access('a', 1);
    expect(() => bad.access('b', 1)).toThrow(/not resident/);
  });
});

describe('the reference cache experiment (docs/aws-behaviour.md#multi-model-caching) on a cache that holds 121 of 200 models', () => {
  // 200 equal models, requested 0..99, 0..99, 0..199, into memory for 121 of them (the
  // LoadedModelCount plateau on AWS). Reasoning for LRU:
  //   pass 1: 100 cold misses; the cache holds 0..99, no eviction (100 <= 121);
  //   pass 2: all 100 hits;
  //   pass 3: 0..99 are all still resident: 100 hits. 100..199 are new: 100 misses; the first
  //     21 (100..120) fill the cache to 121, the other 79 each evict the least recent, which
  //     are 0..78 in that order (pass 3 touched them first). 79..199 remain: 121 models.
  const trace = referenceExperimentTrace();
  const sizes = trace.sizes;

  function run(policy: string): { cache: ByteBudgetCache; hitsByPass: number[]; evicted: string[]; counts: number[] } {
    const cache = new ByteBudgetCache({ capacityBytes: 121, policy: policy as 'lru' });
    const hitsByPass = [0, 0, 0];
    const evicted: string[] = [];
    const counts: number[] = [];
    trace.keys.forEach((key, i) => {
      const r = cache.access(key, sizes.get(key)!, 1);
      if (r.hit) hitsByPass[i < 100 ? 0 : i < 200 ? 1 : 2]!++;
      evicted.push(...r.evicted);
      counts.push(cache.count);
    });
    return { cache, hitsByPass, evicted, counts };
  }

  it('has the trace shape: 400 requests, 0..99 twice, then 0..199', () => {
    expect(trace.keys).toHaveLength(400);
    expect(trace.keys[0]).toBe('Houston_TX/0_Houston_TX.tar.gz');
    expect(trace.keys[100]).toBe(trace.keys[0]);
    expect(trace.keys[399]).toBe('Houston_TX/199_Houston_TX.tar.gz');
    expect(new Set(trace.keys).size).toBe(200);
  });

  it('LRU: misses, then hits, then hits for 0..99 and misses for the 100 unseen; 121 loaded at the end', () => {
    const { cache, hitsByPass, evicted, counts } = run('lru');
    expect(hitsByPass).toEqual([0, 100, 100]);
    expect(cache.stats).toEqual({ hits: 200, misses: 200, evictions: 79, totalLoadCost: 200, bypasses: 0 });
    expect(evicted).toEqual(Array.from({ length: 79 }, (_, i) => `Houston_TX/${i}_Houston_TX.tar.gz`));
    expect(cache.keys().sort()).toEqual(
      Array.from({ length: 121 }, (_, i) => `Houston_TX/${79 + i}_Houston_TX.tar.gz`).sort(),
    );
    // LoadedModelCount: rises to 100, holds during the repeat, rises again and levels off at 121.
    expect(counts[99]).toBe(100);
    expect(counts[299]).toBe(100);
    expect(counts[320]).toBe(121);
    expect(Math.max(...counts)).toBe(121);
    expect(counts.slice(320).every((c) => c === 121)).toBe(true);
  });

  it.each(POLICY_NAMES)('%s matches Belady (200 hits): nothing seen twice is ever evicted before its reuse', (name) => {
    expect(run(name).cache.stats.hits).toBe(200);
    expect(belady(trace.keys, 121, sizes).hits).toBe(200);
  });

  it('with room for only 60, LRU thrashes on the repeated 0..99 loop while Belady keeps 60', () => {
    const loop = [...trace.keys.slice(0, 200)];
    const lru = new ByteBudgetCache({ capacityBytes: 60, policy: 'lru' });
    for (const key of loop) lru.access(key, 1);
    expect(lru.stats.hits).toBe(0);
    expect(belady(loop, 60, sizes).hits).toBe(60);
  });
});
