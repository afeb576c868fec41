/**
 * Policies by name, for configuration ("cache policy: lru") and for the replay table.
 *
 * ARC (Megiddo and Modha 2003) is deliberately absent: its ghost lists and adaptive target are
 * counted in equal-size pages, and there is no standard byte-weighted form to be faithful to;
 * a home-made variant would be a new algorithm with ARC's name.
 */
import { ExitCode, MmeError } from '../../errors.js';
import { GdsfPolicy } from './gdsf.js';
import { LfuPolicy } from './lfu.js';
import { FifoPolicy, LruPolicy } from './lru.js';
import type { EvictionPolicy } from './policy.js';
import { SievePolicy } from './sieve.js';

/** 'lru' first: it is the default, SageMaker's documented order. */
export const POLICY_NAMES = ['lru', 'gdsf', 'sieve', 'lfu', 'fifo'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
const DEFAULT_POLICY: PolicyName = 'lru';

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

/** A fresh, empty policy. Throws an MmeError (exit code "usage") for an unknown name. */
export function createPolicy<K = string>(name: PolicyName | string = DEFAULT_POLICY): EvictionPolicy<K> {
  switch (name) {
    case 'lru':
      return new LruPolicy<K>();
    case 'gdsf':
      return new GdsfPolicy<K>();
    case 'sieve':
      return new SievePolicy<K>();
    case 'lfu':
      return new LfuPolicy<K>();
    case 'fifo':
      return new FifoPolicy<K>();
    default:
      throw new MmeError('InvalidCachePolicy', `Unknown cache eviction policy '${name}'`, {
        exitCode: ExitCode.Usage,
        hint: `Use one of: ${POLICY_NAMES.join(', ')}.`,
      });
  }
}
