/**
 * `mme invoke`, the pure parts: rows, target models, predictions, dollars, latency; and usage
 * errors through the CLI.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, MmeError, UsageError } from '../../src/errors.js';
import { checkSessionName, sessionNameProblem, targetModelsAllowed } from '../../src/workflow/assume-role.js';
import {
  invokeError,
  locationOf,
  parseFeatures,
  randomRows,
  resolveTargetModel,
  summarizeLatencies,
} from '../../src/workflow/invoke.js';
import { formatDollars, parseAnswers, parsePredictions } from '../../src/workflow/answers.js';
import { BUILT, mme } from '../cli/helpers.js';

describe('resolveTargetModel', () => {
  it.each([
    ['Chicago_IL', 'Chicago_IL/Chicago_IL.tar.gz'],
    [' NewYork_NY ', 'NewYork_NY/NewYork_NY.tar.gz'],
    ['Chicago_IL/Chicago_IL.tar.gz', 'Chicago_IL/Chicago_IL.tar.gz'],
    ['Houston_TX_v2/Houston_TX.tar.gz', 'Houston_TX_v2/Houston_TX.tar.gz'],
    ['copies/model-17.tar.gz', 'copies/model-17.tar.gz'],
    ['Houston_TX.tar.gz', 'Houston_TX.tar.gz'],
  ])('%s → %s', (model, target) => expect(resolveTargetModel(model)).toBe(target));

  it('refuses an empty name', () => expect(() => resolveTargetModel('  ')).toThrow(UsageError));

  it('finds the location of a key', () => {
    expect(locationOf('Chicago_IL/Chicago_IL.tar.gz')).toBe('Chicago_IL');
    expect(locationOf('Houston_TX.tar.gz')).toBe('Houston_TX');
    expect(locationOf('../x')).toBeUndefined();
  });
});

describe('parseFeatures', () => {
  it('accepts the reference row and normalises it', () => {
    expect(parseFeatures('1993,2728,6,3.0,0.7,1,y,y')).toBe('1993,2728,6,3.0,0.7,1,y,y');
    expect(parseFeatures(' 1993, 2728 ,6,3,.7,1,Y,n ')).toBe('1993,2728,6,3,.7,1,y,n');
  });

  it.each([
    ['1993,2728,6,3.0,0.7,1,y', /has 7 columns; it needs 8: YEAR_BUILT,SQUARE_FEET/],
    ['1993,2728,6,3.0,0.7,1,y,y,400000', /has 9 columns/],
    ['1993,big,6,3.0,0.7,1,y,y', /column 2 \(SQUARE_FEET\) is 'big', not a number/],
    ['1993,,6,3.0,0.7,1,y,y', /column 2 \(SQUARE_FEET\) is '', not a number/],
    ['1993,0x10,6,3.0,0.7,1,y,y', /not a number/],
    ['1993,2728,6,3.0,0.7,1,yes,y', /column 7 \(FRONT_PORCH\) is 'yes'; it must be y or n/],
    ['1993,2728,6,3.0,0.7,1,y,1', /column 8 \(DECK\)/],
  ])('%s is a UsageError', (row, message) => {
    let error: unknown;
    try {
      parseFeatures(row);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).exitCode).toBe(ExitCode.Usage);
    expect((error as UsageError).hint).toContain('--features 1993,2728,6,3.0,0.7,1,y,y');
  });
});

describe('randomRows', () => {
  it('draws valid rows, the same for the same seed and model', () => {
    const rows = randomRows(5, 7, 'Chicago_IL/Chicago_IL.tar.gz');
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(parseFeatures(row)).toBe(row);
    expect(randomRows(5, 7, 'Chicago_IL/Chicago_IL.tar.gz')).toEqual(rows);
    expect(randomRows(5, 8, 'Chicago_IL/Chicago_IL.tar.gz')).not.toEqual(rows);
  });
});

describe('predictions and dollars', () => {
  it('formats dollars as the reference prints them', () => {
    expect(formatDollars(439972.62)).toBe('$439,972.62');
    expect(formatDollars(1234567.891)).toBe('$1,234,567.89');
    expect(formatDollars(-5)).toBe('-$5.00');
  });

  it('reads the linear learner answers', () => {
    expect(parsePredictions('{"predictions":[{"score":439972.62}]}', 'application/json')).toEqual([439972.62]);
    expect(parsePredictions('{"predictions":[{"score":1},{"score":2}]}', 'application/json; charset=utf-8')).toEqual([
      1, 2,
    ]);
    expect(parsePredictions('{"score":1}\n{"score":2}\n', 'application/jsonlines')).toEqual([1, 2]);
    expect(parsePredictions('1.5\n2.5\n', 'text/csv')).toEqual([1.5, 2.5]);
    expect(parsePredictions('{"predictions":[{"label":"x"}]}', 'application/json')).toEqual([null]);
    expect(parsePredictions('{not json', 'application/json')).toEqual([null]);
  });

  it("reads XGBoost's, k-NN's (with the neighbours when verbose) and RCF's answers", () => {
    expect(parsePredictions('[439972.62,1.5]', 'application/json')).toEqual([439972.62, 1.5]);
    expect(
      parseAnswers(
        '{"predictions":[{"predicted_label":2.5,"distances":[0.5,1.25],"labels":[2,3]},{"predicted_label":1}]}',
        'application/json',
      ),
    ).toEqual([
      {
        value: 2.5,
        neighbours: [
          { distance: 0.5, label: 2 },
          { distance: 1.25, label: 3 },
        ],
      },
      { value: 1 },
    ]);
    expect(parsePredictions('{"scores":[{"score":0.98},{"score":3.2}]}', 'application/json')).toEqual([0.98, 3.2]);
    expect(parsePredictions('{"score":0.98}\n', 'application/jsonlines')).toEqual([0.98]);
  });
});

describe('summarizeLatencies', () => {
  it('shows the cold first call apart from the warm ones', () => {
    expect(summarizeLatencies([1029.4, 41, 35.26, 53])).toEqual({
      requests: 4,
      p50Ms: 41,
      maxMs: 1029.4,
      firstMs: 1029.4,
      laterP50Ms: 41,
    });
    expect(summarizeLatencies([12.34])).toEqual({ requests: 1, p50Ms: 12.3, maxMs: 12.3, firstMs: 12.3 });
  });
});

describe('invokeError', () => {
  const err = (name: string, message: string, extra: object = {}) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } }, extra);

  it('ModelError: exit 1 with the original message', () => {
    const e = invokeError(
      err('ModelError', 'Received client error (400) …', {
        OriginalStatusCode: 400,
        OriginalMessage: 'bad row',
        LogStreamArn: 'arn:aws:logs:x',
      }),
      'ep',
      'A/A.tar.gz',
    );
    expect(e).toMatchObject({
      code: 'ModelError',
      exitCode: 1,
      message: 'a container of ep answered 400 for A/A.tar.gz: bad row',
    });
    expect(e.detail).toMatchObject({ originalMessage: 'bad row', logStreamArn: 'arn:aws:logs:x' });
    // The container's log is one command away.
    expect(e.hint).toBe("The container's log says more: 'mme logs ep' (arn:aws:logs:x).");
  });

  it('an unknown endpoint or model: exit 4, AWS message kept, a hint', () => {
    const ep = invokeError(
      err('ValidationError', 'Endpoint nope of account 123456789012 not found.'),
      'nope',
      'A/A.tar.gz',
    );
    expect(ep).toMatchObject({
      code: 'ValidationError',
      exitCode: 4,
      message: 'Endpoint nope of account 123456789012 not found.',
    });
    expect(ep.hint).toContain('mme deploy');
    const model = invokeError(
      err(
        'ValidationError',
        'Failed to download model data(bucket: b, key: p/Boston_MA/Boston_MA.tar.gz). Please ensure…',
      ),
      'ep',
      'Boston_MA/Boston_MA.tar.gz',
    );
    expect(model).toMatchObject({ exitCode: 4 });
    expect(model.hint).toContain('mme add-model Boston_MA');
  });

  it('AccessDenied: exit 5, the message verbatim', () => {
    const message =
      'User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: sagemaker:InvokeEndpoint on resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep';
    const e = invokeError(
      Object.assign(err('AccessDeniedException', message), { $metadata: { httpStatusCode: 403 } }),
      'ep',
      'A/A.tar.gz',
    );
    expect(e).toBeInstanceOf(MmeError);
    expect(e).toMatchObject({ code: 'AccessDeniedException', exitCode: 5, message });
  });
});

describe('assume-role helpers', () => {
  it('validates session names as STS does', () => {
    expect(sessionNameProblem('mme-invoke')).toBeUndefined();
    expect(sessionNameProblem('MME_Invoke_NY_Model')).toBeUndefined();
    expect(sessionNameProblem('a')).toMatch(/2 to 64/);
    expect(sessionNameProblem('x'.repeat(65))).toMatch(/2 to 64/);
    expect(sessionNameProblem('has space')).toMatch(/only letters/);
    expect(() => checkSessionName('a/b')).toThrow(UsageError);
  });

  it('reads the TargetModel patterns a policy allows (URL-encoded as IAM returns it)', () => {
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sagemaker:InvokeEndpoint',
          Resource: '*',
          Condition: { StringLike: { 'sagemaker:TargetModel': ['NewYork_NY/*', 'Chicago_IL/*'] } },
        },
        { Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' },
        { Effect: 'Deny', Action: 'sagemaker:InvokeEndpoint', Resource: '*' },
      ],
    });
    expect(targetModelsAllowed(encodeURIComponent(doc))).toEqual(['NewYork_NY/*', 'Chicago_IL/*']);
    expect(
      targetModelsAllowed(JSON.stringify({ Statement: { Effect: 'Allow', Action: 'sagemaker:*', Resource: '*' } })),
    ).toEqual(['*']);
  });
});

describe('the CLI refuses bad input before connecting', () => {
  let cwd: string;
  beforeAll(() => {
    if (!BUILT) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` before these tests');
    cwd = mkdtempSync(path.join(tmpdir(), 'mme-invoke-cli-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  const env = () => ({ MME_LOCAL_STATE: path.join(cwd, 'state') });

  it('a malformed feature row: UsageError, exit 2, no local cloud started', async () => {
    const r = await mme(['invoke', '--model', 'Chicago_IL', '--features', '1993,2728,6,3.0,0.7,1,y', '--json'], {
      cwd,
      env: env(),
    });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'UsageError', exitCode: 2 });
    expect(JSON.parse(r.stdout).error.message).toContain('--features has 7 columns');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a bad session name and --seed with --features are usage errors too', async () => {
    const bad = await mme(
      [
        'invoke',
        '--model',
        'NewYork_NY',
        '--role-arn',
        'arn:aws:iam::123456789012:role/R',
        '--session-name',
        'x',
        '--features',
        '1993,2728,6,3.0,0.7,1,y,y',
      ],
      { cwd, env: env() },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--session-name 'x' must be 2 to 64 characters long");
    const both = await mme(['invoke', '--model', 'NewYork_NY', '--features', '1,2', '--seed', '3'], {
      cwd,
      env: env(),
    });
    expect(both.code).toBe(2);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
