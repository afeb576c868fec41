/**
 * The local cloud's request and response, independent of node:http. The server adapter turns an
 * IncomingMessage into a LocalRequest (body fully read) and writes a LocalResponse back; the rest
 * of the local cloud is `handle(LocalRequest) → LocalResponse` and is tested without a port.
 */
import type { Readable } from 'node:stream';

export interface LocalRequest {
  method: string;
  /** The raw request path, still percent-encoded exactly as received (SigV4 needs it so). */
  rawPath: string;
  /** The raw query string without '?', still encoded. */
  rawQuery: string;
  /** Decoded query parameters; a key given twice keeps the last value (AWS APIs never repeat). */
  query: Record<string, string>;
  /** Header names lower-cased; repeated headers joined with ',' as node does. */
  headers: Record<string, string>;
  body: Buffer;
  /** When the request arrived (the injected clock, so tests are deterministic). */
  receivedAt: Date;
}

type ResponseBody = Buffer | string | Readable | undefined;

export interface LocalResponse {
  status: number;
  headers: Record<string, string>;
  body?: ResponseBody;
}

/**
 * Decode a raw query string as AWS does: '+' stays '+' (SigV4 clients encode a space as %20),
 * and a key given more than once keeps every value.
 */
export function parseQueryString(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  if (!rawQuery) return query;
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    const prev = query[key];
    query[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return query;
}

/** The same, one value a key (the last): AWS APIs never repeat a parameter. */
export function parseQuery(rawQuery: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(parseQueryString(rawQuery))) {
    query[key] = Array.isArray(value) ? value[value.length - 1]! : value;
  }
  return query;
}

/** decodeURIComponent that leaves malformed escapes as they are instead of throwing. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
