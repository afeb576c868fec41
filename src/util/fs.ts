/** Small file-system helpers the local cloud and the workflow share. */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Temp files start with this, so a store can sweep the ones a crash left behind. */
export const TEMP_PREFIX = '.tmp-';

export function tempName(): string {
  return `${TEMP_PREFIX}${randomUUID()}`;
}

/** fsync a directory so that a rename or create inside it survives power loss, not just a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Write `data` to a new temp file in `path`'s directory, fsynced; returns the temp's path. */
async function writeTempBeside(path: string, data: string | Uint8Array, mode: number): Promise<string> {
  const temp = join(dirname(path), tempName());
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/**
 * Write a file so that readers see the old content or the new, never a torn one: write a temp
 * file in the same directory, fsync, rename over (atomic within a directory on POSIX), fsync the
 * directory. `mode` applies from creation (secrets are never readable by others, not even for an
 * instant).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = await writeTempBeside(path, data, mode);
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await fsyncDir(dirname(path));
}

/** Parse a JSON file, or undefined when it does not exist. Malformed JSON throws. */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as T;
}

/**
 * Create `path` with `data` only if it does not exist yet, never visible half-written: the data
 * goes to a temp file, which is then hard-linked into place (link fails if the name exists).
 * Returns false when another writer got there first.
 */
export async function createFileExclusive(path: string, data: string | Uint8Array, mode = 0o644): Promise<boolean> {
  const temp = await writeTempBeside(path, data, mode);
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(temp, { force: true });
  }
}
