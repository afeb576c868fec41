/** The pure part of `mme grant`: prefixes, role names, principals, the two policy documents. */
import { describe, expect, it } from 'vitest';
import {
  callerPrincipal,
  defaultRoleName,
  documentText,
  grantPrefixProblem,
  grantRequests,
  grantTags,
  invokePolicy,
  normalizePrefixes,
  partitionOf,
  policyNameFor,
  principalArn,
  principalProblem,
  revokeRequests,
  roleNameProblem,
  trustPolicy,
} from '../../src/workflow/grant-policies.js';
import { sagemakerArn } from '../../src/aws-names/arns.js';
import { partitionIdOf } from '../../src/aws-names/partitions.js';

const ACCT = '123456789012';

describe('policy documents (golden)', () => {
  it('trust policy: the principal may sts:AssumeRole', () => {
    expect(documentText(trustPolicy(`arn:aws:iam::${ACCT}:root`))).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}',
    );
  });

  it('permissions: InvokeEndpoint on the lower-cased endpoint ARN, TargetModel StringLike {prefix}/*', () => {
    const arn = sagemakerArn('us-east-1', ACCT, 'endpoint', 'DEMO-Houses');
    expect(arn).toBe('arn:aws:sagemaker:us-east-1:123456789012:endpoint/demo-houses');
    expect(JSON.parse(documentText(invokePolicy(arn, ['NewYork_NY', 'common'])))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'InvokeTheseModelsOnly',
          Effect: 'Allow',
          Action: 'sagemaker:InvokeEndpoint',
          Resource: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/demo-houses',
          Condition: { StringLike: { 'sagemaker:TargetModel': ['NewYork_NY/*', 'common/*'] } },
        },
      ],
    });
  });

  it('tags say what the role grants; values hold no commas and at most 256 characters', () => {
    expect(grantTags(['NewYork_NY', 'common'], 'mme-linear-learner')).toEqual([
      { Key: 'mme:grant', Value: 'NewYork_NY common' },
      { Key: 'mme:endpoint', Value: 'mme-linear-learner' },
    ]);
    const many = Array.from({ length: 40 }, (_, i) => `Location_${String(i).padStart(2, '0')}`);
    const value = grantTags(many, 'e')[0]!.Value;
    expect(value.length).toBeLessThanOrEqual(256);
    expect(value).toMatch(/^Location_00 Location_01 .* \+\d+ more$/);
  });
});

