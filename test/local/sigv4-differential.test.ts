/**
 * The hand-written SigV4 verifier (auth/sigv4.ts, auth/canonical.ts) against @smithy/signature-v4,
 * the signer of the JS SDK, on many random requests:
 *
 * 1. Clients: requests signed by smithy as the SDK signs them (random methods, services, paths
 *    with odd characters, repeated and unsorted query keys, header whitespace, session tokens,
 *    S3's single-encoded paths and everyone else's double encoding) are accepted, and the same
 *    requests with one thing changed are refused.
 * 2. Oracle: on arbitrary requests (signed or not), the signature the verifier expects equals
 *    the one smithy computes when it re-signs the request the way the verifier did before it was
 *    hand-written (signed headers only, at the request's x-amz-date, with the stored secret).
 * 3. Pieces: canonical path, query and header values equal smithy's own functions.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getCanonicalHeaders, getCanonicalQuery, SignatureV4 } from '@smithy/signature-v4';
import { canonicalHeaderValue, canonicalPath, canonicalQuery } from '../../src/local/auth/canonical.js';
import {
  AuthError,
  computeSignature,
  formatAmzDate,
  parseAmzDate,
  parseAuthorization,
  verifySignature,
} from '../../src/local/auth/sigv4.js';
import { parseQuery, parseQueryString, type LocalRequest } from '../../src/local/http.js';
import { mulberry32 } from '../helpers/mulberry32.js';
import { Sha256 } from '../../src/signing/sha256.js';

/** The same random requests on every run. */
function rng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof rng>;

const NOW = new Date('2026-11-25T10:00:00Z');
const SERVICES = ['s3', 's3', 'sagemaker', 'sagemaker', 'iam', 'sts', 'monitoring'] as const;
const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'] as const;
/** Characters that stress encoding: reserved, sub-delims smithy escapes, unicode, '%' and '+'. */
const ODD = [
  'a',
  'Z',
  '0',
  '-',
  '_',
  '.',
  '~',
  ' ',
  '+',
  '%',
  '!',
  "'",
  '(',
  ')',
  '*',
  '&',
  '=',
  '?',
  '#',
  ':',
  '@',
  ',',
  ';',
  '$',
  'é',
  '日',
  '😀',
  '/',
];

const text = (r: Rng, max: number, alphabet = ODD) =>
  Array.from({ length: 1 + r.int(max) }, () => r.pick(alphabet)).join('');

