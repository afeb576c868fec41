/**
 * Shared by the k-NN tests: seeded data as label-first CSV (values float32-exact, so mme's
 * float32 index and scikit-learn's float64 arrays hold the same numbers), and a runner for
 * sklearn_knn.py with Debian's python3-sklearn. Where it is missing the tests skip, and say so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mulberry32 } from '../../helpers/mulberry32.js';

const SCRIPT = join(import.meta.dirname, 'sklearn_knn.py');

export const python = ['/usr/bin/python3', 'python3'].find(
  (py) => spawnSync(py, ['-c', 'import sklearn, numpy'], { encoding: 'utf8' }).status === 0,
);
export function warnIfNoPython(what: string): void {
  if (!python) console.warn(`${what}: SKIPPED — no python3 with scikit-learn (apt-get install -y python3-sklearn)`);
}

export interface SklearnAnswer {
  predictions: number[];
  distances: number[][];
  indices: number[][];
}

export function sklearnNeighbours(doc: {
  x: number[][];
  y: number[];
  queries: number[][];
  k: number;
  predictor_type: 'classifier' | 'regressor';
  metric: 'euclidean' | 'cosine';
}): Promise<SklearnAnswer> {
  return new Promise((resolve, reject) => {
    const child = spawn(python!, [SCRIPT], { env: { ...process.env, OMP_NUM_THREADS: '1' } });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as SklearnAnswer) : reject(new Error(err))));
    child.stdin.end(JSON.stringify(doc));
  });
}

/** Points around `centres` Gaussian blobs; the label is the blob (classifier) or a smooth function. */
export function blobs(rows: number, dim: number, centres: number, seed: number, spread = 1) {
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const mids = Array.from({ length: centres }, () => Array.from({ length: dim }, () => (rand() - 0.5) * 10));
  const x: number[][] = [];
  const cls: number[] = [];
  const reg: number[] = [];
  for (let i = 0; i < rows; i++) {
    const c = Math.floor(rand() * centres);
    const row = mids[c]!.map((m) => Math.fround(m + normal() * spread));
    x.push(row);
    cls.push(c);
    reg.push(Math.fround(row.reduce((s, v, j) => s + Math.sin(v) * (j + 1), 0)));
  }
  return { x, cls, reg };
}

export function labelledCsv(x: number[][], y: number[]): string {
  return x.map((row, i) => [y[i], ...row].join(',')).join('\n') + '\n';
}

export function featuresCsv(x: number[][]): string {
  return x.map((row) => row.join(',')).join('\n') + '\n';
}
