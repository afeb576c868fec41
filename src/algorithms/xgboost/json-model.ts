/**
 * xgboost's JSON model (`save_model('m.json')`) and its UBJSON twin (`'m.ubj'`): one document
 * schema (dmlc/xgboost doc/model.schema, v1.7.4; docs/aws-behaviour.md#xgboost), two
 * encodings. Also the "Model" half of the memory snapshot that pickled boosters of xgboost
 * 1.4 and later carry.
 *
 * Readers accept what 1.x..3.x write: `default_left` as booleans (≤ 1.5) or 0/1 integers (1.6+),
 * base_score as "5E-1" or as the vector string "[5E-1]" (3.1+). Categorical splits and
 * vector leaves are refused (mme neither trains nor scores them).
 */
import { ArtifactError } from '../errors.js';
import { WRITER_VERSION, type Tree, type XGBoostModel } from './model.js';
import { canonicalObjective, isMulticlass } from './objectives.js';
import { decodeUbjson, encodeUbjson, Float32Number, type UbjInput, type UbjValue } from './ubjson.js';

type Doc = { [key: string]: unknown };

const isObject = (v: unknown): v is Doc =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

function field(obj: unknown, key: string, where: string): unknown {
  if (!isObject(obj) || !(key in obj)) throw new ArtifactError(`XGBoost model: missing "${key}" in ${where}`);
  return obj[key];
}

function numbers(v: unknown, where: string): ArrayLike<number> {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return v as unknown as ArrayLike<number>;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'boolean' ? (x ? 1 : 0) : Number(x)));
  throw new ArtifactError(`XGBoost model: ${where} is not an array`);
}

function intParam(obj: unknown, key: string, where: string, fallback?: number): number {
  if (fallback !== undefined && (!isObject(obj) || !(key in obj))) return fallback;
  const v = field(obj, key, where);
  const n = typeof v === 'number' ? v : Number.parseInt(String(v), 10);
  if (!Number.isFinite(n)) throw new ArtifactError(`XGBoost model: ${where}.${key} is not a number: ${String(v)}`);
  return n;
}

/** "5E-1", "[5E-1]" (xgboost ≥ 3.1 writes a vector) or a number → float32. */
function parseBaseScore(v: unknown): number {
  const s = String(v).trim().replace(/^\[/, '').replace(/\]$/, '');
  const first = s.split(',')[0]!;
  const n = Number(first);
  if (!Number.isFinite(n)) throw new ArtifactError(`XGBoost model: base_score is not a number: ${String(v)}`);
  return Math.fround(n);
}

function treeFromDoc(t: unknown, i: number): Tree {
  const where = `tree ${i}`;
  const left = Int32Array.from(numbers(field(t, 'left_children', where), `${where}.left_children`));
  const n = left.length;
  const get = (key: string) => numbers(field(t, key, where), `${where}.${key}`);
  const splitType = isObject(t) && 'split_type' in t ? numbers(t.split_type, `${where}.split_type`) : [];
  for (let k = 0; k < splitType.length; k++) {
    if (splitType[k] !== 0) throw new ArtifactError('XGBoost model: categorical splits are not supported');
  }
  const tp = field(t, 'tree_param', where);
  if (intParam(tp, 'size_leaf_vector', `${where}.tree_param`, 0) > 1)
    throw new ArtifactError('XGBoost model: vector leaves are not supported');
  const parents = Int32Array.from(get('parents'));
  // JSON stores the root's parent as 2147483647 (kInvalidNodeId with the left bit masked off).
  for (let k = 0; k < n; k++) if (parents[k] === 2147483647) parents[k] = -1;
  const tree: Tree = {
    left,
    right: Int32Array.from(get('right_children')),
    parent: parents,
    splitIndex: Uint32Array.from(get('split_indices')),
    splitCondition: Float32Array.from(get('split_conditions')),
    defaultLeft: Uint8Array.from(get('default_left'), (x) => (x ? 1 : 0)),
    baseWeight: Float32Array.from(get('base_weights')),
    lossChange: Float32Array.from(get('loss_changes')),
    sumHessian: Float32Array.from(get('sum_hessian')),
    numFeature: intParam(tp, 'num_feature', `${where}.tree_param`, 0),
  };
  for (const [name, arr] of Object.entries(tree)) {
    if (ArrayBuffer.isView(arr) && (arr as Int32Array).length !== n)
      throw new ArtifactError(
        `XGBoost model: ${where}.${name} has ${(arr as Int32Array).length} entries, expected ${n}`,
      );
  }
  return tree;
}

