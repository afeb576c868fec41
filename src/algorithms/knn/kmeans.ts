/**
 * Lloyd's k-means as faiss's `Clustering` runs it for the IVF coarse quantizer and for each
 * product-quantizer sub-space (docs/aws-behaviour.md#k-nn): centroids start at distinct random
 * training points, 25 iterations, at most 256 training points per centroid (faiss's
 * `max_points_per_centroid`; more are subsampled), and an empty cluster takes over half of the
 * largest one (faiss splits the biggest cluster the same way). Squared L2 throughout.
 */
import type { Random } from '../random.js';

const NITER = 25;
const MAX_POINTS_PER_CENTROID = 256;

/** `k` centroids (row-major, k × dim) of the `n` rows of `x`. Requires k ≤ n. */
export function kmeans(x: Float32Array, n: number, dim: number, k: number, random: Random): Float32Array {
  let rows = Array.from({ length: n }, (_, i) => i);
  const cap = k * MAX_POINTS_PER_CENTROID;
  if (n > cap) {
    for (let i = 0; i < cap; i++) {
      const j = i + random.int(n - i);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    rows = rows.slice(0, cap);
  }
  const m = rows.length;
  const centroids = new Float32Array(k * dim);
  const perm = rows.slice();
  for (let c = 0; c < k; c++) {
    const j = c + random.int(m - c);
    [perm[c], perm[j]] = [perm[j]!, perm[c]!];
    centroids.set(x.subarray(perm[c]! * dim, perm[c]! * dim + dim), c * dim);
  }
  const assign = new Int32Array(m);
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  for (let iter = 0; iter < NITER; iter++) {
    for (let r = 0; r < m; r++) assign[r] = nearestCentroid(x, rows[r]! * dim, centroids, k, dim);
    sums.fill(0);
    counts.fill(0);
    for (let r = 0; r < m; r++) {
      const c = assign[r]!;
      counts[c]!++;
      const off = rows[r]! * dim;
      for (let j = 0; j < dim; j++) sums[c * dim + j]! += x[off + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let j = 0; j < dim; j++) centroids[c * dim + j] = sums[c * dim + j]! / counts[c]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] !== 0) continue;
      let big = 0;
      for (let b = 1; b < k; b++) if (counts[b]! > counts[big]!) big = b;
      // Split the largest cluster: both centroids move a little apart around its centre.
      for (let j = 0; j < dim; j++) {
        const v = centroids[big * dim + j]!;
        const eps = (Math.abs(v) + 1e-6) * 1e-3 * (random.next() < 0.5 ? -1 : 1);
        centroids[c * dim + j] = v + eps;
        centroids[big * dim + j] = v - eps;
      }
      counts[c] = Math.floor(counts[big]! / 2);
      counts[big] = counts[big]! - counts[c]!;
    }
  }
  return centroids;
}

export function nearestCentroid(
  x: ArrayLike<number>,
  off: number,
  centroids: Float32Array,
  k: number,
  dim: number,
): number {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < k; c++) {
    let d = 0;
    const co = c * dim;
    for (let j = 0; j < dim; j++) {
      const t = x[off + j]! - centroids[co + j]!;
      d += t * t;
    }
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
