/**
 * GetMetricStatistics: one metric (exact dimension set, as CloudWatch matches it), one period,
 * up to five statistics or ten percentiles. Without Unit, data published with different units
 * comes back as separate datapoints, each naming its unit (API reference, Unit parameter).
 */
import type { MetricStore } from './metric-store.js';
import { isStatistic, percentileOf, STATISTICS, statisticValue, alignDown } from './statistics.js';
import type { Unit } from './shapes.js';
import {
  checkPeriod,
  invalidCombination,
  invalidValue,
  optDimensions,
  optList,
  optUnit,
  reqNumber,
  reqString,
  reqTime,
  type Input,
} from './wire.js';

/** CloudWatch's limit on datapoints per GetMetricStatistics call. */
const MAX_DATAPOINTS = 1440;

interface DatapointOut {
  Timestamp: Date;
  SampleCount?: number;
  Average?: number;
  Sum?: number;
  Minimum?: number;
  Maximum?: number;
  Unit: Unit;
  ExtendedStatistics?: Record<string, number>;
}

export interface GetMetricStatisticsOutput {
  Label: string;
  Datapoints: DatapointOut[];
}

export function getMetricStatistics(input: Input, store: MetricStore): GetMetricStatisticsOutput {
  const namespace = reqString(input, 'Namespace');
  const name = reqString(input, 'MetricName');
  const dimensions = optDimensions(input, 'Dimensions', 'Dimensions');
  const start = reqTime(input, 'StartTime');
  const end = reqTime(input, 'EndTime');
  const period = checkPeriod(reqNumber(input, 'Period'), 'Period');
  const unit = optUnit(input, 'Unit');
  const statistics = readStatistics(input);
  const extended = readExtended(input);
  if (statistics.length === 0 && extended.length === 0) {
    throw invalidCombination('Must specify either Statistics or ExtendedStatistics, but not both.');
  }
  if (statistics.length > 0 && extended.length > 0) {
    throw invalidCombination(
      'The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.',
    );
  }
  if (start.getTime() >= end.getTime())
    throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  checkDatapointCount(start, end, period);

  const periods = store.query({ namespace, name, dimensions, start, end, period, unit, byUnit: unit === undefined });
  const datapoints = periods.map(({ timestamp, unit: dataUnit, aggregate }) => {
    const point: DatapointOut = { Timestamp: timestamp, Unit: dataUnit };
    // Keep CloudWatch's member order in the output (Timestamp, SampleCount, Average, Sum, Minimum, Maximum).
    for (const stat of STATISTICS) if (statistics.includes(stat)) point[stat] = statisticValue(aggregate, stat);
    if (extended.length > 0) {
      const values = Object.fromEntries(
        extended.flatMap((p) => {
          const v = statisticValue(aggregate, p);
          return v === undefined ? [] : [[p, v]];
        }),
      );
      if (Object.keys(values).length > 0) point.ExtendedStatistics = values;
    }
    return point;
  });
  return { Label: name, Datapoints: datapoints };
}

/**
 * Refuse requests for more than 1,440 datapoints, with CloudWatch's own words (it counts
 * periods from the rounded-down StartTime to EndTime).
 */
function checkDatapointCount(start: Date, end: Date, period: number): void {
  const requested = Math.ceil((end.getTime() - alignDown(start.getTime(), period)) / (period * 1000));
  if (requested > MAX_DATAPOINTS) {
    throw invalidCombination(
      `You have requested up to ${requested.toLocaleString('en-US')} datapoints, which exceeds the limit of 1,440. ` +
        'You may reduce the datapoints requested by increasing Period, or decreasing the time range.',
    );
  }
}

function readStatistics(input: Input): string[] {
  const list = optList(input, 'Statistics') ?? [];
  if (list.length > 5) throw invalidValue('The collection Statistics must not have a size greater than 5.');
  return list.map((s, i) => {
    if (typeof s !== 'string' || !isStatistic(s)) {
      throw invalidValue(
        `The parameter Statistics.member.${i + 1} must be a value in the set [ Minimum, Maximum, Sum, SampleCount, Average ].`,
      );
    }
    return s;
  });
}

function readExtended(input: Input): string[] {
  const list = optList(input, 'ExtendedStatistics') ?? [];
  if (list.length > 10) throw invalidValue('The collection ExtendedStatistics must not have a size greater than 10.');
  return list.map((s, i) => {
    if (typeof s !== 'string' || percentileOf(s) === undefined) {
      throw invalidValue(
        `The value ${String(s)} for parameter ExtendedStatistics.member.${i + 1} is invalid: the mme local cloud supports percentiles (p0.0 to p100).`,
      );
    }
    return s;
  });
}