describe('prefixes', () => {
  it('a trailing / is the same prefix; duplicates go; the order given does not matter', () => {
    expect(normalizePrefixes(['NewYork_NY/', 'common', 'NewYork_NY'])).toEqual(['NewYork_NY', 'common']);
    expect(normalizePrefixes(['models/v2/Chicago_IL'])).toEqual(['models/v2/Chicago_IL']);
  });

  it.each([
    ['', /empty/],
    ['NewYork_NY*', /'\*' or '\?'/],
    ['NewYork_?Y', /'\*' or '\?'/],
    ['/NewYork_NY', /begin with '\/'/],
    ['a//b', /'\/\/'/],
    ['a/../b', /'\.\.'/],
    ['..', /'\.\.'/],
    ['New York', /letters, digits/],
    ['x'.repeat(257), /256/],
  ])('%j is refused', (value, message) => {
    expect(grantPrefixProblem(value)).toMatch(message);
  });

  it('a bad prefix is a usage error (exit 2) naming it', () => {
    expect(() => normalizePrefixes(['ok', 'bad*'])).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringContaining("'bad*'") }),
    );
    expect(() => normalizePrefixes([])).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe('role names', () => {
  it('mme-invoke-{prefixes joined by +}@{endpoint}, the policy {role}-policy', () => {
    expect(defaultRoleName(['NewYork_NY'], 'mme-linear-learner')).toBe('mme-invoke-NewYork_NY@mme-linear-learner');
    expect(defaultRoleName(['NewYork_NY', 'common'], 'houses')).toBe('mme-invoke-NewYork_NY+common@houses');
    expect(policyNameFor('mme-invoke-NewYork_NY@houses')).toBe('mme-invoke-NewYork_NY@houses-policy');
    expect(roleNameProblem(defaultRoleName(['NewYork_NY'], 'mme-linear-learner'))).toBeUndefined();
  });

  it("another endpoint is another role; the endpoint's case does not matter (SageMaker ignores it)", () => {
    expect(defaultRoleName(['NewYork_NY'], 'other')).not.toBe(defaultRoleName(['NewYork_NY'], 'mme-linear-learner'));
    expect(defaultRoleName(['NewYork_NY'], 'Houses')).toBe(defaultRoleName(['NewYork_NY'], 'houses'));
  });

  it('a / becomes . with a hash, so a/b and a.b stay different roles', () => {
    const slash = defaultRoleName(['a/b'], 'e');
    expect(slash).toMatch(/^mme-invoke-a\.b@e-[0-9a-f]{6}$/);
    expect(defaultRoleName(['a.b'], 'e')).toBe('mme-invoke-a.b@e');
  });

  it('long names are cut to 64 with a hash that keeps them apart, prefixes and endpoints alike', () => {
    const a = defaultRoleName(['Location_Number_One_With_A_Long_Name', 'Location_Number_Two_A'], 'mme-linear-learner');
    const b = defaultRoleName(['Location_Number_One_With_A_Long_Name', 'Location_Number_Two_B'], 'mme-linear-learner');
    const c = defaultRoleName(
      ['Location_Number_One_With_A_Long_Name', 'Location_Number_Two_A'],
      'mme-linear-learner-2',
    );
    expect(a).toHaveLength(64);
    expect(new Set([a, b, c]).size).toBe(3);
    for (const n of [a, b, c]) expect(roleNameProblem(n)).toBeUndefined();
  });

  it("IAM's rule for --role-name", () => {
    expect(roleNameProblem('city-analysts')).toBeUndefined();
    expect(roleNameProblem('a/b')).toBeDefined();
    expect(roleNameProblem('x'.repeat(65))).toBeDefined();
  });
});

describe('principals', () => {
  it('a role session is trusted as its role (the path is looked up by name)', () => {
    expect(callerPrincipal(`arn:aws:sts::${ACCT}:assumed-role/Admin/jane@example.com`)).toEqual({
      roleName: 'Admin',
      fallbackArn: `arn:aws:iam::${ACCT}:role/Admin`,
    });
    expect(callerPrincipal(`arn:aws-cn:sts::${ACCT}:assumed-role/R/s`)).toEqual({
      roleName: 'R',
      fallbackArn: `arn:aws-cn:iam::${ACCT}:role/R`,
    });
  });

  it('root and users are trusted as they are', () => {
    expect(callerPrincipal(`arn:aws:iam::${ACCT}:root`)).toEqual({ arn: `arn:aws:iam::${ACCT}:root` });
    expect(callerPrincipal(`arn:aws:iam::${ACCT}:user/jane`)).toEqual({ arn: `arn:aws:iam::${ACCT}:user/jane` });
  });

  it('--principal: an account id (as its root ARN) or a principal ARN', () => {
    expect(principalArn(ACCT, 'aws')).toBe(`arn:aws:iam::${ACCT}:root`);
    for (const ok of [
      ACCT,
      `arn:aws:iam::${ACCT}:role/path/Reader`,
      `arn:aws:iam::${ACCT}:user/jane`,
      `arn:aws:sts::${ACCT}:assumed-role/R/s`,
    ]) {
      expect(principalProblem(ok)).toBeUndefined();
    }
    for (const bad of ['jane', 'sagemaker.amazonaws.com', `arn:aws:s3:::bucket`, '12345'])
      expect(principalProblem(bad)).toBeDefined();
  });

  it('partitions', () => {
    expect(partitionOf('arn:aws-us-gov:iam::1:root')).toBe('aws-us-gov');
    expect(partitionIdOf('cn-north-1')).toBe('aws-cn');
    expect(partitionIdOf('eu-west-1')).toBe('aws');
  });
});

describe('--dry-run requests', () => {
  const plan = {
    roleName: 'mme-invoke-NewYork_NY',
    prefixes: ['NewYork_NY'],
    endpoint: 'mme-linear-learner',
    endpointArn: sagemakerArn('us-east-1', ACCT, 'endpoint', 'mme-linear-learner'),
    principal: `arn:aws:iam::${ACCT}:root`,
  };

  it('grant: who am I, does the role exist, create or update it, put the policy', () => {
    const requests = grantRequests({ ...plan, callerMayBeSession: false });
    expect(requests.map((r) => `${r.service} ${r.operation}`)).toEqual([
      'STS GetCallerIdentity',
      'IAM GetRole',
      'IAM CreateRole',
      'IAM ListRolePolicies',
      'IAM ListAttachedRolePolicies',
      'IAM UpdateAssumeRolePolicy',
      'IAM UpdateRole',
      'IAM TagRole',
      'IAM GetRolePolicy',
      'IAM PutRolePolicy',
    ]);
    expect(requests[2]!.input).toMatchObject({
      RoleName: 'mme-invoke-NewYork_NY',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: documentText(trustPolicy(plan.principal)),
    });
    expect(requests.at(-1)!.input).toEqual({
      RoleName: 'mme-invoke-NewYork_NY',
      PolicyName: 'mme-invoke-NewYork_NY-policy',
      PolicyDocument: documentText(invokePolicy(plan.endpointArn, ['NewYork_NY'])),
    });
    expect(grantRequests({ ...plan, callerMayBeSession: true })[1]).toMatchObject({
      operation: 'GetRole',
      input: { RoleName: '<your role>' },
    });
  });

  it('remove: policies first, then the role', () => {
    expect(revokeRequests('r', 'e')[0]!.note).toContain('mme:endpoint e');
    expect(revokeRequests('r', 'e').map((r) => r.operation)).toEqual([
      'GetRole',
      'ListRolePolicies',
      'ListAttachedRolePolicies',
      'DeleteRolePolicy',
      'DetachRolePolicy',
      'DeleteRole',
    ]);
  });
});
