/**
 * Starting, finding and stopping the local cloud daemon. Any command on the local target calls
 * ensureLocalCloud(), so users never have to start it by hand; two commands starting it at once
 * agree on one daemon (a lock around check-then-spawn).
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';
import { DEFAULT_REGION, loadOrCreateAccount, loadOrCreateDefaultUser, statePaths } from './cloud.js';
import { HEALTH_PATH } from './server.js';
import { ensureWritableDir, readJsonFile, writeFileAtomic } from '../util/fs.js';
import { MmeError, ExitCode } from '../errors.js';

/** The default IAM user's name, for client-side plans made before the daemon runs (the daemon is the client's one door in). */
export { DEFAULT_USER_NAME } from './services/iam/default-user.js';
/** {state}/daemon.json, present while a daemon runs. */
export interface DaemonRecord {
  pid: number;
  port: number;
  endpoint: string;
  region: string;
  startedAt: string;
}

/** {state}/local-cloud.json: what the next start reuses (the port, so endpoints stay stable). */
export interface LocalCloudSettings {
  port: number;
  region: string;
}

export interface LocalCloudInfo {
  endpoint: string;
  region: string;
  accountId: string;
  /** The default credentials: the access key of the IAM user `userName` (AdministratorAccess). */
  accessKeyId: string;
  secretAccessKey: string;
  userName: string;
  userArn: string;
  /**
   * The account root's keys, kept apart: only for what only the root may do (the local
   * status route); never the default, since the root may not assume roles.
   */
  root: { accessKeyId: string; secretAccessKey: string };
  pid: number;
  stateDir: string;
  port: number;
  startedAt: string;
}

export interface StartOptions {
  port?: number;
  region?: string;
  /** How long to wait for the daemon to answer. */
  timeoutMs?: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function healthy(record: DaemonRecord): Promise<boolean> {
  try {
    const res = await fetch(`${record.endpoint}${HEALTH_PATH}`, { signal: AbortSignal.timeout(1_000) });
    const body = (await res.json()) as { pid?: number };
    return res.ok && body.pid === record.pid;
  } catch {
    return false;
  }
}

/** The running daemon for this state dir, or undefined (a stale daemon.json is ignored). */
/** Where the daemon of `stateDir` writes its log (what to read when it went away). */
export function localCloudLogPath(stateDir: string): string {
  return statePaths(stateDir).log;
}

export async function localCloudStatus(stateDir: string): Promise<LocalCloudInfo | undefined> {
  const paths = statePaths(stateDir);
  const record = await readJsonFile<DaemonRecord>(paths.daemon).catch(() => undefined);
  if (!record || !isAlive(record.pid) || !(await healthy(record))) return undefined;
  const account = await loadOrCreateAccount(stateDir);
  const user = await loadOrCreateDefaultUser(stateDir);
  return {
    endpoint: record.endpoint,
    region: record.region,
    accountId: account.accountId,
    accessKeyId: user.accessKeyId,
    secretAccessKey: user.secretAccessKey,
    userName: user.userName,
    // The daemon creates the user at the root path (services/iam/default-user.ts).
    userArn: `arn:aws:iam::${account.accountId}:user/${user.userName}`,
    root: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
    pid: record.pid,
    stateDir,
    port: record.port,
    startedAt: record.startedAt,
  };
}

/** The daemon's entry point: dist/local/main.js beside this file (also when tests run from src/). */
function daemonEntry(): string {
  const here = fileURLToPath(new URL('./main.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = here.replace(/([/\\])src([/\\]local[/\\]main\.js)$/, '$1dist$2');
  if (existsSync(built)) return built;
  throw new MmeError('LocalCloudNotBuilt', `cannot find the local cloud's entry point (${built})`, {
    hint: 'Run npm run build.',
  });
}

async function tail(path: string, lines = 15): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export async function startLocalCloud(
  stateDir: string,
  options: StartOptions = {},
): Promise<LocalCloudInfo & { alreadyRunning: boolean }> {
  await ensureWritableDir(
    stateDir,
    "the local cloud's state directory",
    'Choose another with --state DIR, MME_LOCAL_STATE or "localStateDir" in mme.config.json.',
    0o700,
  );
  const paths = statePaths(stateDir);
  const release = await lockfile.lock(stateDir, {
    lockfilePath: `${stateDir}/daemon.lock`,
    realpath: false,
    stale: 15_000,
    retries: { retries: 100, minTimeout: 50, maxTimeout: 250 },
  });
  try {
    const running = await localCloudStatus(stateDir);
    if (running) return { ...running, alreadyRunning: true };
    await rm(paths.daemon, { force: true });
    // Create the account and the default user's key before the child does, so they exist even if the child fails.
    await loadOrCreateAccount(stateDir);
    await loadOrCreateDefaultUser(stateDir);
    const args = [daemonEntry(), '--state', stateDir, '--region', options.region ?? DEFAULT_REGION];
    if (options.port !== undefined) args.push('--port', String(options.port));
    const logFd = openSync(paths.log, 'a', 0o600);
    const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    let exited: number | null | undefined;
    child.on('exit', (code) => (exited = code));
    child.unref();

    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      if (exited !== undefined) break;
      const info = await localCloudStatus(stateDir);
      if (info && info.pid === child.pid) return { ...info, alreadyRunning: false };
      await new Promise((r) => setTimeout(r, 50));
    }
    if (exited === undefined) child.kill('SIGKILL');
    throw new MmeError('LocalCloudStartFailed', `the local cloud did not start (state ${stateDir})`, {
      exitCode: ExitCode.Service,
      hint: `Its log (${paths.log}) ends with:\n${await tail(paths.log)}`,
    });
  } finally {
    await release();
  }
}

export async function stopLocalCloud(
  stateDir: string,
  timeoutMs = 10_000,
): Promise<{ stopped: boolean; pid?: number }> {
  const paths = statePaths(stateDir);
  const record = await readJsonFile<DaemonRecord>(paths.daemon).catch(() => undefined);
  if (!record || !isAlive(record.pid) || !(await healthy(record))) {
    await rm(paths.daemon, { force: true });
    return { stopped: false };
  }
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(record.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
  await rm(paths.daemon, { force: true });
  return { stopped: true, pid: record.pid };
}

/**
 * The local cloud the user started by hand (`mme local start --state DIR`), remembered per user
 * so that a later command whose settings name another state dir can say which one it uses
 * instead of silently starting a second, empty cloud. Kept under $XDG_STATE_HOME (default
 * ~/.local/state), outside any state dir, because it is about all of them.
 */
function startedByHandPath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(base, 'mme', 'started-local-cloud.json');
}

export async function rememberStartedByHand(stateDir: string): Promise<void> {
  // Only a hint for later commands: failing to write it must not fail `mme local start`.
  await writeFileAtomic(startedByHandPath(), `${JSON.stringify({ stateDir })}\n`, 0o600).catch(() => undefined);
}

export async function forgetStartedByHand(stateDir: string): Promise<void> {
  const path = startedByHandPath();
  const record = await readJsonFile<{ stateDir?: string }>(path).catch(() => undefined);
  if (record?.stateDir === stateDir) await rm(path, { force: true }).catch(() => undefined);
}

/** The local cloud started by hand with another state dir than `stateDir`, if it still runs. */
export async function runningElsewhere(stateDir: string): Promise<LocalCloudInfo | undefined> {
  const record = await readJsonFile<{ stateDir?: string }>(startedByHandPath()).catch(() => undefined);
  if (!record?.stateDir || record.stateDir === stateDir) return undefined;
  return localCloudStatus(record.stateDir).catch(() => undefined);
}
