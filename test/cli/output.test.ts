import { describe, expect, it } from 'vitest';
import { ExitCode, MmeError, UsageError } from '../../src/errors.js';
import {
  colorLevelFor,
  createOutput,
  printHumanError,
  printJsonError,
  printJsonResult,
  type Stream,
} from '../../src/cli/output.js';
import { createReporter, reporterMode } from '../../src/cli/progress.js';
import { toMmeError } from '../../src/cli/main.js';
import { CommanderError } from 'commander';

function sink(tty = false, depth = 8): Stream & { text: string } {
  const s = { text: '', isTTY: tty, write: (t: string) => void (s.text += t), getColorDepth: () => depth };
  return s;
}

describe('colour levels per stream', () => {
  it.each([
    ['off', true, undefined, 0],
    ['on', false, undefined, 2], // forced on a pipe: the stream's depth, at least 1
    ['on', false, 3, 3], // FORCE_COLOR=3
    ['auto', true, undefined, 2],
    ['auto', false, undefined, 0],
  ] as const)('%s on tty=%s (forced %s) → level %d', (mode, tty, forced, level) => {
    expect(colorLevelFor(sink(tty, 8), mode, forced)).toBe(level);
  });

  it('TERM=dumb (depth 1) has no colour even on a TTY', () => {
    expect(colorLevelFor(sink(true, 1), 'auto')).toBe(0);
  });
});

