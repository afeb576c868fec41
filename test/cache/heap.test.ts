import { describe, expect, it } from 'vitest';
import { IndexedHeap, type HeapEntry } from '../../src/algorithms/cache/heap.js';
import { createRandom } from '../../src/algorithms/random.js';

interface Item extends HeapEntry {
  id: number;
  p: number;
}

describe('IndexedHeap', () => {
  it('keeps order through pushes, updates, removals; findFirst equals a linear scan', () => {
    const random = createRandom(99);
    const heap = new IndexedHeap<Item>((a, b) => a.p < b.p || (a.p === b.p && a.id < b.id));
    const live = new Map<number, Item>();
    const first = (accept: (i: Item) => boolean): Item | undefined =>
      [...live.values()].filter(accept).sort((a, b) => a.p - b.p || a.id - b.id)[0];
    let mismatches = 0;
    for (let step = 0; step < 2000; step++) {
      const op = random.int(4);
      if (op <= 1 || live.size === 0) {
        const item: Item = { id: step, p: random.int(50), heapIndex: -1 };
        live.set(item.id, item);
        heap.push(item);
      } else {
        const items = [...live.values()];
        const item = items[random.int(items.length)]!;
        if (op === 2) {
          item.p = random.int(50);
          heap.update(item);
        } else {
          heap.remove(item);
          live.delete(item.id);
          expect(item.heapIndex).toBe(-1);
        }
      }
      const protectedIds = new Set([...live.keys()].filter(() => random.next() < 0.5));
      const accept = (i: Item): boolean => !protectedIds.has(i.id);
      if (heap.findFirst(accept) !== first(accept)) mismatches++;
      if (heap.peek() !== first(() => true)) mismatches++;
      if (heap.size !== live.size) mismatches++;
    }
    expect(mismatches).toBe(0);
    while (heap.size > 0) heap.pop();
    expect(heap.pop()).toBeUndefined();
  });
});
