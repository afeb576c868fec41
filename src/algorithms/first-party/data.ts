/**
 * The input data of the first-party algorithms (linear learner, k-NN, Random Cut Forest's test
 * channel), read by the reader their framework shares.
 *
 * Training channels: `text/csv;label_size=1` — the label is the FIRST column, then feature_dim
 * features, no header (SageMaker "Common data formats for training": for CSV the target is the
 * first column). label_size defaults to 1 and nothing else is accepted for CSV.
 * `application/x-recordio-protobuf` is the algorithm's other training format; we do not read it.
 *
 * Inference (hosting and batch transform): `text/csv` (features only, no label),
 * `application/json` (`{"instances":[{"features":[...]}]}`, or the dense
 * `{"instances":[{"data":{"features":{"values":[...]}}}]}` form) and `application/jsonlines`
 * (one `{"features":[...]}` object a line), as in "Linear learner response formats".
 */
import { AlgorithmClientError, InferenceError } from '../errors.js';
import { parseCsv, parseNumberField } from '../csv.js';
import { parseMediaType, requireContentType } from '../content-types.js';

/** Row-major examples: features[i * featureDim + j]. */
export interface Dataset {
  rows: number;
  featureDim: number;
  features: Float64Array;
  /** Empty for inference data. */
  labels: Float64Array;
}

export function parseTrainingCsv(
  files: string | readonly string[],
  featureDim: number,
  options: { contentType?: string; channel?: string } = {},
): Dataset {
  const channel = options.channel ?? 'train';
  const type = parseMediaType(options.contentType ?? 'text/csv;label_size=1');
  if (type.essence !== 'text/csv') {
    throw new AlgorithmClientError(
      `Content type '${options.contentType}' of channel '${channel}' is not supported; use text/csv;label_size=1`,
    );
  }
  if ((type.params.label_size ?? '1') !== '1') {
    throw new AlgorithmClientError(`label_size must be 1 for text/csv data in channel '${channel}'`);
  }
  const rows = (typeof files === 'string' ? [files] : files).flatMap((text) => parseCsv(text));
  if (rows.length === 0) throw new AlgorithmClientError(`No training data found in channel '${channel}'`);
  const width = featureDim + 1;
  const features = new Float64Array(rows.length * featureDim);
  const labels = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    if (row.fields.length !== width) {
      throw new AlgorithmClientError(
        `Channel '${channel}', row ${row.line}: found ${row.fields.length} columns, expected ${width} ` +
          `(label first, then feature_dim=${featureDim} features)`,
      );
    }
    for (let j = 0; j < width; j++) {
      const v = parseNumberField(row.fields[j]!);
      if (v === undefined) {
        throw new AlgorithmClientError(
          `Channel '${channel}', row ${row.line}, column ${j + 1}: '${row.fields[j]}' is not a number`,
        );
      }
      if (j === 0) labels[i] = v;
      else features[i * featureDim + j - 1] = v;
    }
  });
  return { rows: rows.length, featureDim, features, labels };
}

const INFERENCE_CONTENT_TYPES = ['text/csv', 'application/json', 'application/jsonlines'] as const;

function featureSizeError(kind: string, got: number, featureDim: number): InferenceError {
  // The built-in container's wording for a request of the wrong width.
  return new InferenceError(
    'BadInput',
    `Unable to evaluate payload provided: Feature size of ${kind} inference data ${got} is not consistent ` +
      `with feature size of trained model ${featureDim}`,
  );
}

function vectorOf(instance: unknown): unknown {
  const o = instance as { features?: unknown; data?: { features?: { values?: unknown } } } | null;
  if (Array.isArray(o)) return o;
  return o?.features ?? o?.data?.features?.values;
}

export function parseInferenceRequest(body: string, contentType: string | undefined, featureDim: number): Dataset {
  const type = requireContentType(contentType, INFERENCE_CONTENT_TYPES);
  let vectors: { values: unknown[]; where: string }[];
  if (type === 'text/csv') {
    vectors = parseCsv(body).map((row) => ({ values: row.fields, where: `CSV row ${row.line}` }));
  } else {
    let instances: unknown[];
    try {
      instances =
        type === 'application/json'
          ? ((JSON.parse(body) as { instances?: unknown[] }).instances ?? [JSON.parse(body)])
          : body
              .split(/\r?\n/)
              .filter((l) => l.trim() !== '')
              .map((l) => JSON.parse(l) as unknown);
    } catch (err) {
      throw new InferenceError('BadInput', `Unable to parse ${type} payload: ${(err as Error).message}`);
    }
    if (!Array.isArray(instances)) throw new InferenceError('BadInput', `'instances' must be a list`);
    vectors = instances.map((inst, i) => {
      const values = vectorOf(inst);
      if (!Array.isArray(values)) {
        throw new InferenceError('BadInput', `Instance ${i + 1} has no "features" list`);
      }
      return { values, where: `instance ${i + 1}` };
    });
  }
  if (vectors.length === 0) throw new InferenceError('BadInput', 'The request contains no records');
  const kind = type === 'text/csv' ? 'csv' : 'json';
  const features = new Float64Array(vectors.length * featureDim);
  vectors.forEach(({ values, where }, i) => {
    if (values.length !== featureDim) throw featureSizeError(kind, values.length, featureDim);
    for (let j = 0; j < featureDim; j++) {
      const raw = values[j];
      const v = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseNumberField(raw) : undefined;
      if (v === undefined || !Number.isFinite(v)) {
        throw new InferenceError('BadInput', `${where}, feature ${j + 1}: '${String(raw)}' is not a number`);
      }
      features[i * featureDim + j] = v;
    }
  });
  return { rows: vectors.length, featureDim, features, labels: new Float64Array(0) };
}

/**
 * The hot case of `parseInferenceRequest` for `application/json`: `{"instances":[{"features":
 * [n,…]},…]}` (what the preprocessor writes), every instance an object whose `features` is a list
 * of featureDim finite numbers; gives those lists. The same JSON.parse as the generic path (V8's
 * JSON reader converts numbers faster than a hand scan calling Number() can: measured), without
 * its intermediate arrays, closures and typed arrays. Undefined for anything else: the caller
 * then runs `parseInferenceRequest`, which answers or gives the error.
 */
export function readInferenceJsonFast(body: string, featureDim: number): number[][] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const instances = (parsed as { instances?: unknown }).instances;
  if (!Array.isArray(instances) || instances.length === 0) return undefined;
  const rows: number[][] = [];
  for (let r = 0; r < instances.length; r++) {
    const instance = instances[r] as { features?: unknown } | null;
    if (typeof instance !== 'object' || instance === null || Array.isArray(instance)) return undefined;
    const values = instance.features;
    if (!Array.isArray(values) || values.length !== featureDim) return undefined;
    for (let j = 0; j < featureDim; j++) {
      const v: unknown = values[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    }
    rows.push(values as number[]);
  }
  return rows;
}
