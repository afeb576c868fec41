#!/usr/bin/env node
// Startup cost of the CLI: `mme --help` against bare `node -e 0`, run side by side (alternating,
// so machine noise hits both alike). Reports medians and their ratio; `--json` prints one JSON
// document for bench/run.js to gather. Needs a build (npm run build).
//
//   node bench/startup.js [--runs 10] [--json]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, requireBuild } from './lib.js';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 10;
const json = args.includes('--json');
const bin = fileURLToPath(new URL('../bin/mme.js', import.meta.url));
requireBuild('cli/main.js');

const cases = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'mme --help': [process.execPath, [bin, '--help']],
  'mme --version': [process.execPath, [bin, '--version']],
};

function time([cmd, argv]) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

// One warm-up each (disk cache), then alternate.
for (const c of Object.values(cases)) time(c);
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs; i++) for (const [name, c] of Object.entries(cases)) samples[name].push(time(c));

const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const base = medians['node -e 0'];
const result = {
  benchmark: 'startup',
  runs,
  medianMs: Object.fromEntries(Object.entries(medians).map(([k, v]) => [k, Math.round(v * 10) / 10])),
  ratio: Object.fromEntries(
    Object.entries(medians)
      .filter(([k]) => k !== 'node -e 0')
      .map(([k, v]) => [k, Math.round((v / base) * 100) / 100]),
  ),
};
result.tables = [
  {
    title: `CLI startup, median of ${runs} runs, side by side`,
    columns: ['command', 'median ms', '× node -e 0'],
    rows: Object.entries(result.medianMs).map(([k, ms]) => [k, ms, result.ratio[k] ?? 1]),
  },
];

if (json) {
  console.log(JSON.stringify(result));
} else {
  console.log(`startup, median of ${runs} runs`);
  for (const [name, ms] of Object.entries(result.medianMs)) {
    const ratio = result.ratio[name] ? `  ×${result.ratio[name]} node` : '';
    console.log(`  ${name.padEnd(14)} ${ms.toFixed(1).padStart(7)} ms${ratio}`);
  }
}
