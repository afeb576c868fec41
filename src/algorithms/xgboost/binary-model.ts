/**
 * xgboost's binary model format: what 1.7's `save_model` writes for a file name without a
 * `.json`/`.ubj` extension, hence the `xgboost-model` inside every artifact of the SageMaker
 * 1.3-1 … 1.7-1 containers, and the payload of 0.90 … 1.3 pickles
 * (docs/aws-behaviour.md#xgboost). Layout, little-endian (src/learner.cc, gbtree_model.cc,
 * tree_model.cc at v1.7.4):
 *
 *   ["binf"]                 written since 1.1; absent in 0.90 / 1.0 files
 *   LearnerModelParamLegacy  136 B: f32 base_score, u32 num_feature, i32 num_class,
 *                            i32 contain_extra_attrs, i32 contain_eval_metrics, u32 major,
 *                            u32 minor, u32 num_target, i32 boost_from_average, i32[25]
 *   string objective, string booster   (u64 length + bytes)
 *   GBTreeModelParam         160 B: i32 num_trees, i32 num_parallel_tree, i32, i32, i64,
 *                            i32 num_output_group, i32 size_leaf_vector, i32[32]
 *   per tree: TreeParam 148 B (i32 num_roots, num_nodes, num_deleted, max_depth,
 *             u32 num_feature, i32 size_leaf_vector, i32[31]), then num_nodes × Node 20 B
 *             (i32 parent | bit 31 = is left child, i32 left, i32 right,
 *             u32 feature | bit 31 = default left, f32 split or leaf), then num_nodes ×
 *             stats 16 B (f32 loss_chg, f32 sum_hess, f32 base_weight, i32 leaf_child_cnt)
 *   i32 tree_info[num_trees]
 *   if contain_extra_attrs: u64 n, n × (string, string): the attributes, plus "objective"
 *   (the objective's JSON config) since 1.0.
 *
 * Before 1.0 (major_version 0) base_score was stored as a margin: it is turned back into
 * base_score as xgboost does on load (PredTransform, except for multi:*).
 */
import { ArtifactError } from '../errors.js';
import { WRITER_VERSION, type Tree, type XGBoostModel } from './model.js';
import { canonicalObjective, isMulticlass, marginToProb } from './objectives.js';

const LEARNER_PARAM_BYTES = 136;
const GBTREE_PARAM_BYTES = 160;
const TREE_PARAM_BYTES = 148;
const NODE_BYTES = 20;
const STAT_BYTES = 16;

class Reader {
  pos = 0;
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) throw new ArtifactError(`XGBoost binary model: truncated in ${what}`);
  }
  u64(what: string): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(this.bytes.length)) throw new ArtifactError(`XGBoost binary model: implausible length in ${what}`);
    return Number(v);
  }
  string(what: string): string {
    const n = this.u64(what);
    this.need(n, what);
    const s = new TextDecoder('utf-8').decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
}

