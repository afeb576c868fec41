/**
 * The CloudWatch names of SageMaker's endpoint metrics (docs/aws-behaviour.md#metrics): the two
 * namespaces it publishes them in, and the units mme's metrics carry. The local cloud publishes
 * under them; `mme metrics` reads them back.
 */

/** Invocations, ModelLatency, ModelCacheHit, ModelLoadingTime, … */
export const NAMESPACE_SAGEMAKER = 'AWS/SageMaker';
/** LoadedModelCount, MemoryUtilization, CPUUtilization, DiskUtilization: the instances' figures. */
export const NAMESPACE_ENDPOINTS = '/aws/sagemaker/Endpoints';

export type MetricUnit = 'None' | 'Microseconds' | 'Percent';
