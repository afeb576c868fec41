/**
 * The objectives mme supports, as xgboost 1.7 defines them (src/objective/regression_obj.cu,
 * regression_loss.h, multiclass_obj.cu, src/common/math.h; docs/aws-behaviour.md#xgboost):
 *
 * - base_score → base margin (ProbToMargin): logit for the logistic family, log for Poisson,
 *   identity otherwise;
 * - margin → prediction (PredTransform): sigmoid, exp, softmax, argmax or identity;
 * - gradient and hessian for training.
 *
 * Transforms are computed in float32 the way the C++ code does (expf, 1/(1+e), softmax with
 * the maximum subtracted and a double sum), so scores agree with the library to the last bit or
 * so.
 */
export const OBJECTIVES = [
  'reg:squarederror',
  'reg:absoluteerror',
  'reg:logistic',
  'binary:logistic',
  'binary:logitraw',
  'count:poisson',
  'multi:softmax',
  'multi:softprob',
] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

/** Older spellings xgboost still accepts and maps (reg:linear is reg:squarederror since 1.0). */
const OBJECTIVE_ALIASES: Record<string, ObjectiveName> = { 'reg:linear': 'reg:squarederror' };

export function canonicalObjective(name: string): ObjectiveName | undefined {
  if ((OBJECTIVES as readonly string[]).includes(name)) return name as ObjectiveName;
  return OBJECTIVE_ALIASES[name];
}

const f = Math.fround;
const expf = (x: number) => f(Math.exp(f(x)));

export function isMulticlass(objective: ObjectiveName): boolean {
  return objective === 'multi:softmax' || objective === 'multi:softprob';
}

/** xgboost's default evaluation metric per objective (ObjFunction::DefaultEvalMetric). */
export function defaultMetric(objective: ObjectiveName): string {
  switch (objective) {
    case 'reg:squarederror':
    case 'reg:logistic':
      return 'rmse';
    case 'reg:absoluteerror':
      return 'mae';
    case 'binary:logistic':
    case 'binary:logitraw':
      return 'logloss';
    case 'count:poisson':
      return 'poisson-nloglik';
    case 'multi:softmax':
    case 'multi:softprob':
      return 'mlogloss';
  }
}

/** base_score (user space) → base margin, in float32 as ObjFunction::ProbToMargin. */
export function probToMargin(objective: ObjectiveName, baseScore: number): number {
  const b = f(baseScore);
  switch (objective) {
    case 'reg:logistic':
    case 'binary:logistic':
      return f(-Math.log(f(f(1 / b) - 1)));
    case 'count:poisson':
      return f(Math.log(b));
    default:
      return b;
  }
}

/** The inverse, used when a pre-1.0 binary model stored base_score already as a margin. */
export function marginToProb(objective: ObjectiveName, margin: number): number {
  switch (objective) {
    case 'reg:logistic':
    case 'binary:logistic':
      return sigmoid(margin);
    case 'count:poisson':
      return expf(margin);
    default:
      return f(margin);
  }
}

/** common::Sigmoid of xgboost 1.7: 1 / (expf(min(-x, 88.7)) + 1 + 1e-16), in float32. */
function sigmoid(x: number): number {
  const e = expf(Math.min(-f(x), f(88.7)));
  return f(1 / f(f(e + 1) + f(1e-16)));
}

/** Number of values per row that predict() returns. */
export function predictionWidth(objective: ObjectiveName, groups: number): number {
  return objective === 'multi:softprob' ? groups : 1;
}

/**
 * Margins (rows × groups, float32) → predictions, in place for one-per-row objectives.
 * multi:softmax gives the class id (as xgboost, a float); multi:softprob the probabilities.
 */
