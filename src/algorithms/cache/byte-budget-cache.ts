/**
 * A cache simulator with a byte budget: the memory tier of a multi-model endpoint reduced to
 * its bookkeeping. It decides hit or miss, evicts through an EvictionPolicy until a new item
 * fits, and counts what a CloudWatch chart would show (ModelCacheHit is hits / requests).
 *
 * Admission rules, as on a SageMaker instance:
 *   - a miss always pays the load cost (the model must be loaded to answer the request);
 *   - an item larger than the whole capacity is served but not kept (bypassed);
 *   - if the policy finds no evictable victim before the item fits (everything left is serving
 *     a request), the item is likewise served without being kept. Victims already unloaded on
 *     the way stay unloaded, as they would on a host that unloads one model at a time.
 * Items are immutable by key (SageMaker: "use a new name" to update a model), so the size given
 * on a hit is ignored.
 */
import { createPolicy, type PolicyName } from './factory.js';
import type { EvictionPolicy } from './policy.js';

export interface CacheStats {
  hits: number;
  misses: number;
  evictions: number;
  /** Sum of the load cost of every miss (ms when cost is the measured load time). */
  totalLoadCost: number;
  /** Misses that were served without being kept (too large, or no evictable room). */
  bypasses: number;
}

export interface AccessResult<K> {
  hit: boolean;
  /** The item is resident after the access. */
  resident: boolean;
  /** Keys unloaded to make room, in order. */
  evicted: K[];
}

export interface ByteBudgetCacheOptions<K> {
  capacityBytes: number;
  /** A policy instance or a name for createPolicy; default 'lru'. */
  policy?: EvictionPolicy<K> | PolicyName;
}

export class ByteBudgetCache<K = string> {
  readonly capacityBytes: number;
  readonly policy: EvictionPolicy<K>;
  private readonly resident = new Map<K, number>(); // key → size
  private used = 0;
  private readonly counters: CacheStats = { hits: 0, misses: 0, evictions: 0, totalLoadCost: 0, bypasses: 0 };

  constructor(options: ByteBudgetCacheOptions<K>) {
    if (!Number.isFinite(options.capacityBytes) || options.capacityBytes < 0) {
      throw new RangeError(`capacityBytes must be a finite number >= 0, got ${options.capacityBytes}`);
    }
    this.capacityBytes = options.capacityBytes;
    this.policy = typeof options.policy === 'object' ? options.policy : createPolicy<K>(options.policy);
  }

  get usedBytes(): number {
    return this.used;
  }

  get count(): number {
    return this.resident.size;
  }

  get stats(): CacheStats {
    return { ...this.counters };
  }

  has(key: K): boolean {
    return this.resident.has(key);
  }

  keys(): K[] {
    return [...this.resident.keys()];
  }

  /**
   * One request for `key`. `cost` is what loading it costs on a miss; `isEvictable` protects
   * resident items (e.g. models serving a request) from being chosen as victims.
   */
  access(key: K, size: number, cost = 1, isEvictable?: (key: K) => boolean): AccessResult<K> {
    if (this.resident.has(key)) {
      this.counters.hits++;
      this.policy.onHit(key);
      return { hit: true, resident: true, evicted: [] };
    }
    if (!(size > 0) || !Number.isFinite(size)) throw new RangeError(`size of ${String(key)} must be > 0, got ${size}`);
    this.counters.misses++;
    this.counters.totalLoadCost += cost;
    const evicted: K[] = [];
    if (size > this.capacityBytes) {
      this.counters.bypasses++;
      return { hit: false, resident: false, evicted };
    }
    while (this.used + size > this.capacityBytes) {
      const victim = this.policy.chooseVictim(isEvictable);
      if (victim === undefined) {
        this.counters.bypasses++;
        return { hit: false, resident: false, evicted };
      }
      // Cheap guards against a policy bug: these would silently corrupt every later number.
      const victimSize = this.resident.get(victim);
      if (victimSize === undefined)
        throw new Error(`policy ${this.policy.name} chose ${String(victim)}, which is not resident`);
      if (isEvictable && !isEvictable(victim))
        throw new Error(`policy ${this.policy.name} chose protected ${String(victim)}`);
      this.drop(victim, victimSize);
      this.counters.evictions++;
      evicted.push(victim);
    }
    this.resident.set(key, size);
    this.used += size;
    this.policy.onInsert(key, size, cost);
    return { hit: false, resident: true, evicted };
  }

  /** Remove an item for another reason than memory pressure (not counted as an eviction). */
  remove(key: K): boolean {
    const size = this.resident.get(key);
    if (size === undefined) return false;
    this.drop(key, size);
    return true;
  }

  private drop(key: K, size: number): void {
    this.resident.delete(key);
    this.used -= size;
    this.policy.onRemove(key);
  }
}
