/**
 * Shared by the XGBoost interop tests: seeded data sets (features with missing values) as
 * label-first CSV, and a runner for python/xgboost_reference.py with Debian's python3-xgboost
 * 1.7.4. Where no python3 with xgboost is found the tests skip, and say so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../helpers/mulberry32.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'python', 'xgboost_reference.py');

function findXgboostPython(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import xgboost, numpy'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

export const python = findXgboostPython();
export function warnIfNoPython(what: string): void {
  if (!python) console.warn(`${what}: SKIPPED — no python3 with xgboost (apt-get install -y python3-xgboost)`);
}

/**
 * Run python/xgboost_reference.py; resolves to the JSON document it prints last. Asynchronous,
 * so that vitest's worker stays responsive while python trains.
 */
export function runReference(args: string[]): Promise<Record<string, unknown>> {
  // One thread: the tests share the machine, and the container scores with nthread=1 too.
  const env = { ...process.env, OMP_NUM_THREADS: '1' };
  return new Promise((resolve, reject) => {
    const child = spawn(python!, [SCRIPT, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`xgboost_reference.py ${args[0]} failed: ${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>);
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

export type Task = 'regression' | 'binary' | 'multiclass' | 'count';

export interface Synthetic {
  x: number[][];
  y: number[];
}

/**
 * `rows` rows of `cols` features; about `missing` of the values are NaN. The target depends
 * non-linearly on a few features, and on whether feature 1 is missing, so default directions
 * matter.
 */
export function synthetic(task: Task, rows: number, cols: number, seed: number, missing = 0.1): Synthetic {
  const rnd = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < rows; i++) {
    const row = Array.from({ length: cols }, () => gauss());
    const score = 2 * row[0]! + Math.sin(3 * row[1]!) + (row[2]! > 0.3 ? 1.5 : -0.5) + 0.5 * row[3]! * row[4]!;
    for (let j = 0; j < cols; j++) if (rnd() < missing) row[j] = Number.NaN;
    const bonus = Number.isNaN(row[1]!) ? 1 : 0;
    const s = score + bonus + 0.5 * gauss();
    switch (task) {
      case 'regression':
        y.push(Math.round((10 + 3 * s) * 1000) / 1000);
        break;
      case 'binary':
        y.push(s > 0.8 ? 1 : 0);
        break;
      case 'multiclass':
        y.push(s < -0.5 ? 0 : s < 1.5 ? 1 : 2);
        break;
      case 'count':
        y.push(Math.min(30, Math.floor(Math.exp(0.4 * s) * (0.5 + rnd()))));
        break;
    }
    x.push(row);
  }
  return { x, y };
}

/** Label-first CSV, empty field = missing, values in full (shortest round-trip) precision. */
export function toCsv(data: Synthetic): string {
  return (
    data.x.map((row, i) => [data.y[i], ...row.map((v) => (Number.isNaN(v) ? '' : String(v)))].join(',')).join('\n') +
    '\n'
  );
}

export function writeCsv(dir: string, name: string, data: Synthetic): string {
  const path = join(dir, name);
  writeFileSync(path, toCsv(data));
  return path;
}

export function writeParams(dir: string, name: string, params: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(params));
  return path;
}

/** Worst relative difference |a-b| / max(|b|, 1e-30); lengths must match. */
export function worstRelative(ours: ArrayLike<number>, theirs: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < theirs.length; i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    const d = a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
    if (!(d <= worst)) worst = d;
  }
  return worst;
}
