/**
 * StandardScaler's statistics computed the way scikit-learn computes them, so that a model
 * fitted here transforms bit-for-bit (or within a few ulps) like the scikit-learn container.
 *
 * scikit-learn (>= 0.24, `sklearn.utils.extmath._incremental_mean_and_var`) does not use the
 * textbook formula: on a first fit it computes
 *     mean  = sum(x) / n
 *     temp  = x - mean
 *     var   = (sum(temp**2) - sum(temp)**2 / n) / n         (ddof 0)
 * the "corrected two-pass algorithm" of Chan, Golub and LeVeque. Every sum is numpy's, which for
 * a contiguous column is pairwise summation (numpy/core/src/umath/loops_utils.h.src,
 * `pairwise_sum`): 8 partial sums below 128 elements, recursive halving above.
 * The scale is sqrt(var), replaced by 1 where the feature is constant: `_is_constant_feature`
 * treats var <= n*eps*var + (n*mean*eps)**2 as zero, so rounding noise on a constant column
 * does not blow values up.
 */

const PW_BLOCKSIZE = 128;

/** numpy's pairwise sum of a[offset .. offset+n). */
export function pairwiseSum(a: ArrayLike<number>, offset = 0, n = a.length - offset): number {
  if (n < 8) {
    // numpy starts from -0.0 so that an all -0.0 column sums to -0.0; no visible difference here.
    let res = -0.0;
    for (let i = 0; i < n; i++) res += a[offset + i]!;
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    let r0 = a[offset]!,
      r1 = a[offset + 1]!,
      r2 = a[offset + 2]!,
      r3 = a[offset + 3]!;
    let r4 = a[offset + 4]!,
      r5 = a[offset + 5]!,
      r6 = a[offset + 6]!,
      r7 = a[offset + 7]!;
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const o = offset + i;
      r0 += a[o]!;
      r1 += a[o + 1]!;
      r2 += a[o + 2]!;
      r3 += a[o + 3]!;
      r4 += a[o + 4]!;
      r5 += a[o + 5]!;
      r6 += a[o + 6]!;
      r7 += a[o + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[offset + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, offset, n2) + pairwiseSum(a, offset + n2, n - n2);
}

export interface ScalerStats {
  mean: number;
  /** Population variance (ddof 0). */
  var: number;
  /** sqrt(var), or 1 for a constant feature. */
  scale: number;
}

export function standardScalerStats(column: Float64Array): ScalerStats {
  const n = column.length;
  if (n === 0) return { mean: NaN, var: NaN, scale: 1 };
  const mean = pairwiseSum(column) / n;
  const temp = new Float64Array(n);
  for (let i = 0; i < n; i++) temp[i] = column[i]! - mean;
  const correction = pairwiseSum(temp);
  for (let i = 0; i < n; i++) temp[i] = temp[i]! * temp[i]!;
  const variance = (pairwiseSum(temp) - (correction * correction) / n) / n;
  const eps = Number.EPSILON;
  const upperBound = n * eps * variance + (n * mean * eps) ** 2;
  const constant = variance <= upperBound;
  return { mean, var: variance, scale: constant ? 1 : Math.sqrt(variance) };
}
