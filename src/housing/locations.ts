/**
 * The locations (cities) of the housing workflow and how house prices behave in each.
 *
 * The reference notebook prices every city with one formula and no noise, so its per-city models
 * are identical; the blog post says cities respond differently. Here each location has its own
 * price profile: a price per square foot and an intercept, plus multipliers on the notebook's
 * coefficients (so "1.0" means "as the notebook priced it"). The numbers are made up but keep the
 * ranking people expect: San Francisco and New York expensive per square foot, Houston and San
 * Antonio cheap; land matters most where it is scarce; garages matter in car cities.
 */
import { UsageError } from '../errors.js';
import { Rng } from './rng.js';

/** The dollar amounts that turn a house's features into its price in one location. */
export interface PriceProfile {
  pricePerSquareFoot: number;
  /** Intercept, in dollars. */
  base: number;
  perBedroom: number;
  /** Per bathroom (NUM_BATHROOMS is 1.0..3.0 by 0.5). */
  perBathroom: number;
  perLotAcre: number;
  /** Once, when the house has any garage at all. */
  garage: number;
  perGarageSpace: number;
  frontPorch: number;
  deck: number;
  /** Subtracted per year of age (MAX_YEAR - YEAR_BUILT). */
  agePenaltyPerYear: number;
  /** Standard deviation of the multiplicative noise, as a fraction of the price (0.05 = 5%). */
  noise: number;
}

/** The notebook's coefficients (its DECK term was dead code; 10,000 is what it meant). */
export const NOTEBOOK_COEFFICIENTS = {
  pricePerSquareFoot: 150,
  perBedroom: 10_000,
  perBathroom: 15_000,
  perLotAcre: 15_000,
  garage: 10_000,
  perGarageSpace: 15_000,
  frontPorch: 10_000,
  deck: 10_000,
  agePenaltyPerYear: 5_000,
} as const;

/** Per-location multipliers on NOTEBOOK_COEFFICIENTS. */
export interface ProfileMultipliers {
  bedrooms: number;
  bathrooms: number;
  lot: number;
  /** Scales both the garage flag and the per-space amount. */
  garage: number;
  porch: number;
  deck: number;
}

export function priceProfile(
  pricePerSquareFoot: number,
  base: number,
  m: ProfileMultipliers,
  agePenaltyPerYear: number,
  noise: number,
): PriceProfile {
  const c = NOTEBOOK_COEFFICIENTS;
  return {
    pricePerSquareFoot,
    base,
    perBedroom: c.perBedroom * m.bedrooms,
    perBathroom: c.perBathroom * m.bathrooms,
    perLotAcre: c.perLotAcre * m.lot,
    garage: c.garage * m.garage,
    perGarageSpace: c.perGarageSpace * m.garage,
    frontPorch: c.frontPorch * m.porch,
    deck: c.deck * m.deck,
    agePenaltyPerYear,
    noise,
  };
}

const p = (
  ppsf: number,
  base: number,
  [bedrooms, bathrooms, lot, garage, porch, deck]: [number, number, number, number, number, number],
  age: number,
  noise: number,
) => priceProfile(ppsf, base, { bedrooms, bathrooms, lot, garage, porch, deck }, age, noise);

/**
 * The 10 reference locations, in the notebook's order (`--locations N` takes the first N).
 * Multipliers: [bedrooms, bathrooms, lot, garage, porch, deck].
 */
const REFERENCE: ReadonlyArray<readonly [string, PriceProfile]> = [
  ['NewYork_NY', p(450, 60_000, [2.0, 2.0, 3.0, 2.5, 1.0, 1.5], 1_500, 0.08)],
  ['LosAngeles_CA', p(380, 50_000, [1.8, 1.8, 4.0, 2.0, 0.8, 2.0], 2_000, 0.07)],
  ['Chicago_IL', p(190, 20_000, [1.2, 1.2, 1.5, 1.5, 1.2, 1.0], 3_000, 0.06)],
  ['Houston_TX', p(120, 10_000, [0.8, 0.9, 0.8, 1.0, 1.0, 0.8], 3_500, 0.05)],
  ['Dallas_TX', p(150, 15_000, [0.9, 1.0, 1.0, 1.0, 1.0, 1.0], 3_500, 0.05)],
  ['Phoenix_AZ', p(170, 15_000, [1.0, 1.0, 1.2, 1.6, 0.6, 1.2], 4_000, 0.06)],
  ['Philadelphia_PA', p(160, 15_000, [1.0, 1.1, 1.5, 1.8, 1.6, 0.9], 2_000, 0.06)],
  ['SanAntonio_TX', p(110, 8_000, [0.7, 0.8, 0.7, 0.9, 1.1, 0.8], 3_000, 0.05)],
  ['SanDiego_CA', p(400, 50_000, [1.7, 1.7, 3.5, 1.8, 1.0, 2.5], 2_500, 0.07)],
  ['SanFrancisco_CA', p(550, 80_000, [2.5, 2.5, 5.0, 3.0, 1.0, 2.0], 1_000, 0.08)],
];

