/**
 * One regression tree grown depth-wise with the histogram method, as xgboost's
 * `grow_quantile_histmaker` does (src/tree/updater_quantile_hist.cc, hist/evaluate_splits.h,
 * split_evaluator.h, param.h; docs/aws-behaviour.md#xgboost):
 *
 * - per node, a histogram of gradient and hessian sums per bin per feature; only the smaller
 *   child's histogram is built, the larger one is parent − smaller (the subtraction trick);
 * - per feature, a forward scan (missing values go right) and, when the node has missing values
 *   in that feature, a backward scan (missing go left): the better one sets the learned default
 *   direction;
 * - gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ), with L1 (`alpha`) soft-thresholding of G and
 *   `max_delta_step` clipping of weights; a split needs both children's hessian ≥
 *   min_child_weight, a gain above 1e-6 and not below `gamma` (min_split_loss), and depth
 *   below max_depth;
 * - leaf value = eta × −G/(H+λ) (thresholded, clipped), stored as float32.
 *
 * Synchronous and allocation-light (typed arrays, pooled histograms) so it can run in a worker.
 */
import type { Tree } from './model.js';
import type { BinnedMatrix } from './quantile.js';

export interface TreeParams {
  eta: number;
  maxDepth: number;
  minChildWeight: number;
  lambda: number;
  alpha: number;
  gamma: number;
  maxDeltaStep: number;
}

const RT_EPS = 1e-6;

const thresholdL1 = (g: number, alpha: number) => (g > alpha ? g - alpha : g < -alpha ? g + alpha : 0);

function calcWeight(p: TreeParams, g: number, h: number): number {
  if (h < p.minChildWeight || h <= 0) return 0;
  let w = -thresholdL1(g, p.alpha) / (h + p.lambda);
  if (p.maxDeltaStep !== 0 && Math.abs(w) > p.maxDeltaStep) w = Math.sign(w) * p.maxDeltaStep;
  return w;
}

function calcGain(p: TreeParams, g: number, h: number): number {
  if (h < p.minChildWeight || h <= 0) return 0;
  if (p.maxDeltaStep === 0) {
    const t = thresholdL1(g, p.alpha);
    return (t * t) / (h + p.lambda);
  }
  const w = calcWeight(p, g, h);
  const ret = -(2 * g * w + (h + p.lambda) * w * w);
  return p.alpha === 0 ? ret : ret + p.alpha * Math.abs(w);
}

export interface GrownTree {
  tree: Tree;
  /** Row ids partitioned by node: the rows of leaf n are rowIndex[leafBegin[n] .. leafEnd[n]). */
  rowIndex: Uint32Array;
  leafBegin: Int32Array;
  leafEnd: Int32Array;
}

/** Reusable buffers for one training: histograms and the partition scratch space. */
export class HistogramPool {
  private free: Float64Array[] = [];
  constructor(readonly size: number) {}
  take(): Float64Array {
    const h = this.free.pop();
    if (h) {
      h.fill(0);
      return h;
    }
    return new Float64Array(this.size);
  }
  give(h: Float64Array): void {
    this.free.push(h);
  }
}

interface NodeState {
  id: number;
  begin: number;
  end: number;
  g: number;
  h: number;
  depth: number;
  hist: Float64Array;
}

interface Split {
  gain: number;
  feature: number;
  /** last bin that goes left */
  bin: number;
  defaultLeft: boolean;
  gl: number;
  hl: number;
}

/** Adds the rows' (g, h) to their bins. `gh` interleaves gradient and hessian per row. */
function buildHistogram(
  hist: Float64Array,
  m: BinnedMatrix,
  features: Int32Array,
  rowIndex: Uint32Array,
  begin: number,
  end: number,
  gh: Float64Array,
): void {
  const { bins, cols } = m;
  const nf = features.length;
  if (nf === cols) {
    for (let k = begin; k < end; k++) {
      const r = rowIndex[k]!;
      const g = gh[r << 1]!;
      const h = gh[(r << 1) + 1]!;
      const base = r * cols;
      for (let f = 0; f < cols; f++) {
        const i = bins[base + f]! << 1;
        hist[i] += g;
        hist[i + 1] += h;
      }
    }
    return;
  }
  for (let k = begin; k < end; k++) {
    const r = rowIndex[k]!;
    const g = gh[r << 1]!;
    const h = gh[(r << 1) + 1]!;
    const base = r * cols;
    for (let j = 0; j < nf; j++) {
      const i = bins[base + features[j]!]! << 1;
      hist[i] += g;
      hist[i + 1] += h;
    }
  }
}

