/**
 * k-NN's optional dimension reduction, applied to the sampled points before indexing and to
 * every query (docs/aws-behaviour.md#k-nn). Both transforms are rebuilt from the seed that the
 * artifact's `model_algo-1.json` records ("dimension_reduction": {"type", "seed", "target_dim",
 * "input_dim"}, the guide's example), so the metadata file alone describes them.
 *
 * - sign: a dense random projection with entries ±1/√target (Achlioptas' "database-friendly"
 *   projection), which preserves squared distances in expectation;
 * - fjlt: the fast Johnson–Lindenstrauss transform in its subsampled randomized Hadamard form
 *   (Ailon & Chazelle; Tropp's SRHT): random signs D, a normalized Walsh–Hadamard transform H of
 *   the input zero-padded to a power of two n, then `target` coordinates drawn without
 *   replacement, scaled by √(n/target). O(n log n) a vector instead of O(n·target).
 */
import { createRandom } from '../random.js';
import type { DimensionReductionType } from './hyperparameters.js';

export interface DimensionReduction {
  type: DimensionReductionType;
  seed: number;
  target_dim: number;
  input_dim: number;
}

export type Reducer = (x: ArrayLike<number>, offset: number, out: Float64Array) => void;

export function makeReducer(r: DimensionReduction): Reducer {
  const random = createRandom(r.seed);
  const { input_dim: d, target_dim: t } = r;
  if (r.type === 'sign') {
    const scale = 1 / Math.sqrt(t);
    const m = new Float64Array(t * d);
    for (let i = 0; i < m.length; i++) m[i] = random.next() < 0.5 ? -scale : scale;
    return (x, offset, out) => {
      for (let i = 0; i < t; i++) {
        let s = 0;
        const row = i * d;
        for (let j = 0; j < d; j++) s += m[row + j]! * x[offset + j]!;
        out[i] = s;
      }
    };
  }
  let n = 1;
  while (n < d) n *= 2;
  const signs = new Float64Array(d);
  for (let j = 0; j < d; j++) signs[j] = random.next() < 0.5 ? -1 : 1;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < t; i++) {
    const j = i + random.int(n - i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const picks = order.slice(0, t);
  // H/√n (orthonormal) then √(n/t): the two scales combine to 1/√t.
  const scale = 1 / Math.sqrt(t);
  const buf = new Float64Array(n);
  return (x, offset, out) => {
    buf.fill(0);
    for (let j = 0; j < d; j++) buf[j] = signs[j]! * x[offset + j]!;
    for (let h = 1; h < n; h *= 2) {
      for (let i = 0; i < n; i += 2 * h) {
        for (let j = i; j < i + h; j++) {
          const a = buf[j]!;
          const b = buf[j + h]!;
          buf[j] = a + b;
          buf[j + h] = a - b;
        }
      }
    }
    for (let i = 0; i < t; i++) out[i] = buf[picks[i]!]! * scale;
  };
}
