/**
 * A job's worker thread: one training or transform task (workerData), CPU-bound work off the
 * main thread so the local cloud keeps answering while jobs run. Must be loaded compiled
 * (dist/local/jobs/worker.js); see pool.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { AlgorithmClientError, ArtifactError, InferenceError } from '../../algorithms/errors.js';
import { loadModel, train } from './algorithms.js';
import type { TrainResult, TransformResult, TransformTask, WorkerMessage, WorkerTask } from './protocol.js';
import { assembleResponses, PayloadTooLarge, splitRequests } from './transform-records.js';

const post = (message: WorkerMessage) => parentPort!.postMessage(message);
const log = (line: string) => post({ type: 'log', line });

function transform(task: TransformTask): TransformResult {
  const models = task.containers.map((c) => ({ algorithm: c.algorithm, model: loadModel(c.algorithm, c.files) }));
  const outputs: TransformResult['outputs'] = [];
  for (const input of task.inputs) {
    const requests = splitRequests(input.data, task);
    log(`${input.relativeKey}: ${requests.length} request(s)`);
    const responses = requests.map((body) => {
      let payload: Uint8Array = body;
      let contentType = task.contentType;
      let answer = { body: '', contentType: '' };
      // An inference pipeline hands each container's answer, with its Content-Type, to the
      // next; the job's Accept is asked of the last container only.
      models.forEach(({ model }, i) => {
        answer = model.invoke(payload, contentType, i === models.length - 1 ? task.accept : undefined);
        payload = Buffer.from(answer.body);
        contentType = answer.contentType;
      });
      return answer.body;
    });
    outputs.push({ relativeKey: input.relativeKey, data: Buffer.from(assembleResponses(responses, task.assembleWith)) });
  }
  return { outputs };
}

async function main(): Promise<void> {
  const task = workerData as WorkerTask;
  if (task.delayMs) await sleep(task.delayMs);
  try {
    const result: TrainResult | TransformResult =
      task.type === 'train' ? train(task.algorithm, task.hyperparameters, task.channels, log) : transform(task);
    post({ type: 'done', result });
  } catch (err) {
    const clientError = err instanceof AlgorithmClientError || err instanceof ArtifactError || err instanceof InferenceError || err instanceof PayloadTooLarge;
    const message = err instanceof Error ? err.message : String(err);
    post({ type: 'failed', message, clientError });
  }
}

void main();
