/**
 * ListMetrics: the metrics holding data, filtered by namespace, name and dimension filters (a
 * metric matches when it has every filter's dimension, with the filter's value if one is given),
 * 500 per page as CloudWatch pages them. RecentlyActive=PT3H (the only value AWS accepts) changes
 * nothing here: the local retention window is three hours by default anyway.
 */
import type { DimensionFilter, MetricStore } from './metric-store.js';
import type { Dimension } from './shapes.js';
import {
  asStruct,
  decodeToken,
  encodeToken,
  invalidToken,
  invalidValue,
  optList,
  optString,
  reqString,
  type Input,
} from './wire.js';

const PAGE_SIZE = 500;

export interface ListMetricsOutput {
  Metrics: { Namespace: string; MetricName: string; Dimensions: Dimension[] }[];
  NextToken?: string;
}

export function listMetrics(input: Input, store: MetricStore): ListMetricsOutput {
  const namespace = optString(input, 'Namespace');
  const name = optString(input, 'MetricName');
  const filters = (optList(input, 'Dimensions') ?? []).map((item, i): DimensionFilter => {
    const path = `Dimensions.member.${i + 1}`;
    const f = asStruct(item, path);
    return { Name: reqString(f, 'Name', `${path}.Name`), Value: optString(f, 'Value', `${path}.Value`) };
  });
  if (filters.length > 10) throw invalidValue('The collection Dimensions must not have a size greater than 10.');
  const recentlyActive = optString(input, 'RecentlyActive');
  if (recentlyActive !== undefined && recentlyActive !== 'PT3H') {
    throw invalidValue(`The value ${recentlyActive} for parameter RecentlyActive is invalid: it must be PT3H.`);
  }
  const token = decodeToken(optString(input, 'NextToken'));
  const offset = token === undefined ? 0 : Number(token.offset);
  if (!Number.isInteger(offset) || offset < 0) throw invalidToken();

  const all = store.listMetrics({ namespace, name, dimensions: filters });
  const page = all.slice(offset, offset + PAGE_SIZE);
  return {
    Metrics: page.map((m) => ({ Namespace: m.namespace, MetricName: m.name, Dimensions: m.dimensions })),
    ...(offset + PAGE_SIZE < all.length ? { NextToken: encodeToken({ offset: offset + PAGE_SIZE }) } : {}),
  };
}
