import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCloudWatchService } from '../../src/local/services/cloudwatch/index.js';

const T0 = Date.parse('2026-11-25T10:00:00Z');

describe('CloudWatch persistence and the direct API', () => {
  let dir: string;
  let now = T0;
  const clock = () => new Date(now);
  const query = {
    namespace: 'AWS/SageMaker',
    name: 'Invocations',
    dimensions: { EndpointName: 'ep', VariantName: 'AllTraffic' },
    period: 60,
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mme-cw-'));
    now = T0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps recent points across a close and reopen, and drops those past retention', async () => {
    const first = createCloudWatchService({ dir, now: clock, retention: 30 * 60_000 });
    await first.open();
    // What the endpoint host does every period: AWS/ namespaces are open to local services.
    first.metrics.put(
      'AWS/SageMaker',
      'Invocations',
      query.dimensions,
      { sampleCount: 5, sum: 5, minimum: 1, maximum: 1 },
      'None',
      new Date(T0 - 20 * 60_000),
    );
    first.metrics.put('AWS/SageMaker', 'Invocations', query.dimensions, 3, 'None', new Date(T0 - 60_000));
    await first.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    now = T0 + 15 * 60_000; // the first point is now 35 minutes old: past the 30-minute window
    const second = createCloudWatchService({ dir, now: clock, retention: 30 * 60_000 });
    await second.open();
    const sums = second.metrics.statistic({ ...query, start: new Date(T0 - 3600_000), end: new Date(now) }, 'Sum');
    expect(sums).toEqual([{ timestamp: new Date(T0 - 60_000), value: 3 }]);
    await second.close();
  });

  it('sets a corrupt snapshot aside instead of failing to start', async () => {
    await writeFile(join(dir, 'metrics.json'), '{"version":1,"series":[');
    const service = createCloudWatchService({ dir, now: clock });
    await service.open();
    expect(service.metrics.size).toEqual({ series: 0, slots: 0 });
    expect((await readdir(dir)).sort()).toEqual(['metrics.json.corrupt']);
    await service.close();
  });

  it('saves only when something changed', async () => {
    const service = createCloudWatchService({ dir, now: clock });
    await service.open();
    await service.flush();
    expect(await readdir(dir)).toEqual([]);
    service.metrics.put('App', 'X', {}, 1);
    await service.flush();
    expect(await readdir(dir)).toEqual(['metrics.json']);
    await service.close();
  });

  it('works in memory without a directory', async () => {
    const service = createCloudWatchService({ now: clock });
    await service.open();
    service.metrics.put('App', 'X', {}, 1);
    await service.close();
    expect(service.metrics.listMetrics()).toEqual([{ namespace: 'App', name: 'X', dimensions: [] }]);
  });
});
