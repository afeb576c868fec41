import { describe, expect, it } from 'vitest';
import { AlgorithmClientError } from '../../src/algorithms/errors.js';
import { parseInferenceRequest, parseTrainingCsv } from '../../src/algorithms/first-party/data.js';
import type { LinearLearnerModel } from '../../src/algorithms/linear-learner/model.js';
import { invokeLinearLearner } from '../../src/algorithms/linear-learner/predict.js';
import { inferenceError } from '../helpers/inference-error.js';

const regressor: LinearLearnerModel = {
  predictorType: 'regressor',
  featureDim: 3,
  numClasses: 1,
  loss: 'absolute_loss',
  weights: Float64Array.of(1, 2, 3),
  bias: Float64Array.of(100),
  threshold: 0.5,
};
const binary: LinearLearnerModel = {
  ...regressor,
  predictorType: 'binary_classifier',
  loss: 'logistic',
  bias: Float64Array.of(0),
};
const multiclass: LinearLearnerModel = {
  ...regressor,
  predictorType: 'multiclass_classifier',
  numClasses: 3,
  loss: 'softmax_loss',
  weights: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1),
  bias: Float64Array.of(0, 0, 0),
};

describe('linear learner inference', () => {
  it('answers a regressor score for text/csv, application/json by default', () => {
    const res = invokeLinearLearner(regressor, '1,1,1\n2,0,0\n', 'text/csv', undefined);
    expect(res.contentType).toBe('application/json');
    expect(JSON.parse(res.body)).toEqual({ predictions: [{ score: 106 }, { score: 102 }] });
  });

  it('reads both JSON instance forms and JSON lines', () => {
    const json = JSON.stringify({
      instances: [{ features: [1, 1, 1] }, { data: { features: { values: [0, 0, 1] } } }],
    });
    expect(JSON.parse(invokeLinearLearner(regressor, json, 'application/json', 'application/json').body)).toEqual({
      predictions: [{ score: 106 }, { score: 103 }],
    });
    const lines = '{"features":[1,1,1]}\n{"features":[0,1,0]}\n';
    const res = invokeLinearLearner(regressor, lines, 'application/jsonlines', 'application/jsonlines');
    expect(res.contentType).toBe('application/jsonlines');
    expect(res.body).toBe('{"score":106}\n{"score":102}\n');
  });

  it('adds predicted_label for a binary classifier, whose score is a probability', () => {
    const [a, b] = (
      JSON.parse(invokeLinearLearner(binary, '1,1,1\n-1,-1,-1\n', 'text/csv', '*/*').body) as {
        predictions: { score: number; predicted_label: number }[];
      }
    ).predictions;
    expect(a!.predicted_label).toBe(1);
    expect(a!.score).toBeCloseTo(1 / (1 + Math.exp(-6)), 12);
    expect(b!.predicted_label).toBe(0);
  });

  it('gives class probabilities and predicted_label for a multiclass classifier', () => {
    const { predictions } = JSON.parse(invokeLinearLearner(multiclass, '0,0,5\n', 'text/csv', undefined).body) as {
      predictions: { score: number[]; predicted_label: number }[];
    };
    expect(predictions[0]!.predicted_label).toBe(2);
    expect(predictions[0]!.score).toHaveLength(3);
    expect(predictions[0]!.score.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('refuses the wrong feature count with the container wording', () => {
    const err = inferenceError(() => invokeLinearLearner(regressor, '1,2\n', 'text/csv', undefined));
    expect(err.httpStatus).toBe(400);
    expect(err.message).toBe(
      'Unable to evaluate payload provided: Feature size of csv inference data 2 is not consistent with feature size of trained model 3',
    );
  });

  it('refuses non-numeric values, bad JSON, unsupported types', () => {
    expect(inferenceError(() => invokeLinearLearner(regressor, '1,x,3\n', 'text/csv', undefined)).message).toBe(
      "CSV row 1, feature 2: 'x' is not a number",
    );
    expect(
      inferenceError(() =>
        invokeLinearLearner(regressor, '{"instances":[{"features":[1,"a",2]}]}', 'application/json', undefined),
      ).message,
    ).toMatch(/instance 1, feature 2/);
    expect(
      inferenceError(() => invokeLinearLearner(regressor, '{nope', 'application/json', undefined)).message,
    ).toMatch(/Unable to parse application\/json/);
    expect(
      inferenceError(() => invokeLinearLearner(regressor, '1,2,3', 'application/x-recordio-protobuf', undefined))
        .httpStatus,
    ).toBe(415);
    expect(inferenceError(() => invokeLinearLearner(regressor, '1,2,3', 'text/csv', 'text/csv')).httpStatus).toBe(406);
    expect(inferenceError(() => parseInferenceRequest('', 'text/csv', 3)).message).toMatch(/no records/);
  });
});

describe('linear learner training data', () => {
  it('reads text/csv;label_size=1 with the label first', () => {
    const data = parseTrainingCsv(['5,1,2\n6,3,4\n', '7,5,6\n'], 2, { contentType: 'text/csv;label_size=1' });
    expect(Array.from(data.labels)).toEqual([5, 6, 7]);
    expect(Array.from(data.features)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses a wrong width, non-numeric values and other content types with ClientErrors', () => {
    expect(() => parseTrainingCsv('5,1\n', 2)).toThrow(
      /ClientError: Channel 'train', row 1: found 2 columns, expected 3/,
    );
    expect(() => parseTrainingCsv('5,1,a\n', 2, { channel: 'validation' })).toThrow(
      /ClientError: Channel 'validation', row 1, column 3: 'a' is not a number/,
    );
    expect(() => parseTrainingCsv('5,1,2\n', 2, { contentType: 'application/x-recordio-protobuf' })).toThrow(
      AlgorithmClientError,
    );
    expect(() => parseTrainingCsv('5,1,2\n', 2, { contentType: 'text/csv;label_size=2' })).toThrow(
      /label_size must be 1/,
    );
    expect(() => parseTrainingCsv('\n', 2)).toThrow(/No training data/);
  });
});