function bestSplit(p: TreeParams, m: BinnedMatrix, features: Int32Array, node: NodeState): Split | undefined {
  const ptr = m.cuts.cutPtr;
  const hist = node.hist;
  const { g: G, h: H } = node;
  const parentGain = calcGain(p, G, H);
  const mcw = p.minChildWeight;
  const lambda = p.lambda;
  // Without L1 and weight clipping the gain is G²/(H+λ); calcGain covers the general case.
  const simple = p.alpha === 0 && p.maxDeltaStep === 0 && mcw > 0;
  const gainOf = (g: number, h: number) => (simple ? (g * g) / (h + lambda) : calcGain(p, g, h));
  let best: Split | undefined;
  for (let j = 0; j < features.length; j++) {
    const f = features[j]!;
    const lo = ptr[f]!;
    const hi = ptr[f + 1]!;
    if (hi - lo < 2) continue;
    // forward: missing values go right
    let gl = 0;
    let hl = 0;
    for (let b = lo; b < hi - 1; b++) {
      gl += hist[b << 1]!;
      hl += hist[(b << 1) + 1]!;
      if (hl < mcw) continue;
      const hr = H - hl;
      if (hr < mcw) break;
      const gain = gainOf(gl, hl) + gainOf(G - gl, hr) - parentGain;
      if (!best || gain > best.gain) best = { gain, feature: f, bin: b - lo, defaultLeft: false, gl, hl };
    }
    // the feature's last bin completes the non-missing sums
    gl += hist[(hi - 1) << 1]!;
    hl += hist[((hi - 1) << 1) + 1]!;
    if (Math.abs(H - hl) <= 1e-6 * Math.max(1, H) && Math.abs(G - gl) <= 1e-6 * Math.max(1, Math.abs(G))) continue;
    // backward: missing values go left
    let gr = 0;
    let hr = 0;
    for (let b = hi - 1; b > lo; b--) {
      gr += hist[b << 1]!;
      hr += hist[(b << 1) + 1]!;
      if (hr < mcw) continue;
      const hlb = H - hr;
      if (hlb < mcw) break;
      const gain = gainOf(G - gr, hlb) + gainOf(gr, hr) - parentGain;
      if (!best || gain > best.gain)
        best = { gain, feature: f, bin: b - 1 - lo, defaultLeft: true, gl: G - gr, hl: hlb };
    }
  }
  return best;
}

