/**
 * The offline reference: Belady's MIN (L. A. Belady, "A study of replacement algorithms for a
 * virtual-storage computer", IBM Systems Journal 5(2), 1966). Knowing the whole trace, evict
 * the resident item whose next request is farthest in the future.
 *
 * Equal sizes: this is exactly optimal for the number of hits (Belady 1966; Mattson, Gecsei,
 * Slutz and Traiger 1970 prove it for demand paging). We also let it bypass: on a miss with a
 * full cache, if the requested item is itself used later than every resident one (or never
 * again), it is served and not kept. Bypassing never loses a hit, so the count stays optimal,
 * and it is an upper bound for every online policy in this package: `hits(policy) <= hits(belady)`
 * for any trace with equal sizes, which the property tests check. (It can beat textbook MIN,
 * which must admit every miss; `bypass: false` gives that one.)
 *
 * Variable sizes: finding the optimum is NP-hard (Chrobak, Woeginger, Makino and Xu, "Caching
 * is hard, even in the fault model", Algorithmica 2012), and the practical bounds are flow
 * relaxations (Berger, Beckmann and Harchol-Balter, "Practical Bounds on Optimal Caching with
 * Variable Object Sizes", SIGMETRICS 2018). What this function computes then is the standard
 * "Belady-size" heuristic: evict farthest-next-use items until the new one fits, and bypass it
 * when it would itself be among those victims. It is a good yardstick, usually well above the
 * online policies, but NOT an exact optimum and not a guaranteed upper bound: an online policy
 * may beat it on a trace where keeping several small items is worth more than one big one.
 */
import type { CacheStats } from './byte-budget-cache.js';
import { IndexedHeap, type HeapEntry } from './heap.js';

/** Per-model sizes or load costs: a map, or a function of the key. */
export type PerKey<K> = ReadonlyMap<K, number> | ((key: K) => number);

interface Entry<K> extends HeapEntry {
  readonly key: K;
  readonly size: number;
  /** Index of the next request for this key, Infinity if none. */
  next: number;
}

export interface BeladyOptions<K> {
  /** Load cost per model, summed over misses (default 1 each: totalLoadCost counts misses). */
  loadCosts?: PerKey<K>;
  /**
   * Allow serving a miss without keeping it (default true). False gives classic demand-paging
   * MIN, which must admit every item it can hold: the optimum among policies that, like every
   * online policy here, always admit. With bypass the count can only be higher.
   */
  bypass?: boolean;
}

export function belady<K>(
  keys: readonly K[],
  capacityBytes: number,
  sizes: PerKey<K>,
  options: BeladyOptions<K> = {},
): CacheStats {
  const sizeOf = lookup(sizes, 'size');
  const costOf = lookup(options.loadCosts ?? (() => 1), 'load cost');
  const bypass = options.bypass ?? true;
  const nextUse = nextUses(keys);
  const resident = new Map<K, Entry<K>>();
  const farthestFirst = new IndexedHeap<Entry<K>>((a, b) => a.next > b.next);
  const stats: CacheStats = { hits: 0, misses: 0, evictions: 0, totalLoadCost: 0, bypasses: 0 };
  let used = 0;
  const victims: Entry<K>[] = [];

  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const next = nextUse[i]!;
    const entry = resident.get(key);
    if (entry) {
      stats.hits++;
      entry.next = next;
      farthestFirst.update(entry);
      continue;
    }
    stats.misses++;
    stats.totalLoadCost += costOf(key);
    const size = sizeOf(key);
    if (size > capacityBytes) {
      stats.bypasses++;
      continue;
    }
    // Pick victims, farthest next use first, but (with bypass) only those used later than the
    // new item: if it would come up as a victim itself, keeping the others is at least as good.
    let freed = 0;
    victims.length = 0;
    while (used - freed + size > capacityBytes) {
      const top = farthestFirst.peek();
      if (!top || (bypass && top.next <= next)) break;
      farthestFirst.pop();
      victims.push(top);
      freed += top.size;
    }
    if (used - freed + size > capacityBytes) {
      for (const v of victims) farthestFirst.push(v);
      stats.bypasses++;
      continue;
    }
    for (const v of victims) resident.delete(v.key);
    stats.evictions += victims.length;
    used -= freed;
    const added: Entry<K> = { key, size, next, heapIndex: -1 };
    resident.set(key, added);
    farthestFirst.push(added);
    used += size;
  }
  return stats;
}

/** nextUse[i]: the index of the next request for keys[i] after i, or Infinity. One backward pass. */
export function nextUses<K>(keys: readonly K[]): Float64Array {
  const next = new Float64Array(keys.length);
  const seen = new Map<K, number>();
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i]!;
    next[i] = seen.get(key) ?? Infinity;
    seen.set(key, i);
  }
  return next;
}

function lookup<K>(perKey: PerKey<K>, what: string): (key: K) => number {
  if (typeof perKey === 'function') return perKey;
  return (key) => {
    const value = perKey.get(key);
    if (value === undefined) throw new RangeError(`no ${what} for ${String(key)}`);
    return value;
  };
}
