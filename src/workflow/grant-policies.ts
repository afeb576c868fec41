/**
 * `mme grant`, the pure part (docs/aws-behaviour.md#scoped-access): which TargetModel prefixes a role may invoke, the
 * role's name, its trust policy and its permissions policy. Plain values in, plain values out.
 *
 * The permission is the reference notebook's: sagemaker:InvokeEndpoint on ONE endpoint's ARN,
 * with `"StringLike": {"sagemaker:TargetModel": ["NewYork_NY/*"]}`. TargetModel is the model's
 * path relative to the endpoint's multi-model prefix (`NewYork_NY/NewYork_NY.tar.gz`), so a
 * prefix grants every model stored under it, including ones added later with `mme add-model`.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { PlannedRequest } from './dry-run.js';

/** What the reference notebook sets; also IAM's default and the floor of MaxSessionDuration. */
export const MAX_SESSION_DURATION = 3600;

export const GRANT_TAG_KEYS = {
  /** The prefixes, space-separated: also how `--remove` and `teardown` know the role is mme's. */
  grant: 'mme:grant',
  endpoint: 'mme:endpoint',
} as const;

const ROLE_NAME_PREFIX = 'mme-invoke-';
/** IAM: role names are 1-64 characters of [\w+=,.@-]. */
export const MAX_ROLE_NAME_LENGTH = 64;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** IAM tag values: at most 256 characters. */
const MAX_TAG_VALUE = 256;

// ── prefixes ─────────────────────────────────────────────────────────────────────────────

/**
 * Why a `--prefix` is refused, or undefined. Model keys in the examples are letters, digits,
 * `_-.` and `/`; anything else (notably `*` and `?`, which StringLike would treat as wildcards)
 * would grant more than the user wrote, so it is refused rather than escaped.
 */
export function grantPrefixProblem(value: string): string | undefined {
  if (value === '' || value === '/') return 'is empty';
  if (/[*?]/.test(value)) return "must not contain '*' or '?': a prefix already grants every model under it";
  if (!/^[A-Za-z0-9_.\-/]+$/.test(value)) return "may contain only letters, digits and '_', '-', '.', '/'";
  if (value.startsWith('/'))
    return "must not begin with '/': TargetModel paths are relative to the endpoint's model prefix";
  if (value.includes('//')) return "must not contain '//'";
  if (value.split('/').some((s) => s === '.' || s === '..')) return "must not contain '.' or '..' segments";
  if (value.length > 256) return 'must be at most 256 characters long';
  return undefined;
}

/** Validated, without a trailing `/`, de-duplicated and sorted (so the order given never matters). */
export function normalizePrefixes(values: readonly string[]): string[] {
  if (values.length === 0) throw new UsageError('give at least one --prefix', 'e.g. mme grant --prefix NewYork_NY');
  for (const v of values) {
    const problem = grantPrefixProblem(v);
    if (problem)
      throw new UsageError(
        `--prefix '${v}' ${problem}`,
        "A prefix is a model folder under the endpoint's models, e.g. --prefix NewYork_NY (grants NewYork_NY/*).",
      );
  }
  return [...new Set(values.map((v) => v.replace(/\/$/, '')))].sort();
}

/** `NewYork_NY` → `NewYork_NY/*`: the folder's models, not `NewYork_NY_old/…` too. */
export function targetModelPatterns(prefixes: readonly string[]): string[] {
  return prefixes.map((p) => `${p}/*`);
}

// ── names ────────────────────────────────────────────────────────────────────────────────

/**
 * `mme-invoke-{prefixes joined by '+'}@{endpoint}`, e.g. mme-invoke-NewYork_NY@mme-linear-learner
 * or mme-invoke-NewYork_NY+common@houses. The endpoint is part of the name because a grant is
 * for one endpoint: the same prefixes on another endpoint are another role, never a rewrite of
 * the first one (which would take its access away). Endpoint names are compared without case
 * (docs/aws-behaviour.md#endpoint-names), so the name carries the lower-cased one.
 * `/` is not allowed in role names and becomes `.`; because that (or cutting a long name to 64)
 * could make two different grants share a name, a short hash of the exact prefixes and endpoint
 * is then appended.
 */
