/**
 * The housing preprocessor: what `python/sklearn_preprocessor.py` does inside the SageMaker
 * scikit-learn container, natively. Fitting is
 *
 *   ColumnTransformer(remainder="drop", transformers=[
 *     ("num", StandardScaler(), the 6 numeric columns),
 *     ("cat", OneHotEncoder(handle_unknown="ignore"), ["FRONT_PORCH", "DECK"])])
 *
 * giving 6 scaled + one column per category seen (sorted: n, y) = 10 features, the linear
 * learner's feature_dim. The label (PRICE, last column) is not used by the fit.
 *
 * Serving follows the example's input_fn / predict_fn / output_fn (docs/aws-behaviour.md#preprocessing): text/csv
 * only, headerless; 9 columns = labelled (output `PRICE,f1..f10`), 8 = unlabelled; output
 * text/csv or application/json `{"instances":[{"features":[...]}]}`, application/json when the
 * caller has no preference. The batch transform that feeds training uses Accept text/csv.
 *
 * The column contract is the housing schema's (housing/schema.ts), which the generator writes
 * to and the script reads: one list, so the two cannot drift apart.
 */
import { formatCsvRows, parseCsv, parseNumberField, type CsvRow } from './csv.js';
import { negotiateAccept, requireContentType } from './content-types.js';
import { InferenceError } from './errors.js';
import { standardScalerStats } from './sklearn-stats.js';
import { CATEGORICAL_FEATURES, FEATURE_COLUMNS, LABEL_COLUMN, NUMERIC_FEATURES } from '../housing/schema.js';

/** Where the StandardScaler's columns stand in a row. */
export const NUMERIC_INDICES: readonly number[] = NUMERIC_FEATURES.map((name) => FEATURE_COLUMNS.indexOf(name));
export const CATEGORICAL_INDICES: readonly number[] = CATEGORICAL_FEATURES.map((name) => FEATURE_COLUMNS.indexOf(name));
/** Columns of an unlabelled row; a labelled row has the label after them. */
export const UNLABELLED_WIDTH = FEATURE_COLUMNS.length;
export const LABELLED_WIDTH = UNLABELLED_WIDTH + 1;
const LABEL_INDEX = UNLABELLED_WIDTH;

export interface NumericColumnFit {
  index: number;
  name: string;
  mean: number;
  var: number;
  scale: number;
}

export interface CategoricalColumnFit {
  index: number;
  name: string;
  categories: string[];
}

export interface PreprocessorModel {
  numeric: NumericColumnFit[];
  categorical: CategoricalColumnFit[];
  /** Rows the fit saw (StandardScaler.n_samples_seen_). */
  samples: number;
}

export function featureCount(model: PreprocessorModel): number {
  return model.numeric.length + model.categorical.reduce((n, c) => n + c.categories.length, 0);
}

function checkWidth(row: CsvRow): boolean {
  const n = row.fields.length;
  if (n === LABELLED_WIDTH) return true;
  if (n === UNLABELLED_WIDTH) return false;
  throw new InferenceError(
    'BadInput',
    `CSV row ${row.line} has ${n} columns; expected ${UNLABELLED_WIDTH} (unlabelled: ` +
      `${FEATURE_COLUMNS.join(',')}) or ${LABELLED_WIDTH} (labelled, ${LABEL_COLUMN} last)`,
  );
}

function numberAt(row: CsvRow, index: number, name: string): number {
  const v = parseNumberField(row.fields[index]!);
  if (v === undefined) {
    throw new InferenceError(
      'BadInput',
      `CSV row ${row.line}, column ${index + 1} (${name}): '${row.fields[index]}' is not a number`,
    );
  }
  return v;
}

