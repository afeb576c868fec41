/**
 * Parse and validate a policy document (reference_policies_grammar.html), for the three places
 * the local cloud stores one: identity policies (CreatePolicy, PutRolePolicy), role trust
 * policies (CreateRole's AssumeRolePolicyDocument) and resource policies.
 *
 * Error messages are IAM's MalformedPolicyDocument messages as users report them where we could
 * find them ("Syntax errors in policy.", "Policy document should not specify a principal.",
 * "Has prohibited field Resource", "Missing required field Principal", "Policy statement must
 * contain actions.", "Policy statement must contain resources.", "The policy failed legacy
 * parsing" for a bad Effect, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb,
 * ec2, etc.", "Actions/Condition can contain only one colon.", `Invalid principal in policy:
 * "AWS":"…"`, `Resource … must be in ARN format or "*".`). Where we found none (an unknown
 * Version or operator) the generic "Syntax errors in policy." stands in.
 */
import { ServiceError } from '../../service-error.js';
import { parseOperator } from './conditions.js';
import type { ConditionBlock, Effect, PolicyDocument, PolicyStatement, PolicyVersion, PrincipalSpec } from './types.js';

export type PolicyKind = 'identity' | 'trust' | 'resource';

export class MalformedPolicyError extends ServiceError {
  constructor(message: string) {
    super('MalformedPolicyDocument', message, 400);
  }
}

export type PolicyValidation =
  | { readonly ok: true; readonly document: PolicyDocument; readonly errors: readonly [] }
  | { readonly ok: false; readonly errors: readonly MalformedPolicyError[] };

const SYNTAX = 'Syntax errors in policy.';
const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
]);
const PRINCIPAL_KINDS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const AWS_PRINCIPAL =
  /^(\*|\d{12}|arn:aws[\w-]*:(iam::\d{12}:(root|user\/.+|role\/.+|federated-user\/.+)|sts::\d{12}:(assumed-role\/[^/]+\/.+|federated-user\/.+)))$/;

/** Thrown-on-first-error form of validatePolicyDocument, for callers that just need the document. */
export function parsePolicyDocument(input: string | object, kind: PolicyKind = 'identity'): PolicyDocument {
  const result = validatePolicyDocument(input, kind);
  if (!result.ok) throw result.errors[0]!;
  return result.document;
}

/** Validate a document (JSON text or an already-parsed object); all errors, IAM's first first. */
export function validatePolicyDocument(input: string | object, kind: PolicyKind = 'identity'): PolicyValidation {
  const errors: string[] = [];
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch {
      return fail([SYNTAX]);
    }
  }
  if (!isObject(json)) return fail([SYNTAX]);
  if (Object.keys(json).some((k) => k !== 'Version' && k !== 'Id' && k !== 'Statement')) errors.push(SYNTAX);
  // "If you do not include a Version element, the value defaults to 2008-10-17"
  // (reference_policies_elements_version.html).
  const version = json.Version ?? '2008-10-17';
  if (version !== '2012-10-17' && version !== '2008-10-17') errors.push(SYNTAX);
  if (json.Id !== undefined && typeof json.Id !== 'string') errors.push(SYNTAX);
  const rawStatements = json.Statement;
  if (rawStatements === undefined) return fail([...errors, 'Missing required field Statement']);
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  if (list.length === 0) errors.push(SYNTAX);
  const statements: PolicyStatement[] = [];
  for (const raw of list) {
    const statement = parseStatement(raw, kind, errors);
    if (statement) statements.push(statement);
  }
  if (errors.length > 0) return fail(errors);
  const document: PolicyDocument = {
    version: version as PolicyVersion,
    ...(typeof json.Id === 'string' ? { id: json.Id } : {}),
    statements,
  };
  return { ok: true, document, errors: [] };
}