export function defaultRoleName(prefixes: readonly string[], endpoint: string): string {
  const body = prefixes.join('+');
  const readable = body.replace(/\//g, '.');
  const name = `${ROLE_NAME_PREFIX}${readable}@${endpoint.toLowerCase()}`;
  if (readable === body && name.length <= MAX_ROLE_NAME_LENGTH) return name;
  const hash = createHash('sha256')
    .update(`${prefixes.join('\n')}\n@${endpoint.toLowerCase()}`)
    .digest('hex')
    .slice(0, 6);
  const room = MAX_ROLE_NAME_LENGTH - hash.length - 1;
  return `${name.slice(0, room).replace(/[+.@-]+$/, '')}-${hash}`;
}

/** Endpoint names are unique without regard to case (docs/aws-behaviour.md#endpoint-names). */
export const sameEndpoint = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function roleNameProblem(value: string): string | undefined {
  return ROLE_NAME.test(value) ? undefined : "must be 1-64 letters, digits and '+=,.@_-'";
}

/** The inline policy's name: IAM allows 128 characters, the role name at most 64. */
export const policyNameFor = (roleName: string): string => `${roleName}-policy`;

// ── principals ───────────────────────────────────────────────────────────────────────────

const IAM_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)$/;
const STS_ARN = /^arn:(aws[a-z-]*):sts::(\d{12}):(assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+|federated-user\/[\w+=,.@-]+)$/;

/** Why a `--principal` is refused, or undefined: an account id, or an IAM or STS principal ARN. */
export function principalProblem(value: string): string | undefined {
  if (/^\d{12}$/.test(value) || IAM_ARN.test(value) || STS_ARN.test(value)) return undefined;
  return 'is not an account id or a principal ARN like arn:aws:iam::123456789012:role/Name';
}

/** An account id as the root ARN IAM would turn it into, so the document shows what IAM stores. */
export function principalArn(value: string, partition: string): string {
  return /^\d{12}$/.test(value) ? `arn:${partition}:iam::${value}:root` : value;
}

export type CallerPrincipal = { arn: string } | { roleName: string; fallbackArn: string };

/**
 * Who the caller is, as a trust policy must name it. A role session
 * (arn:aws:sts::ACCT:assumed-role/NAME/SESSION) is not a principal IAM will keep for long: the
 * session ends, so the ROLE is trusted instead. Its ARN needs the role's path, which the session
 * ARN leaves out (SSO roles live under /aws-reserved/…), so the caller looks the role up by name
 * (`roleName`) and uses `fallbackArn` (no path) only when it cannot.
 */
export function callerPrincipal(callerArn: string): CallerPrincipal {
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (!m) return { arn: callerArn };
  return { roleName: m[3]!, fallbackArn: `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` };
}

/** `aws`, `aws-cn`, `aws-us-gov`: taken from an ARN the target returned, so ARNs we build match. */
export function partitionOf(arn: string): string {
  return /^arn:([^:]+):/.exec(arn)?.[1] ?? 'aws';
}

// ── documents ────────────────────────────────────────────────────────────────────────────

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Record<string, unknown>[];
}

export function trustPolicy(principal: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
  };
}

/** SageMaker lower-cases the endpoint name in its ARN; IAM compares ARNs case-sensitively. */
export function invokePolicy(endpointArnValue: string, prefixes: readonly string[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'InvokeTheseModelsOnly',
        Effect: 'Allow',
        Action: 'sagemaker:InvokeEndpoint',
        Resource: endpointArnValue,
        Condition: { StringLike: { 'sagemaker:TargetModel': targetModelPatterns(prefixes) } },
      },
    ],
  };
}

/** Compact JSON, as sent: IAM keeps the text as written and counts its size without whitespace. */
export const documentText = (doc: PolicyDocument): string => JSON.stringify(doc);

/** The role's tags: what it grants, in words a person (or `teardown`) can read back. */
export function grantTags(prefixes: readonly string[], endpoint: string): { Key: string; Value: string }[] {
  return [
    { Key: GRANT_TAG_KEYS.grant, Value: tagValueOf(prefixes) },
    { Key: GRANT_TAG_KEYS.endpoint, Value: endpoint },
  ];
}

/** Space-separated (IAM tag values allow no commas), cut to 256 with a count of what is left out. */
function tagValueOf(prefixes: readonly string[]): string {
  const all = prefixes.join(' ');
  if (all.length <= MAX_TAG_VALUE) return all;
  const kept: string[] = [];
  for (const p of prefixes) {
    const more = ` +${prefixes.length - kept.length - 1} more`;
    if ([...kept, p].join(' ').length + more.length > MAX_TAG_VALUE) break;
    kept.push(p);
  }
  return `${kept.join(' ')} +${prefixes.length - kept.length} more`;
}

