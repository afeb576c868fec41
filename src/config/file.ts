/**
 * `mme.config.json` in the working directory: project defaults that sit under the environment and
 * flags. Only keys that describe a project belong here; per-run switches (--json, --yes, --debug)
 * and colour do not. The parse is pure; loadConfigFile is the one function that touches the disk.
 *
 *   { "target": "aws", "region": "eu-west-1", "bucket": "my-bucket", "prefix": "MODELS",
 *     "roleArn": "arn:aws:iam::123456789012:role/SageMakerRole", "profile": "ml",
 *     "localStateDir": ".mme/local", "localPort": 4566 }
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';

export const CONFIG_FILE_NAME = 'mme.config.json';

export interface ConfigFile {
  target?: string;
  region?: string;
  profile?: string;
  bucket?: string;
  prefix?: string;
  roleArn?: string;
  localStateDir?: string;
  localPort?: number;
  /** Seconds (src/config/settings.ts). */
  connectTimeout?: number;
  requestTimeout?: number;
  retryMode?: string;
  maxAttempts?: number;
}

const STRING_KEYS = [
  'target',
  'region',
  'profile',
  'bucket',
  'prefix',
  'roleArn',
  'localStateDir',
  'retryMode',
] as const;
const NUMBER_KEYS = ['localPort', 'connectTimeout', 'requestTimeout', 'maxAttempts'] as const;
const KNOWN_KEYS: readonly string[] = [...STRING_KEYS, ...NUMBER_KEYS];
/** Editors add "$schema"; comments-as-keys ("//") are a common JSON habit. Both are ignored. */
const IGNORED_KEYS = new Set(['$schema', '//']);

const HINT = `Run 'mme --help' for the keys ${CONFIG_FILE_NAME} accepts.`;

/** Parse and check the file's text. `where` names the file in messages. */
export function parseConfigFile(text: string, where: string = CONFIG_FILE_NAME): ConfigFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${where} is not valid JSON: ${(err as Error).message}`, HINT);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`${where} must contain a JSON object, like {"target": "local"}`, HINT);
  }

  const result: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(data)) {
    if (IGNORED_KEYS.has(key)) continue;
    if (!KNOWN_KEYS.includes(key)) {
      const guess = closest(key, KNOWN_KEYS);
      throw new ConfigError(`${where}: unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}`, HINT);
    }
    if (value === null) continue; // null = "not set here", handy to switch a key off
    if ((NUMBER_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ConfigError(`${where}: "${key}" must be a number, got ${JSON.stringify(value)}`, HINT);
      }
    } else if (typeof value !== 'string') {
      throw new ConfigError(`${where}: "${key}" must be a string, got ${JSON.stringify(value)}`, HINT);
    } else if (value.trim() === '') {
      throw new ConfigError(`${where}: "${key}" must not be empty (remove the key to use the default)`, HINT);
    }
    result[key] = value;
  }
  return result as ConfigFile;
}

/** Read `mme.config.json` from `cwd`; undefined when there is none. */
export function loadConfigFile(cwd: string): ConfigFile | undefined {
  const file = path.join(cwd, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseConfigFile(text, CONFIG_FILE_NAME);
}

/** A close known key for a typo (edit distance ≤ 2, case-insensitive), for "did you mean". */
function closest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
