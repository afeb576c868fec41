/**
 * The contract between a byte-budgeted cache of variable-size items (the endpoint host's memory
 * tier, or the offline simulator in byte-budget-cache.ts) and the rule that picks what to unload.
 *
 * Why the split: the cache owns bytes, residency and the load itself; the policy owns only the
 * order in which resident keys would be given up. That keeps every policy testable with plain
 * values and lets the host swap the rule without touching its loading code.
 *
 * Call protocol (the cache drives it, the policy never sees bytes in use or capacity):
 *   - `onInsert(key, size, cost)` once, after the item became resident;
 *   - `onHit(key)` on every later request served from the cache;
 *   - `chooseVictim(isEvictable)` when room is needed: it NAMES a victim but does not drop it,
 *     because the host may still fail or decline to unload. A policy may advance internal state
 *     here when its algorithm says the scan itself does so (SIEVE's hand clears visited bits);
 *   - `onRemove(key)` when the item actually left, whether as the chosen victim or for another
 *     reason (the model was deleted, or replaced under a new name). Policies that learn from
 *     evictions (GDSF's inflation value L) learn only when the removed key is the victim they
 *     just named, so an explicit delete does not age the cache.
 *
 * `isEvictable` lets the host protect items: SageMaker never unloads a model while it is serving
 * a request, and a model still loading cannot be unloaded either. A policy must never return a
 * key the predicate rejects; when every resident key is protected it returns undefined and the
 * host answers "no room" (the container's 507, which the platform turns into a retry).
 */

export interface EvictionPolicy<K = string> {
  /** Stable short name, as accepted by createPolicy (e.g. 'lru'). */
  readonly name: string;
  /** Number of keys the policy tracks (should equal the cache's resident count). */
  readonly size: number;
  /**
   * A new resident item. `size` in bytes (> 0); `cost` is what a miss on it costs, i.e. its
   * measured load time (ms) in the host; only cost-aware policies (GDSF) read it.
   */
  onInsert(key: K, size: number, cost: number): void;
  /** A request for a resident item. */
  onHit(key: K): void;
  /** The item left the cache (evicted or removed). Unknown keys are ignored. */
  onRemove(key: K): void;
  /** The key to unload next among those `isEvictable` accepts, or undefined if there is none. */
  chooseVictim(isEvictable?: (key: K) => boolean): K | undefined;
}
