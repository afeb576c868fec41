/**
 * `mme experiment replay`: the multi-model cache question ("how many misses would another
 * eviction policy, or a bigger instance, save?") answered offline, by replaying a request trace
 * through the policies of src/algorithms/cache and the Belady reference. Pure: no cloud, no fs
 * (the command reads the trace file and hands its text here).
 *
 * Traces: a file (modelKey[,sizeBytes[,loadMs]] per line), a seeded Zipf trace, or, with
 * neither, the reference experiment itself (docs/aws-behaviour.md#multi-model-caching: 0..99,
 * 0..99, 0..199 at 121 models).
 *
 * Capacity: --capacity-models N counts models (every model weighs 1, as a memory tier full of
 * same-size copies does; the trace's sizes are then ignored, and said so); --capacity-bytes B
 * is a byte budget over the trace's sizes. Neither: 10% of the distinct models (121 for the
 * reference experiment, what ml.m4.xlarge held on AWS).
 */
import {
  isPolicyName,
  parseTrace,
  referenceExperimentTrace,
  replay,
  zipfTrace,
  POLICY_NAMES,
  type PolicyName,
  type ReplayRow,
  type Trace,
} from '../algorithms/cache/index.js';
import { UsageError } from '../errors.js';

const DEFAULT_REPLAY_POLICIES: readonly PolicyName[] = ['lru', 'gdsf', 'sieve', 'lfu'];
const DEFAULT_ZIPF_MODELS = 10_000;
const DEFAULT_ZIPF_REQUESTS = 200_000;
/** The plateau of the reference experiment on AWS: 121 models on one ml.m4.xlarge. */
const REFERENCE_CAPACITY_MODELS = 121;

export interface ReplayCommandInput {
  /** The text of a trace file, and its name for messages. */
  trace?: { text: string; name: string };
  /** Zipf exponent s. */
  zipf?: number;
  models?: number;
  requests?: number;
  seed?: number;
  capacityModels?: number;
  capacityBytes?: number;
  policies?: readonly string[];
}

type ReplaySource =
  | { kind: 'trace'; name: string }
  | { kind: 'zipf'; s: number; models: number; seed: number }
  | { kind: 'reference'; models: number };

export interface ReplayReport {
  source: ReplaySource;
  requests: number;
  distinctModels: number;
  capacity: { models?: number; bytes: number };
  /** True when --capacity-models made a trace with real sizes count models instead. */
  sizesIgnored: boolean;
  /** One row per policy, then Belady's (the offline optimum with equal sizes). */
  rows: ReplayRow[];
}

export function checkPolicies(names: readonly string[] | undefined): PolicyName[] {
  const list = names && names.length > 0 ? names.map((n) => n.toLowerCase()) : [...DEFAULT_REPLAY_POLICIES];
  const unknown = list.filter((n) => !isPolicyName(n));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown eviction polic${unknown.length > 1 ? 'ies' : 'y'}: ${unknown.join(', ')}`,
      `Use some of: ${POLICY_NAMES.join(', ')}.`,
    );
  return [...new Set(list)] as PolicyName[];
}

/** Check the options and build the trace; throws a UsageError (or the trace's line error). */
function replayTrace(input: ReplayCommandInput): { source: ReplaySource; trace: Trace } {
  if (input.trace && input.zipf !== undefined) throw new UsageError('give --trace or --zipf, not both');
  if (input.capacityModels !== undefined && input.capacityBytes !== undefined)
    throw new UsageError('give --capacity-models or --capacity-bytes, not both');
  if (input.trace) {
    if (input.models !== undefined || input.requests !== undefined)
      throw new UsageError('--models and --requests shape a --zipf trace; a --trace file brings its own');
    return { source: { kind: 'trace', name: input.trace.name }, trace: parseTrace(input.trace.text) };
  }
  if (input.zipf !== undefined) {
    if (!(input.zipf >= 0 && input.zipf <= 10))
      throw new UsageError(
        `--zipf ${input.zipf} is out of range`,
        'The exponent s is a number from 0 (uniform) to 10; web traces sit near 0.6-1.',
      );
    const models = input.models ?? DEFAULT_ZIPF_MODELS;
    const seed = input.seed ?? 1;
    const trace = zipfTrace({ models, requests: input.requests ?? DEFAULT_ZIPF_REQUESTS, s: input.zipf, seed });
    return { source: { kind: 'zipf', s: input.zipf, models, seed }, trace };
  }
  if (input.requests !== undefined)
    throw new UsageError(
      '--requests needs --zipf',
      'The reference experiment has its own sequence: 0..n/2-1 twice, then 0..n-1.',
    );
  const models = input.models ?? 200;
  return { source: { kind: 'reference', models }, trace: referenceExperimentTrace({ models }) };
}

export function runReplay(input: ReplayCommandInput): ReplayReport {
  const policies = checkPolicies(input.policies);
  const { source, trace: built } = replayTrace(input);
  const distinct = new Set(built.keys);
  let trace = built;
  let sizesIgnored = false;
  let capacity: ReplayReport['capacity'];
  if (input.capacityBytes !== undefined) {
    capacity = { bytes: input.capacityBytes };
  } else {
    const models =
      input.capacityModels ??
      (source.kind === 'reference'
        ? Math.min(REFERENCE_CAPACITY_MODELS, distinct.size)
        : Math.max(1, Math.ceil(distinct.size / 10)));
    // Count models: every size 1, so the byte budget is the number of models.
    sizesIgnored = [...built.sizes.values()].some((s) => s !== 1);
    trace = {
      keys: built.keys,
      loadCosts: built.loadCosts,
      sizes: new Map([...built.sizes.keys()].map((k) => [k, 1])),
    };
    capacity = { models, bytes: models };
  }
  const rows = replay(trace, { capacityBytes: capacity.bytes, policies });
  return { source, requests: trace.keys.length, distinctModels: distinct.size, capacity, sizesIgnored, rows };
}

/** One line on what was replayed, for the table's heading. */
export function describeReplay(r: ReplayReport): string {
  const source =
    r.source.kind === 'trace'
      ? `trace ${r.source.name}`
      : r.source.kind === 'zipf'
        ? `Zipf s=${r.source.s} (seed ${r.source.seed})`
        : 'the reference experiment (0..n/2-1, 0..n/2-1, 0..n-1)';
  const capacity =
    r.capacity.models !== undefined
      ? `${r.capacity.models.toLocaleString('en-US')} models`
      : `${r.capacity.bytes.toLocaleString('en-US')} bytes`;
  return `${source}: ${r.requests.toLocaleString('en-US')} requests over ${r.distinctModels.toLocaleString('en-US')} models, capacity ${capacity}${r.sizesIgnored ? ' (model sizes ignored: counting models)' : ''}`;
}

/** `16GiB`, `512MiB`, `4096`: a byte count (binary units; KB/MB/GB are decimal, as S3 counts). */
export function parseBytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kib|mib|gib|tib|kb|mb|gb|tb)?$/i.exec(text.trim());
  const units: Record<string, number> = {
    b: 1,
    kib: 2 ** 10,
    mib: 2 ** 20,
    gib: 2 ** 30,
    tib: 2 ** 40,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
  };
  const bytes = match ? Math.floor(Number(match[1]) * units[(match[2] ?? 'b').toLowerCase()]!) : NaN;
  if (!(bytes >= 1))
    throw new UsageError(`'${text}' is not a size`, 'Use a byte count or a number with a unit: 4096, 512MiB, 16GiB.');
  return bytes;
}
