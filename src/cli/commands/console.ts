/**
 * `mme console`: a page on 127.0.0.1 that shows the endpoints, their models and cache, the
 * post's charts, the jobs and the grants, live, and invokes a model from a form
 * (src/console/). Its data comes from the workflow functions the other commands call, through
 * the same connection (context.ts), so it works on both targets. The URL, with its token, is the
 * first line on stdout (`--json`: one line of JSON with `url`); it serves until Ctrl-C, which
 * ends it as it ends any command (exit 130, main.ts).
 */
import { spawn } from 'node:child_process';
import { connect, localRootConnection, type CommandContext, type CommandResult } from '../context.js';

export interface ConsoleCommandOptions {
  port?: number;
  open?: boolean;
}

export async function serveConsole(options: ConsoleCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  const { startConsoleServer } = await import('../../console/server.js');
  const { consoleData } = await import('../../console/data.js');
  const conn = await connect(ctx);
  const { settings } = ctx;
  const root = localRootConnection(conn);
  const server = await startConsoleServer({
    port: options.port ?? 0,
    label: `${settings.target}, ${conn.region}`,
    data: consoleData({
      clients: conn.clients,
      target: settings.target,
      region: conn.region,
      prefix: settings.prefix,
      ...(settings.bucket ? { bucket: settings.bucket } : {}),
      ...(root ? { localRoot: root } : {}),
    }),
  });
  if (settings.json) ctx.output.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  else ctx.output.line(server.url);
  ctx.reporter.report({
    kind: 'info',
    text: `console of ${settings.target} (${conn.region}) at ${server.url.split('?')[0]}; the token in the URL is its key. Ctrl-C stops it`,
  });
  ctx.onPartial(() => ({
    data: { url: server.url.split('?')[0], requests: server.requests() },
    human: `console stopped after ${server.requests()} request${server.requests() === 1 ? '' : 's'}`,
  }));
  if (options.open) openInBrowser(server.url);
  // Serves until Ctrl-C: main.ts ends the process and reports the interrupt.
  return new Promise<never>(() => {});
}

/** The desktop's opener (xdg-open, open, start); a machine without one just has the printed URL. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // no opener: the URL is on stdout
  }
}
