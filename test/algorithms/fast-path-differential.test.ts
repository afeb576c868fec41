/**
 * The serving containers' fast paths (preprocessor: one CSV row → features → JSON/CSV text;
 * linear learner: the preprocessor's JSON text → predictions JSON) against the generic paths
 * they short-cut, over thousands of random requests: odd number spellings (`1e3`, `-0`, `.5`,
 * `+7`, `5.`, `1E-3`, `1e400`), spaces and tabs around fields, y/n/unknown categories, wrong
 * widths, quotes, blank lines, CRLF, other Accept and Content-Type values, JSON in other
 * spellings. Each answer (body and type) or error (class and message) must be the same, byte for
 * byte; and the fast paths must really take most of the valid requests (else the test proves
 * nothing).
 */
import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../src/algorithms/random.js';
import type { LinearLearnerModel } from '../../src/algorithms/linear-learner/model.js';
import {
  invokeLinearLearner,
  invokeLinearLearnerFast,
  invokeLinearLearnerGeneric,
} from '../../src/algorithms/linear-learner/predict.js';
import {
  fitPreprocessorFromCsv,
  invokePreprocessor,
  invokePreprocessorFast,
  invokePreprocessorGeneric,
  type PreprocessorModel,
} from '../../src/algorithms/preprocessor.js';
import { housingRows } from './synthetic.js';

type Outcome = { body: string; contentType: string } | { error: string; message: string };

function outcome(fn: () => { body: string; contentType: string }): Outcome {
  try {
    const r = fn();
    return { body: r.body, contentType: r.contentType };
  } catch (err) {
    return { error: (err as Error).constructor.name, message: (err as Error).message };
  }
}

const pick = <T>(random: Random, xs: readonly T[]): T => xs[random.int(xs.length)]!;

/** A number in one of many spellings, mostly valid, some not. */
function numberText(random: Random): string {
  const x = (random.next() - 0.3) * 10 ** random.int(6);
  switch (random.int(40)) {
    case 0:
      return '1e3';
    case 1:
      return '-0';
    case 2:
      return '.5';
    case 3:
      return `${random.int(100)}.`;
    case 4:
      return `+${random.int(1000)}`;
    case 5:
      return x.toExponential(random.int(8));
    case 6:
      return x.toExponential(3).toUpperCase();
    case 7:
      return '1e400';
    case 8:
      return '-1e400';
    case 9:
      return pick(random, ['', 'abc', '1,5', '0x10', 'NaN', 'Infinity', '1e', '--1', '.', '1.2.3', '١']);
    case 10:
      return String(Math.round(x));
    case 11:
      return x.toFixed(random.int(6));
    case 12:
      return '0.1e-2';
    default:
      return String(x);
  }
}

function spaced(random: Random, text: string): string {
  const pad = () => pick(random, ['', '', '', ' ', '  ', '\t', ' \t', '\u00a0']);
  return random.int(4) === 0 ? pad() + text + pad() : text;
}

function category(random: Random): string {
  return pick(random, ['y', 'n', 'y', 'n', 'Y', 'maybe', '', 'yes', 'n ', ' y']);
}

/** One request body: mostly a single plain row (8 or 9 columns), sometimes something odd. */
function csvBody(random: Random): string {
  const width = pick(random, [8, 8, 8, 8, 8, 9, 9, 9, 7, 10]);
  const fields: string[] = [];
  for (let i = 0; i < width; i++)
    fields.push(spaced(random, i === 6 || i === 7 ? category(random) : numberText(random)));
  let row = fields.join(',');
  switch (random.int(28)) {
    case 0:
      row += '\n';
      break;
    case 1:
      row += '\r\n';
      break;
    case 2:
      row = `${row}\n${row}\n`;
      break;
    case 3:
      row = `\n${row}`;
      break;
    case 4:
      row = row.replace(',', ',"') + '"';
      break;
    case 5:
      row = `"${fields[0]}",${fields.slice(1).join(',')}`;
      break;
    case 6:
      row = random.int(2) === 0 ? '' : '   ';
      break;
    default:
      break;
  }
  return row;
}