/** A path as it goes on the wire: segments percent-encoded (sometimes only partly), odd segments included. */
function wirePath(r: Rng): string {
  const segments = Array.from({ length: r.int(5) }, () => {
    const kind = r.int(10);
    if (kind === 0) return '';
    if (kind === 1) return '.';
    if (kind === 2) return '..';
    if (kind === 3) return 'a%2Fb'; // an encoded slash inside a segment
    if (kind === 4) return '%E2%82%AC%20x'; // already-encoded text
    if (kind === 5) return "it's(1)*!"; // sub-delims left raw, as some clients send them
    return encodeURIComponent(text(r, 6).replace(/\//g, ''));
  });
  return `/${segments.join('/')}${r.chance(0.2) ? '/' : ''}`;
}

interface Generated {
  request: LocalRequest;
  secret: string;
  sessionToken?: string;
}

/** Sign a random request with smithy exactly as the SDK does, and build the server's view of it. */
async function signedRequest(r: Rng): Promise<Generated> {
  const service = r.pick(SERVICES);
  const method = r.pick(METHODS);
  const path =
    service === 'sagemaker' && r.chance(0.5)
      ? `/endpoints/${text(r, 8, ['a', 'B', '1', '-'])}/invocations`
      : wirePath(r);
  const secret = text(r, 40, ['a', 'B', '7', '/', '+']);
  const sessionToken = r.chance(0.3) ? text(r, 60, ['A', 'z', '9', '/', '+', '=']) : undefined;
  // The client's query object: repeated keys as arrays, keys in no order.
  const query: Record<string, string | string[]> = {};
  for (let i = r.int(5); i > 0; i--) {
    const key = r.chance(0.2) ? 'x-id' : `k${text(r, 5)}`;
    const value = r.chance(0.15) ? '' : text(r, 8);
    const prev = query[key];
    query[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  const body = r.chance(0.3) ? '' : r.chance(0.5) ? text(r, 40) : JSON.stringify({ a: text(r, 10), n: r.int(1000) });
  const headers: Record<string, string> = { host: `127.0.0.1:${1000 + r.int(60000)}` };
  if (r.chance(0.7))
    headers['Content-Type'] = r.pick([
      'text/csv',
      'application/json',
      'application/x-amz-json-1.1',
      'text/csv; charset=utf-8',
    ]);
  if (r.chance(0.5)) headers['X-Amzn-SageMaker-Target-Model'] = `${text(r, 6, ['a', 'B', '_', '/'])}.tar.gz`;
  // Whitespace smithy folds: runs of spaces and tabs, ends, as a value may carry them.
  if (r.chance(0.5))
    headers['x-amz-meta-note'] = r.pick(['  lead', 'trail  ', 'in  the\t\tmiddle', ' \t both \t ', 'plain', 'a \t b']);
  if (r.chance(0.3)) headers['user-agent'] = 'aws-sdk-js/3 ua'; // never signed
  if (r.chance(0.5))
    headers['amz-sdk-invocation-id'] = `00000000-0000-4000-8000-${String(r.int(1e9)).padStart(12, '0')}`;
  if (r.chance(0.4)) headers['x-amz-target'] = 'SageMaker.ListModels';
  // S3 clients always send the payload hash (sometimes UNSIGNED-PAYLOAD); others sometimes do.
  if (service === 's3' || r.chance(0.3)) {
    headers['x-amz-content-sha256'] =
      service === 's3' && r.chance(0.2) ? 'UNSIGNED-PAYLOAD' : createHash('sha256').update(body).digest('hex');
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE12', secretAccessKey: secret, sessionToken },
    region: r.pick(['us-east-1', 'eu-west-3', 'ap-southeast-2']),
    service,
    sha256: Sha256,
    uriEscapePath: service !== 's3',
  });
  const signingDate = new Date(NOW.getTime() + (r.int(1200) - 600) * 1000);
  const signed = await signer.sign(
    { method, protocol: 'http:', hostname: '127.0.0.1', path, query, headers, body },
    { signingDate },
  );
  // On the wire: the query in some order (some values left with sub-delims raw); header names
  // lower-cased and values trimmed of spaces and tabs at the ends, as node's parser gives them.
  const pairs = Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, x] as const));
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
  }
  const rawQuery = pairs
    .map(([k, v]) => `${encodeURIComponent(k)}${v === '' && r.chance(0.5) ? '' : `=${encodeURIComponent(v)}`}`)
    .join('&');
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers))
    lower[k.toLowerCase()] = String(v).replace(/^[ \t]+|[ \t]+$/g, '');
  const request: LocalRequest = {
    method,
    rawPath: path,
    rawQuery,
    query: parseQuery(rawQuery),
    headers: lower,
    body: Buffer.from(body),
    receivedAt: NOW,
  };
  return { request, secret, sessionToken };
}

function verify(g: Generated): AuthError | undefined {
  try {
    verifySignature({
      request: g.request,
      auth: parseAuthorization(g.request.headers.authorization),
      secretAccessKey: g.secret,
      sessionToken: g.sessionToken,
      now: NOW,
    });
    return undefined;
  } catch (err) {
    if (err instanceof AuthError) return err;
    throw err;
  }
}

/** The verifier as it was before it was hand-written: re-sign the signed headers with smithy. */
async function oracleSignature(
  request: LocalRequest,
  secret: string,
  sessionToken: string | undefined,
): Promise<string> {
  const auth = parseAuthorization(request.headers.authorization);
  const signedHeaders: Record<string, string> = {};
  for (const name of auth.signedHeaders) signedHeaders[name] = request.headers[name]!;
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: secret, sessionToken },
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    uriEscapePath: auth.service !== 's3',
    applyChecksum: false,
  });
  const out = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: request.rawPath,
      query: parseQueryString(request.rawQuery),
      headers: signedHeaders,
      body: request.body,
    },
    { signingDate: parseAmzDate(request.headers['x-amz-date'])!, signableHeaders: new Set(auth.signedHeaders) },
  );
  return /Signature=([0-9a-f]{64})/.exec(String(out.headers.authorization))![1]!;
}

const CASES = 400;

