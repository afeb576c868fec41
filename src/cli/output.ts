/**
 * Where things go: results on stdout, progress and diagnostics on stderr.
 *
 * With --json, stdout carries exactly ONE JSON document, whatever happens (the stable shape, also
 * in README "Exit codes"):
 *
 *   success  {"ok": true,  "result": <the command's result, or null>}
 *   failure  {"ok": false, "error": {"code": string, "message": string, "hint": string | null,
 *                                    "detail": object | null, "exitCode": number}}
 *
 * `code` is the MmeError code (UsageError, ConfigError, NotImplemented, an AWS error name such as
 * ResourceNotFound, or UnexpectedError). With --debug the error also carries "stack".
 *
 * Colour follows --no-color, NO_COLOR, FORCE_COLOR (resolved in settings), then each stream's
 * own TTY: chalk levels are set here, explicitly, rather than trusting chalk's detection, which
 * looks at stdout only and ignores NO_COLOR.
 */
import chalk, { Chalk, type ChalkInstance } from 'chalk';
import type { ColorMode } from '../config/settings.js';
import { ExitCode, MmeError } from '../errors.js';

export interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
  getColorDepth?(): number;
}

export interface Output {
  json: boolean;
  stdout: Stream;
  stderr: Stream;
  /** Colours for stdout (the results) and stderr (progress, errors). */
  out: ChalkInstance;
  err: ChalkInstance;
  /** A human result line on stdout (dropped with --json: the JSON document is the result). */
  line(text?: string): void;
}

export interface OutputOptions {
  json: boolean;
  color: ColorMode;
  colorLevel?: 1 | 2 | 3;
}

export function createOutput(
  options: OutputOptions,
  stdout: Stream = process.stdout,
  stderr: Stream = process.stderr,
): Output {
  const outLevel = colorLevelFor(stdout, options.color, options.colorLevel);
  // The default chalk instance is what third-party code (ora) colours with: align it with stderr,
  // where spinners live.
  chalk.level = colorLevelFor(stderr, options.color, options.colorLevel);
  return {
    json: options.json,
    stdout,
    stderr,
    out: new Chalk({ level: outLevel }),
    err: new Chalk({ level: chalk.level }),
    line(text = '') {
      if (!options.json) stdout.write(`${text}\n`);
    },
  };
}

/** chalk level (0–3) for one stream. */
export function colorLevelFor(stream: Stream, mode: ColorMode, forced?: 1 | 2 | 3): 0 | 1 | 2 | 3 {
  if (mode === 'off') return 0;
  if (mode === 'on') return forced ?? (Math.max(1, depthLevel(stream)) as 1 | 2 | 3);
  return stream.isTTY ? depthLevel(stream) : 0;
}

/** Node's getColorDepth (1, 4, 8, 24 bits; it knows TERM=dumb and friends) as a chalk level. */
function depthLevel(stream: Stream): 0 | 1 | 2 | 3 {
  const depth = stream.getColorDepth?.() ?? 4;
  return depth >= 24 ? 3 : depth >= 8 ? 2 : depth >= 4 ? 1 : 0;
}

export interface JsonError {
  code: string;
  message: string;
  hint: string | null;
  detail: Record<string, unknown> | null;
  exitCode: number;
  stack?: string;
}

export function printJsonResult(output: Output, result: unknown): void {
  output.stdout.write(`${JSON.stringify({ ok: true, result: result ?? null }, jsonReplacer, 2)}\n`);
}

export function printJsonError(output: Output, error: MmeError, debug: boolean): void {
  const body: JsonError = {
    code: error.code,
    message: error.message,
    hint: error.hint ?? null,
    detail: error.detail ?? null,
    exitCode: error.exitCode,
    ...(debug ? { stack: stackOf(error) } : {}),
  };
  output.stdout.write(`${JSON.stringify({ ok: false, error: body }, jsonReplacer, 2)}\n`);
}

/** The human error block on stderr: message, hint, and with --debug the stack and causes. */
export function printHumanError(output: Output, error: MmeError, debug: boolean): void {
  const { err } = output;
  const lines = [`${err.red('✖')} ${err.bold(error.message)}`];
  if (error.hint)
    lines.push(...error.hint.split('\n').map((l, i) => `  ${i === 0 ? err.dim('hint: ') : '        '}${l}`));
  if (debug) lines.push('', err.dim(stackOf(error)));
  output.stderr.write(`${lines.join('\n')}\n`);
}

/** The stack with each cause's stack after it: an AWS error wrapped by fromAwsError keeps its own. */
function stackOf(error: Error): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as Error & { $metadata?: unknown };
    parts.push(depth === 0 ? String(e.stack ?? e) : `Caused by: ${String(e.stack ?? e)}`);
    if (e.$metadata) parts.push(`  $metadata: ${JSON.stringify(e.$metadata)}`);
    current = e.cause;
  }
  return parts.join('\n');
}

/** JSON for things JSON.stringify would mangle: bigint as a string, Buffers as base64. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (
    value &&
    typeof value === 'object' &&
    (value as { type?: string }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  ) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}

/** Any thrown value as an MmeError: unknown errors become UnexpectedError (exit 1). */
export function unexpected(err: unknown): MmeError {
  const message = err instanceof Error ? err.message : String(err);
  return new MmeError('UnexpectedError', `unexpected error: ${message}`, {
    exitCode: ExitCode.Failure,
    cause: err,
    hint: 'Re-run with --debug to see the stack trace, and please report it if it persists.',
  });
}