export function readBinaryModel(bytes: Uint8Array): XGBoostModel {
  const r = new Reader(bytes);
  if (bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === 'binf') r.pos = 4;
  r.need(LEARNER_PARAM_BYTES, 'the learner parameters');
  const v = r.view;
  const p = r.pos;
  const storedBaseScore = v.getFloat32(p, true);
  const numFeature = v.getUint32(p + 4, true);
  const numClass = v.getInt32(p + 8, true);
  const containExtraAttrs = v.getInt32(p + 12, true);
  const major = v.getUint32(p + 20, true);
  const minor = v.getUint32(p + 24, true);
  r.pos += LEARNER_PARAM_BYTES;
  const objectiveName = r.string('the objective name');
  const booster = r.string('the booster name');
  if (booster !== 'gbtree')
    throw new ArtifactError(`XGBoost model: booster "${booster}" is not supported (gbtree only)`);
  const objective = canonicalObjective(objectiveName);
  if (!objective) throw new ArtifactError(`XGBoost model: objective "${objectiveName}" is not supported`);

  r.need(GBTREE_PARAM_BYTES, 'the gbtree parameters');
  const numTrees = v.getInt32(r.pos, true);
  const numParallelTree = v.getInt32(r.pos + 4, true);
  if (v.getInt32(r.pos + 28, true) > 1) throw new ArtifactError('XGBoost model: vector leaves are not supported');
  r.pos += GBTREE_PARAM_BYTES;
  if (numTrees < 0 || numTrees * (TREE_PARAM_BYTES + NODE_BYTES + STAT_BYTES) > bytes.length)
    throw new ArtifactError('XGBoost binary model: implausible tree count');

  const trees: Tree[] = [];
  for (let t = 0; t < numTrees; t++) {
    r.need(TREE_PARAM_BYTES, `tree ${t}`);
    const n = v.getInt32(r.pos + 4, true);
    const treeFeatures = v.getUint32(r.pos + 16, true);
    r.pos += TREE_PARAM_BYTES;
    if (n <= 0) throw new ArtifactError(`XGBoost binary model: tree ${t} has no nodes`);
    r.need(n * (NODE_BYTES + STAT_BYTES), `tree ${t}`);
    const tree: Tree = {
      left: new Int32Array(n),
      right: new Int32Array(n),
      parent: new Int32Array(n),
      splitIndex: new Uint32Array(n),
      splitCondition: new Float32Array(n),
      defaultLeft: new Uint8Array(n),
      baseWeight: new Float32Array(n),
      lossChange: new Float32Array(n),
      sumHessian: new Float32Array(n),
      numFeature: treeFeatures,
    };
    for (let i = 0; i < n; i++) {
      const o = r.pos + i * NODE_BYTES;
      const parent = v.getInt32(o, true);
      tree.parent[i] = parent === -1 ? -1 : parent & 0x7fffffff;
      tree.left[i] = v.getInt32(o + 4, true);
      tree.right[i] = v.getInt32(o + 8, true);
      const sindex = v.getUint32(o + 12, true);
      tree.splitIndex[i] = sindex & 0x7fffffff;
      tree.defaultLeft[i] = sindex >>> 31;
      tree.splitCondition[i] = v.getFloat32(o + 16, true);
    }
    r.pos += n * NODE_BYTES;
    for (let i = 0; i < n; i++) {
      const o = r.pos + i * STAT_BYTES;
      tree.lossChange[i] = v.getFloat32(o, true);
      tree.sumHessian[i] = v.getFloat32(o + 4, true);
      tree.baseWeight[i] = v.getFloat32(o + 8, true);
    }
    r.pos += n * STAT_BYTES;
    for (let i = 0; i < n; i++) {
      const l = tree.left[i]!;
      if (l !== -1 && (l <= 0 || l >= n || tree.right[i]! <= 0 || tree.right[i]! >= n))
        throw new ArtifactError(`XGBoost binary model: tree ${t} node ${i} has a child out of range`);
    }
    trees.push(tree);
  }
  const treeInfo = new Int32Array(numTrees);
  if (numTrees > 0) {
    r.need(4 * numTrees, 'tree_info');
    for (let t = 0; t < numTrees; t++) treeInfo[t] = v.getInt32(r.pos + 4 * t, true);
    r.pos += 4 * numTrees;
  }
  const attributes: Record<string, string> = {};
  const objectiveParams: Record<string, string> = {};
  if (containExtraAttrs !== 0 && r.pos < bytes.length) {
    const count = r.u64('the attributes');
    for (let i = 0; i < count; i++) {
      const key = r.string('an attribute name');
      attributes[key] = r.string(`attribute ${key}`);
    }
  }
  if (attributes.objective !== undefined) {
    try {
      const config = JSON.parse(attributes.objective) as Record<string, unknown>;
      for (const value of Object.values(config)) {
        if (value && typeof value === 'object')
          for (const [k, pv] of Object.entries(value)) objectiveParams[k] = String(pv);
      }
    } catch {
      throw new ArtifactError('XGBoost binary model: the objective attribute is not JSON');
    }
    delete attributes.objective;
  }
  if (attributes.count_poisson_max_delta_step !== undefined) {
    objectiveParams.max_delta_step = attributes.count_poisson_max_delta_step;
    delete attributes.count_poisson_max_delta_step;
  }
  delete attributes.metrics;
  if (isMulticlass(objective) && numClass < 2)
    throw new ArtifactError(`XGBoost model: ${objective} needs num_class ≥ 2`);
  const baseScore = major < 1 && !isMulticlass(objective) ? marginToProb(objective, storedBaseScore) : storedBaseScore;
  return {
    objective,
    numClass,
    numFeature,
    baseScore,
    trees,
    treeInfo,
    numParallelTree: Math.max(1, numParallelTree),
    attributes,
    objectiveParams,
    featureNames: [],
    featureTypes: [],
    version: [major, minor, 0],
  };
}