/** The parsed model document (the object under the top level, with "learner" and "version"). */
export function modelFromDocument(doc: unknown): XGBoostModel {
  const learner = field(doc, 'learner', 'the model');
  const booster = field(learner, 'gradient_booster', 'learner');
  const boosterName = String(field(booster, 'name', 'gradient_booster'));
  if (boosterName !== 'gbtree')
    throw new ArtifactError(`XGBoost model: booster "${boosterName}" is not supported (gbtree only)`);
  const gbtree = field(booster, 'model', 'gradient_booster');
  const objectiveDoc = field(learner, 'objective', 'learner');
  const objectiveName = String(field(objectiveDoc, 'name', 'objective'));
  const objective = canonicalObjective(objectiveName);
  if (!objective) throw new ArtifactError(`XGBoost model: objective "${objectiveName}" is not supported`);
  const objectiveParams: Record<string, string> = {};
  if (isObject(objectiveDoc)) {
    for (const v of Object.values(objectiveDoc)) {
      if (isObject(v)) for (const [pk, pv] of Object.entries(v)) objectiveParams[pk] = String(pv);
    }
  }
  const mp = field(learner, 'learner_model_param', 'learner');
  const treesDoc = field(gbtree, 'trees', 'gbtree model');
  if (!Array.isArray(treesDoc)) throw new ArtifactError('XGBoost model: trees is not an array');
  const trees = treesDoc.map(treeFromDoc);
  const gp = field(gbtree, 'gbtree_model_param', 'gbtree model');
  const treeInfo = Int32Array.from(numbers(field(gbtree, 'tree_info', 'gbtree model'), 'tree_info'));
  if (treeInfo.length !== trees.length)
    throw new ArtifactError(`XGBoost model: ${trees.length} trees but ${treeInfo.length} tree_info entries`);
  const attributes: Record<string, string> = {};
  const attrs = isObject(learner) ? learner.attributes : undefined;
  if (isObject(attrs)) for (const [k, v] of Object.entries(attrs)) attributes[k] = String(v);
  const version = isObject(doc) && 'version' in doc ? Array.from(numbers(doc.version, 'version')) : [1, 0, 0];
  const strings = (key: string) => {
    const v = isObject(learner) ? learner[key] : undefined;
    return Array.isArray(v) ? v.map(String) : [];
  };
  const numClass = intParam(mp, 'num_class', 'learner_model_param', 0);
  if (isMulticlass(objective) && numClass < 2)
    throw new ArtifactError(`XGBoost model: ${objective} needs num_class ≥ 2`);
  return {
    objective,
    numClass,
    numFeature: intParam(mp, 'num_feature', 'learner_model_param', 0),
    baseScore: parseBaseScore(field(mp, 'base_score', 'learner_model_param')),
    trees,
    treeInfo,
    numParallelTree: Math.max(1, intParam(gp, 'num_parallel_tree', 'gbtree_model_param', 1)),
    attributes,
    objectiveParams,
    featureNames: strings('feature_names'),
    featureTypes: strings('feature_types'),
    version: [version[0] ?? 1, version[1] ?? 0, version[2] ?? 0],
  };
}

/** xgboost's float spelling in parameter strings ("5E-1" style is not needed: any round-trip form loads). */
const floatString = (v: number) => String(Math.fround(v));

/** The objective's JSON config as xgboost's SaveConfig writes it. */
function objectiveDocument(model: XGBoostModel): Record<string, UbjInput> {
  const p = model.objectiveParams;
  switch (model.objective) {
    case 'reg:absoluteerror':
      return { name: model.objective };
    case 'count:poisson':
      return { name: model.objective, poisson_regression_param: { max_delta_step: p.max_delta_step ?? '0.699999988' } };
    case 'multi:softmax':
    case 'multi:softprob':
      return { name: model.objective, softmax_multiclass_param: { num_class: String(model.numClass) } };
    default:
      return { name: model.objective, reg_loss_param: { scale_pos_weight: p.scale_pos_weight ?? '1' } };
  }
}

/**
 * The document xgboost 1.7 would write for this model. With `typed`, arrays are typed arrays
 * (what UBJSON wants); otherwise plain arrays for JSON text.
 */
