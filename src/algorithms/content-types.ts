/**
 * Content-Type and Accept handling shared by the serving containers.
 *
 * SageMaker passes the invocation's Content-Type and Accept headers to the container. A missing
 * Accept, or `*\/*`, means "the container's default" (SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT in the
 * framework containers, application/json for both containers here). Parameters such as
 * `; charset=utf-8` are ignored, except `label_size` on training CSV, read by the caller.
 */
import { InferenceError } from './errors.js';

export interface MediaType {
  /** Lower-cased `type/subtype`. */
  essence: string;
  params: Record<string, string>;
}

export function parseMediaType(value: string): MediaType {
  const [head, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
  }
  return { essence: (head ?? '').trim().toLowerCase(), params };
}

/** The Content-Type's essence if it is one of `supported`, else a typed 415 error. */
export function requireContentType(contentType: string | undefined, supported: readonly string[]): string {
  const essence = parseMediaType(contentType ?? '').essence;
  if (!supported.includes(essence)) {
    throw new InferenceError(
      'UnsupportedContentType',
      `Content type '${contentType ?? ''}' is not supported; supported: ${supported.join(', ')}`,
    );
  }
  return essence;
}

/**
 * Choose the response type. Accept may list several types ("text/csv, application/json"); the
 * first supported one wins (q-values are not weighed: no SageMaker client sends them).
 */
export function negotiateAccept<T extends string>(
  accept: string | undefined,
  supported: readonly T[],
  defaultType: T,
): T {
  if (accept === undefined || accept.trim() === '') return defaultType;
  for (const part of accept.split(',')) {
    const essence = parseMediaType(part).essence;
    if (essence === '*/*') return defaultType;
    const hit = supported.find((s) => s === essence);
    if (hit) return hit;
  }
  throw new InferenceError(
    'UnsupportedAccept',
    `Accept '${accept}' is not supported; supported: ${supported.join(', ')}`,
  );
}
