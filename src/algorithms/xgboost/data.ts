/**
 * Input data as the SageMaker XGBoost container reads it (data_utils.py, encoder.py;
 * docs/aws-behaviour.md#xgboost), as pure functions from text to a float32 matrix:
 *
 * - `text/csv` (also `csv`; `label_size=1` allowed): no header, comma separated; for training
 *   the label is the first column (with csv_weights=1 the second is the instance weight);
 *   an empty field is a missing value (NaN).
 * - `text/libsvm` (also `libsvm`, `text/x-libsvm`; the container's default when no content type
 *   is given): `label index:value ...`, indices used as given (0-based, as the 1.7-1 container
 *   passes them to xgboost); an absent index is missing.
 *
 * Content types the container also reads (parquet, recordio-protobuf) are refused by mme.
 */
import { AlgorithmClientError } from '../errors.js';
import type { DenseMatrix } from './predict.js';

export type DataFormat = 'csv' | 'libsvm';

export interface LabeledData {
  x: DenseMatrix;
  labels: Float32Array;
  /** Instance weights (csv_weights=1), else undefined. */
  weights?: Float32Array;
}

/** The container's content-type mapping (data_utils.get_content_type), limited to what mme reads. */
export function dataFormat(contentType: string | undefined, channel = 'train'): DataFormat {
  if (contentType === undefined || contentType.trim() === '') return 'libsvm';
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  if (essence === 'csv' || essence === 'text/csv') {
    const labelSize = /label_size\s*=\s*([^;\s]+)/i.exec(contentType)?.[1];
    if (labelSize !== undefined && labelSize !== '1')
      throw new AlgorithmClientError(
        `${contentType} is not an accepted csv ContentType. Optional parameter label_size must be equal to 1`,
      );
    return 'csv';
  }
  if (essence === 'libsvm' || essence === 'text/libsvm' || essence === 'text/x-libsvm') return 'libsvm';
  if (['parquet', 'application/x-parquet', 'recordio-protobuf', 'application/x-recordio-protobuf'].includes(essence)) {
    throw new AlgorithmClientError(
      `Content type ${contentType} of channel '${channel}' is not supported by mme's XGBoost; use text/csv or text/libsvm`,
    );
  }
  throw new AlgorithmClientError(
    `Content type ${contentType} of channel '${channel}' is not supported; use text/csv or text/libsvm`,
  );
}

const lines = (texts: string | readonly string[]) => {
  const out: string[] = [];
  for (const t of typeof texts === 'string' ? [texts] : texts) {
    for (const raw of t.split('\n')) {
      const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (l.trim() !== '') out.push(l);
    }
  }
  return out;
};

function number(s: string, where: () => string): number {
  // Number() skips the same surrounding whitespace trim() does, so a non-zero number is the
  // answer as it stands; '' and blanks (0) and junk (NaN) take the careful way. Served requests
  // parse here, one row each: this keeps them from paying a trim per field.
  const fast = Number(s);
  if (fast !== 0 && !Number.isNaN(fast)) return fast;
  const t = s.trim();
  if (t === '') return Number.NaN;
  const v = Number(t);
  if (Number.isNaN(v) && t.toLowerCase() !== 'nan')
    throw new AlgorithmClientError(`${where()}: '${t}' is not a number`);
  return v;
}

export interface ParseOptions {
  /** The first column (CSV) / first token (libsvm) is the label. */
  labeled: boolean;
  /** CSV only: the column after the label is the instance weight (csv_weights=1). */
  weights?: boolean;
  channel?: string;
}

/** CSV text (one file or several) → float32 features, labels, optional weights. */
export function parseCsvData(texts: string | readonly string[], options: ParseOptions): LabeledData {
  const rows = lines(texts);
  const channel = options.channel ?? 'train';
  const skip = (options.labeled ? 1 : 0) + (options.weights ? 1 : 0);
  const first = rows[0]?.split(',').length ?? 0;
  const cols = Math.max(0, first - skip);
  const values = new Float32Array(rows.length * cols);
  const labels = new Float32Array(options.labeled ? rows.length : 0);
  const weights = options.weights ? new Float32Array(rows.length) : undefined;
  for (let i = 0; i < rows.length; i++) {
    const fields = rows[i]!.split(',');
    if (fields.length !== first)
      throw new AlgorithmClientError(
        `Channel '${channel}', row ${i + 1}: ${fields.length} columns, the first row has ${first}`,
      );
    const where = () => `Channel '${channel}', row ${i + 1}`;
    if (options.labeled) {
      const y = number(fields[0]!, where);
      if (Number.isNaN(y)) throw new AlgorithmClientError(`${where()}: the label (first column) is missing`);
      labels[i] = y;
    }
    if (weights) weights[i] = number(fields[options.labeled ? 1 : 0]!, where);
    for (let j = 0; j < cols; j++) values[i * cols + j] = number(fields[skip + j]!, where);
  }
  return { x: { rows: rows.length, cols, values }, labels, weights };
}

/** libsvm text → float32 features (absent = NaN) and labels. */
export function parseLibsvmData(texts: string | readonly string[], options: ParseOptions): LabeledData {
  const rows = lines(texts);
  const channel = options.channel ?? 'train';
  const parsed: Array<{ label: number; idx: number[]; val: number[] }> = [];
  let cols = 0;
  rows.forEach((line, i) => {
    const tokens = line.trim().split(/\s+/);
    const where = () => `Channel '${channel}', row ${i + 1}`;
    let start = 0;
    let label = Number.NaN;
    if (options.labeled) {
      label = number(tokens[0]!.split(':')[0]!, where);
      if (Number.isNaN(label)) throw new AlgorithmClientError(`${where()}: the label is missing`);
      start = 1;
    }
    const idx: number[] = [];
    const val: number[] = [];
    for (let k = start; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.startsWith('qid:')) continue;
      const colon = t.indexOf(':');
      const index = colon > 0 ? Number(t.slice(0, colon)) : Number.NaN;
      if (!Number.isInteger(index) || index < 0)
        throw new AlgorithmClientError(`${where()}: '${t}' is not index:value`);
      idx.push(index);
      val.push(number(t.slice(colon + 1), where));
      if (index + 1 > cols) cols = index + 1;
    }
    parsed.push({ label, idx, val });
  });
  const values = new Float32Array(rows.length * cols).fill(Number.NaN);
  const labels = new Float32Array(options.labeled ? rows.length : 0);
  parsed.forEach((r, i) => {
    if (options.labeled) labels[i] = r.label;
    r.idx.forEach((j, k) => (values[i * cols + j] = r.val[k]!));
  });
  return { x: { rows: rows.length, cols, values }, labels };
}

/** A training or validation channel's files, by content type. */
export function parseChannel(
  texts: string | readonly string[],
  contentType: string | undefined,
  options: { csvWeights?: boolean; channel?: string } = {},
): LabeledData {
  const format = dataFormat(contentType, options.channel);
  const data =
    format === 'csv'
      ? parseCsvData(texts, { labeled: true, weights: options.csvWeights, channel: options.channel })
      : parseLibsvmData(texts, { labeled: true, channel: options.channel });
  if (data.x.rows === 0) throw new AlgorithmClientError(`No data in ${options.channel ?? 'train'} channel`);
  return data;
}
