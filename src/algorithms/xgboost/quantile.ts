/**
 * Histogram cuts per feature, and the binned copy of the training matrix, as xgboost's `hist`
 * method prepares them (src/common/hist_util.cc, quantile.cc: HistogramCuts, AddCutPoint;
 * docs/aws-behaviour.md#xgboost):
 *
 * - at most `max_bin` bins per feature, from quantiles of the feature's (weighted) values; when a
 *   feature has no more distinct values than that, one bin per value;
 * - the cut values are bin UPPER bounds: a value falls in the first bin whose cut is greater than
 *   it, so a split after bin i is the threshold cut[i] and "x < cut[i]" goes left, the very test
 *   the predictor applies to raw values (the last cut is max + |max| + 1e-5, past every value);
 * - missing values get no bin (a spare slot past the last one).
 *
 * Exact quantiles of the sorted column are used where xgboost uses its mergeable sketch; the
 * cuts differ slightly, the method does not.
 */
export interface HistogramCuts {
  /** cutPtr[f] .. cutPtr[f+1] indexes feature f's cuts in `values` (= its bins). */
  readonly cutPtr: Uint32Array;
  readonly values: Float32Array;
  readonly totalBins: number;
}

export interface BinnedMatrix {
  readonly rows: number;
  readonly cols: number;
  /**
   * rows × cols GLOBAL bin index (cutPtr[f] + bin), row-major for histogram building; a
   * missing value has index `totalBins`, a spare slot histograms carry and splits ignore, so the
   * hot loop needs no branch.
   */
  readonly bins: Uint16Array | Uint32Array;
  /** The same, column-major (cols × rows), for partitioning rows on one feature. */
  readonly columns: Uint16Array | Uint32Array;
  readonly cuts: HistogramCuts;
  /** = cuts.totalBins: the index standing for "missing". */
  readonly missing: number;
}

export function sketchCuts(
  values: Float32Array,
  rows: number,
  cols: number,
  maxBin: number,
  weights?: Float32Array,
): HistogramCuts {
  const perFeature: Float32Array[] = [];
  const column = new Float32Array(rows);
  const colWeights = weights ? new Float32Array(rows) : undefined;
  for (let f = 0; f < cols; f++) {
    let n = 0;
    for (let r = 0; r < rows; r++) {
      const v = values[r * cols + f]!;
      if (v === v) {
        if (colWeights) colWeights[n] = weights![r]!;
        column[n++] = v;
      }
    }
    perFeature.push(featureCuts(column.subarray(0, n), colWeights?.subarray(0, n), maxBin));
  }
  const cutPtr = new Uint32Array(cols + 1);
  for (let f = 0; f < cols; f++) cutPtr[f + 1] = cutPtr[f]! + perFeature[f]!.length;
  const all = new Float32Array(cutPtr[cols]!);
  perFeature.forEach((c, f) => all.set(c, cutPtr[f]!));
  return { cutPtr, values: all, totalBins: all.length };
}

function featureCuts(column: Float32Array, weights: Float32Array | undefined, maxBin: number): Float32Array {
  const n = column.length;
  if (n === 0) return new Float32Array(0);
  let sorted: Float32Array;
  let sortedW: Float64Array | undefined;
  if (weights) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => column[a]! - column[b]!);
    sorted = Float32Array.from(order, (i) => column[i]!);
    sortedW = Float64Array.from(order, (i) => weights[i]!);
  } else {
    sorted = Float32Array.from(column).sort();
  }
  // distinct values, with their weight (or count)
  const distinct: number[] = [];
  const mass: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    const w = sortedW ? sortedW[i]! : 1;
    if (distinct.length > 0 && distinct[distinct.length - 1] === v) mass[mass.length - 1]! += w;
    else {
      distinct.push(v);
      mass.push(w);
    }
  }
  const max = distinct[distinct.length - 1]!;
  const sentinel = Math.fround(max + (Math.abs(max) + 1e-5));
  let summary: number[];
  if (distinct.length <= maxBin) {
    summary = distinct;
  } else {
    // max_bin summary points at evenly spaced ranks of the weighted distribution, min and max included.
    const total = mass.reduce((a, b) => a + b, 0);
    summary = [distinct[0]!];
    let acc = 0;
    let k = 0;
    for (let j = 1; j < maxBin - 1; j++) {
      const target = (j * total) / (maxBin - 1);
      while (k < distinct.length - 1 && acc + mass[k]! < target) acc += mass[k++]!;
      const v = distinct[k]!;
      if (v > summary[summary.length - 1]!) summary.push(v);
    }
    if (max > summary[summary.length - 1]!) summary.push(max);
  }
  // AddCutPoint: cuts are the summary values after the first, then the sentinel.
  const cuts = new Float32Array(summary.length);
  for (let i = 1; i < summary.length; i++) cuts[i - 1] = summary[i]!;
  cuts[summary.length - 1] = sentinel;
  return cuts;
}

/** Bin of value v among cuts[lo, hi): the first cut greater than v (upper bound), clamped. */
function searchBin(cuts: Float32Array, lo: number, hi: number, v: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (cuts[m]! <= v) a = m + 1;
    else b = m;
  }
  return Math.min(a, hi - 1) - lo;
}

export function binMatrix(values: Float32Array, rows: number, cols: number, cuts: HistogramCuts): BinnedMatrix {
  const missing = cuts.totalBins;
  const small = missing < 0xffff;
  const bins = small ? new Uint16Array(rows * cols) : new Uint32Array(rows * cols);
  const columns = small ? new Uint16Array(rows * cols) : new Uint32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < cols; f++) {
      const v = values[r * cols + f]!;
      const lo = cuts.cutPtr[f]!;
      const hi = cuts.cutPtr[f + 1]!;
      const b = v === v && hi > lo ? lo + searchBin(cuts.values, lo, hi, v) : missing;
      bins[r * cols + f] = b;
      columns[f * rows + r] = b;
    }
  }
  return { rows, cols, bins, columns, cuts, missing };
}