/** Shown in IAM's console and `aws iam get-role`: what the role is for, without reading JSON. */
export function roleDescription(prefixes: readonly string[], endpoint: string): string {
  return `mme grant: may invoke ${targetModelPatterns(prefixes).join(', ')} on endpoint ${endpoint}`.slice(0, 1000);
}

// ── --dry-run ────────────────────────────────────────────────────────────────────────────

/** A PlannedRequest (dry-run.ts) of the IAM and STS APIs. */
export type GrantRequest = PlannedRequest & { service: 'IAM' | 'STS' };

export interface GrantPlan {
  roleName: string;
  prefixes: string[];
  endpoint: string;
  endpointArn: string;
  /** The principal to trust, or a `<placeholder>` when only GetCallerIdentity can tell. */
  principal: string;
  /** Without --principal on aws the caller may be a role session, whose role is then read. */
  callerMayBeSession: boolean;
}

/** The requests `mme grant` sends, in order; which of them go depends on what GetRole answers. */
export function grantRequests(p: GrantPlan): GrantRequest[] {
  const RoleName = p.roleName;
  const trust = documentText(trustPolicy(p.principal));
  const description = roleDescription(p.prefixes, p.endpoint);
  const iam = (operation: string, input: Record<string, unknown>, note: string): GrantRequest => ({
    service: 'IAM',
    operation,
    input,
    note,
  });
  return [
    {
      service: 'STS',
      operation: 'GetCallerIdentity',
      input: {},
      note: 'the account, for the endpoint ARN, and the caller to trust',
    },
    ...(p.callerMayBeSession
      ? [
          iam(
            'GetRole',
            { RoleName: '<your role>' },
            'only if the caller is a role session: the role to trust, with its path',
          ),
        ]
      : []),
    iam('GetRole', { RoleName }, 'does the role exist?'),
    iam(
      'CreateRole',
      {
        RoleName,
        AssumeRolePolicyDocument: trust,
        MaxSessionDuration: MAX_SESSION_DURATION,
        Description: description,
        Tags: grantTags(p.prefixes, p.endpoint),
      },
      'if it does not',
    ),
    iam('ListRolePolicies', { RoleName }, 'if it does: any other policy is reported'),
    iam('ListAttachedRolePolicies', { RoleName }, 'if it does'),
    iam('UpdateAssumeRolePolicy', { RoleName, PolicyDocument: trust }, 'if it does, with another trust policy'),
    iam(
      'UpdateRole',
      { RoleName, MaxSessionDuration: MAX_SESSION_DURATION, Description: description },
      'if it does, with another MaxSessionDuration or Description',
    ),
    iam('TagRole', { RoleName, Tags: grantTags(p.prefixes, p.endpoint) }, 'if it does, with other tags'),
    iam('GetRolePolicy', { RoleName, PolicyName: policyNameFor(RoleName) }, 'if it does'),
    iam(
      'PutRolePolicy',
      {
        RoleName,
        PolicyName: policyNameFor(RoleName),
        PolicyDocument: documentText(invokePolicy(p.endpointArn, p.prefixes)),
      },
      'unless the role has this very policy already',
    ),
  ];
}

/** The requests `mme grant --remove` sends, in order. */
export function revokeRequests(roleName: string, endpoint: string): GrantRequest[] {
  const iam = (operation: string, input: Record<string, unknown>, note?: string): GrantRequest => ({
    service: 'IAM',
    operation,
    input,
    ...(note ? { note } : {}),
  });
  return [
    iam(
      'GetRole',
      { RoleName: roleName },
      `it must exist and carry the mme:grant tag, and mme:endpoint ${endpoint} (or --yes)`,
    ),
    iam('ListRolePolicies', { RoleName: roleName }),
    iam('ListAttachedRolePolicies', { RoleName: roleName }),
    iam(
      'DeleteRolePolicy',
      { RoleName: roleName, PolicyName: policyNameFor(roleName) },
      'for each inline policy listed',
    ),
    iam(
      'DetachRolePolicy',
      { RoleName: roleName, PolicyArn: '<each attached policy>' },
      'for each managed policy listed, if any; the policy itself is kept',
    ),
    iam('DeleteRole', { RoleName: roleName }),
  ];
}
