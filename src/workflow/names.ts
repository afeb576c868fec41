/**
 * Names several steps must agree on without asking the target: `deploy` creates the endpoint,
 * and `invoke`, `grant`, `metrics` and `teardown` default to it.
 */
import { DEFAULT_ALGORITHM, algorithmSpec } from '../algorithms/registry.js';

/**
 * The endpoint `mme deploy` creates unless told otherwise: the default algorithm's (registry.ts
 * defaultEndpoint), written there once. Lower case on purpose: SageMaker
 * lower-cases the name inside the endpoint's ARN (arn:aws:sagemaker:{region}:{acct}:endpoint/
 * {name}), which is what IAM policies match, so a lower-case name reads the same in both places.
 * Endpoint names allow only letters, digits and hyphens (no `_`, unlike the S3 prefix
 * DEMO_MME_LINEAR_LEARNER).
 */
export const DEFAULT_ENDPOINT_NAME = algorithmSpec(DEFAULT_ALGORITHM).defaultEndpoint;
