/**
 * Correctness of the invoke hot path's shortcuts (no timing here: bench/invoke.js measures).
 * - serve() answers a warm model synchronously, the same bytes as when it answers with a promise;
 * - a cold model goes through a promise, and the next request is warm and synchronous;
 * - the cache's loaded-model counter agrees with its entries through loads, holds and evictions;
 * - accepted TargetModels are remembered, refused ones still refused every time;
 * - errors before any container runs are thrown by serve(), not returned as a rejected promise.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPolicy } from '../../src/algorithms/cache/index.js';
import { ModelCache } from '../../src/local/hosting/model-cache.js';
import { validateTargetModel } from '../../src/local/hosting/target-model.js';
import { ServiceError } from '../../src/local/service-error.js';
import { createFixture, invoke, invokeRequest, pipelineEndpoint, type Fixture } from './helpers.js';

let fx: Fixture;
beforeEach(async () => {
  fx = await createFixture();
});
afterEach(async () => fx.cleanup());

describe('the invoke hot path', () => {
  it('serves a warm model synchronously, with the bytes a promised answer gives', async () => {
    await fx.putModel('A.tar.gz', 170);
    const host = fx.host();
    await host.deploy(pipelineEndpoint());
    const cold = host.serve(invokeRequest('mme-ep', 'A.tar.gz'));
    expect(cold).toBeInstanceOf(Promise);
    const first = await cold;
    const warm = host.serve(invokeRequest('mme-ep', 'A.tar.gz'));
    expect(warm).not.toBeInstanceOf(Promise);
    const viaInvoke = await invoke(host, invokeRequest('mme-ep', 'A.tar.gz'));
    for (const out of [warm as Awaited<typeof cold>, viaInvoke]) {
      expect(out.body.equals(first.body)).toBe(true);
      expect(out.contentType).toBe('application/json');
      expect(out.invokedProductionVariant).toBe('AllTraffic');
    }
    const snapshot = host.metrics.snapshot('mme-ep');
    expect(snapshot.series.find((s) => s.metricName === 'Invocations' && !s.dimensions.TargetModel)?.sum).toBe(3);
    expect(snapshot.series.find((s) => s.metricName === 'ModelCacheHit' && !s.dimensions.TargetModel)?.sum).toBe(2);
    expect(host.status('mme-ep')?.variants[0]?.instances[0]?.inFlight).toBe(0);
  });

  it('throws from serve() (a rejection when awaited) on errors found before the containers', async () => {
    const host = fx.host();
    await host.deploy(pipelineEndpoint());
    expect(() => host.serve(invokeRequest('nope', 'A.tar.gz'))).toThrow(ServiceError);
    await expect(invoke(host, invokeRequest('nope', 'A.tar.gz'))).rejects.toBeInstanceOf(ServiceError);
    expect(() => host.serve(invokeRequest('mme-ep', '../x.tar.gz'))).toThrow(/not a path inside/);
    // A model error in a warm pipeline is thrown synchronously as ModelError, and counted.
    await fx.putModel('A.tar.gz');
    await invoke(host, invokeRequest('mme-ep', 'A.tar.gz'));
    let err: unknown;
    try {
      host.serve(invokeRequest('mme-ep', 'A.tar.gz', { body: Buffer.from('1,2,3\n') }));
    } catch (e) {
      err = e;
    }
    expect((err as ServiceError).code).toBe('ModelError');
    expect(host.status('mme-ep')?.variants[0]?.instances[0]?.inFlight).toBe(0);
  });

  it('keeps the loaded-model count equal to the ready entries through holds and evictions', async () => {
    const cache = new ModelCache<string>({
      budgetBytes: 300,
      policy: createPolicy('lru'),
      now: () => new Date(0),
      monotonicMs: () => 0,
    });
    const load = (k: string) => () => Promise.resolve({ model: k, sizeBytes: 100 });
    const ready = () => cache.list().filter((e) => e.state === 'ready').length;
    for (const k of ['a', 'b', 'c']) {
      const acquired = cache.acquire(k, load(k));
      if (acquired.outcome !== 'hit') cache.release(await acquired.pending);
    }
    expect([cache.loadedCount, ready()]).toEqual([3, 3]);
    const held = cache.hold('a')!;
    expect(held.model).toBe('a');
    expect(cache.hold('zzz')).toBeUndefined();
    // 'b' is the least recently used now; 'a' is held and cannot go.
    const d = cache.acquire('d', load('d'));
    if (d.outcome !== 'hit') cache.release(await d.pending);
    expect(cache.has('b')).toBe(false);
    expect([cache.loadedCount, ready()]).toEqual([3, 3]);
    cache.release(held);
    expect(cache.list().find((e) => e.key === 'a')).toMatchObject({ inUse: 0, hits: 1 });
    cache.unload('a');
    expect([cache.loadedCount, ready()]).toEqual([2, 2]);
    cache.clear();
    expect([cache.loadedCount, ready()]).toEqual([0, 0]);
  });

  it('remembers accepted TargetModels and refuses bad ones every time', () => {
    for (let i = 0; i < 3; i++) {
      expect(validateTargetModel('City/City.tar.gz')).toBe('City/City.tar.gz');
      expect(() => validateTargetModel('City/../x.tar.gz')).toThrow();
      expect(() => validateTargetModel('%2e%2e/x')).toThrow();
      expect(() => validateTargetModel('')).toThrow();
    }
  });
});
