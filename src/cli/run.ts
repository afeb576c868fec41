/**
 * Runs one leaf command: merge the global flags given anywhere on the line, resolve settings,
 * set up output and progress, import the command's module, call it, print its result. Errors
 * propagate to main.ts, the one place that prints them.
 */
import type { Command } from 'commander';
import { loadConfigFile } from '../config/file.js';
import { resolveSettings, type Settings, type SettingsFlags } from '../config/settings.js';
import type { CommandContext } from './context.js';
import { createOutput, printJsonResult, type Output } from './output.js';
import { createReporter, reporterMode, type CliReporter } from './progress.js';
import { GLOBAL_OPTIONS_GROUP, type Load } from './program.js';

/** What main.ts needs to know to print an error the way the run was asked to. */
export interface RunState {
  settings?: Settings;
  output?: Output;
  reporter?: CliReporter;
  /** The finished command's exit code. */
  exitCode?: number;
}

export interface RunEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  state: RunState;
}

const FLAG_KEYS = ['target', 'region', 'profile', 'bucket', 'prefix', 'roleArn', 'json', 'color', 'debug', 'yes', 'connectTimeout', 'requestTimeout', 'retryMode', 'maxAttempts'] as const;

/**
 * The global flags the user actually typed, wherever on the line: the leaf's copy wins over the
 * program's. Commander's defaults (such as color: true from --no-color) do not count as given.
 */
export function collectFlags(command: Command): SettingsFlags {
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

/** The root's options are global; on a leaf only the copies grouped under "Global Options:" are. */
function isGlobalOption(command: Command, key: string): boolean {
  return command.options.some((o) => o.attributeName() === key && (command.parent === null || o.helpGroupHeading === GLOBAL_OPTIONS_GROUP));
}

export function makeRunner(run: RunEnvironment) {
  return async (command: Command, load: Load): Promise<void> => {
    const settings = resolveSettings({ flags: collectFlags(command), env: run.env, file: loadConfigFile(run.cwd), cwd: run.cwd });
    const output = createOutput(settings);
    const mode = reporterMode(output, run.env);
    // ora (and its dependencies) only when a spinner will really spin.
    const ora = mode === 'spinner' ? (await import('ora')).default : undefined;
    const reporter = createReporter(output, mode, ora);
    Object.assign(run.state, { settings, output, reporter });

    const ctx: CommandContext = { settings, output, reporter, cwd: run.cwd, env: run.env };
    const fn = await load();
    const result = await fn(command.opts(), ctx, command.processedArgs as string[]);
    reporter.close('not finished');
    if (settings.json) printJsonResult(output, result.data);
    else if (result.human) output.stdout.write(result.human.endsWith('\n') ? result.human : `${result.human}\n`);
    run.state.exitCode = result.exitCode ?? 0;
  };
}
