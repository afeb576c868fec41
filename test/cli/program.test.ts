/**
 * The program in-process: which command runs, with which options, and which global flags reach
 * settings wherever they are typed. The runner is a fake, so no command module is loaded.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, type Load } from '../../src/cli/program.js';
import { collectFlags } from '../../src/cli/run.js';

async function parse(args: string[]) {
  let seen:
    | {
        name: string;
        opts: Record<string, unknown>;
        flags: ReturnType<typeof collectFlags>;
        args: unknown[];
        load: Load;
      }
    | undefined;
  const program = buildProgram(async (command: Command, load: Load) => {
    const names: string[] = [];
    for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
    seen = {
      name: names.join(' '),
      opts: command.opts(),
      flags: collectFlags(command),
      args: command.processedArgs,
      load,
    };
  }, '0.0.0-test');
  program.configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  await program.parseAsync(['node', 'mme', ...args]);
  return seen!;
}

describe('global options before or after the command', () => {
  it.each([
    [['--json', '--target', 'aws', 'train']],
    [['train', '--json', '--target', 'aws']],
    [['--json', 'train', '--target', 'aws']],
  ])('%j', async (args) => {
    const r = await parse(args);
    expect(r.name).toBe('train');
    expect(r.flags).toEqual({ json: true, target: 'aws' });
  });

  it('after a nested command', async () => {
    const r = await parse(['data', 'generate', '--rows', '10', '--region', 'eu-west-1', '--no-color', '-y']);
    expect(r.name).toBe('data generate');
    expect(r.flags).toEqual({ region: 'eu-west-1', color: false, yes: true });
    expect(r.opts).toMatchObject({ rows: 10, locations: 4, seed: 42, out: 'data' });
  });

  it('defaults are not flags: --no-color unused leaves color unset', async () => {
    expect((await parse(['train'])).flags).toEqual({});
  });
});

describe('options that share a global name keep their own meaning', () => {
  it('grant --prefix lists TargetModel prefixes', async () => {
    const r = await parse(['grant', '--prefix', 'NewYork_NY/', 'Chicago_IL/']);
    expect(r.opts.prefix).toEqual(['NewYork_NY/', 'Chicago_IL/']);
    expect(r.flags.prefix).toBeUndefined();
  });

  it('the global --prefix before grant, which grant does not use, is refused rather than ignored', async () => {
    await expect(parse(['--prefix', 'MODELS', 'grant', '--prefix', 'NewYork_NY/'])).rejects.toMatchObject({
      name: 'UsageError',
      exitCode: 2,
    });
  });

  it('invoke --role-arn is the role to assume, not the execution role', async () => {
    const r = await parse(['invoke', '--model', 'NewYork_NY', '--role-arn', 'arn:aws:iam::123456789012:role/Reader']);
    expect(r.opts.roleArn).toBe('arn:aws:iam::123456789012:role/Reader');
    expect(r.flags.roleArn).toBeUndefined();
  });
});

describe('option parsing', () => {
  it.each([
    [['data', 'generate', '--locations', '10'], { locations: 10 }],
    [['data', 'generate', '--locations', 'NewYork_NY, Chicago_IL'], { locations: ['NewYork_NY', 'Chicago_IL'] }],
    [
      ['metrics', '--since', '2h', '--metric', 'A,B', '--metric', 'C', '--no-chart'],
      { since: 7200, metric: ['A', 'B', 'C'], chart: false, period: 60 },
    ],
    [['train', '--parallel', '2', '--no-wait'], { parallel: 2, wait: false }],
    [['local', 'start', '--port', '4566', '--state', '/tmp/s'], { port: 4566, state: '/tmp/s' }],
    [['add-model', 'Houston_TX', '--as', 'Houston_TX_v2'], { as: 'Houston_TX_v2' }],
    [
      ['demo', '--clean', '--rows', '300', '--seed', '7', '--endpoint', 'demo-houses'],
      { clean: true, rows: 300, seed: 7, endpoint: 'demo-houses' },
    ],
  ])('%j', async (args, expected) => {
    expect((await parse(args)).opts).toMatchObject(expected);
  });

  it.each([
    [['data', 'generate', '--locations', '0']],
    [['data', 'generate', '--locations', 'A,A']],
    [['metrics', '--since', 'yesterday']],
    [['invoke', '--model', 'X', '--features', '1,2', '--random', '3']],
    [['invoke', '--model', 'X', '--role-arn', 'Reader']],
    [['demo', '--keep', '--clean']],
    [['demo', '--rows', '5']],
    [['demo', '--endpoint', 'under_score']],
  ])('rejects %j', async (args) => {
    await expect(parse(args)).rejects.toMatchObject({ exitCode: 1 }); // commander's code; main maps it to 2
  });

  it('a missing required option is a usage error', async () => {
    await expect(parse(['grant'])).rejects.toMatchObject({
      name: 'UsageError',
      exitCode: 2,
      message: "required option '--prefix <prefixes...>' not specified",
    });
  });

  it('demo: its action loads the command, with the defaults of --seed and --rows', async () => {
    const r = await parse(['demo']);
    expect(r.opts).toMatchObject({ seed: 42, rows: 1000 });
    expect(typeof (await r.load())).toBe('function');
  });
});
