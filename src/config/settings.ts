/**
 * Settings resolution: command-line flags > environment > mme.config.json > defaults.
 *
 * ONE pure function (no fs, no process.env, no TTY probing) so every precedence rule is a table
 * test with plain values. The CLI gathers the inputs (src/cli/run.ts); src/config/file.ts reads
 * the file. Every value remembers where it came from, so an error can say "(from MME_TARGET)"
 * and `mme status` can show why a bucket was chosen.
 */
import path from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import type { ConfigFile } from './file.js';
import { CONFIG_FILE_NAME } from './file.js';
import { bucketNameProblem, prefixProblem, regionProblem, roleArnProblem } from './validate.js';

type Target = 'local' | 'aws';
const TARGETS: readonly Target[] = ['local', 'aws'];

/** How colour is decided: forced off/on by a flag or env, else per stream by TTY (src/cli/output.ts). */
export type ColorMode = 'off' | 'on' | 'auto';

export interface Settings {
  target: Target;
  region: string;
  /** AWS named profile (aws target only; the local target always uses the daemon's keys). */
  profile?: string;
  /** Undefined on aws unless set: commands that need one fail with a hint (requireBucket). */
  bucket?: string;
  /** S3 key prefix of the multi-model artifacts, without leading/trailing '/'. */
  prefix: string;
  /** SageMaker execution role; undefined = on local a default role, on aws commands ask for it. */
  roleArn?: string;
  json: boolean;
  color: ColorMode;
  /** A chalk level forced by FORCE_COLOR=1|2|3 (undefined: detect from the stream). */
  colorLevel?: 1 | 2 | 3;
  debug: boolean;
  yes: boolean;
  /** Absolute directory of the local cloud's state (objects, metadata, the daemon's pid file). */
  localStateDir: string;
  /** Port of the local cloud; 0 = the daemon picks a free port and records it in its state. */
  localPort: number;
  /** TCP (and TLS) connection timeout of every SDK call; undefined = src/aws/clients.ts's default. */
  connectTimeoutMs?: number;
  /** Timeout of one attempt of every SDK call; undefined = each service's own (src/aws/timeouts.ts). */
  requestTimeoutMs?: number;
  /** The SDK's retry strategy: standard (exponential backoff) or adaptive (also rate-limits the client). */
  retryMode: RetryMode;
  /** Attempts per SDK call, the first included; undefined = the target's default. */
  maxAttempts?: number;
  /** Where each value came from: '--region', 'AWS_REGION', 'mme.config.json "region"', 'default'. */
  sources: Record<SourcedKey, string>;
}

type SourcedKey =
  | 'target'
  | 'region'
  | 'profile'
  | 'bucket'
  | 'prefix'
  | 'roleArn'
  | 'color'
  | 'debug'
  | 'localStateDir'
  | 'localPort'
  | 'connectTimeout'
  | 'requestTimeout'
  | 'retryMode'
  | 'maxAttempts';

/** The SDK's retry modes (AWS SDKs and Tools reference, "Retry behavior"); `legacy` is not in SDK v3. */
type RetryMode = 'standard' | 'adaptive';
const RETRY_MODES: readonly RetryMode[] = ['standard', 'adaptive'];

/** Raw global flags as commander hands them over; undefined = not given on the command line. */
export interface SettingsFlags {
  target?: string;
  region?: string;
  profile?: string;
  bucket?: string;
  prefix?: string;
  roleArn?: string;
  json?: boolean;
  /** false only when --no-color was given. */
  color?: boolean;
  debug?: boolean;
  yes?: boolean;
  /** Seconds, as typed. */
  connectTimeout?: string;
  requestTimeout?: string;
  retryMode?: string;
  maxAttempts?: string;
}

export interface SettingsInput {
  flags: SettingsFlags;
  env: Readonly<Record<string, string | undefined>>;
  file?: ConfigFile;
  /** Relative paths (MME_LOCAL_STATE, the file's localStateDir) resolve against it. */
  cwd: string;
}

const DEFAULT_REGION = 'us-east-1';
/** The reference notebook's S3 prefix. */
const DEFAULT_PREFIX = 'DEMO_MME_LINEAR_LEARNER';
const DEFAULT_LOCAL_BUCKET = 'mme-local';
const DEFAULT_LOCAL_STATE = path.join('.mme', 'local');

/** One candidate value and the place it came from, in precedence order. */
type Candidate = [value: string | undefined, source: string, kind: 'flag' | 'env' | 'file'];

