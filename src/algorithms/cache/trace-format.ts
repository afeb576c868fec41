/**
 * A plain text trace format, so that request logs captured elsewhere (an access log, a
 * CloudWatch Logs export, a spreadsheet) can be replayed with a one-line awk:
 *
 *     # comments and blank lines are ignored
 *     modelKey[,sizeBytes[,loadMs]]
 *
 * One request per line. The key is everything before the first comma, trimmed (so keys cannot
 * contain commas; SageMaker target models in practice are S3 key paths like
 * `Chicago_IL/Chicago_IL.tar.gz`). sizeBytes is a positive integer, loadMs a number >= 0.
 *
 * Size and load time belong to the model: they may be given on any line for that key (usually
 * the first), and a later line that disagrees is an error rather than a silent overwrite,
 * because a replay with a model whose size changes half way is not measuring what one thinks.
 * Models never given a size or a load time take the defaults (1 byte and 1 ms, i.e. a count-
 * based cache where every miss costs the same).
 */
import { ExitCode, MmeError } from '../../errors.js';
import type { Trace } from './trace.js';

export class TraceFormatError extends MmeError {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super('InvalidTrace', `trace line ${line}: ${message}`, {
      exitCode: ExitCode.Usage,
      hint: 'Each line is modelKey[,sizeBytes[,loadMs]]; # starts a comment.',
    });
    this.name = 'TraceFormatError';
  }
}

export interface ParseTraceOptions {
  defaultSizeBytes?: number;
  defaultLoadMs?: number;
}

export function parseTrace(text: string, options: ParseTraceOptions = {}): Trace {
  const { defaultSizeBytes = 1, defaultLoadMs = 1 } = options;
  const keys: string[] = [];
  const sizes = new Map<string, number>();
  const loadCosts = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length > 3) throw new TraceFormatError(`expected at most 3 fields, got ${fields.length}`, n + 1);
    const [key, sizeField, costField] = fields;
    if (!key) throw new TraceFormatError('missing model key', n + 1);
    if (sizeField !== undefined && sizeField !== '') {
      const size = Number(sizeField);
      if (!Number.isInteger(size) || size <= 0)
        throw new TraceFormatError(`sizeBytes must be a positive integer, got '${sizeField}'`, n + 1);
      setOnce(sizes, key, size, 'sizeBytes', n + 1);
    }
    if (costField !== undefined && costField !== '') {
      const cost = Number(costField);
      if (!Number.isFinite(cost) || cost < 0)
        throw new TraceFormatError(`loadMs must be a number >= 0, got '${costField}'`, n + 1);
      setOnce(loadCosts, key, cost, 'loadMs', n + 1);
    }
    keys.push(key);
  }
  for (const key of keys) {
    if (!sizes.has(key)) sizes.set(key, defaultSizeBytes);
    if (!loadCosts.has(key)) loadCosts.set(key, defaultLoadMs);
  }
  return { keys, sizes, loadCosts };
}

/** The inverse of parseTrace: size and load time on each model's first line only. */
export function formatTrace(trace: Trace): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const key of trace.keys) {
    if (seen.has(key)) out.push(key);
    else {
      seen.add(key);
      out.push(`${key},${trace.sizes.get(key) ?? 1},${trace.loadCosts.get(key) ?? 1}`);
    }
  }
  return out.join('\n') + (out.length > 0 ? '\n' : '');
}

function setOnce(map: Map<string, number>, key: string, value: number, field: string, line: number): void {
  const previous = map.get(key);
  if (previous !== undefined && previous !== value) {
    throw new TraceFormatError(`${field} of '${key}' is ${value}, but an earlier line gave ${previous}`, line);
  }
  map.set(key, value);
}
