/**
 * The housing feature schema, shared by the generator, the preprocessor and inference. Column
 * order is the CSV order of the reference notebook: the 8 features, then the PRICE label last.
 * Files are headerless, so this order IS the contract: a labelled row has 9 columns, an
 * inference row the first 8.
 */

/** Houses are never newer than this year; age = MAX_YEAR - YEAR_BUILT. */
export const MAX_YEAR = 2019;

/** The features in CSV order. */
export const FEATURE_COLUMNS = [
  'YEAR_BUILT',
  'SQUARE_FEET',
  'NUM_BEDROOMS',
  'NUM_BATHROOMS',
  'LOT_ACRES',
  'GARAGE_SPACES',
  'FRONT_PORCH',
  'DECK',
] as const;
export type FeatureColumn = (typeof FEATURE_COLUMNS)[number];

/** The label, written last in training/test files. */
export const LABEL_COLUMN = 'PRICE';

/** Every column of a labelled (training or test) row, in CSV order. */
export const CSV_COLUMNS = [...FEATURE_COLUMNS, LABEL_COLUMN] as const;

/** Scaled by the preprocessor's StandardScaler. */
export const NUMERIC_FEATURES = [
  'YEAR_BUILT',
  'SQUARE_FEET',
  'NUM_BEDROOMS',
  'NUM_BATHROOMS',
  'LOT_ACRES',
  'GARAGE_SPACES',
] as const satisfies readonly FeatureColumn[];

/** One-hot encoded by the preprocessor's OneHotEncoder. */
export const CATEGORICAL_FEATURES = ['FRONT_PORCH', 'DECK'] as const satisfies readonly FeatureColumn[];

/** The values of a categorical feature, sorted as scikit-learn's OneHotEncoder sorts them. */
export const YES_NO = ['n', 'y'] as const;
type YesNo = (typeof YES_NO)[number];

/** Column counts that tell a labelled row from an unlabelled one. */
export const FEATURE_COUNT = FEATURE_COLUMNS.length; // 8

/**
 * Features after preprocessing: 6 scaled numerics + 2 one-hot columns for each of the 2
 * categoricals = 10, the linear learner's `feature_dim`.
 */
export const TRANSFORMED_FEATURE_DIM = NUMERIC_FEATURES.length + CATEGORICAL_FEATURES.length * YES_NO.length;

/** One house's features, as typed values. */
export interface House {
  YEAR_BUILT: number;
  SQUARE_FEET: number;
  NUM_BEDROOMS: number;
  /** 1.0 .. 3.0 in steps of 0.5. */
  NUM_BATHROOMS: number;
  LOT_ACRES: number;
  GARAGE_SPACES: number;
  FRONT_PORCH: YesNo;
  DECK: YesNo;
}

/** A house with its sale price (the label), as in training and test files. */
export interface LabelledHouse extends House {
  PRICE: number;
}