export function resolveSettings({ flags, env, file = {}, cwd }: SettingsInput): Settings {
  const sources = {} as Record<SourcedKey, string>;
  const fileKey = (key: string): string => `${CONFIG_FILE_NAME} "${key}"`;
  const envVar = (name: string): Candidate => [nonEmpty(env[name]), name, 'env'];

  /** The first candidate that is set wins; `check` returns a problem, reported with its origin. */
  function pick(
    key: SourcedKey,
    flag: string,
    candidates: Candidate[],
    check?: (v: string) => string | undefined,
  ): string | undefined {
    for (const [value, source, kind] of candidates) {
      if (value === undefined) continue;
      const problem = check?.(value);
      if (problem) {
        const origin = kind === 'flag' ? '' : ` (from ${source})`;
        const message = `${flag} '${value}'${origin} ${problem}`;
        // A bad flag is a usage error (exit 2); a bad environment or file value is configuration (exit 3).
        throw kind === 'flag' ? new UsageError(message) : new ConfigError(message, hintFor(kind, source));
      }
      sources[key] = source;
      return value;
    }
    sources[key] = 'default';
    return undefined;
  }

  const target = (pick(
    'target',
    '--target',
    [[flags.target, '--target', 'flag'], envVar('MME_TARGET'), [file.target, fileKey('target'), 'file']],
    (v) => (TARGETS.includes(v as Target) ? undefined : 'must be local or aws'),
  ) ?? 'local') as Target;

  // What `mme bootstrap` recorded for this target: under flags, environment and the file's own top-level keys.
  const made = file.bootstrap?.[target] ?? {};
  const madeKey = (key: string): string => fileKey(`bootstrap.${target}.${key}`);

  const region =
    pick(
      'region',
      '--region',
      [
        [flags.region, '--region', 'flag'],
        envVar('MME_REGION'),
        envVar('AWS_REGION'),
        envVar('AWS_DEFAULT_REGION'),
        [file.region, fileKey('region'), 'file'],
        [made.region, madeKey('region'), 'file'],
      ],
      regionProblem,
    ) ?? DEFAULT_REGION;

  const profile = pick('profile', '--profile', [
    [nonEmpty(flags.profile), '--profile', 'flag'],
    envVar('AWS_PROFILE'),
    [file.profile, fileKey('profile'), 'file'],
  ]);

  let bucket = pick(
    'bucket',
    '--bucket',
    [
      [flags.bucket, '--bucket', 'flag'],
      envVar('MME_BUCKET'),
      [file.bucket, fileKey('bucket'), 'file'],
      [made.bucket, madeKey('bucket'), 'file'],
    ],
    bucketNameProblem,
  );
  // On aws the bucket is account-specific: leave it unset and let the command ask (requireBucket).
  if (bucket === undefined && target === 'local') bucket = DEFAULT_LOCAL_BUCKET;

  const prefix =
    pick(
      'prefix',
      '--prefix',
      [[flags.prefix, '--prefix', 'flag'], envVar('MME_PREFIX'), [file.prefix, fileKey('prefix'), 'file']],
      prefixProblem,
    ) ?? DEFAULT_PREFIX;

  const roleArn = pick(
    'roleArn',
    '--role-arn',
    [
      [flags.roleArn, '--role-arn', 'flag'],
      envVar('MME_ROLE_ARN'),
      [file.roleArn, fileKey('roleArn'), 'file'],
      [made.roleArn, madeKey('roleArn'), 'file'],
    ],
    roleArnProblem,
  );

  const debug = parseBool(
    pick('debug', '--debug', [[flags.debug ? 'true' : undefined, '--debug', 'flag'], envVar('MME_DEBUG')], (v) =>
      BOOLEAN_WORDS.has(v.toLowerCase()) ? undefined : 'must be true/false, 1/0, yes/no or on/off',
    ) ?? 'false',
  );

  const stateDir =
    pick('localStateDir', 'the local state directory', [
      envVar('MME_LOCAL_STATE'),
      [file.localStateDir, fileKey('localStateDir'), 'file'],
    ]) ?? DEFAULT_LOCAL_STATE;

  const localPort = Number(
    pick(
      'localPort',
      'the local port',
      [
        envVar('MME_LOCAL_PORT'),
        [file.localPort === undefined ? undefined : String(file.localPort), fileKey('localPort'), 'file'],
      ],
      portProblem,
    ) ?? '0',
  );

  const fileNumber = (value: number | undefined): string | undefined =>
    value === undefined ? undefined : String(value);
  const connectTimeout = pick(
    'connectTimeout',
    '--connect-timeout',
    [
      [flags.connectTimeout, '--connect-timeout', 'flag'],
      envVar('MME_CONNECT_TIMEOUT'),
      [fileNumber(file.connectTimeout), fileKey('connectTimeout'), 'file'],
    ],
    secondsProblem,
  );
  const requestTimeout = pick(
    'requestTimeout',
    '--request-timeout',
    [
      [flags.requestTimeout, '--request-timeout', 'flag'],
      envVar('MME_REQUEST_TIMEOUT'),
      [fileNumber(file.requestTimeout), fileKey('requestTimeout'), 'file'],
    ],
    secondsProblem,
  );
  // AWS_RETRY_MODE and AWS_MAX_ATTEMPTS are the SDKs' own variables: honoured, under ours.
  const retryMode = (pick(
    'retryMode',
    '--retry-mode',
    [
      [flags.retryMode, '--retry-mode', 'flag'],
      envVar('MME_RETRY_MODE'),
      envVar('AWS_RETRY_MODE'),
      [file.retryMode, fileKey('retryMode'), 'file'],
    ],
    (v) => (RETRY_MODES.includes(v as RetryMode) ? undefined : 'must be standard or adaptive'),
  ) ?? 'standard') as RetryMode;
  const maxAttempts = pick(
    'maxAttempts',
    '--max-attempts',
    [
      [flags.maxAttempts, '--max-attempts', 'flag'],
      envVar('MME_MAX_ATTEMPTS'),
      envVar('AWS_MAX_ATTEMPTS'),
      [fileNumber(file.maxAttempts), fileKey('maxAttempts'), 'file'],
    ],
    (v) =>
      /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 20
        ? undefined
        : 'must be a whole number from 1 to 20 (the first attempt included)',
  );

  const { color, colorLevel } = resolveColor(flags, env, sources);

  return {
    target,
    region,
    ...(profile === undefined ? {} : { profile }),
    ...(bucket === undefined ? {} : { bucket }),
    prefix,
    ...(roleArn === undefined ? {} : { roleArn }),
    json: flags.json === true,
    color,
    ...(colorLevel === undefined ? {} : { colorLevel }),
    debug,
    yes: flags.yes === true,
    localStateDir: path.resolve(cwd, stateDir),
    localPort,
    ...(connectTimeout === undefined ? {} : { connectTimeoutMs: Math.round(Number(connectTimeout) * 1000) }),
    ...(requestTimeout === undefined ? {} : { requestTimeoutMs: Math.round(Number(requestTimeout) * 1000) }),
    retryMode,
    ...(maxAttempts === undefined ? {} : { maxAttempts: Number(maxAttempts) }),
    sources,
  };
}

