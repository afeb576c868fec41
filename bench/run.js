#!/usr/bin/env node
// Every benchmark, one report (issue "whole journey"): each script below runs in its own
// process with `--json`; the report is a markdown table per benchmark on stdout and one JSON
// document in bench/results/latest.json. A benchmark that fails is reported as failed and the
// others still run (exit code 1). Needs a build: `npm run bench` builds first.
//
// A benchmark script prints progress on stderr and, with --json, one JSON object on stdout:
// { benchmark, ...figures, tables?: [{ title, columns, rows }], summary? }. Without `tables`,
// its numbers are listed as metric | value.
//
//   node bench/run.js [--only train,replay] [--json]
import { spawn, execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** One line per benchmark: name, script (in bench/), its arguments, and how long it may take. */
const BENCHMARKS = [
  { name: 'startup', script: 'startup.js', args: [], timeoutSeconds: 300 },
  { name: 'train', script: 'train.js', args: [], timeoutSeconds: 1200 },
  { name: 'replay', script: 'replay.js', args: [], timeoutSeconds: 300 },
  { name: 'invoke', script: 'invoke.js', args: [], timeoutSeconds: 150 },
  { name: 'xgboost', script: 'xgboost.js', args: [], timeoutSeconds: 900 },
  { name: 'knn', script: 'knn.js', args: [], timeoutSeconds: 600 },
  { name: 'rcf', script: 'rcf.js', args: [], timeoutSeconds: 600 },
];

const { values: flags } = parseArgs({
  options: { only: { type: 'string' }, json: { type: 'boolean', default: false } },
});
const only = flags.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((name) => !BENCHMARKS.some((b) => b.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')} (known: ${BENCHMARKS.map((b) => b.name).join(', ')})`);
  process.exit(2);
}
const selected = BENCHMARKS.filter((b) => !only || only.includes(b.name));

/** Run one benchmark script; resolves to its JSON result, or { error }. */
function run({ script, args, timeoutSeconds }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args, '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: timeoutSeconds * 1000,
      // SIGINT: the scripts clean up their temp dirs on it.
      killSignal: 'SIGINT',
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.on('error', (err) => resolve({ error: err.message }));
    child.on('close', (code, signal) => {
      const wallSeconds = Math.round(performance.now() - started) / 1000;
      if (code !== 0)
        return resolve({
          error: signal
            ? `killed by ${signal} after ${wallSeconds} s (timeout ${timeoutSeconds} s?)`
            : `exited with code ${code}`,
          wallSeconds,
        });
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve({ ...JSON.parse(last), wallSeconds });
      } catch {
        resolve({ error: `printed no JSON result: ${last.slice(0, 200)}`, wallSeconds });
      }
    });
  });
}

const cell = (v) => String(v ?? '').replace(/\|/g, '\\|');
const markdownTable = (columns, rows) =>
  [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

/** Scalar leaves of a result as [path, value] rows, for a benchmark without tables. */
function leaves(value, path = []) {
  if (value === null || typeof value !== 'object') return [[path.join('.'), value]];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
}

function markdown(name, result) {
  const out = [`## ${name}`, ''];
  if (result.error) {
    out.push(`**failed**: ${result.error}`, '');
    return out.join('\n');
  }
  const { benchmark: _b, tables, summary, wallSeconds, ...figures } = result;
  if (tables?.length) {
    for (const t of tables) out.push(`**${t.title}**`, '', markdownTable(t.columns, t.rows), '');
  } else {
    out.push(markdownTable(['metric', 'value'], leaves(figures)), '');
  }
  if (summary) out.push(summary, '');
  out.push(`_(${wallSeconds} s)_`, '');
  return out.join('\n');
}

function git(...args) {
  try {
    return execFileSync('git', args, {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

const results = {};
for (const b of selected) {
  process.stderr.write(`bench: ${b.name} (node bench/${b.script} ${[...b.args, '--json'].join(' ')})\n`);
  results[b.name] = await run(b);
}

const report = {
  date: new Date().toISOString(),
  commit: git('rev-parse', '--short', 'HEAD'),
  dirty: git('status', '--porcelain') ? true : undefined,
  node: process.version,
  platform: platform(),
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model,
  benchmarks: results,
};
const resultsDir = new URL('results/', import.meta.url);
await mkdir(resultsDir, { recursive: true });
const file = new URL('latest.json', resultsDir);
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);

if (flags.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(
    `# mme benchmarks\n\n${report.date}, ${report.commit ?? 'no commit'}${report.dirty ? ' (uncommitted changes)' : ''}, node ${report.node}, ${report.cpus} CPUs (${report.cpuModel})\n`,
  );
  for (const [name, result] of Object.entries(results)) console.log(markdown(name, result));
}
process.stderr.write(`bench: report written to ${fileURLToPath(file)}\n`);
const failed = Object.entries(results)
  .filter(([, r]) => r.error)
  .map(([name]) => name);
if (failed.length > 0) {
  process.stderr.write(`bench: failed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
