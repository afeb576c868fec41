/**
 * What every IAM handler gets, and the errors and ARNs they share.
 */
import { ServiceError } from '../../service-error.js';
import type { OperationCall } from '../../protocols/operations.js';
import type { PrincipalKind } from './principal-kinds.js';
import type { IamState } from './state.js';
import type { RoleRecord, UserRecord } from './types.js';

export interface IamContext {
  /** The request, with the operation's IAM action bound (`authorizeOperation`). */
  call: OperationCall;
  params: Record<string, string>;
  state: IamState;
  now: () => Date;
  /** AROA…/ANPA… ids (injectable for deterministic tests). */
  newId: (prefix: string) => string;
}

export const policyArn = (accountId: string, path: string, name: string): string =>
  `arn:aws:iam::${accountId}:policy${path}${name}`;

// Status codes as IAM sends them (the SDK names errors by code; statuses matter to retries).
export const noSuchEntity = (message: string): ServiceError => new ServiceError('NoSuchEntity', message, 404);
export const alreadyExists = (message: string): ServiceError => new ServiceError('EntityAlreadyExists', message, 409);
export const deleteConflict = (message: string): ServiceError => new ServiceError('DeleteConflict', message, 409);
export const limitExceeded = (message: string): ServiceError => new ServiceError('LimitExceeded', message, 409);

/**
 * Authorize the operation on a role or user, then find it. IAM checks permission before
 * existence: a caller without iam:GetRole learns nothing about which roles exist (AccessDenied
 * either way). The principal's own tags are aws:ResourceTag/… (and the older iam:ResourceTag/…)
 * condition keys.
 */
export function authorizedPrincipal<R extends RoleRecord | UserRecord>(
  ctx: IamContext,
  kind: PrincipalKind<R>,
  name: string,
  context: Record<string, string | string[]> = {},
): R {
  const found = kind.find(ctx.state, name);
  const tagContext: Record<string, string> = {};
  for (const t of found?.tags ?? [])
    tagContext[`aws:ResourceTag/${t.Key}`] = tagContext[`iam:ResourceTag/${t.Key}`] = t.Value;
  ctx.call.authorizeOperation(found?.arn ?? kind.arn(ctx.state.accountId, '/', name), { ...tagContext, ...context });
  if (!found) throw noSuchEntity(`The ${kind.noun} with name ${name} cannot be found.`);
  return found;
}

/**
 * Marker/MaxItems paging as IAM does it: MaxItems 1..1000 (default 100), an opaque Marker (here
 * the base64url of the last item's key; keys must be unique).
 */
export function page<T>(
  items: T[],
  keyOf: (item: T) => string,
  params: Record<string, string>,
): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const raw = params.MaxItems;
  const max = raw === undefined ? 100 : Number(raw);
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw new ServiceError(
      'ValidationError',
      `1 validation error detected: Value '${raw}' at 'maxItems' failed to satisfy constraint: Member must have value ${max < 1 ? 'greater than or equal to 1' : 'less than or equal to 1000'}`,
    );
  }
  let start = 0;
  if (params.Marker !== undefined) {
    const after = Buffer.from(params.Marker, 'base64url').toString('utf8');
    // Resume after the last item returned; if it has gone since, after where it sorted.
    const last = items.findIndex((item) => keyOf(item) === after);
    start = last >= 0 ? last + 1 : items.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + max);
  const truncated = start + max < items.length;
  return truncated
    ? {
        items: slice,
        IsTruncated: true,
        Marker: Buffer.from(keyOf(slice[slice.length - 1]!), 'utf8').toString('base64url'),
      }
    : { items: slice, IsTruncated: false };
}
