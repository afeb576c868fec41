/**
 * The pickle reader is safe: it understands the few opcodes a pickled Booster uses and refuses
 * any other global, so a hostile file cannot make it run anything. No python needed: the
 * pickles are written byte by byte here.
 */
import { describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../../src/algorithms/xgboost/load.js';
import type { XGBoostModel } from '../../../src/algorithms/xgboost/model.js';
import { unpickle } from '../../../src/algorithms/xgboost/pickle.js';

const model: XGBoostModel = {
  objective: 'reg:squarederror',
  numClass: 0,
  numFeature: 1,
  baseScore: 0.5,
  trees: [
    {
      left: Int32Array.of(1, -1, -1),
      right: Int32Array.of(2, -1, -1),
      parent: Int32Array.of(-1, 0, 0),
      splitIndex: Uint32Array.of(0, 0, 0),
      splitCondition: Float32Array.of(1, -1, 1),
      defaultLeft: Uint8Array.of(1, 0, 0),
      baseWeight: new Float32Array(3),
      lossChange: new Float32Array(3),
      sumHessian: new Float32Array(3),
      numFeature: 1,
    },
  ],
  treeInfo: Int32Array.of(0),
  numParallelTree: 1,
  attributes: { best_ntree_limit: '1' },
  objectiveParams: {},
  featureNames: [],
  featureTypes: [],
  version: [1, 7, 4],
};

const ascii = (s: string) => Array.from(Buffer.from(s, 'latin1'));
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

/** Protocol 3, as pickle.dump(booster) writes it: Booster(), state {"handle": bytearray(payload)}. */
function protocol3(payload: Uint8Array, global = 'xgboost.core\nBooster\n'): Uint8Array {
  return Uint8Array.from([
    0x80,
    3,
    ...ascii(`c${global}`),
    0x71,
    0,
    0x29,
    0x81,
    0x71,
    1,
    0x7d,
    0x71,
    2,
    0x28,
    0x58,
    ...u32(6),
    ...ascii('handle'),
    ...ascii('cbuiltins\nbytearray\n'),
    0x42,
    ...u32(payload.length),
    ...payload,
    0x85,
    0x52,
    0x58,
    ...u32(13),
    ...ascii('feature_names'),
    0x5d,
    0x58,
    ...u32(2),
    ...ascii('f0'),
    0x61,
    0x75,
    0x62,
    0x2e,
  ]);
}

describe('pickled Booster reader', () => {
  it('reads a protocol-3 Booster whose handle is the binary model', () => {
    const loaded = loadModel(protocol3(saveModel(model, 'binary')));
    expect(loaded.format).toBe('pickle');
    expect(loaded.picklePayload).toBe('binary');
    expect(loaded.model.featureNames).toEqual(['f0']);
    // No best_ntree_limit in the pickled state: the container would score every round.
    expect(loaded.model.attributes.best_ntree_limit).toBeUndefined();
    expect(Array.from(loaded.model.trees[0]!.splitCondition)).toEqual([1, -1, 1]);
  });

  it('refuses any other global instead of calling it', () => {
    const evil = protocol3(saveModel(model, 'binary'), 'os\nsystem\n');
    expect(() => loadModel(evil)).toThrow(/refuses to load the global os\.system/);
    const reduce = Uint8Array.from([
      0x80,
      4,
      0x8c,
      5,
      ...ascii('posix'),
      0x8c,
      6,
      ...ascii('system'),
      0x93,
      0x8c,
      2,
      ...ascii('id'),
      0x85,
      0x52,
      0x2e,
    ]);
    expect(() => unpickle(reduce)).toThrow(/refuses to load the global posix\.system/);
  });

  it('refuses unknown opcodes and truncated input', () => {
    expect(() => unpickle(Uint8Array.from([0x80, 3, 0x69]))).toThrow(/unsupported opcode 0x69/);
    const good = protocol3(saveModel(model, 'binary'));
    expect(() => loadModel(good.subarray(0, good.length - 40))).toThrow();
  });
});
