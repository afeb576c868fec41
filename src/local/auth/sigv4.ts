/**
 * SigV4 verification, as docs/aws-behaviour.md#sigv4 describes: rebuild the canonical request from the
 * signed headers only, sign it with the stored secret at the request's own x-amz-date, and compare
 * in constant time.
 *
 * The signing is the JS SDK's own (@smithy/signature-v4) done by hand, synchronously, straight
 * from the raw request (canonical.ts): the same canonical request, string to sign and signing key,
 * without the signer's promises, request clone and per-call objects. Signing keys are cached per
 * (secret, date, region, service), as smithy caches them. test/local/sigv4-differential.test.ts
 * signs many random requests with smithy and verifies them here.
 */
import * as crypto from 'node:crypto';
import type { LocalRequest } from '../http.js';
import { canonicalHeaderValue, canonicalPath, canonicalQuery, headerPlan } from './canonical.js';

/** The parsed `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` */
export interface SigV4Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  /** The SignedHeaders parameter as sent (`host;x-amz-date;…`). */
  signedHeaderList: string;
  signature: string;
}

/** Why a request was refused; app.ts turns this into the protocol's own error. */
export type AuthFailure =
  | 'MissingAuthentication'
  | 'MalformedAuthorization'
  | 'UnknownAccessKey'
  | 'SignatureMismatch'
  | 'RequestTimeTooSkewed'
  | 'ContentSha256Mismatch'
  | 'ExpiredToken'
  | 'InvalidToken';

export class AuthError extends Error {
  constructor(
    readonly failure: AuthFailure,
    message: string,
  ) {
    super(message);
  }
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})\s*$/;

