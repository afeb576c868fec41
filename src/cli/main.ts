/**
 * The entry point: parse argv, run the command, and the ONE top-level catch that turns any
 * failure into a printed error and an exit code (src/errors.ts ExitCode):
 *   MmeError          → its exitCode (2 usage, 3 config, 4 not found, 5 access denied, …)
 *   AWS SDK errors    → fromAwsError (by name and HTTP status)
 *   commander errors  → 2 (unknown command or option, bad option value, missing argument)
 *   anything else     → 1, "unexpected error", with a hint to re-run with --debug
 *   Ctrl-C            → 130
 * Stack traces only with --debug. Nothing below this file prints an error or exits.
 */
import { CommanderError } from 'commander';
import { packageVersion } from '../config/version.js';
import { ExitCode, MmeError, UsageError, fromAwsError } from '../errors.js';
import { buildProgram, type Runner } from './program.js';
import type { RunState } from './run.js';

let pipeGuarded = false;

export async function main(argv: string[]): Promise<number> {
  // Before any SDK module loads: the SDK warns on Node < 22 and a CLI must not leak that.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const env = process.env;
  const state: RunState = {};

  let interrupting = false;
  const onInterrupt = () => {
    // The command has returned and its result is being printed: let it end with its own code
    // rather than report success and then exit 130.
    if (state.finished) return;
    if (interrupting) process.exit(ExitCode.Interrupted); // a second Ctrl-C: no more reporting
    interrupting = true;
    // Exit only once stdout and stderr are flushed: on a pipe, process.exit() would cut a long
    // --json document (the partial result of 10,000 invocations) short.
    void report(interrupted(state), argv, env, state)
      .then(flushed)
      .finally(() => process.exit(ExitCode.Interrupted));
  };
  // `on`, not `once`: signal-exit (loaded by proper-lockfile and ora) re-raises the signal when its
  // own listener is the only one left, and `once` removes ours before the listeners run, so the
  // process died of SIGINT before this could report anything.
  process.on('SIGINT', onInterrupt);
  // `mme … | head` closes our stdout early: that is the reader's choice, not an error. Kept for
  // the whole process (once): the write that fails may be flushed after main() returns.
  if (!pipeGuarded) {
    pipeGuarded = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.Ok);
    });
  }

  // With --json, even the help and the version are one JSON document on stdout.
  const json = jsonRequested(argv);
  let captured = '';
  try {
    // run.ts (settings, chalk, output) loads only when a command runs: `--help` stays cheap.
    const runner: Runner = async (command, load) =>
      (await import('./run.js')).makeRunner({ env, cwd: process.cwd(), state })(command, load);
    const program = buildProgram(runner, packageVersion(), json ? { writeOut: (text) => (captured += text) } : {});
    await program.parseAsync(argv);
    return state.exitCode ?? ExitCode.Ok;
  } catch (err) {
    // --help and --version end parsing through the same exit path, with code 0.
    if (err instanceof CommanderError && err.exitCode === 0) {
      if (json) {
        const { createOutput, printJsonResult } = await import('./output.js');
        const result = err.code === 'commander.version' ? { version: captured.trim() } : { help: captured };
        printJsonResult(createOutput({ json: true, color: 'off' }), result);
      }
      return ExitCode.Ok;
    }
    return report(await toMmeError(err), argv, env, state);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

export async function toMmeError(err: unknown): Promise<MmeError> {
  if (err instanceof MmeError) return err;
  if (err instanceof CommanderError) {
    // `mme` or `mme data` without a command: commander has printed the help on stderr.
    if (err.code === 'commander.help')
      return new UsageError('a command is required', "Run 'mme --help' to see the commands.");
    // commander puts its suggestion on a line of its own: "…\n(Did you mean invoke?)".
    return new UsageError(
      err.message.replace(/^error: /, '').replace(/\n+/g, ' '),
      "Run 'mme --help' or 'mme <command> --help' for usage.",
    );
  }
  if (isAwsError(err)) return fromAwsError(err);
  return (await import('./output.js')).unexpected(err);
}

/** Resolves when everything written so far to stdout and stderr has been handed to the OS. */
function flushed(): Promise<void> {
  const drain = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
  return Promise.all([drain(process.stdout), drain(process.stderr)]).then(() => undefined);
}

/** The interrupt, saying which steps were done and which were not (and the command's partial result). */
function interrupted(state: RunState): MmeError {
  const completed = state.steps?.completed ?? [];
  const running = [...(state.steps?.running.values() ?? [])];
  const message = running.length ? `interrupted; not finished: ${running.join('; ')}` : 'interrupted';
  const hint = completed.length ? `Done before the interrupt: ${completed.join('; ')}.` : undefined;
  return new MmeError('Interrupted', message, {
    exitCode: ExitCode.Interrupted,
    hint,
    detail: { completed, notFinished: running },
  });
}

/** --json among the arguments (before a `--`), wherever it stands. */
function jsonRequested(argv: string[]): boolean {
  const args = argv.slice(2, argv.includes('--') ? argv.indexOf('--') : undefined);
  return args.includes('--json');
}

/** SDK exceptions carry $metadata (service errors) or come from the credential providers. */
function isAwsError(err: unknown): boolean {
  const e = err as { $metadata?: unknown; name?: string } | undefined;
  return !!e && typeof e === 'object' && (e.$metadata !== undefined || e.name === 'CredentialsProviderError');
}

/** Print the error once, as JSON or for people, and return its exit code. */
async function report(error: MmeError, argv: string[], env: NodeJS.ProcessEnv, state: RunState): Promise<number> {
  const { createOutput, printHumanError, printJsonError } = await import('./output.js');
  // When settings never resolved (a parse error, a bad MME_TARGET), read the switches from argv.
  const args = argv.slice(2, argv.includes('--') ? argv.indexOf('--') : undefined);
  const json = state.settings?.json ?? jsonRequested(argv);
  const debug = state.settings?.debug ?? (args.includes('--debug') || /^(1|true|yes|on)$/i.test(env.MME_DEBUG ?? ''));
  const noColor = args.includes('--no-color') || !!env.NO_COLOR;
  const output = state.output ?? createOutput({ json, color: noColor ? 'off' : 'auto' });
  state.reporter?.close(error.exitCode === ExitCode.Interrupted ? 'interrupted' : 'failed');
  error = await withLocalCloudHint(error, state);
  // What the command had done (the predictions made before Ctrl-C or before the cloud went away).
  const partial = state.partial?.();
  if (partial) {
    error = new MmeError(error.code, error.message, {
      exitCode: error.exitCode,
      cause: error.cause,
      hint: partial.hint ?? error.hint,
      detail: { ...error.detail, partial: partial.data },
    });
    if (!json && partial.human) output.stdout.write(`${partial.human}\n`);
  }
  if (json) printJsonError(output, error, debug);
  else printHumanError(output, error, debug);
  return error.exitCode;
}

/** A connection the local cloud refused: it was stopped or died; say where to look. */
async function withLocalCloudHint(error: MmeError, state: RunState): Promise<MmeError> {
  const settings = state.settings;
  if (settings?.target !== 'local' || error.code !== 'NetworkError' || error.hint) return error;
  const { localCloudLogPath } = await import('../local/daemon.js');
  return new MmeError(error.code, error.message, {
    exitCode: error.exitCode,
    cause: error.cause,
    detail: error.detail,
    hint: `The local cloud stopped answering. 'mme local status' says whether it runs and 'mme local start' starts it again; its log is ${localCloudLogPath(settings.localStateDir)}.`,
  });
}
