/**
 * The Condition element: operators with their `…IfExists` forms, the `ForAnyValue:` /
 * `ForAllValues:` set operators and `Null`, evaluated against a request context.
 * reference_policies_elements_condition_operators.html and
 * reference_policies_condition-single-vs-multi-valued-context-keys.html are the rules cited.
 */
import type { RequestContext } from './context.js';
import { acceptsVariables, baseOperators, type BaseOperator } from './operators.js';
import type { ConditionBlock } from './types.js';
import type { VariableLookup } from './wildcard.js';

type SetOperator = 'ForAnyValue' | 'ForAllValues';

export interface ParsedOperator {
  readonly set?: SetOperator;
  /** undefined for Null, which only tests presence. */
  readonly base?: BaseOperator;
  readonly isNull: boolean;
  readonly ifExists: boolean;
}

const parsed = new Map<string, ParsedOperator | null>();

/** `ForAllValues:StringLikeIfExists` → parts; null for an operator IAM does not know. */
export function parseOperator(operator: string): ParsedOperator | null {
  const hit = parsed.get(operator);
  if (hit !== undefined) return hit;
  let rest = operator;
  let set: SetOperator | undefined;
  const colon = rest.indexOf(':');
  if (colon !== -1) {
    const prefix = rest.slice(0, colon).toLowerCase();
    set = prefix === 'foranyvalue' ? 'ForAnyValue' : prefix === 'forallvalues' ? 'ForAllValues' : undefined;
    if (!set) return remember(operator, null);
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (/ifexists$/i.test(rest)) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  // Null has no IfExists form: it is itself the presence test.
  if (rest.toLowerCase() === 'null') return remember(operator, ifExists ? null : { set, isNull: true, ifExists });
  const base = baseOperators.get(rest.toLowerCase());
  return remember(operator, base ? { set, base, isNull: false, ifExists } : null);
}

function remember(operator: string, result: ParsedOperator | null): ParsedOperator | null {
  parsed.set(operator, result);
  return result;
}

/**
 * One request value against the policy values of one key: positive operators OR the values,
 * negated ones NOR them. A pair that cannot be compared (null) never counts as a match, so a
 * malformed value makes neither StringLike nor StringNotLike true.
 */
function valueMatches(
  base: BaseOperator,
  requestValue: string,
  policyValues: readonly string[],
  lookup: VariableLookup | undefined,
): boolean {
  if (base.negated) return policyValues.every((p) => base.test(requestValue, p, lookup) === false);
  return policyValues.some((p) => base.test(requestValue, p, lookup) === true);
}

/** Does one key of one operator hold for this request? */
function keyMatches(
  op: ParsedOperator,
  key: string,
  policyValues: readonly string[],
  context: RequestContext,
  variables: boolean,
): boolean {
  const value = context.get(key);
  if (op.isNull) {
    // Null: true means "the key is absent", false "the key is present"; the values are ORed.
    const absent = value === undefined;
    return policyValues.some((p) => p.toLowerCase() === String(absent));
  }
  const base = op.base!;
  const lookup = variables && acceptsVariables(base) ? context.variable : undefined;
  if (op.set) {
    const values = value === undefined ? undefined : typeof value === 'string' ? [value] : value;
    if (op.set === 'ForAllValues') {
      // "ForAllValues … also returns true if there are no context keys in the request or if the
      // context key value resolves to a null data set, such as an empty string."
      return values === undefined || values.every((v) => valueMatches(base, v, policyValues, lookup));
    }
    // ForAnyValue: "If the key … is not present … the condition returns false". IfExists does
    // not change that: the set operator looks at the values, and there are none.
    return values !== undefined && values.some((v) => valueMatches(base, v, policyValues, lookup));
  }
  if (value === undefined) {
    // "If the key that you specify in a policy condition is not present in the request context,
    // the values do not match and the condition is false. If the policy condition requires that
    // the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not
    // present, the condition is true." …IfExists: "If the policy key is present … process the
    // key as specified in the policy. If the key is not present, evaluate the condition element
    // as true."
    return op.ifExists || base.negated;
  }
  // A multivalued key with a single-valued operator: IAM says multivalued keys "require a
  // condition set operator" and does not define the result; we treat the condition as not
  // satisfied, as @cloud-copilot/iam-simulate does, so such a statement neither allows nor denies.
  if (typeof value !== 'string') return false;
  return valueMatches(base, value, policyValues, lookup);
}

/**
 * A whole Condition block: "If your policy has multiple condition operators or multiple keys
 * attached to a single condition operator, the conditions are evaluated using a logical AND"
 * (reference_policies_condition-logic-multiple-context-keys-or-values.html).
 * `variables` is false for Version 2008-10-17 documents, where `${…}` is literal text.
 * An operator IAM does not know never matches (the validator rejects such documents first).
 */
export function conditionsMatch(
  block: ConditionBlock | undefined,
  context: RequestContext,
  variables: boolean,
): boolean {
  if (!block) return true;
  for (const [operator, keys] of Object.entries(block)) {
    const op = parseOperator(operator);
    if (!op) return false;
    for (const [key, values] of Object.entries(keys)) {
      if (!keyMatches(op, key, values, context, variables)) return false;
    }
  }
  return true;
}
