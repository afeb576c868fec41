/**
 * `--algorithm`: which built-in algorithm a command trains, deploys or invokes (src/algorithms/
 * registry.ts). The linear learner is the default. Each algorithm has its own model prefix and
 * default endpoint, so the commands of one never touch the other's models.
 */
import { Option } from 'commander';
import {
  ALGORITHM_NAMES,
  DEFAULT_ALGORITHM,
  algorithmSpec,
  type AlgorithmName,
  type AlgorithmSpec,
} from '../algorithms/registry.js';

export function algorithmOption(): Option {
  return new Option('--algorithm <name>', 'built-in algorithm (default: linear-learner)').choices(ALGORITHM_NAMES);
}

export interface AlgorithmTarget {
  algorithm: AlgorithmName;
  spec: AlgorithmSpec;
  /** Where this algorithm's training outputs and multi-model artifacts live. */
  modelPrefix: string;
  /** The endpoint unless --endpoint names another. */
  endpoint: string;
}

export function algorithmTarget(prefix: string, name: AlgorithmName | undefined, endpoint?: string): AlgorithmTarget {
  const algorithm = name ?? DEFAULT_ALGORITHM;
  const spec = algorithmSpec(algorithm);
  return { algorithm, spec, modelPrefix: spec.modelPrefix(prefix), endpoint: endpoint ?? spec.defaultEndpoint };
}

/** ` --algorithm NAME` for the next command a message suggests, or nothing for the default. */
export function algorithmFlag(name: AlgorithmName | undefined): string {
  return name && name !== DEFAULT_ALGORITHM ? ` --algorithm ${name}` : '';
}

/** The endpoints the commands default to, one per algorithm, for help texts: "mme-linear-learner, mme-xgboost with --algorithm xgboost, …". */
export function defaultEndpoints(): string {
  const [first, ...others] = ALGORITHM_NAMES.map((n) => [n, algorithmSpec(n).defaultEndpoint] as const);
  return [first![1], ...others.map(([n, e]) => `${e} with --algorithm ${n}`)].join(', ');
}
