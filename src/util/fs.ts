/** Small file-system helpers the local cloud and the workflow share. */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';

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

/**
 * Make sure a directory the user chose (a state dir, an --out dir) exists and can be written, or
 * fail at once with a ConfigError that names the path and the reason: otherwise the first write
 * fails deep inside a command (or a lock retries for seconds) as an "unexpected error".
 * Writability is proven by creating a file, since access(W_OK) says yes to root on a read-only
 * mount.
 */
export async function ensureWritableDir(dir: string, purpose: string, hint: string, mode = 0o755): Promise<void> {
  try {
    await makeDirs(dir, mode);
    await rm(await writeTempBeside(join(dir, 'probe'), '', 0o600));
  } catch (err) {
    throw new ConfigError(
      `cannot use ${dir} as ${purpose}: ${await unwritableReason(dir, err as NodeJS.ErrnoException)}`,
      hint,
    );
  }
}

/**
 * mkdir -p, one level at a time. Not `mkdir(dir, { recursive: true })`: Node's recursive mkdir
 * never returns for a path the kernel refuses with ENOENT although its parent exists (e.g.
 * /proc/x), and a command must not hang on a bad path.
 */
async function makeDirs(dir: string, mode: number): Promise<void> {
  try {
    await mkdir(dir, { mode });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(dir)).isDirectory()) return;
      throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    await makeDirs(parent, mode);
    await mkdir(dir, { mode }).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

/** Why `dir` cannot be used, in words (the file in the way, when there is one). */
export async function unwritableReason(dir: string, err: NodeJS.ErrnoException): Promise<string> {
  switch (err.code) {
    case 'EROFS':
      return 'the file system is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENOTDIR':
    case 'EEXIST': {
      for (let p = dir; ; p = dirname(p)) {
        const s = await stat(p).catch(() => undefined);
        if (s && !s.isDirectory()) return `${p} is a file, not a directory`;
        if (s || dirname(p) === p) break;
      }
      return 'a file is in the way';
    }
    case 'ENOENT':
      return 'it cannot be created there';
    default:
      return err.message;
  }
}
