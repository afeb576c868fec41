/**
 * Cache eviction for the multi-model memory tier: pluggable policies (LRU, the SageMaker
 * default; GDSF; SIEVE; LFU; FIFO), a byte-budget cache simulator, the Belady reference, traces
 * and offline replay. Pure: no fs, no http, no SDK.
 */
export { type EvictionPolicy } from './policy.js';
export { createPolicy, isPolicyName, POLICY_NAMES, type PolicyName } from './factory.js';
export { LruPolicy } from './lru.js';
export { GdsfPolicy } from './gdsf.js';
export { SievePolicy } from './sieve.js';
export { ByteBudgetCache } from './byte-budget-cache.js';
export { belady, nextUses } from './belady.js';
export { referenceExperimentTrace, uniformTrace, zipfTrace, type Trace } from './trace.js';
export { formatTrace, parseTrace, TraceFormatError } from './trace-format.js';
export { formatReplayTable, replay, type ReplayRow } from './replay.js';
export { benchReplay } from './bench.js';
