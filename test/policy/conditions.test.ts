import { describe, expect, it } from 'vitest';
import {
  conditionsMatch,
  parseOperator,
  RequestContext,
  type ContextValues,
} from '../../src/local/auth/policy/index.js';

/** Does `{ [operator]: { [key]: values } }` hold for the context? */
function holds(
  operator: string,
  key: string,
  values: string | string[],
  context: ContextValues,
  variables = true,
): boolean {
  return conditionsMatch({ [operator]: { [key]: [values].flat() } }, new RequestContext(context), variables);
}

describe('string operators', () => {
  it('StringEquals / StringNotEquals are case-sensitive; values OR, negated values NOR', () => {
    expect(holds('StringEquals', 'k:a', ['x', 'y'], { 'k:a': 'y' })).toBe(true);
    expect(holds('StringEquals', 'k:a', 'X', { 'k:a': 'x' })).toBe(false);
    expect(holds('StringNotEquals', 'k:a', ['x', 'y'], { 'k:a': 'y' })).toBe(false);
    expect(holds('StringNotEquals', 'k:a', ['x', 'y'], { 'k:a': 'z' })).toBe(true);
    expect(holds('StringEquals', 'k:a', 'a*', { 'k:a': 'abc' })).toBe(false);
  });
  it('IgnoreCase variants', () => {
    expect(holds('StringEqualsIgnoreCase', 'k:a', 'HELLO', { 'k:a': 'hello' })).toBe(true);
    expect(holds('StringNotEqualsIgnoreCase', 'k:a', 'HELLO', { 'k:a': 'hello' })).toBe(false);
    expect(holds('StringNotEqualsIgnoreCase', 'k:a', 'HELLO', { 'k:a': 'bye' })).toBe(true);
  });
  it('StringLike / StringNotLike glob with * and ?', () => {
    expect(
      holds('StringLike', 'sagemaker:TargetModel', ['NewYork_NY/*'], {
        'sagemaker:TargetModel': 'NewYork_NY/NewYork_NY.tar.gz',
      }),
    ).toBe(true);
    expect(
      holds('StringLike', 'sagemaker:TargetModel', ['NewYork_NY/*'], {
        'sagemaker:TargetModel': 'Chicago_IL/Chicago_IL.tar.gz',
      }),
    ).toBe(false);
    expect(holds('StringLike', 'k:a', 'a?c', { 'k:a': 'abc' })).toBe(true);
    expect(holds('StringNotLike', 'k:a', ['a*', 'b*'], { 'k:a': 'bz' })).toBe(false);
    expect(holds('StringNotLike', 'k:a', ['a*', 'b*'], { 'k:a': 'cz' })).toBe(true);
  });
  it('policy variables in values, unresolved ones never match', () => {
    const ctx = { 'aws:username': 'bob', 's3:prefix': 'home/bob/docs' };
    expect(holds('StringLike', 's3:prefix', 'home/${aws:username}/*', ctx)).toBe(true);
    expect(holds('StringLike', 's3:prefix', 'home/${aws:PrincipalTag/team}/*', ctx)).toBe(false);
    expect(holds('StringNotLike', 's3:prefix', 'home/${aws:PrincipalTag/team}/*', ctx)).toBe(false);
    expect(holds('StringEquals', 's3:prefix', 'home/${aws:username}/docs', ctx)).toBe(true);
    expect(holds('StringEquals', 's3:prefix', 'home/${aws:username}/docs', ctx, false)).toBe(false);
  });
});

