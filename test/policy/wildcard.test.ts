import { describe, expect, it } from 'vitest';
import { actionMatches, arnConditionMatches, globMatches, resourceMatches } from '../../src/local/auth/policy/index.js';
import { splitArnSegments } from '../../src/local/auth/policy/wildcard.js';

describe('actions', () => {
  it('match case-insensitively with * and ?', () => {
    expect(actionMatches('sagemaker:InvokeEndpoint', 'sagemaker:invokeendpoint')).toBe(true);
    expect(actionMatches('SageMaker:Invoke*', 'sagemaker:InvokeEndpointAsync')).toBe(true);
    expect(actionMatches('s3:Get?bject', 's3:GetObject')).toBe(true);
    expect(actionMatches('s3:Get?bject', 's3:GetObjectAcl')).toBe(false);
    expect(actionMatches('*', 'iam:CreateRole')).toBe(true);
    expect(actionMatches('s3:*', 'iam:CreateRole')).toBe(false);
  });
  it('treat regex metacharacters literally', () => {
    expect(actionMatches('s3:Get.bject', 's3:GetObject')).toBe(false);
  });
});

describe('resources', () => {
  it('match case-sensitively', () => {
    expect(resourceMatches('arn:aws:s3:::bucket/Key', 'arn:aws:s3:::bucket/Key')).toBe(true);
    expect(resourceMatches('arn:aws:s3:::bucket/Key', 'arn:aws:s3:::bucket/key')).toBe(false);
    expect(resourceMatches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b:c.tar.gz')).toBe(true);
  });
  it('keep a wildcard inside its segment unless it ends the segment', () => {
    expect(
      resourceMatches(
        'arn:aws:sagemaker:us-*-1:123456789012:endpoint/x',
        'arn:aws:sagemaker:us-east-1:123456789012:endpoint/x',
      ),
    ).toBe(true);
    expect(
      resourceMatches(
        'arn:aws:sagemaker:u?-east-1:*:endpoint/x',
        'arn:aws:sagemaker:us-east-1:123456789012:endpoint/x',
      ),
    ).toBe(true);
    // `*e` is not at the end of the segment, so it cannot swallow the colons before the account.
    expect(resourceMatches('arn:aws:sagemaker:*e:endpoint/x', 'arn:aws:sagemaker:us-east-1:1:endpoint/x')).toBe(false);
    expect(resourceMatches('arn:aws:sagemaker:*:*:endpoint/*', 'arn:aws:sagemaker:us-east-1:1:endpoint/x')).toBe(true);
    expect(resourceMatches('arn:aws:sagemaker:*:*:endpoint/*', 'arn:aws:sagemaker:us-east-1:1:model/x')).toBe(false);
  });
  it('let a trailing * expand past colons, so short patterns cover whole ARNs', () => {
    expect(resourceMatches('arn:aws:sagemaker:*', 'arn:aws:sagemaker:us-east-1:1:endpoint/x')).toBe(true);
    expect(resourceMatches('arn:aws:s3:*', 'arn:aws:sagemaker:us-east-1:1:endpoint/x')).toBe(false);
    expect(resourceMatches('arn:aws:sagemaker', 'arn:aws:sagemaker:us-east-1:1:endpoint/x')).toBe(false);
  });
  it('expand policy variables as literal text, and never match when one is missing', () => {
    const lookup = (k: string) => (k.toLowerCase() === 'aws:username' ? 'bob*' : undefined);
    expect(resourceMatches('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/bob*/x', lookup)).toBe(true);
    expect(resourceMatches('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/bobby/x', lookup)).toBe(false);
    expect(resourceMatches('arn:aws:s3:::home/${aws:userid}/*', 'arn:aws:s3:::home/x/y', lookup)).toBe(null);
    expect(resourceMatches("arn:aws:s3:::home/${aws:userid, 'anon'}/*", 'arn:aws:s3:::home/anon/y', lookup)).toBe(true);
    expect(resourceMatches('arn:aws:s3:::a/${*}', 'arn:aws:s3:::a/*', lookup)).toBe(true);
    expect(resourceMatches('arn:aws:s3:::a/${*}', 'arn:aws:s3:::a/b', lookup)).toBe(false);
    // Without a lookup (Version 2008-10-17) the variable is literal text.
    expect(resourceMatches('arn:aws:s3:::home/${aws:username}', 'arn:aws:s3:::home/${aws:username}')).toBe(true);
  });
  it('split ARN segments, ignoring colons inside variables', () => {
    expect(splitArnSegments('arn:aws:logs:us-east-1:1:log-group:g:log-stream:s')).toEqual([
      'arn',
      'aws',
      'logs',
      'us-east-1',
      '1',
      'log-group:g:log-stream:s',
    ]);
    expect(splitArnSegments('arn:aws:s3:::${aws:username}')).toEqual(['arn', 'aws', 's3', '', '', '${aws:username}']);
  });
});

describe('ARN conditions and globs', () => {
  it('check each of the six segments', () => {
    expect(arnConditionMatches('arn:aws:iam::*:role/*', 'arn:aws:iam::123456789012:role/x')).toBe(true);
    expect(arnConditionMatches('arn:aws:iam::*:role/*', 'arn:aws:iam::123456789012:user/x')).toBe(false);
    expect(arnConditionMatches('arn:aws:iam::*', 'arn:aws:iam::123456789012:user/x')).toBe(null);
    expect(arnConditionMatches('arn:aws:iam::*:*', 'not-an-arn')).toBe(null);
  });
  it('StringLike globs are case-sensitive', () => {
    expect(globMatches('NewYork_NY/*', 'NewYork_NY/NewYork_NY.tar.gz', { ignoreCase: false })).toBe(true);
    expect(globMatches('NewYork_NY/*', 'newyork_ny/x', { ignoreCase: false })).toBe(false);
  });
});
