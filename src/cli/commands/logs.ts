/**
 * `mme logs NAME`: what a training job's, transform job's or endpoint's containers wrote, from
 * CloudWatch Logs (src/workflow/logs.ts), the same on AWS and on the local cloud. Lines go to
 * stdout (one per event: time, stream, message), the rest to stderr, so the output pipes into
 * grep. `--follow` prints new lines as they arrive: for a job until it ends (exit 1 if it
 * Failed), for an endpoint until Ctrl-C (exit 130, as any interrupted command).
 */
import type { LogLine, LogSource, LogsResult } from '../../workflow/logs.js';
import { ExitCode } from '../../errors.js';
import { connect, type CommandContext, type CommandResult } from '../context.js';
import * as wf from '../../workflow/logs.js';

export interface LogsCommandOptions {
  /** Seconds to look back. */
  since?: number;
  follow?: boolean;
}

/** Between polls while following: the local cloud answers at once; AWS allows FilterLogEvents a few calls a second per account. */
const POLL_MS = { local: 1000, aws: 3000 } as const;

export async function logs(
  options: LogsCommandOptions,
  ctx: CommandContext,
  args: string[],
): Promise<CommandResult<LogsResult>> {
  const name = args[0]!;
  const since = options.since === undefined ? undefined : new Date(Date.now() - options.since * 1000);
  const conn = await connect(ctx);
  let shown = 0;
  let source: LogSource | undefined;
  const onInterrupt = () => {
    ctx.reporter.report({ kind: 'info', text: `stopped following ${name} after ${shown} line(s)` });
  };
  if (options.follow) process.once('SIGINT', onInterrupt);
  try {
    const result = await wf.readLogs(conn.clients, ctx.reporter, {
      name,
      region: conn.region,
      since,
      follow: options.follow,
      pollMs: POLL_MS[ctx.settings.target],
      onLines: (lines) => {
        shown += lines.length;
        // Following: print as they come (with --json the one document comes at the end).
        if (options.follow && source) for (const l of lines) ctx.output.line(format(l, source, ctx));
      },
      onSource: (s) => {
        source = s;
        const what = `${s.kind.replace('-', ' ')} ${s.name} (${s.status})`;
        ctx.reporter.report({
          kind: 'info',
          text: `${what}: log group ${s.group}${s.streamPrefix ? `, streams ${s.streamPrefix}*` : ''}`,
        });
      },
    });
    const failed = result.endedWith === 'Failed';
    if (result.endedWith)
      ctx.reporter.report({
        kind: failed ? 'warn' : 'info',
        text: `${result.source.kind.replace('-', ' ')} ${name} ended: ${result.endedWith}`,
      });
    return {
      data: result,
      human: options.follow ? undefined : render(result, ctx),
      ...(failed ? { exitCode: ExitCode.Failure } : {}),
    };
  } finally {
    process.off('SIGINT', onInterrupt);
    conn.clients.destroy();
  }
}

/** `2026-01-01 12:00:00.000Z  stream  message`; a job's stream without the job's name. */
function format(line: LogLine, source: LogSource, ctx: CommandContext): string {
  const { out } = ctx.output;
  const stream =
    source.streamPrefix && line.stream.startsWith(source.streamPrefix)
      ? line.stream.slice(source.streamPrefix.length)
      : line.stream;
  return `${out.dim(line.time.replace('T', ' '))}  ${out.cyan(stream)}  ${line.message}`;
}

function render(result: LogsResult, ctx: CommandContext): string {
  if (result.lines.length === 0) {
    const window = result.since ? ` since ${result.since.replace('T', ' ')}` : '';
    return ctx.output.out.dim(`no log events for ${result.source.name} in ${result.source.group}${window}`);
  }
  return result.lines.map((l) => format(l, result.source, ctx)).join('\n');
}
