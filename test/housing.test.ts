import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import {
  drawHouse,
  drawLabelledHouse,
  expectedPrice,
  formatCsvLine,
  formatFeatures,
  formatFloat,
  generateHouses,
  generateLocationDataset,
  housePrice,
  iterateLocationDataset,
  locationStreams,
  PRICE_FLOOR,
  splitTrainTest,
  testRowCount,
  toCsv,
} from '../src/housing/generator.js';
import {
  isValidLocationName,
  priceProfileFor,
  REFERENCE_LOCATIONS,
  resolveLocations,
} from '../src/housing/locations.js';
import { hashString, Rng } from '../src/housing/rng.js';
import {
  CATEGORICAL_FEATURES,
  CSV_COLUMNS,
  FEATURE_COLUMNS,
  MAX_YEAR,
  NUMERIC_FEATURES,
  TRANSFORMED_FEATURE_DIM,
  type House,
  type LabelledHouse,
} from '../src/housing/schema.js';

const FIXTURE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/housing/seed42-Chicago_IL-first5.csv',
);

describe('Rng', () => {
  it('repeats the same sequence for the same seed and stream', () => {
    const a = new Rng(42, 'x');
    const b = new Rng(42, 'x');
    const drawsA = Array.from({ length: 100 }, () => a.nextUint32());
    const drawsB = Array.from({ length: 100 }, () => b.nextUint32());
    expect(drawsA).toEqual(drawsB);
    expect(drawsA.every((n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32)).toBe(true);
  });

  it('gives different sequences for different seeds and different streams', () => {
    const first = (rng: Rng) => Array.from({ length: 8 }, () => rng.nextUint32());
    expect(first(new Rng(1))).not.toEqual(first(new Rng(2)));
    expect(first(new Rng(1, 'Chicago_IL'))).not.toEqual(first(new Rng(1, 'Houston_TX')));
    expect(first(new Rng(0))).not.toEqual(first(new Rng(0, '')));
  });

  it('pins the raw stream (a change here changes every generated file)', () => {
    const rng = new Rng(42);
    expect(Array.from({ length: 4 }, () => rng.nextUint32())).toMatchInlineSnapshot(`
      [
        3811506404,
        343568239,
        3859462741,
        930424864,
      ]
    `);
    expect(hashString('Chicago_IL')).toMatchInlineSnapshot(`1719565477`);
  });

  it('draws integers over the whole inclusive range, uniformly enough', () => {
    const rng = new Rng(7);
    const counts = new Map<number, number>();
    for (let i = 0; i < 50_000; i++) {
      const n = rng.int(2, 6);
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([2, 3, 4, 5, 6]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('draws normals with the asked mean and standard deviation', () => {
    const rng = new Rng(11);
    const n = 50_000;
    const xs = Array.from({ length: n }, () => rng.normal(3000, 750));
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    expect(Math.abs(mean - 3000)).toBeLessThan(15);
    expect(Math.abs(sd - 750)).toBeLessThan(15);
  });

  it('choice picks every element and rejects an empty list', () => {
    const rng = new Rng(3);
    const seen = new Set(Array.from({ length: 200 }, () => rng.choice(['a', 'b', 'c'])));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    expect(() => rng.choice([])).toThrow(RangeError);
  });
});

describe('schema', () => {
  it('lists the columns in the notebook CSV order, label last', () => {
    expect(CSV_COLUMNS).toEqual([
      'YEAR_BUILT',
      'SQUARE_FEET',
      'NUM_BEDROOMS',
      'NUM_BATHROOMS',
      'LOT_ACRES',
      'GARAGE_SPACES',
      'FRONT_PORCH',
      'DECK',
      'PRICE',
    ]);
    expect([...NUMERIC_FEATURES, ...CATEGORICAL_FEATURES]).toEqual([...FEATURE_COLUMNS]);
    expect(TRANSFORMED_FEATURE_DIM).toBe(10);
    expect(MAX_YEAR).toBe(2019);
  });
});

describe('locations', () => {
  it('has the 10 reference locations in order; a count takes the first N', () => {
    expect(REFERENCE_LOCATIONS).toEqual([
      'NewYork_NY',
      'LosAngeles_CA',
      'Chicago_IL',
      'Houston_TX',
      'Dallas_TX',
      'Phoenix_AZ',
      'Philadelphia_PA',
      'SanAntonio_TX',
      'SanDiego_CA',
      'SanFrancisco_CA',
    ]);
    expect(resolveLocations(4)).toEqual(['NewYork_NY', 'LosAngeles_CA', 'Chicago_IL', 'Houston_TX']);
    expect(resolveLocations(10)).toHaveLength(10);
    for (const bad of [0, 11, 2.5, -1, Number.NaN]) expect(() => resolveLocations(bad)).toThrow(UsageError);
  });

  it('accepts explicit names, including unknown cities, in the given order', () => {
    expect(resolveLocations(['Boston_MA', 'Chicago_IL', ' Seattle '])).toEqual(['Boston_MA', 'Chicago_IL', 'Seattle']);
  });

  it('rejects bad names, duplicates and an empty list', () => {
    for (const bad of [
      '../etc',
      'a.b',
      'Chicago/IL',
      'Chicago_il',
      '1City',
      'San Francisco',
      'Chi*',
      'Chicago_ILL',
      '',
      'x'.repeat(64),
      'Chicago-IL',
    ]) {
      expect(isValidLocationName(bad), bad).toBe(false);
      expect(() => resolveLocations([bad]), bad).toThrow(UsageError);
    }
    expect(isValidLocationName('x'.repeat(63))).toBe(true);
    expect(() => resolveLocations(['Chicago_IL', 'Chicago_IL'])).toThrow(/twice/);
    expect(() => resolveLocations(['Chicago_IL', 'chicago_IL'])).toThrow(/case/);
    expect(() => resolveLocations([])).toThrow(UsageError);
  });

  it('derives a stable profile for an unknown city from its name', () => {
    const boston = priceProfileFor('Boston_MA');
    expect(priceProfileFor('Boston_MA')).toEqual(boston);
    expect(priceProfileFor('Seattle_WA')).not.toEqual(boston);
    expect(boston.pricePerSquareFoot).toBeGreaterThanOrEqual(100);
    expect(boston.pricePerSquareFoot).toBeLessThanOrEqual(500);
    expect(boston.deck).toBeGreaterThan(0);
    expect(() => priceProfileFor('../x')).toThrow(UsageError);
  });

  it('prices San Francisco and New York above Houston and San Antonio per square foot', () => {
    const ppsf = (loc: string) => priceProfileFor(loc).pricePerSquareFoot;
    expect(Math.min(ppsf('SanFrancisco_CA'), ppsf('NewYork_NY'))).toBeGreaterThan(
      2 * Math.max(ppsf('Houston_TX'), ppsf('SanAntonio_TX')),
    );
  });
});

describe('generator', () => {
  const rows = 20_000;
  const chicago = generateHouses(priceProfileFor('Chicago_IL'), rows, new Rng(5, 'Chicago_IL'));

  it('draws every column within the notebook ranges', () => {
    const col = <K extends keyof LabelledHouse>(k: K) => chicago.map((h) => h[k]);
    const years = col('YEAR_BUILT');
    expect(Math.max(...years)).toBe(MAX_YEAR); // min(2019, …) clips the right tail
    expect(Math.min(...years)).toBeGreaterThan(1930);
    expect(years.every(Number.isInteger)).toBe(true);
    const meanYear = years.reduce((s, y) => s + y, 0) / rows;
    expect(Math.abs(meanYear - 1994.6)).toBeLessThan(0.5); // truncation and clipping pull it below 1995

    const sqft = col('SQUARE_FEET');
    expect(sqft.every((x) => Number.isInteger(x) && x >= 500)).toBe(true);
    expect(Math.abs(sqft.reduce((s, x) => s + x, 0) / rows - 3000)).toBeLessThan(25);

    expect(new Set(col('NUM_BEDROOMS'))).toEqual(new Set([2, 3, 4, 5, 6]));
    expect(new Set(col('NUM_BATHROOMS'))).toEqual(new Set([1, 1.5, 2, 2.5, 3]));
    expect(new Set(col('GARAGE_SPACES'))).toEqual(new Set([0, 1, 2, 3]));
    expect(new Set(col('FRONT_PORCH'))).toEqual(new Set(['y', 'n']));
    expect(new Set(col('DECK'))).toEqual(new Set(['y', 'n']));

    const lots = col('LOT_ACRES');
    expect(lots.every((x) => x >= 0.05 && Math.abs(x * 100 - Math.round(x * 100)) < 1e-9)).toBe(true);
    expect(Math.abs(lots.reduce((s, x) => s + x, 0) / rows - 1)).toBeLessThan(0.01);

    const prices = col('PRICE');
    expect(prices.every((p) => Number.isInteger(p) && p >= PRICE_FLOOR)).toBe(true);
  });

  it('makes cities really differ: San Francisco costs far more than Houston', () => {
    const mean = (loc: string) => {
      const houses = generateHouses(priceProfileFor(loc), 5_000, new Rng(9, loc));
      return houses.reduce((s, h) => s + h.PRICE, 0) / houses.length;
    };
    const sf = mean('SanFrancisco_CA');
    const houston = mean('Houston_TX');
    expect(sf).toBeGreaterThan(3 * houston);
    expect(mean('NewYork_NY')).toBeGreaterThan(2 * mean('SanAntonio_TX'));
  });

  it('DECK changes the price of the same house with the same noise', () => {
    const profile = priceProfileFor('SanDiego_CA');
    const house = drawHouse(new Rng(1));
    for (const z of [-1.5, 0, 0.7]) {
      const withDeck = housePrice(profile, { ...house, DECK: 'y' }, z);
      const without = housePrice(profile, { ...house, DECK: 'n' }, z);
      expect(withDeck - without).toBeCloseTo(profile.deck * (1 + profile.noise * z), -1);
    }
    // …and FRONT_PORCH counts on its own (the notebook priced the porch twice, the deck never).
    expect(
      expectedPrice(profile, { ...house, FRONT_PORCH: 'y', DECK: 'n' }) -
        expectedPrice(profile, { ...house, FRONT_PORCH: 'n', DECK: 'n' }),
    ).toBe(profile.frontPorch);
  });

  it('a least-squares fit on generated data recovers the DECK and square-foot prices', () => {
    const profile = priceProfileFor('Chicago_IL');
    const features = (h: House) => [
      1,
      h.YEAR_BUILT,
      h.SQUARE_FEET,
      h.NUM_BEDROOMS,
      h.NUM_BATHROOMS,
      h.LOT_ACRES,
      h.GARAGE_SPACES > 0 ? 1 : 0,
      h.GARAGE_SPACES,
      h.FRONT_PORCH === 'y' ? 1 : 0,
      h.DECK === 'y' ? 1 : 0,
    ];
    const beta = leastSquares(
      chicago.map(features),
      chicago.map((h) => h.PRICE),
    );
    expect(Math.abs((beta[9] as number) - profile.deck)).toBeLessThan(0.25 * profile.deck);
    expect(Math.abs((beta[8] as number) - profile.frontPorch)).toBeLessThan(0.25 * profile.frontPorch);
    expect(Math.abs((beta[2] as number) - profile.pricePerSquareFoot)).toBeLessThan(0.05 * profile.pricePerSquareFoot);
    expect(Math.abs((beta[1] as number) - profile.agePenaltyPerYear)).toBeLessThan(0.1 * profile.agePenaltyPerYear);
  });

  it('adds noise: identical houses do not all get the same price', () => {
    const profile = priceProfileFor('Dallas_TX');
    const rng = new Rng(2);
    const prices = new Set(Array.from({ length: 20 }, () => housePrice(profile, drawHouse(new Rng(1)), rng.normal())));
    expect(prices.size).toBeGreaterThan(15);
  });

  it('never prices below the floor', () => {
    const awful: House = {
      YEAR_BUILT: 1900,
      SQUARE_FEET: 500,
      NUM_BEDROOMS: 2,
      NUM_BATHROOMS: 1,
      LOT_ACRES: 0.05,
      GARAGE_SPACES: 0,
      FRONT_PORCH: 'n',
      DECK: 'n',
    };
    expect(housePrice(priceProfileFor('Phoenix_AZ'), awful, -3)).toBe(PRICE_FLOOR);
  });
});

describe('CSV formatting', () => {
  it('writes floats like pandas: one decimal at least, no trailing zeros', () => {
    expect(formatFloat(1, 1)).toBe('1.0');
    expect(formatFloat(2.5, 1)).toBe('2.5');
    expect(formatFloat(1, 2)).toBe('1.0');
    expect(formatFloat(1.2, 2)).toBe('1.2');
    expect(formatFloat(0.95, 2)).toBe('0.95');
    expect(formatFloat(0.05, 2)).toBe('0.05');
    expect(formatFloat(12, 0)).toBe('12.0');
  });

  it('writes 9 columns for a labelled row and 8 for an inference row', () => {
    const house = drawLabelledHouse(priceProfileFor('Chicago_IL'), new Rng(4));
    const line = formatCsvLine(house);
    expect(line.split(',')).toHaveLength(9);
    expect(line.endsWith(`,${house.PRICE}`)).toBe(true);
    const { PRICE: _price, ...features } = house;
    expect(formatCsvLine(features)).toBe(formatFeatures(house));
    expect(formatFeatures(house).split(',')).toHaveLength(8);
    expect(formatFeatures({ ...house, NUM_BATHROOMS: 2, LOT_ACRES: 1.1 })).toMatch(
      /^\d+,\d+,\d,2\.0,1\.1,\d,[yn],[yn]$/,
    );
    expect(toCsv([house, house])).toBe(`${line}\n${line}\n`);
  });
});

describe('train/test split', () => {
  it('holds out round(rows × fraction), at least one row each side', () => {
    expect(testRowCount(1000, 0.1)).toBe(100);
    expect(testRowCount(10, 0.1)).toBe(1);
    expect(testRowCount(10, 0.01)).toBe(1);
    expect(testRowCount(10, 0.99)).toBe(9);
  });

  it('splits a list into disjoint parts that keep their order', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const { train, test } = splitTrainTest(items, new Rng(1));
    expect(train).toHaveLength(900);
    expect(test).toHaveLength(100);
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(items);
    expect(train).toEqual([...train].sort((a, b) => a - b));
    // A shuffle, not a block: the test rows are spread over the whole range.
    expect(Math.max(...test) - Math.min(...test)).toBeGreaterThan(800);
    expect(splitTrainTest(items, new Rng(2)).test).not.toEqual(test);
  });

  it('generates a location dataset of the right sizes, reproducibly', () => {
    const a = generateLocationDataset('Houston_TX', { rows: 500, seed: 3 });
    expect(a.train).toHaveLength(450);
    expect(a.test).toHaveLength(50);
    expect(generateLocationDataset('Houston_TX', { rows: 500, seed: 3 })).toEqual(a);
    expect(generateLocationDataset('Houston_TX', { rows: 500, seed: 4 })).not.toEqual(a);
  });

  it('changing the test fraction moves rows between files but never changes the houses', () => {
    const houses = (fraction: number) =>
      [...iterateLocationDataset('Chicago_IL', { rows: 200, seed: 1, testFraction: fraction })].map((r) => r.house);
    expect(houses(0.3)).toEqual(houses(0.1));
    expect(houses(0.1)).toEqual(
      generateHouses(priceProfileFor('Chicago_IL'), 200, locationStreams(1, 'Chicago_IL').rows),
    );
  });
});

describe('golden fixture', () => {
  it('seed 42, Chicago_IL, 100 rows: the first 5 training rows are unchanged', () => {
    const text = toCsv(generateLocationDataset('Chicago_IL', { rows: 100, seed: 42 }).train.slice(0, 5));
    // UPDATE_GOLDEN=1 rewrites the fixture after a deliberate change to the generator.
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(FIXTURE)) {
      if (process.env.UPDATE_GOLDEN !== '1')
        throw new Error(`missing ${FIXTURE}; run with UPDATE_GOLDEN=1 to create it`);
      mkdirSync(path.dirname(FIXTURE), { recursive: true });
      writeFileSync(FIXTURE, text);
    }
    expect(text).toBe(readFileSync(FIXTURE, 'utf8'));
  });
});

/** Ordinary least squares through the normal equations (Gaussian elimination, partial pivoting). */
function leastSquares(x: number[][], y: number[]): number[] {
  const k = (x[0] as number[]).length;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  x.forEach((row, n) => {
    for (let i = 0; i < k; i++) {
      const ai = a[i] as number[];
      for (let j = 0; j < k; j++) ai[j] = (ai[j] as number) + (row[i] as number) * (row[j] as number);
      ai[k] = (ai[k] as number) + (row[i] as number) * (y[n] as number);
    }
  });
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(at(a, r, c)) > Math.abs(at(a, pivot, c))) pivot = r;
    [a[c], a[pivot]] = [a[pivot] as number[], a[c] as number[]];
    const pivotRow = a[c] as number[];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const row = a[r] as number[];
      const f = (row[c] as number) / (pivotRow[c] as number);
      for (let j = c; j <= k; j++) row[j] = (row[j] as number) - f * (pivotRow[j] as number);
    }
  }
  return a.map((row, i) => (row[k] as number) / (row[i] as number));
}

function at(m: number[][], r: number, c: number): number {
  return (m[r] as number[])[c] as number;
}
