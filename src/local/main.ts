/**
 * The local cloud daemon's entry: `node dist/local/main.js --state DIR [--port N] [--region R]`.
 * Started in the background by `mme local start` (or any command on the local target); its
 * stdout/stderr go to {state}/daemon.log. It records where it listens in {state}/daemon.json and
 * removes that file when it stops.
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openLocalCloud, statePaths, type OpenLocalCloud } from './cloud.js';
import { readJsonFile, writeFileAtomic } from '../util/fs.js';
import type { DaemonRecord, LocalCloudSettings } from './daemon.js';

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

async function openOnPreferredPort(
  stateDir: string,
  port: number | undefined,
  region: string | undefined,
): Promise<OpenLocalCloud> {
  const saved = await readJsonFile<LocalCloudSettings>(statePaths(stateDir).settings);
  const preferred = port ?? saved?.port;
  const common = { stateDir, region: region ?? saved?.region, log };
  if (preferred === undefined || port !== undefined) return openLocalCloud({ ...common, port: preferred ?? 0 });
  try {
    // Keep the endpoint stable across restarts, so `mme local env` exports stay valid…
    return await openLocalCloud({ ...common, port: preferred });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    // …unless something else took the port meanwhile.
    log(`port ${preferred} is in use; picking a free one`);
    return openLocalCloud({ ...common, port: 0 });
  }
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: { state: { type: 'string' }, port: { type: 'string' }, region: { type: 'string' } },
  });
  if (!values.state) throw new Error('--state DIR is required');
  const stateDir = values.state;
  const paths = statePaths(stateDir);
  const cloud = await openOnPreferredPort(
    stateDir,
    values.port === undefined ? undefined : Number(values.port),
    values.region,
  );
  const settings: LocalCloudSettings = { port: cloud.port, region: cloud.region };
  await writeFileAtomic(paths.settings, JSON.stringify(settings, null, 2) + '\n');
  const record: DaemonRecord = {
    pid: process.pid,
    port: cloud.port,
    endpoint: cloud.endpoint,
    region: cloud.region,
    startedAt: new Date().toISOString(),
  };
  await writeFileAtomic(paths.daemon, JSON.stringify(record, null, 2) + '\n');
  log(`local cloud listening on ${cloud.endpoint} (account ${cloud.account.accountId}, state ${stateDir})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    const current = await readJsonFile<DaemonRecord>(paths.daemon).catch(() => undefined);
    if (current?.pid === process.pid) await rm(paths.daemon, { force: true });
    await cloud.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

run().catch((err) => {
  log(`failed to start: ${(err as Error)?.stack ?? err}`);
  process.exit(1);
});