/** Fit on rows of 8 or 9 columns (the training files carry the label; it is ignored). */
export function fitPreprocessor(rows: CsvRow[]): PreprocessorModel {
  if (rows.length === 0) throw new InferenceError('BadInput', 'Cannot fit the preprocessor on no rows');
  for (const row of rows) checkWidth(row);
  const numeric = NUMERIC_INDICES.map((index) => {
    const name = FEATURE_COLUMNS[index];
    const column = Float64Array.from(rows, (row) => numberAt(row, index, name));
    return { index, name, ...standardScalerStats(column) };
  });
  const categorical = CATEGORICAL_INDICES.map((index) => {
    const seen = new Set(rows.map((row) => row.fields[index]!));
    // OneHotEncoder sorts categories (np.unique): code-point order, which is what < does here.
    const categories = [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { index, name: FEATURE_COLUMNS[index], categories };
  });
  return { numeric, categorical, samples: rows.length };
}

/** Fit on the concatenation of several CSV files (all files of the train channel, in order). */
export function fitPreprocessorFromCsv(files: readonly string[]): PreprocessorModel {
  return fitPreprocessor(files.flatMap((text) => parseCsv(text)));
}

export interface TransformedRow {
  /** Present when the input row was labelled. */
  label?: number;
  features: Float64Array;
}

export function transformRow(model: PreprocessorModel, row: CsvRow): TransformedRow {
  const labelled = checkWidth(row);
  const features = new Float64Array(featureCount(model));
  let k = 0;
  for (const c of model.numeric) features[k++] = (numberAt(row, c.index, c.name) - c.mean) / c.scale;
  for (const c of model.categorical) {
    // handle_unknown="ignore": an unseen category encodes as all zeros.
    const hit = c.categories.indexOf(row.fields[c.index]!);
    if (hit >= 0) features[k + hit] = 1;
    k += c.categories.length;
  }
  return labelled ? { label: numberAt(row, LABEL_INDEX, LABEL_COLUMN), features } : { features };
}

export type PreprocessorAccept = 'application/json' | 'text/csv';
export const PREPROCESSOR_DEFAULT_ACCEPT: PreprocessorAccept = 'application/json';

export interface InvocationResponse {
  body: string;
  contentType: string;
}

/**
 * One invocation of the preprocessing container (or one batch-transform request). A labelled
 * row keeps its label as the first value in both output types, as the script's predict_fn
 * (np.insert at 0) and output_fn (`prediction.tolist()`) do. All rows of a request must have
 * the same width: pandas reads a request as one frame and refuses ragged rows.
 */
export function invokePreprocessor(
  model: PreprocessorModel,
  body: string,
  contentType: string | undefined,
  accept: string | undefined,
): InvocationResponse {
  return (
    invokePreprocessorFast(model, body, contentType, accept) ??
    invokePreprocessorGeneric(model, body, contentType, accept)
  );
}

/**
 * The hot case of `invokePreprocessor` (one plain CSV row, no quotes, exact `text/csv` and an
 * exact or absent Accept) straight from the row's text to the answer's text: no CsvRow objects,
 * typed arrays or JSON.stringify. Undefined for anything else, and for anything the generic
 * path would refuse or spell differently (bad widths, non-numbers, non-finite values): the
 * caller then runs the generic path, which gives the answer or the error. Same arithmetic, same
 * spelling (JSON.stringify of a finite number is String(number)), byte for byte:
 * test/algorithms/fast-path-differential.test.ts compares both over many random rows.
 */
export function invokePreprocessorFast(
  model: PreprocessorModel,
  body: string,
  contentType: string | undefined,
  accept: string | undefined,
): InvocationResponse | undefined {
  if (contentType !== undefined && contentType !== 'text/csv') return undefined;
  let json: boolean;
  if (accept === undefined || accept === 'application/json') json = true;
  else if (accept === 'text/csv') json = false;
  else return undefined;
  let end = body.length;
  if (end > 0 && body.charCodeAt(end - 1) === 10) end--;
  // One line, nothing quoted: fields are the comma-separated pieces, trimmed (as parseCsv trims).
  for (let i = 0; i < end; i++) {
    const c = body.charCodeAt(i);
    if (c === 34 || c === 10 || c === 13) return undefined;
  }
  const fields = (end === body.length ? body : body.slice(0, end)).split(',');
  const n = fields.length;
  if (n !== LABELLED_WIDTH && n !== UNLABELLED_WIDTH) return undefined;
  for (let i = 0; i < n; i++) fields[i] = fields[i]!.trim();
  let out = '';
  if (n === LABELLED_WIDTH) {
    const label = parseNumberField(fields[LABEL_INDEX]!);
    if (label === undefined || !Number.isFinite(label)) return undefined;
    out = String(label);
  }
  for (const c of model.numeric) {
    const field = fields[c.index];
    if (field === undefined) return undefined;
    const v = parseNumberField(field);
    if (v === undefined) return undefined;
    const x = (v - c.mean) / c.scale;
    if (!Number.isFinite(x)) return undefined;
    out += (out.length === 0 ? '' : ',') + String(x);
  }
  for (const c of model.categorical) {
    const field = fields[c.index];
    if (field === undefined) return undefined;
    const hit = c.categories.indexOf(field);
    for (let j = 0; j < c.categories.length; j++) out += (out.length === 0 ? '' : ',') + (j === hit ? '1' : '0');
  }
  if (!json) return { body: `${out}\n`, contentType: 'text/csv' };
  return { body: `{"instances":[{"features":[${out}]}]}`, contentType: 'application/json' };
}

/** `invokePreprocessor` through the general machinery (any CSV, any row count); the reference for the fast path. */
export function invokePreprocessorGeneric(
  model: PreprocessorModel,
  body: string,
  contentType: string | undefined,
  accept: string | undefined,
): InvocationResponse {
  requireContentType(contentType ?? 'text/csv', ['text/csv']);
  const responseType = negotiateAccept<PreprocessorAccept>(
    accept,
    ['application/json', 'text/csv'],
    PREPROCESSOR_DEFAULT_ACCEPT,
  );
  const parsed = parseCsv(body);
  if (parsed.length === 0) throw new InferenceError('BadInput', 'The request body has no CSV rows');
  const width = parsed[0]!.fields.length;
  const ragged = parsed.find((row) => row.fields.length !== width);
  if (ragged) {
    checkWidth(ragged);
    throw new InferenceError(
      'BadInput',
      `CSV row ${ragged.line} has ${ragged.fields.length} columns but row ${parsed[0]!.line} has ${width}: ` +
        'labelled and unlabelled rows cannot be mixed in one request',
    );
  }
  const rows = parsed.map((row) => transformRow(model, row));
  const out = rows.map((r) => (r.label === undefined ? r.features : Float64Array.of(r.label, ...r.features)));
  if (responseType === 'text/csv') return { body: formatCsvRows(out), contentType: 'text/csv' };
  return {
    body: JSON.stringify({ instances: out.map((f) => ({ features: Array.from(f) })) }),
    contentType: 'application/json',
  };
}
