import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, mme } from './helpers.js';

const COMMANDS = [
  'data',
  'preprocess',
  'train',
  'deploy',
  'invoke',
  'add-model',
  'grant',
  'metrics',
  'experiment',
  'local',
  'demo',
  'status',
  'teardown',
];
const ANSI = /\u001b\[/;

let cwd: string;
beforeAll(() => {
  if (!BUILT) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does) before these tests');
  cwd = mkdtempSync(path.join(tmpdir(), 'mme-cli-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('help and version', () => {
  it('--help lists every command on stdout and exits 0', async () => {
    const r = await mme(['--help'], { cwd });
    expect(r.code).toBe(0);
    for (const name of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    for (const sub of ['generate', 'cache', 'replay', 'start', 'stop', 'status', 'env'])
      expect(r.stdout).toContain(sub);
    expect(r.stdout).toContain('Exit codes');
    expect(r.stderr).toBe('');
  });

  it.each([['data', 'generate'], ['local', 'env'], ['invoke'], ['grant'], ['metrics']])(
    'mme %s %s --help shows examples and global options',
    async (...cmd) => {
      const r = await mme([...cmd.filter(Boolean), '--help'], { cwd });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain('Global Options:');
    },
  );

  it('--version prints package.json version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await mme(['--version'], { cwd });
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('with --json, the version and the help are one JSON document', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const v = await mme(['--version', '--json'], { cwd });
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toEqual({ ok: true, result: { version: pkg.version } });
    const h = await mme(['invoke', '--help', '--json'], { cwd });
    expect(h.code).toBe(0);
    const doc = JSON.parse(h.stdout) as { ok: boolean; result: { help: string } };
    expect(doc.ok).toBe(true);
    expect(doc.result.help).toContain('Usage: mme invoke');
    expect(h.stderr).toBe('');
  });

  it('the root help and the settings agree on the local port default', async () => {
    const root = await mme(['--help'], { cwd });
    const start = await mme(['local', 'start', '--help'], { cwd });
    expect(root.stdout).toContain('MME_LOCAL_PORT (default: the last port used, else a free one)');
    expect(start.stdout.replace(/\s+/g, ' ')).toContain('default: the last one used, else a free one');
  });
});

describe('usage errors exit 2', () => {
  it('unknown option: commander message plus a hint, on stderr', async () => {
    const r = await mme(['data', 'generate', '--bogus'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown option '--bogus'");
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack without --debug
  });

  it('unknown command suggests the close one', async () => {
    const r = await mme(['trian'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'trian'");
    // The suggestion joins the message's line instead of dangling on its own.
    expect(r.stderr).toMatch(/unknown command 'trian' \(Did you mean train\?\)/);
  });

  it('a misspelt option is named, with the nearest real one, even where a required option is missing', async () => {
    const r = await mme(['invoke', '--modle', 'Chicago_IL'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--modle' (Did you mean --model?)");
    const missing = await mme(['grant'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--prefix <prefixes...>' not specified");
  });

  it.each([
    [
      ['--role-arn', 'arn:aws:iam::123456789012:role/r', 'invoke', '--model', 'Chicago_IL'],
      "--role-arn before 'invoke' sets the SageMaker execution role",
    ],
    [['--prefix', 'X', 'grant', '--prefix', 'NewYork_NY'], "--prefix before 'grant' sets the S3 prefix"],
  ])('a global option before a command that gives its name another meaning is refused: %j', async (args, message) => {
    const r = await mme(args, { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('is another option');
  });

  it('--session-name without --role-arn is refused, not ignored', async () => {
    const r = await mme(['invoke', '--model', 'Chicago_IL', '--session-name', 'me'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--session-name names the session of the role assumed with --role-arn');
  });

  it('bad option value', async () => {
    const r = await mme(['data', 'generate', '--rows', 'many'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'--rows <n>' argument 'many' is invalid");
  });

  it('no command at all', async () => {
    const r = await mme([], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: mme');
  });

  it('a bad demo option, before anything starts', async () => {
    const r = await mme(['demo', '--rows', '5'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'--rows <n>' argument '5' is invalid");
  });
});

describe('--json', () => {
  it('an error is one JSON document on stdout with a stable shape; stderr stays empty', async () => {
    const r = await mme(['invoke', '--model', 'X', '--features', '1,2', '--json'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      error: {
        code: 'UsageError',
        message: expect.stringContaining('--features has 2 columns; it needs 8'),
        hint: expect.any(String),
        detail: null,
        exitCode: 2,
      },
    });
  });

  it('parse errors too, with --json anywhere on the line', async () => {
    const r = await mme(['--json', 'invoke'], { cwd });
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error).toMatchObject({ code: 'UsageError', exitCode: 2 });
    expect(doc.error.message).toContain("required option '--model <location>'");
  });

  it('configuration errors exit 3 and name their source', async () => {
    const r = await mme(['status', '--json'], { cwd, env: { MME_TARGET: 'gcp' } });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'ConfigError',
      message: "--target 'gcp' (from MME_TARGET) must be local or aws",
    });
  });

  it('a bad mme.config.json names the key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mme-cfg-'));
    writeFileSync(path.join(dir, 'mme.config.json'), '{"buckett": "x"}');
    const r = await mme(['status'], { cwd: dir });
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('unknown key "buckett" (did you mean "bucket"?)');
  });

  it('--debug adds the stack', async () => {
    const r = await mme(['invoke', '--model', 'X', '--features', '1,2', '--json', '--debug'], { cwd });
    expect(JSON.parse(r.stdout).error.stack).toContain('at Module.parseFeatures');
  });
});

describe('data generate', () => {
  it('--json prints the result and no progress', async () => {
    const r = await mme(['data', 'generate', '--out', 'tmp', '--rows', '50', '--locations', '2', '--json'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.result).toMatchObject({ seed: 42, outDir: path.join(cwd, 'tmp') });
    expect(doc.result.locations.map((l: { location: string }) => l.location)).toEqual(['NewYork_NY', 'LosAngeles_CA']);
    for (const l of doc.result.locations) {
      expect(l.trainRows + l.testRows).toBe(50);
      expect(existsSync(l.files.train)).toBe(true);
    }
  });

  it('human output: a table on stdout, one plain progress line per event on stderr (no TTY, no colour)', async () => {
    const r = await mme(
      ['data', 'generate', '--out', 'tmp2', '--rows', '20', '--locations', 'Chicago_IL,Houston_TX', '--seed', '7'],
      { cwd },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^location\s+rows\s+train\s+test/m);
    expect(r.stdout).toMatch(/^Chicago_IL\s+20\s+18\s+2\s+tmp2\/Chicago_IL\/train\/train\.csv/m);
    expect(r.stdout).toContain('seed 7');
    expect(r.stderr).toMatch(/^✔ Generated 40 rows/m);
    expect(r.stdout + r.stderr).not.toMatch(ANSI);
  });

  it('FORCE_COLOR colours even when piped; NO_COLOR wins over it', async () => {
    const forced = await mme(['data', 'generate', '--out', 'tmp3', '--rows', '10', '--locations', '1'], {
      cwd,
      env: { FORCE_COLOR: '1' },
    });
    expect(forced.stderr).toMatch(ANSI);
    const off = await mme(['data', 'generate', '--out', 'tmp3', '--rows', '10', '--locations', '1'], {
      cwd,
      env: { FORCE_COLOR: '1', NO_COLOR: '1' },
    });
    expect(off.stdout + off.stderr).not.toMatch(ANSI);
  });

  it('the same seed writes the same files', async () => {
    const a = JSON.parse(
      (await mme(['data', 'generate', '--out', 'a', '--rows', '30', '--locations', '1', '--json'], { cwd })).stdout,
    );
    const b = JSON.parse(
      (await mme(['data', 'generate', '--out', 'b', '--rows', '30', '--locations', '1', '--json'], { cwd })).stdout,
    );
    expect(a.result.locations[0].sha256).toEqual(b.result.locations[0].sha256);
  });
});

describe('signals', () => {
  it('Ctrl-C exits 130', async () => {
    const r = await mme(['data', 'generate', '--out', 'big', '--rows', '10000000', '--locations', '10'], {
      cwd,
      onSpawn: (child) => {
        // Wait until it is working (its first progress line), then interrupt.
        child.stderr!.once('data', () => child.kill('SIGINT'));
      },
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted');
  });
});

describe('local cloud commands', () => {
  let state: string;
  beforeAll(() => {
    state = mkdtempSync(path.join(tmpdir(), 'mme-local-'));
  });
  afterAll(async () => {
    await mme(['local', 'stop', '--state', state], { cwd });
    rmSync(state, { recursive: true, force: true });
  });

  it('start, status, env, data generate --upload, stop', async () => {
    const started = await mme(['local', 'start', '--state', state, '--json'], { cwd });
    expect(started.code).toBe(0);
    const info = JSON.parse(started.stdout).result;
    expect(Object.keys(info)).toEqual(
      expect.arrayContaining(['endpoint', 'region', 'accountId', 'accessKeyId', 'secretAccessKey', 'pid', 'stateDir']),
    );
    expect(info).toMatchObject({ stateDir: state, alreadyRunning: false, region: 'us-east-1' });

    const again = JSON.parse(
      (await mme(['local', 'start', '--json'], { cwd, env: { MME_LOCAL_STATE: state } })).stdout,
    ).result;
    expect(again).toMatchObject({ pid: info.pid, alreadyRunning: true });

    const status = JSON.parse((await mme(['local', 'status', '--state', state, '--json'], { cwd })).stdout).result;
    expect(status).toMatchObject({ running: true, endpoint: info.endpoint, pid: info.pid });
    // The keys are those of the IAM user mme-admin, not the root's (which stay in account.json).
    expect(status).toMatchObject({
      userName: 'mme-admin',
      userArn: `arn:aws:iam::${info.accountId}:user/mme-admin`,
      accessKeyId: info.accessKeyId,
    });
    const account = JSON.parse(readFileSync(path.join(state, 'account.json'), 'utf8')) as {
      accessKeyId: string;
      secretAccessKey: string;
    };
    expect(account.accessKeyId).not.toBe(info.accessKeyId);
    expect(JSON.stringify(status)).not.toContain(account.secretAccessKey);
    const human = await mme(['local', 'status', '--state', state], { cwd });
    expect(human.stdout).toMatch(/user {7}mme-admin \(AdministratorAccess\)/);

    const env = await mme(['local', 'env', '--state', state], { cwd });
    expect(env.code).toBe(0);
    expect(env.stdout).toContain(`export AWS_ENDPOINT_URL='${info.endpoint}'`);
    expect(env.stdout).toContain(`export AWS_ACCESS_KEY_ID='${info.accessKeyId}'`);
    expect(env.stdout).toContain(`export AWS_SECRET_ACCESS_KEY='${info.secretAccessKey}'`);
    expect(env.stdout).toContain(`export AWS_REGION='us-east-1'`);
    expect(env.stdout).toContain(
      `# Credentials of the IAM user mme-admin (AdministratorAccess), arn:aws:iam::${info.accountId}:user/mme-admin`,
    );
    expect(env.stdout).toContain(`export MME_LOCAL_STATE='${state}'`);

    const upload = await mme(
      ['data', 'generate', '--out', 'up', '--rows', '20', '--locations', '1', '--upload', '--json'],
      { cwd, env: { MME_LOCAL_STATE: state } },
    );
    expect(upload.code).toBe(0);
    expect(JSON.parse(upload.stdout).result).toMatchObject({
      bucket: 'mme-local',
      locations: [{ s3: { train: 's3://mme-local/housing-data/NewYork_NY/train/train.csv' } }],
    });

    // A plain command in another directory, whose settings name another state dir: it says that
    // it starts a second cloud, and how to use the one started by hand.
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'mme-elsewhere-'));
    try {
      const other = await mme(['local', 'env'], { cwd: elsewhere });
      expect(other.code).toBe(0);
      expect(other.stderr).toContain('Started the local cloud at');
      expect(other.stderr).toContain(`another local cloud, started with --state ${state}, runs at ${info.endpoint}`);
      expect(other.stderr).toContain(`MME_LOCAL_STATE=${state}`);
    } finally {
      await mme(['local', 'stop'], { cwd: elsewhere });
      rmSync(elsewhere, { recursive: true, force: true });
    }

    const hint = await mme(['local', 'start', '--state', state], { cwd });
    expect(hint.stdout).toContain(`eval "$(mme local env --state '${state}')"`);

    const stopped = JSON.parse((await mme(['local', 'stop', '--state', state, '--json'], { cwd })).stdout).result;
    expect(stopped).toEqual({ stopped: true, pid: info.pid });
    const after = JSON.parse((await mme(['local', 'status', '--state', state, '--json'], { cwd })).stdout).result;
    expect(after).toEqual({ running: false, stateDir: state });
  });
});
