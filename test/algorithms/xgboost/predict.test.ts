/**
 * Scoring rules on a hand-built model (no python needed): strict `x < split`, float32 split
 * values, missing → default direction, base_score through ProbToMargin, objective transforms,
 * best_ntree_limit as the container applies it, and the JSON/UBJSON round trip.
 */
import { describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../../src/algorithms/xgboost/load.js';
import { containerRounds, type Tree, type XGBoostModel } from '../../../src/algorithms/xgboost/model.js';
import type { ObjectiveName } from '../../../src/algorithms/xgboost/objectives.js';
import { predict, toMatrix } from '../../../src/algorithms/xgboost/predict.js';
import { decodeUbjson, encodeUbjson } from '../../../src/algorithms/xgboost/ubjson.js';

/** Stump on feature `f` at `split`: left leaf `l`, right leaf `r`, missing goes left if `dl`. */
function stump(f: number, split: number, l: number, r: number, dl: boolean): Tree {
  return {
    left: Int32Array.of(1, -1, -1),
    right: Int32Array.of(2, -1, -1),
    parent: Int32Array.of(-1, 0, 0),
    splitIndex: Uint32Array.of(f, 0, 0),
    splitCondition: Float32Array.of(split, l, r),
    defaultLeft: Uint8Array.of(dl ? 1 : 0, 0, 0),
    baseWeight: Float32Array.of(0, l, r),
    lossChange: Float32Array.of(1, 0, 0),
    sumHessian: Float32Array.of(2, 1, 1),
    numFeature: 2,
  };
}

function model(objective: ObjectiveName, trees: Tree[], extra: Partial<XGBoostModel> = {}): XGBoostModel {
  return {
    objective,
    numClass: 0,
    numFeature: 2,
    baseScore: 0.5,
    trees,
    treeInfo: new Int32Array(trees.length),
    numParallelTree: 1,
    attributes: {},
    objectiveParams: {},
    featureNames: [],
    featureTypes: [],
    version: [1, 7, 4],
    ...extra,
  };
}

describe('xgboost scoring rules', () => {
  it('goes left only when x < split (strictly), compares in float32, sends NaN the default way', () => {
    const m = model('reg:squarederror', [stump(0, 0.1, -1, 1, true), stump(1, 2, 10, 20, false)]);
    // 0.1 as float32 is 0.100000001490116...; the double 0.1 rounds to it, so it is not < split.
    const rows = [
      [0.1, 2],
      [0.09999, 1.99],
      [Number.NaN, Number.NaN],
      [0.2, Number.NaN],
    ];
    expect(Array.from(predict(m, toMatrix(rows)))).toEqual([0.5 + 1 + 20, 0.5 - 1 + 10, 0.5 - 1 + 20, 0.5 + 1 + 20]);
  });

  it('applies base_score in margin space and the objective transform', () => {
    const t = [stump(0, 0, -2, 2, false)];
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const logistic = predict(
      model('binary:logistic', t, { baseScore: 0.25 }),
      toMatrix([
        [1, 0],
        [-1, 0],
      ]),
    );
    expect(logistic[0]).toBeCloseTo(sig(Math.log(0.25 / 0.75) + 2), 6);
    expect(logistic[1]).toBeCloseTo(sig(Math.log(0.25 / 0.75) - 2), 6);
    const raw = predict(model('binary:logitraw', t, { baseScore: 0.25 }), toMatrix([[1, 0]]));
    expect(raw[0]).toBeCloseTo(0.25 + 2, 6);
    const poisson = predict(model('count:poisson', t, { baseScore: 0.5 }), toMatrix([[1, 0]]));
    expect(poisson[0]).toBeCloseTo(Math.exp(Math.log(0.5) + 2), 5);
  });

  it('multi-class: trees per class, softprob gives probabilities, softmax the class', () => {
    const trees = [stump(0, 0, 1, -1, false), stump(0, 0, 0, 0, false), stump(0, 0, -1, 3, false)];
    const extra = { numClass: 3, treeInfo: Int32Array.of(0, 1, 2) };
    const probs = predict(
      model('multi:softprob', trees, extra),
      toMatrix([
        [-1, 0],
        [1, 0],
      ]),
    );
    const e = [Math.exp(1), 1, Math.exp(-1)];
    const s = e[0]! + e[1]! + e[2]!;
    expect(Array.from(probs.slice(0, 3)).map((v) => Number(v.toFixed(6)))).toEqual(
      e.map((v) => Number((v / s).toFixed(6))),
    );
    expect(
      Array.from(
        predict(
          model('multi:softmax', trees, extra),
          toMatrix([
            [-1, 0],
            [1, 0],
          ]),
        ),
      ),
    ).toEqual([0, 2]);
  });

  it('scores only the rounds best_ntree_limit allows, as the container passes ntree_limit', () => {
    const trees = [stump(0, 0, 1, 1, false), stump(0, 0, 10, 10, false), stump(0, 0, 100, 100, false)];
    const m = model('reg:squarederror', trees, { attributes: { best_iteration: '1', best_ntree_limit: '2' } });
    expect(containerRounds(m)).toBe(2);
    expect(predict(m, toMatrix([[0, 0]]))[0]).toBe(11.5);
    expect(predict(m, toMatrix([[0, 0]]), { rounds: 3 })[0]).toBe(111.5);
  });

  it('round-trips through JSON and UBJSON bytes', () => {
    const m = model('binary:logistic', [stump(1, 0.3, -0.25, 0.75, true)], {
      attributes: { best_iteration: '0' },
      objectiveParams: { scale_pos_weight: '3' },
    });
    for (const format of ['json', 'ubjson'] as const) {
      const back = loadModel(saveModel(m, format));
      expect(back.format).toBe(format);
      expect(back.model.objectiveParams.scale_pos_weight).toBe('3');
      expect(back.model.attributes).toEqual({ best_iteration: '0' });
      expect(Array.from(back.model.trees[0]!.splitCondition)).toEqual(Array.from(m.trees[0]!.splitCondition));
      expect(Array.from(back.model.trees[0]!.parent)).toEqual([-1, 0, 0]);
    }
  });

  it('UBJSON encodes integers in the smallest marker and decodes what it encodes', () => {
    const bytes = encodeUbjson({ a: 5, b: 300, c: -70000, s: 'x', l: [1, 'y'], t: Float32Array.of(1.5) });
    expect(Buffer.from(bytes).subarray(0, 14).toString('latin1')).toBe('{L\0\0\0\0\0\0\0\x01ai\x05L');
    const back = decodeUbjson(bytes) as Record<string, unknown>;
    expect(back.a).toBe(5);
    expect(back.b).toBe(300);
    expect(back.c).toBe(-70000);
    expect(back.l).toEqual([1, 'y']);
    expect(Array.from(back.t as Float32Array)).toEqual([1.5]);
  });

  it('refuses gblinear and dart models plainly', () => {
    const doc = JSON.parse(
      new TextDecoder().decode(saveModel(model('reg:squarederror', [stump(0, 0, 0, 0, false)]), 'json')),
    );
    doc.learner.gradient_booster.name = 'gblinear';
    expect(() => loadModel(new TextEncoder().encode(JSON.stringify(doc)))).toThrow(
      /booster "gblinear" is not supported/,
    );
  });
});
