/**
 * DescribeLogGroups, DescribeLogStreams, GetLogEvents and FilterLogEvents over the log-event
 * store, with CloudWatch Logs' shapes, limits, tokens and errors (docs/aws-behaviour.md#logs).
 * Each operation reads its input first (InvalidParameterException before anything else), names
 * the resource it acts on for the authorizer, then runs. Pure over the store: no I/O.
 */
import { logGroupArn } from '../../../aws-names/arns.js';
import type { Operation } from '../../protocols/operations.js';
import { ServiceError } from '../../service-error.js';
import { compareEvents, compareNames, eventBytes, type LogEvent, type LogEventStore } from '../../store/log-events.js';
import { Validator, type Json } from '../sagemaker/validation.js';
import { matchesFilter, parseFilterPattern } from './filter-pattern.js';

/** What a response may carry, as CloudWatch Logs bounds it: 1 MB of events, 10,000 events. */
const MAX_RESPONSE_BYTES = 1_048_576;
const MAX_EVENTS = 10_000;
const MAX_LIST = 50;
const LOG_GROUP_PATTERN = '[\\.\\-_/#A-Za-z0-9]+';
const LOG_STREAM_PATTERN = '[^:*]*';

/** What every operation gets: the log-event store and the caller's region and account. */
export interface LogsContext {
  store: LogEventStore;
  region: string;
  accountId: string;
}

type Scope = Pick<LogsContext, 'region' | 'accountId'>;

/** A Logs operation: its input checks (`input`), the resource it acts on, its handler (`run`). */
type LogsOperation<R> = Operation<LogsContext, Json, R, object> & {
  input(ctx: LogsContext, raw: Json): R;
  resource(ctx: LogsContext, request: R): string;
};

const invalidParameter = (message: string) => new ServiceError('InvalidParameterException', message);
const groupNotFound = () => new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
const streamNotFound = () => new ServiceError('ResourceNotFoundException', 'The specified log stream does not exist.');
// Our wording: AWS's message for a token it did not issue is not public.
const invalidToken = () => invalidParameter('The specified nextToken is invalid.');

/** The model's constraint failures, as CloudWatch Logs reports them (InvalidParameterException). */
function check(v: Validator): void {
  try {
    v.check();
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'ValidationException') throw invalidParameter(err.message);
    throw err;
  }
}

/** logGroupName, or logGroupIdentifier (a name or a log group ARN, with or without `:*`). */
function readGroup(v: Validator, input: Json): string {
  const name = v.string(input.logGroupName, 'logGroupName', { min: 1, max: 512, pattern: LOG_GROUP_PATTERN });
  const identifier = v.string(input.logGroupIdentifier, 'logGroupIdentifier', { min: 1, max: 2048 });
  check(v);
  // Our wording for both (AWS's own is not public).
  if (name !== undefined && identifier !== undefined)
    throw invalidParameter('logGroupName and logGroupIdentifier are mutually exclusive parameters.');
  if (identifier !== undefined)
    return /^arn:[^:]+:logs:[^:]*:\d{12}:log-group:(.+?)(?::\*)?$/.exec(identifier)?.[1] ?? identifier;
  if (name === undefined) throw invalidParameter('Either logGroupName or logGroupIdentifier is required.');
  return name;
}

const groupResource = (scope: Scope, group: string) => `${logGroupArn(scope.region, scope.accountId, group)}:*`;

