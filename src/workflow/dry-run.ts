/**
 * `--dry-run`: the API requests a step would send, in order, with their exact inputs, sending
 * none. Built from the same plans (planPreprocess, planTrain) the real run sends, so what is
 * printed is what would go over the wire; only what depends on answers is marked:
 * - bodies (the archive, the split CSV files) are described, not printed;
 * - Describe* calls repeat until the job ends;
 * - values the target would tell us (the account behind the default local role, the preprocess
 *   job recorded in the data's metadata) are `<placeholders>` when they cannot be known offline.
 * Pure: plain values in, plain values out.
 */
import type { PreprocessOptions, PreprocessPlan } from './preprocess.js';
import { PREPROCESS_JOB_METADATA } from './preprocess.js';
import { s3 } from './requests.js';
import type { TrainPlan } from './train.js';

export interface PlannedRequest {
  service: 'S3' | 'SageMaker' | 'SageMakerRuntime' | 'IAM' | 'STS' | 'CloudWatch' | 'CloudWatchLogs';
  operation: string;
  input: Record<string, unknown>;
  /** Why the request is sent, or how it repeats. */
  note?: string;
}

const POLLED = 'repeated, with backoff, until the job ends';

export function preprocessRequests(
  plan: PreprocessPlan,
  o: Pick<PreprocessOptions, 'bucket' | 'seed' | 'validationFraction' | 'parallel'>,
  sourcedirBytes: number,
): PlannedRequest[] {
  const fitName = plan.fit.TrainingJobName!;
  const requests: PlannedRequest[] = [
    {
      service: 'S3',
      operation: 'PutObject',
      input: {
        Bucket: plan.sourcedir.bucket,
        Key: plan.sourcedir.key,
        Body: `<sourcedir.tar.gz: ${sourcedirBytes} bytes>`,
        ContentType: 'application/gzip',
      },
      note: 'the preprocessor script, packed',
    },
    { service: 'SageMaker', operation: 'CreateTrainingJob', input: { ...plan.fit } },
    { service: 'SageMaker', operation: 'DescribeTrainingJob', input: { TrainingJobName: fitName }, note: POLLED },
    {
      service: 'SageMaker',
      operation: 'CreateModel',
      input: { ...plan.model(plan.expectedModelDataUrl) },
      note: "its ModelDataUrl is the job's ModelArtifacts.S3ModelArtifacts",
    },
  ];
  for (const t of plan.transforms) {
    const name = t.request.TransformJobName!;
    const body = (share: number, part: string) =>
      `<${part}: ${Math.round(share * 100)}% of ${t.outputKey}'s rows, shuffled with seed ${o.seed}>`;
    requests.push(
      {
        service: 'SageMaker',
        operation: 'CreateTransformJob',
        input: { ...t.request },
        note: `up to ${o.parallel} transform jobs at once`,
      },
      { service: 'SageMaker', operation: 'DescribeTransformJob', input: { TransformJobName: name }, note: POLLED },
      {
        service: 'S3',
        operation: 'GetObject',
        input: { Bucket: o.bucket, Key: t.outputKey },
        note: 'the transformed rows: PRICE first, then 10 features',
      },
      ...(['train', 'validation'] as const).map((channel): PlannedRequest => ({
        service: 'S3',
        operation: 'PutObject',
        input: {
          Bucket: o.bucket,
          Key: t[channel],
          Body: body(channel === 'train' ? 1 - o.validationFraction : o.validationFraction, channel),
          ContentType: 'text/csv',
          Metadata: { [PREPROCESS_JOB_METADATA]: fitName, 'mme-run': plan.runId },
        },
      })),
    );
  }
  return requests;
}

export function trainRequests(
  plan: TrainPlan,
  o: { bucket: string; parallel: number; wait: boolean },
  trainKeys: Record<string, string>,
): PlannedRequest[] {
  const heads: PlannedRequest[] = plan.jobs.map(({ location }) => ({
    service: 'S3',
    operation: 'HeadObject',
    input: { Bucket: o.bucket, Key: trainKeys[location]! },
    note: `checks ${s3(o.bucket, trainKeys[location]!)} exists; its x-amz-meta-${PREPROCESS_JOB_METADATA} becomes the mme:preprocessor tag`,
  }));
  const jobs = plan.jobs.flatMap(({ request }): PlannedRequest[] => [
    {
      service: 'SageMaker',
      operation: 'CreateTrainingJob',
      input: { ...request },
      note: `up to ${o.parallel} at once; the others wait for a slot`,
    },
    {
      service: 'SageMaker',
      operation: 'DescribeTrainingJob',
      input: { TrainingJobName: request.TrainingJobName },
      note: o.wait ? POLLED : 'only while jobs are queued behind it (--no-wait)',
    },
  ]);
  return [...heads, ...jobs];
}

/** The human rendering: a numbered list of calls, each input as indented JSON. */
export function renderRequests(
  requests: readonly PlannedRequest[],
  style: { bold(s: string): string; dim(s: string): string } = plain,
): string {
  const width = String(requests.length).length;
  return requests
    .map((r, i) => {
      const head = `${String(i + 1).padStart(width)}. ${style.bold(`${r.service} ${r.operation}`)}${r.note ? style.dim(`  (${r.note})`) : ''}`;
      const body = JSON.stringify(r.input, null, 2)
        .split('\n')
        .map((l) => `${' '.repeat(width + 2)}${l}`)
        .join('\n');
      return `${head}\n${body}`;
    })
    .join('\n\n');
}

const plain = { bold: (s: string) => s, dim: (s: string) => s };