describe('--json documents', () => {
  it('success: {"ok":true,"result":…}, null when the command returns nothing', () => {
    const out = sink();
    const output = createOutput({ json: true, color: 'off' }, out, sink());
    printJsonResult(output, { a: 1, n: 10n });
    printJsonResult(output, undefined);
    const [first, second] = out.text.trim().split(/\n(?=\{)/);
    expect(JSON.parse(first!)).toEqual({ ok: true, result: { a: 1, n: '10' } });
    expect(JSON.parse(second!)).toEqual({ ok: true, result: null });
  });

  it('error: code, message, hint, detail, exitCode (nulls, never missing)', () => {
    const out = sink();
    const output = createOutput({ json: true, color: 'off' }, out, sink());
    printJsonError(
      output,
      new MmeError('NoSuchBucket', "bucket 'x' does not exist", {
        exitCode: ExitCode.NotFound,
        detail: { bucket: 'x' },
      }),
      false,
    );
    expect(JSON.parse(out.text)).toEqual({
      ok: false,
      error: {
        code: 'NoSuchBucket',
        message: "bucket 'x' does not exist",
        hint: null,
        detail: { bucket: 'x' },
        exitCode: 4,
      },
    });
  });

  it('line() is dropped with --json', () => {
    const out = sink();
    createOutput({ json: true, color: 'off' }, out, sink()).line('hello');
    expect(out.text).toBe('');
  });
});

describe('human errors', () => {
  it('message and hint on stderr, stack only with --debug', () => {
    const err = sink();
    const output = createOutput({ json: false, color: 'off' }, sink(), err);
    printHumanError(output, new UsageError('--rows must be an integer', "Run 'mme data generate --help'."), false);
    expect(err.text).toBe("✖ --rows must be an integer\n  hint: Run 'mme data generate --help'.\n");
    printHumanError(output, new UsageError('--rows must be an integer', "Run 'mme data generate --help'."), true);
    expect(err.text).toContain('at ');
  });
});

describe('error mapping', () => {
  it.each([
    [new UsageError('x'), 'UsageError', 2],
    [new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"), 'UsageError', 2],
    [
      Object.assign(new Error('no'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }),
      'AccessDeniedException',
      5,
    ],
    [
      Object.assign(new Error('gone'), { name: 'ResourceNotFound', $metadata: { httpStatusCode: 400 } }),
      'ResourceNotFound',
      4,
    ],
    [Object.assign(new Error('no creds'), { name: 'CredentialsProviderError' }), 'CredentialsProviderError', 3],
    [new TypeError('x is undefined'), 'UnexpectedError', 1],
    ['a string', 'UnexpectedError', 1],
  ])('%s → %s (exit %d)', async (thrown, code, exitCode) => {
    const e = await toMmeError(thrown);
    expect(e.code).toBe(code);
    expect(e.exitCode).toBe(exitCode);
  });

  it('commander messages lose their "error: " prefix and gain a hint', async () => {
    const e = await toMmeError(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"));
    expect(e.message).toBe("unknown option '--x'");
    expect(e.hint).toContain('--help');
  });

  it('unexpected errors suggest --debug', async () => {
    expect((await toMmeError(new Error('boom'))).hint).toContain('--debug');
  });
});

describe('reporter', () => {
  const events = [
    { kind: 'start', id: 'a', text: 'Training NewYork_NY' },
    { kind: 'update', id: 'a', text: 'Training NewYork_NY: InProgress' },
    { kind: 'update', id: 'a', text: 'Training NewYork_NY: InProgress' },
    { kind: 'warn', text: 'slow' },
    { kind: 'succeed', id: 'a', text: 'Trained NewYork_NY' },
    { kind: 'start', id: 'b', text: 'Training Chicago_IL' },
  ] as const;

  it('mode: silent with --json, plain off a TTY, spinner on one with columns', () => {
    const tty = Object.assign(sink(true), { columns: 80 });
    expect(reporterMode({ json: true, stderr: tty }, {})).toBe('silent');
    expect(reporterMode({ json: false, stderr: sink(false) }, {})).toBe('plain');
    expect(reporterMode({ json: false, stderr: tty }, {})).toBe('spinner');
    expect(reporterMode({ json: false, stderr: tty }, { CI: 'true' })).toBe('plain');
    expect(reporterMode({ json: false, stderr: Object.assign(sink(true), { columns: 0 }) }, {})).toBe('plain');
  });

  it('plain: one line per event, repeated updates once, no control codes; close fails what still runs', () => {
    const err = sink();
    const output = createOutput({ json: false, color: 'off' }, sink(), err);
    const reporter = createReporter(output, 'plain');
    for (const e of events) reporter.report(e);
    reporter.close('failed');
    expect(err.text).toBe(
      [
        '› Training NewYork_NY',
        '· Training NewYork_NY: InProgress',
        '⚠ slow',
        '✔ Trained NewYork_NY',
        '› Training Chicago_IL',
        '✖ Training Chicago_IL (failed)',
        '',
      ].join('\n'),
    );
  });

  it('plain: a counting step writes a few lines, not one per request', () => {
    const err = sink();
    let clock = 0;
    const reporter = createReporter(
      createOutput({ json: false, color: 'off' }, sink(), err),
      'plain',
      undefined,
      () => clock,
    );
    reporter.report({ kind: 'start', id: 'i', text: 'Invoking X on E' });
    for (let i = 1; i <= 10_000; i++) {
      clock += 1; // 10 s in all: two intervals
      reporter.report({ kind: 'update', id: 'i', text: `Invoking X on E (${i}/10000)` });
    }
    reporter.report({ kind: 'update', id: 'i', text: 'Invoking X on E: ModelError' }); // says something new: at once
    reporter.report({ kind: 'succeed', id: 'i', text: 'X: 10000 requests' });
    const lines = err.text.trimEnd().split('\n');
    expect(lines).toEqual([
      '› Invoking X on E',
      '· Invoking X on E (1/10000)',
      '· Invoking X on E (5001/10000)',
      '· Invoking X on E: ModelError',
      '✔ X: 10000 requests',
    ]);
  });

  it('silent writes nothing', () => {
    const err = sink();
    const reporter = createReporter(createOutput({ json: true, color: 'off' }, sink(), err), 'silent');
    for (const e of events) reporter.report(e);
    reporter.close();
    expect(err.text).toBe('');
  });
});