function modelToDocument(model: XGBoostModel, typed: boolean): UbjInput {
  const arr = <T extends Float32Array | Int32Array | Uint8Array>(a: T): UbjInput => (typed ? a : Array.from(a));
  const trees = model.trees.map((t, id): UbjInput => {
    const n = t.left.length;
    const parents = Int32Array.from(t.parent, (p) => (p < 0 ? 2147483647 : p));
    return {
      base_weights: arr(t.baseWeight),
      categories: arr(new Int32Array(0)),
      categories_nodes: arr(new Int32Array(0)),
      // xgboost reads these two as int64 typed arrays from UBJSON (RegTree::LoadCategoricalSplit).
      categories_segments: typed ? new BigInt64Array(0) : [],
      categories_sizes: typed ? new BigInt64Array(0) : [],
      default_left: arr(t.defaultLeft),
      id,
      left_children: arr(t.left),
      loss_changes: arr(t.lossChange),
      parents: arr(parents),
      right_children: arr(t.right),
      split_conditions: arr(t.splitCondition),
      split_indices: arr(Int32Array.from(t.splitIndex)),
      split_type: arr(new Uint8Array(n)),
      sum_hessian: arr(t.sumHessian),
      tree_param: { num_deleted: '0', num_feature: String(t.numFeature), num_nodes: String(n), size_leaf_vector: '0' },
    };
  });
  return {
    learner: {
      attributes: { ...model.attributes },
      feature_names: [...model.featureNames],
      feature_types: [...model.featureTypes],
      gradient_booster: {
        model: {
          gbtree_model_param: {
            num_parallel_tree: String(model.numParallelTree),
            num_trees: String(model.trees.length),
            size_leaf_vector: '0',
          },
          // A plain array even in UBJSON: GBTreeModel::LoadModel reads it with get<Array>.
          tree_info: Array.from(model.treeInfo),
          trees,
        },
        name: 'gbtree',
      },
      learner_model_param: {
        base_score: floatString(model.baseScore),
        boost_from_average: '1',
        num_class: String(model.numClass),
        num_feature: String(model.numFeature),
        num_target: '1',
      },
      objective: objectiveDocument(model),
    },
    version: [...WRITER_VERSION],
  };
}

/** Parse JSON text; xgboost may write NaN/Infinity in statistics, which JSON.parse refuses. */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(
      text.replace(/(?<=[[,:]\s*)(-?)(?:NaN|nan|Infinity|inf)(?=\s*[,\]}])/g, (_m, sign: string) =>
        sign ? '-1e999' : '1e999',
      ),
    );
  }
}

export function readJsonModel(bytes: Uint8Array): XGBoostModel {
  let doc: unknown;
  try {
    doc = parseJsonText(new TextDecoder('utf-8').decode(bytes));
  } catch (e) {
    throw new ArtifactError(`XGBoost model: not valid JSON (${(e as Error).message})`);
  }
  return modelFromDocument(doc);
}

export function readUbjsonModel(bytes: Uint8Array): XGBoostModel {
  let doc: UbjValue;
  try {
    doc = decodeUbjson(bytes);
  } catch (e) {
    throw new ArtifactError(`XGBoost model: not valid UBJSON (${(e as Error).message})`);
  }
  return modelFromDocument(doc);
}

/**
 * Shortest decimal that reads back as the same float32, always with a '.' or an exponent:
 * xgboost's JSON reader types `0` as Integer and refuses it where a Number is expected.
 */
function float32Text(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '1e999' : v < 0 ? '-1e999' : 'NaN';
  let s = String(v);
  for (let p = 1; p <= 9; p++) {
    const t = v.toPrecision(p);
    if (Math.fround(Number(t)) === v) {
      s = String(Number(t));
      break;
    }
  }
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function stringifyJson(v: UbjInput): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Float32Number) return float32Text(Math.fround(v.value));
  if (v instanceof Float32Array) return `[${Array.from(v, float32Text).join(',')}]`;
  if (ArrayBuffer.isView(v)) return `[${Array.from(v as Int32Array, String).join(',')}]`;
  if (Array.isArray(v)) return `[${v.map(stringifyJson).join(',')}]`;
  return `{${Object.entries(v)
    .map(([k, item]) => `${JSON.stringify(k)}:${stringifyJson(item)}`)
    .join(',')}}`;
}

export function writeJsonModel(model: XGBoostModel): Uint8Array {
  return new TextEncoder().encode(stringifyJson(modelToDocument(model, true)));
}

export function writeUbjsonModel(model: XGBoostModel): Uint8Array {
  return encodeUbjson(modelToDocument(model, true));
}
