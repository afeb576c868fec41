/**
 * Reservoir sampling (Vitter's Algorithm R): a uniform sample of `size` rows from a stream of
 * unknown length, in one pass, seeded. The k-NN container samples `sample_size` training points
 * into its index this way, and Random Cut Forest samples each tree's points so (the SageMaker
 * guide's "How RCF works" cites reservoir sampling; docs/aws-behaviour.md#k-nn, #random-cut-forest).
 *
 * Every row is kept while the reservoir is not full, so a sample at least as large as the data
 * keeps all of it, in its order: that is what makes k-NN comparable with an exact brute force.
 */
import type { Random } from './random.js';

/** Indices of the rows kept, in reservoir order. */
export function reservoirSample(rows: number, size: number, random: Random): Uint32Array {
  const kept = Math.min(rows, size);
  const sample = new Uint32Array(kept);
  for (let i = 0; i < kept; i++) sample[i] = i;
  for (let i = kept; i < rows; i++) {
    const j = random.int(i + 1);
    if (j < kept) sample[j] = i;
  }
  return sample;
}