function fail(messages: string[]): PolicyValidation {
  return { ok: false, errors: messages.map((m) => new MalformedPolicyError(m)) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string or a non-empty array of strings; undefined if absent; null if malformed. */
function stringList(value: unknown): string[] | undefined | null {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.every((v) => typeof v === 'string') ? (list as string[]) : null;
}

function parseStatement(raw: unknown, kind: PolicyKind, errors: string[]): PolicyStatement | undefined {
  if (!isObject(raw)) {
    errors.push(SYNTAX);
    return undefined;
  }
  if (Object.keys(raw).some((k) => !STATEMENT_FIELDS.has(k))) errors.push(SYNTAX);
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string') errors.push(SYNTAX);
  // Effect is case-sensitive; "allow" is refused with the legacy-parsing message (terraform#10057).
  if (raw.Effect === undefined) errors.push('Missing required field Effect');
  else if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') errors.push('The policy failed legacy parsing');

  const action = stringList(raw.Action);
  const notAction = stringList(raw.NotAction);
  if (action === null || notAction === null || (action && notAction)) errors.push(SYNTAX);
  else if (!(action ?? notAction)?.length) errors.push('Policy statement must contain actions.');
  for (const a of [...(action ?? []), ...(notAction ?? [])]) checkAction(a, errors);

  const resource = stringList(raw.Resource);
  const notResource = stringList(raw.NotResource);
  if (kind === 'trust') {
    // A role trust policy names who may assume the role, never what: the role is the resource.
    if (raw.Resource !== undefined) errors.push('Has prohibited field Resource');
    if (raw.NotResource !== undefined) errors.push('Has prohibited field NotResource');
  } else if (resource === null || notResource === null || (resource && notResource)) {
    errors.push(SYNTAX);
  } else if (!(resource ?? notResource)?.length) {
    errors.push('Policy statement must contain resources.');
  } else {
    for (const r of resource ?? notResource ?? []) {
      if (r !== '*' && !r.startsWith('arn:') && !r.startsWith('${'))
        errors.push(`Resource ${r} must be in ARN format or "*".`);
    }
  }

  const principal = parsePrincipal(raw.Principal, errors);
  const notPrincipal = parsePrincipal(raw.NotPrincipal, errors);
  if (kind === 'identity' && (raw.Principal !== undefined || raw.NotPrincipal !== undefined)) {
    errors.push('Policy document should not specify a principal.');
  } else if (kind !== 'identity' && raw.Principal === undefined && raw.NotPrincipal === undefined) {
    errors.push('Missing required field Principal');
  }

  const condition = parseCondition(raw.Condition, errors);
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') return undefined;
  const effect: Effect = raw.Effect;
  return {
    effect,
    ...(typeof raw.Sid === 'string' ? { sid: raw.Sid } : {}),
    ...(action ? { action } : {}),
    ...(notAction ? { notAction } : {}),
    ...(resource ? { resource } : {}),
    ...(notResource ? { notResource } : {}),
    ...(principal ? { principal } : {}),
    ...(notPrincipal ? { notPrincipal } : {}),
    ...(condition ? { condition } : {}),
  };
}

/** `*` or `vendor:action` with one colon and no wildcard in the vendor. */
function checkAction(action: string, errors: string[]): void {
  if (action === '*') return;
  const parts = action.split(':');
  if (parts.length < 2) errors.push('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  else if (parts.length > 2) errors.push('Actions/Condition can contain only one colon.');
  else if (/[*?]/.test(parts[0]!)) errors.push('Action vendors (e.g., aws, ec2, etc.) must not contain wildcards');
}

function parsePrincipal(raw: unknown, errors: string[]): PrincipalSpec | undefined {
  if (raw === undefined) return undefined;
  if (raw === '*') return '*';
  if (!isObject(raw)) {
    errors.push(SYNTAX);
    return undefined;
  }
  const spec: Record<string, string[]> = {};
  for (const [kind, value] of Object.entries(raw)) {
    const list = stringList(value);
    if (!PRINCIPAL_KINDS.has(kind) || !list) {
      errors.push(`Invalid principal in policy: ${JSON.stringify(kind)}:${JSON.stringify(value)}`);
      continue;
    }
    for (const p of list) {
      if (kind === 'AWS' && !AWS_PRINCIPAL.test(p))
        errors.push(`Invalid principal in policy: "AWS":${JSON.stringify(p)}`);
    }
    spec[kind] = list;
  }
  return spec;
}

function parseCondition(raw: unknown, errors: string[]): ConditionBlock | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) {
    errors.push(SYNTAX);
    return undefined;
  }
  const block: Record<string, Record<string, string[]>> = {};
  for (const [operator, keys] of Object.entries(raw)) {
    if (!parseOperator(operator) || !isObject(keys)) {
      errors.push(SYNTAX);
      continue;
    }
    const parsedKeys: Record<string, string[]> = {};
    for (const [key, value] of Object.entries(keys)) {
      // Condition keys are vendor-prefixed like actions (aws:SourceIp, sagemaker:TargetModel).
      if (!key.includes(':')) errors.push('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
      // JSON numbers and booleans are allowed ("aws:SecureTransport": false); IAM compares text.
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
        errors.push(SYNTAX);
        continue;
      }
      parsedKeys[key] = list.map(String);
    }
    block[operator] = parsedKeys;
  }
  return block;
}
