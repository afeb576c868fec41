/**
 * Messages between the job runner (main thread) and a job's worker thread. A worker runs one
 * task, given as workerData, posts `log` lines while it works, then one `done` or `failed`.
 * Bytes go in and come out as Uint8Arrays (structured clone).
 */
import type { AlgorithmId, ChannelData } from './algorithms.js';
import type { ModelFile } from './model-tar.js';

export interface TrainTask {
  type: 'train';
  algorithm: AlgorithmId;
  hyperparameters: Record<string, string>;
  channels: ChannelData[];
  /** Test hook: wait this long before working, so tests can stop or interrupt a running job. */
  delayMs?: number;
}

export interface TransformTask {
  type: 'transform';
  /** The model's containers in pipeline order (one for a single-container model). */
  containers: { algorithm: AlgorithmId; files: ModelFile[] }[];
  inputs: { relativeKey: string; data: Uint8Array }[];
  splitType: 'None' | 'Line';
  batchStrategy: 'MultiRecord' | 'SingleRecord';
  /** 0 = no limit (TransformJob MaxPayloadInMB 0). */
  maxPayloadBytes: number;
  contentType?: string;
  accept?: string;
  assembleWith: 'None' | 'Line';
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

export type WorkerMessage =
  | { type: 'log'; line: string }
  | { type: 'done'; result: TrainResult | TransformResult }
  /** `clientError`: the customer's input is at fault (ClientError), else the algorithm (AlgorithmError). */
  | { type: 'failed'; message: string; clientError: boolean };
