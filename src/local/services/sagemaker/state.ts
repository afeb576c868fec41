/**
 * SageMaker control-plane state: training jobs, transform jobs and models, each kept in memory
 * (Describe and List read from there) and written through as one JSON document per resource
 * under {stateDir}/sagemaker/{collection}/{name}.json, loaded at startup.
 *
 * A record is the resource as DescribeX answers it (`describe`), its tags, and what the local
 * cloud needs besides (e.g. the algorithm an image maps to). Names are unique per account and
 * region regardless of case (the ARN lower-cases them), so records are keyed lower-cased; the
 * local cloud holds one account, and keeps one namespace across regions.
 */
import { DocumentStore } from '../../store/documents.js';
import type { AlgorithmId } from '../../jobs/algorithms.js';
import { nameKey } from './arns.js';
import type { Json } from './validation.js';

export interface Tag {
  Key: string;
  Value: string;
}

type JobStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

export interface StatusTransition {
  Status: string;
  StartTime: Date;
  EndTime?: Date;
  StatusMessage: string;
}

interface TrainingJobDescription extends Json {
  TrainingJobName: string;
  TrainingJobArn: string;
  TrainingJobStatus: JobStatus;
  SecondaryStatus: string;
  CreationTime: Date;
  LastModifiedTime: Date;
  SecondaryStatusTransitions: StatusTransition[];
  TrainingStartTime?: Date;
  TrainingEndTime?: Date;
  FailureReason?: string;
}

interface TransformJobDescription extends Json {
  TransformJobName: string;
  TransformJobArn: string;
  TransformJobStatus: JobStatus;
  ModelName: string;
  CreationTime: Date;
  LastModifiedTime?: Date;
  TransformStartTime?: Date;
  TransformEndTime?: Date;
  FailureReason?: string;
}

interface ModelDescription extends Json {
  ModelName: string;
  ModelArn: string;
  CreationTime: Date;
}

export interface TrainingJobRecord {
  describe: TrainingJobDescription;
  tags: Tag[];
  algorithm: AlgorithmId;
}

export interface TransformJobRecord {
  describe: TransformJobDescription;
  tags: Tag[];
}

export interface ModelRecord {
  describe: ModelDescription;
  tags: Tag[];
}

/** Only these keys hold timestamps: a tag value or environment variable that looks like a date stays a string. */
const DATE_KEYS = new Set([
  'CreationTime',
  'LastModifiedTime',
  'TrainingStartTime',
  'TrainingEndTime',
  'StartTime',
  'EndTime',
  'TransformStartTime',
  'TransformEndTime',
  'Timestamp',
]);

const reviver = (key: string, value: unknown) =>
  DATE_KEYS.has(key) && typeof value === 'string' ? new Date(value) : value;

/** One kind of resource: in memory, written through to its collection. */
export class Table<R extends { describe: Json }> {
  private readonly rows = new Map<string, R>();

  constructor(
    private readonly docs: DocumentStore,
    readonly collection: string,
    private readonly nameOf: (record: R) => string,
    private readonly onError: (err: unknown) => void,
  ) {}

  async load(): Promise<void> {
    const records = await this.docs.list<R>(this.collection, {
      reviver,
      onCorrupt: (file, err) => this.onError(new Error(`skipping unreadable ${file}: ${(err as Error).message}`)),
    });
    for (const r of records) this.rows.set(nameKey(this.nameOf(r)), r);
  }

  get(name: string): R | undefined {
    return this.rows.get(nameKey(name));
  }

  values(): R[] {
    return [...this.rows.values()];
  }

  /** Insert or replace, and persist before resolving. */
  async save(record: R): Promise<void> {
    const key = nameKey(this.nameOf(record));
    this.rows.set(key, record);
    await this.docs.put(this.collection, key, record);
  }

  /** Persist a record already changed in memory, without waiting (job progress updates). */
  saveInBackground(record: R): void {
    const key = nameKey(this.nameOf(record));
    this.rows.set(key, record);
    this.docs.putInBackground(this.collection, key, record, this.onError);
  }

  async delete(name: string): Promise<void> {
    const key = nameKey(name);
    this.rows.delete(key);
    await this.docs.delete(this.collection, key);
  }
}

export class SageMakerState {
  readonly trainingJobs: Table<TrainingJobRecord>;
  readonly transformJobs: Table<TransformJobRecord>;
  readonly models: Table<ModelRecord>;

  constructor(
    private readonly docs: DocumentStore,
    onError: (err: unknown) => void,
  ) {
    this.trainingJobs = new Table(docs, 'training-jobs', (r) => r.describe.TrainingJobName, onError);
    this.transformJobs = new Table(docs, 'transform-jobs', (r) => r.describe.TransformJobName, onError);
    this.models = new Table(docs, 'models', (r) => r.describe.ModelName, onError);
  }

  async load(): Promise<void> {
    await Promise.all([this.trainingJobs.load(), this.transformJobs.load(), this.models.load()]);
  }

  /** Wait for background writes (before closing, so a restart reads the latest state). */
  flush(): Promise<void> {
    return this.docs.flush();
  }
}
