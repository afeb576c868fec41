/**
 * The RCF model artifact. SageMaker's `model_algo-1` for RCF is an undocumented binary of its
 * closed container (an MXNet-style parameter file), which nothing outside the container reads;
 * mme keeps the file name and defines the content (docs/aws-behaviour.md#random-cut-forest):
 *
 *   bytes 0–7   "MMERCF01"
 *   u32 LE      length H of the header
 *   H bytes     UTF-8 JSON header: {version, feature_dim, num_trees, num_samples_per_tree,
 *               score_mean, score_std, threshold}
 *   per tree    u32 points P, u32 nodes N, then float64 points[P·feature_dim], int32 left[N],
 *               int32 right[N], int32 cut_dim[N], float64 cut_value[N], int32 mass[N],
 *               int32 leaf_point[N]   (all little-endian, unaligned)
 *
 * Bounding boxes are recomputed at load. Points stay float64 so that a training point scores
 * as "seen" (equal to its leaf) after a round trip.
 */
import { ownBuffer } from '../bytes.js';
import { ArtifactError } from '../errors.js';
import type { RandomCutForest } from './forest.js';
import { withBoxes, type RandomCutTree } from './tree.js';

export const RCF_MODEL_FILE = 'model_algo-1';
const MAGIC = 'MMERCF01';

export interface RcfMetadata {
  version: 1;
  feature_dim: number;
  num_trees: number;
  num_samples_per_tree: number;
  /** Mean and standard deviation of the training data's scores; threshold = mean + 3σ. */
  score_mean: number;
  score_std: number;
  threshold: number;
}

export interface RcfModel {
  meta: RcfMetadata;
  forest: RandomCutForest;
}

type Column = 'f64' | 'i32';
const TREE_COLUMNS: Array<[keyof RandomCutTree, Column]> = [
  ['left', 'i32'],
  ['right', 'i32'],
  ['cutDim', 'i32'],
  ['cutValue', 'f64'],
  ['nodeMass', 'i32'],
  ['leafPoint', 'i32'],
];

export function writeRcfArtifact(model: RcfModel): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(model.meta));
  const parts: Uint8Array[] = [new TextEncoder().encode(MAGIC), u32(header.length), header];
  const bytesOf = (a: Float64Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (const tree of model.forest.trees) {
    parts.push(u32(tree.mass), u32(tree.left.length), bytesOf(tree.points));
    for (const [key] of TREE_COLUMNS) parts.push(bytesOf(tree[key] as Float64Array | Int32Array));
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

export function readRcfArtifact(bytes: Uint8Array): RcfModel {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new ArtifactError(`${RCF_MODEL_FILE} is truncated`);
  };
  need(12);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new ArtifactError(`${RCF_MODEL_FILE} is not an mme Random Cut Forest model`);
  }
  at = 8;
  const readU32 = () => {
    need(4);
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const headerLength = readU32();
  need(headerLength);
  let meta: RcfMetadata;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes.subarray(at, at + headerLength))) as RcfMetadata;
  } catch (err) {
    throw new ArtifactError(`${RCF_MODEL_FILE}: bad header: ${(err as Error).message}`);
  }
  at += headerLength;
  if (meta.version !== 1) throw new ArtifactError(`${RCF_MODEL_FILE}: unsupported version ${String(meta.version)}`);
  const dim = meta.feature_dim;
  const take = (kind: Column, count: number): Float64Array | Int32Array => {
    const size = (kind === 'f64' ? 8 : 4) * count;
    need(size);
    const copy = ownBuffer(bytes, at, at + size);
    at += size;
    return kind === 'f64' ? new Float64Array(copy) : new Int32Array(copy);
  };
  const trees: RandomCutTree[] = [];
  for (let t = 0; t < meta.num_trees; t++) {
    const mass = readU32();
    const nodes = readU32();
    const tree = { dim, mass, points: take('f64', mass * dim) } as Partial<RandomCutTree>;
    for (const [key, kind] of TREE_COLUMNS) (tree as Record<string, unknown>)[key] = take(kind, nodes);
    trees.push(withBoxes(tree as RandomCutTree));
  }
  if (at !== bytes.length) throw new ArtifactError(`${RCF_MODEL_FILE} has trailing bytes`);
  return { meta, forest: { featureDim: dim, trees } };
}
