/**
 * What one invocation adds to the variant's metrics (metrics.ts), as SageMaker defines them:
 * - Invocations counts every request routed to the variant, failed or not; InvocationsPerInstance
 *   adds 1/InstanceCount a request (SageMaker's definition).
 * - Invocation4XXErrors / 5XXErrors: by the container's status for a ModelError, else by ours.
 * - ModelLatency: time inside the containers; OverheadLatency: the rest of the request's time
 *   in the host, which includes waiting for a model to load (as on SageMaker).
 * - ModelCacheHit: 1 or 0 per multi-model request; its Average is the hit ratio.
 * - ModelLoadingWaitTime: for requests that waited for a download and load.
 * - (mme extension) Invocations, ModelCacheHit and ModelLatency per TargetModel: metrics.ts
 *   ModelSeries. Failed requests count there as in the variant's Invocations.
 */
import { ServiceError } from '../service-error.js';
import type { InvocationContext } from './containers/index.js';
import type { HostedVariant } from './deployment.js';
import type { EndpointInstance } from './instance.js';
import { figuresFor } from './metrics.js';

export function recordSuccess(
  variant: HostedVariant,
  instance: EndpointInstance,
  context: InvocationContext,
  elapsedMs: number,
  at: Date,
): void {
  const m = variant.metrics;
  const totalMicros = Math.round(elapsedMs * 1000);
  const t = at.getTime(); // one clock read for all of this request's values
  m.invocations.add(1, t);
  m.invocationsPerInstance.add(1 / variant.instances.length, t);
  m.errors4xx.add(0, t);
  m.errors5xx.add(0, t);
  m.modelLatency.add(context.modelMicros, t);
  m.overheadLatency.add(Math.max(0, totalMicros - context.modelMicros), t);
  if (context.cacheHit !== undefined) {
    m.modelCacheHit.add(context.cacheHit ? 1 : 0, t);
    if (!context.cacheHit) m.modelLoadingWaitTime.add(context.loadWaitMicros, t);
  }
  if (context.targetModel !== undefined) {
    const series = m.modelSeries(context.targetModel);
    series.invocations.add(1, t);
    if (context.cacheHit !== undefined) series.modelCacheHit.add(context.cacheHit ? 1 : 0, t);
    series.modelLatency.add(context.modelMicros, t);
    const f = figuresFor(m.models, context.targetModel);
    f.invocations++;
    if (context.cacheHit) f.cacheHits++;
    else f.cacheMisses++;
    f.latencyMicrosTotal += context.modelMicros;
    if (context.modelMicros > f.latencyMicrosMax) f.latencyMicrosMax = context.modelMicros;
    f.lastInvokedAt = at;
  }
  instance.sampleGauges(t);
}

export function recordFailure(
  variant: HostedVariant,
  instance: EndpointInstance | undefined,
  context: InvocationContext,
  err: unknown,
): void {
  const m = variant.metrics;
  let status = 500;
  if (err instanceof ServiceError) {
    status =
      err.code === 'ModelError' && typeof err.extra.OriginalStatusCode === 'number'
        ? err.extra.OriginalStatusCode
        : err.status;
  }
  m.invocations.add(1);
  m.invocationsPerInstance.add(1 / variant.instances.length);
  m.errors4xx.add(status >= 400 && status < 500 ? 1 : 0);
  m.errors5xx.add(status >= 500 ? 1 : 0);
  if (context.cacheHit !== undefined) m.modelCacheHit.add(context.cacheHit ? 1 : 0);
  if (context.targetModel !== undefined) {
    const series = m.modelSeries(context.targetModel);
    series.invocations.add(1);
    if (context.cacheHit !== undefined) series.modelCacheHit.add(context.cacheHit ? 1 : 0);
    const f = figuresFor(m.models, context.targetModel);
    f.invocations++;
    f.errors++;
    if (context.cacheHit === true) f.cacheHits++;
    else if (context.cacheHit === false) f.cacheMisses++;
  }
  instance?.sampleGauges();
}
