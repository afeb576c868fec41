/**
 * Who may talk to the console, decided from the request alone (pure; server.ts applies it). The
 * console runs beside the user's AWS credentials and acts with them, so every request must prove
 * it comes from the page the user opened:
 * - the token: random, in the URL printed at start, then in an HttpOnly SameSite=Strict cookie
 *   (another site's page cannot send it, and the page's script cannot read it);
 * - the Host header must be the console's own: a DNS-rebinding page (evil.example resolving to
 *   127.0.0.1) reaches the port, but its requests say `Host: evil.example`;
 * - actions (POST) carry the token in a header, which only the page itself can set;
 * - nothing else: no CORS headers are ever sent, so no other origin can read an answer.
 * A refusal is a status and a word, nothing of the console.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const COOKIE_NAME = 'mme_console';
export const TOKEN_HEADER = 'x-mme-console-token';
export const TOKEN_QUERY = 'token';

/** 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface RequestFacts {
  method: string;
  /** The request target: path and query. */
  url: string;
  host?: string;
  cookie?: string;
  /** The TOKEN_HEADER value. */
  tokenHeader?: string;
}

export type AccessDecision =
  | {
      ok: true;
      /** The token came in the URL: set the cookie and send the browser to the same path without it. */ fromQuery: boolean;
    }
  | { ok: false; status: 401 | 403 | 405; reason: string };

/** The Host values the console answers to: its own address and port, by IP or as localhost. */
export function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function checkAccess(req: RequestFacts, token: string, hosts: readonly string[]): AccessDecision {
  if (!req.host || !hosts.includes(req.host.toLowerCase())) return { ok: false, status: 403, reason: 'Forbidden' };
  if (req.method !== 'GET' && req.method !== 'POST') return { ok: false, status: 405, reason: 'Method Not Allowed' };
  const query = new URL(req.url, 'http://console').searchParams.get(TOKEN_QUERY);
  const cookie = cookieValue(req.cookie, COOKIE_NAME);
  if (req.method === 'POST') {
    // An action needs the header: a form or script on another site cannot set one, and only the
    // page knows the token (its HTML carries it, served only to requests that had it).
    if (!same(req.tokenHeader, token))
      return { ok: false, status: req.tokenHeader ? 403 : 401, reason: 'Unauthorized' };
    return { ok: true, fromQuery: false };
  }
  if (same(cookie, token) || same(req.tokenHeader, token)) return { ok: true, fromQuery: same(query, token) };
  if (same(query, token)) return { ok: true, fromQuery: true };
  const offered = query ?? cookie ?? req.tokenHeader;
  return offered === undefined || offered === null
    ? { ok: false, status: 401, reason: 'Unauthorized' }
    : { ok: false, status: 403, reason: 'Forbidden' };
}

/** The Set-Cookie of the token: for this origin's paths, never readable by script, never sent cross-site. */
export function tokenCookie(token: string): string {
  return `${COOKIE_NAME}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** Constant-time comparison: the time to refuse says nothing of how much of the token was right. */
function same(offered: string | null | undefined, token: string): boolean {
  if (typeof offered !== 'string') return false;
  const a = Buffer.from(offered);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
