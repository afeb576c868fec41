/**
 * Runs one leaf command: merge the global flags given anywhere on the line, resolve settings,
 * set up output and progress, import the command's module, call it, print its result. Errors
 * propagate to main.ts, the one place that prints them.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { loadConfigFile } from '../config/file.js';
import { resolveSettings, type Settings, type SettingsFlags } from '../config/settings.js';
import type { CommandContext } from './context.js';
import { createOutput, printJsonResult, type Output } from './output.js';
import { createReporter, reporterMode, type CliReporter } from './progress.js';
import { GLOBAL_OPTIONS_GROUP, type Load } from './program.js';

/** What a command had done when it was interrupted or failed midway (see CommandContext.onPartial). */
export interface PartialResult {
  /** Goes into the error's detail as `partial` (with --json). */
  data: unknown;
  /** Printed on stdout before the error, for people. */
  human?: string;
  /** Replaces the error's hint: e.g. what keeps running on the target. */
  hint?: string;
}

/** The steps the workflow reported, whatever the output mode: what an interrupt says was done. */
export interface StepLog {
  completed: string[];
  running: Map<string, string>;
}

/** What main.ts needs to know to print an error the way the run was asked to. */
export interface RunState {
  settings?: Settings;
  output?: Output;
  reporter?: CliReporter;
  steps?: StepLog;
  partial?: () => PartialResult | undefined;
  /** Set once the command returned: its result is being printed, an interrupt no longer applies. */
  finished?: boolean;
  /** The finished command's exit code. */
  exitCode?: number;
}

export interface RunEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  state: RunState;
}

const FLAG_KEYS = [
  'target',
  'region',
  'profile',
  'bucket',
  'prefix',
  'roleArn',
  'json',
  'color',
  'debug',
  'yes',
  'connectTimeout',
  'requestTimeout',
  'retryMode',
  'maxAttempts',
] as const;

/**
 * The global flags the user actually typed, wherever on the line: the leaf's copy wins over the
 * program's. Commander's defaults (such as color: true from --no-color) do not count as given.
 */
export function collectFlags(command: Command): SettingsFlags {
  refuseShadowedGlobals(command);
  const flags: Record<string, unknown> = {};
  for (const key of FLAG_KEYS) {
    for (let c: Command | null = command; c; c = c.parent) {
      if (isGlobalOption(c, key) && c.getOptionValueSource(key) === 'cli') {
        flags[key] = c.getOptionValue(key);
        break;
      }
    }
  }
  return flags as SettingsFlags;
}

/**
 * A leaf that gives a global option's name another meaning (`invoke --role-arn`, `grant --prefix`)
 * uses its own; the global one typed before the command would mean something the leaf ignores
 * (`mme --role-arn R invoke` would invoke as yourself). Refuse it rather than guess.
 */
function refuseShadowedGlobals(leaf: Command): void {
  for (const own of leaf.options) {
    if (own.helpGroupHeading === GLOBAL_OPTIONS_GROUP) continue;
    const key = own.attributeName();
    for (let c = leaf.parent; c; c = c.parent) {
      const global = c.options.find((o) => o.attributeName() === key);
      if (global && c.getOptionValueSource(key) === 'cli') {
        const name = leaf.name();
        throw new UsageError(
          `${global.long} before '${name}' sets the ${global.description.split(' (')[0]}, which '${name}' does not use`,
          `After the command, '${name} ${own.long}' is another option: ${own.description.split(' (')[0]}.`,
        );
      }
    }
  }
}

/** The root's options are global; on a leaf only the copies grouped under "Global Options:" are. */
function isGlobalOption(command: Command, key: string): boolean {
  return command.options.some(
    (o) => o.attributeName() === key && (command.parent === null || o.helpGroupHeading === GLOBAL_OPTIONS_GROUP),
  );
}

export function makeRunner(run: RunEnvironment) {
  return async (command: Command, load: Load): Promise<void> => {
    const settings = resolveSettings({
      flags: collectFlags(command),
      env: run.env,
      file: loadConfigFile(run.cwd),
      cwd: run.cwd,
    });
    const output = createOutput(settings);
    const mode = reporterMode(output, run.env);
    // ora (and its dependencies) only when a spinner will really spin.
    const ora = mode === 'spinner' ? (await import('ora')).default : undefined;
    const steps: StepLog = { completed: [], running: new Map() };
    const reporter = trackSteps(createReporter(output, mode, ora), steps);
    Object.assign(run.state, { settings, output, reporter, steps });

    const ctx: CommandContext = {
      settings,
      output,
      reporter,
      cwd: run.cwd,
      env: run.env,
      onPartial: (describe) => (run.state.partial = describe),
    };
    const fn = await load();
    const result = await fn(command.opts(), ctx, command.processedArgs as string[]);
    run.state.finished = true;
    reporter.close('not finished');
    if (settings.json) printJsonResult(output, result.data);
    else if (result.human) output.stdout.write(result.human.endsWith('\n') ? result.human : `${result.human}\n`);
    run.state.exitCode = result.exitCode ?? 0;
  };
}

/** Record each step's outcome on its way to the real reporter. */
function trackSteps(inner: CliReporter, steps: StepLog): CliReporter {
  return {
    report(event) {
      if (event.kind === 'start' || event.kind === 'update') steps.running.set(event.id, event.text);
      else if (event.kind === 'succeed' || event.kind === 'fail') {
        steps.running.delete(event.id);
        if (event.kind === 'succeed') steps.completed.push(event.text);
      }
      inner.report(event);
    },
    close: (reason) => inner.close(reason),
    interject: (write) => inner.interject(write),
    dismiss(id) {
      steps.running.delete(id);
      inner.dismiss(id);
    },
  };
}
