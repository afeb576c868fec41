/**
 * Request routing, precomputed per endpoint at deployment so the hot path is a few comparisons.
 *
 * - Variant: by weight (InitialVariantWeight), unless the request names one (TargetVariant).
 * - Instance, multi-model: an instance that already has the target model (loaded or loading),
 *   so a model is downloaded and loaded once rather than once per instance; the least busy of
 *   them. SageMaker routes MME requests to "an instance assigned to that model" the same way.
 *   Otherwise the least busy instance, ties broken round-robin (SageMaker's least-outstanding-
 *   requests routing; its default is random, which is harder to test and no better here).
 */
import type { EndpointInstance } from './instance.js';
import { validationError } from './errors.js';

export interface RoutableVariant {
  readonly name: string;
  readonly weight: number;
  readonly instances: readonly EndpointInstance[];
}

export class VariantRouter<V extends RoutableVariant> {
  private readonly cumulative: number[];
  private readonly total: number;
  private readonly byName = new Map<string, V>();

  constructor(
    readonly variants: readonly V[],
    private readonly random: () => number,
  ) {
    let sum = 0;
    this.cumulative = variants.map((v) => (sum += Math.max(0, v.weight)));
    this.total = sum;
    for (const v of variants) this.byName.set(v.name, v);
  }

  pick(targetVariant: string | undefined, endpointName: string): V {
    if (targetVariant !== undefined) {
      const named = this.byName.get(targetVariant);
      // Our wording: the variant must be one of the endpoint's.
      if (!named) throw validationError(`Endpoint ${endpointName} has no production variant named ${targetVariant}.`);
      return named;
    }
    if (this.variants.length === 1 || this.total === 0) return this.variants[0]!;
    const r = this.random() * this.total;
    const i = this.cumulative.findIndex((c) => r < c);
    return this.variants[i < 0 ? this.variants.length - 1 : i]!;
  }
}

export class InstanceRouter {
  private next = 0;

  constructor(private readonly instances: readonly EndpointInstance[]) {}

  pick(targetModel: string | undefined): EndpointInstance {
    const list = this.instances;
    if (list.length === 1) return list[0]!;
    let best: EndpointInstance | undefined;
    if (targetModel !== undefined) {
      for (const instance of list) {
        if (instance.hasModel(targetModel) && (!best || instance.inFlight < best.inFlight)) best = instance;
      }
      if (best) return best;
    }
    const start = this.next;
    this.next = (this.next + 1) % list.length;
    for (let k = 0; k < list.length; k++) {
      const instance = list[(start + k) % list.length]!;
      if (!best || instance.inFlight < best.inFlight) best = instance;
    }
    return best!;
  }
}
