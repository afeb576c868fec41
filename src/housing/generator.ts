/**
 * The synthetic housing data generator: pure functions from (location, seed, rows) to rows and
 * CSV text. No fs here; src/workflow/data.ts writes the files.
 *
 * Columns are drawn as the reference notebook draws them (docs/aws-behaviour.md#housing-data), with three deliberate
 * differences: prices follow a per-location profile (locations.ts), they carry seeded noise, and
 * DECK counts (the notebook's bug priced FRONT_PORCH twice and DECK never).
 */
import { priceProfileFor, type PriceProfile } from './locations.js';
import { Rng } from './rng.js';
import { MAX_YEAR, YES_NO, type House, type LabelledHouse } from './schema.js';

/** The notebook's 90/10 train/test split. */
export const DEFAULT_TEST_FRACTION = 0.1;
/** Normal draws have tails; keep houses and prices physically sensible. */
export const MIN_SQUARE_FEET = 500;
export const MIN_LOT_ACRES = 0.05;
export const PRICE_FLOOR = 10_000;
/** Noise draws beyond ±3 sd are clipped, so a 8% noise level can never flip a price's sign. */
const NOISE_CLIP = 3;

/** Draw one house's features, in CSV column order (the order of draws is part of the format). */
export function drawHouse(rng: Rng): House {
  // int() in Python truncates toward zero: Math.trunc, not Math.floor.
  const YEAR_BUILT = Math.min(MAX_YEAR, Math.trunc(rng.normal(1995, 10)));
  const SQUARE_FEET = Math.max(MIN_SQUARE_FEET, Math.round(rng.normal(3000, 750)));
  const NUM_BEDROOMS = rng.int(2, 6);
  const NUM_BATHROOMS = rng.int(2, 6) / 2;
  const LOT_ACRES = Math.max(MIN_LOT_ACRES, Math.round(rng.normal(1.0, 0.25) * 100) / 100);
  const GARAGE_SPACES = rng.int(0, 3);
  const FRONT_PORCH = rng.choice(YES_NO);
  const DECK = rng.choice(YES_NO);
  return { YEAR_BUILT, SQUARE_FEET, NUM_BEDROOMS, NUM_BATHROOMS, LOT_ACRES, GARAGE_SPACES, FRONT_PORCH, DECK };
}

/** The price a profile gives a house before noise (the "true" linear model of the location). */
export function expectedPrice(profile: PriceProfile, house: House): number {
  return (
    profile.base +
    profile.pricePerSquareFoot * house.SQUARE_FEET +
    profile.perBedroom * house.NUM_BEDROOMS +
    profile.perBathroom * house.NUM_BATHROOMS +
    profile.perLotAcre * house.LOT_ACRES +
    (house.GARAGE_SPACES > 0 ? profile.garage : 0) +
    profile.perGarageSpace * house.GARAGE_SPACES +
    (house.FRONT_PORCH === 'y' ? profile.frontPorch : 0) +
    (house.DECK === 'y' ? profile.deck : 0) -
    profile.agePenaltyPerYear * (MAX_YEAR - house.YEAR_BUILT)
  );
}

/**
 * The sale price: the expected price times (1 + noise · z) for a standard normal draw z, as a
 * whole number of dollars, never below PRICE_FLOOR. Taking z as an argument lets tests price
 * the same house twice with the same noise.
 */
export function housePrice(profile: PriceProfile, house: House, z: number): number {
  const clipped = Math.max(-NOISE_CLIP, Math.min(NOISE_CLIP, z));
  const price = Math.round(expectedPrice(profile, house) * (1 + profile.noise * clipped));
  return Math.max(PRICE_FLOOR, price);
}

export function drawLabelledHouse(profile: PriceProfile, rng: Rng): LabelledHouse {
  const house = drawHouse(rng);
  return { ...house, PRICE: housePrice(profile, house, rng.normal()) };
}

export function generateHouses(profile: PriceProfile, rows: number, rng: Rng): LabelledHouse[] {
  const houses: LabelledHouse[] = [];
  for (let i = 0; i < rows; i++) houses.push(drawLabelledHouse(profile, rng));
  return houses;
}

