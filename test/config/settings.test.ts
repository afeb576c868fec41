import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ExitCode, UsageError } from '../../src/errors.js';
import { resolveSettings, type SettingsInput } from '../../src/config/settings.js';

const cwd = '/work/project';
const resolve = (input: Partial<SettingsInput>) => resolveSettings({ flags: {}, env: {}, cwd, ...input });

describe('defaults', () => {
  it('runs on the local cloud in us-east-1 with the notebook prefix', () => {
    const s = resolve({});
    expect(s).toMatchObject({
      target: 'local',
      region: 'us-east-1',
      bucket: 'mme-local',
      prefix: 'DEMO_MME_LINEAR_LEARNER',
      json: false,
      color: 'auto',
      debug: false,
      yes: false,
      localStateDir: path.resolve(cwd, '.mme/local'),
      localPort: 0,
    });
    expect(s.profile).toBeUndefined();
    expect(s.roleArn).toBeUndefined();
    expect(s.sources.target).toBe('default');
  });

  it('leaves the bucket unset on aws: it is account-specific', () => {
    const s = resolve({ flags: { target: 'aws' } });
    expect(s.bucket).toBeUndefined();
    expect('bucket' in s).toBe(false);
  });
});

/**
 * Every precedence pair for every layered setting: the higher layer wins, and `sources` says
 * which one did. Layers absent from a row are simply not set.
 */
type Layer = 'flag' | 'env' | 'file';
interface Layered {
  key: 'target' | 'region' | 'profile' | 'bucket' | 'prefix' | 'roleArn';
  flag: string;
  env: string;
  fileKey: string;
  values: Record<Layer, string>;
  fallback: string | undefined;
}
const LAYERED: Layered[] = [
  {
    key: 'target',
    flag: '--target',
    env: 'MME_TARGET',
    fileKey: 'target',
    values: { flag: 'aws', env: 'local', file: 'aws' },
    fallback: 'local',
  },
  {
    key: 'region',
    flag: '--region',
    env: 'MME_REGION',
    fileKey: 'region',
    values: { flag: 'eu-west-1', env: 'ap-southeast-2', file: 'us-gov-west-1' },
    fallback: 'us-east-1',
  },
  {
    key: 'profile',
    flag: '--profile',
    env: 'AWS_PROFILE',
    fileKey: 'profile',
    values: { flag: 'cli', env: 'envprof', file: 'fileprof' },
    fallback: undefined,
  },
  {
    key: 'bucket',
    flag: '--bucket',
    env: 'MME_BUCKET',
    fileKey: 'bucket',
    values: { flag: 'flag-bucket', env: 'env-bucket', file: 'file.bucket' },
    fallback: 'mme-local',
  },
  {
    key: 'prefix',
    flag: '--prefix',
    env: 'MME_PREFIX',
    fileKey: 'prefix',
    values: { flag: 'A/B', env: 'ENV_PREFIX', file: 'FILE' },
    fallback: 'DEMO_MME_LINEAR_LEARNER',
  },
  {
    key: 'roleArn',
    flag: '--role-arn',
    env: 'MME_ROLE_ARN',
    fileKey: 'roleArn',
    values: {
      flag: 'arn:aws:iam::111111111111:role/Flag',
      env: 'arn:aws:iam::222222222222:role/service-role/Env',
      file: 'arn:aws-cn:iam::333333333333:role/File',
    },
    fallback: undefined,
  },
];
const COMBOS: Array<{ layers: Layer[]; winner: Layer | 'default' }> = [
  { layers: ['flag', 'env', 'file'], winner: 'flag' },
  { layers: ['flag', 'env'], winner: 'flag' },
  { layers: ['flag', 'file'], winner: 'flag' },
  { layers: ['env', 'file'], winner: 'env' },
  { layers: ['flag'], winner: 'flag' },
  { layers: ['env'], winner: 'env' },
  { layers: ['file'], winner: 'file' },
  { layers: [], winner: 'default' },
];

