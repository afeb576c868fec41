/**
 * Spawn the built CLI (bin/mme.js → dist/) the way a user runs it. `npm test` builds first; when
 * running vitest alone, run `npx tsc -p tsconfig.json` before.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClients, type Clients } from '../../src/aws/clients.js';

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

/** A local cloud daemon started as a user starts it (`mme local start`), in a temp dir of its own. */
export interface CliDaemon {
  cwd: string;
  state: string;
  info: {
    endpoint: string;
    region: string;
    accountId: string;
    accessKeyId: string;
    secretAccessKey: string;
    pid: number;
  };
  /** SDK clients signed with the daemon's default credentials (one attempt: failures show at once). */
  clients: Clients;
  /** `mme ARGS` in that dir, against that daemon. */
  run(args: string[], options?: Pick<RunOptions, 'onSpawn'>): Promise<RunResult>;
  /** Stops the daemon and removes the dir. */
  stop(): Promise<void>;
}

export async function startCliDaemon(name: string): Promise<CliDaemon> {
  if (!BUILT) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` before these tests');
  const cwd = mkdtempSync(path.join(tmpdir(), `mme-${name}-`));
  const state = path.join(cwd, 'state');
  const run = (args: string[], options: Pick<RunOptions, 'onSpawn'> = {}) =>
    mme(args, { cwd, env: { MME_LOCAL_STATE: state }, ...options });
  const started = await run(['local', 'start', '--json']);
  if (started.code !== 0) throw new Error(`mme local start failed (${started.code}): ${started.stderr}`);
  const info = JSON.parse(started.stdout).result as CliDaemon['info'];
  const clients = createClients(
    { region: info.region },
    { endpoint: info.endpoint, region: info.region, credentials: info },
    { maxAttempts: 1 },
  );
  return {
    cwd,
    state,
    info,
    clients,
    run,
    async stop() {
      clients.destroy();
      await run(['local', 'stop']);
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