describe('SigV4 verifier ≡ @smithy/signature-v4', () => {
  it(`accepts ${CASES} random requests signed by smithy, and refuses them changed`, async () => {
    const r = rng(42);
    const refused: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const g = await signedRequest(r);
      const err = verify(g);
      if (err)
        refused.push(`${g.request.method} ${g.request.rawPath}?${g.request.rawQuery}: ${err.failure} ${err.message}`);

      const signedNames = parseAuthorization(g.request.headers.authorization).signedHeaders.filter(
        (n) => !['host', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'].includes(n),
      );
      const tampered: Generated[] = [
        { ...g, secret: `${g.secret}x` },
        { ...g, request: { ...g.request, rawPath: `${g.request.rawPath}x` } },
        { ...g, request: { ...g.request, method: g.request.method === 'GET' ? 'PUT' : 'GET' } },
        { ...g, request: { ...g.request, rawQuery: g.request.rawQuery ? `${g.request.rawQuery}x` : 'x=1' } },
        { ...g, request: { ...g.request, headers: { ...g.request.headers, host: 'localhost:1' } } },
      ];
      if (signedNames.length > 0) {
        const name = signedNames[0]!;
        tampered.push({
          ...g,
          request: { ...g.request, headers: { ...g.request.headers, [name]: `${g.request.headers[name]}!` } },
        });
      }
      if (!g.request.headers['x-amz-content-sha256'])
        tampered.push({ ...g, request: { ...g.request, body: Buffer.concat([g.request.body, Buffer.from('!')]) } });
      for (const [k, t] of tampered.entries()) {
        if (!verify(t)) refused.push(`tampered #${k} of ${g.request.method} ${g.request.rawPath} was accepted`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('expects the signature smithy computes, on arbitrary requests', async () => {
    const r = rng(7);
    const mismatches: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const g = await signedRequest(r);
      const request = g.request;
      // Arbitrary changes a verifier must cope with: any path, query, header values, extra signed names.
      if (r.chance(0.3))
        request.rawPath = r.pick(['/a//b/./c/../d', '/%41%2f%zz', '/+ +', '/~user/é', `/${text(r, 6)}`, 'http://h/x']);
      if (r.chance(0.3))
        request.rawQuery = r.pick([
          'a=1&a=0&b',
          'b=2&a=1&a-b=0',
          '%zz=%',
          'X-Amz-Signature=abc&x=1',
          '&&k&k=&k=v',
          `q=${text(r, 5)}`,
        ]);
      const auth = parseAuthorization(request.headers.authorization);
      if (r.chance(0.2)) {
        // Unsorted, duplicated, with a date and authorization (smithy drops those two).
        request.headers.date = 'Wed, 25 Nov 2026 10:00:00 GMT';
        const list = [...auth.signedHeaders].reverse().concat(['host', 'date', 'authorization']).join(';');
        request.headers.authorization = request.headers.authorization!.replace(
          /SignedHeaders=[^,]+/,
          `SignedHeaders=${list}`,
        );
      }
      const parsed = parseAuthorization(request.headers.authorization);
      const secret = r.chance(0.2) ? 'another secret' : g.secret;
      const expected = await oracleSignature(request, secret, g.sessionToken);
      const amzDate = formatAmzDate(parseAmzDate(request.headers['x-amz-date'])!);
      const actual = computeSignature(request, parsed, secret, g.sessionToken, amzDate);
      if (actual !== expected)
        mismatches.push(`${request.method} ${request.rawPath}?${request.rawQuery} [${parsed.signedHeaderList}]`);
    }
    expect(mismatches).toEqual([]);
  });

  it('builds the canonical path, query and header values as smithy does', () => {
    const r = rng(3);
    const signers = {
      double: new SignatureV4({
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        region: 'r',
        service: 's',
        sha256: Sha256,
        uriEscapePath: true,
      }),
      single: new SignatureV4({
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        region: 'r',
        service: 's',
        sha256: Sha256,
        uriEscapePath: false,
      }),
    };
    const smithyPath = (signer: SignatureV4, path: string) =>
      (signer as unknown as { getCanonicalPath(req: { path: string }): string }).getCanonicalPath({ path });
    for (let i = 0; i < 2000; i++) {
      const path = r.chance(0.5) ? wirePath(r) : `/${text(r, 12)}`;
      expect(canonicalPath(path, true)).toBe(smithyPath(signers.double, path));
      expect(canonicalPath(path, false)).toBe(smithyPath(signers.single, path));

      const raw = Array.from({ length: r.int(6) }, () => {
        const key = r.chance(0.3)
          ? r.pick(['a', 'a-b', 'A', 'x-amz-signature', '%zz', ''])
          : encodeURIComponent(text(r, 4));
        return r.chance(0.2) ? key : `${key}=${r.chance(0.3) ? text(r, 4) : encodeURIComponent(text(r, 6))}`;
      }).join('&');
      // Keys are prefixed where they could be Object.prototype names ('constructor'…): the old
      // object-based path mishandled those, the Map-based one does not; smithy's function gets the object.
      if (!/(^|&)(constructor|toString|valueOf|__proto__|hasOwnProperty)(=|&|$)/.test(raw)) {
        expect(canonicalQuery(raw)).toBe(getCanonicalQuery({ query: parseQueryString(raw) } as never));
      }

      const value = text(r, 10, ['a', ' ', '\t', '\r', '\n', 'b', ' ']);
      expect(canonicalHeaderValue(value)).toBe(getCanonicalHeaders({ headers: { 'x-a': value } } as never)['x-a']);
    }
  });
});