describe.each(LAYERED)('precedence of $key', (setting) => {
  it.each(COMBOS)('$layers.0 wins among [$layers] → $winner', ({ layers, winner }) => {
    const input: Partial<SettingsInput> = { flags: {}, env: {}, file: {} };
    if (layers.includes('flag')) (input.flags as Record<string, string>)[setting.key] = setting.values.flag;
    if (layers.includes('env')) (input.env as Record<string, string>)[setting.env] = setting.values.env;
    if (layers.includes('file')) (input.file as Record<string, string>)[setting.fileKey] = setting.values.file;
    const s = resolve(input);
    const expected = winner === 'default' ? setting.fallback : setting.values[winner];
    expect(s[setting.key]).toBe(expected);
    const source = {
      flag: setting.flag,
      env: setting.env,
      file: `mme.config.json "${setting.fileKey}"`,
      default: 'default',
    }[winner];
    expect(s.sources[setting.key]).toBe(source);
  });
});

describe('region environment variables', () => {
  it.each([
    [{ MME_REGION: 'eu-west-1', AWS_REGION: 'eu-west-2', AWS_DEFAULT_REGION: 'eu-west-3' }, 'eu-west-1', 'MME_REGION'],
    [{ AWS_REGION: 'eu-west-2', AWS_DEFAULT_REGION: 'eu-west-3' }, 'eu-west-2', 'AWS_REGION'],
    [{ AWS_DEFAULT_REGION: 'eu-west-3' }, 'eu-west-3', 'AWS_DEFAULT_REGION'],
    [{ MME_REGION: '', AWS_REGION: 'eu-west-2' }, 'eu-west-2', 'AWS_REGION'], // empty = unset
  ])('%o → %s', (env, region, source) => {
    const s = resolve({ env, file: { region: 'sa-east-1' } });
    expect(s.region).toBe(region);
    expect(s.sources.region).toBe(source);
  });
});

describe('local cloud settings (environment > file > default)', () => {
  it.each([
    [{ MME_LOCAL_STATE: '/abs/state' }, { localStateDir: 'file-state' }, '/abs/state'],
    [{ MME_LOCAL_STATE: 'rel/state' }, {}, path.resolve(cwd, 'rel/state')],
    [{}, { localStateDir: 'file-state' }, path.resolve(cwd, 'file-state')],
    [{}, {}, path.resolve(cwd, '.mme/local')],
  ])('state %o %o → %s', (env, file, dir) => {
    expect(resolve({ env, file }).localStateDir).toBe(dir);
  });

  it.each([
    [{ MME_LOCAL_PORT: '4566' }, { localPort: 5000 }, 4566],
    [{}, { localPort: 5000 }, 5000],
    [{}, {}, 0],
  ])('port %o %o → %d', (env, file, port) => {
    expect(resolve({ env, file }).localPort).toBe(port);
  });
});

describe('switches', () => {
  it.each([
    [{ debug: true }, {}, true],
    [{}, { MME_DEBUG: '1' }, true],
    [{}, { MME_DEBUG: 'YES' }, true],
    [{}, { MME_DEBUG: 'off' }, false],
    [{}, { MME_DEBUG: '' }, false],
    [{ debug: true }, { MME_DEBUG: '0' }, true],
  ])('debug flags %o env %o → %s', (flags, env, debug) => {
    expect(resolve({ flags, env }).debug).toBe(debug);
  });

  it('json and yes come from flags only', () => {
    expect(resolve({ flags: { json: true, yes: true } })).toMatchObject({ json: true, yes: true });
  });
});

describe('colour: --no-color > NO_COLOR > FORCE_COLOR > auto (TTY)', () => {
  it.each([
    [{ color: false }, { FORCE_COLOR: '3' }, 'off', undefined, '--no-color'],
    [{}, { NO_COLOR: '1', FORCE_COLOR: '1' }, 'off', undefined, 'NO_COLOR'],
    [{}, { NO_COLOR: '' }, 'auto', undefined, 'default'], // no-color.org: empty does not count
    [{}, { FORCE_COLOR: '0' }, 'off', undefined, 'FORCE_COLOR'],
    [{}, { FORCE_COLOR: 'false' }, 'off', undefined, 'FORCE_COLOR'],
    [{}, { FORCE_COLOR: '2' }, 'on', 2, 'FORCE_COLOR'],
    [{}, { FORCE_COLOR: '' }, 'on', undefined, 'FORCE_COLOR'],
    [{}, {}, 'auto', undefined, 'default'],
  ] as const)('flags %o env %o → %s', (flags, env, color, level, source) => {
    const s = resolve({ flags, env });
    expect(s.color).toBe(color);
    expect(s.colorLevel).toBe(level);
    expect(s.sources.color).toBe(source);
  });
});

