import { describe, expect, it } from 'vitest';
import {
  buildGlobalContext,
  evaluate,
  evaluateTrust,
  formatAccessDenied,
  parsePolicyDocument,
  type AuthorizationRequest,
} from '../../src/local/auth/policy/index.js';
import { ACCOUNT, ENDPOINT, SESSION, identityPolicy } from './helpers.js';

const now = new Date('2024-06-01T12:00:00.123Z');
function request(
  action: string,
  resource: string,
  context: AuthorizationRequest['context'] = {},
): AuthorizationRequest {
  return {
    action,
    resource,
    principalArn: SESSION,
    accountId: ACCOUNT,
    context: { ...buildGlobalContext(SESSION, now, 'us-east-1', true, '127.0.0.1'), ...context },
  };
}

describe('the reference workflow (scoped access per model prefix)', () => {
  const policy = identityPolicy({
    Effect: 'Allow',
    Action: 'sagemaker:InvokeEndpoint',
    Resource: ENDPOINT,
    Condition: { StringLike: { 'sagemaker:TargetModel': ['NewYork_NY/*'] } },
  });
  it('allows NewYork_NY and implicitly denies Chicago_IL', () => {
    const ny = evaluate(
      request('sagemaker:InvokeEndpoint', ENDPOINT, { 'sagemaker:TargetModel': 'NewYork_NY/NewYork_NY.tar.gz' }),
      [{ id: 'p', document: policy }],
    );
    expect(ny).toEqual({
      decision: 'Allow',
      matchedStatements: [{ policyId: 'p', statementIndex: 0, effect: 'Allow' }],
    });
    const chicago = evaluate(
      request('sagemaker:InvokeEndpoint', ENDPOINT, { 'sagemaker:TargetModel': 'Chicago_IL/Chicago_IL.tar.gz' }),
      [policy],
    );
    expect(chicago).toEqual({ decision: 'ImplicitDeny', matchedStatements: [] });
    expect(evaluate(request('sagemaker:InvokeEndpoint', ENDPOINT), [policy]).decision).toBe('ImplicitDeny');
    expect(
      evaluate(request('sagemaker:InvokeEndpoint', `${ENDPOINT}-2`, { 'sagemaker:TargetModel': 'NewYork_NY/x' }), [
        policy,
      ]).decision,
    ).toBe('ImplicitDeny');
  });
  it('formats the AccessDeniedException message the workflow shows', () => {
    expect(formatAccessDenied(SESSION, 'sagemaker:InvokeEndpoint', ENDPOINT)).toBe(
      `User: ${SESSION} is not authorized to perform: sagemaker:InvokeEndpoint on resource: ${ENDPOINT}`,
    );
    expect(formatAccessDenied(SESSION, 's3:GetObject', 'arn:aws:s3:::b/k', { reason: 'ImplicitDeny' })).toBe(
      `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no identity-based policy allows the s3:GetObject action`,
    );
    expect(formatAccessDenied(SESSION, 's3:GetObject', 'arn:aws:s3:::b/k', { reason: 'ExplicitDeny' })).toBe(
      `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k with an explicit deny in an identity-based policy`,
    );
  });
});