/**
 * The random streams of one location: derived from (seed, location) only, so adding or removing
 * a location never changes another's data; the split has its own stream so that changing the
 * test fraction never changes the houses themselves.
 */
export function locationStreams(seed: number, location: string): { rows: Rng; split: Rng } {
  return { rows: new Rng(seed, 'housing', location, 'rows'), split: new Rng(seed, 'housing', location, 'split') };
}

/** Test rows for a split: round(rows · fraction), but at least 1 and leaving at least 1 to train. */
export function testRowCount(rows: number, testFraction: number): number {
  return Math.min(rows - 1, Math.max(1, Math.round(rows * testFraction)));
}

/**
 * Which rows go to the test set (1) and which to training (0): a seeded partial Fisher–Yates
 * shuffle picks `testCount` row indexes. Rows keep their generation order within each file: they
 * are independent draws already, and this lets the writer stream 10 million rows without holding
 * them.
 */
export function testRowMask(rows: number, testCount: number, rng: Rng): Uint8Array {
  const order = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  const mask = new Uint8Array(rows);
  for (let i = 0; i < testCount; i++) {
    const j = rng.int(i, rows - 1);
    const picked = order[j] as number;
    order[j] = order[i] as number;
    order[i] = picked;
    mask[picked] = 1;
  }
  return mask;
}

/** A seeded train/test split of a list (default 90/10). */
export function splitTrainTest<T>(
  rows: readonly T[],
  rng: Rng,
  testFraction = DEFAULT_TEST_FRACTION,
): { train: T[]; test: T[] } {
  const mask = testRowMask(rows.length, testRowCount(rows.length, testFraction), rng);
  const train: T[] = [];
  const test: T[] = [];
  rows.forEach((row, i) => (mask[i] ? test : train).push(row));
  return { train, test };
}

export interface DatasetOptions {
  rows: number;
  seed: number;
  testFraction?: number;
}

/** One location's rows in generation order, each tagged with its split (streams; no arrays). */
export function* iterateLocationDataset(
  location: string,
  { rows, seed, testFraction = DEFAULT_TEST_FRACTION }: DatasetOptions,
): Generator<{ house: LabelledHouse; split: 'train' | 'test' }> {
  const profile = priceProfileFor(location);
  const streams = locationStreams(seed, location);
  const mask = testRowMask(rows, testRowCount(rows, testFraction), streams.split);
  for (let i = 0; i < rows; i++) {
    yield { house: drawLabelledHouse(profile, streams.rows), split: mask[i] ? 'test' : 'train' };
  }
}

/** One location's train and test rows, as `mme data generate` writes them. */
export function generateLocationDataset(
  location: string,
  opts: DatasetOptions,
): { train: LabelledHouse[]; test: LabelledHouse[] } {
  const train: LabelledHouse[] = [];
  const test: LabelledHouse[] = [];
  for (const { house, split } of iterateLocationDataset(location, opts)) (split === 'test' ? test : train).push(house);
  return { train, test };
}

/**
 * Floats as pandas' to_csv writes them (Python's repr): always a decimal point, no trailing
 * zeros beyond the first: 1.0, 2.5, 0.95. Integers stay integers. Stable across platforms because
 * the values were rounded to `decimals` places when drawn.
 */
export function formatFloat(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '.0') : `${text}.0`;
}

/** The 8 feature columns of a house, as a headerless CSV line (no newline): an inference row. */
export function formatFeatures(house: House): string {
  return [
    house.YEAR_BUILT,
    house.SQUARE_FEET,
    house.NUM_BEDROOMS,
    formatFloat(house.NUM_BATHROOMS, 1),
    formatFloat(house.LOT_ACRES, 2),
    house.GARAGE_SPACES,
    house.FRONT_PORCH,
    house.DECK,
  ].join(',');
}

/** A headerless CSV line (no newline): 9 columns with PRICE last when the house has a price. */
export function formatCsvLine(house: House | LabelledHouse): string {
  const features = formatFeatures(house);
  return 'PRICE' in house ? `${features},${house.PRICE}` : features;
}

/** Headerless CSV text, one line per house, each ending in "\n". */
export function toCsv(houses: ReadonlyArray<House | LabelledHouse>): string {
  let text = '';
  for (const house of houses) text += `${formatCsvLine(house)}\n`;
  return text;
}
