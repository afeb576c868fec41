/**
 * `mme demo` end to end, as a user runs it: the built CLI in a fresh working directory with a
 * fresh local cloud (MME_LOCAL_STATE), the whole journey with --json, then again in human form
 * with --clean (a re-run on the same state must converge, and then tear down); between them the
 * XGBoost demo, on its own endpoint beside the linear learner's. The daemon the
 * demo started is stopped at the end, whatever happened.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, mme, type RunResult } from '../cli/helpers.js';

let cwd: string;
let state: string;
const run = (args: string[]) => mme(args, { cwd, env: { MME_LOCAL_STATE: state } });

interface Step {
  name: string;
  ok: boolean;
  seconds: number;
  summary: string;
  result?: Record<string, any>;
}
let first: RunResult;
let report: Record<string, any>;
let firstMs: number;
const step = (name: string): Step => report.steps.find((s: Step) => s.name === name);

beforeAll(async () => {
  if (!BUILT) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` before these tests');
  cwd = mkdtempSync(path.join(tmpdir(), 'mme-demo-e2e-'));
  state = path.join(cwd, 'state');
  const began = Date.now();
  first = await run(['demo', '--json', '--rows', '300']);
  firstMs = Date.now() - began;
  try {
    report = JSON.parse(first.stdout).result;
  } catch {
    throw new Error(`mme demo --json printed no JSON (exit ${first.code}):\n${first.stdout}\n${first.stderr}`);
  }
}, 60_000);

afterAll(async () => {
  // Stop the daemon the demo started, even when the demo failed; then remove everything.
  if (state && existsSync(state)) await run(['local', 'stop']);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
}, 30_000);

describe('mme demo --json', () => {
  it('runs every step, ok, in well under a minute, with one JSON document and a quiet stderr', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.steps.map((s: Step) => [s.name, s.ok])).toEqual([
      ['data', true],
      ['preprocess', true],
      ['train', true],
      ['deploy', true],
      ['invoke', true],
      ['add-model', true],
      ['grant', true],
      ['as-role', true],
      ['metrics', true],
    ]);
    for (const s of report.steps) expect(s.seconds).toBeGreaterThanOrEqual(0);
    expect(report.wallSeconds).toBeLessThan(60);
    expect(firstMs).toBeLessThan(60_000);
    expect(report.kept).toBe(true);
  });

  it('generated 4 locations, preprocessed and trained them, and deployed 3 (Houston_TX held out)', () => {
    const data = step('data').result!;
    expect(data.locations.map((l: { location: string }) => l.location)).toEqual([
      'NewYork_NY',
      'LosAngeles_CA',
      'Chicago_IL',
      'Houston_TX',
    ]);
    for (const l of data.locations) {
      expect(l.rows).toBe(300);
      expect(existsSync(path.join(cwd, 'data', l.location, 'train', 'train.csv'))).toBe(true);
    }
    expect(step('preprocess').result!.datasets).toHaveLength(4);
    const jobs = step('train').result!.jobs;
    expect(jobs.map((j: { status: string }) => j.status)).toEqual(['Completed', 'Completed', 'Completed', 'Completed']);
    const deploy = step('deploy').result!;
    expect(deploy).toMatchObject({
      endpoint: 'mme-linear-learner',
      action: 'create',
      status: 'InService',
      heldOut: ['Houston_TX'],
    });
    expect(deploy.artifacts.map((a: { location: string }) => a.location).sort()).toEqual([
      'Chicago_IL',
      'LosAngeles_CA',
      'NewYork_NY',
    ]);
  });

  it("predicts 10 houses in dollars on the deployed models, each model's first call marked cold", () => {
    const deployed = [
      'Chicago_IL/Chicago_IL.tar.gz',
      'LosAngeles_CA/LosAngeles_CA.tar.gz',
      'NewYork_NY/NewYork_NY.tar.gz',
    ];
    expect(report.predictions).toHaveLength(10);
    const seen = new Set<string>();
    for (const p of report.predictions) {
      expect(deployed).toContain(p.targetModel);
      expect(p.features.split(',')).toHaveLength(8);
      expect(p.prediction).toBeGreaterThan(10_000);
      expect(p.prediction).toBeLessThan(10_000_000);
      expect(p.latencyMs).toBeGreaterThan(0);
      expect(p.cold).toBe(!seen.has(p.targetModel));
      seen.add(p.targetModel);
    }
    expect([...seen].sort()).toEqual(deployed); // each model at least once
    expect(report.latency.cold.requests).toBe(3);
    expect(report.latency.warm.requests).toBe(7);
  });

  it('adds Houston_TX to the running endpoint and it answers', () => {
    expect(report.added).toMatchObject({ targetModel: 'Houston_TX/Houston_TX.tar.gz', status: 'added' });
    expect(report.added.invocation.prediction).toBeGreaterThan(10_000);
    expect(report.added.invocation.prediction).toBeLessThan(10_000_000);
  });

  it("grants NewYork_NY: through the role NewYork_NY answers and Chicago_IL is denied with AWS's message", () => {
    expect(step('grant').result).toMatchObject({
      roleName: 'mme-invoke-NewYork_NY@mme-linear-learner',
      status: 'created',
      targetModels: ['NewYork_NY/*'],
    });
    const identity = report.asRole.identity as string;
    expect(identity).toMatch(
      /^arn:aws:sts::\d{12}:assumed-role\/mme-invoke-NewYork_NY@mme-linear-learner\/MME_Invoke_NY_Model$/,
    );
    expect(report.asRole.allowed.targetModel).toBe('NewYork_NY/NewYork_NY.tar.gz');
    expect(report.asRole.allowed.prediction).toBeGreaterThan(10_000);
    expect(report.asRole.allowed.prediction).toBeLessThan(10_000_000);
    expect(report.denied).toMatchObject({
      targetModel: 'Chicago_IL/Chicago_IL.tar.gz',
      denied: true,
      code: 'AccessDeniedException',
    });
    expect(report.denied.message).toMatch(
      new RegExp(
        `^User: ${escape(identity)} is not authorized to perform: sagemaker:InvokeEndpoint on resource: arn:aws:sagemaker:us-east-1:\\d{12}:endpoint/mme-linear-learner$`,
      ),
    );
  });

  it('reads the cache metrics back from CloudWatch', () => {
    const m = report.metrics;
    expect(m).toMatchObject({ endpoint: 'mme-linear-learner', variant: 'AllTraffic', complete: true });
    const names = m.series.map((s: { name: string }) => s.name);
    expect(names).toEqual(['LoadedModelCount', 'MemoryUtilization', 'ModelCacheHit']);
    const loaded = m.series[0].points as { value: number }[];
    expect(loaded.length).toBeGreaterThan(0);
    expect(Math.max(...loaded.map((p) => p.value))).toBeGreaterThan(1);
    expect(m.note).toContain('every 5 s');
  });
});

describe('mme demo --algorithm xgboost --clean, beside the linear learner', () => {
  let xgb: Record<string, any>;
  let code: number | null;
  const xstep = (name: string): Step => xgb.steps.find((s: Step) => s.name === name);

  beforeAll(async () => {
    const r = await run(['demo', '--algorithm', 'xgboost', '--rows', '300', '--clean', '--json']);
    code = r.code;
    xgb = JSON.parse(r.stdout).result;
  }, 60_000);

  it('runs every step on its own endpoint, models under its own prefix, and tears only that down', async () => {
    expect(code).toBe(0);
    expect(xgb).toMatchObject({ ok: true, algorithm: 'xgboost', endpoint: 'mme-xgboost', kept: false });
    expect(xgb.steps.map((s: Step) => s.ok)).toEqual(Array(10).fill(true));
    for (const j of xstep('train').result!.jobs)
      expect(j.artifact).toMatch(/^s3:\/\/mme-local\/DEMO_MME_LINEAR_LEARNER\/xgboost\/model_artifacts\//);
    expect(xstep('deploy').result).toMatchObject({
      endpoint: 'mme-xgboost',
      action: 'create',
      heldOut: ['Houston_TX'],
    });
    for (const p of xgb.predictions) {
      expect(p.prediction).toBeGreaterThan(10_000);
      expect(p.prediction).toBeLessThan(10_000_000);
    }
    expect(xgb.added).toMatchObject({ targetModel: 'Houston_TX/Houston_TX.tar.gz', status: 'added' });
    expect(xgb.denied.message).toMatch(/on resource: arn:aws:sagemaker:us-east-1:\d{12}:endpoint\/mme-xgboost$/);
    // The linear learner's endpoint, deployed by the first run, is untouched.
    const status = JSON.parse((await run(['status', '--json'])).stdout).result;
    expect(status.endpoints.map((e: { name: string }) => e.name)).toEqual(['mme-linear-learner']);
  });
});

describe.each([
  ['knn', 'mme-knn', [10_000, 10_000_000]],
  ['rcf', 'mme-rcf', [0.1, 20]], // anomaly scores: about 0.7 for a house that fits its city
])('mme demo --algorithm %s --clean', (algorithm, endpoint, [low, high]) => {
  it('runs every step and answers in its own terms', async () => {
    const r = await run(['demo', '--algorithm', algorithm!, '--rows', '300', '--clean', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout).result;
    expect(out).toMatchObject({ ok: true, algorithm, endpoint, kept: false });
    for (const p of [...out.predictions, out.added.invocation, out.asRole.allowed]) {
      expect(p.prediction).toBeGreaterThan(low!);
      expect(p.prediction).toBeLessThan(high!);
    }
  }, 60_000);
});

describe('mme demo --clean, re-run on the same state', () => {
  let second: RunResult;
  let trainCsv: string;

  beforeAll(async () => {
    trainCsv = readFileSync(path.join(cwd, 'data', 'Chicago_IL', 'train', 'train.csv'), 'utf8');
    second = await run(['demo', '--rows', '300', '--clean']);
  }, 60_000);

  it('converges (same data, endpoint updated, Houston_TX replaced, role unchanged), then tears down', () => {
    expect(second.code, second.stderr).toBe(0);
    expect(readFileSync(path.join(cwd, 'data', 'Chicago_IL', 'train', 'train.csv'), 'utf8')).toBe(trainCsv);
    // progress on stderr (plain lines: not a TTY), a start and an end per step
    for (const [i, name] of [
      'data',
      'preprocess',
      'train',
      'deploy',
      'invoke',
      'add-model',
      'grant',
      'as-role',
      'metrics',
      'teardown',
    ].entries()) {
      expect(second.stderr).toContain(`› Step ${i + 1}/10 ${name}: `);
      expect(second.stderr).toContain(`✔ Step ${i + 1}/10 ${name}: `);
    }
    expect(second.stderr).toContain('endpoint mme-linear-learner updated');
    expect(second.stderr).toContain('Houston_TX/Houston_TX.tar.gz replaced');
    expect(second.stderr).toContain('role mme-invoke-NewYork_NY@mme-linear-learner unchanged');
    // the human result on stdout
    expect(second.stdout).toMatch(/^mme demo on local \(us-east-1\)/);
    expect(second.stdout).toContain('AccessDeniedException: User: arn:aws:sts::');
    expect(second.stdout).toMatch(/\$[\d,]+\.\d\d +[\d.]+ ms +cold/);
    expect(second.stdout).toContain('LoadedModelCount');
    expect(second.stdout).toContain('✔ Deleted endpoint mme-linear-learner');
    expect(second.stdout).toContain('✔ Removed role mme-invoke-NewYork_NY@mme-linear-learner');
    expect(second.stdout).toMatch(/total +[\d.]+ s/);
  });

  it('left the data and nothing else', async () => {
    const status = await run(['status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).result.endpoints).toEqual([]);
    expect(existsSync(path.join(cwd, 'data', 'NewYork_NY', 'test', 'test.csv'))).toBe(true);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
