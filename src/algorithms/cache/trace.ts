/**
 * Request traces for replay: synthetic (Zipf, uniform), the reference experiment, and a small
 * text format for traces captured elsewhere.
 *
 * A trace is columnar: the sequence of requested keys, plus each model's size and load cost.
 * Size and cost belong to the model, not to the request, because artifacts are immutable by
 * name (SageMaker: update a model by giving it a new name).
 */
import { createRandom, type Random } from '../random.js';

export interface Trace<K = string> {
  /** One entry per request, in order. */
  readonly keys: readonly K[];
  /** Bytes each model takes once loaded. */
  readonly sizes: ReadonlyMap<K, number>;
  /** What a miss on each model costs (load time in ms). */
  readonly loadCosts: ReadonlyMap<K, number>;
}

/** A fixed value, or a seeded log-normal draw per model: median × e^(sigma × N(0,1)). */
type Spread = number | { median: number; sigma: number };

export interface ZipfTraceOptions {
  models: number;
  requests: number;
  /** Zipf exponent: P(rank r) ∝ 1 / r^s. 0 gives a uniform trace; web traces sit near 0.6–1. */
  s?: number;
  seed?: number;
  /**
   * Default: log-normal around 4 KiB (σ 0.5): a linear-learner model of the housing workflow
   * (8 weights, a bias, scaling statistics, JSON) is a few KB.
   */
  sizeBytes?: Spread;
  /** Default: log-normal around 1,000 ms (σ 0.25): AWS took 1,029–1,166 ms on a first call. */
  loadMs?: Spread;
  /** Key of model i (i = 0 is the most popular); default `model-{i}`. */
  keyOf?: (i: number) => string;
}

/**
 * A seeded Zipf trace by inverse-CDF sampling: the cumulative weights are tabled once, and each
 * request is a binary search for a uniform draw, O(log models). Sizes and costs come from their
 * own random streams, so the same seed gives the same models whatever the request count.
 */
export function zipfTrace(options: ZipfTraceOptions): Trace {
  const { models, requests, s = 1, seed = 1 } = options;
  if (!Number.isInteger(models) || models < 1) throw new RangeError(`models must be a positive integer, got ${models}`);
  if (!Number.isInteger(requests) || requests < 0)
    throw new RangeError(`requests must be an integer >= 0, got ${requests}`);
  const keyOf = options.keyOf ?? ((i: number) => `model-${i}`);
  const names = Array.from({ length: models }, (_, i) => keyOf(i));

  const cdf = new Float64Array(models);
  let total = 0;
  for (let r = 0; r < models; r++) cdf[r] = total += 1 / Math.pow(r + 1, s);

  const random = createRandom(seed);
  const keys = new Array<string>(requests);
  for (let i = 0; i < requests; i++) {
    const u = random.next() * total;
    let lo = 0;
    let hi = models - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    keys[i] = names[lo]!;
  }
  const sizeRandom = createRandom(seed ^ 0x5eed5);
  const costRandom = createRandom(seed ^ 0xc057);
  const sizeSpread = options.sizeBytes ?? { median: 4096, sigma: 0.5 };
  const costSpread = options.loadMs ?? { median: 1000, sigma: 0.25 };
  const sizes = new Map<string, number>();
  const loadCosts = new Map<string, number>();
  for (const name of names) {
    sizes.set(name, Math.max(1, Math.round(draw(sizeSpread, sizeRandom))));
    loadCosts.set(name, draw(costSpread, costRandom));
  }
  return { keys, sizes, loadCosts };
}

/** Every model equally likely: zipfTrace with s = 0. */
export function uniformTrace(options: Omit<ZipfTraceOptions, 's'>): Trace {
  return zipfTrace({ ...options, s: 0 });
}

function draw(spread: Spread, random: Random): number {
  return typeof spread === 'number' ? spread : spread.median * Math.exp(spread.sigma * random.normal());
}

/**
 * The cache experiment of the reference workflow (docs/aws-behaviour.md#multi-model-caching): `models` copies of one
 * model, `Houston_TX/{i}_Houston_TX.tar.gz`, requested 0..n/2-1, again 0..n/2-1, then 0..n-1.
 * With n = 200 that is the 400 sequential calls whose LoadedModelCount levelled off at 121.
 */
export function referenceExperimentTrace(
  options: { models?: number; sizeBytes?: number; loadMs?: number } = {},
): Trace {
  const { models = 200, sizeBytes = 1, loadMs = 1 } = options;
  const half = Math.floor(models / 2);
  const key = (i: number): string => `Houston_TX/${i}_Houston_TX.tar.gz`;
  const order = [...range(half), ...range(half), ...range(models)];
  const sizes = new Map<string, number>();
  const loadCosts = new Map<string, number>();
  for (const i of range(models)) {
    sizes.set(key(i), sizeBytes);
    loadCosts.set(key(i), loadMs);
  }
  return { keys: order.map(key), sizes, loadCosts };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
