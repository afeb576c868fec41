/**
 * The demo's cast and the shape of its report (`mme demo --json`): see demo.ts for the run.
 */
import type { AlgorithmName } from '../algorithms/registry.js';
import { resolveLocations } from '../housing/locations.js';
import type { AddModelResult } from './add-model.js';
import type { LatencyGroup } from './experiment.js';
import type { LogTailReader, PollOptions } from './jobs.js';
import type { MetricsResult } from './metrics.js';

/** The notebook's cast: the first 4 reference cities, Houston_TX added later, NewYork_NY granted. */
export const DEMO_LOCATIONS = resolveLocations(4);
export const HELD_OUT = 'Houston_TX';
export const GRANTED = 'NewYork_NY';
export const DENIED = 'Chicago_IL';
/** The notebook's session name for the scoped role. */
export const SESSION_NAME = 'MME_Invoke_NY_Model';
export const RANDOM_INVOCATIONS = 10;

export const DEMO_STEPS = [
  'data',
  'preprocess',
  'train',
  'deploy',
  'invoke',
  'add-model',
  'grant',
  'as-role',
  'metrics',
  'teardown',
] as const;
export type DemoStepName = (typeof DEMO_STEPS)[number];

export interface DemoOptions {
  /** Called as each step ends (done or failed), with the report so far: to show steps as they finish. */
  onStep?: (step: DemoStep, report: DemoReport) => void | Promise<void>;
  target: 'aws' | 'local';
  bucket: string;
  /** The data's prefix; the models go under the algorithm's model prefix (registry.ts modelPrefix). */
  prefix: string;
  /** The built-in algorithm trained and served (default: the linear learner). */
  algorithm?: AlgorithmName;
  region: string;
  /** The SageMaker execution role of the jobs and the model. */
  roleArn: string;
  endpoint: string;
  rows: number;
  seed: number;
  /** Where the CSV files are written (as `mme data generate --out`). */
  dataDir: string;
  /** Create the bucket when missing (local). */
  createBucket: boolean;
  /** Tear the endpoint and the role down at the end. */
  clean: boolean;
  /** Take over (grant) or delete (clean) a role of the demo's name that mme did not create (--yes). */
  force?: boolean;
  jobPoll: PollOptions;
  endpointPoll: PollOptions;
  /**
   * Milliseconds from one random invocation's start to the next (default: 300 on local, 0 on
   * aws). Local calls take milliseconds: paced, the 1-second metrics show the models arriving.
   */
  paceMs?: number;
  /** How long to wait for the metrics to reach CloudWatch (default: 20 s local, 5 min aws). */
  metricsTimeoutMs?: number;
  /** performance.now() when the command began (so the wall time includes connecting). */
  startedAt?: number;
  readLogTail?: LogTailReader;
  inFlight?: Set<string>;
  sleep?: (ms: number) => Promise<void>;
}

export interface DemoStep {
  name: DemoStepName;
  ok: boolean;
  seconds: number;
  /** One line: what the step did. */
  summary: string;
  result?: unknown;
  error?: { code: string; message: string; hint: string | null; exitCode: number };
}

interface DemoPrediction {
  targetModel: string;
  features: string;
  /** A price in dollars (RCF: the anomaly score); null when the answer was not understood (the raw body is in `raw`). */
  prediction: number | null;
  raw?: string;
  latencyMs: number;
  /** The model's first call in this run: its download and load on a fresh or just-updated endpoint. */
  cold: boolean;
}

export interface DemoAdded {
  targetModel: string;
  /**
   * added: copied now; present: the same artifact was already there; replaced: overwritten (the
   * endpoint had just been updated, so nothing had it loaded); kept: another copy was there and
   * stays.
   */
  status: 'added' | 'present' | 'replaced' | 'kept';
  source: string;
  invocation?: { features: string; prediction: number | null; latencyMs: number };
  /** add-model's own result, when it copied the model. */
  addModel?: AddModelResult;
}

export interface DemoAsRole {
  roleArn: string;
  /** arn:aws:sts::{acct}:assumed-role/{role}/{session} */
  identity: string;
  allowed: { targetModel: string; features: string; prediction: number | null; latencyMs: number };
}

export interface DemoDenied {
  targetModel: string;
  identity: string;
  /** False if the call was (wrongly) answered. */
  denied: boolean;
  code?: string;
  message?: string;
}

export interface DemoMetrics extends MetricsResult {
  /** CloudWatch had every invocation of the run (ModelCacheHit samples) and LoadedModelCount after the last. */
  complete: boolean;
  waitedSeconds: number;
  note: string;
}

export interface DemoReport {
  ok: boolean;
  /** The failed step's exit code (0 when ok). */
  exitCode: number;
  target: 'aws' | 'local';
  region: string;
  bucket: string;
  prefix: string;
  algorithm: AlgorithmName;
  endpoint: string;
  seed: number;
  rows: number;
  steps: DemoStep[];
  predictions: DemoPrediction[];
  latency: { cold: LatencyGroup | null; warm: LatencyGroup | null };
  added?: DemoAdded;
  asRole?: DemoAsRole;
  denied?: DemoDenied;
  metrics?: DemoMetrics;
  /** The endpoint and the role are left running (not `clean`, or the teardown failed). */
  kept: boolean;
  warnings: string[];
  wallSeconds: number;
}

/** A step's outcome for the report: the result, and whether it counts as done. */
