/**
 * How every first-party SageMaker algorithm (linear learner, k-NN, Random Cut Forest, …) checks
 * its hyperparameters: no unknown names, every required name present, then each value against
 * its spec. Their shared framework validates with JSON schema and words the errors its way
 * ("The value 'x' is not valid for the 'k' hyperparameter which expects one of the following:
 * …"; errors.ts adds "(caused by ValidationError)"); names starting with "_" are the framework's
 * own (_kvstore, _num_gpus, _tuning_objective_metric) and are accepted and ignored.
 */
import { hyperparameterValidationError } from '../errors.js';

/**
 * How one hyperparameter is checked: its type, range, the words allowed besides numbers
 * ("auto", "balanced") and its default. `min`/`max` are inclusive, `exclusiveMin` is for
 * "positive" floats.
 */
export interface Spec {
  type: 'integer' | 'number' | 'enum' | 'boolean';
  min?: number;
  max?: number;
  exclusiveMin?: number;
  /** Non-numeric words accepted (auto, balanced); for booleans, words besides true/false. */
  words?: string[];
  values?: string[];
  default: number | string | boolean;
}

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function quoteList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

function describeNumber(spec: Spec): string {
  const article = spec.type === 'integer' ? 'an' : 'a';
  const kind = spec.type === 'integer' ? 'integer' : 'number';
  let text = `${article} ${kind}`;
  const min = spec.min ?? spec.exclusiveMin;
  if (min !== undefined && spec.max !== undefined) text += ` between ${min} and ${spec.max}`;
  else if (min !== undefined) text += ` greater than ${min}`;
  else if (spec.max !== undefined) text += ` less than ${spec.max}`;
  const words = spec.words ?? [];
  return words.length
    ? `${words.map((w) => `a string which matches the pattern '^${w}$'`).join('; or ')}; or ${text}`
    : text;
}

/** Parse one value against its spec; returns a number, a string (enum or word) or a boolean. */
export function parseValue(name: string, raw: string, spec: Spec): number | string | boolean {
  const value = raw.trim();
  if (spec.type === 'enum' || spec.type === 'boolean') {
    const allowed = spec.type === 'boolean' ? [...(spec.words ?? []), 'true', 'false'] : spec.values!;
    const hit = allowed.find((v) => v === (spec.type === 'boolean' ? value.toLowerCase() : value));
    if (hit === undefined) {
      throw hyperparameterValidationError(
        `The value '${raw}' is not valid for the '${name}' hyperparameter which accepts one of the following: ${quoteList(allowed)}`,
      );
    }
    if (spec.type === 'boolean' && (hit === 'true' || hit === 'false')) return hit === 'true';
    return hit;
  }
  if (spec.words?.includes(value)) return value;
  const ok = spec.type === 'integer' ? INTEGER.test(value) : FLOAT.test(value);
  const n = Number(value);
  const exclusiveMinOk = spec.exclusiveMin === undefined || n > spec.exclusiveMin;
  if (!ok || (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max) || !exclusiveMinOk) {
    throw hyperparameterValidationError(
      `The value '${raw}' is not valid for the '${name}' hyperparameter which expects one of the following: ${describeNumber(spec)}`,
    );
  }
  return n;
}

export type HyperparameterValue = number | string | boolean;

/**
 * Check names, then parse every spec'd value (defaults for absent ones). `required` names have
 * no default. Throws the job's FailureReason as an AlgorithmClientError.
 */
export function parseFirstPartyHyperparameters(
  input: Record<string, string>,
  specs: Record<string, Spec>,
  required: readonly string[],
): Record<string, HyperparameterValue | undefined> {
  const unknown = Object.keys(input).filter((k) => !(k in specs) && !k.startsWith('_'));
  if (unknown.length > 0) {
    throw hyperparameterValidationError(
      `Additional hyperparameters are not allowed (${quoteList(unknown)} ${unknown.length === 1 ? 'was' : 'were'} unexpected)`,
    );
  }
  const missing = required.filter((k) => input[k] === undefined);
  if (missing.length > 0) requiredError(missing);
  const values: Record<string, HyperparameterValue | undefined> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = input[name];
    values[name] =
      raw === undefined ? (spec.default === '' ? undefined : spec.default) : parseValue(name, String(raw), spec);
  }
  return values;
}

export function requiredError(names: readonly string[]): never {
  throw hyperparameterValidationError(
    `No value(s) were specified for ${quoteList(names)} which are required hyperparameter(s)`,
  );
}
