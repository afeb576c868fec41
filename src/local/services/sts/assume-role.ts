/**
 * AssumeRole: temporary credentials for a role, if the caller may have them. Two checks, both
 * required (this local cloud has one account, so the caller is always in the role's account):
 * - the role's trust policy allows the caller's principal sts:AssumeRole (evaluateTrust);
 * - the caller's own identity policies allow sts:AssumeRole on the role (the root always may).
 * AWS does not say which failed, nor whether the role exists: every refusal is the same
 * AccessDenied "User: … is not authorized to perform: sts:AssumeRole on resource: {RoleArn}".
 *
 * The account root may not assume roles at all: AWS answers AccessDenied "Roles may not be
 * assumed by root accounts." whatever the role and its trust policy say (docs/aws-behaviour.md#root-and-users),
 * and so does this cloud. Its default credentials are an IAM user's for that reason.
 *
 * Departure from AWS, on purpose:
 * - Stricter in one corner: in AWS a trust policy naming a same-account user or role ARN
 *   explicitly is enough on its own; here identity policies must allow it too.
 */
import { evaluateTrust, formatAccessDenied, validatePolicyDocument } from '../../auth/policy/index.js';
import { globalContext } from '../../auth/authorizer.js';
import type { SessionRecord } from '../../auth/sessions.js';
import type { XmlNode } from '../../protocols/xml.js';
import { accessDeniedError } from '../../protocols/index.js';
import { queryList } from '../../protocols/query.js';
import { ServiceError } from '../../service-error.js';
import { Constraints, PATTERNS } from '../iam/validation.js';
import type { StsContext } from './context.js';

/** Role chaining: "limits your … role session to a maximum of one hour" (id_roles_terms-and-concepts.html). */
const CHAINED_MAX_SECONDS = 3600;
/** The packed limit of session policies, in characters without whitespace (AssumeRole: "cannot exceed 2,048 characters"). */
const SESSION_POLICY_MAX = 2048;

function validate(ctx: StsContext) {
  const p = ctx.params;
  const c = new Constraints();
  const roleArn = c.string('roleArn', p.RoleArn, { min: 20, max: 2048, required: true }) ?? '';
  const sessionName =
    c.string('roleSessionName', p.RoleSessionName, {
      min: 2,
      max: 64,
      pattern: PATTERNS.name,
      patternText: '[\\w+=,.@-]*',
      required: true,
    }) ?? '';
  const duration = c.integer('durationSeconds', p.DurationSeconds, 900, 43200);
  const policy = c.string('policy', p.Policy, {
    max: 2048,
    pattern: PATTERNS.document,
    patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
  });
  const externalId = c.string('externalId', p.ExternalId, {
    min: 2,
    max: 1224,
    pattern: /^[\w+=,.@:/-]*$/,
    patternText: '[\\w+=,.@:\\/-]*',
  });
  const sourceIdentity = c.string('sourceIdentity', p.SourceIdentity, {
    min: 2,
    max: 64,
    pattern: PATTERNS.name,
    patternText: '[\\w+=,.@-]*',
  });
  const policyArns = queryList(p, 'PolicyArns').map((item) => item.arn ?? '');
  if (policyArns.length > 10) c.fail('policyArns', undefined, 'have length less than or equal to 10');
  c.done();
  return { roleArn, sessionName, duration, policy, externalId, sourceIdentity, policyArns };
}

/** The session policies as text: the inline one, then the current default versions of PolicyArns. */
function sessionPolicies(ctx: StsContext, policy: string | undefined, policyArns: string[]): string[] {
  const texts: string[] = [];
  if (policy !== undefined) {
    const result = validatePolicyDocument(policy, 'identity');
    if (!result.ok) throw new ServiceError('MalformedPolicyDocument', result.errors[0]!.message);
    texts.push(policy);
  }
  for (const arn of policyArns) {
    const managed = ctx.iam.policy(arn);
    const version = managed?.versions.find((v) => v.versionId === managed.defaultVersionId);
    if (!version) throw new ServiceError('InvalidParameterValue', `Policy ${arn} does not exist or is not attachable.`);
    texts.push(version.document);
  }
  return texts;
}

export async function assumeRole(ctx: StsContext): Promise<XmlNode> {
  const input = validate(ctx);
  const principal = ctx.call.principal;
  if (principal.kind === 'root') throw accessDeniedError('sts', 'Roles may not be assumed by root accounts.');
  const now = ctx.now();
  const deny = () => accessDeniedError('sts', formatAccessDenied(principal.arn, 'sts:AssumeRole', input.roleArn));

  const stsContext: Record<string, string | undefined> = {
    'sts:RoleSessionName': input.sessionName,
    'sts:ExternalId': input.externalId,
    'sts:SourceIdentity': input.sourceIdentity,
  };
  // Identity side: throws AccessDenied unless the caller's policies allow it (root: always).
  ctx.call.authorizeOperation(input.roleArn, stsContext);
  const role = ctx.iam.roleByArn(input.roleArn);
  if (!role) throw deny();
  // Trust side, with the caller's global keys (aws:PrincipalArn, aws:SourceIp, …) available to conditions.
  const trustContext = { ...stsContext, ...globalContext(ctx.iam, principal, now, ctx.call.region) };
  if (
    evaluateTrust(
      ctx.iam.document(role.assumeRolePolicyDocument, 'trust'),
      principal.arn,
      'sts:AssumeRole',
      trustContext,
    ).decision !== 'Allow'
  ) {
    throw deny();
  }

  const chained = principal.kind === 'assumed-role';
  const duration = input.duration ?? 3600;
  if (chained && duration > CHAINED_MAX_SECONDS) {
    throw new ServiceError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  if (duration > role.maxSessionDuration) {
    throw new ServiceError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  const policies = sessionPolicies(ctx, input.policy, input.policyArns);
  const packed = policies.reduce((n, text) => n + text.replace(/\s/g, '').length, 0);
  // PackedPolicySize is "a percentage value that indicates the packed size of the session
  // policies … passed in the request" (AssumeRole API reference).
  const packedPercent = Math.ceil((packed * 100) / SESSION_POLICY_MAX);
  if (packedPercent > 100) {
    throw new ServiceError(
      'PackedPolicyTooLarge',
      `Packed policy consumes ${packedPercent}% of allotted space, please use smaller policy for this session.`,
    );
  }

  // Expiration is whole seconds, as STS reports it.
  const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + duration * 1000);
  const session: SessionRecord = {
    accessKeyId: ctx.newId('ASIA'),
    secretAccessKey: ctx.newSecret(),
    sessionToken: ctx.newSessionToken(),
    expiresAt: expiresAt.toISOString(),
    issuedAt: now.toISOString(),
    accountId: ctx.iam.accountId,
    roleArn: role.arn,
    roleId: role.roleId,
    roleName: role.roleName,
    sessionName: input.sessionName,
    sessionPolicies: policies,
    chained,
    ...(input.sourceIdentity ? { sourceIdentity: input.sourceIdentity } : {}),
  };
  await ctx.sessions.add(session);

  return {
    SourceIdentity: input.sourceIdentity,
    AssumedRoleUser: {
      AssumedRoleId: `${role.roleId}:${input.sessionName}`,
      // Session ARNs carry the role's name, never its path.
      Arn: `arn:aws:sts::${ctx.iam.accountId}:assumed-role/${role.roleName}/${input.sessionName}`,
    },
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: expiresAt,
    },
    PackedPolicySize: policies.length > 0 ? packedPercent : undefined,
  };
}
