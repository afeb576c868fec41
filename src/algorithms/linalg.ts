/**
 * Exact least squares, the yardstick the linear learner is tested against (and handy for
 * anyone who wants a closed-form baseline). Normal equations solved by Cholesky; a tiny ridge
 * (1e-12 of the diagonal's scale) keeps one-hot columns that sum to the bias solvable.
 */

/** Solve min ||X w + b - y||² ; X is row-major rows × dim. Returns weights and bias. */
export function leastSquares(
  features: Float64Array,
  labels: Float64Array,
  rows: number,
  dim: number,
): { weights: Float64Array; bias: number } {
  const p = dim + 1; // last column is the bias
  const a = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  const x = new Float64Array(p);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < dim; j++) x[j] = features[i * dim + j]!;
    x[dim] = 1;
    const y = labels[i]!;
    for (let j = 0; j < p; j++) {
      rhs[j] += x[j]! * y;
      for (let k = 0; k <= j; k++) a[j * p + k] += x[j]! * x[k]!;
    }
  }
  let trace = 0;
  for (let j = 0; j < p; j++) trace += a[j * p + j]!;
  const ridge = (1e-12 * trace) / p;
  for (let j = 0; j < p; j++) {
    a[j * p + j] += ridge;
    for (let k = j + 1; k < p; k++) a[j * p + k] = a[k * p + j]!;
  }
  const solution = choleskySolve(a, rhs, p);
  return { weights: solution.subarray(0, dim), bias: solution[dim]! };
}

/** Solve A z = b for symmetric positive definite A (row-major n × n). */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (s <= 0) throw new Error('choleskySolve: matrix is not positive definite');
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * z[k]!;
    z[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * z[k]!;
    z[i] = s / l[i * n + i]!;
  }
  return z;
}
