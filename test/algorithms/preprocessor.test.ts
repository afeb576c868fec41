import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/algorithms/csv.js';
import { negotiateAccept } from '../../src/algorithms/content-types.js';
import {
  featureCount,
  fitPreprocessor,
  fitPreprocessorFromCsv,
  invokePreprocessor,
  transformRow,
} from '../../src/algorithms/preprocessor.js';
import { pairwiseSum, standardScalerStats } from '../../src/algorithms/sklearn-stats.js';
import { inferenceError } from '../helpers/inference-error.js';
import { housingRows } from './synthetic.js';

const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\n') + '\n';
const rows = housingRows(3, 50);
const model = fitPreprocessorFromCsv([csv(rows)]);

describe('preprocessor fit', () => {
  it('scales the 6 numeric columns and one-hot encodes FRONT_PORCH and DECK into 10 features', () => {
    expect(model.numeric.map((c) => c.name)).toEqual([
      'YEAR_BUILT',
      'SQUARE_FEET',
      'NUM_BEDROOMS',
      'NUM_BATHROOMS',
      'LOT_ACRES',
      'GARAGE_SPACES',
    ]);
    expect(model.categorical.map((c) => [c.name, c.categories])).toEqual([
      ['FRONT_PORCH', ['n', 'y']],
      ['DECK', ['n', 'y']],
    ]);
    expect(featureCount(model)).toBe(10);
    expect(model.samples).toBe(50);
  });

  it('uses the population standard deviation and scales a constant column by 1', () => {
    const s = standardScalerStats(Float64Array.of(1, 2, 3, 4));
    expect(s.mean).toBe(2.5);
    expect(s.var).toBe(1.25);
    expect(s.scale).toBe(Math.sqrt(1.25));
    expect(standardScalerStats(new Float64Array(20).fill(0.1)).scale).toBe(1);
    expect(standardScalerStats(new Float64Array(7).fill(3)).scale).toBe(1);
  });

  it('sums pairwise like numpy, keeping a long sum accurate', () => {
    const a = new Float64Array(100_000).fill(0.1);
    expect(Math.abs(pairwiseSum(a) - 10_000)).toBeLessThan(1e-9);
  });

  it('ignores the label and fits on unlabelled rows too', () => {
    const unlabelled = fitPreprocessor(parseCsv(csv(rows.map((r) => r.slice(0, 8)))));
    expect(unlabelled.numeric).toEqual(model.numeric);
  });

  it('refuses a non-numeric value in a numeric column, naming row and column', () => {
    const bad = rows.slice(0, 3).map((r) => [...r]);
    bad[1]![2] = 'four';
    expect(inferenceError(() => fitPreprocessorFromCsv([csv(bad)])).message).toBe(
      "CSV row 2, column 3 (NUM_BEDROOMS): 'four' is not a number",
    );
  });
});

describe('preprocessor transform', () => {
  it('puts the label first for a labelled row and standardises the numeric columns', () => {
    const row = parseCsv(csv([rows[0]!]))[0]!;
    const t = transformRow(model, row);
    expect(t.label).toBe(Number(rows[0]![8]));
    expect(t.features[1]).toBeCloseTo((Number(rows[0]![1]) - model.numeric[1]!.mean) / model.numeric[1]!.scale, 12);
    const unlabelled = transformRow(model, { line: 1, fields: rows[0]!.slice(0, 8) });
    expect(unlabelled.label).toBeUndefined();
    expect(Array.from(unlabelled.features)).toEqual(Array.from(t.features));
  });

  it('encodes an unseen category as zeros (handle_unknown="ignore")', () => {
    const t = transformRow(model, { line: 1, fields: [...rows[0]!.slice(0, 6), 'maybe', 'y'] });
    expect(Array.from(t.features.subarray(6))).toEqual([0, 0, 0, 1]);
  });

  it('answers CSV with PRICE first for labelled input', () => {
    const res = invokePreprocessor(model, csv(rows.slice(0, 2)), 'text/csv', 'text/csv');
    expect(res.contentType).toBe('text/csv');
    const lines = res.body.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]!.split(',')).toHaveLength(11);
    expect(lines[0]!.split(',')[0]).toBe(rows[0]![8]);
  });

  it('answers application/json with no Accept or */*, the container default', () => {
    const body = csv(rows.slice(0, 2).map((r) => r.slice(0, 8)));
    for (const accept of [undefined, '*/*', 'application/json']) {
      const res = invokePreprocessor(model, body, 'text/csv', accept);
      expect(res.contentType).toBe('application/json');
      const doc = JSON.parse(res.body) as { instances: { features: number[] }[] };
      expect(doc.instances).toHaveLength(2);
      expect(doc.instances[0]!.features).toHaveLength(10);
    }
  });

  it('refuses unsupported Content-Type (415) and Accept (406) with typed errors', () => {
    const body = csv([rows[0]!.slice(0, 8)]);
    const ct = inferenceError(() => invokePreprocessor(model, body, 'application/json', undefined));
    expect([ct.kind, ct.httpStatus]).toEqual(['UnsupportedContentType', 415]);
    const acc = inferenceError(() => invokePreprocessor(model, body, 'text/csv', 'application/x-recordio-protobuf'));
    expect([acc.kind, acc.httpStatus]).toEqual(['UnsupportedAccept', 406]);
  });

  it('refuses a row of the wrong width with its row number and column count', () => {
    const err = inferenceError(() => invokePreprocessor(model, '1,2,3\n', 'text/csv', 'text/csv'));
    expect(err.httpStatus).toBe(400);
    expect(err.message).toMatch(/^CSV row 1 has 3 columns; expected 8 .* or 9 /);
    const mixed = inferenceError(() =>
      invokePreprocessor(model, csv([rows[0]!, rows[1]!.slice(0, 8)]), 'text/csv', 'text/csv'),
    );
    expect(mixed.message).toMatch(/cannot be mixed/);
  });

  it('refuses non-numeric values and empty bodies', () => {
    const bad = [...rows[0]!.slice(0, 8)];
    bad[0] = 'nineteen';
    expect(inferenceError(() => invokePreprocessor(model, csv([bad]), 'text/csv', undefined)).message).toMatch(
      /column 1 \(YEAR_BUILT\): 'nineteen' is not a number/,
    );
    expect(inferenceError(() => invokePreprocessor(model, '\n\n', 'text/csv', undefined)).message).toMatch(
      /no CSV rows/,
    );
  });
});

describe('CSV and Accept helpers', () => {
  it('reads CRLF, blank lines and quoted fields', () => {
    expect(parseCsv('a,"b,c"\r\n\r\n"say ""hi""",2\n').map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b,c']],
      [3, ['say "hi"', '2']],
    ]);
  });

  it('picks the first supported type of a list, ignoring parameters', () => {
    expect(
      negotiateAccept('text/html, text/csv; charset=utf-8', ['application/json', 'text/csv'], 'application/json'),
    ).toBe('text/csv');
  });
});
