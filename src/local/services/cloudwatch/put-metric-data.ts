/**
 * PutMetricData: validate the whole request first (CloudWatch stores all of it or none), then
 * write each datum to the store. Limits from the API reference: up to 1,000 datums, 30
 * dimensions, 150 Values; timestamps from two weeks in the past to two hours in the future;
 * values within ±2^360 and not below 2^-260 in magnitude; no NaN or infinities; namespaces
 * starting with "AWS/" are reserved for AWS services.
 */
import type { MetricStore, MetricValue } from './metric-store.js';
import type { Dimension, Unit } from './shapes.js';
import {
  asStruct,
  invalidCombination,
  invalidValue,
  optDimensions,
  optInteger,
  optList,
  optNumber,
  optStruct,
  optTime,
  optUnit,
  reqNumber,
  reqString,
  toNumber,
  type Input,
} from './wire.js';

const TWO_WEEKS_MS = 14 * 24 * 3600 * 1000;
const TWO_HOURS_MS = 2 * 3600 * 1000;
const MAX_DATUMS = 1000;
const MAX_VALUES = 150;

interface Datum {
  name: string;
  dimensions: Dimension[];
  timestamp: Date;
  value: MetricValue;
  unit: Unit;
  storageResolution: 1 | 60;
}

export interface PutMetricDataContext {
  store: MetricStore;
  now: () => Date;
}

export function putMetricData(input: Input, ctx: PutMetricDataContext): Record<string, never> {
  const namespace = reqString(input, 'Namespace');
  if (namespace.length < 1 || namespace.length > 255)
    throw invalidValue(`The value ${namespace} for parameter Namespace is invalid.`);
  if (namespace.startsWith('AWS/')) {
    throw invalidValue(
      `The value ${namespace} for parameter Namespace is invalid: namespaces starting with "AWS/" are reserved for AWS services.`,
    );
  }
  const list = optList(input, 'MetricData');
  if (list === undefined) throw missingMetricData();
  if (list.length === 0) throw missingMetricData();
  if (list.length > MAX_DATUMS)
    throw invalidValue(`The collection MetricData must not have a size greater than ${MAX_DATUMS}.`);
  const now = ctx.now();
  const datums = list.map((item, i) => readDatum(item, `MetricData.member.${i + 1}`, now));
  for (const d of datums)
    ctx.store.put(namespace, d.name, d.dimensions, d.value, d.unit, d.timestamp, d.storageResolution);
  return {};
}

function missingMetricData() {
  return invalidValue('The parameter MetricData is required and must contain at least one datum.');
}

function readDatum(item: unknown, path: string, now: Date): Datum {
  const d = asStruct(item, path);
  const name = reqString(d, 'MetricName', `${path}.MetricName`);
  if (name.length < 1 || name.length > 255)
    throw invalidValue(`The value ${name} for parameter ${path}.MetricName is invalid.`);
  const dimensions = optDimensions(d, 'Dimensions', `${path}.Dimensions`);
  const timestamp = optTime(d, 'Timestamp', `${path}.Timestamp`) ?? now;
  if (timestamp.getTime() < now.getTime() - TWO_WEEKS_MS) {
    throw invalidValue(`The parameter ${path}.Timestamp must specify a time no more than two weeks in the past.`);
  }
  if (timestamp.getTime() > now.getTime() + TWO_HOURS_MS) {
    throw invalidValue(`The parameter ${path}.Timestamp must specify a time no more than two hours in the future.`);
  }
  const unit = optUnit(d, 'Unit', `${path}.Unit`) ?? 'None';
  const resolution = optInteger(d, 'StorageResolution', `${path}.StorageResolution`) ?? 60;
  if (resolution !== 1 && resolution !== 60) {
    throw invalidValue(
      `The value ${resolution} for parameter ${path}.StorageResolution is invalid: it must be 1 or 60.`,
    );
  }
  return { name, dimensions, timestamp, value: readValue(d, path), unit, storageResolution: resolution };
}

function readValue(d: Input, path: string): MetricValue {
  const value = optNumber(d, 'Value', `${path}.Value`);
  const set = optStruct(d, 'StatisticValues', `${path}.StatisticValues`);
  const values = optList(d, 'Values', `${path}.Values`);
  const given = [
    value !== undefined && 'Value',
    set && 'StatisticValues',
    values && values.length > 0 && 'Values',
  ].filter(Boolean) as string[];
  if (given.length > 1) {
    throw invalidCombination(
      `The parameters ${path}.${given[0]} and ${path}.${given[1]} are mutually exclusive and you have specified both.`,
    );
  }
  if (value !== undefined) return checkMagnitude(value, `${path}.Value`);
  if (set) {
    const sp = `${path}.StatisticValues`;
    const stat = {
      sampleCount: reqNumber(set, 'SampleCount', `${sp}.SampleCount`),
      sum: checkMagnitude(reqNumber(set, 'Sum', `${sp}.Sum`), `${sp}.Sum`),
      minimum: checkMagnitude(reqNumber(set, 'Minimum', `${sp}.Minimum`), `${sp}.Minimum`),
      maximum: checkMagnitude(reqNumber(set, 'Maximum', `${sp}.Maximum`), `${sp}.Maximum`),
    };
    if (stat.sampleCount <= 0) throw invalidValue(`The parameter ${sp}.SampleCount must be greater than 0.`);
    if (stat.minimum > stat.maximum)
      throw invalidValue(`The parameter ${sp}.Maximum must be greater than or equal to ${sp}.Minimum.`);
    return stat;
  }
  if (values && values.length > 0) {
    if (values.length > MAX_VALUES)
      throw invalidValue(`The collection ${path}.Values must not have a size greater than ${MAX_VALUES}.`);
    const nums = values.map((v, i) =>
      checkMagnitude(toNumber(v, `${path}.Values.member.${i + 1}`), `${path}.Values.member.${i + 1}`),
    );
    const countList = optList(d, 'Counts', `${path}.Counts`);
    if (!countList || countList.length === 0) return { values: nums };
    if (countList.length !== nums.length) {
      throw invalidValue(`The parameters ${path}.Values and ${path}.Counts must be of the same size.`);
    }
    const counts = countList.map((c, i) => {
      const n = toNumber(c, `${path}.Counts.member.${i + 1}`);
      if (n < 0) throw invalidValue(`The value ${n} for parameter ${path}.Counts.member.${i + 1} is invalid.`);
      return n;
    });
    return { values: nums, counts };
  }
  throw invalidCombination(
    `At least one of the parameters ${path}.Value, ${path}.StatisticValues or ${path}.Values must be specified.`,
  );
}

/** CloudWatch rejects values outside ±2^360 and non-zero values smaller than 2^-260 in magnitude. */
function checkMagnitude(v: number, path: string): number {
  const abs = Math.abs(v);
  if (abs > 2 ** 360 || (abs !== 0 && abs < 2 ** -260))
    throw invalidValue(`The value ${v} for parameter ${path} is invalid.`);
  return v;
}
