/**
 * The pieces of a SigV4 canonical request, built straight from the raw request as
 * @smithy/signature-v4 (the signer of the JS SDK) builds them from the request it signs:
 *
 *   METHOD \n canonical path \n canonical query \n name:value \n … \n \n name;name;… \n payload hash
 *
 * Every function here mirrors one of smithy's (named in its comment), character for character;
 * test/local/sigv4-differential.test.ts signs random requests with smithy and checks that the
 * verifier agrees. The hot cases (a plain path, no query, plain header values) take fast paths
 * that give the same strings without the general machinery.
 */
import { safeDecode } from '../http.js';

const hexEncode = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;

/** smithy `escapeUri`: RFC 3986 encoding (encodeURIComponent plus ! ' ( ) *). */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, hexEncode);
}

/** Segments that need neither normalisation nor escaping: the canonical path is the path itself. */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/?$/;

/**
 * smithy `getCanonicalPath`. S3 signs the path as sent (single-encoded, `doubleEncode` false);
 * every other service normalises `.`/`..`/empty segments and escapes the still-encoded path again.
 */
export function canonicalPath(rawPath: string, doubleEncode: boolean): string {
  if (rawPath.charCodeAt(0) !== 0x2f) rawPath = `/${rawPath}`; // smithy's HttpRequest does this (absolute-form URLs, '*')
  if (!doubleEncode) return rawPath;
  if (PLAIN_PATH.test(rawPath)) return rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment.length === 0 || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${rawPath.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/**
 * smithy `getCanonicalQuery` over the query as the server decodes it (http.ts parseQueryString:
 * keys and values percent-decoded, '+' kept, a key given twice keeps every value): keys escaped
 * and sorted, a repeated key's `key=value` pairs sorted among themselves, X-Amz-Signature left out.
 */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery.length === 0) return '';
  const byKey = new Map<string, string[]>();
  for (const part of rawQuery.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const key = safeDecode(eq < 0 ? part : part.slice(0, eq));
    if (key.toLowerCase() === 'x-amz-signature') continue;
    const value = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    const encodedKey = escapeUri(key);
    const pair = `${encodedKey}=${escapeUri(value)}`;
    const list = byKey.get(encodedKey);
    if (list) list.push(pair);
    else byKey.set(encodedKey, [pair]);
  }
  const keys = [...byKey.keys()].sort();
  let out = '';
  for (const key of keys) {
    const list = byKey.get(key)!;
    if (list.length > 1) list.sort();
    out += (out.length === 0 ? '' : '&') + list.join('&');
  }
  return out;
}

/** Anything the header-value canonicalisation would change. */
const NEEDS_FOLDING = /[\r\n\t]| {2}|^ | $/;

/**
 * smithy `getCanonicalHeaders`, one value: CR/LF to spaces, runs of spaces and tabs to one, ends
 * trimmed of one space.
 */
export function canonicalHeaderValue(value: string): string {
  if (!NEEDS_FOLDING.test(value)) return value;
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

/**
 * The header names a signature covers, as smithy signs them on the server's side: the request's
 * SignedHeaders (deduplicated), less `authorization` and `date` (smithy's prepareRequest drops
 * them), plus `x-amz-date` (set from the signing date) and, for temporary credentials,
 * `x-amz-security-token`; sorted by code unit, as smithy's `Object.keys().sort()` does.
 */
export interface HeaderPlan {
  /** Sorted canonical header names. */
  names: readonly string[];
  /** `names.join(';')`: the canonical request's signed-headers line. */
  list: string;
}

const planCache = new Map<string, HeaderPlan>();
const PLAN_CACHE_LIMIT = 1000;

export function headerPlan(signedHeaders: string, withToken: boolean): HeaderPlan {
  const cacheKey = withToken ? `${signedHeaders}\0t` : signedHeaders;
  let plan = planCache.get(cacheKey);
  if (plan) return plan;
  const names = new Set(signedHeaders.split(';'));
  names.delete('authorization');
  names.delete('date');
  names.add('x-amz-date');
  if (withToken) names.add('x-amz-security-token');
  const sorted = [...names].sort();
  plan = { names: sorted, list: sorted.join(';') };
  if (planCache.size >= PLAN_CACHE_LIMIT) planCache.clear();
  planCache.set(cacheKey, plan);
  return plan;
}
