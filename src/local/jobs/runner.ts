/**
 * The job runner: runs a training or transform job from its inputs in the ObjectStore to its
 * outputs there, in a pool slot. The main thread does the I/O (reading channels, writing
 * model.tar.gz and .out files); the worker thread does the algorithm. The SageMaker service owns
 * the job's status: the runner tells it each phase as it begins and returns an outcome.
 */
import type { ObjectStore } from '../store/object-store.js';
import type { AlgorithmId } from './algorithms.js';
import { ChannelError, readDataSource, type S3DataSourceSpec } from './channels.js';
import { describeLocation, type JobKind, type JobLogs } from './logs.js';
import { packModelTar, unpackModelTar, type ModelFile } from '../../formats/model-tar.js';
import { JobCancelled, JobPool, WorkerTaskFailed, type Slot } from './pool.js';
import type { TransformBatching } from './protocol.js';
import { joinS3Key, parseS3Uri } from '../../aws-names/s3-uri.js';

export type TrainingPhase = 'Downloading' | 'Training' | 'Uploading';

export interface TrainingSpec {
  name: string;
  algorithm: AlgorithmId;
  hyperparameters: Record<string, string>;
  channels: { name: string; source: S3DataSourceSpec; contentType?: string; compression?: string }[];
  /** OutputDataConfig.S3OutputPath */
  outputPath: string;
  region: string;
}

export interface TransformSpec extends TransformBatching {
  name: string;
  containers: { algorithm: AlgorithmId; modelDataUrl: string }[];
  source: S3DataSourceSpec;
  compression?: string;
  outputPath: string;
  region: string;
}

export type Outcome =
  | { status: 'Completed'; modelArtifacts?: string; metrics?: { name: string; value: number }[] }
  /** `reason` is the FailureReason, already prefixed ClientError: / AlgorithmError: as AWS does. */
  | { status: 'Failed'; reason: string }
  | { status: 'Stopped'; reason: string };

export interface RunningJob {
  done: Promise<Outcome>;
  stop(reason: string): void;
}

export interface RunnerOptions {
  store: ObjectStore;
  logs: JobLogs;
  pool: JobPool;
  /** Test hook: how long a job's worker waits before working (to stop or interrupt it). */
  workerDelayMs?: (kind: JobKind, name: string) => number | undefined;
}

/** Write a job output; a missing bucket is the customer's to fix (ClientError), as on AWS. */
async function putOutput(
  store: ObjectStore,
  bucket: string,
  key: string,
  data: Uint8Array,
  contentType?: string,
): Promise<void> {
  try {
    await store.putObject(bucket, key, data, contentType ? { contentType } : {});
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).message;
    throw new ChannelError(`Could not write the output s3://${bucket}/${key} (${code})`);
  }
}

/** How many log lines a FailureReason quotes. */
const TAIL_LINES = 5;

export class JobRunner {
  constructor(private readonly options: RunnerOptions) {}

  private run(
    kind: JobKind,
    name: string,
    body: (slot: Slot, log: (line: string) => Promise<void>) => Promise<Outcome>,
  ): RunningJob {
    const logs = this.options.logs;
    const log = (line: string) => logs.append(kind, name, line);
    const scheduled = this.options.pool.schedule((slot) => body(slot, log));
    const done = scheduled.result.catch(async (err: unknown): Promise<Outcome> => {
      if (err instanceof JobCancelled) {
        await log(`Stopped: ${err.reason}`);
        return { status: 'Stopped', reason: err.reason };
      }
      let reason: string;
      if (err instanceof ChannelError) reason = `ClientError: ${err.message}`;
      else if (err instanceof WorkerTaskFailed) {
        // The built-in algorithms prefix their own messages with ClientError:; keep theirs.
        reason = err.clientError
          ? err.message.startsWith('ClientError')
            ? err.message
            : `ClientError: ${err.message}`
          : `AlgorithmError: ${err.message}`;
      } else reason = `InternalServerError: ${(err as Error)?.message ?? String(err)}`;
      // The tail is read before the failure is logged, so the reason is not quoted twice.
      const tail = await logs.tail(kind, name, TAIL_LINES);
      await log(`Failed: ${reason}`);
      // AWS's FailureReason names no log; ours points to the stream the whole log is in.
      const at = logs.where(kind, name);
      const where = at ? ` (${describeLocation(at)})` : '';
      return { status: 'Failed', reason: `${reason}\nLast log lines${where}:\n${tail.join('\n')}` };
    });
    return { done, stop: (reason) => scheduled.cancel(reason) };
  }

