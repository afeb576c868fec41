/**
 * Numbers as the Python inside SageMaker's containers prints them, for the logs and answers mme
 * copies word for word (xgboost's per-round lines, the first-party `#test_score` lines, XGBoost's
 * CSV answers).
 */

/** Python's str() of a float: 2.0, 0.001, 1e-05, 1e+16, inf. */
export function pythonFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [m, e] = v.toExponential().split('e') as [string, string];
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const s = String(v);
  return Number.isInteger(v) ? `${s}.0` : s;
}
