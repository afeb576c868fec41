/**
 * The nouns of CloudWatch metrics, shared by the store and the wire operations.
 * A metric is identified by namespace, name and its exact set of dimensions: CloudWatch treats
 * every distinct dimension combination as a separate metric
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Dimension).
 */

export interface Dimension {
  Name: string;
  Value: string;
}

/** Either form is accepted by the direct API; the wire always brings the list form. */
export type DimensionsInput = Readonly<Record<string, string>> | readonly Dimension[];

/** StandardUnit from the CloudWatch API reference. */
const UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const;
export type Unit = (typeof UNITS)[number];

export function isUnit(value: string): value is Unit {
  return (UNITS as readonly string[]).includes(value);
}

export interface MetricDescriptor {
  namespace: string;
  name: string;
  /** Sorted by name, as CloudWatch lists them. */
  dimensions: Dimension[];
}

/** Dimensions in canonical order (by name; CloudWatch dimension names are unique per metric). */
export function normalizeDimensions(input: DimensionsInput | undefined): Dimension[] {
  if (!input) return [];
  const list: Dimension[] = Array.isArray(input)
    ? (input as readonly Dimension[]).map((d) => ({ Name: d.Name, Value: d.Value }))
    : Object.entries(input as Record<string, string>).map(([Name, Value]) => ({ Name, Value }));
  return list.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}

/** One string per metric identity; NUL cannot occur in CloudWatch names. */
export function seriesKey(namespace: string, name: string, dimensions: readonly Dimension[]): string {
  return [namespace, name, ...dimensions.map((d) => `${d.Name}=${d.Value}`)].join('\u0000');
}
