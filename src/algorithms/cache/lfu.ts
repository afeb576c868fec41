/**
 * In-cache LFU: evict the resident item with the fewest requests since it was loaded, ties to
 * the least recently used. The count is forgotten when the item leaves ("in-cache" rather than
 * "perfect" LFU), so memory stays bounded by the cache and a formerly hot model that was
 * unloaded starts again from one.
 *
 * It is here as a reference point between LRU (recency only) and GDSF (frequency, cost and size
 * with aging): LFU without aging is known to hold on to items that were popular once, which a
 * Zipf trace with a stable popularity order does not punish but a shifting workload does.
 */
import { IndexedHeap, type HeapEntry } from './heap.js';
import type { EvictionPolicy } from './policy.js';

interface Entry<K> extends HeapEntry {
  readonly key: K;
  frequency: number;
  touched: number;
}

export class LfuPolicy<K = string> implements EvictionPolicy<K> {
  readonly name = 'lfu';
  private readonly entries = new Map<K, Entry<K>>();
  private readonly heap = new IndexedHeap<Entry<K>>(
    (a, b) => a.frequency < b.frequency || (a.frequency === b.frequency && a.touched < b.touched),
  );
  private clock = 0;

  get size(): number {
    return this.entries.size;
  }

  onInsert(key: K): void {
    this.onRemove(key);
    const entry: Entry<K> = { key, frequency: 1, touched: ++this.clock, heapIndex: -1 };
    this.entries.set(key, entry);
    this.heap.push(entry);
  }

  onHit(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.frequency++;
    entry.touched = ++this.clock;
    this.heap.update(entry);
  }

  onRemove(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.heap.remove(entry);
    this.entries.delete(key);
  }

  chooseVictim(isEvictable?: (key: K) => boolean): K | undefined {
    const entry = isEvictable === undefined ? this.heap.peek() : this.heap.findFirst((e) => isEvictable(e.key));
    return entry?.key;
  }
}
