/** createPolicyAuthorizer with plain values: the decisions every service's requests get. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyAuthorizer } from '../../src/local/auth/authorizer.js';
import { sessionPrincipal, type SessionRecord } from '../../src/local/auth/sessions.js';
import { IamState } from '../../src/local/services/iam/state.js';
import type { Principal } from '../../src/local/service.js';

const ACCT = '123456789012';
const NOW = new Date('2026-11-25T10:00:00Z');
const ENDPOINT = `arn:aws:sagemaker:us-east-1:${ACCT}:endpoint/houses`;
const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

let state: IamState;
const sessions = new Map<string, SessionRecord>();

function session(id: string, roleName: string, roleId: string, sessionPolicies: string[] = []): Principal {
  const record: SessionRecord = {
    accessKeyId: id,
    secretAccessKey: 's',
    sessionToken: 't',
    expiresAt: '2026-11-25T11:00:00Z',
    issuedAt: NOW.toISOString(),
    accountId: ACCT,
    roleArn: `arn:aws:iam::${ACCT}:role/${roleName}`,
    roleId,
    roleName,
    sessionName: 'MME_Invoke_NY_Model',
    sessionPolicies,
    chained: false,
  };
  sessions.set(id, record);
  return sessionPrincipal(record);
}

const authorize = () => createPolicyAuthorizer(state, () => NOW, { session: (id) => sessions.get(id) });
const root: Principal = {
  kind: 'root',
  arn: `arn:aws:iam::${ACCT}:root`,
  accountId: ACCT,
  accessKeyId: 'AKIA',
  userId: ACCT,
};

beforeAll(async () => {
  state = await IamState.open({ accountId: ACCT });
  state.putRole({
    roleName: 'invoke-ny',
    roleId: 'AROAINVOKENY',
    path: '/mme/',
    arn: `arn:aws:iam::${ACCT}:role/mme/invoke-ny`,
    createDate: NOW.toISOString(),
    assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'sts:AssumeRole' }),
    maxSessionDuration: 3600,
    tags: [{ Key: 'team', Value: 'ny' }],
    attachedPolicyArns: [`arn:aws:iam::${ACCT}:policy/invoke-ny`],
    inlinePolicies: {
      context: doc(
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::models',
          Condition: {
            Bool: { 'aws:SecureTransport': 'false' },
            IpAddress: { 'aws:SourceIp': '127.0.0.0/8' },
            ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/mme/invoke-ny` },
            StringEquals: { 'aws:PrincipalTag/team': 'ny', 'aws:RequestedRegion': 'us-east-1' },
          },
        },
        {
          Effect: 'Deny',
          Action: 'sagemaker:InvokeEndpoint',
          Resource: '*',
          Condition: { StringLike: { 'sagemaker:TargetModel': 'NewYork_NY/secret*' } },
        },
      ),
    },
  });
  state.putPolicy({
    policyName: 'invoke-ny',
    policyId: 'ANPA1',
    path: '/',
    arn: `arn:aws:iam::${ACCT}:policy/invoke-ny`,
    createDate: NOW.toISOString(),
    updateDate: NOW.toISOString(),
    defaultVersionId: 'v1',
    tags: [],
    nextVersion: 2,
    versions: [
      {
        versionId: 'v1',
        createDate: NOW.toISOString(),
        document: doc({
          Effect: 'Allow',
          Action: 'sagemaker:InvokeEndpoint',
          Resource: ENDPOINT,
          Condition: { StringLike: { 'sagemaker:TargetModel': ['NewYork_NY/*'] } },
        }),
      },
    ],
  });
});

describe('createPolicyAuthorizer', () => {
  it('lets the root do anything', () => {
    expect(authorize()(root, 'iam:DeleteRole', '*', {})).toEqual({ allowed: true });
  });

  it('scopes a session by sagemaker:TargetModel, with the reference workflow wording', () => {
    const p = session('ASIA1', 'invoke-ny', 'AROAINVOKENY');
    const decide = authorize();
    expect(
      decide(p, 'sagemaker:InvokeEndpoint', ENDPOINT, { 'sagemaker:TargetModel': 'NewYork_NY/NewYork_NY.tar.gz' }),
    ).toEqual({ allowed: true });
    expect(
      decide(p, 'sagemaker:InvokeEndpoint', ENDPOINT, { 'sagemaker:TargetModel': 'Chicago_IL/Chicago_IL.tar.gz' }),
    ).toEqual({
      allowed: false,
      message: `User: arn:aws:sts::${ACCT}:assumed-role/invoke-ny/MME_Invoke_NY_Model is not authorized to perform: sagemaker:InvokeEndpoint on resource: ${ENDPOINT}`,
    });
    // No TargetModel at all: StringLike on an absent key does not match.
    expect(decide(p, 'sagemaker:InvokeEndpoint', ENDPOINT, {}).allowed).toBe(false);
    // An explicit Deny beats the Allow.
    expect(
      decide(p, 'sagemaker:InvokeEndpoint', ENDPOINT, { 'sagemaker:TargetModel': 'NewYork_NY/secret.tar.gz' }).allowed,
    ).toBe(false);
  });

  it('supplies the global keys: http on loopback, the role ARN as aws:PrincipalArn, role tags, the region', () => {
    const p = session('ASIA2', 'invoke-ny', 'AROAINVOKENY');
    expect(
      authorize()(p, 's3:ListBucket', 'arn:aws:s3:::models', {}, { region: 'us-east-1', receivedAt: NOW }),
    ).toEqual({ allowed: true });
    expect(
      authorize()(p, 's3:ListBucket', 'arn:aws:s3:::models', {}, { region: 'eu-west-1', receivedAt: NOW }).allowed,
    ).toBe(false);
  });

  it('does not let a service forge global keys', () => {
    const p = session('ASIA3', 'invoke-ny', 'AROAINVOKENY');
    const forged = { 'aws:SourceIp': '10.0.0.1', 'aws:SecureTransport': 'true' };
    expect(
      authorize()(p, 's3:ListBucket', 'arn:aws:s3:::models', forged, { region: 'us-east-1', receivedAt: NOW }),
    ).toEqual({ allowed: true });
  });

  it('intersects with session policies', () => {
    const p = session('ASIA4', 'invoke-ny', 'AROAINVOKENY', [doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' })]);
    const decide = authorize();
    // The role allows it, the session policy does not.
    expect(decide(p, 'sagemaker:InvokeEndpoint', ENDPOINT, { 'sagemaker:TargetModel': 'NewYork_NY/a' }).allowed).toBe(
      false,
    );
    // The session policy allows it, the role does not.
    expect(decide(p, 's3:GetObject', 'arn:aws:s3:::models/x', {}).allowed).toBe(false);
    // Both allow it.
    expect(
      decide(p, 's3:ListBucket', 'arn:aws:s3:::models', {}, { region: 'us-east-1', receivedAt: NOW }).allowed,
    ).toBe(true);
  });

  it('denies sessions of a role that is gone or was re-created', () => {
    expect(
      authorize()(session('ASIA5', 'invoke-ny', 'AROAOLDROLE'), 'sagemaker:InvokeEndpoint', ENDPOINT, {
        'sagemaker:TargetModel': 'NewYork_NY/a',
      }).allowed,
    ).toBe(false);
    expect(authorize()(session('ASIA6', 'ghost', 'AROAGHOST'), 's3:ListBucket', '*', {}).allowed).toBe(false);
  });
});