export const REFERENCE_LOCATIONS: readonly string[] = REFERENCE.map(([name]) => name);
const REFERENCE_PROFILES = new Map(REFERENCE);

/** The most locations `--locations N` can ask for by count (more may be named explicitly). */
export const MAX_LOCATION_COUNT = REFERENCE_LOCATIONS.length;

/**
 * A location name becomes an S3 key segment (`housing-data/{LOC}/...`), a TargetModel
 * (`{LOC}/{LOC}.tar.gz`), an IAM condition value and part of SageMaker job names, so it is kept
 * to letters and digits with an optional `_ST` state suffix: no path characters, no dots, no
 * wildcards (`*`/`?` would widen a `sagemaker:TargetModel` StringLike condition).
 */
export const LOCATION_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9]*(_[A-Z]{2})?$/;
export const MAX_LOCATION_NAME_LENGTH = 63;

/** Why `name` is not a valid location name, or undefined when it is. */
export function locationNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a location name is empty';
  if (name.length > MAX_LOCATION_NAME_LENGTH) {
    return `location name '${name.slice(0, 20)}…' is ${name.length} characters long (at most ${MAX_LOCATION_NAME_LENGTH})`;
  }
  if (!LOCATION_NAME_PATTERN.test(name)) {
    return `invalid location name '${name}': use letters and digits, starting with a letter, with an optional _ST state suffix (e.g. Boston_MA)`;
  }
  return undefined;
}

export function isValidLocationName(name: string): boolean {
  return locationNameProblem(name) === undefined;
}

/**
 * The price profile of a location. Reference locations have hand-written profiles; any other
 * valid name gets one derived from a hash of the name alone (not the seed), so a user-added city
 * such as Boston_MA always behaves the same way.
 */
export function priceProfileFor(location: string): PriceProfile {
  const known = REFERENCE_PROFILES.get(location);
  if (known) return known;
  const problem = locationNameProblem(location);
  if (problem) throw new UsageError(problem);
  const rng = new Rng(0, 'price-profile', location);
  const step = (min: number, max: number, unit: number) => Math.round(rng.between(min, max) / unit) * unit;
  const multiplier = () => Number(rng.between(0.6, 2.0).toFixed(1));
  return priceProfile(
    step(100, 500, 5),
    step(5_000, 60_000, 1_000),
    {
      bedrooms: multiplier(),
      bathrooms: multiplier(),
      lot: multiplier(),
      garage: multiplier(),
      porch: multiplier(),
      deck: multiplier(),
    },
    step(1_000, 4_500, 100),
    Number(rng.between(0.04, 0.08).toFixed(2)),
  );
}

/**
 * Turn `--locations` into a list of names: a count N means the first N reference locations;
 * a list is validated (names, duplicates) and kept in the order given.
 */
export function resolveLocations(spec: readonly string[] | number): string[] {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 1 || spec > MAX_LOCATION_COUNT) {
      throw new UsageError(
        `--locations must be a count from 1 to ${MAX_LOCATION_COUNT} or a list of names, got ${spec}`,
        `Name locations explicitly for more than ${MAX_LOCATION_COUNT}, e.g. --locations Chicago_IL,Boston_MA`,
      );
    }
    return REFERENCE_LOCATIONS.slice(0, spec);
  }
  const names = spec.map((name) => name.trim());
  if (names.length === 0)
    throw new UsageError('no locations given', `e.g. --locations ${REFERENCE_LOCATIONS.slice(0, 4).join(',')}`);
  // Case-insensitive: Chicago_IL and chicago_IL would share a folder on macOS/Windows disks.
  const seen = new Map<string, string>();
  for (const name of names) {
    const problem = locationNameProblem(name);
    if (problem) throw new UsageError(problem);
    const key = name.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new UsageError(
        earlier === name
          ? `location '${name}' is given twice`
          : `locations '${earlier}' and '${name}' differ only in case`,
      );
    }
    seen.set(key, name);
  }
  return names;
}
