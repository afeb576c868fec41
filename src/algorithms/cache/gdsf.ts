/**
 * GreedyDual-Size-Frequency (Cherkasova, "Improving WWW Proxies Performance with
 * Greedy-Dual-Size-Frequency Caching Policy", HP Labs HPL-98-69, 1998), which extends Cao and
 * Irani's GreedyDual-Size (1997) with a frequency count.
 *
 * Each resident item p has the priority
 *
 *     H(p) = L + Fr(p) × Cost(p) / Size(p)
 *
 * and the victim is the item with the lowest H. Cost is what a miss on p costs: for the endpoint
 * host, the model's measured load time, so GDSF keeps the models that are slow to load, small
 * and popular, and gives up big, cheap, rarely used ones first. L, the inflation value, starts
 * at 0 and is raised to H(victim) at every eviction; a hit re-computes H with the current L.
 * That is the "aging" that lets a formerly popular item leave: items not touched since L rose
 * carry an old, low base, while recently touched ones carry the new one.
 *
 * Ties go to the least recently touched item, so with equal sizes, costs and counts GDSF falls
 * back to LRU (the SageMaker order) rather than to an arbitrary heap order.
 */
import { IndexedHeap, type HeapEntry } from './heap.js';
import type { EvictionPolicy } from './policy.js';

interface Entry<K> extends HeapEntry {
  readonly key: K;
  readonly size: number;
  readonly cost: number;
  frequency: number;
  priority: number;
  /** Logical time of the last touch: the tie-breaker. */
  touched: number;
}

export class GdsfPolicy<K = string> implements EvictionPolicy<K> {
  readonly name = 'gdsf';
  private readonly entries = new Map<K, Entry<K>>();
  private readonly heap = new IndexedHeap<Entry<K>>(
    (a, b) => a.priority < b.priority || (a.priority === b.priority && a.touched < b.touched),
  );
  private inflation = 0; // L
  private clock = 0;
  /** The last key chooseVictim named: only its removal raises L (see policy.ts). */
  private candidate: Entry<K> | undefined;

  get size(): number {
    return this.entries.size;
  }

  /** The current inflation value L (for tests and diagnostics). */
  get L(): number {
    return this.inflation;
  }

  /** H(key), or undefined if the key is not resident. */
  priorityOf(key: K): number | undefined {
    return this.entries.get(key)?.priority;
  }

  onInsert(key: K, size: number, cost: number): void {
    this.onRemove(key);
    const entry: Entry<K> = {
      key,
      size,
      cost,
      frequency: 1,
      priority: 0,
      touched: ++this.clock,
      heapIndex: -1,
    };
    entry.priority = this.inflation + (entry.frequency * cost) / size;
    this.entries.set(key, entry);
    this.heap.push(entry);
  }

  onHit(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.frequency++;
    entry.priority = this.inflation + (entry.frequency * entry.cost) / entry.size;
    entry.touched = ++this.clock;
    this.heap.update(entry);
  }

  onRemove(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (entry === this.candidate) {
      // An eviction: L rises to the victim's priority. Max() keeps L monotone even when the
      // victim was not the global minimum because the host protected cheaper items.
      this.inflation = Math.max(this.inflation, entry.priority);
      this.candidate = undefined;
    }
    this.heap.remove(entry);
    this.entries.delete(key);
  }

  chooseVictim(isEvictable?: (key: K) => boolean): K | undefined {
    const entry = isEvictable === undefined ? this.heap.peek() : this.heap.findFirst((e) => isEvictable(e.key));
    this.candidate = entry;
    return entry?.key;
  }
}
