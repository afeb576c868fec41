/**
 * AddTags, ListTags, DeleteTags, and the Tags parameter of the Create operations. Tags belong to
 * a resource record (state.ts) and go away with it. Limits from the API model and the tagging
 * guide: at most 50 tags a resource, keys 1–128 and values 0–256 characters of letters,
 * spaces, digits and _ . : / = + - @; keys beginning with "aws:" are reserved.
 */
import type { ServiceCall } from '../../service.js';
import { parseSagemakerArn } from '../../../aws-names/arns.js';
import { RESOURCE_ARN_PATTERN } from './arns.js';
import type { SageMakerState, Tag } from './state.js';
import { validationError, Validator, type Json } from './validation.js';

const TAG_PATTERN = '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$';
const MAX_TAGS = 50;

/** Validate a Tags list (CreateX's or AddTags'). */
export function readTags(v: Validator, value: unknown, path: string, required = false): Tag[] {
  const list = v.list(value, path, { required, max: MAX_TAGS });
  if (!list) return [];
  return list.map((item, i) => {
    const at = `${path}.${i + 1}.member`;
    const tag = v.object(item, at, true) ?? {};
    const key = v.string(tag.Key, `${at}.key`, { required: true, min: 1, max: 128, pattern: TAG_PATTERN }) ?? '';
    const value = v.string(tag.Value, `${at}.value`, { max: 256, pattern: TAG_PATTERN }) ?? '';
    return { Key: key, Value: value };
  });
}

/** Add or replace tags by key, enforcing the per-resource limit and the reserved prefix. */
function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const merged = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const t of added) {
    if (t.Key.toLowerCase().startsWith('aws:') && merged.get(t.Key) !== t.Value) {
      throw validationError(`Tag keys beginning with 'aws:' are reserved for AWS use: ${t.Key}`);
    }
    merged.set(t.Key, t.Value);
  }
  if (merged.size > MAX_TAGS)
    throw validationError(`A resource can have at most ${MAX_TAGS} tags; this request would give it ${merged.size}.`);
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

type Tagged = { describe: Json; tags: Tag[] };

function findByArn(state: SageMakerState, arn: string): { record: Tagged; save: () => Promise<void> } {
  const parsed = parseSagemakerArn(arn);
  const table =
    parsed?.type === 'training-job'
      ? state.trainingJobs
      : parsed?.type === 'transform-job'
        ? state.transformJobs
        : parsed?.type === 'model'
          ? state.models
          : undefined;
  const record = parsed && (table?.get(parsed.name) as Tagged | undefined);
  // AWS answers tagging calls on a resource that does not exist with a ValidationException
  // (aws/amazon-sagemaker-feedback#108), not ResourceNotFound.
  const arnOf = (r: Tagged) => r.describe.TrainingJobArn ?? r.describe.TransformJobArn ?? r.describe.ModelArn;
  if (!record || !table || arnOf(record) !== arn)
    throw validationError(`Resource ${arn} was not found, or the mme local cloud does not tag that kind of resource.`);
  return { record, save: () => (table as { save(r: Tagged): Promise<void> }).save(record) };
}

function readArn(v: Validator, input: Json): string {
  return v.string(input.ResourceArn, 'resourceArn', { required: true, max: 256, pattern: RESOURCE_ARN_PATTERN }) ?? '';
}

export function tagOperations(state: SageMakerState) {
  return {
    async AddTags(input: Json, _call: ServiceCall) {
      const v = new Validator();
      const arn = readArn(v, input);
      const tags = readTags(v, input.Tags, 'tags', true);
      v.check();
      const { record, save } = findByArn(state, arn);
      record.tags = mergeTags(record.tags, tags);
      await save();
      return { Tags: tags };
    },

    async ListTags(input: Json, _call: ServiceCall) {
      const v = new Validator();
      const arn = readArn(v, input);
      // ListTags' MaxResults is 50–100 in the API model (default 50).
      const max = v.integer(input.MaxResults, 'maxResults', { min: 50, max: 100 }) ?? 50;
      const token = v.string(input.NextToken, 'nextToken', { max: 8192 });
      v.check();
      const { record } = findByArn(state, arn);
      const start = token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
      if (!Number.isInteger(start) || start < 0) throw validationError('Invalid pagination token.');
      const page = record.tags.slice(start, start + max);
      const next =
        start + max < record.tags.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
      return { Tags: page, NextToken: next };
    },

    async DeleteTags(input: Json, _call: ServiceCall) {
      const v = new Validator();
      const arn = readArn(v, input);
      const keys = v.list(input.TagKeys, 'tagKeys', { required: true, min: 1, max: 50 }) ?? [];
      keys.forEach((k, i) =>
        v.string(k, `tagKeys.${i + 1}.member`, { required: true, min: 1, max: 128, pattern: TAG_PATTERN }),
      );
      v.check();
      const { record, save } = findByArn(state, arn);
      const drop = new Set(keys as string[]);
      record.tags = record.tags.filter((t) => !drop.has(t.Key));
      await save();
      return {};
    },
  };
}