/** Name-ordered listings page by the last name returned. */
function encodeKey(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeKey<T>(token: string | undefined, valid: (key: unknown) => key is T): T | undefined {
  if (token === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  if (!valid(key)) throw invalidToken();
  return key;
}

const isString = (k: unknown): k is string => typeof k === 'string';

interface DescribeGroups {
  prefix?: string;
  pattern?: string;
  limit: number;
  after?: string;
}

export const describeLogGroups: LogsOperation<DescribeGroups> = {
  action: 'logs:DescribeLogGroups',
  input(_ctx, input) {
    const v = new Validator();
    const prefix = v.string(input.logGroupNamePrefix, 'logGroupNamePrefix', {
      min: 1,
      max: 512,
      pattern: LOG_GROUP_PATTERN,
    });
    const pattern = v.string(input.logGroupNamePattern, 'logGroupNamePattern', {
      max: 512,
      pattern: '[\\.\\-_/#A-Za-z0-9]*',
    });
    const limit = v.integer(input.limit, 'limit', { min: 1, max: MAX_LIST }) ?? MAX_LIST;
    const token = v.string(input.nextToken, 'nextToken', { min: 1 });
    check(v);
    // Our wording (AWS's own is not public).
    if (prefix !== undefined && pattern !== undefined)
      throw invalidParameter('logGroupNamePrefix and logGroupNamePattern are mutually exclusive parameters.');
    return { prefix, pattern, limit, after: decodeKey(token, isString) };
  },
  // AWS checks DescribeLogGroups on this odd resource, whatever the prefix (terraform-provider-aws#8804).
  resource: (scope, _r) => `${logGroupArn(scope.region, scope.accountId, '')}:log-stream:`,
  run(scope, request) {
    const store = scope.store;
    // logGroupNamePattern: a case-sensitive substring of the name.
    const all = store
      .groups()
      .filter(
        (g) =>
          (request.prefix === undefined || g.name.startsWith(request.prefix)) &&
          (request.pattern === undefined || g.name.includes(request.pattern)) &&
          (request.after === undefined || g.name > request.after),
      );
    const page = all.slice(0, request.limit);
    return {
      logGroups: page.map((g) => ({
        logGroupName: g.name,
        creationTime: g.creationTime,
        metricFilterCount: 0,
        arn: `${logGroupArn(scope.region, scope.accountId, g.name)}:*`,
        storedBytes: g.storedBytes,
        logGroupClass: 'STANDARD',
        logGroupArn: logGroupArn(scope.region, scope.accountId, g.name),
      })),
      ...(all.length > page.length ? { nextToken: encodeKey(page.at(-1)!.name) } : {}),
    };
  },
};

interface DescribeStreams {
  group: string;
  prefix?: string;
  byTime: boolean;
  descending: boolean;
  limit: number;
  after?: [number, string];
}

const isTimeKey = (k: unknown): k is [number, string] =>
  Array.isArray(k) && k.length === 2 && typeof k[0] === 'number' && typeof k[1] === 'string';

export const describeLogStreams: LogsOperation<DescribeStreams> = {
  action: 'logs:DescribeLogStreams',
  input(_ctx, input) {
    const v = new Validator();
    const prefix = v.string(input.logStreamNamePrefix, 'logStreamNamePrefix', {
      min: 1,
      max: 512,
      pattern: LOG_STREAM_PATTERN,
    });
    const orderBy = v.string(input.orderBy, 'orderBy', { enum: ['LogStreamName', 'LastEventTime'] }) ?? 'LogStreamName';
    const descending = v.boolean(input.descending, 'descending') ?? false;
    const limit = v.integer(input.limit, 'limit', { min: 1, max: MAX_LIST }) ?? MAX_LIST;
    const token = v.string(input.nextToken, 'nextToken', { min: 1 });
    const group = readGroup(v, input);
    if (orderBy === 'LastEventTime' && prefix !== undefined)
      throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
    return {
      group,
      prefix,
      byTime: orderBy === 'LastEventTime',
      descending,
      limit,
      after: decodeKey(token, isTimeKey),
    };
  },
  resource: (scope, r) => groupResource(scope, r.group),
  run(scope, request) {
    const store = scope.store;
    const streams = store.streams(request.group);
    if (!streams) throw groupNotFound();
    const key = (s: { name: string; lastEventTimestamp?: number }): [number, string] => [
      request.byTime ? (s.lastEventTimestamp ?? 0) : 0,
      s.name,
    ];
    const sign = request.descending ? -1 : 1;
    const compare = (a: [number, string], b: [number, string]) => sign * (a[0] - b[0] || compareNames(a[1], b[1]));
    const all = streams
      .filter((s) => request.prefix === undefined || s.name.startsWith(request.prefix))
      .sort((a, b) => compare(key(a), key(b)))
      .filter((s) => request.after === undefined || compare(key(s), request.after) > 0);
    const page = all.slice(0, request.limit);
    const arn = logGroupArn(scope.region, scope.accountId, request.group);
    return {
      logStreams: page.map((s) => ({
        logStreamName: s.name,
        creationTime: s.creationTime,
        firstEventTimestamp: s.firstEventTimestamp,
        lastEventTimestamp: s.lastEventTimestamp,
        lastIngestionTime: s.lastIngestionTime,
        arn: `${arn}:log-stream:${s.name}`,
        // CloudWatch Logs reports 0 here since 2019 (the field is deprecated for streams).
        storedBytes: 0,
      })),
      ...(all.length > page.length ? { nextToken: encodeKey(key(page.at(-1)!)) } : {}),
    };
  },
};

/** A position between events: (timestamp, seq). Events have seq ≥ 1, so (t, 0) is before every event at t. */
interface Cursor {
  timestamp: number;
  seq: number;
}
const MIN: Cursor = { timestamp: 0, seq: 0 };
const MAX: Cursor = { timestamp: 9_999_999_999_999, seq: 0 };

function encodeCursor(direction: 'f' | 'b', c: Cursor): string {
  return `${direction}/${String(c.timestamp).padStart(14, '0')}${String(c.seq).padStart(16, '0')}`;
}

function decodeCursor(token: string): { direction: 'f' | 'b'; cursor: Cursor } {
  const m = /^([fb])\/(\d{14})(\d{16})$/.exec(token);
  if (!m) throw invalidToken();
  return { direction: m[1] as 'f' | 'b', cursor: { timestamp: Number(m[2]), seq: Number(m[3]) } };
}

/** First index whose event is after `c` (binary search over the ordered events). */
function firstAfter(events: readonly LogEvent[], c: Cursor): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEvents(events[mid]!, c) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface GetEvents {
  group: string;
  stream: string;
  startTime?: number;
  endTime?: number;
  limit?: number;
  startFromHead: boolean;
  token?: string;
}

export const getLogEvents: LogsOperation<GetEvents> = {
  action: 'logs:GetLogEvents',
  input(_ctx, input) {
    const v = new Validator();
    const stream = v.string(input.logStreamName, 'logStreamName', {
      required: true,
      min: 1,
      max: 512,
      pattern: LOG_STREAM_PATTERN,
    });
    const startTime = v.integer(input.startTime, 'startTime', { min: 0 });
    const endTime = v.integer(input.endTime, 'endTime', { min: 0 });
    const limit = v.integer(input.limit, 'limit', { min: 1, max: MAX_EVENTS });
    const startFromHead = v.boolean(input.startFromHead, 'startFromHead') ?? false;
    const token = v.string(input.nextToken, 'nextToken', { min: 1 });
    const group = readGroup(v, input);
    if (token !== undefined) decodeCursor(token);
    return { group, stream: stream!, startTime, endTime, limit, startFromHead, token };
  },
  resource: (scope, r) => `${logGroupArn(scope.region, scope.accountId, r.group)}:log-stream:${r.stream}`,
  run({ store }, request) {
    const all = store.events(request.group, request.stream);
    if (!all) throw store.hasGroup(request.group) ? streamNotFound() : groupNotFound();
    // The time range first: startTime included, endTime excluded.
    const lo = request.startTime === undefined ? 0 : firstAfter(all, { timestamp: request.startTime, seq: 0 });
    const hi = request.endTime === undefined ? all.length : firstAfter(all, { timestamp: request.endTime, seq: 0 });
    const events = all.slice(lo, Math.max(lo, hi));
    // A token carries its direction; AWS asks callers to send startFromHead=true with a forward
    // token, the local cloud follows the token either way.
    const from = request.token
      ? decodeCursor(request.token)
      : request.startFromHead
        ? { direction: 'f' as const, cursor: MIN }
        : { direction: 'b' as const, cursor: MAX };
    const limit = request.limit ?? MAX_EVENTS;
    let page: LogEvent[];
    if (from.direction === 'f') {
      page = [];
      let bytes = 0;
      for (let i = firstAfter(events, from.cursor); i < events.length && page.length < limit; i++) {
        bytes += eventBytes(events[i]!.message);
        if (bytes > MAX_RESPONSE_BYTES && page.length > 0) break;
        page.push(events[i]!);
      }
    } else {
      // Events before the cursor: the first index at or after it ends the range.
      const end = firstAfter(events, { timestamp: from.cursor.timestamp, seq: from.cursor.seq - 1 });
      const taken: LogEvent[] = [];
      let bytes = 0;
      for (let i = end - 1; i >= 0 && taken.length < limit; i--) {
        bytes += eventBytes(events[i]!.message);
        if (bytes > MAX_RESPONSE_BYTES && taken.length > 0) break;
        taken.push(events[i]!);
      }
      page = taken.reverse();
    }
    let forward: string;
    let backward: string;
    if (page.length > 0) {
      forward = encodeCursor('f', page.at(-1)!);
      backward = encodeCursor('b', page[0]!);
    } else if (from.direction === 'f') {
      // At the end of the stream the forward token is the one sent: poll with it.
      forward = encodeCursor('f', from.cursor);
      backward = encodeCursor('b', { timestamp: from.cursor.timestamp, seq: from.cursor.seq + 1 });
    } else {
      backward = encodeCursor('b', from.cursor);
      forward = encodeCursor(
        'f',
        from.cursor.seq > 0
          ? { timestamp: from.cursor.timestamp, seq: from.cursor.seq - 1 }
          : { timestamp: from.cursor.timestamp, seq: 0 },
      );
      if (from.cursor === MAX) forward = encodeCursor('f', MIN);
    }
    return {
      events: page.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
      nextForwardToken: forward,
      nextBackwardToken: backward,
    };
  },
};

interface FilterEvents {
  group: string;
  streams?: string[];
  prefix?: string;
  startTime?: number;
  endTime?: number;
  limit: number;
  pattern: ReturnType<typeof parseFilterPattern>;
  after?: [number, string, number];
}

const isFilterKey = (k: unknown): k is [number, string, number] =>
  Array.isArray(k) &&
  k.length === 3 &&
  typeof k[0] === 'number' &&
  typeof k[1] === 'string' &&
  typeof k[2] === 'number';

/** An eventId of digits, unique per event: its time, its stream, its arrival number. */
function eventId(streamName: string, e: LogEvent): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < streamName.length; i++) h = Math.imul(h ^ streamName.charCodeAt(i), 0x01000193) >>> 0;
  return `${String(e.timestamp).padStart(14, '0')}${String(h).padStart(10, '0')}${String(e.seq).padStart(16, '0')}`;
}

