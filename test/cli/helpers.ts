/**
 * Spawn the built CLI (bin/mme.js → dist/) the way a user runs it. `npm test` builds first; when
 * running vitest alone, run `npx tsc -p tsconfig.json` before.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/mme.js', import.meta.url));
export const BUILT = existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Called once the process has spawned (to send it signals). */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
}

/** A clean environment: no colour forcing, no mme settings leaking in from the developer's shell. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(MME_|AWS_|FORCE_COLOR$|NO_COLOR$|CI$)/.test(k)) continue;
    env[k] = v;
  }
  // `mme local start` remembers the cloud it started under $XDG_STATE_HOME: not the user's own.
  env.XDG_STATE_HOME = path.join(tmpdir(), `mme-test-xdg-${process.pid}`);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function mme(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.onSpawn?.(child);
  });
}