class Writer {
  private chunks: Uint8Array[] = [];
  size = 0;
  raw(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }
  block(n: number, fill: (v: DataView) => void): void {
    const b = new Uint8Array(n);
    fill(new DataView(b.buffer));
    this.raw(b);
  }
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.block(8, (v) => v.setBigUint64(0, BigInt(b.length), true));
    this.raw(b);
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/** The objective's JSON config, as 1.7's SaveModel stores it in the "objective" attribute. */
function objectiveConfig(model: XGBoostModel): string {
  const p = model.objectiveParams;
  switch (model.objective) {
    case 'reg:absoluteerror':
      return JSON.stringify({ name: model.objective });
    case 'count:poisson':
      return JSON.stringify({
        name: model.objective,
        poisson_regression_param: { max_delta_step: p.max_delta_step ?? '0.699999988' },
      });
    case 'multi:softmax':
    case 'multi:softprob':
      return JSON.stringify({ name: model.objective, softmax_multiclass_param: { num_class: String(model.numClass) } });
    default:
      return JSON.stringify({ name: model.objective, reg_loss_param: { scale_pos_weight: p.scale_pos_weight ?? '1' } });
  }
}

/** The model as xgboost 1.7's binary SaveModel writes it (with "binf" and attributes). */
export function writeBinaryModel(model: XGBoostModel): Uint8Array {
  const w = new Writer();
  w.raw(new TextEncoder().encode('binf'));
  w.block(LEARNER_PARAM_BYTES, (v) => {
    v.setFloat32(0, model.baseScore, true);
    v.setUint32(4, model.numFeature, true);
    v.setInt32(8, model.numClass, true);
    v.setInt32(12, 1, true); // contain_extra_attrs
    v.setInt32(16, 0, true); // contain_eval_metrics
    v.setUint32(20, WRITER_VERSION[0], true);
    v.setUint32(24, WRITER_VERSION[1], true);
    v.setUint32(28, 1, true); // num_target
    v.setInt32(32, 1, true); // boost_from_average
  });
  w.string(model.objective);
  w.string('gbtree');
  w.block(GBTREE_PARAM_BYTES, (v) => {
    v.setInt32(0, model.trees.length, true);
    v.setInt32(4, model.numParallelTree, true);
  });
  for (const t of model.trees) {
    const n = t.left.length;
    w.block(TREE_PARAM_BYTES, (v) => {
      v.setInt32(0, 1, true); // num_roots
      v.setInt32(4, n, true);
      v.setUint32(16, t.numFeature, true);
    });
    w.block(n * NODE_BYTES, (v) => {
      for (let i = 0; i < n; i++) {
        const o = i * NODE_BYTES;
        const p = t.parent[i]!;
        const isLeft = p >= 0 && t.left[p] === i;
        v.setInt32(o, p < 0 ? -1 : isLeft ? p | 0x80000000 : p, true);
        v.setInt32(o + 4, t.left[i]!, true);
        v.setInt32(o + 8, t.right[i]!, true);
        v.setUint32(o + 12, ((t.splitIndex[i]! & 0x7fffffff) | (t.defaultLeft[i] ? 0x80000000 : 0)) >>> 0, true);
        v.setFloat32(o + 16, t.splitCondition[i]!, true);
      }
    });
    w.block(n * STAT_BYTES, (v) => {
      for (let i = 0; i < n; i++) {
        const o = i * STAT_BYTES;
        v.setFloat32(o, t.lossChange[i]!, true);
        v.setFloat32(o + 4, t.sumHessian[i]!, true);
        v.setFloat32(o + 8, t.baseWeight[i]!, true);
      }
    });
  }
  w.block(4 * model.trees.length, (v) => model.treeInfo.forEach((g, i) => v.setInt32(4 * i, g, true)));
  // Attributes in key order, as SaveModel copies them out of a std::map.
  const attrs: Record<string, string> = { ...model.attributes, objective: objectiveConfig(model) };
  const keys = Object.keys(attrs).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  w.block(8, (v) => v.setBigUint64(0, BigInt(keys.length), true));
  for (const k of keys) {
    w.string(k);
    w.string(attrs[k]!);
  }
  return w.bytes();
}
