/**
 * The local cloud's log events, by log group and log stream, as CloudWatch Logs keeps them
 * (docs/aws-behaviour.md#logs): jobs and endpoints write their containers' lines here, the
 * CloudWatch Logs service (services/logs) reads them.
 *
 * Order: a stream's events are kept in (timestamp, arrival) order; `seq` counts arrivals per
 * stream and never repeats, so readers' tokens stay valid when old events are dropped.
 *
 * Bound: each stream keeps its newest events up to `maxStreamBytes` (default 1 MiB, counted as
 * CloudWatch counts an event: its UTF-8 bytes plus 26), dropping the oldest first, so a load
 * test writing an error per invocation cannot fill the disk. AWS keeps every event (log groups
 * never expire by default); the local cloud is a development tool and keeps the recent ones.
 *
 * Files: `{dir}/{hash of group}/group.json` ({name, creationTime}) and one JSON-lines file per
 * stream, `{hash of stream}.jsonl`: a header line ({stream, creationTime}) then one line per
 * event ({t, i, s, m}). Appends are batched per stream; when a file grows past twice the bound
 * it is rewritten (atomically) with the events kept, so a stream's file stays under 2 MiB. A
 * torn last line (a crash mid-append) is skipped on load. Hashed names: group and stream names
 * may be 512 characters and hold any of `/ # . _ -`, file names may not.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from '../../util/fs.js';

export interface LogEvent {
  /** Epoch milliseconds: when the line was written. */
  readonly timestamp: number;
  /** Epoch milliseconds: when the store received it. */
  readonly ingestionTime: number;
  /** Arrival number within the stream, from 1. */
  readonly seq: number;
  readonly message: string;
}

export interface LogStreamInfo {
  name: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  /** Bytes of the events kept (CloudWatch's measure). */
  storedBytes: number;
}

export interface LogGroupInfo {
  name: string;
  creationTime: number;
  storedBytes: number;
}

/** CloudWatch Logs counts an event's size as its message's UTF-8 bytes plus 26. */
const EVENT_OVERHEAD_BYTES = 26;
export const eventBytes = (message: string) => Buffer.byteLength(message, 'utf8') + EVENT_OVERHEAD_BYTES;

const DEFAULT_MAX_STREAM_BYTES = 1024 * 1024;

interface Stream {
  readonly name: string;
  readonly creationTime: number;
  events: LogEvent[];
  bytes: number;
  lastSeq: number;
  lastIngestionTime?: number;
  /** Lines waiting to be appended to the file, and whether a write is under way. */
  pending: string[];
  writing?: Promise<void>;
  fileBytes: number;
  file?: string;
}

interface Group {
  readonly name: string;
  readonly creationTime: number;
  readonly streams: Map<string, Stream>;
  dir?: string;
  /** group.json written (or being written). */
  saved?: Promise<void>;
}

export interface LogEventStoreOptions {
  /** Where events persist; in memory only when omitted. */
  dir?: string;
  now?: () => Date;
  maxStreamBytes?: number;
  /** Told when a write fails (logging never fails the caller). */
  onError?: (err: unknown) => void;
}

const hashName = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 32);

export class LogEventStore {
  private readonly groupsByName = new Map<string, Group>();
  private readonly now: () => Date;
  private readonly maxStreamBytes: number;
  private readonly onError: (err: unknown) => void;

  constructor(private readonly options: LogEventStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.maxStreamBytes = options.maxStreamBytes ?? DEFAULT_MAX_STREAM_BYTES;
    this.onError = options.onError ?? (() => {});
  }

