/**
 * An indexed binary heap: the priority queue behind GDSF, LFU and Belady. "Indexed" because an
 * item's priority changes on every hit, so each entry remembers its slot (`heapIndex`) and can
 * be re-sifted or removed in O(log n) without a search.
 *
 * `findFirst(accept)` answers "the best entry the host may evict" without disturbing the heap:
 * a depth-first walk that stops descending at the first accepted entry of a branch (everything
 * below it ranks after it) and prunes branches that cannot beat the best found so far. With p
 * protected entries it touches O(p) nodes, instead of popping and re-pushing them.
 */

export interface HeapEntry {
  /** Maintained by the heap: the entry's slot, or -1 when it is not in a heap. */
  heapIndex: number;
}

export class IndexedHeap<E extends HeapEntry> {
  private readonly items: E[] = [];

  /** `before(a, b)`: a ranks strictly first (for an eviction order: a goes out first). */
  constructor(private readonly before: (a: E, b: E) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): E | undefined {
    return this.items[0];
  }

  push(entry: E): void {
    entry.heapIndex = this.items.length;
    this.items.push(entry);
    this.up(entry.heapIndex);
  }

  pop(): E | undefined {
    const top = this.items[0];
    if (top) this.remove(top);
    return top;
  }

  remove(entry: E): void {
    const i = entry.heapIndex;
    if (i < 0 || this.items[i] !== entry) return;
    const last = this.items.pop()!;
    entry.heapIndex = -1;
    if (last === entry) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.update(last);
  }

  /** Restore the order after `entry`'s priority changed (either direction). */
  update(entry: E): void {
    const i = entry.heapIndex;
    if (i < 0) return;
    if (i > 0 && this.before(entry, this.items[(i - 1) >> 1]!)) this.up(i);
    else this.down(i);
  }

  /** The first-ranked entry that `accept` takes, or undefined; the heap is left unchanged. */
  findFirst(accept: (entry: E) => boolean): E | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    if (accept(items[0]!)) return items[0]; // the common case: nothing at the top is protected
    let best: E | undefined;
    const stack = [0];
    while (stack.length > 0) {
      const i = stack.pop()!;
      const entry = items[i];
      if (!entry) continue;
      // The heap property: nothing below `entry` ranks before it, so this branch cannot win.
      if (best && !this.before(entry, best)) continue;
      if (accept(entry)) best = entry;
      else stack.push(2 * i + 1, 2 * i + 2);
    }
    return best;
  }

  private up(i: number): void {
    const items = this.items;
    const entry = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (!this.before(entry, parent)) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const entry = items[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.before(items[c + 1]!, items[c]!)) c++;
      const child = items[c]!;
      if (!this.before(child, entry)) break;
      items[i] = child;
      child.heapIndex = i;
      i = c;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }
}
