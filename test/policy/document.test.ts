import { describe, expect, it } from 'vitest';
import {
  MalformedPolicyError,
  parsePolicyDocument,
  validatePolicyDocument,
  type PolicyKind,
} from '../../src/local/auth/policy/index.js';

/** The first MalformedPolicyDocument message IAM would answer with, or 'ok'. */
function firstError(doc: unknown, kind: PolicyKind = 'identity'): string {
  const result = validatePolicyDocument(typeof doc === 'string' ? doc : JSON.stringify(doc), kind);
  return result.ok ? 'ok' : result.errors[0]!.message;
}
const V = '2012-10-17';

describe('validatePolicyDocument', () => {
  it('normalises single values into lists', () => {
    const doc = parsePolicyDocument(
      JSON.stringify({
        Version: V,
        Statement: {
          Sid: 'S',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::b/*',
          Condition: { Bool: { 'aws:SecureTransport': true } },
        },
      }),
    );
    expect(doc).toEqual({
      version: V,
      statements: [
        {
          sid: 'S',
          effect: 'Allow',
          action: ['s3:GetObject'],
          resource: ['arn:aws:s3:::b/*'],
          condition: { Bool: { 'aws:SecureTransport': ['true'] } },
        },
      ],
    });
  });
  it('defaults Version to 2008-10-17 and accepts objects as well as text', () => {
    expect(parsePolicyDocument({ Statement: [{ Effect: 'Deny', NotAction: 'iam:*', NotResource: '*' }] }).version).toBe(
      '2008-10-17',
    );
  });
  it('reports syntax errors as IAM does', () => {
    expect(firstError('{"Version": ')).toBe('Syntax errors in policy.');
    expect(firstError('[]')).toBe('Syntax errors in policy.');
    expect(firstError({ Version: '2012-10-18', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })).toBe(
      'Syntax errors in policy.',
    );
    expect(firstError({ Version: V, Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Foo: 1 }] })).toBe(
      'Syntax errors in policy.',
    );
    expect(
      firstError({
        Version: V,
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEqualz: { 'a:b': 'c' } } }],
      }),
    ).toBe('Syntax errors in policy.');
    expect(firstError({ Version: V })).toBe('Missing required field Statement');
  });
  it('checks Effect, Action and Resource', () => {
    expect(firstError({ Version: V, Statement: [{ Effect: 'allow', Action: '*', Resource: '*' }] })).toBe(
      'The policy failed legacy parsing',
    );
    expect(firstError({ Version: V, Statement: [{ Action: '*', Resource: '*' }] })).toBe(
      'Missing required field Effect',
    );
    expect(firstError({ Version: V, Statement: [{ Effect: 'Allow', Resource: '*' }] })).toBe(
      'Policy statement must contain actions.',
    );
    expect(firstError({ Version: V, Statement: [{ Effect: 'Allow', Action: [], Resource: '*' }] })).toBe(
      'Policy statement must contain actions.',
    );
    expect(firstError({ Version: V, Statement: [{ Effect: 'Allow', Action: '*' }] })).toBe(
      'Policy statement must contain resources.',
    );
    expect(firstError({ Version: V, Statement: [{ Effect: 'Allow', Action: 'GetObject', Resource: '*' }] })).toBe(
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    );
    expect(firstError({ Version: V, Statement: [{ Effect: 'Allow', Action: 's3:a:b', Resource: '*' }] })).toBe(
      'Actions/Condition can contain only one colon.',
    );
    expect(firstError({ Version: V, Statement: [{ Effect: 'Allow', Action: 's*:Get', Resource: '*' }] })).toBe(
      'Action vendors (e.g., aws, ec2, etc.) must not contain wildcards',
    );
    expect(firstError({ Version: V, Statement: [{ Effect: 'Allow', Action: '*', Resource: 'bucket' }] })).toBe(
      'Resource bucket must be in ARN format or "*".',
    );
    expect(
      firstError({
        Version: V,
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { prefix: 'a' } } }],
      }),
    ).toBe('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  });
  it('refuses principals in identity policies', () => {
    expect(
      firstError({ Version: V, Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] }),
    ).toBe('Policy document should not specify a principal.');
  });
  it('checks trust policies: principal required, resource prohibited', () => {
    const trust = {
      Version: V,
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }],
    };
    expect(firstError(trust, 'trust')).toBe('ok');
    expect(firstError({ Version: V, Statement: [{ ...trust.Statement[0], Resource: '*' }] }, 'trust')).toBe(
      'Has prohibited field Resource',
    );
    expect(firstError({ Version: V, Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }, 'trust')).toBe(
      'Missing required field Principal',
    );
    expect(
      firstError(
        { Version: V, Statement: [{ Effect: 'Allow', Principal: { AWS: 'bob' }, Action: 'sts:AssumeRole' }] },
        'trust',
      ),
    ).toBe('Invalid principal in policy: "AWS":"bob"');
    expect(
      firstError(
        {
          Version: V,
          Statement: [
            { Effect: 'Allow', Principal: { Service: ['sagemaker.amazonaws.com'] }, Action: 'sts:AssumeRole' },
          ],
        },
        'trust',
      ),
    ).toBe('ok');
  });
  it('throws a ServiceError carrying the AWS code', () => {
    try {
      parsePolicyDocument('nope');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MalformedPolicyError);
      expect(error).toMatchObject({
        code: 'MalformedPolicyDocument',
        status: 400,
        message: 'Syntax errors in policy.',
      });
    }
  });
});