const rows = housingRows(11, 200);
const preprocessor: PreprocessorModel = fitPreprocessorFromCsv([rows.map((r) => r.join(',')).join('\n') + '\n']);

const CONTENT_TYPES = [
  undefined,
  undefined,
  'text/csv',
  'text/csv',
  'text/csv',
  'text/csv',
  'text/csv',
  'TEXT/CSV',
  'text/csv; charset=utf-8',
  'application/json',
];
const PRE_ACCEPTS = [
  undefined,
  undefined,
  undefined,
  'application/json',
  'application/json',
  'text/csv',
  'text/csv',
  '*/*',
  'text/csv, application/json',
  'application/xml',
  '',
];

describe('preprocessor fast path', () => {
  it('answers exactly as the generic path over 10000 random requests, and takes every plain row', () => {
    const random = createRandom(20261125);
    let fast = 0;
    let valid = 0;
    for (let k = 0; k < 10000; k++) {
      const body = csvBody(random);
      const type = pick(random, CONTENT_TYPES);
      const accept = pick(random, PRE_ACCEPTS);
      const generic = outcome(() => invokePreprocessorGeneric(preprocessor, body, type, accept));
      const served = outcome(() => invokePreprocessor(preprocessor, body, type, accept));
      expect(served, JSON.stringify({ body, type, accept })).toEqual(generic);
      const short = invokePreprocessorFast(preprocessor, body, type, accept);
      if (short) {
        fast++;
        expect(short, JSON.stringify({ body, type, accept })).toEqual(generic);
      }
      // What the fast path is for: one plain row, exact types, finite features.
      if (
        'body' in generic &&
        (type === undefined || type === 'text/csv') &&
        (accept === undefined || accept === 'application/json' || accept === 'text/csv') &&
        !/["\r]|\n./.test(body) &&
        !/null|Infinity/.test(generic.body)
      )
        valid++;
    }
    expect(valid).toBeGreaterThan(500);
    expect(fast).toBe(valid);
  });

  it('takes the housing rows of the workflow, labelled and not, in both output types', () => {
    for (const row of rows.slice(0, 50)) {
      for (const body of [row.join(','), row.slice(0, 8).join(','), `${row.join(',')}\n`]) {
        for (const accept of [undefined, 'application/json', 'text/csv']) {
          const short = invokePreprocessorFast(preprocessor, body, 'text/csv', accept);
          expect(short).toBeDefined();
          expect(short).toEqual(invokePreprocessorGeneric(preprocessor, body, 'text/csv', accept));
        }
      }
    }
  });
});

const regressor: LinearLearnerModel = {
  predictorType: 'regressor',
  featureDim: 10,
  numClasses: 1,
  loss: 'squared_loss',
  weights: Float64Array.from({ length: 10 }, (_, j) => (j - 4.5) * 1234.5678),
  bias: Float64Array.of(432_100.25),
  threshold: 0.5,
};
const binary: LinearLearnerModel = {
  ...regressor,
  predictorType: 'binary_classifier',
  loss: 'logistic',
  bias: Float64Array.of(-0.3),
  weights: regressor.weights.map((w) => w / 5000),
};
const hinge: LinearLearnerModel = { ...binary, loss: 'hinge_loss', threshold: 0 };
const multiclass: LinearLearnerModel = {
  ...regressor,
  predictorType: 'multiclass_classifier',
  numClasses: 3,
  loss: 'softmax_loss',
  weights: Float64Array.from({ length: 30 }, (_, j) => Math.sin(j) * 2),
  bias: Float64Array.of(0.1, -0.2, 0),
};
const overflow: LinearLearnerModel = { ...regressor, weights: regressor.weights.map(() => 1e300) };

/** A JSON number spelling: what JSON.stringify writes, and others JSON allows or refuses. */
function jsonNumber(random: Random): string {
  const x = (random.next() - 0.5) * 10 ** (random.int(12) - 4);
  switch (random.int(12)) {
    case 0:
      return '-0';
    case 1:
      return x.toExponential(4);
    case 2:
      return x.toExponential(2).toUpperCase();
    case 3:
      return '1e400';
    case 4:
      return pick(random, ['.5', '01', '1.', '+1', 'null', '"1"', 'true', '1e', '-', 'NaN', '0.0', '1E+2', '-0.0e-0']);
    case 5:
      return String(random.int(2));
    default:
      return String(x);
  }
}

function jsonBody(random: Random): string {
  const instances = 1 + (random.int(5) === 0 ? random.int(3) : 0);
  const parts: string[] = [];
  for (let i = 0; i < instances; i++) {
    const width = pick(random, [10, 10, 10, 10, 10, 10, 10, 10, 9, 11, 0]);
    const values = Array.from({ length: width }, () =>
      random.int(8) === 0 ? jsonNumber(random) : JSON.stringify((random.next() - 0.5) * 4),
    );
    const list = `[${values.join(',')}]`;
    parts.push(
      random.int(10) === 0
        ? `{"data":{"features":{"values":${list}}}}`
        : random.int(15) === 0
          ? `{ "features": ${list} }`
          : `{"features":${list}}`,
    );
  }
  let body = `{"instances":[${parts.join(',')}]}`;
  switch (random.int(30)) {
    case 0:
      body = ` ${body}`;
      break;
    case 1:
      body = `${body}\n`;
      break;
    case 2:
      body = body.replace('"instances":', '"instances" :');
      break;
    case 3:
      body = '{"instances":[]}';
      break;
    case 4:
      body = body.slice(0, -1);
      break;
    case 5:
      body = `${body}x`;
      break;
    case 6:
      body = parts[0]!.replace(/^\{"features":(.*)\}$/, '$1');
      break;
    default:
      break;
  }
  return body;
}

describe('linear learner fast path', () => {
  const models = { regressor, binary, hinge, multiclass, overflow };
  const TYPES = [
    'application/json',
    'application/json',
    'application/json',
    'application/json',
    'application/json',
    'application/jsonlines',
    'application/json; charset=utf-8',
    undefined,
  ];
  const ACCEPTS = [
    undefined,
    undefined,
    undefined,
    'application/json',
    'application/json',
    'application/jsonlines',
    'application/jsonlines',
    '*/*',
    'text/csv',
    'application/json, text/csv',
  ];

  it('answers exactly as the generic path over 8000 random requests per model kind, and takes every plain one', () => {
    const random = createRandom(424242);
    for (const [name, model] of Object.entries(models)) {
      let fast = 0;
      let valid = 0;
      for (let k = 0; k < 8000; k++) {
        // Half the bodies are what the preprocessor really sends for a random row.
        let body: string;
        if (k % 2 === 0) {
          const pre = outcome(() => invokePreprocessor(preprocessor, csvBody(random), 'text/csv', 'application/json'));
          body = 'body' in pre ? pre.body : jsonBody(random);
        } else body = jsonBody(random);
        const type = pick(random, TYPES);
        const accept = pick(random, ACCEPTS);
        const where = JSON.stringify({ name, body, type, accept });
        const generic = outcome(() => invokeLinearLearnerGeneric(model, body, type, accept));
        expect(
          outcome(() => invokeLinearLearner(model, body, type, accept)),
          where,
        ).toEqual(generic);
        const short = invokeLinearLearnerFast(model, body, type, accept);
        if (short) {
          fast++;
          expect(short, where).toEqual(generic);
        }
        // What the fast path is for: the compact instances form, exact types, finite numbers.
        if (
          'body' in generic &&
          type === 'application/json' &&
          (accept === undefined || accept === 'application/json' || accept === 'application/jsonlines') &&
          /^\{"instances":\[(\{"features":\[[-+.eE0-9,]*\]\},?)+\]\}$/.test(body) &&
          !/1e400/.test(body)
        )
          valid++;
      }
      expect(valid, name).toBeGreaterThan(1000);
      expect(fast, name).toBeGreaterThanOrEqual(valid);
    }
  });
});