/** A timeout in seconds: decimals allowed (0.5), at least 1 ms, at most an hour. */
function secondsProblem(value: string): string | undefined {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < 0.001 || n > 3600) return 'must be a number of seconds from 0.001 to 3600';
  return undefined;
}

/**
 * --no-color, then NO_COLOR (https://no-color.org: any non-empty value), then FORCE_COLOR
 * (0/false = off, 1|2|3 = on at that chalk level, anything else = on), then 'auto' (each
 * stream's TTY). NO_COLOR beats FORCE_COLOR: when both are set, the safer reading wins.
 */
function resolveColor(
  flags: SettingsFlags,
  env: SettingsInput['env'],
  sources: Record<SourcedKey, string>,
): { color: ColorMode; colorLevel?: 1 | 2 | 3 } {
  if (flags.color === false) {
    sources.color = '--no-color';
    return { color: 'off' };
  }
  if (nonEmpty(env.NO_COLOR) !== undefined) {
    sources.color = 'NO_COLOR';
    return { color: 'off' };
  }
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    sources.color = 'FORCE_COLOR';
    const word = force.trim().toLowerCase();
    if (word === '0' || word === 'false') return { color: 'off' };
    if (word === '1' || word === '2' || word === '3') return { color: 'on', colorLevel: Number(word) as 1 | 2 | 3 };
    return { color: 'on' };
  }
  sources.color = 'default';
  return { color: 'auto' };
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const BOOLEAN_WORDS = new Set([...TRUE_WORDS, '0', 'false', 'no', 'off']);

function parseBool(value: string): boolean {
  return TRUE_WORDS.has(value.toLowerCase());
}

function portProblem(value: string): string | undefined {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    return 'must be a port number from 0 to 65535 (0 = pick a free port)';
  return undefined;
}

/** Empty environment variables count as unset (`MME_TARGET= mme …` is a common way to clear one). */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function hintFor(kind: 'env' | 'file', source: string): string {
  return kind === 'env'
    ? `Fix or unset ${source}, or override it with the command-line flag.`
    : `Fix the value in ./${CONFIG_FILE_NAME}, or override it with the command-line flag.`;
}
