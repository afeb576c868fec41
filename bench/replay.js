#!/usr/bin/env node
// Multi-model cache eviction policies: a seeded Zipf trace over 10,000 models replayed through
// every policy and Belady (src/algorithms/cache/bench.ts), with each one's hit ratio, load cost
// and replay speed (cache bookkeeping only; no model is loaded). Needs a build (npm run build).
// `--json` prints one JSON document for bench/run.js.
//
//   node bench/replay.js [--models 10000] [--requests 200000] [--s 1] [--sizes equal|lognormal] [--json]
import { parseArgs } from 'node:util';
import { load, requireBuild, round, tableLines } from './lib.js';

requireBuild('algorithms/cache/bench.js');
const { benchReplay } = await load('algorithms/cache/bench.js');

const { values: flags } = parseArgs({
  options: {
    models: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '200000' },
    s: { type: 'string', default: '1' },
    sizes: { type: 'string', default: 'equal' },
    json: { type: 'boolean', default: false },
  },
});
if (!['equal', 'lognormal'].includes(flags.sizes)) {
  console.error(`--sizes is equal or lognormal, not ${flags.sizes}`);
  process.exit(2);
}

const r = benchReplay({
  models: Number(flags.models),
  requests: Number(flags.requests),
  s: Number(flags.s),
  sizes: flags.sizes,
});
const belady = r.rows.find((row) => row.policy.startsWith('belady'));
const result = {
  benchmark: 'replay',
  models: r.models,
  requests: r.requests,
  s: r.s,
  sizes: r.sizes,
  capacityBytes: r.capacityBytes,
  rows: r.rows.map((row) => ({
    ...row,
    hitRatio: round(row.hitRatio, 4),
    seconds: round(row.seconds, 3),
    opsPerSecond: Math.round(row.opsPerSecond),
  })),
  tables: [
    {
      title: `Cache replay: ${r.models} models, ${r.requests} requests, Zipf s=${r.s}, ${r.sizes} sizes, memory for ~10% of the bytes`,
      columns: ['policy', 'hit ratio', 'vs Belady', 'evictions', 'load cost (ms)', 'requests/s'],
      rows: r.rows.map((row) => [
        row.policy,
        round(row.hitRatio, 4),
        belady && belady.hitRatio > 0 ? round(row.hitRatio / belady.hitRatio, 3) : '',
        row.evictions,
        Math.round(row.totalLoadCost),
        Math.round(row.opsPerSecond),
      ]),
    },
  ],
};

if (flags.json) {
  console.log(JSON.stringify(result));
} else {
  const [t] = result.tables;
  console.log([t.title, ...tableLines(t)].join('\n'));
}
