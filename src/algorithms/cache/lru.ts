/**
 * LRU and FIFO, the two queue-order policies.
 *
 * LRU is the default because it is what SageMaker documents for multi-model endpoints: models
 * are "unloaded only under memory pressure, least recently used first". Matching it keeps the
 * local cloud's LoadedModelCount and ModelCacheHit curves faithful to AWS (docs/aws-behaviour.md#multi-model-caching).
 *
 * Both use a JavaScript Map as the queue: a Map iterates in insertion order, and delete + set
 * moves a key to the end in O(1), so the Map is the hash index and the doubly linked list at
 * once, with no node objects to allocate. The least recent key is the first one iterated.
 *
 * FIFO is LRU without promotion on a hit. It is here as the baseline SIEVE improves on (Zhang
 * et al. 2024 build SIEVE as "FIFO plus a visited bit and a moving hand").
 */
import type { EvictionPolicy } from './policy.js';

abstract class QueuePolicy<K> implements EvictionPolicy<K> {
  abstract readonly name: string;
  /** Oldest first. The value is unused: only the key order matters. */
  protected readonly queue = new Map<K, true>();

  get size(): number {
    return this.queue.size;
  }

  onInsert(key: K): void {
    // Re-inserting a resident key refreshes it rather than duplicating it.
    this.queue.delete(key);
    this.queue.set(key, true);
  }

  abstract onHit(key: K): void;

  onRemove(key: K): void {
    this.queue.delete(key);
  }

  chooseVictim(isEvictable?: (key: K) => boolean): K | undefined {
    // O(1) when the oldest item is evictable; otherwise it walks past the protected ones, of
    // which there are at most as many as requests in flight.
    for (const key of this.queue.keys()) {
      if (isEvictable === undefined || isEvictable(key)) return key;
    }
    return undefined;
  }
}

export class LruPolicy<K = string> extends QueuePolicy<K> {
  readonly name = 'lru';

  onHit(key: K): void {
    if (this.queue.delete(key)) this.queue.set(key, true);
  }
}

export class FifoPolicy<K = string> extends QueuePolicy<K> {
  readonly name = 'fifo';

  onHit(): void {
    // Insertion order is all FIFO keeps: a hit changes nothing.
  }
}