  train(spec: TrainingSpec, onPhase: (phase: TrainingPhase) => Promise<void>): RunningJob {
    return this.run('training-job', spec.name, async (slot, log) => {
      const store = this.options.store;
      await onPhase('Downloading');
      await log(`Downloading ${spec.channels.length} channel(s) for ${spec.algorithm}`);
      const channels = [];
      for (const c of spec.channels) {
        const files = await readDataSource(store, c.source, { region: spec.region, compression: c.compression });
        slot.signal.throwIfAborted();
        await log(
          `Channel ${c.name}: ${files.length} file(s), ${files.reduce((n, f) => n + f.data.byteLength, 0)} bytes from ${c.source.S3Uri}`,
        );
        channels.push({
          name: c.name,
          contentType: c.contentType,
          files: files.map((f) => ({ relativeKey: f.relativeKey, data: f.data })),
        });
      }
      await onPhase('Training');
      const delayMs = this.options.workerDelayMs?.('training-job', spec.name);
      const result = await slot.runWorker(
        { type: 'train', algorithm: spec.algorithm, hyperparameters: spec.hyperparameters, channels, delayMs },
        (line) => void log(line),
      );
      slot.signal.throwIfAborted();
      await onPhase('Uploading');
      const output = parseS3Uri(spec.outputPath)!;
      const key = joinS3Key(output.key, `${spec.name}/output/model.tar.gz`);
      const archive = await packModelTar(result.files);
      slot.signal.throwIfAborted();
      await putOutput(store, output.bucket, key, archive, 'application/x-tar');
      const uri = `s3://${output.bucket}/${key}`;
      await log(`Uploaded the model to ${uri}`);
      return { status: 'Completed', modelArtifacts: uri, metrics: result.metrics };
    });
  }

  /** `onStart` is called when the job gets its slot (TransformStartTime). */
  transform(spec: TransformSpec, onStart: () => void): RunningJob {
    return this.run('transform-job', spec.name, async (slot, log) => {
      const store = this.options.store;
      onStart();
      const containers: { algorithm: AlgorithmId; files: ModelFile[] }[] = [];
      for (const c of spec.containers) {
        const location = parseS3Uri(c.modelDataUrl)!;
        const archive = await store.readObject(location.bucket, location.key).catch(() => {
          throw new ChannelError(`Could not download the model data at ${c.modelDataUrl}`);
        });
        containers.push({
          algorithm: c.algorithm,
          files: await unpackModelTar(archive.data).catch((err: Error) => {
            throw new ChannelError(`The model data at ${c.modelDataUrl} is not a tar.gz archive: ${err.message}`);
          }),
        });
      }
      const inputs = await readDataSource(store, spec.source, { region: spec.region, compression: spec.compression });
      slot.signal.throwIfAborted();
      await log(`Transforming ${inputs.length} object(s) from ${spec.source.S3Uri}`);
      const delayMs = this.options.workerDelayMs?.('transform-job', spec.name);
      const { outputs } = await slot.runWorker(
        {
          type: 'transform',
          containers,
          inputs: inputs.map((i) => ({ relativeKey: i.relativeKey, data: i.data })),
          splitType: spec.splitType,
          batchStrategy: spec.batchStrategy,
          maxPayloadBytes: spec.maxPayloadBytes,
          contentType: spec.contentType,
          accept: spec.accept,
          assembleWith: spec.assembleWith,
          delayMs,
        },
        (line) => void log(line),
      );
      const output = parseS3Uri(spec.outputPath)!;
      for (const o of outputs) {
        slot.signal.throwIfAborted();
        // AWS names each output after its input: {S3OutputPath}/{key relative to the input prefix}.out
        const key = joinS3Key(output.key, `${o.relativeKey}.out`);
        await putOutput(store, output.bucket, key, o.data, spec.accept);
        await log(`Wrote s3://${output.bucket}/${key}`);
      }
      return { status: 'Completed' };
    });
  }
}
