/**
 * Search, for Resource TrainingJob (docs/aws-behaviour.md#search): the training jobs matching a
 * SearchExpression, sorted, paged, each answered as a SearchRecord `{ TrainingJob: {…} }` that
 * holds the job as DescribeTrainingJob shows it plus its Tags. One call answers what otherwise
 * takes ListTrainingJobs, a ListTags per job and a DescribeTrainingJob per job.
 *
 * Semantics, from the API reference (Search, SearchExpression, Filter):
 * - a SearchExpression holds Filters, NestedFilters and SubExpressions (each 1–20) joined by its
 *   Operator, And by default; at most 50 of them in all, counted recursively;
 * - a Filter names a property: a field of the record (`TrainingJobName`, a dotted path such as
 *   `ResourceConfig.InstanceType`), `Tags.<key>`, `HyperParameters.<name>` or `Metrics.<name>`
 *   (the job's FinalMetricDataList); its Operator is Equals when only a Value is given;
 * - Equals, NotEquals and In (a comma-separated Value) compare exactly; Contains is a substring
 *   test; the order operators compare numbers as numbers, timestamps as times, else text;
 *   Exists / NotExists take no Value;
 * - SortBy defaults to LastModifiedTime, SortOrder to Descending; MaxResults is 1–100.
 * NestedFilters apply to list properties of other resources (an experiment's trial
 * components): for training jobs the local cloud refuses them rather than guess.
 */
import { createHash } from 'node:crypto';
import { notImplementedError } from '../../protocols/index.js';
import type { SageMakerState, TrainingJobRecord } from './state.js';
import { validationError, Validator, type Json } from './validation.js';

const RESOURCES = [
  'TrainingJob',
  'Experiment',
  'ExperimentTrial',
  'ExperimentTrialComponent',
  'Endpoint',
  'Model',
  'ModelPackage',
  'ModelPackageGroup',
  'Pipeline',
  'PipelineExecution',
  'FeatureGroup',
  'FeatureMetadata',
  'Image',
  'ImageVersion',
  'Project',
  'HyperParameterTuningJob',
  'ModelCard',
];
const OPERATORS = [
  'Equals',
  'NotEquals',
  'GreaterThan',
  'GreaterThanOrEqualTo',
  'LessThan',
  'LessThanOrEqualTo',
  'Contains',
  'Exists',
  'NotExists',
  'In',
] as const;
type FilterOperator = (typeof OPERATORS)[number];
const MAX_CLAUSES = 50;
/** The API model gives no default for MaxResults; the service answers 10 results without one, as the List operations do. */
const DEFAULT_MAX_RESULTS = 10;

interface Filter {
  name: string;
  operator: FilterOperator;
  value?: string;
}

interface Expression {
  operator: 'And' | 'Or';
  filters: Filter[];
  subExpressions: Expression[];
}

type PropertyValue = string | number | Date | undefined;

function readExpression(v: Validator, value: unknown, path: string, count: { n: number }): Expression {
  const e = v.object(value, path, true) ?? {};
  const filters = (v.list(e.Filters, `${path}.filters`, { min: 1, max: 20 }) ?? []).map((f, i) =>
    readFilter(v, f, `${path}.filters.${i + 1}.member`),
  );
  const nested = v.list(e.NestedFilters, `${path}.nestedFilters`, { min: 1, max: 20 }) ?? [];
  const subs = (v.list(e.SubExpressions, `${path}.subExpressions`, { min: 1, max: 20 }) ?? []).map((s, i) =>
    readExpression(v, s, `${path}.subExpressions.${i + 1}.member`, count),
  );
  const operator = (v.string(e.Operator, `${path}.operator`, { enum: ['And', 'Or'] }) ?? 'And') as 'And' | 'Or';
  count.n += filters.length + nested.length + subs.length;
  if (filters.length + nested.length + subs.length === 0)
    throw validationError('A SearchExpression must have at least one Filter, NestedFilter or SubExpression.');
  if (nested.length > 0)
    throw notImplementedError('sagemaker', 'NestedFilters in a Search (training jobs have no nested properties)');
  return { operator, filters, subExpressions: subs };
}

function readFilter(v: Validator, value: unknown, path: string): Filter {
  const f = v.object(value, path, true) ?? {};
  const name = v.string(f.Name, `${path}.name`, { required: true, min: 1, max: 255, pattern: '.+' }) ?? '';
  const op = v.string(f.Operator, `${path}.operator`, { enum: OPERATORS });
  const val = v.string(f.Value, `${path}.value`, { min: 1, max: 1024, pattern: '.+' });
  const operator = (op ?? 'Equals') as FilterOperator;
  const needsValue = operator !== 'Exists' && operator !== 'NotExists';
  if (needsValue && val === undefined)
    throw validationError(`The filter on ${name} with operator ${operator} needs a Value.`);
  if (!needsValue && val !== undefined)
    throw validationError(`The filter on ${name} with operator ${operator} takes no Value.`);
  return { name, operator, ...(val !== undefined ? { value: val } : {}) };
}

/** The record as a SearchRecord's TrainingJob: the description and its tags. */
function searchRecord(r: TrainingJobRecord): Json {
  return { TrainingJob: { ...r.describe, Tags: r.tags } };
}

/** A property of a training job, by the names Search uses. */
function propertyOf(r: TrainingJobRecord, name: string): PropertyValue {
  const [head, ...rest] = name.split('.');
  const tail = rest.join('.');
  if (head === 'Tags' && rest.length > 0) return r.tags.find((t) => t.Key === tail)?.Value;
  if (head === 'HyperParameters' && rest.length > 0)
    return (r.describe.HyperParameters as Record<string, string> | undefined)?.[tail];
  if (head === 'Metrics' && rest.length > 0) {
    const metrics = (r.describe.FinalMetricDataList ?? []) as { MetricName?: string; Value?: number }[];
    return metrics.find((m) => m.MetricName === tail)?.Value;
  }
  let value: unknown = r.describe;
  for (const part of name.split('.')) value = (value as Json | undefined)?.[part];
  return typeof value === 'string' || typeof value === 'number' || value instanceof Date ? value : undefined;
}

