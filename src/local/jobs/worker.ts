/**
 * A job worker thread: CPU-bound training and transform work off the main thread, so the local
 * cloud keeps answering while jobs run. The pool keeps it for many tasks, one at a time (each a
 * `task` message; see protocol.ts): a fresh thread per task cost more than the training itself
 * (thread start and module load, then the algorithm's hot loop run cold by the new isolate's
 * JIT). Nothing here keeps state between tasks. Must be loaded compiled
 * (dist/local/jobs/worker.js); see pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { AlgorithmClientError, ArtifactError, InferenceError } from '../../algorithms/errors.js';
import { loadModel, train, type Log } from './algorithms.js';
import type {
  TaskMessage,
  TrainResult,
  TransformResult,
  TransformTask,
  WorkerMessage,
  WorkerTask,
} from './protocol.js';
import { assembleResponses, PayloadTooLarge, splitRequests } from './transform-records.js';

const post = (message: WorkerMessage) => parentPort!.postMessage(message);

function transform(task: TransformTask, log: Log): TransformResult {
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
    outputs.push({
      relativeKey: input.relativeKey,
      data: Buffer.from(assembleResponses(responses, task.assembleWith)),
    });
  }
  return { outputs };
}

async function run(id: number, task: WorkerTask): Promise<void> {
  const log = (line: string) => post({ id, type: 'log', line });
  if (task.delayMs) await sleep(task.delayMs);
  try {
    const result: TrainResult | TransformResult =
      task.type === 'train' ? train(task.algorithm, task.hyperparameters, task.channels, log) : transform(task, log);
    post({ id, type: 'done', result });
  } catch (err) {
    const clientError =
      err instanceof AlgorithmClientError ||
      err instanceof ArtifactError ||
      err instanceof InferenceError ||
      err instanceof PayloadTooLarge;
    const message = err instanceof Error ? err.message : String(err);
    post({ id, type: 'failed', message, clientError });
  }
}

// The pool sends one task at a time; the chain keeps them in order should it ever send more.
let tasks = Promise.resolve();
parentPort!.on('message', (message: TaskMessage) => {
  if (message?.type === 'task') tasks = tasks.then(() => run(message.id, message.task));
});
