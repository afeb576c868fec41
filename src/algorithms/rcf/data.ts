/**
 * RCF's training input: `text/csv;label_size=0` (the guide: the train channel is unlabelled;
 * "label_size=0" is what the SDK's record_set and the guide's examples send), feature_dim
 * numbers a row, no header. The labelled test channel (label_size=1, label first: 1 anomaly,
 * 0 normal) is read by the linear learner's first-party reader.
 */
import { parseCsv, parseNumberField } from '../csv.js';
import { parseMediaType } from '../content-types.js';
import { AlgorithmClientError } from '../errors.js';

export function parseUnlabelledCsv(files: string | readonly string[], featureDim: number, contentType?: string) {
  const type = parseMediaType(contentType ?? 'text/csv;label_size=0');
  if (type.essence !== 'text/csv') {
    throw new AlgorithmClientError(
      `Content type '${contentType}' of channel 'train' is not supported; use text/csv;label_size=0`,
    );
  }
  if ((type.params.label_size ?? '0') !== '0') {
    throw new AlgorithmClientError(`label_size must be 0 for the train channel: RCF training data has no label`);
  }
  const rows = (typeof files === 'string' ? [files] : files).flatMap((text) => parseCsv(text));
  if (rows.length === 0) throw new AlgorithmClientError(`No training data found in channel 'train'`);
  const features = new Float64Array(rows.length * featureDim);
  rows.forEach((row, i) => {
    if (row.fields.length !== featureDim) {
      throw new AlgorithmClientError(
        `Channel 'train', row ${row.line}: found ${row.fields.length} columns, expected feature_dim=${featureDim}`,
      );
    }
    for (let j = 0; j < featureDim; j++) {
      const v = parseNumberField(row.fields[j]!);
      if (v === undefined) {
        throw new AlgorithmClientError(
          `Channel 'train', row ${row.line}, column ${j + 1}: '${row.fields[j]}' is not a number`,
        );
      }
      features[i * featureDim + j] = v;
    }
  });
  return { rows: rows.length, features };
}
