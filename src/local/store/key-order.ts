/**
 * S3 lists keys in UTF-8 binary order. JavaScript compares strings by UTF-16 code unit, which
 * agrees except where a surrogate pair (a code point above U+FFFF) meets a character in
 * U+E000–U+FFFF: UTF-16 puts the pair first, UTF-8 last. `compareKeys` fixes exactly that case
 * and stays a plain code-unit loop otherwise.
 */

function fixup(unit: number): number {
  // Move surrogates (D800–DFFF) above E000–FFFF, preserving order within each group.
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x >= 0xd800 && y >= 0xd800 ? fixup(x) - fixup(y) : x - y;
  }
  return a.length - b.length;
}

/** First index whose key is >= `key` (or > `key` when `strict`). */
export function lowerBound(keys: readonly string[], key: string, strict = false, from = 0): number {
  let lo = from;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(keys[mid]!, key);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index at or after `from` whose key does not start with `prefix` (keys[from] does). */
export function endOfPrefix(keys: readonly string[], prefix: string, from: number): number {
  let lo = from;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]!.startsWith(prefix)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