  /** Load what earlier runs wrote. Call once, before the first `put`. */
  async open(): Promise<void> {
    const dir = this.options.dir;
    if (!dir) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const groupDir = join(dir, entry.name);
      const meta = await readJsonFile<{ name: string; creationTime: number }>(join(groupDir, 'group.json')).catch(
        () => undefined,
      );
      if (!meta || typeof meta.name !== 'string') continue;
      const group: Group = {
        name: meta.name,
        creationTime: meta.creationTime,
        streams: new Map(),
        dir: groupDir,
        saved: Promise.resolve(),
      };
      this.groupsByName.set(group.name, group);
      for (const file of await readdir(groupDir)) {
        if (!file.endsWith('.jsonl')) continue;
        const stream = await this.loadStream(join(groupDir, file));
        if (stream) group.streams.set(stream.name, stream);
      }
    }
  }

  private async loadStream(file: string): Promise<Stream | undefined> {
    const text = await readFile(file, 'utf8').catch(() => '');
    const lines = text.split('\n');
    let header: { stream?: unknown; creationTime?: unknown };
    try {
      header = JSON.parse(lines[0] ?? '') as typeof header;
    } catch {
      return undefined;
    }
    if (typeof header.stream !== 'string' || typeof header.creationTime !== 'number') return undefined;
    const stream: Stream = {
      name: header.stream,
      creationTime: header.creationTime,
      events: [],
      bytes: 0,
      lastSeq: 0,
      pending: [],
      fileBytes: (await stat(file)).size,
      file,
    };
    for (const line of lines.slice(1)) {
      if (line === '') continue;
      let e: { t: number; i: number; s: number; m: string };
      try {
        e = JSON.parse(line) as typeof e;
      } catch {
        continue; // a torn append
      }
      if (typeof e.m !== 'string' || typeof e.t !== 'number' || typeof e.s !== 'number') continue;
      this.insert(stream, { timestamp: e.t, ingestionTime: e.i, seq: e.s, message: e.m });
    }
    this.trim(stream);
    return stream;
  }

  /**
   * Append lines to a stream, creating the group and the stream on first use. `at` is the events'
   * timestamp (default now). Synchronous for the caller; the file write follows.
   */
  put(groupName: string, streamName: string, messages: readonly string[], at?: Date): void {
    if (messages.length === 0) return;
    const ingestion = this.now().getTime();
    const timestamp = at ? at.getTime() : ingestion;
    const group = this.ensureGroup(groupName, ingestion);
    const stream = this.ensureStream(group, streamName, ingestion);
    for (const message of messages) {
      const event: LogEvent = { timestamp, ingestionTime: ingestion, seq: ++stream.lastSeq, message };
      this.insert(stream, event);
      if (group.dir)
        stream.pending.push(
          JSON.stringify({ t: event.timestamp, i: event.ingestionTime, s: event.seq, m: event.message }),
        );
    }
    stream.lastIngestionTime = ingestion;
    this.trim(stream);
    if (group.dir) this.schedule(group, stream);
  }

  /** Make sure a stream exists (a job's stream from the job's start, even before its first line). */
  createStream(groupName: string, streamName: string): void {
    const at = this.now().getTime();
    const group = this.ensureGroup(groupName, at);
    const stream = this.ensureStream(group, streamName, at);
    if (group.dir) this.schedule(group, stream);
  }

  groups(): LogGroupInfo[] {
    return [...this.groupsByName.values()]
      .map((g) => ({
        name: g.name,
        creationTime: g.creationTime,
        storedBytes: [...g.streams.values()].reduce((n, s) => n + s.bytes, 0),
      }))
      .sort((a, b) => compareNames(a.name, b.name));
  }

  hasGroup(name: string): boolean {
    return this.groupsByName.has(name);
  }

  /** The group's streams in name order; undefined when the group does not exist. */
  streams(groupName: string): LogStreamInfo[] | undefined {
    const group = this.groupsByName.get(groupName);
    if (!group) return undefined;
    return [...group.streams.values()]
      .map((s) => ({
        name: s.name,
        creationTime: s.creationTime,
        storedBytes: s.bytes,
        lastIngestionTime: s.lastIngestionTime,
        firstEventTimestamp: s.events[0]?.timestamp,
        lastEventTimestamp: s.events.at(-1)?.timestamp,
      }))
      .sort((a, b) => compareNames(a.name, b.name));
  }

  /** A stream's events in order (the store's own array: do not modify). Undefined when unknown. */
  events(groupName: string, streamName: string): readonly LogEvent[] | undefined {
    return this.groupsByName.get(groupName)?.streams.get(streamName)?.events;
  }

  /** Wait for every write so far (tests, close). */
  async flush(): Promise<void> {
    for (const group of this.groupsByName.values()) {
      await group.saved;
      for (const stream of group.streams.values()) while (stream.writing) await stream.writing;
    }
  }

  private ensureGroup(name: string, at: number): Group {
    let group = this.groupsByName.get(name);
    if (!group) {
      group = { name, creationTime: at, streams: new Map() };
      if (this.options.dir) {
        group.dir = join(this.options.dir, hashName(name));
        group.saved = writeFileAtomic(
          join(group.dir, 'group.json'),
          JSON.stringify({ name, creationTime: at }) + '\n',
          0o600,
        ).catch(this.onError);
      }
      this.groupsByName.set(name, group);
    }
    return group;
  }

  private ensureStream(group: Group, name: string, at: number): Stream {
    let stream = group.streams.get(name);
    if (!stream) {
      stream = { name, creationTime: at, events: [], bytes: 0, lastSeq: 0, pending: [], fileBytes: 0 };
      group.streams.set(name, stream);
    }
    return stream;
  }

  /** Keep (timestamp, seq) order: appends are at the end unless the clock went back. */
  private insert(stream: Stream, event: LogEvent): void {
    const events = stream.events;
    let i = events.length;
    while (i > 0 && compareEvents(events[i - 1]!, event) > 0) i--;
    if (i === events.length) events.push(event);
    else events.splice(i, 0, event);
    stream.bytes += eventBytes(event.message);
    if (event.seq > stream.lastSeq) stream.lastSeq = event.seq;
  }

  private trim(stream: Stream): void {
    let drop = 0;
    while (stream.bytes > this.maxStreamBytes && drop < stream.events.length - 1) {
      stream.bytes -= eventBytes(stream.events[drop]!.message);
      drop++;
    }
    if (drop > 0) stream.events.splice(0, drop);
  }

  /** One write at a time per stream; lines that arrive meanwhile go in the next one. */
  private schedule(group: Group, stream: Stream): void {
    if (stream.writing) return;
    stream.writing = (async () => {
      try {
        await group.saved;
        while (stream.pending.length > 0 || !stream.file) {
          const lines = stream.pending.splice(0);
          await this.write(group, stream, lines);
        }
      } catch (err) {
        this.onError(err);
      } finally {
        stream.writing = undefined;
      }
    })();
  }

  private async write(group: Group, stream: Stream, lines: string[]): Promise<void> {
    const header = JSON.stringify({ stream: stream.name, creationTime: stream.creationTime });
    if (!stream.file) {
      stream.file = join(group.dir!, `${hashName(stream.name)}.jsonl`);
      await mkdir(group.dir!, { recursive: true });
      const text = [header, ...lines].join('\n') + '\n';
      await writeFileAtomic(stream.file, text, 0o600);
      stream.fileBytes = Buffer.byteLength(text);
      return;
    }
    const text = lines.map((l) => l + '\n').join('');
    if (stream.fileBytes + text.length > 2 * this.maxStreamBytes + header.length) {
      // Compact: the file keeps only the events the stream keeps.
      const kept = stream.events.map((e) =>
        JSON.stringify({ t: e.timestamp, i: e.ingestionTime, s: e.seq, m: e.message }),
      );
      const all = [header, ...kept].join('\n') + '\n';
      await writeFileAtomic(stream.file, all, 0o600);
      stream.fileBytes = Buffer.byteLength(all);
      return;
    }
    await appendFile(stream.file, text, { mode: 0o600 });
    stream.fileBytes += Buffer.byteLength(text);
  }
}

export function compareEvents(a: { timestamp: number; seq: number }, b: { timestamp: number; seq: number }): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

/** CloudWatch Logs lists groups and streams in ASCII (code unit) order. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
