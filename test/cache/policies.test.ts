import { describe, expect, it } from 'vitest';
import {
  ByteBudgetCache,
  createPolicy,
  GdsfPolicy,
  LruPolicy,
  POLICY_NAMES,
  SievePolicy,
} from '../../src/algorithms/cache/index.js';

/** Run requests (size 1, cost 1 unless given) and return the keys evicted, in order. */
function evictions(cache: ByteBudgetCache, requests: string[], size = 1, cost = 1): string[] {
  return requests.flatMap((key) => cache.access(key, size, cost).evicted);
}

describe('LRU', () => {
  it('evicts the least recently used item, a hit refreshing it', () => {
    const cache = new ByteBudgetCache({ capacityBytes: 3, policy: 'lru' });
    expect(evictions(cache, ['A', 'B', 'C', 'A', 'D'])).toEqual(['B']);
    expect(evictions(cache, ['E'])).toEqual(['C']);
    expect(evictions(cache, ['A', 'F'])).toEqual(['D']);
    expect(cache.keys().sort()).toEqual(['A', 'E', 'F']);
  });

  it('steps over protected items to the next least recent', () => {
    const lru = new LruPolicy();
    for (const k of ['A', 'B', 'C']) lru.onInsert(k);
    expect(lru.chooseVictim((k) => k !== 'A')).toBe('B');
    expect(lru.chooseVictim(() => false)).toBeUndefined();
  });
});

describe('FIFO', () => {
  it('evicts in insertion order whatever the hits', () => {
    const cache = new ByteBudgetCache({ capacityBytes: 3, policy: 'fifo' });
    expect(evictions(cache, ['A', 'B', 'C', 'A', 'A', 'D', 'E'])).toEqual(['A', 'B']);
  });
});

describe('SIEVE (Zhang et al., NSDI 2024)', () => {
  // A walk-through in the manner of the paper's illustration, derived by hand: a 4-item cache;
  // the queue is listed tail (oldest) → head (newest), with visited bits and the hand.
  it('moves the hand, clears visited bits, and sifts out new unvisited items first', () => {
    const sieve = new SievePolicy();
    const cache = new ByteBudgetCache({ capacityBytes: 4, policy: sieve });
    evictions(cache, ['A', 'B', 'C', 'D', 'A', 'B']);
    expect(sieve.snapshot()).toEqual({
      keys: ['A', 'B', 'C', 'D'],
      visited: [true, true, false, false],
      hand: undefined,
    });

    // E: the hand starts at the tail, clears A and B (kept in place), evicts C, the first
    // unvisited item, and is left on C's newer neighbour D. E enters at the head.
    expect(evictions(cache, ['E'])).toEqual(['C']);
    expect(sieve.snapshot()).toEqual({ keys: ['A', 'B', 'D', 'E'], visited: [false, false, false, false], hand: 'D' });

    // A hit only sets A's bit; F evicts D where the hand stands: no rescan from the tail.
    expect(evictions(cache, ['A', 'F'])).toEqual(['D']);
    expect(sieve.snapshot()).toEqual({ keys: ['A', 'B', 'E', 'F'], visited: [true, false, false, false], hand: 'E' });

    // The newer but unvisited E and F go before the old, visited A (LRU would have evicted B).
    expect(evictions(cache, ['G', 'H'])).toEqual(['E', 'F']);
    expect(sieve.snapshot()).toEqual({ keys: ['A', 'B', 'G', 'H'], visited: [true, false, false, false], hand: 'G' });
    expect(evictions(cache, ['I'])).toEqual(['G']);
    expect(sieve.snapshot().hand).toBe('H');
    expect(evictions(cache, ['J'])).toEqual(['H']);
    expect(sieve.snapshot()).toEqual({ keys: ['A', 'B', 'I', 'J'], visited: [true, false, false, false], hand: 'I' });
    // With I and J visited, the hand clears them, runs past the head, wraps to the tail, clears
    // A and evicts B; it is left on B's newer neighbour, I.
    expect(evictions(cache, ['I', 'J', 'K'])).toEqual(['B']);
    expect(sieve.snapshot()).toEqual({ keys: ['A', 'I', 'J', 'K'], visited: [false, false, false, false], hand: 'I' });
  });

  it('steps over protected items without clearing their bit, and names no victim if all are protected', () => {
    const sieve = new SievePolicy();
    for (const k of ['A', 'B', 'C']) sieve.onInsert(k);
    sieve.onHit('A');
    sieve.onHit('B');
    expect(sieve.chooseVictim((k) => k !== 'C')).toBe('A'); // A cleared on the first pass, taken on the second
    expect(sieve.snapshot().visited).toEqual([false, false, false]);
    sieve.onHit('C');
    expect(sieve.chooseVictim((k) => k === 'B')).toBe('B');
    expect(sieve.snapshot().visited).toEqual([false, false, true]); // protected C kept its bit
    expect(sieve.chooseVictim(() => false)).toBeUndefined();
  });

  it('forgets a removed item cleanly, even when the hand stands on it', () => {
    const sieve = new SievePolicy();
    for (const k of ['A', 'B', 'C']) sieve.onInsert(k);
    expect(sieve.chooseVictim()).toBe('A');
    sieve.onRemove('A');
    expect(sieve.snapshot()).toEqual({ keys: ['B', 'C'], visited: [false, false], hand: 'B' });
    sieve.onRemove('C');
    sieve.onRemove('B');
    expect(sieve.size).toBe(0);
    expect(sieve.chooseVictim()).toBeUndefined();
  });
});