export const filterLogEvents: LogsOperation<FilterEvents> = {
  action: 'logs:FilterLogEvents',
  input(_ctx, input) {
    const v = new Validator();
    const streams = v.list(input.logStreamNames, 'logStreamNames', { min: 1, max: 100 });
    const names = streams?.map(
      (s, i) => v.string(s, `logStreamNames.${i + 1}.member`, { min: 1, max: 512, pattern: LOG_STREAM_PATTERN }) ?? '',
    );
    const prefix = v.string(input.logStreamNamePrefix, 'logStreamNamePrefix', {
      min: 1,
      max: 512,
      pattern: LOG_STREAM_PATTERN,
    });
    const startTime = v.integer(input.startTime, 'startTime', { min: 0 });
    const endTime = v.integer(input.endTime, 'endTime', { min: 0 });
    const filterPattern = v.string(input.filterPattern, 'filterPattern', { max: 1024 });
    const limit = v.integer(input.limit, 'limit', { min: 1, max: MAX_EVENTS }) ?? MAX_EVENTS;
    const token = v.string(input.nextToken, 'nextToken', { min: 1 });
    const group = readGroup(v, input);
    if (names && prefix !== undefined)
      throw invalidParameter('You cannot specify both logStreamNames and logStreamNamePrefix.');
    return {
      group,
      streams: names,
      prefix,
      startTime,
      endTime,
      limit,
      pattern: parseFilterPattern(filterPattern),
      after: decodeKey(token, isFilterKey),
    };
  },
  resource: (scope, r) => groupResource(scope, r.group),
  run({ store }, request) {
    const streams = store.streams(request.group);
    if (!streams) throw groupNotFound();
    const wanted = request.streams ? new Set(request.streams) : undefined;
    const matched: { stream: string; event: LogEvent }[] = [];
    for (const s of streams) {
      if (wanted && !wanted.has(s.name)) continue;
      if (request.prefix !== undefined && !s.name.startsWith(request.prefix)) continue;
      for (const event of store.events(request.group, s.name) ?? []) {
        if (request.startTime !== undefined && event.timestamp < request.startTime) continue;
        if (request.endTime !== undefined && event.timestamp >= request.endTime) continue;
        if (!matchesFilter(request.pattern, event.message)) continue;
        matched.push({ stream: s.name, event });
      }
    }
    const compare = (a: [number, string, number], b: [number, string, number]) =>
      a[0] - b[0] || compareNames(a[1], b[1]) || a[2] - b[2];
    const key = (m: { stream: string; event: LogEvent }): [number, string, number] => [
      m.event.timestamp,
      m.stream,
      m.event.seq,
    ];
    matched.sort((a, b) => compare(key(a), key(b)));
    const start = request.after ? matched.findIndex((m) => compare(key(m), request.after!) > 0) : 0;
    const rest = start < 0 ? [] : matched.slice(start);
    const page: typeof matched = [];
    let bytes = 0;
    for (const m of rest) {
      if (page.length >= request.limit) break;
      bytes += eventBytes(m.event.message);
      if (bytes > MAX_RESPONSE_BYTES && page.length > 0) break;
      page.push(m);
    }
    return {
      events: page.map((m) => ({
        logStreamName: m.stream,
        timestamp: m.event.timestamp,
        message: m.event.message,
        ingestionTime: m.event.ingestionTime,
        eventId: eventId(m.stream, m.event),
      })),
      ...(rest.length > page.length ? { nextToken: encodeKey(key(page.at(-1)!)) } : {}),
    };
  },
};