export function transform(objective: ObjectiveName, margins: Float32Array, groups: number): Float32Array {
  switch (objective) {
    case 'reg:logistic':
    case 'binary:logistic':
      for (let i = 0; i < margins.length; i++) margins[i] = sigmoid(margins[i]!);
      return margins;
    case 'count:poisson':
      for (let i = 0; i < margins.length; i++) margins[i] = expf(margins[i]!);
      return margins;
    case 'multi:softprob':
      for (let r = 0; r < margins.length; r += groups) softmaxInPlace(margins, r, groups);
      return margins;
    case 'multi:softmax': {
      const n = margins.length / groups;
      const out = new Float32Array(n);
      for (let r = 0; r < n; r++) {
        // xgboost's FindMaxIndex: the first maximum wins.
        let best = 0;
        for (let k = 1; k < groups; k++) if (margins[r * groups + k]! > margins[r * groups + best]!) best = k;
        out[r] = best;
      }
      return out;
    }
    default:
      return margins;
  }
}

/** common::Softmax: subtract the maximum, expf, divide by the (double) sum cast to float. */
function softmaxInPlace(v: Float32Array, start: number, n: number): void {
  let max = v[start]!;
  for (let k = 1; k < n; k++) max = Math.max(max, v[start + k]!);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const e = expf(f(v[start + k]! - max));
    v[start + k] = e;
    sum += e;
  }
  const s = f(sum);
  for (let k = 0; k < n; k++) v[start + k] = f(v[start + k]! / s);
}

export interface ObjectiveOptions {
  scalePosWeight: number;
  /** count:poisson's max_delta_step (xgboost's default 0.7), which stabilises its hessian. */
  maxDeltaStep: number;
}

/**
 * Gradient pairs for one round. `margins` is rows × groups; `grad`/`hess` likewise. Labels are
 * checked before training, so this is pure arithmetic (float32 as the library stores them).
 */
export function gradients(
  objective: ObjectiveName,
  margins: Float32Array,
  labels: Float32Array,
  weights: Float32Array | undefined,
  groups: number,
  options: ObjectiveOptions,
  grad: Float32Array,
  hess: Float32Array,
): void {
  const n = labels.length;
  switch (objective) {
    case 'reg:squarederror':
      for (let i = 0; i < n; i++) {
        const w = weights ? weights[i]! : 1;
        grad[i] = f((margins[i]! - labels[i]!) * w);
        hess[i] = w;
      }
      return;
    case 'reg:absoluteerror':
      for (let i = 0; i < n; i++) {
        const w = weights ? weights[i]! : 1;
        const d = margins[i]! - labels[i]!;
        grad[i] = (d > 0 ? 1 : d < 0 ? -1 : 0) * w;
        hess[i] = w;
      }
      return;
    case 'reg:logistic':
    case 'binary:logistic':
    case 'binary:logitraw':
      for (let i = 0; i < n; i++) {
        const y = labels[i]!;
        let w = weights ? weights[i]! : 1;
        if (y === 1) w *= options.scalePosWeight;
        const p = sigmoid(margins[i]!);
        grad[i] = f(f(p - y) * w);
        hess[i] = f(Math.max(f(p * f(1 - p)), 1e-16) * w);
      }
      return;
    case 'count:poisson':
      for (let i = 0; i < n; i++) {
        const w = weights ? weights[i]! : 1;
        const m = margins[i]!;
        grad[i] = f(f(expf(m) - labels[i]!) * w);
        hess[i] = f(expf(m + options.maxDeltaStep) * w);
      }
      return;
    case 'multi:softmax':
    case 'multi:softprob': {
      const p = new Float32Array(groups);
      for (let i = 0; i < n; i++) {
        const w = weights ? weights[i]! : 1;
        for (let k = 0; k < groups; k++) p[k] = margins[i * groups + k]!;
        softmaxInPlace(p, 0, groups);
        const y = labels[i]!;
        for (let k = 0; k < groups; k++) {
          const pk = p[k]!;
          grad[i * groups + k] = f((k === y ? pk - 1 : pk) * w);
          hess[i * groups + k] = f(Math.max(f(2 * pk * f(1 - pk)), 1e-16) * w);
        }
      }
      return;
    }
  }
}
