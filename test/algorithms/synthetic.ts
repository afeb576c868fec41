/**
 * Seeded synthetic data for the algorithm tests: generic linear problems and housing rows shaped
 * like docs/aws-behaviour.md#housing-data (with noise, and DECK counting).
 */
import type { Dataset } from '../../src/algorithms/first-party/data.js';
import { createRandom } from '../../src/algorithms/random.js';

export interface LinearProblem {
  train: Dataset;
  validation: Dataset;
  trueWeights: Float64Array;
  trueBias: number;
}

/** y = w·x + b + noise, features on deliberately different scales and offsets. */
export function linearProblem(
  seed: number,
  rows: number,
  d = 10,
  noise = 1,
  validationRows = Math.round(rows * 0.3),
): LinearProblem {
  const random = createRandom(seed);
  const trueWeights = Float64Array.from({ length: d }, () => random.normal() * 3);
  const trueBias = 20;
  const scales = Float64Array.from({ length: d }, (_, j) => 10 ** ((j % 4) - 1));
  const offsets = Float64Array.from({ length: d }, (_, j) => (j % 3) * 50);
  const make = (n: number): Dataset => {
    const features = new Float64Array(n * d);
    const labels = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let y = trueBias;
      for (let j = 0; j < d; j++) {
        const z = random.normal();
        features[i * d + j] = offsets[j]! + z * scales[j]!;
        y += trueWeights[j]! * z;
      }
      labels[i] = y + noise * random.normal();
    }
    return { rows: n, featureDim: d, features, labels };
  };
  return { train: make(rows), validation: make(validationRows), trueWeights, trueBias };
}

/** Labels from a linear score: binary (score > 0) or multiclass (argmax of k scores), with label noise. */
export function classificationProblem(
  seed: number,
  rows: number,
  classes: number,
  d = 10,
): { train: Dataset; validation: Dataset } {
  const random = createRandom(seed);
  const k = classes === 2 ? 1 : classes;
  const w = Float64Array.from({ length: k * d }, () => random.normal());
  const make = (n: number): Dataset => {
    const features = new Float64Array(n * d);
    const labels = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) features[i * d + j] = random.normal() * 2 + 1;
      let best = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = 0.3 * random.normal();
        for (let j = 0; j < d; j++) s += w[c * d + j]! * (features[i * d + j]! - 1);
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
      labels[i] = classes === 2 ? (bestScore > 0 ? 1 : 0) : best;
    }
    return { rows: n, featureDim: d, features, labels };
  };
  return { train: make(rows), validation: make(Math.round(rows * 0.3)) };
}

/** Housing rows (9 CSV columns, PRICE last) like the data generator's, for one location. */
export function housingRows(seed: number, n: number, pricePerSqft = 150): string[][] {
  const random = createRandom(seed);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const year = Math.min(2019, Math.trunc(1995 + 10 * random.normal()));
    const sqft = 3000 + 750 * random.normal();
    const beds = 2 + random.int(5);
    const baths = (2 + random.int(5)) / 2;
    const lot = Math.round((1 + 0.25 * random.normal()) * 100) / 100;
    const garage = random.int(4);
    const porch = random.next() < 0.5 ? 'y' : 'n';
    const deck = random.next() < 0.5 ? 'y' : 'n';
    const price = Math.trunc(
      pricePerSqft * sqft +
        10000 * beds +
        15000 * baths +
        15000 * lot +
        15000 * garage +
        (porch === 'y' ? 10000 : 0) +
        (deck === 'y' ? 12000 : 0) -
        5000 * (2019 - year) +
        8000 * random.normal(),
    );
    rows.push([
      String(year),
      String(sqft),
      String(beds),
      String(baths),
      String(lot),
      String(garage),
      porch,
      deck,
      String(price),
    ]);
  }
  return rows;
}
