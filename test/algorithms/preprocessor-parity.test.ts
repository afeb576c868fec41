/**
 * Parity with scikit-learn: python/sklearn_preprocessor.py (the script the SageMaker
 * scikit-learn container runs) and src/algorithms/preprocessor.ts must agree on every output
 * value to 1e-9 (relative, absolute near zero). Skipped, with the reason printed, where no
 * python3 with scikit-learn and pandas is found (CI installs: apt-get install -y python3-sklearn
 * python3-pandas).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/algorithms/csv.js';
import { fitPreprocessorFromCsv, invokePreprocessor } from '../../src/algorithms/preprocessor.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'python', 'sklearn_preprocessor.py');

function findPython(): string | undefined {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(candidate, ['-c', 'import sklearn, pandas, joblib'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

const python = findPython();
if (!python) {
  console.warn(
    'preprocessor parity: SKIPPED — no python3 with scikit-learn, pandas and joblib (apt-get install -y python3-sklearn python3-pandas)',
  );
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe.skipIf(!python)('preprocessor parity with scikit-learn (python/sklearn_preprocessor.py)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mme-parity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const fixture of ['housing-sample.csv', 'housing-constant.csv']) {
    it(`matches scikit-learn on fixtures/algorithms/${fixture}`, () => {
      const input = join(ROOT, 'fixtures', 'algorithms', fixture);
      const out = join(dir, `${fixture}.out`);
      const params = join(dir, `${fixture}.json`);
      const run = spawnSync(python!, [SCRIPT, '--fit-transform', input, '--out', out, '--params', params], {
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);

      const text = readFileSync(input, 'utf8');
      const model = fitPreprocessorFromCsv([text]);
      const sk = JSON.parse(readFileSync(params, 'utf8')) as {
        mean: number[];
        var: number[];
        scale: number[];
        categories: string[][];
      };
      let worstFit = 0;
      model.numeric.forEach((c, j) => {
        for (const [ours, theirs] of [
          [c.mean, sk.mean[j]!],
          [c.var, sk.var[j]!],
          [c.scale, sk.scale[j]!],
        ] as const) {
          expect(close(ours, theirs), `${c.name}: ${ours} vs ${theirs}`).toBe(true);
          worstFit = Math.max(worstFit, Math.abs(ours - theirs));
        }
      });
      expect(model.categorical.map((c) => c.categories)).toEqual(sk.categories);

      const theirs = parseCsv(readFileSync(out, 'utf8')).map((r) => r.fields.map(Number));
      const ours = parseCsv(invokePreprocessor(model, text, 'text/csv', 'text/csv').body).map((r) =>
        r.fields.map(Number),
      );
      expect(ours.length).toBe(theirs.length);
      let worst = 0;
      let exact = 0;
      let total = 0;
      ours.forEach((row, i) => {
        expect(row.length).toBe(theirs[i]!.length);
        row.forEach((v, j) => {
          const t = theirs[i]![j]!;
          expect(close(v, t), `row ${i + 1} value ${j + 1}: ${v} vs ${t}`).toBe(true);
          worst = Math.max(worst, Math.abs(v - t) / Math.max(1, Math.abs(t)));
          exact += v === t ? 1 : 0;
          total++;
        });
      });
      console.log(
        `parity ${fixture}: ${total} values, ${exact} bit-identical, worst relative difference ${worst.toExponential(2)}, worst fit difference ${worstFit.toExponential(2)}`,
      );
    });
  }
});