/** -1, 0, 1: numbers as numbers (the filter's text parsed), times as times, otherwise text. */
function compare(actual: string | number | Date, wanted: string): number {
  if (actual instanceof Date) {
    const t = /^\d+(\.\d+)?$/.test(wanted) ? Number(wanted) * 1000 : Date.parse(wanted);
    return Math.sign(actual.getTime() - t);
  }
  const a = typeof actual === 'number' ? actual : Number(actual);
  const b = Number(wanted);
  if (wanted.trim() !== '' && Number.isFinite(a) && Number.isFinite(b) && String(actual).trim() !== '')
    return Math.sign(a - b);
  const s = String(actual);
  return s < wanted ? -1 : s > wanted ? 1 : 0;
}

function matchesFilter(r: TrainingJobRecord, f: Filter): boolean {
  const actual = propertyOf(r, f.name);
  if (f.operator === 'Exists') return actual !== undefined;
  if (f.operator === 'NotExists') return actual === undefined;
  if (actual === undefined) return f.operator === 'NotEquals';
  const text = actual instanceof Date ? actual.toISOString() : String(actual);
  const wanted = f.value!;
  switch (f.operator) {
    case 'Equals':
      return actual instanceof Date ? compare(actual, wanted) === 0 : text === wanted;
    case 'NotEquals':
      return actual instanceof Date ? compare(actual, wanted) !== 0 : text !== wanted;
    case 'In':
      return wanted.split(',').some((w) => w.trim() === text);
    case 'Contains':
      return text.includes(wanted);
    case 'GreaterThan':
      return compare(actual, wanted) > 0;
    case 'GreaterThanOrEqualTo':
      return compare(actual, wanted) >= 0;
    case 'LessThan':
      return compare(actual, wanted) < 0;
    case 'LessThanOrEqualTo':
      return compare(actual, wanted) <= 0;
  }
}

function matches(r: TrainingJobRecord, e: Expression): boolean {
  const clauses = [
    ...e.filters.map((f) => () => matchesFilter(r, f)),
    ...e.subExpressions.map((s) => () => matches(r, s)),
  ];
  return e.operator === 'Or' ? clauses.some((c) => c()) : clauses.every((c) => c());
}

function sortKey(value: PropertyValue): string | number | undefined {
  return value instanceof Date ? value.getTime() : value;
}

function fingerprint(input: Json): string {
  const { NextToken: _t, MaxResults: _m, ...query } = input;
  return createHash('sha256').update(JSON.stringify(query)).digest('hex').slice(0, 16);
}

export function searchOperations(state: SageMakerState) {
  return {
    async Search(input: Json) {
      const v = new Validator();
      const resource = v.string(input.Resource, 'resource', { required: true, enum: RESOURCES });
      const count = { n: 0 };
      const expression =
        input.SearchExpression === undefined
          ? undefined
          : readExpression(v, input.SearchExpression, 'searchExpression', count);
      const sortBy = v.string(input.SortBy, 'sortBy', { min: 1, max: 255, pattern: '.+' }) ?? 'LastModifiedTime';
      const sortOrder = v.string(input.SortOrder, 'sortOrder', { enum: ['Ascending', 'Descending'] }) ?? 'Descending';
      const maxResults = v.integer(input.MaxResults, 'maxResults', { min: 1, max: 100 }) ?? DEFAULT_MAX_RESULTS;
      const token = v.string(input.NextToken, 'nextToken', { max: 8192 });
      v.check();
      if (count.n > MAX_CLAUSES)
        throw validationError(
          `A SearchExpression may hold at most ${MAX_CLAUSES} Filters, NestedFilters and SubExpressions in all; this one has ${count.n}.`,
        );
      if (resource !== 'TrainingJob') throw notImplementedError('sagemaker', `Search of ${resource} resources`);

      const found = state.trainingJobs
        .values()
        .filter((r) => !expression || matches(r, expression))
        .map((r) => ({ r, key: sortKey(propertyOf(r, sortBy)), name: r.describe.TrainingJobName }));
      const sign = sortOrder === 'Ascending' ? 1 : -1;
      // A record without the sort property goes last either way; ties are broken by name so
      // that pages never overlap.
      found.sort((a, b) => {
        if (a.key === undefined || b.key === undefined) return a.key === b.key ? 0 : a.key === undefined ? 1 : -1;
        const primary = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
        return sign * (primary !== 0 ? primary : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      });

      const print = fingerprint(input);
      let start = 0;
      if (token !== undefined) {
        const decoded = decodeToken(token);
        if (!decoded || decoded.f !== print)
          throw validationError('Invalid NextToken: it does not belong to this search; start again without it.');
        start = decoded.o;
      }
      const page = found.slice(start, start + maxResults).map((x) => searchRecord(x.r));
      const next = start + maxResults;
      return {
        Results: page,
        ...(next < found.length
          ? { NextToken: Buffer.from(JSON.stringify({ o: next, f: print })).toString('base64url') }
          : {}),
      };
    },
  };
}

function decodeToken(token: string): { o: number; f: string } | undefined {
  try {
    const { o, f } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o: unknown; f: unknown };
    return Number.isInteger(o) && (o as number) >= 0 && typeof f === 'string' ? { o: o as number, f } : undefined;
  } catch {
    return undefined;
  }
}
