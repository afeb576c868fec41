/**
 * How the workflow tells the CLI what it is doing. The workflow never prints: it emits events and
 * returns typed results; the CLI turns events into spinners (TTY), plain lines (pipes) or nothing
 * (--json), on stderr.
 */
export type ProgressEvent =
  /** A long step begins (a spinner starts). `id` ties later events to it. */
  | { kind: 'start'; id: string; text: string }
  /** The step's text changes (counts, percentages, the job's SecondaryStatus). */
  | { kind: 'update'; id: string; text: string }
  /** The step ended well / badly. */
  | { kind: 'succeed'; id: string; text: string }
  | { kind: 'fail'; id: string; text: string }
  /** A one-off line: something worth knowing, or a warning. */
  | { kind: 'info'; text: string }
  | { kind: 'warn'; text: string };

export interface Reporter {
  report(event: ProgressEvent): void;
}

/** For tests and library callers that do not care. */
export const silentReporter: Reporter = { report() {} };

/** Collects events, for tests that assert on progress. */
export function recordingReporter(): Reporter & { events: ProgressEvent[] } {
  const events: ProgressEvent[] = [];
  return { events, report: (e) => void events.push(e) };
}
