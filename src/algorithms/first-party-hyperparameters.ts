/**
 * What every first-party SageMaker algorithm (k-NN, Random Cut Forest, linear learner, …) checks
 * before it reads a hyperparameter's value: no unknown names, every required name present. Their
 * framework validates with JSON schema and words the errors as linear-learner/hyperparameters.ts
 * describes; names starting with "_" are the framework's own (_kvstore, _num_gpus,
 * _tuning_objective_metric) and are accepted and ignored.
 */
import { hyperparameterValidationError } from './errors.js';
import { parseValue, quoteList } from './linear-learner/hyperparameters.js';
import type { Spec } from './linear-learner/hyperparameter-specs.js';

export type { Spec };
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