describe('GDSF (Cherkasova 1998)', () => {
  it('evicts the cheaper item to load first, even if it was used more recently', () => {
    const cache = new ByteBudgetCache({ capacityBytes: 2, policy: 'gdsf' });
    cache.access('slow', 1, 1000);
    cache.access('fast', 1, 10);
    expect(cache.access('new', 1, 500).evicted).toEqual(['fast']);
  });

  it('evicts the larger item first at equal cost: its priority per byte is lower', () => {
    const cache = new ByteBudgetCache({ capacityBytes: 6, policy: 'gdsf' });
    cache.access('small', 1, 100);
    cache.access('big', 4, 100);
    expect(cache.access('new', 2, 100).evicted).toEqual(['big']);
    expect(cache.keys().sort()).toEqual(['new', 'small']);
  });

  it('counts frequency, and ages it: L rises at each eviction until an old favourite leaves', () => {
    const gdsf = new GdsfPolicy();
    const cache = new ByteBudgetCache({ capacityBytes: 2, policy: gdsf });
    evictions(cache, ['A', 'A', 'A', 'B']);
    expect(gdsf.priorityOf('A')).toBe(3); // L 0 + 3 requests × cost 1 / size 1
    expect(evictions(cache, ['C'])).toEqual(['B']); // B (H 1) goes, not the least recent A
    expect(gdsf.L).toBe(1);
    expect(gdsf.priorityOf('C')).toBe(2);
    expect(evictions(cache, ['D'])).toEqual(['C']);
    expect(gdsf.L).toBe(2);
    // D enters at L + 1 = 3, equal to A's 3 from long ago: the tie goes to the least recent, A.
    expect(evictions(cache, ['E'])).toEqual(['A']);
    expect(gdsf.L).toBe(3);

    const lru = new ByteBudgetCache({ capacityBytes: 2, policy: 'lru' });
    expect(evictions(lru, ['A', 'A', 'A', 'B', 'C', 'D', 'E'])).toEqual(['A', 'B', 'C']);
  });

  it('raises L only for evictions, not for an explicit removal', () => {
    const gdsf = new GdsfPolicy();
    gdsf.onInsert('A', 1, 5);
    gdsf.onInsert('B', 1, 7);
    gdsf.onRemove('A');
    expect(gdsf.L).toBe(0);
    expect(gdsf.chooseVictim()).toBe('B');
    gdsf.onRemove('B');
    expect(gdsf.L).toBe(7);
  });

  it('never names a protected item, even the cheapest', () => {
    const gdsf = new GdsfPolicy();
    gdsf.onInsert('cheap', 1, 1);
    gdsf.onInsert('mid', 1, 5);
    gdsf.onInsert('dear', 1, 9);
    expect(gdsf.chooseVictim((k) => k !== 'cheap')).toBe('mid');
    expect(gdsf.chooseVictim((k) => k === 'dear')).toBe('dear');
    expect(gdsf.chooseVictim(() => false)).toBeUndefined();
  });
});

describe('LFU', () => {
  it('evicts the least frequently used, ties to the least recent', () => {
    const cache = new ByteBudgetCache({ capacityBytes: 3, policy: 'lfu' });
    expect(evictions(cache, ['A', 'A', 'B', 'B', 'C', 'D'])).toEqual(['C']);
    expect(evictions(cache, ['E'])).toEqual(['D']);
    expect(evictions(cache, ['E', 'E', 'F'])).toEqual(['A']); // A, B at 2 (A older), E at 3
  });
});

describe('every policy', () => {
  it.each(POLICY_NAMES)('%s: naming a victim without removing it names the same one again', (name) => {
    const policy = createPolicy(name);
    for (const [i, k] of ['A', 'B', 'C', 'D'].entries()) policy.onInsert(k, 1 + i, 10 - i);
    policy.onHit('C');
    const first = policy.chooseVictim((k) => k !== 'A');
    expect(first).toBeDefined();
    expect(first).not.toBe('A');
    expect(policy.chooseVictim((k) => k !== 'A')).toBe(first);
    expect(policy.size).toBe(4);
    policy.onRemove(first!);
    expect(policy.size).toBe(3);
    policy.onRemove('nope'); // unknown keys are ignored
    expect(policy.size).toBe(3);
  });

  it('the factory knows each name, defaults to lru, and refuses others with a usage error', () => {
    for (const name of POLICY_NAMES) expect(createPolicy(name).name).toBe(name);
    expect(createPolicy().name).toBe('lru');
    expect(() => createPolicy('arc')).toThrow(expect.objectContaining({ code: 'InvalidCachePolicy', exitCode: 2 }));
  });
});
