/**
 * The base condition operators: how one request value compares with one policy value
 * (reference_policies_elements_condition_operators.html). Each test answers true, false, or null
 * when the pair cannot be compared (a number that is not a number, an unresolved policy
 * variable…); conditions.ts turns null into "no match" for positive and negated operators alike.
 */
import { cidrContains } from './ip.js';
import { arnConditionMatches, globMatches, tokenize, type VariableLookup } from './wildcard.js';

type ValueTest = (requestValue: string, policyValue: string, lookup: VariableLookup | undefined) => boolean | null;

export interface BaseOperator {
  /** Canonical name, e.g. StringNotLike. */
  readonly name: string;
  /**
   * Negated operators (StringNotEquals, NotIpAddress, ArnNotLike, …) match when the positive
   * test fails for every policy value ("If a single negated matching condition operator includes
   * multiple values for a context key, those values are evaluated using a logical NOR",
   * reference_policies_condition-logic-multiple-context-keys-or-values.html) and when the key is
   * absent (condition operators page, "Important" box).
   */
  readonly negated: boolean;
  /** The positive comparison, also for negated operators. */
  readonly test: ValueTest;
}

/** Expand variables in a policy value without wildcards (`${*}` stays a literal `*`). */
function literal(policyValue: string, lookup: VariableLookup | undefined): string | null {
  const tokens = tokenize(policyValue, { wildcards: false, lookup });
  if (!tokens) return null;
  return tokens.map((t) => (t.kind === 'text' ? t.text : '')).join('');
}

const stringEquals: ValueTest = (r, p, lookup) => {
  const value = literal(p, lookup);
  return value === null ? null : r === value;
};
const stringEqualsIgnoreCase: ValueTest = (r, p, lookup) => {
  const value = literal(p, lookup);
  return value === null ? null : r.toLowerCase() === value.toLowerCase();
};
// StringLike: "Case-sensitive match. The values can include multi-character match wildcards (*)
// and single-character match wildcards (?) anywhere in the string."
const stringLike: ValueTest = (r, p, lookup) => {
  if (lookup && p.includes('${') && tokenize(p, { wildcards: true, lookup }) === null) return null;
  return globMatches(p, r, { ignoreCase: false, lookup });
};

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
function parseNumber(text: string): number | null {
  return NUMBER.test(text.trim()) ? Number(text) : null;
}
function numeric(compare: (request: number, policy: number) => boolean): ValueTest {
  return (r, p) => {
    const request = parseNumber(r);
    const policy = parseNumber(p);
    return request === null || policy === null ? null : compare(request, policy);
  };
}

/**
 * Dates: "the W3C implementation of the ISO 8601 date format" or epoch (UNIX) time in seconds,
 * e.g. aws:EpochTime (Conditions_Date). Both forms compare on the same clock, so an epoch
 * request value can be tested against an ISO policy value and the other way round.
 */
function parseDate(text: string): number | null {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return null;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? null : ms;
}
function date(compare: (request: number, policy: number) => boolean): ValueTest {
  return (r, p) => {
    const request = parseDate(r);
    const policy = parseDate(p);
    return request === null || policy === null ? null : compare(request, policy);
  };
}

// Bool: both sides must be true/false (any case).
const bool: ValueTest = (r, p, lookup) => {
  const value = literal(p, lookup)?.toLowerCase();
  const request = r.toLowerCase();
  if ((value !== 'true' && value !== 'false') || (request !== 'true' && request !== 'false')) return null;
  return value === request;
};

// BinaryEquals compares base64 text: "the key value … compared to a base-64 encoded version of
// the binary value in the policy".
const binaryEquals: ValueTest = (r, p) => r === p;

const ip: ValueTest = (r, p) => cidrContains(p.trim(), r.trim());
const arn: ValueTest = (r, p, lookup) => arnConditionMatches(p, r, lookup);

const table: readonly BaseOperator[] = [
  { name: 'StringEquals', negated: false, test: stringEquals },
  { name: 'StringNotEquals', negated: true, test: stringEquals },
  { name: 'StringEqualsIgnoreCase', negated: false, test: stringEqualsIgnoreCase },
  { name: 'StringNotEqualsIgnoreCase', negated: true, test: stringEqualsIgnoreCase },
  { name: 'StringLike', negated: false, test: stringLike },
  { name: 'StringNotLike', negated: true, test: stringLike },
  { name: 'NumericEquals', negated: false, test: numeric((a, b) => a === b) },
  { name: 'NumericNotEquals', negated: true, test: numeric((a, b) => a === b) },
  { name: 'NumericLessThan', negated: false, test: numeric((a, b) => a < b) },
  { name: 'NumericLessThanEquals', negated: false, test: numeric((a, b) => a <= b) },
  { name: 'NumericGreaterThan', negated: false, test: numeric((a, b) => a > b) },
  { name: 'NumericGreaterThanEquals', negated: false, test: numeric((a, b) => a >= b) },
  { name: 'DateEquals', negated: false, test: date((a, b) => a === b) },
  { name: 'DateNotEquals', negated: true, test: date((a, b) => a === b) },
  { name: 'DateLessThan', negated: false, test: date((a, b) => a < b) },
  { name: 'DateLessThanEquals', negated: false, test: date((a, b) => a <= b) },
  { name: 'DateGreaterThan', negated: false, test: date((a, b) => a > b) },
  { name: 'DateGreaterThanEquals', negated: false, test: date((a, b) => a >= b) },
  { name: 'Bool', negated: false, test: bool },
  { name: 'BinaryEquals', negated: false, test: binaryEquals },
  { name: 'IpAddress', negated: false, test: ip },
  { name: 'NotIpAddress', negated: true, test: ip },
  { name: 'ArnEquals', negated: false, test: arn },
  { name: 'ArnLike', negated: false, test: arn },
  { name: 'ArnNotEquals', negated: true, test: arn },
  { name: 'ArnNotLike', negated: true, test: arn },
];

/**
 * Only string and ARN operators expand policy variables: "You can't use a policy variable with
 * other operators, such as Numeric, Date, Boolean, Binary, IP Address, or Null operators"
 * (reference_policies_variables.html, Condition element).
 */
const noVariables = ['numeric', 'date', 'bool', 'binaryequals', 'ipaddress', 'notipaddress'];

export const baseOperators: ReadonlyMap<string, BaseOperator> = new Map(table.map((op) => [op.name.toLowerCase(), op]));

export function acceptsVariables(op: BaseOperator): boolean {
  const name = op.name.toLowerCase();
  return !noVariables.some((prefix) => name.startsWith(prefix));
}
