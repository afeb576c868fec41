/**
 * Cache eviction for the multi-model memory tier: pluggable policies (LRU, the SageMaker
 * default; GDSF; SIEVE; LFU; FIFO), a byte-budget cache simulator, the Belady reference, traces
 * and offline replay. Pure: no fs, no http, no SDK.
 */
export { ALWAYS_EVICTABLE, type EvictionPolicy } from './policy.js';
export { createPolicy, isPolicyName, DEFAULT_POLICY, POLICY_NAMES, type PolicyName } from './factory.js';
export { FifoPolicy, LruPolicy } from './lru.js';
export { GdsfPolicy } from './gdsf.js';
export { SievePolicy } from './sieve.js';
export { LfuPolicy } from './lfu.js';
export { ByteBudgetCache, type AccessResult, type ByteBudgetCacheOptions, type CacheStats } from './byte-budget-cache.js';
export { belady, nextUses, type BeladyOptions, type PerKey } from './belady.js';
export { referenceExperimentTrace, uniformTrace, zipfTrace, type Spread, type Trace, type ZipfTraceOptions } from './trace.js';
export { formatTrace, parseTrace, TraceFormatError, type ParseTraceOptions } from './trace-format.js';
export { formatReplayTable, replay, replayBelady, replayOne, type ReplayOptions, type ReplayRow } from './replay.js';
export { benchReplay, type BenchOptions, type BenchResult, type BenchRow } from './bench.js';
