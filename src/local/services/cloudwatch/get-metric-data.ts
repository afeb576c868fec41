/**
 * GetMetricData: up to 500 queries, each a MetricStat (metric, period, stat, unit) or a metric
 * math expression over the others; results for the queries with ReturnData (default true), in
 * request order, timestamps newest first unless ScanBy is TimestampAscending. MaxDatapoints
 * (default 100,800) bounds the datapoints of a page across all results; a result cut short says
 * PartialData and NextToken continues it, as CloudWatch pages.
 */
import type { MetricStore } from './metric-store.js';
import { evaluate, MathError, referencedIds, type MathValue, type Series } from './metric-math.js';
import { isStatistic, percentileOf, statisticValue } from './statistics.js';
import { type Dimension, type Unit } from './shapes.js';
import {
  asStruct,
  checkPeriod,
  decodeToken,
  encodeToken,
  invalidToken,
  invalidCombination,
  invalidValue,
  missing,
  optBoolean,
  optDimensions,
  optInteger,
  optList,
  optString,
  optStruct,
  optUnit,
  reqNumber,
  reqString,
  reqTime,
  type Input,
} from './wire.js';

const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const ID = /^[a-z][a-zA-Z0-9_]*$/;

interface MetricStatQuery {
  namespace: string;
  name: string;
  dimensions: Dimension[];
  period: number;
  stat: string;
  unit?: Unit;
}

interface Query {
  id: string;
  path: string;
  label?: string;
  returnData: boolean;
  metricStat?: MetricStatQuery;
  expression?: string;
}

interface MetricDataResult {
  Id: string;
  Label: string;
  Timestamps: Date[];
  Values: number[];
  StatusCode: 'Complete' | 'PartialData';
  Messages: { Code: string; Value: string }[];
}

export interface GetMetricDataOutput {
  MetricDataResults: MetricDataResult[];
  NextToken?: string;
  Messages: { Code: string; Value: string }[];
}

export function getMetricData(input: Input, store: MetricStore): GetMetricDataOutput {
  const list = optList(input, 'MetricDataQueries');
  if (!list || list.length === 0) throw missing('MetricDataQueries');
  if (list.length > MAX_QUERIES)
    throw invalidValue(`The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`);
  const queries = list.map((q, i) => readQuery(q, `MetricDataQueries.member.${i + 1}`));
  const start = reqTime(input, 'StartTime');
  const end = reqTime(input, 'EndTime');
  if (start.getTime() >= end.getTime())
    throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  const scanBy = optString(input, 'ScanBy') ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw invalidValue(
      `The value ${scanBy} for parameter ScanBy is invalid: it must be TimestampDescending or TimestampAscending.`,
    );
  }
  const maxDatapoints = optInteger(input, 'MaxDatapoints') ?? DEFAULT_MAX_DATAPOINTS;
  if (maxDatapoints < 1) throw invalidValue('The parameter MaxDatapoints must be greater than 0.');
  const token = decodeToken(optString(input, 'NextToken'));
  const offset = token === undefined ? 0 : Number(token.offset);
  if (!Number.isInteger(offset) || offset < 0) throw invalidToken();

  const series = evaluateAll(queries, store, start, end);
  const ascending = scanBy === 'TimestampAscending';
  let cursor = 0;
  const pageEnd = offset + maxDatapoints;
  const results = queries
    .filter((q) => q.returnData)
    .map((q): MetricDataResult => {
      const points = [...series.get(q.id)!].sort((a, b) => (ascending ? a[0] - b[0] : b[0] - a[0]));
      const from = Math.min(points.length, Math.max(0, offset - cursor));
      const to = Math.min(points.length, Math.max(0, pageEnd - cursor));
      cursor += points.length;
      const page = points.slice(from, to);
      return {
        Id: q.id,
        Label: q.label ?? q.metricStat?.name ?? q.id,
        Timestamps: page.map(([t]) => new Date(t)),
        Values: page.map(([, v]) => v),
        StatusCode: to < points.length ? 'PartialData' : 'Complete',
        Messages: [],
      };
    });
  return {
    MetricDataResults: results,
    ...(pageEnd < cursor ? { NextToken: encodeToken({ offset: pageEnd }) } : {}),
    Messages: [],
  };
}

