/**
 * SIEVE (Zhang, Yang, Yue, Vigfusson, Rashmi: "SIEVE is Simpler than LRU: an Efficient Turn-Key
 * Eviction Algorithm for Web Caches", NSDI 2024).
 *
 * One FIFO queue, one visited bit per item and one moving pointer, the hand:
 *   - a new item enters at the head (newest end) with its bit clear;
 *   - a hit only sets the bit: no reordering, which is why SIEVE is cheaper than LRU under
 *     concurrency and why it keeps popular items without promoting them;
 *   - to evict, the hand walks from where it stopped last time toward the head (wrapping to the
 *     tail): a visited item has its bit cleared and is kept in place, the first unvisited item is
 *     the victim, and the hand stays there so the next search resumes from it (after the removal,
 *     at the victim's newer neighbour).
 * New items are thus "sifted" quickly (a one-hit wonder that the hand reaches unvisited goes at
 * once), while retained items never mix with new ones, unlike CLOCK, which reinserts.
 *
 * Protected items (serving a request) are stepped over without clearing their bit: they are in
 * use, so they keep the second chance a hit would have given them anyway.
 */
import type { EvictionPolicy } from './policy.js';

interface Node<K> {
  readonly key: K;
  visited: boolean;
  /** Toward the head (inserted later). */
  newer: Node<K> | undefined;
  /** Toward the tail (inserted earlier). */
  older: Node<K> | undefined;
}

export class SievePolicy<K = string> implements EvictionPolicy<K> {
  readonly name = 'sieve';
  private readonly nodes = new Map<K, Node<K>>();
  private head: Node<K> | undefined; // newest
  private tail: Node<K> | undefined; // oldest
  private hand: Node<K> | undefined; // undefined: start from the tail

  get size(): number {
    return this.nodes.size;
  }

  onInsert(key: K): void {
    if (this.nodes.has(key)) this.onRemove(key);
    const node: Node<K> = { key, visited: false, newer: undefined, older: this.head };
    if (this.head) this.head.newer = node;
    else this.tail = node;
    this.head = node;
    this.nodes.set(key, node);
  }

  onHit(key: K): void {
    const node = this.nodes.get(key);
    if (node) node.visited = true;
  }

  onRemove(key: K): void {
    const node = this.nodes.get(key);
    if (!node) return;
    // The paper: after the eviction the hand points at the victim's newer neighbour (or, past
    // the head, back at the tail on the next search).
    if (this.hand === node) this.hand = node.newer;
    if (node.older) node.older.newer = node.newer;
    else this.tail = node.newer;
    if (node.newer) node.newer.older = node.older;
    else this.head = node.older;
    this.nodes.delete(key);
  }

  chooseVictim(isEvictable?: (key: K) => boolean): K | undefined {
    // Bounded: one pass clears every evictable visited bit, so a second pass must find a victim
    // unless every item is protected.
    const limit = 2 * this.nodes.size;
    let node = this.hand ?? this.tail;
    for (let step = 0; step < limit && node; step++) {
      if (isEvictable === undefined || isEvictable(node.key)) {
        if (!node.visited) {
          this.hand = node;
          return node.key;
        }
        node.visited = false;
      }
      node = node.newer ?? this.tail;
    }
    this.hand = node;
    return undefined;
  }

  /** For tests and diagnostics: keys from tail (oldest) to head, with their bits and the hand. */
  snapshot(): { keys: K[]; visited: boolean[]; hand: K | undefined } {
    const keys: K[] = [];
    const visited: boolean[] = [];
    for (let n = this.tail; n; n = n.newer) {
      keys.push(n.key);
      visited.push(n.visited);
    }
    return { keys, visited, hand: this.hand?.key };
  }
}