export function parseAuthorization(header: string | undefined): SigV4Authorization {
  if (!header) throw new AuthError('MissingAuthentication', 'Missing Authentication Token');
  const m = AUTH_PATTERN.exec(header);
  if (!m) {
    throw new AuthError(
      'MalformedAuthorization',
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).`,
    );
  }
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(';'),
    signedHeaderList: m[5]!,
    signature: m[6]!,
  };
}

/** AWS refuses requests signed more than 15 minutes away from its clock. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** Payload hashes that mean "not a hash of the body" (S3 streaming and unsigned payloads). */
const SPECIAL_PAYLOAD_HASHES = new Set([
  'UNSIGNED-PAYLOAD',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
]);

/** One-shot SHA-256 (crypto.hash, Node ≥ 20.12) where available: no Hash object per call. */
const sha256Hex: (data: string | Buffer) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** `20261125T104219Z` → Date */
export function parseAmzDate(value: string | undefined): Date | undefined {
  const m = value && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/**
 * An x-amz-date, parsed (epoch ms) and as smithy signs it: the signing date formatted again,
 * which is the header itself unless a field overflowed (`…T105960Z` is signed as `…T110000Z`).
 * One entry: the requests of one second share it.
 */
let lastAmzDate: { raw: string; ms: number; formatted: string } = { raw: '', ms: NaN, formatted: '' };
function amzDate(raw: string | undefined): { raw: string; ms: number; formatted: string } | undefined {
  if (raw === lastAmzDate.raw) return lastAmzDate;
  const date = parseAmzDate(raw);
  if (!date) return undefined;
  return (lastAmzDate = { raw: raw!, ms: date.getTime(), formatted: formatAmzDate(date) });
}

/**
 * Signing keys per (secret, date, region, service): the HMAC chain from `AWS4{secret}`, derived
 * once a day per caller (smithy's signer keeps the same cache on the client side).
 */
const signingKeys = new Map<string, Buffer>();
const SIGNING_KEY_CACHE_LIMIT = 1000;

function signingKey(secretAccessKey: string, shortDate: string, region: string, service: string): Buffer {
  const cacheKey = `${secretAccessKey}\0${shortDate}\0${region}\0${service}`;
  let key = signingKeys.get(cacheKey);
  if (key) return key;
  key = crypto.createHmac('sha256', `AWS4${secretAccessKey}`).update(shortDate).digest();
  for (const part of [region, service, 'aws4_request']) key = crypto.createHmac('sha256', key).update(part).digest();
  if (signingKeys.size >= SIGNING_KEY_CACHE_LIMIT) signingKeys.clear();
  signingKeys.set(cacheKey, key);
  return key;
}

/** Constant-time equality of two strings of the same (public) length. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export interface VerifyInput {
  request: LocalRequest;
  auth: SigV4Authorization;
  secretAccessKey: string;
  sessionToken?: string;
  now: Date;
}

/** Throws AuthError unless the request is signed by the holder of `secretAccessKey`. Synchronous. */
export function verifySignature({ request, auth, secretAccessKey, sessionToken, now }: VerifyInput): void {
  const headers = request.headers;
  const date = amzDate(headers['x-amz-date']);
  if (!date || !date.raw.startsWith(auth.date)) {
    throw new AuthError(
      'MalformedAuthorization',
      'Missing or malformed X-Amz-Date header, or its date differs from the credential scope.',
    );
  }
  if (Math.abs(now.getTime() - date.ms) > MAX_CLOCK_SKEW_MS) {
    throw new AuthError(
      'RequestTimeTooSkewed',
      `Signature expired: ${date.raw} is now earlier than ${formatAmzDate(new Date(now.getTime() - MAX_CLOCK_SKEW_MS))} (${formatAmzDate(now)} - 15 min.)`,
    );
  }
  const signed = auth.signedHeaders;
  if (!signed.includes('host')) {
    throw new AuthError('SignatureMismatch', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  // The signer trusts x-amz-content-sha256 as given: the body must really hash to it.
  const declared = headers['x-amz-content-sha256'];
  let bodyHash: string | undefined;
  if (declared !== undefined && !SPECIAL_PAYLOAD_HASHES.has(declared)) {
    bodyHash = sha256Hex(request.body);
    if (bodyHash !== declared) {
      throw new AuthError(
        'ContentSha256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
  }
  for (let i = 0; i < signed.length; i++) {
    const name = signed[i]!;
    if (typeof headers[name] !== 'string')
      throw new AuthError('SignatureMismatch', `Signed header ${name} is missing from the request.`);
  }
  // A session token must be signed along with the rest: AWS refuses a token outside the signature.
  if (
    sessionToken !== undefined &&
    (!signed.includes('x-amz-security-token') || headers['x-amz-security-token'] !== sessionToken)
  ) {
    throw new AuthError('InvalidToken', 'The security token included in the request is invalid.');
  }

  const expected = computeSignature(request, auth, secretAccessKey, sessionToken, date.formatted, bodyHash);
  if (!sameText(expected, auth.signature)) {
    throw new AuthError(
      'SignatureMismatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
}

/**
 * The signature smithy's signer gives `request` when it signs it as the verifier does (headers:
 * the signed ones; date: `longDate`; credentials: the secret and, if any, the session token):
 * what the caller's signature must equal. Exported for the differential test.
 */
export function computeSignature(
  request: LocalRequest,
  auth: SigV4Authorization,
  secretAccessKey: string,
  sessionToken: string | undefined,
  longDate: string,
  bodyHash?: string,
): string {
  const headers = request.headers;
  const shortDate = longDate.slice(0, 8);
  const plan = headerPlan(auth.signedHeaderList, sessionToken !== undefined);
  let canonical = `${request.method}\n${canonicalPath(request.rawPath, auth.service !== 's3')}\n${canonicalQuery(request.rawQuery)}\n`;
  for (const name of plan.names) {
    const value =
      name === 'x-amz-date'
        ? longDate
        : name === 'x-amz-security-token' && sessionToken !== undefined
          ? sessionToken
          : headers[name]!;
    canonical += `${name}:${canonicalHeaderValue(value)}\n`;
  }
  // smithy hashes the payload itself unless x-amz-content-sha256 is among the signed headers.
  const payloadHash = auth.signedHeaders.includes('x-amz-content-sha256')
    ? headers['x-amz-content-sha256']!
    : (bodyHash ?? sha256Hex(request.body));
  canonical += `\n${plan.list}\n${payloadHash}`;
  const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${shortDate}/${auth.region}/${auth.service}/aws4_request\n${sha256Hex(canonical)}`;
  return crypto
    .createHmac('sha256', signingKey(secretAccessKey, shortDate, auth.region, auth.service))
    .update(stringToSign)
    .digest('hex');
}

export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