function readQuery(item: unknown, path: string): Query {
  const q = asStruct(item, path);
  const id = reqString(q, 'Id', `${path}.Id`);
  if (!ID.test(id) || id.length > 255) {
    throw invalidValue(
      `The value ${id} for parameter ${path}.Id is invalid: it must start with a lowercase letter and contain only letters, numbers and underscores.`,
    );
  }
  const stat = optStruct(q, 'MetricStat', `${path}.MetricStat`);
  const expression = optString(q, 'Expression', `${path}.Expression`);
  if ((stat === undefined) === (expression === undefined)) {
    throw invalidCombination(`Exactly one of ${path}.MetricStat and ${path}.Expression must be specified.`);
  }
  return {
    id,
    path,
    label: optString(q, 'Label', `${path}.Label`),
    returnData: optBoolean(q, 'ReturnData', `${path}.ReturnData`) ?? true,
    metricStat: stat && readMetricStat(stat, `${path}.MetricStat`),
    expression,
  };
}

function readMetricStat(s: Input, path: string): MetricStatQuery {
  const metric = optStruct(s, 'Metric', `${path}.Metric`);
  if (!metric) throw missing(`${path}.Metric`);
  const stat = reqString(s, 'Stat', `${path}.Stat`);
  if (!isStatistic(stat) && percentileOf(stat) === undefined) {
    throw invalidValue(
      `The value ${stat} for parameter ${path}.Stat is invalid: the mme local cloud supports SampleCount, Average, Sum, Minimum, Maximum and pNN.`,
    );
  }
  return {
    namespace: reqString(metric, 'Namespace', `${path}.Metric.Namespace`),
    name: reqString(metric, 'MetricName', `${path}.Metric.MetricName`),
    dimensions: optDimensions(metric, 'Dimensions', `${path}.Metric.Dimensions`),
    period: checkPeriod(reqNumber(s, 'Period', `${path}.Period`), `${path}.Period`),
    stat,
    unit: optUnit(s, 'Unit', `${path}.Unit`),
  };
}

/** Every query's series by id: metrics from the store, then expressions in dependency order. */
function evaluateAll(queries: Query[], store: MetricStore, start: Date, end: Date): Map<string, Series> {
  const byId = new Map<string, Query>();
  for (const q of queries) {
    if (byId.has(q.id)) throw invalidValue(`The value ${q.id} for parameter ${q.path}.Id is not unique.`);
    byId.set(q.id, q);
  }
  const metricIds = queries.filter((q) => q.metricStat).map((q) => q.id);
  const done = new Map<string, Series>();
  const visiting = new Set<string>();

  const seriesOf = (q: Query): Series => {
    const known = done.get(q.id);
    if (known) return known;
    if (visiting.has(q.id)) throw invalidValue(`Circular reference in ${q.path}.Expression (${q.id}).`);
    visiting.add(q.id);
    const result = q.metricStat
      ? metricSeries(q.metricStat, store, start, end)
      : expressionSeries(q, metricIds, lookup, done);
    visiting.delete(q.id);
    done.set(q.id, result);
    return result;
  };
  const lookup = (id: string, from: Query): Series => {
    const q = byId.get(id);
    if (!q)
      throw invalidValue(`Error in expression ${from.id}: Unrecognized identifier ${id} in ${from.path}.Expression.`);
    return seriesOf(q);
  };
  for (const q of queries) seriesOf(q);
  return done;
}

function metricSeries(m: MetricStatQuery, store: MetricStore, start: Date, end: Date): Series {
  const out: Series = new Map();
  const periods = store.query({
    namespace: m.namespace,
    name: m.name,
    dimensions: m.dimensions,
    start,
    end,
    period: m.period,
    unit: m.unit,
  });
  for (const p of periods) {
    const v = statisticValue(p.aggregate, m.stat);
    if (v !== undefined) out.set(p.timestamp.getTime(), v);
  }
  return out;
}

function expressionSeries(
  q: Query,
  metricIds: string[],
  lookup: (id: string, from: Query) => Series,
  done: Map<string, Series>,
): Series {
  const fail = (reason: string) => invalidValue(`Error in expression ${q.id}: ${reason} (${q.path}.Expression).`);
  let value: MathValue;
  try {
    const refs = referencedIds(q.expression!, metricIds);
    value = evaluate(q.expression!, { metricIds, resolve: (id) => lookup(id, q) });
    if (typeof value === 'number') {
      // A scalar is drawn across the graph: give it every timestamp the referenced series have.
      const times = new Set(refs.flatMap((id) => [...(done.get(id)?.keys() ?? [])]));
      const scalar = value;
      return new Map([...times].map((t) => [t, scalar]));
    }
  } catch (err) {
    if (err instanceof MathError) throw fail(err.message);
    throw err;
  }
  if (Array.isArray(value)) {
    if (value.length === 1) return value[0]!;
    throw fail('the expression must return a single time series in the mme local cloud');
  }
  return value;
}
