/**
 * Defaults the CLI shows in its help and the workflow runs with, each written once. Constants
 * only, with no imports, so that `mme --help` (program.ts) loads nothing more for them.
 */

/** The reference notebook's training and batch-transform instance. */
export const DEFAULT_INSTANCE_TYPE = 'ml.c4.xlarge';

/** The notebook's hosting instance (docs/aws-behaviour.md#multi-model-hosting). */
export const DEFAULT_HOSTING_INSTANCE_TYPE = 'ml.m4.xlarge';

/** The notebook's 1,000 houses per location. */
export const DEFAULT_ROWS = 1_000;