describe('decisions', () => {
  const allowAll = identityPolicy({ Effect: 'Allow', Action: '*', Resource: '*' });
  it('an explicit Deny beats any Allow, in any policy', () => {
    const deny = identityPolicy({
      Sid: 'NoDelete',
      Effect: 'Deny',
      Action: 's3:Delete*',
      Resource: 'arn:aws:s3:::b/*',
    });
    const result = evaluate(request('s3:DeleteObject', 'arn:aws:s3:::b/k'), [allowAll, { id: 'd', document: deny }]);
    expect(result).toEqual({
      decision: 'ExplicitDeny',
      matchedStatements: [{ policyId: 'd', statementIndex: 0, sid: 'NoDelete', effect: 'Deny' }],
    });
    expect(evaluate(request('s3:GetObject', 'arn:aws:s3:::b/k'), [allowAll, deny]).decision).toBe('Allow');
  });
  it('no policy is an implicit deny', () => {
    expect(evaluate(request('s3:GetObject', 'arn:aws:s3:::b/k'), [])).toEqual({
      decision: 'ImplicitDeny',
      matchedStatements: [],
    });
  });
  it('NotAction and NotResource match everything except their lists', () => {
    const p = identityPolicy({ Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::secret/*' });
    expect(evaluate(request('s3:GetObject', 'arn:aws:s3:::b/k'), [p]).decision).toBe('Allow');
    expect(evaluate(request('iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/x`), [p]).decision).toBe('ImplicitDeny');
    expect(evaluate(request('s3:GetObject', 'arn:aws:s3:::secret/k'), [p]).decision).toBe('ImplicitDeny');
    const denyOutside = identityPolicy({
      Effect: 'Deny',
      Action: 's3:*',
      NotResource: ['arn:aws:s3:::mine', 'arn:aws:s3:::mine/*'],
    });
    expect(evaluate(request('s3:GetObject', 'arn:aws:s3:::other/k'), [allowAll, denyOutside]).decision).toBe(
      'ExplicitDeny',
    );
    expect(evaluate(request('s3:GetObject', 'arn:aws:s3:::mine/k'), [allowAll, denyOutside]).decision).toBe('Allow');
  });
  it('Deny with a condition on a missing key: negated operators deny, IfExists too', () => {
    const denyInsecure = identityPolicy({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
    });
    const insecure = request('s3:GetObject', 'arn:aws:s3:::b/k', { 'aws:SecureTransport': false });
    expect(evaluate(insecure, [allowAll, denyInsecure]).decision).toBe('ExplicitDeny');
    const noKey: AuthorizationRequest = { ...insecure, context: {} };
    expect(evaluate(noKey, [allowAll, denyInsecure]).decision).toBe('ExplicitDeny');
    const denyOutsideNet = identityPolicy({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    });
    expect(evaluate(noKey, [allowAll, denyOutsideNet]).decision).toBe('ExplicitDeny');
    expect(evaluate({ ...noKey, context: { 'aws:SourceIp': '10.2.3.4' } }, [allowAll, denyOutsideNet]).decision).toBe(
      'Allow',
    );
  });
  it('expands ${aws:username} in resources for Version 2012-10-17 only', () => {
    const user = `arn:aws:iam::${ACCOUNT}:user/division/bob`;
    const ctx = buildGlobalContext(user, now, 'us-east-1', true, '127.0.0.1');
    const statement = { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' };
    const req = {
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::home/bob/notes',
      principalArn: user,
      accountId: ACCOUNT,
      context: ctx,
    };
    expect(evaluate(req, [identityPolicy(statement)]).decision).toBe('Allow');
    expect(evaluate({ ...req, resource: 'arn:aws:s3:::home/alice/notes' }, [identityPolicy(statement)]).decision).toBe(
      'ImplicitDeny',
    );
    const legacy = parsePolicyDocument({ Version: '2008-10-17', Statement: [statement] });
    expect(evaluate(req, [legacy]).decision).toBe('ImplicitDeny');
    expect(evaluate({ ...req, resource: 'arn:aws:s3:::home/${aws:username}/x' }, [legacy]).decision).toBe('Allow');
  });
});

describe('buildGlobalContext', () => {
  it('fills the global keys for a role session', () => {
    expect(
      buildGlobalContext(
        { arn: SESSION, userId: 'AROAEXAMPLE:MME_Invoke_NY_Model' },
        now,
        'us-east-1',
        true,
        '127.0.0.1',
      ),
    ).toEqual({
      'aws:CurrentTime': '2024-06-01T12:00:00Z',
      'aws:EpochTime': '1717243200',
      'aws:SecureTransport': true,
      'aws:RequestedRegion': 'us-east-1',
      'aws:SourceIp': '127.0.0.1',
      'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/MME_Invoke_NY`,
      'aws:PrincipalAccount': ACCOUNT,
      'aws:PrincipalType': 'AssumedRole',
      'aws:userid': 'AROAEXAMPLE:MME_Invoke_NY_Model',
    });
  });
  it('knows users and root', () => {
    const user = buildGlobalContext(
      { arn: `arn:aws:iam::${ACCOUNT}:user/ops/alice`, tags: { team: 'ml' } },
      now,
      'eu-west-1',
      false,
      '10.0.0.1',
    );
    expect(user).toMatchObject({
      'aws:username': 'alice',
      'aws:PrincipalType': 'User',
      'aws:PrincipalTag/team': 'ml',
      'aws:SecureTransport': false,
    });
    expect(buildGlobalContext(`arn:aws:iam::${ACCOUNT}:root`, now, 'us-east-1', true, '::1')).toMatchObject({
      'aws:userid': ACCOUNT,
      'aws:PrincipalType': 'Account',
    });
  });
});

describe('evaluateTrust', () => {
  const trust = (principal: unknown, extra: object = {}) =>
    parsePolicyDocument(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra }],
      }),
      'trust',
    );
  const user = `arn:aws:iam::${ACCOUNT}:user/alice`;
  it('accepts an account id or its root ARN for every principal of the account', () => {
    expect(evaluateTrust(trust({ AWS: ACCOUNT }), user).decision).toBe('Allow');
    expect(evaluateTrust(trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), SESSION).decision).toBe('Allow');
    expect(evaluateTrust(trust({ AWS: '111122223333' }), user).decision).toBe('ImplicitDeny');
  });
  it('matches a role ARN, its sessions, a user ARN and *', () => {
    const role = trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/path/MME_Invoke_NY` });
    expect(evaluateTrust(role, SESSION).decision).toBe('Allow');
    expect(evaluateTrust(role, `arn:aws:iam::${ACCOUNT}:role/path/MME_Invoke_NY`).decision).toBe('Allow');
    expect(evaluateTrust(role, user).decision).toBe('ImplicitDeny');
    expect(evaluateTrust(trust({ AWS: user }), user).decision).toBe('Allow');
    expect(evaluateTrust(trust('*'), 'anything').decision).toBe('Allow');
    expect(evaluateTrust(trust({ AWS: user }), user, 'sts:TagSession').decision).toBe('ImplicitDeny');
  });
  it('matches service principals', () => {
    const svc = trust({ Service: ['sagemaker.amazonaws.com'] });
    expect(evaluateTrust(svc, 'sagemaker.amazonaws.com').decision).toBe('Allow');
    expect(evaluateTrust(svc, 'lambda.amazonaws.com').decision).toBe('ImplicitDeny');
    expect(evaluateTrust(svc, user).decision).toBe('ImplicitDeny');
  });
  it('evaluates conditions and Deny statements', () => {
    const withExternalId = trust({ AWS: ACCOUNT }, { Condition: { StringEquals: { 'sts:ExternalId': 'secret' } } });
    expect(evaluateTrust(withExternalId, user, 'sts:AssumeRole', { 'sts:ExternalId': 'secret' }).decision).toBe(
      'Allow',
    );
    expect(evaluateTrust(withExternalId, user).decision).toBe('ImplicitDeny');
    const doc = parsePolicyDocument(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:*' },
          { Effect: 'Deny', NotPrincipal: { AWS: user }, Action: 'sts:AssumeRole' },
        ],
      },
      'trust',
    );
    expect(evaluateTrust(doc, user).decision).toBe('Allow');
    expect(evaluateTrust(doc, SESSION)).toEqual({
      decision: 'ExplicitDeny',
      matchedStatements: [{ statementIndex: 1, effect: 'Deny' }],
    });
  });
});
