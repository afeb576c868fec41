import { describe, expect, it } from 'vitest';
import { targetModelLocation, validateTargetModel } from '../../src/local/hosting/target-model.js';
import { ServiceError } from '../../src/local/service-error.js';

const HOSTILE = [
  '../Chicago_IL.tar.gz',
  'Chicago_IL/../../secret.tar.gz',
  '/etc/passwd',
  '%2e%2e/secret.tar.gz',
  '%252e%252e%252fsecret',
  'a/%2E%2E/b',
  'a/./b',
  '..\\windows',
  'x'.repeat(1025),
  '',
  ' leading-space',
  'bad\u0000nul',
  'bad\nnewline',
  'tab\there',
  'del\u007f',
  'ünïcode/model.tar.gz',
];

describe('TargetModel validation', () => {
  it.each(HOSTILE.map((v) => [JSON.stringify(v).slice(0, 40), v]))(
    'refuses %s with ValidationError 400',
    (_label, value) => {
      let err: unknown;
      try {
        validateTargetModel(value);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ServiceError);
      expect((err as ServiceError).code).toBe('ValidationError');
      expect((err as ServiceError).status).toBe(400);
    },
  );

  it.each([
    'Chicago_IL/Chicago_IL.tar.gz',
    'model.tar.gz',
    'a..b/c...tar.gz',
    'x'.repeat(1024),
    'with space/and+plus=%41.tar.gz',
  ])('accepts %s', (value) => {
    expect(validateTargetModel(value)).toBe(value);
  });

  it('joins prefix and path with exactly one slash', () => {
    expect(targetModelLocation({ bucket: 'b', key: 'mme/' }, 'C/C.tar.gz')).toEqual({
      bucket: 'b',
      key: 'mme/C/C.tar.gz',
    });
    expect(targetModelLocation({ bucket: 'b', key: 'mme' }, 'C/C.tar.gz')).toEqual({
      bucket: 'b',
      key: 'mme/C/C.tar.gz',
    });
    expect(targetModelLocation({ bucket: 'b', key: '' }, 'C.tar.gz')).toEqual({ bucket: 'b', key: 'C.tar.gz' });
  });
});
