/**
 * A small seeded pseudo-random number generator: xoshiro128** (Blackman & Vigna), seeded through
 * splitmix32. Why not Math.random or numpy's Mersenne Twister: the data must be reproducible from
 * a seed on every machine, and 32-bit integer math (Math.imul, >>> 0) gives the same bits
 * everywhere. The only floating-point functions used are Math.log and Math.sqrt (the polar form of
 * Box–Muller needs no sin/cos); sqrt is exact in IEEE 754 and V8's log is its own fdlibm port, so
 * Node gives identical draws on every platform.
 */

/** FNV-1a over the UTF-16 code units of a string: turns a location name into a stream key. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One splitmix32 output for a 32-bit input: a strong avalanche, used to spread seeds. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The second value of the last Box–Muller pair, kept for the next normal() call. */
  private spareNormal: number | undefined;

  /**
   * A generator for `seed` (an integer 0..2^32-1) and an optional list of stream names. Different
   * stream names give independent sequences, so e.g. each location has its own stream and adding a
   * location never shifts another's draws.
   */
  constructor(seed: number, ...streams: string[]) {
    let key = mix32(seed >>> 0);
    for (const stream of streams) key = mix32(key ^ hashString(stream));
    // Four consecutive splitmix32 outputs fill the 128-bit state.
    this.s0 = mix32(key);
    this.s1 = mix32(this.s0 ^ 0x6a09e667);
    this.s2 = mix32(this.s1 ^ 0xbb67ae85);
    this.s3 = mix32(this.s2 ^ 0x3c6ef372);
    // xoshiro must not start from the all-zero state (it would stay there).
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1), with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.uniform();
  }

  /** An integer in [min, max], both inclusive (numpy's randint(min, max + 1)). */
  int(min: number, max: number): number {
    return min + Math.floor(this.uniform() * (max - min + 1));
  }

  /** A normal draw (Marsaglia's polar form of Box–Muller; the pair's second value is cached). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return mean + sd * u * factor;
  }

  /** One element of a non-empty list, each equally likely. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('choice() from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
