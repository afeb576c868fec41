/**
 * `mme.config.json` in the working directory: project defaults that sit under the environment and
 * flags. Only keys that describe a project belong here; per-run switches (--json, --yes, --debug)
 * and colour do not. The parse is pure; loadConfigFile is the one function that touches the disk.
 *
 *   { "target": "aws", "region": "eu-west-1", "bucket": "my-bucket", "prefix": "MODELS",
 *     "roleArn": "arn:aws:iam::123456789012:role/SageMakerRole", "profile": "ml",
 *     "localStateDir": ".mme/local", "localPort": 4566 }
 *
 * `mme bootstrap` records what it made under "bootstrap", per target, so that later commands on
 * that target default to them (under the top-level keys' precedence: src/config/settings.ts):
 *
 *   { "bootstrap": { "aws": { "region": "eu-west-1", "bucket": "mme-123456789012-eu-west-1",
 *                             "roleArn": "arn:aws:iam::123456789012:role/mme-sagemaker-execution" } } }
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
  /** What `mme bootstrap` made, per target. */
  bootstrap?: Partial<Record<'local' | 'aws', BootstrapDefaults>>;
}

/** The defaults `mme bootstrap` records for a target. */
export interface BootstrapDefaults {
  region?: string;
  bucket?: string;
  roleArn?: string;
}
const BOOTSTRAP_KEYS = ['region', 'bucket', 'roleArn'] as const;

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
const KNOWN_KEYS: readonly string[] = [...STRING_KEYS, ...NUMBER_KEYS, 'bootstrap'];
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

  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (IGNORED_KEYS.has(key)) continue;
    if (key === 'bootstrap' && value !== null) {
      result.bootstrap = parseBootstrap(value, where);
      continue;
    }
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

function parseBootstrap(value: unknown, where: string): ConfigFile['bootstrap'] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) throw new ConfigError(`${where}: "bootstrap" must be an object of targets`, HINT);
  const out: ConfigFile['bootstrap'] = {};
  for (const [target, defaults] of Object.entries(value)) {
    if (target !== 'local' && target !== 'aws')
      throw new ConfigError(`${where}: "bootstrap" has an unknown target "${target}" (local or aws)`, HINT);
    if (!isObject(defaults)) throw new ConfigError(`${where}: "bootstrap.${target}" must be an object`, HINT);
    const entry: BootstrapDefaults = {};
    for (const [key, v] of Object.entries(defaults)) {
      if (!(BOOTSTRAP_KEYS as readonly string[]).includes(key))
        throw new ConfigError(`${where}: "bootstrap.${target}" has an unknown key "${key}"`, HINT);
      if (typeof v !== 'string' || v.trim() === '')
        throw new ConfigError(`${where}: "bootstrap.${target}.${key}" must be a non-empty string`, HINT);
      entry[key as keyof BootstrapDefaults] = v;
    }
    out[target] = entry;
  }
  return out;
}

/**
 * The file's new text with `defaults` recorded for `target` under "bootstrap": every other key,
 * and the order of keys, as they were. `text` undefined: no file yet.
 */
export function withBootstrapDefaults(
  text: string | undefined,
  target: 'local' | 'aws',
  defaults: BootstrapDefaults,
): string {
  const data = (text === undefined ? {} : JSON.parse(text)) as Record<string, unknown>;
  const bootstrap = (data.bootstrap ?? {}) as Record<string, unknown>;
  data.bootstrap = { ...bootstrap, [target]: defaults };
  return `${JSON.stringify(data, null, 2)}\n`;
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
