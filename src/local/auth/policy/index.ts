/**
 * The IAM policy evaluator of the local cloud: pure functions over plain values (no fs, http or
 * SDK), run on every request. See document.ts (parse/validate), evaluate.ts (decisions),
 * conditions.ts + operators.ts (Condition element), wildcard.ts (globs, ARNs, variables).
 */
export type * from './types.js';
export { MalformedPolicyError, parsePolicyDocument, validatePolicyDocument, type PolicyKind } from './document.js';
export { evaluate, evaluateTrust } from './evaluate.js';
export { buildGlobalContext, RequestContext } from './context.js';
export { formatAccessDenied } from './messages.js';
export { actionMatches, resourceMatches, arnConditionMatches, globMatches } from './wildcard.js';
export { conditionsMatch, parseOperator } from './conditions.js';
