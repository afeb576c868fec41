/**
 * Messages between the job pool (main thread) and its worker threads. A worker is reused across
 * tasks, one at a time: the pool posts a `task` with a fresh id; the worker posts `log` lines
 * while it works, then one `done` or `failed`, each carrying that id, so that a message is never
 * taken for another task's. Bytes go in and come out as Uint8Arrays (structured clone).
 */
import type { AlgorithmId, ChannelData } from './algorithms.js';
import type { ModelFile } from '../../formats/model-tar.js';

export interface TrainTask {
  type: 'train';
  algorithm: AlgorithmId;
  hyperparameters: Record<string, string>;
  channels: ChannelData[];
  /** Test hook: wait this long before working, so tests can stop or interrupt a running job. */
  delayMs?: number;
}

/**
 * How a transform job splits, batches and assembles records: CreateTransformJob's settings, as
 * the runner and the worker both take them.
 */
export interface TransformBatching {
  splitType: 'None' | 'Line';
  batchStrategy: 'MultiRecord' | 'SingleRecord';
  /** 0 = no limit (TransformJob MaxPayloadInMB 0). */
  maxPayloadBytes: number;
  contentType?: string;
  accept?: string;
  assembleWith: 'None' | 'Line';
}

export interface TransformTask extends TransformBatching {
  type: 'transform';
  /** The model's containers in pipeline order (one for a single-container model). */
  containers: { algorithm: AlgorithmId; files: ModelFile[] }[];
  inputs: { relativeKey: string; data: Uint8Array }[];
  delayMs?: number;
}

export type WorkerTask = TrainTask | TransformTask;

export interface TrainResult {
  files: ModelFile[];
  metrics: { name: string; value: number }[];
}

export interface TransformResult {
  outputs: { relativeKey: string; data: Uint8Array }[];
}

/** Main thread → worker: run this task. */
export interface TaskMessage {
  type: 'task';
  id: number;
  task: WorkerTask;
}

/** Worker → main thread, about the task `id`. */
export type WorkerMessage = { id: number } & (
  | { type: 'log'; line: string }
  | { type: 'done'; result: TrainResult | TransformResult }
  /** `clientError`: the customer's input is at fault (ClientError), else the algorithm (AlgorithmError). */
  | { type: 'failed'; message: string; clientError: boolean }
);