/** Grow one tree on `rows` (ids into the matrix) and `features`; `gh` = (g, h) per row, interleaved. */
export function growTree(
  m: BinnedMatrix,
  gh: Float64Array,
  rows: Uint32Array,
  features: Int32Array,
  p: TreeParams,
  pool: HistogramPool,
): GrownTree {
  const rowIndex = Uint32Array.from(rows);
  const scratch = new Uint32Array(rows.length);
  const left: number[] = [-1];
  const right: number[] = [-1];
  const parent: number[] = [-1];
  const splitIndex: number[] = [0];
  const splitCond: number[] = [0];
  const defaultLeft: number[] = [0];
  const baseWeight: number[] = [0];
  const lossChg: number[] = [0];
  const sumHess: number[] = [0];
  const begins: number[] = [0];
  const ends: number[] = [rows.length];

  let G = 0;
  let H = 0;
  for (let k = 0; k < rowIndex.length; k++) {
    G += gh[rowIndex[k]! << 1]!;
    H += gh[(rowIndex[k]! << 1) + 1]!;
  }
  const rootHist = pool.take();
  buildHistogram(rootHist, m, features, rowIndex, 0, rowIndex.length, gh);
  let level: NodeState[] = [{ id: 0, begin: 0, end: rowIndex.length, g: G, h: H, depth: 0, hist: rootHist }];
  const setLeaf = (n: NodeState) => {
    const w = calcWeight(p, n.g, n.h);
    baseWeight[n.id] = w;
    sumHess[n.id] = n.h;
    splitCond[n.id] = Math.fround(w * p.eta);
  };
  const cutValues = m.cuts.values;
  const ptr = m.cuts.cutPtr;
  const { columns, rows: nRows, cols, missing } = m;
  while (level.length > 0) {
    const next: NodeState[] = [];
    for (const node of level) {
      const split = p.maxDepth > 0 && node.depth >= p.maxDepth ? undefined : bestSplit(p, m, features, node);
      const hr = split ? node.h - split.hl : 0;
      if (!split || split.gain <= RT_EPS || split.gain < p.gamma || split.hl <= 0 || hr <= 0) {
        setLeaf(node);
        pool.give(node.hist);
        continue;
      }
      // partition the node's rows: left = bin <= split.bin, or missing with default left
      const f = split.feature;
      const column = f * nRows;
      const last = ptr[f]! + split.bin;
      const missingLeft = split.defaultLeft;
      let nl = 0;
      let nr = 0;
      for (let k = node.begin; k < node.end; k++) {
        const r = rowIndex[k]!;
        const b = columns[column + r]!;
        if (b === missing ? missingLeft : b <= last) rowIndex[node.begin + nl++] = r;
        else scratch[nr++] = r;
      }
      rowIndex.set(scratch.subarray(0, nr), node.begin + nl);
      const id = node.id;
      const l = left.length;
      const rgt = l + 1;
      left[id] = l;
      right[id] = rgt;
      splitIndex[id] = f;
      splitCond[id] = cutValues[ptr[f]! + split.bin]!;
      defaultLeft[id] = split.defaultLeft ? 1 : 0;
      lossChg[id] = split.gain;
      sumHess[id] = node.h;
      baseWeight[id] = calcWeight(p, node.g, node.h);
      for (const child of [l, rgt]) {
        left.push(-1);
        right.push(-1);
        parent.push(id);
        splitIndex.push(0);
        splitCond.push(0);
        defaultLeft.push(0);
        baseWeight.push(0);
        lossChg.push(0);
        sumHess.push(0);
        begins.push(child === l ? node.begin : node.begin + nl);
        ends.push(child === l ? node.begin + nl : node.end);
      }
      const leftNode: NodeState = {
        id: l,
        begin: node.begin,
        end: node.begin + nl,
        g: split.gl,
        h: split.hl,
        depth: node.depth + 1,
        hist: node.hist,
      };
      const rightNode: NodeState = {
        id: rgt,
        begin: node.begin + nl,
        end: node.end,
        g: node.g - split.gl,
        h: hr,
        depth: node.depth + 1,
        hist: node.hist,
      };
      const canSplitChildren = p.maxDepth === 0 || node.depth + 1 < p.maxDepth;
      if (canSplitChildren) {
        // build the smaller child's histogram; the larger one is the parent's minus it
        const small = nl <= nr ? leftNode : rightNode;
        const large = small === leftNode ? rightNode : leftNode;
        const hs = pool.take();
        buildHistogram(hs, m, features, rowIndex, small.begin, small.end, gh);
        const parentHist = node.hist;
        for (let i = 0; i < parentHist.length; i++) parentHist[i] = parentHist[i]! - hs[i]!;
        small.hist = hs;
        large.hist = parentHist;
        next.push(leftNode, rightNode);
      } else {
        pool.give(node.hist);
        setLeaf(leftNode);
        setLeaf(rightNode);
      }
    }
    level = next;
  }
  // Partitioning is in place and a node's rows stay inside its range, so the ranges recorded
  // when nodes were created are the leaves' rows.
  const n = left.length;
  const leafBegin = new Int32Array(n).fill(-1);
  const leafEnd = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (left[i]! === -1) {
      leafBegin[i] = begins[i]!;
      leafEnd[i] = ends[i]!;
    }
  }
  const tree: Tree = {
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    parent: Int32Array.from(parent),
    splitIndex: Uint32Array.from(splitIndex),
    splitCondition: Float32Array.from(splitCond),
    defaultLeft: Uint8Array.from(defaultLeft),
    baseWeight: Float32Array.from(baseWeight),
    lossChange: Float32Array.from(lossChg),
    sumHessian: Float32Array.from(sumHess),
    numFeature: cols,
  };
  return { tree, rowIndex, leafBegin, leafEnd };
}
