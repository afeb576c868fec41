/**
 * The CLI's Reporter: turns the workflow's ProgressEvents into something a person can follow, on
 * stderr only.
 * - TTY (and not --json): one ora spinner showing the newest running step ("+N more" when
 *   several run at once, as in `train --parallel 4`); a finished step leaves a ✔ / ✖ line.
 *   ora animates a single line, so several concurrent spinners would overwrite each other.
 * - not a TTY (pipes, CI logs): one plain line per event, never a control code.
 * - --json: silent; stdout carries the one JSON document and stderr stays quiet.
 */
import type { Ora } from 'ora';
import type { ProgressEvent, Reporter } from '../workflow/reporter.js';
import type { Output } from './output.js';

export interface CliReporter extends Reporter {
  /** Stop the spinner, marking steps still running as failed/interrupted. Idempotent. */
  close(reason?: string): void;
  /** Write to the terminal while steps run (a result streamed early): the spinner steps aside. */
  interject(write: () => void): void;
  /** A step ended and something else says so (a streamed section): stop showing it, print nothing. */
  dismiss(id: string): void;
}

export type ReporterMode = 'spinner' | 'plain' | 'silent';

export function reporterMode(
  output: Pick<Output, 'json' | 'stderr'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ReporterMode {
  if (output.json) return 'silent';
  // A pty of width 0 (script(1) without a terminal, some CI runners) makes ora divide by zero
  // when it counts the lines to clear, and loop forever: plain lines there.
  const columns = (output.stderr as { columns?: number }).columns ?? 0;
  return output.stderr.isTTY && columns > 0 && !env.CI && env.TERM !== 'dumb' ? 'spinner' : 'plain';
}

/** `ora` is imported by the caller (lazily, it is only needed on a TTY) and passed in. */
export function createReporter(
  output: Output,
  mode: ReporterMode,
  ora?: typeof import('ora').default,
  now: () => number = Date.now,
): CliReporter {
  if (mode === 'silent') return { report() {}, close() {}, interject: (write) => write(), dismiss() {} };
  if (mode === 'spinner' && ora) return spinnerReporter(output, ora);
  return plainReporter(output, now);
}

/**
 * Off a terminal, a step that counts ("Invoking X (1/10000)", "(2/10000)", …) would write one
 * line per request into a log. An update whose text differs from the step's last printed line
 * only in its numbers is printed at most once per PLAIN_UPDATE_INTERVAL_MS; one that says
 * something new (InProgress → Completed, another location) is printed at once.
 */
export const PLAIN_UPDATE_INTERVAL_MS = 5_000;
const shape = (text: string) => text.replace(/\d+(\.\d+)?/g, '#');

function symbols(output: Output) {
  const c = output.err;
  return {
    start: c.cyan('›'),
    update: c.dim('·'),
    succeed: c.green('✔'),
    fail: c.red('✖'),
    info: c.blue('ℹ'),
    warn: c.yellow('⚠'),
  };
}

function plainReporter(output: Output, now: () => number): CliReporter {
  const sym = symbols(output);
  const running = new Map<string, string>();
  const printedAt = new Map<string, number>();
  const write = (symbol: string, text: string) => output.stderr.write(`${symbol} ${text}\n`);
  return {
    report(event: ProgressEvent) {
      switch (event.kind) {
        case 'start':
          running.set(event.id, event.text);
          printedAt.set(event.id, now());
          return write(sym.start, event.text);
        case 'update': {
          // Pollers repeat themselves ("InProgress", "InProgress"…): one line per change is enough.
          const last = running.get(event.id);
          if (last === event.text) return;
          if (
            last !== undefined &&
            shape(last) === shape(event.text) &&
            now() - (printedAt.get(event.id) ?? 0) < PLAIN_UPDATE_INTERVAL_MS
          )
            return;
          running.set(event.id, event.text);
          printedAt.set(event.id, now());
          return write(sym.update, event.text);
        }
        case 'succeed':
        case 'fail':
          running.delete(event.id);
          printedAt.delete(event.id);
          return write(sym[event.kind], event.text);
        case 'info':
        case 'warn':
          return write(sym[event.kind], event.text);
      }
    },
    close(reason = 'interrupted') {
      for (const text of running.values()) write(sym.fail, `${text} (${reason})`);
      running.clear();
    },
    interject: (write) => write(),
    dismiss(id) {
      running.delete(id);
      printedAt.delete(id);
    },
  };
}

function spinnerReporter(output: Output, ora: typeof import('ora').default): CliReporter {
  const sym = symbols(output);
  const running = new Map<string, string>(); // insertion order: the newest step is last
  let spinner: Ora | undefined;

  /** Show the newest running step, or stop the spinner when none is left. */
  function render() {
    const steps = [...running.values()];
    if (steps.length === 0) {
      spinner?.stop();
      spinner = undefined;
      return;
    }
    const more = steps.length > 1 ? output.err.dim(` (+${steps.length - 1} more)`) : '';
    const text = `${steps.at(-1)}${more}`;
    if (spinner) {
      spinner.text = text;
      spinner.render();
    } else {
      // discardStdin would swallow Ctrl-C on some terminals; SIGINT must reach main.ts.
      spinner = ora({
        text,
        stream: output.stderr as NodeJS.WritableStream,
        discardStdin: false,
        color: output.err.level > 0 ? 'cyan' : false,
      }).start();
    }
  }

  /**
   * A finished line. ora (9+) hooks writes to stderr while it spins: it clears the spinner,
   * lets the line through and redraws below it, so update the spinner first, then write.
   */
  function persist(symbol: string, text: string) {
    output.stderr.write(`${symbol} ${text}\n`);
  }

  return {
    report(event: ProgressEvent) {
      switch (event.kind) {
        case 'start':
        case 'update':
          running.delete(event.id); // re-inserted last: the step that just spoke is shown
          running.set(event.id, event.text);
          return render();
        case 'succeed':
        case 'fail':
          running.delete(event.id);
          render();
          return persist(sym[event.kind], event.text);
        case 'info':
        case 'warn':
          return persist(sym[event.kind], event.text);
      }
    },
    interject(write) {
      spinner?.clear();
      write();
      spinner?.render();
    },
    dismiss(id) {
      if (running.delete(id)) render();
    },
    close(reason = 'interrupted') {
      const left = [...running.values()];
      running.clear();
      spinner?.stop();
      spinner = undefined;
      for (const text of left) output.stderr.write(`${sym.fail} ${text} (${reason})\n`);
    },
  };
}