describe('bad values name where they came from', () => {
  const cases: Array<[string, Partial<SettingsInput>, typeof UsageError | typeof ConfigError, string]> = [
    ['target flag', { flags: { target: 'gcp' } }, UsageError, "--target 'gcp' must be local or aws"],
    [
      'target env',
      { env: { MME_TARGET: 'gcp' } },
      ConfigError,
      "--target 'gcp' (from MME_TARGET) must be local or aws",
    ],
    [
      'target file',
      { file: { target: 'gcp' } },
      ConfigError,
      `--target 'gcp' (from mme.config.json "target") must be local or aws`,
    ],
    ['region flag', { flags: { region: 'US-EAST-1' } }, UsageError, "--region 'US-EAST-1' is not a region name"],
    ['region env', { env: { AWS_REGION: 'useast1' } }, ConfigError, '(from AWS_REGION) is not a region name'],
    ['region no digit', { flags: { region: 'us-east' } }, UsageError, 'is not a region name'],
    ['bucket short', { flags: { bucket: 'ab' } }, UsageError, '3 to 63 characters'],
    [
      'bucket upper',
      { env: { MME_BUCKET: 'My_Bucket' } },
      ConfigError,
      "--bucket 'My_Bucket' (from MME_BUCKET) may contain only lowercase",
    ],
    ['bucket edge', { flags: { bucket: '-bucket' } }, UsageError, 'begin and end with a letter or digit'],
    ['bucket dots', { flags: { bucket: 'a..b' } }, UsageError, 'two adjacent dots'],
    ['bucket ip', { flags: { bucket: '192.168.1.1' } }, UsageError, 'IP address'],
    ['bucket reserved', { flags: { bucket: 'xn--bucket' } }, UsageError, "reserved prefix 'xn--'"],
    ['bucket suffix', { flags: { bucket: 'bucket-s3alias' } }, UsageError, "reserved suffix '-s3alias'"],
    [
      'prefix leading',
      { flags: { prefix: '/models' } },
      UsageError,
      "--prefix '/models' must not begin or end with '/'",
    ],
    [
      'prefix trailing',
      { file: { prefix: 'models/' } },
      ConfigError,
      `(from mme.config.json "prefix") must not begin or end with '/'`,
    ],
    ['prefix double', { flags: { prefix: 'a//b' } }, UsageError, "must not contain '//'"],
    [
      'role arn',
      { flags: { roleArn: 'SageMakerRole' } },
      UsageError,
      "--role-arn 'SageMakerRole' is not an IAM role ARN",
    ],
    [
      'role arn user',
      { env: { MME_ROLE_ARN: 'arn:aws:iam::123456789012:user/bob' } },
      ConfigError,
      '(from MME_ROLE_ARN) is not an IAM role ARN',
    ],
    ['debug word', { env: { MME_DEBUG: 'maybe' } }, ConfigError, '(from MME_DEBUG) must be true/false'],
    [
      'port text',
      { env: { MME_LOCAL_PORT: 'http' } },
      ConfigError,
      "'http' (from MME_LOCAL_PORT) must be a port number",
    ],
    ['port range', { file: { localPort: 70000 } }, ConfigError, 'must be a port number from 0 to 65535'],
  ];
  it.each(cases)('%s', (_name, input, type, message) => {
    let thrown: unknown;
    try {
      resolve(input);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(type);
    expect((thrown as Error).message).toContain(message);
    expect((thrown as UsageError).exitCode).toBe(type === UsageError ? ExitCode.Usage : ExitCode.Config);
  });

  it('accepts a valid value lower down when a higher layer is valid too', () => {
    // Only the winning value is checked: a bad file value under a good flag does not block a run.
    expect(resolve({ flags: { target: 'aws' }, file: { target: 'gcp' } }).target).toBe('aws');
  });
});

describe('timeouts and retries (flag > environment > file > default)', () => {
  it('defaults: standard retries; timeouts and attempts left to the clients (per service, per target)', () => {
    const s = resolve({});
    expect(s.retryMode).toBe('standard');
    expect(s.connectTimeoutMs).toBeUndefined();
    expect(s.requestTimeoutMs).toBeUndefined();
    expect(s.maxAttempts).toBeUndefined();
    expect(s.sources).toMatchObject({
      connectTimeout: 'default',
      requestTimeout: 'default',
      retryMode: 'default',
      maxAttempts: 'default',
    });
  });

  it('seconds become milliseconds; each layer is named as the source', () => {
    const file = { connectTimeout: 3, requestTimeout: 45, retryMode: 'adaptive', maxAttempts: 6 };
    expect(resolve({ file })).toMatchObject({
      connectTimeoutMs: 3000,
      requestTimeoutMs: 45_000,
      retryMode: 'adaptive',
      maxAttempts: 6,
      sources: { requestTimeout: 'mme.config.json "requestTimeout"' },
    });
    const env = {
      MME_CONNECT_TIMEOUT: '0.25',
      MME_REQUEST_TIMEOUT: '90',
      MME_RETRY_MODE: 'standard',
      MME_MAX_ATTEMPTS: '2',
    };
    expect(resolve({ env, file })).toMatchObject({
      connectTimeoutMs: 250,
      requestTimeoutMs: 90_000,
      retryMode: 'standard',
      maxAttempts: 2,
      sources: { maxAttempts: 'MME_MAX_ATTEMPTS' },
    });
    const flags = { connectTimeout: '1', requestTimeout: '0.5', retryMode: 'adaptive', maxAttempts: '1' };
    expect(resolve({ flags, env, file })).toMatchObject({
      connectTimeoutMs: 1000,
      requestTimeoutMs: 500,
      retryMode: 'adaptive',
      maxAttempts: 1,
      sources: { connectTimeout: '--connect-timeout' },
    });
  });

  it("the SDK's own AWS_RETRY_MODE and AWS_MAX_ATTEMPTS count, under mme's variables", () => {
    expect(resolve({ env: { AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '7' } })).toMatchObject({
      retryMode: 'adaptive',
      maxAttempts: 7,
    });
    expect(resolve({ env: { AWS_MAX_ATTEMPTS: '7', MME_MAX_ATTEMPTS: '3' } })).toMatchObject({
      maxAttempts: 3,
      sources: { maxAttempts: 'MME_MAX_ATTEMPTS' },
    });
  });

  it.each([
    [{ flags: { requestTimeout: 'soon' } }, UsageError, "--request-timeout 'soon' must be a number of seconds"],
    [
      { flags: { connectTimeout: '0' } },
      UsageError,
      "--connect-timeout '0' must be a number of seconds from 0.001 to 3600",
    ],
    [
      { env: { MME_RETRY_MODE: 'legacy' } },
      ConfigError,
      "--retry-mode 'legacy' (from MME_RETRY_MODE) must be standard or adaptive",
    ],
    [
      { env: { AWS_MAX_ATTEMPTS: '0' } },
      ConfigError,
      "--max-attempts '0' (from AWS_MAX_ATTEMPTS) must be a whole number from 1 to 20",
    ],
  ])('%j is refused, naming its origin', (input, type, message) => {
    expect(() => resolve(input as Partial<SettingsInput>)).toThrow(type);
    expect(() => resolve(input as Partial<SettingsInput>)).toThrow(message);
  });
});

describe('defaults recorded by mme bootstrap', () => {
  const file = {
    bucket: undefined,
    bootstrap: {
      aws: { region: 'eu-west-1', bucket: 'made-aws', roleArn: 'arn:aws:iam::123456789012:role/made' },
      local: { bucket: 'made-local' },
    },
  };
  it("apply to their own target only, under flags, environment and the file's top-level keys", () => {
    const aws = resolveSettings({ flags: { target: 'aws' }, env: {}, file, cwd: '/w' });
    expect([aws.region, aws.bucket, aws.roleArn]).toEqual([
      'eu-west-1',
      'made-aws',
      'arn:aws:iam::123456789012:role/made',
    ]);
    expect(aws.sources.bucket).toBe('mme.config.json "bootstrap.aws.bucket"');
    const local = resolveSettings({ flags: {}, env: {}, file, cwd: '/w' });
    expect([local.region, local.bucket, local.roleArn]).toEqual(['us-east-1', 'made-local', undefined]);
    const over = resolveSettings({
      flags: { target: 'aws', bucket: 'flag-bucket' },
      env: { AWS_REGION: 'us-west-2' },
      file: { ...file, roleArn: 'arn:aws:iam::123456789012:role/top' },
      cwd: '/w',
    });
    expect([over.region, over.bucket, over.roleArn]).toEqual([
      'us-west-2',
      'flag-bucket',
      'arn:aws:iam::123456789012:role/top',
    ]);
  });
});