describe('numeric, date, bool, binary, ip and arn operators', () => {
  it('Numeric*', () => {
    const ctx = { 'k:n': 10 };
    expect(holds('NumericEquals', 'k:n', '10.0', ctx)).toBe(true);
    expect(holds('NumericNotEquals', 'k:n', ['9', '11'], ctx)).toBe(true);
    expect(holds('NumericNotEquals', 'k:n', ['9', '10'], ctx)).toBe(false);
    expect(holds('NumericLessThan', 'k:n', '11', ctx)).toBe(true);
    expect(holds('NumericLessThan', 'k:n', '10', ctx)).toBe(false);
    expect(holds('NumericLessThanEquals', 'k:n', '10', ctx)).toBe(true);
    expect(holds('NumericGreaterThan', 'k:n', '9', ctx)).toBe(true);
    expect(holds('NumericGreaterThanEquals', 'k:n', '11', ctx)).toBe(false);
    // Not a number on either side: neither the operator nor its negation holds.
    expect(holds('NumericEquals', 'k:n', 'ten', ctx)).toBe(false);
    expect(holds('NumericNotEquals', 'k:n', 'ten', ctx)).toBe(false);
  });
  it('Date* on ISO 8601 and epoch seconds alike', () => {
    const ctx = { 'aws:CurrentTime': '2024-06-01T12:00:00Z', 'aws:EpochTime': '1717243200' };
    expect(holds('DateLessThan', 'aws:CurrentTime', '2025-01-01T00:00:00Z', ctx)).toBe(true);
    expect(holds('DateGreaterThan', 'aws:CurrentTime', '2025-01-01T00:00:00Z', ctx)).toBe(false);
    expect(holds('DateEquals', 'aws:CurrentTime', '2024-06-01T12:00:00Z', ctx)).toBe(true);
    expect(holds('DateEquals', 'aws:EpochTime', '2024-06-01T12:00:00Z', ctx)).toBe(true);
    expect(holds('DateEquals', 'aws:CurrentTime', '1717243200', ctx)).toBe(true);
    expect(holds('DateNotEquals', 'aws:CurrentTime', '2024-06-01', ctx)).toBe(true);
    expect(holds('DateLessThanEquals', 'aws:EpochTime', '1717243200', ctx)).toBe(true);
    expect(holds('DateGreaterThanEquals', 'aws:EpochTime', '1717243201', ctx)).toBe(false);
  });
  it('Bool, BinaryEquals', () => {
    expect(holds('Bool', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': true })).toBe(true);
    expect(holds('Bool', 'aws:SecureTransport', 'FALSE', { 'aws:SecureTransport': 'false' })).toBe(true);
    expect(holds('Bool', 'aws:SecureTransport', 'false', { 'aws:SecureTransport': true })).toBe(false);
    expect(holds('Bool', 'aws:SecureTransport', 'yes', { 'aws:SecureTransport': true })).toBe(false);
    expect(holds('BinaryEquals', 'k:b', 'QmluYXJ5', { 'k:b': 'QmluYXJ5' })).toBe(true);
  });
  it('IpAddress / NotIpAddress for IPv4 and IPv6', () => {
    expect(holds('IpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '203.0.113.9' })).toBe(true);
    expect(holds('IpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '203.0.114.9' })).toBe(false);
    expect(holds('IpAddress', 'aws:SourceIp', '127.0.0.1', { 'aws:SourceIp': '127.0.0.1' })).toBe(true);
    expect(
      holds('NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8', '192.168.0.0/16'], { 'aws:SourceIp': '203.0.113.9' }),
    ).toBe(true);
    expect(
      holds('NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8', '192.168.0.0/16'], { 'aws:SourceIp': '10.1.2.3' }),
    ).toBe(false);
    expect(holds('IpAddress', 'aws:SourceIp', '2001:db8::/32', { 'aws:SourceIp': '2001:db8:1::5' })).toBe(true);
    expect(holds('IpAddress', 'aws:SourceIp', '2001:db8::/32', { 'aws:SourceIp': '2001:db9::5' })).toBe(false);
    expect(holds('IpAddress', 'aws:SourceIp', '::ffff:10.0.0.0/104', { 'aws:SourceIp': '::ffff:10.1.2.3' })).toBe(true);
    expect(holds('NotIpAddress', 'aws:SourceIp', '10.0.0.0/8', { 'aws:SourceIp': '::1' })).toBe(true);
    expect(holds('IpAddress', 'aws:SourceIp', '10.0.0.0/8', { 'aws:SourceIp': 'localhost' })).toBe(false);
    expect(holds('NotIpAddress', 'aws:SourceIp', '10.0.0.0/8', { 'aws:SourceIp': 'localhost' })).toBe(false);
  });
  it('Arn* operators', () => {
    const ctx = { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/team/Reader' };
    expect(holds('ArnEquals', 'aws:PrincipalArn', 'arn:aws:iam::123456789012:role/team/Reader', ctx)).toBe(true);
    expect(holds('ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/team/*', ctx)).toBe(true);
    expect(holds('ArnNotLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/team/*', ctx)).toBe(false);
    expect(holds('ArnNotEquals', 'aws:PrincipalArn', 'arn:aws:iam::123456789012:role/Other', ctx)).toBe(true);
    expect(holds('ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::123456789012:ROLE/*', ctx)).toBe(false);
  });
});

describe('missing keys, IfExists, Null', () => {
  const empty = {};
  it('a missing key fails positive operators and satisfies negated ones', () => {
    expect(holds('StringEquals', 'k:a', 'x', empty)).toBe(false);
    expect(holds('StringNotEquals', 'k:a', 'x', empty)).toBe(true);
    expect(holds('NumericNotEquals', 'k:a', '1', empty)).toBe(true);
    expect(holds('NotIpAddress', 'aws:SourceIp', '10.0.0.0/8', empty)).toBe(true);
    expect(holds('ArnNotLike', 'k:a', 'arn:aws:iam::*:*', empty)).toBe(true);
  });
  it('IfExists holds when the key is missing and tests it when present', () => {
    expect(holds('StringEqualsIfExists', 'k:a', 'x', empty)).toBe(true);
    expect(holds('StringEqualsIfExists', 'k:a', 'x', { 'k:a': 'y' })).toBe(false);
    expect(holds('NumericLessThanIfExists', 'k:a', '5', { 'k:a': 3 })).toBe(true);
    expect(holds('BoolIfExists', 'aws:SecureTransport', 'false', empty)).toBe(true);
    expect(holds('StringNotLikeIfExists', 'k:a', 'x*', { 'k:a': 'xy' })).toBe(false);
  });
  it('Null tests presence only', () => {
    expect(holds('Null', 'k:a', 'true', empty)).toBe(true);
    expect(holds('Null', 'k:a', 'false', empty)).toBe(false);
    expect(holds('Null', 'k:a', 'false', { 'k:a': '' })).toBe(true);
  });
  it('keys are case-insensitive, values are not', () => {
    expect(holds('StringEquals', 'SageMaker:targetmodel', 'A', { 'sagemaker:TargetModel': 'A' })).toBe(true);
    expect(holds('StringEquals', 'sagemaker:TargetModel', 'a', { 'sagemaker:TargetModel': 'A' })).toBe(false);
  });
});

describe('set operators', () => {
  const tags = { 'aws:TagKeys': ['Team', 'Owner'] };
  it('ForAnyValue: some request value matches; a missing key is false', () => {
    expect(holds('ForAnyValue:StringEquals', 'aws:TagKeys', ['Owner', 'Cost'], tags)).toBe(true);
    expect(holds('ForAnyValue:StringEquals', 'aws:TagKeys', ['Cost'], tags)).toBe(false);
    expect(holds('ForAnyValue:StringEquals', 'aws:TagKeys', ['Cost'], {})).toBe(false);
    expect(holds('ForAnyValue:StringEqualsIfExists', 'aws:TagKeys', ['Cost'], {})).toBe(false);
    expect(holds('ForAnyValue:StringNotEquals', 'aws:TagKeys', ['Team'], tags)).toBe(true);
    expect(holds('ForAnyValue:StringNotEquals', 'aws:TagKeys', ['Team', 'Owner'], tags)).toBe(false);
    expect(holds('ForAnyValue:StringLike', 'aws:TagKeys', [], { 'aws:TagKeys': [] })).toBe(false);
  });
  it('ForAllValues: every request value matches; a missing key or empty set is true', () => {
    expect(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['Team', 'Owner', 'Cost'], tags)).toBe(true);
    expect(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['Team'], tags)).toBe(false);
    expect(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['Team'], {})).toBe(true);
    expect(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['Team'], { 'aws:TagKeys': [] })).toBe(true);
    expect(holds('ForAllValues:StringNotLike', 'aws:TagKeys', ['key1*'], { 'aws:TagKeys': ['key2:audit'] })).toBe(true);
    expect(
      holds('ForAllValues:StringNotLike', 'aws:TagKeys', ['key1*'], { 'aws:TagKeys': ['key1:hr', 'key2:x'] }),
    ).toBe(false);
  });
  it('a single-valued operator on a multivalued key is not satisfied', () => {
    expect(holds('StringEquals', 'aws:TagKeys', ['Team', 'Owner'], tags)).toBe(false);
    expect(holds('StringNotEquals', 'aws:TagKeys', ['Cost'], tags)).toBe(false);
  });
  it('a scalar value is a one-element set', () => {
    expect(holds('ForAnyValue:StringEquals', 'k:a', 'x', { 'k:a': 'x' })).toBe(true);
  });
});

describe('blocks and operator names', () => {
  it('ANDs operators and keys', () => {
    const ctx = new RequestContext({ 'k:a': 'x', 'k:b': 'y' });
    expect(conditionsMatch({ StringEquals: { 'k:a': ['x'], 'k:b': ['y'] } }, ctx, true)).toBe(true);
    expect(conditionsMatch({ StringEquals: { 'k:a': ['x'], 'k:b': ['z'] } }, ctx, true)).toBe(false);
    expect(conditionsMatch({ StringEquals: { 'k:a': ['x'] }, StringLike: { 'k:b': ['z*'] } }, ctx, true)).toBe(false);
  });
  it('parses set prefixes and IfExists', () => {
    expect(parseOperator('ForAllValues:StringLikeIfExists')).toMatchObject({
      set: 'ForAllValues',
      ifExists: true,
      base: { name: 'StringLike' },
    });
    expect(parseOperator('Null')).toMatchObject({ isNull: true });
    expect(parseOperator('StringEqualz')).toBeNull();
    expect(parseOperator('ForSomeValues:StringEquals')).toBeNull();
    expect(parseOperator('NullIfExists')).toBeNull();
  });
});
