/**
 * Which bucket names and object keys the local object store accepts.
 *
 * Bucket names follow S3's general-purpose bucket rules, which also makes them safe directory
 * names (lowercase letters, digits, '.', '-'; no '..'). Object keys follow S3 (up to 1024 bytes
 * of UTF-8) minus what a local store must refuse: the store itself never turns a key into a path
 * (see object-store.ts), but the local services that consume it (the job runner downloads a
 * prefix into a directory, the endpoint host caches model artifacts on disk) may, so keys that
 * could escape a directory are rejected at the door for everyone.
 */
import { ServiceError } from '../service-error.js';

const MAX_KEY_BYTES = 1024;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const BUCKET_CHARS = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
// Prefixes and suffixes S3 reserves (access points, Object Lambda, directory buckets, MRAP).
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

function isValidBucketName(name: string): boolean {
  return (
    BUCKET_CHARS.test(name) &&
    !name.includes('..') &&
    !IP_ADDRESS.test(name) &&
    !RESERVED_PREFIXES.some((p) => name.startsWith(p)) &&
    !RESERVED_SUFFIXES.some((s) => name.endsWith(s))
  );
}

/** S3: 400 InvalidBucketName "The specified bucket is not valid." with <BucketName>. */
export function validateBucketName(name: string): void {
  if (!isValidBucketName(name)) {
    throw new ServiceError('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name });
  }
}

function invalidKey(why: string): ServiceError {
  return new ServiceError('InvalidArgument', `Invalid object key: ${why}`, 400, { ArgumentName: 'key' });
}

/**
 * Throws unless `key` is a key this store holds. S3 itself answers KeyTooLongError for > 1024
 * bytes; the other refusals are local (S3 would store such keys, but a key like `a/../../x`
 * joined onto a directory by a consumer escapes it), worded so the user sees why.
 */
export function validateObjectKey(key: string): void {
  if (key.length === 0) throw invalidKey('the key must not be empty.');
  const size = Buffer.byteLength(key, 'utf8');
  if (size > MAX_KEY_BYTES) {
    throw new ServiceError('KeyTooLongError', 'Your key is too long', 400, {
      MaxSizeAllowed: MAX_KEY_BYTES,
      Size: size,
    });
  }
  if (key.includes('\0')) throw invalidKey('it contains a NUL byte, which the local object store refuses.');
  if (key.startsWith('/')) throw invalidKey("it begins with '/'; the local object store refuses absolute keys.");
  if (key.split('/').includes('..')) {
    throw invalidKey("it contains a '..' path segment, which could escape the local object store.");
  }
  // Lone UTF-16 surrogates cannot be written as UTF-8 and would silently change the key.
  if (LONE_SURROGATE.test(key)) throw invalidKey('it is not valid UTF-8.');
}
