/**
 * Offline replay: run one trace through several policies at the same byte budget, plus the
 * Belady reference, and return one row per policy, ready for a table or `--json`.
 *
 * Every policy starts cold and sees every request, with nothing protected: replay measures the
 * eviction rule alone, not the host's concurrency.
 */
import { belady } from './belady.js';
import { ByteBudgetCache } from './byte-budget-cache.js';
import { createPolicy, POLICY_NAMES, type PolicyName } from './factory.js';
import type { EvictionPolicy } from './policy.js';
import type { Trace } from './trace.js';

export interface ReplayRow {
  /** Policy name; 'belady' (exact optimum, equal sizes) or 'belady-size' (heuristic, see belady.ts). */
  policy: string;
  hits: number;
  misses: number;
  /** hits / requests, what CloudWatch's ModelCacheHit averages to; 0 for an empty trace. */
  hitRatio: number;
  evictions: number;
  totalLoadCost: number;
}

export interface ReplayOptions {
  capacityBytes: number;
  /** Names, or factories for fresh policy instances (a policy is stateful). Default: all names. */
  policies?: readonly (PolicyName | (() => EvictionPolicy<string>))[];
  /** Add the Belady row last (default true). */
  belady?: boolean;
}

export function replay(trace: Trace, options: ReplayOptions): ReplayRow[] {
  const rows = (options.policies ?? POLICY_NAMES).map((p) =>
    replayOne(trace, options.capacityBytes, typeof p === 'function' ? p() : createPolicy<string>(p)),
  );
  if (options.belady ?? true) rows.push(replayBelady(trace, options.capacityBytes));
  return rows;
}

export function replayOne(trace: Trace, capacityBytes: number, policy: EvictionPolicy<string>): ReplayRow {
  const cache = new ByteBudgetCache<string>({ capacityBytes, policy });
  const { keys, sizes, loadCosts } = trace;
  for (const key of keys) cache.access(key, sizes.get(key)!, loadCosts.get(key)!);
  return row(policy.name, cache.stats, keys.length);
}

export function replayBelady(trace: Trace, capacityBytes: number): ReplayRow {
  const stats = belady(trace.keys, capacityBytes, trace.sizes, { loadCosts: trace.loadCosts });
  return row(equalSizes(trace) ? 'belady' : 'belady-size', stats, trace.keys.length);
}

function row(
  policy: string,
  s: { hits: number; misses: number; evictions: number; totalLoadCost: number },
  requests: number,
): ReplayRow {
  return {
    policy,
    hits: s.hits,
    misses: s.misses,
    hitRatio: requests === 0 ? 0 : s.hits / requests,
    evictions: s.evictions,
    totalLoadCost: s.totalLoadCost,
  };
}

function equalSizes(trace: Trace): boolean {
  let first: number | undefined;
  for (const key of new Set(trace.keys)) {
    const size = trace.sizes.get(key);
    if (first === undefined) first = size;
    else if (size !== first) return false;
  }
  return true;
}

/** A plain text table (right-aligned numbers), for a terminal or a benchmark log. */
export function formatReplayTable(rows: readonly (ReplayRow & { opsPerSecond?: number })[]): string {
  const withOps = rows.some((r) => r.opsPerSecond !== undefined);
  const header = ['policy', 'hits', 'misses', 'hit ratio', 'evictions', 'load cost', ...(withOps ? ['ops/s'] : [])];
  const body = rows.map((r) => [
    r.policy,
    String(r.hits),
    String(r.misses),
    r.hitRatio.toFixed(4),
    String(r.evictions),
    r.totalLoadCost.toFixed(0),
    ...(withOps ? [r.opsPerSecond === undefined ? '' : Math.round(r.opsPerSecond).toLocaleString('en-US')] : []),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((line) => line[c]!.length)));
  const fmt = (cells: string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [fmt(header), ...body.map(fmt)].join('\n');
}
