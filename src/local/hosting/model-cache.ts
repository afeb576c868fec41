/**
 * The memory tier of a multi-model instance: models loaded into the container, within a byte
 * budget. SageMaker loads a model on its first invocation and unloads models only under memory
 * pressure, least recently used first (the policy is pluggable, eviction.ts). Requests for a
 * model that is loading wait for that one load (single flight: one download, one load).
 *
 * Invariants: a model serving a request (a lease not yet released) or still loading is never
 * unloaded. Sizes are bytes as the loader measured or estimated them, never a count of models.
 * When every other model is busy, a new model is admitted over budget (as a model server would
 * hold both) and the cache trims back to budget as leases are released. A model larger than the
 * whole budget fails with 507, the status a multi-model server gives when memory is short.
 * (The policy contract in algorithms/cache/policy.ts has the host answer 507 whenever nothing is
 * evictable; admitting over budget instead is our choice: on SageMaker the platform retries after
 * a 507 until memory frees, which a client sees as a slower first request, not as an error.)
 *
 * The policy (LRU by default, as SageMaker; GDSF, SIEVE, LFU, FIFO from algorithms/cache) gets
 * each model's size and its measured load time as the cost of a miss.
 */
import type { EvictionPolicy } from '../../algorithms/cache/index.js';
import { ContainerFailure } from './errors.js';
import type { LoadedModelInfo } from '../../formats/endpoint-status.js';

export interface Loaded<M> {
  model: M;
  sizeBytes: number;
}

interface Entry<M> {
  key: string;
  state: 'loading' | 'ready';
  model?: M;
  sizeBytes: number;
  /** Leases not yet released, including requests waiting for the load. */
  refs: number;
  /** Settles when the load ends; rejects if it failed. */
  ready?: Promise<void>;
  loadedAt?: Date;
  lastUsedAt?: Date;
  hits: number;
}

/**
 * A model held by one request: the cache's own entry, so taking it allocates nothing on the hot
 * path. Whoever holds it gives it back once, with `release`.
 */
export interface Held<M> {
  readonly key: string;
  readonly model?: M;
}

/** A hit is answered at once; a miss gives a promise (its own load, or one already running). */
export type Acquired<M> =
  { outcome: 'hit'; held: Held<M> } | { outcome: 'loaded' | 'joined'; pending: Promise<Held<M>> };

export interface ModelCacheOptions {
  budgetBytes: number;
  policy: EvictionPolicy;
  now: () => Date;
  monotonicMs: () => number;
  /** Told after a model leaves memory (metrics, per-model figures). */
  onUnload?: (key: string, sizeBytes: number, micros: number, reason: 'evicted' | 'unloaded') => void;
}

export class ModelCache<M> {
  private readonly entries = new Map<string, Entry<M>>();
  private used = 0;
  private ready = 0;

  constructor(private readonly options: ModelCacheOptions) {}

  get budgetBytes(): number {
    return this.options.budgetBytes;
  }
  get usedBytes(): number {
    return this.used;
  }
  /** Models in memory (LoadedModelCount), not counting loads in progress. */
  get loadedCount(): number {
    return this.ready;
  }

  /** Loaded or loading: the router sends a model's requests where it already is. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * The hot path of `acquire`: a model in memory, held (a hit, counted as `acquire` counts it),
   * or undefined when it is not loaded (then `acquire`).
   */
  hold(key: string): Held<M> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.state !== 'ready') return undefined;
    this.hit(entry);
    return entry;
  }

  /** Give back a model taken with `hold` or `acquire` (once per take). */
  release(held: Held<M>): void {
    const entry = held as Entry<M>;
    entry.refs--;
    if (entry.refs === 0 && this.used > this.options.budgetBytes) this.makeRoom(0);
  }

  private hit(entry: Entry<M>): void {
    entry.refs++;
    entry.hits++;
    entry.lastUsedAt = this.options.now();
    this.options.policy.onHit(entry.key);
  }

  acquire(key: string, load: () => Promise<Loaded<M>>): Acquired<M> {
    const entry = this.entries.get(key);
    if (entry?.state === 'ready') {
      this.hit(entry);
      return { outcome: 'hit', held: entry };
    }
    if (entry) {
      // Each waiter holds its own ref from now on, so the model cannot go before it is served.
      entry.refs++;
      return { outcome: 'joined', pending: entry.ready!.then(() => entry) };
    }
    const fresh: Entry<M> = { key, state: 'loading', sizeBytes: 0, refs: 1, hits: 0 };
    this.entries.set(key, fresh);
    fresh.ready = this.load(fresh, load);
    return { outcome: 'loaded', pending: fresh.ready.then(() => fresh) };
  }

  private async load(entry: Entry<M>, load: () => Promise<Loaded<M>>): Promise<void> {
    try {
      const started = this.options.monotonicMs();
      const loaded = await load();
      const costMs = this.options.monotonicMs() - started;
      if (loaded.sizeBytes > this.options.budgetBytes) {
        throw new ContainerFailure(
          507,
          `Model ${entry.key} needs ${loaded.sizeBytes} bytes of memory; the instance's model memory is ${this.options.budgetBytes} bytes.`,
        );
      }
      this.makeRoom(loaded.sizeBytes);
      entry.state = 'ready';
      this.ready++;
      entry.model = loaded.model;
      entry.sizeBytes = loaded.sizeBytes;
      entry.loadedAt = entry.lastUsedAt = this.options.now();
      this.used += loaded.sizeBytes;
      this.options.policy.onInsert(entry.key, Math.max(1, loaded.sizeBytes), costMs);
    } catch (err) {
      // Every waiter sees the failure; the next request tries afresh.
      if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
      throw err;
    }
  }

  /** Unload `key` now if nothing uses it (ModelCacheSetting Disabled). */
  unload(key: string): void {
    const entry = this.entries.get(key);
    if (entry?.state === 'ready' && entry.refs === 0) this.remove(entry, 'unloaded');
  }

  private makeRoom(incoming: number): void {
    const evictable = (k: string) => {
      const e = this.entries.get(k);
      return e !== undefined && e.state === 'ready' && e.refs === 0;
    };
    while (this.used + incoming > this.options.budgetBytes) {
      const victim = this.options.policy.chooseVictim(evictable);
      if (victim === undefined) return; // everything left is busy: admit over budget for now
      this.remove(this.entries.get(victim)!, 'evicted');
    }
  }

  private remove(entry: Entry<M>, reason: 'evicted' | 'unloaded'): void {
    const started = this.options.monotonicMs();
    this.entries.delete(entry.key);
    this.ready--;
    this.used -= entry.sizeBytes;
    this.options.policy.onRemove(entry.key);
    entry.model = undefined;
    this.options.onUnload?.(
      entry.key,
      entry.sizeBytes,
      Math.round((this.options.monotonicMs() - started) * 1000),
      reason,
    );
  }

  list(): LoadedModelInfo[] {
    return [...this.entries.values()].map((e) => ({
      key: e.key,
      sizeBytes: e.sizeBytes,
      state: e.state,
      inUse: e.refs,
      hits: e.hits,
      loadedAt: e.loadedAt,
      lastUsedAt: e.lastUsedAt,
    }));
  }

  clear(): void {
    for (const e of [...this.entries.values()]) if (e.state === 'ready') this.remove(e, 'unloaded');
  }
}
