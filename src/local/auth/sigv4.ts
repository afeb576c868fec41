/**
 * SigV4 verification, as wire-protocols.md describes: rebuild the request from the signed
 * headers only, re-sign it with the stored secret at the request's own x-amz-date using
 * @smithy/signature-v4 (the signer the JS SDK itself uses, so both sides agree on every
 * canonicalisation detail), and compare in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseQueryString, type LocalRequest } from '../http.js';

/** The parsed `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` */
export interface SigV4Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
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
  constructor(readonly failure: AuthFailure, message: string) {
    super(message);
  }
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})\s*$/;

export function parseAuthorization(header: string | undefined): SigV4Authorization {
  if (!header) throw new AuthError('MissingAuthentication', 'Missing Authentication Token');
  const m = AUTH_PATTERN.exec(header);
  if (!m) {
    throw new AuthError('MalformedAuthorization', `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).`);
  }
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]!, signedHeaders: m[5]!.split(';'), signature: m[6]! };
}

/** AWS refuses requests signed more than 15 minutes away from its clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** Payload hashes that mean "not a hash of the body" (S3 streaming and unsigned payloads). */
const SPECIAL_PAYLOAD_HASHES = new Set([
  'UNSIGNED-PAYLOAD',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
]);

/** The Hash interface smithy wants, on node:crypto (synchronous underneath). */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

/** `20261125T104219Z` → Date */
export function parseAmzDate(value: string | undefined): Date | undefined {
  const m = value && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** Signers are cached per (key, region, service): smithy caches signing keys per instance date. */
const signers = new Map<string, SignatureV4>();

function signerFor(auth: SigV4Authorization, secretAccessKey: string, sessionToken: string | undefined): SignatureV4 {
  const cacheKey = `${auth.accessKeyId}\0${secretAccessKey}\0${sessionToken ?? ''}\0${auth.region}\0${auth.service}`;
  let signer = signers.get(cacheKey);
  if (!signer) {
    if (signers.size > 1000) signers.clear();
    signer = new SignatureV4({
      credentials: { accessKeyId: auth.accessKeyId, secretAccessKey, sessionToken },
      region: auth.region,
      service: auth.service,
      sha256: NodeSha256,
      // S3 signs the path as sent (single-encoded); every other service double-encodes it.
      uriEscapePath: auth.service !== 's3',
      // Never add an x-amz-content-sha256 the client did not sign.
      applyChecksum: false,
    });
    signers.set(cacheKey, signer);
  }
  return signer;
}

export interface VerifyInput {
  request: LocalRequest;
  auth: SigV4Authorization;
  secretAccessKey: string;
  sessionToken?: string;
  now: Date;
}

/** Throws AuthError unless the request is signed by the holder of `secretAccessKey`. */
export async function verifySignature({ request, auth, secretAccessKey, sessionToken, now }: VerifyInput): Promise<void> {
  const headers = request.headers;
  const signingDate = parseAmzDate(headers['x-amz-date']);
  if (!signingDate || auth.date !== headers['x-amz-date']!.slice(0, 8)) {
    throw new AuthError('MalformedAuthorization', 'Missing or malformed X-Amz-Date header, or its date differs from the credential scope.');
  }
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new AuthError(
      'RequestTimeTooSkewed',
      `Signature expired: ${headers['x-amz-date']} is now earlier than ${formatAmzDate(new Date(now.getTime() - MAX_CLOCK_SKEW_MS))} (${formatAmzDate(now)} - 15 min.)`,
    );
  }
  if (!auth.signedHeaders.includes('host')) {
    throw new AuthError('SignatureMismatch', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  // The signer trusts x-amz-content-sha256 as given: the body must really hash to it.
  const declared = headers['x-amz-content-sha256'];
  if (declared !== undefined && !SPECIAL_PAYLOAD_HASHES.has(declared)) {
    const actual = createHash('sha256').update(request.body).digest('hex');
    if (actual !== declared) {
      throw new AuthError('ContentSha256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  }
  const signedHeaders: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = headers[name];
    if (value === undefined) throw new AuthError('SignatureMismatch', `Signed header ${name} is missing from the request.`);
    signedHeaders[name] = value;
  }
  // A session token must be signed along with the rest: AWS refuses a token outside the signature.
  if (sessionToken !== undefined && signedHeaders['x-amz-security-token'] !== sessionToken) {
    throw new AuthError('InvalidToken', 'The security token included in the request is invalid.');
  }
  const signer = signerFor(auth, secretAccessKey, sessionToken);
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: (headers.host ?? '').replace(/:\d+$/, ''),
      path: request.rawPath,
      query: parseQueryString(request.rawQuery),
      headers: signedHeaders,
      body: request.body,
    },
    { signingDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization ?? '')?.[1] ?? '';
  if (expected.length !== 64 || !timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature))) {
    throw new AuthError(
      'SignatureMismatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
