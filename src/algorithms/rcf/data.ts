/**
 * RCF's training input: `text/csv;label_size=0` (the guide: the train channel is unlabelled;
 * "label_size=0" is what the SDK's record_set and the guide's examples send), feature_dim
 * numbers a row, no header. The labelled test channel (label_size=1, label first: 1 anomaly,
 * 0 normal) is read by the linear learner's first-party reader.
 *
 * `label_size=1` on the train channel is also read, its first column dropped: that is what the
 * parameter means to the first-party CSV reader ("Common data formats for training": label_size
 * columns of label first), and it lets `mme train --algorithm rcf` use the preprocessed files the
 * supervised algorithms train on (price first) without a second copy. Whether SageMaker's RCF
 * refuses a labelled train channel is not documented; mme accepts it.
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
  const labelSize = type.params.label_size ?? '0';
  if (labelSize !== '0' && labelSize !== '1') {
    throw new AlgorithmClientError(
      `label_size=${labelSize} is not supported for the train channel: RCF reads label_size=0 (no label) or 1 (a label first, ignored)`,
    );
  }
  const skip = Number(labelSize);
  const rows = (typeof files === 'string' ? [files] : files).flatMap((text) => parseCsv(text));
  if (rows.length === 0) throw new AlgorithmClientError(`No training data found in channel 'train'`);
  const features = new Float64Array(rows.length * featureDim);
  rows.forEach((row, i) => {
    if (row.fields.length !== featureDim + skip) {
      throw new AlgorithmClientError(
        `Channel 'train', row ${row.line}: found ${row.fields.length} columns, expected ${skip ? `a label and ` : ''}feature_dim=${featureDim}`,
      );
    }
    for (let j = 0; j < featureDim; j++) {
      const field = row.fields[j + skip]!;
      const v = parseNumberField(field);
      if (v === undefined) {
        throw new AlgorithmClientError(
          `Channel 'train', row ${row.line}, column ${j + 1 + skip}: '${field}' is not a number`,
        );
      }
      features[i * featureDim + j] = v;
    }
  });
  return { rows: rows.length, features };
}
