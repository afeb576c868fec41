/**
 * The List* operations' shared semantics: NameContains (case-insensitive, as the console and API
 * behave), StatusEquals, Creation/LastModifiedTime After/Before (strict), SortBy, SortOrder
 * (default CreationTime, Descending), MaxResults (1–100, default 10) and an opaque NextToken.
 *
 * The token is the offset of the next item, tied to the filter it was issued for: reusing a
 * token with other filters is refused, as AWS refuses a token from another request.
 */
import { createHash } from 'node:crypto';
import { validationError, Validator, type Json } from './validation.js';

export interface ListFields {
  name: string;
  creationTime: Date;
  lastModifiedTime?: Date;
  status?: string;
}

export interface ListOptions {
  sortBy: readonly string[];
  statuses?: readonly string[];
  /** ListModels has no LastModifiedTime filters. */
  lastModified?: boolean;
}

const SORT_ORDERS = ['Ascending', 'Descending'];

function fingerprint(input: Json): string {
  const { NextToken: _t, MaxResults: _m, ...filters } = input;
  return createHash('sha256').update(JSON.stringify(filters)).digest('hex').slice(0, 16);
}

function encodeToken(offset: number, print: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: print })).toString('base64url');
}

function decodeToken(token: string, print: string): number {
  try {
    const { o, f } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o: unknown; f: unknown };
    if (Number.isInteger(o) && (o as number) >= 0 && f === print) return o as number;
  } catch {
    // fall through
  }
  throw validationError('Invalid pagination token: NextToken does not belong to this request; start again without it.');
}

export function listPage<T>(
  items: T[],
  fields: (item: T) => ListFields,
  input: Json,
  options: ListOptions,
): { page: T[]; nextToken?: string } {
  const v = new Validator();
  const nameContains = v.string(input.NameContains, 'nameContains', { max: 63, pattern: '[a-zA-Z0-9\\-]+' });
  const status = options.statuses
    ? v.string(input.StatusEquals, 'statusEquals', { enum: options.statuses })
    : undefined;
  const sortBy = v.string(input.SortBy, 'sortBy', { enum: options.sortBy }) ?? 'CreationTime';
  const sortOrder = v.string(input.SortOrder, 'sortOrder', { enum: SORT_ORDERS }) ?? 'Descending';
  const maxResults = v.integer(input.MaxResults, 'maxResults', { min: 1, max: 100 }) ?? 10;
  const token = v.string(input.NextToken, 'nextToken', { max: 8192 });
  const createdAfter = v.timestamp(input.CreationTimeAfter, 'creationTimeAfter');
  const createdBefore = v.timestamp(input.CreationTimeBefore, 'creationTimeBefore');
  const modifiedAfter = options.lastModified
    ? v.timestamp(input.LastModifiedTimeAfter, 'lastModifiedTimeAfter')
    : undefined;
  const modifiedBefore = options.lastModified
    ? v.timestamp(input.LastModifiedTimeBefore, 'lastModifiedTimeBefore')
    : undefined;
  v.check();

  const needle = nameContains?.toLowerCase();
  const matching = items.filter((item) => {
    const f = fields(item);
    const modified = (f.lastModifiedTime ?? f.creationTime).getTime();
    return (
      (needle === undefined || f.name.toLowerCase().includes(needle)) &&
      (status === undefined || f.status === status) &&
      (createdAfter === undefined || f.creationTime.getTime() > createdAfter.getTime()) &&
      (createdBefore === undefined || f.creationTime.getTime() < createdBefore.getTime()) &&
      (modifiedAfter === undefined || modified > modifiedAfter.getTime()) &&
      (modifiedBefore === undefined || modified < modifiedBefore.getTime())
    );
  });
  const key = (f: ListFields): string | number =>
    sortBy === 'Name' ? f.name : sortBy === 'Status' ? (f.status ?? '') : f.creationTime.getTime();
  const sign = sortOrder === 'Ascending' ? 1 : -1;
  // Ties (same second, same status) are broken by name so that pages never overlap.
  matching.sort((a, b) => {
    const fa = fields(a);
    const fb = fields(b);
    const ka = key(fa);
    const kb = key(fb);
    const primary = ka < kb ? -1 : ka > kb ? 1 : 0;
    return sign * (primary !== 0 ? primary : fa.name < fb.name ? -1 : fa.name > fb.name ? 1 : 0);
  });

  const print = fingerprint(input);
  const start = token === undefined ? 0 : decodeToken(token, print);
  const page = matching.slice(start, start + maxResults);
  const next = start + maxResults;
  return { page, nextToken: next < matching.length ? encodeToken(next, print) : undefined };
}
