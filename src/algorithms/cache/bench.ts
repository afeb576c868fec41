/**
 * A micro-benchmark of the eviction policies, for `npm run bench` (not a timed test: the
 * numbers depend on the machine). It replays a seeded Zipf trace through every policy and
 * Belady, and reports each one's hit ratio, load cost and replay speed in requests per second
 * (cache bookkeeping only: no model is loaded). Timing uses the global `performance` clock, so
the module stays free of Node imports.
 *
 * The defaults are a large multi-model endpoint: 10,000 models, 200,000 requests, Zipf s = 1
 * (web-like skew), memory for about 10% of the models. `sizes: 'equal'` makes Belady exact,
 * so its row is the true optimum; 'lognormal' gives models of varied size (around 4 KiB) where
 * GDSF's cost/size weighting matters and the Belady row is the Belady-size heuristic.
 */
import { createPolicy, POLICY_NAMES, type PolicyName } from './factory.js';
import { replayBelady, replayOne, type ReplayRow } from './replay.js';
import { zipfTrace } from './trace.js';

export interface BenchOptions {
  models?: number;
  requests?: number;
  s?: number;
  seed?: number;
  /** Cache capacity as a fraction of the total bytes of all models (default 0.1). */
  capacityFraction?: number;
  sizes?: 'equal' | 'lognormal';
  policies?: readonly PolicyName[];
}

export interface BenchRow extends ReplayRow {
  seconds: number;
  opsPerSecond: number;
}

export interface BenchResult {
  models: number;
  requests: number;
  s: number;
  capacityBytes: number;
  sizes: 'equal' | 'lognormal';
  rows: BenchRow[];
}

export function benchReplay(options: BenchOptions = {}): BenchResult {
  const { models = 10_000, requests = 200_000, s = 1, seed = 42, capacityFraction = 0.1, sizes = 'equal' } = options;
  const trace = zipfTrace({
    models,
    requests,
    s,
    seed,
    sizeBytes: sizes === 'equal' ? 4096 : { median: 4096, sigma: 0.5 },
  });
  let totalBytes = 0;
  for (const size of trace.sizes.values()) totalBytes += size;
  const capacityBytes = Math.round(totalBytes * capacityFraction);

  const timed = (run: () => ReplayRow): BenchRow => {
    const start = performance.now();
    const result = run();
    const seconds = (performance.now() - start) / 1000;
    return { ...result, seconds, opsPerSecond: requests / seconds };
  };
  const rows = (options.policies ?? POLICY_NAMES).map((name) =>
    timed(() => replayOne(trace, capacityBytes, createPolicy<string>(name))),
  );
  rows.push(timed(() => replayBelady(trace, capacityBytes)));
  return { models, requests, s, capacityBytes, sizes, rows };
}
