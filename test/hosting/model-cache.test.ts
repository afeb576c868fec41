import { describe, expect, it } from 'vitest';
import { LruPolicy } from '../../src/algorithms/cache/index.js';
import { ContainerFailure } from '../../src/local/hosting/errors.js';
import { ModelCache, type Acquired, type Held } from '../../src/local/hosting/model-cache.js';

function cache(budgetBytes: number) {
  const unloaded: string[] = [];
  const c = new ModelCache<string>({
    budgetBytes,
    policy: new LruPolicy(),
    now: () => new Date(0),
    monotonicMs: () => 0,
    onUnload: (key, _size, _us, reason) => unloaded.push(`${reason}:${key}`),
  });
  return { c, unloaded };
}

async function heldOf(a: Acquired<string>): Promise<Held<string>> {
  return a.outcome === 'hit' ? a.held : a.pending;
}

const loader = (key: string, size: number) => async () => ({ model: `model-${key}`, sizeBytes: size });

describe('ModelCache (memory tier)', () => {
  it('evicts the least recently used model when the byte budget is exceeded', async () => {
    const { c, unloaded } = cache(300);
    for (const k of ['a', 'b', 'c']) c.release(await heldOf(c.acquire(k, loader(k, 100))));
    // Touch a: b is now the least recently used.
    const hit = c.acquire('a', loader('a', 100));
    expect(hit.outcome).toBe('hit');
    c.release(await heldOf(hit));
    c.release(await heldOf(c.acquire('d', loader('d', 100))));
    expect(unloaded).toEqual(['evicted:b']);
    expect(
      c
        .list()
        .map((e) => e.key)
        .sort(),
    ).toEqual(['a', 'c', 'd']);
    expect(c.usedBytes).toBe(300);
  });

  it('accounts bytes, not models: one big model evicts several small ones', async () => {
    const { c, unloaded } = cache(300);
    for (const k of ['a', 'b', 'c']) c.release(await heldOf(c.acquire(k, loader(k, 100))));
    c.release(await heldOf(c.acquire('big', loader('big', 250))));
    expect(unloaded).toEqual(['evicted:a', 'evicted:b', 'evicted:c']);
    expect(c.loadedCount).toBe(1);
  });

  it('never evicts a model serving a request; admits over budget and trims on release', async () => {
    const { c, unloaded } = cache(200);
    const a = await heldOf(c.acquire('a', loader('a', 100)));
    const b = await heldOf(c.acquire('b', loader('b', 100)));
    const d = await heldOf(c.acquire('d', loader('d', 100)));
    expect(unloaded).toEqual([]);
    expect(c.usedBytes).toBe(300);
    c.release(a);
    expect(unloaded).toEqual(['evicted:a']);
    c.release(b);
    c.release(d);
    expect(c.usedBytes).toBe(200);
  });

  it('loads once for 100 concurrent first requests (single flight)', async () => {
    const { c } = cache(1000);
    let loads = 0;
    let finish!: () => void;
    const gate = new Promise<void>((r) => (finish = r));
    const slowLoad = async () => {
      loads++;
      await gate;
      return { model: 'm', sizeBytes: 10 };
    };
    const acquired = Array.from({ length: 100 }, () => c.acquire('m', slowLoad));
    expect(acquired.map((a) => a.outcome).filter((o) => o === 'loaded')).toHaveLength(1);
    expect(acquired.filter((a) => a.outcome === 'joined')).toHaveLength(99);
    finish();
    const leases = await Promise.all(acquired.map(heldOf));
    expect(loads).toBe(1);
    expect(leases.every((l) => l.model === 'm')).toBe(true);
    expect(c.list()[0]!.inUse).toBe(100);
    for (const l of leases) c.release(l);
    expect(c.list()[0]!.inUse).toBe(0);
  });

  it('a failed load fails every waiter and the next request loads afresh', async () => {
    const { c } = cache(1000);
    const failing = async () => {
      throw new Error('bad archive');
    };
    const first = c.acquire('m', failing);
    const second = c.acquire('m', failing);
    await expect(heldOf(first)).rejects.toThrow('bad archive');
    await expect(heldOf(second)).rejects.toThrow('bad archive');
    expect(c.has('m')).toBe(false);
    expect((await heldOf(c.acquire('m', loader('m', 10)))).model).toBe('model-m');
  });

  it('refuses a model larger than the whole budget with 507', async () => {
    const { c } = cache(100);
    const err = await heldOf(c.acquire('huge', loader('huge', 101))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerFailure);
    expect((err as ContainerFailure).status).toBe(507);
  });

  it('unload() (ModelCacheSetting Disabled) leaves a model that is still in use', async () => {
    const { c, unloaded } = cache(1000);
    const a = await heldOf(c.acquire('a', loader('a', 10)));
    c.unload('a');
    expect(c.has('a')).toBe(true);
    c.release(a);
    c.unload('a');
    expect(unloaded).toEqual(['unloaded:a']);
  });
});
