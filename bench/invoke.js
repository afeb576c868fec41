#!/usr/bin/env node
// Warm invoke throughput and latency through the full pipeline with signed requests (issue
// "Hosting"), side by side in the same run with a bare node:http server answering a fixed JSON
// body; then cold invoke latency and memory per loaded model. Target: ≥ 0.5 of the bare server's
// throughput; cold invoke p50 ≤ 10 ms for a linear model.
//
//   1. Two child processes: a bare node:http server, and the local cloud (openLocalCloud, temp
//      state dir, port 0). Each has its own event loop; wrk is a third process. The driver (this
//      process) only sets up and then waits.
//   2. Setup through the real SDK clients: a fitted preprocessor and two linear learners (tiny,
//      trained here with the pure algorithms and packed as model.tar.gz, as test/hosting does)
//      uploaded with the S3 client; CreateModel (preprocessor → MultiModel linear learner),
//      CreateEndpointConfig, CreateEndpoint, wait InService.
//   3. Warm: ONE InvokeEndpoint request (text/csv, one row, TargetModel) signed with
//      @smithy/signature-v4 exactly as the JS SDK signs it, warmed, then replayed by `wrk`
//      (Debian package wrk; SigV4 signatures stay valid for 15 minutes) against the cloud and
//      the same request against the bare server, alternately (ABBA with --rounds 2+); and the
//      same row through a second pipeline whose MultiModel container is XGBoost (a 100-tree,
//      depth-6 model), for single-row scoring against the linear learner in the same run.
//   4. Cold: N distinct copies of a linear model under the prefix (artifact only in the object
//      store), each invoked once by a plain node:http keep-alive client; each request is signed
//      just before it is sent and timed from send to last byte. A warm request through the same
//      client is timed alongside, for scale.
//   5. Memory: the cloud child's RSS and heapUsed (after gc) before and after those N loads, /N;
//      and its whole RSS at the end, with --registered artifacts under the prefix (default 10,000;
//      the rest never invoked) of which the N cold ones are resident.
//      The bench host runs with modelOverheadBytes 0 so that every copy stays loaded (the default
//      108 MiB of accounted overhead per model would evict after ~121 on ml.m4.xlarge).
//
// Needs a build (npm run build) and wrk (apt-get install wrk). `--json` prints one JSON document
// for bench/run.js. Bounded: the watchdog (--timeout) kills everything; children and the temp
// dir are removed on success, failure and Ctrl-C alike.
//
//   node bench/invoke.js [--duration 10] [--connections 32] [--rounds 1] [--cold 1000] [--registered 10000]
//                        [--timeout 100] [--profile DIR] [--json]
// --profile DIR: the cloud child runs with --cpu-prof and writes its profile to DIR (the bare one to DIR/bare).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  bounded,
  guardedCleanups,
  createPipelineEndpoint,
  load,
  XGBOOST_IMAGE,
  makeHousingArtifacts,
  numberFlag,
  percentile,
  printTables,
  progressTo,
  requireBuild,
  round,
} from './lib.js';
import { answerProfileRequests, WARM_PATH_GROUPS } from './profile.js';

const self = fileURLToPath(import.meta.url);

const { values: flags } = parseArgs({
  options: {
    serve: { type: 'string' },
    state: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '1' },
    cold: { type: 'string', default: '1000' },
    registered: { type: 'string', default: '10000' },
    timeout: { type: 'string', default: '100' },
    profile: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

// ---- children ------------------------------------------------------------------------------

/** The bare server's fixed answer: what the pipeline answers, byte for byte in size and type. */
const BARE_BODY = Buffer.from('{"predictions":[{"score":437312.4531064651}]}');

if (flags.serve === 'bare') {
  const server = createServer((req, res) => {
    // Read the body as any real server would (wrk sends one), then answer.
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(BARE_BODY.length) });
      res.end(BARE_BODY);
    });
  });
  server.keepAliveTimeout = 5_000;
  answerProfileRequests();
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
} else if (flags.serve === 'cloud') {
  const { openLocalCloud } = await load('local/cloud.js');
  const cloud = await openLocalCloud({ stateDir: flags.state, port: 0, hosting: { modelOverheadBytes: 0 } });
  process.on('message', (m) => {
    if (m === 'memory') {
      for (let i = 0; i < 4; i++) globalThis.gc?.();
      process.send({ memory: process.memoryUsage() });
    }
  });
  answerProfileRequests();
  process.on('disconnect', () => void cloud.close().finally(() => process.exit(0)));
  process.send({ port: cloud.port, endpoint: cloud.endpoint, region: cloud.region, account: cloud.account });
} else {
  await main();
}

// ---- driver --------------------------------------------------------------------------------

async function main() {
  requireBuild('local/cloud.js');
  const int = (name, min) => numberFlag(flags, name, min);
  const duration = int('duration', 1);
  const connections = int('connections', 1);
  const rounds = int('rounds', 1);
  const coldCount = int('cold', 0);
  const registeredCount = Math.max(int('registered', 0), coldCount);
  const progress = progressTo('invoke bench');
  /** The percentile `p` of unsorted `xs`; NaN for none. */
  const percentileOf = (xs, p) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      p,
    ) ?? NaN;

  const cleanups = guardedCleanups('invoke bench', int('timeout', 1));
  const cleanup = cleanups.run;

  if (spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error) {
    console.error('invoke bench: wrk is not installed (apt-get install wrk)');
    process.exit(2);
  }

  const work = await mkdtemp(join(tmpdir(), 'mme-bench-invoke-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));

  /** A child on its own event loop; resolves with its first IPC message. */
  const child = (args, nodeArgs = []) =>
    new Promise((resolve, reject) => {
      const c = spawn(process.execPath, [...nodeArgs, self, ...args], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      cleanups.push(async () => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise((done) => c.once('exit', done));
        c.disconnect(); // the child closes itself on disconnect
        const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      });
      c.once('message', (m) => resolve({ process: c, ...m }));
      c.once('error', reject);
      c.once('exit', (code) => reject(new Error(`child ${args.join(' ')} exited with ${code}`)));
    });

  try {
    const [bare, cloud] = await Promise.all([
      child(['--serve', 'bare'], flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(flags.profile, 'bare')}`] : []),
      child(
        ['--serve', 'cloud', '--state', join(work, 'state')],
        ['--expose-gc', ...(flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${flags.profile}`] : [])],
      ),
    ]);
    progress(`bare server on ${bare.port}, local cloud on ${cloud.port}`);
    /** Send a child one message; resolves with its answer. */
    const ask = (c, message) =>
      new Promise((resolve) => {
        c.process.once('message', resolve);
        c.process.send(message);
      });
    const memory = async () => (await ask(cloud, 'memory')).memory;

    // ---- setup through the SDK (not timed) ----
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const { S3Client, CreateBucketCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
    const { SageMakerClient } = await import('@aws-sdk/client-sagemaker');
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const credentials = { accessKeyId: cloud.account.accessKeyId, secretAccessKey: cloud.account.secretAccessKey };
    const config = { endpoint: cloud.endpoint, region: cloud.region, credentials };
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    const sm = new SageMakerClient(config);
    cleanups.push(async () => (s3.destroy(), sm.destroy()));

    const fixtures = await makeHousingArtifacts([250, 140, 180]);
    const bucket = 'mme-bench';
    const prefix = 'DEMO_MME_LINEAR_LEARNER/multi_model_artifacts/';
    const preKey = 'sklearn/output/model.tar.gz';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: preKey, Body: fixtures.preprocessorTar }));
    const warmTarget = 'NewYork_NY/NewYork_NY.tar.gz';
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + warmTarget, Body: fixtures.cityTar(250) }));
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${prefix}Chicago_IL/Chicago_IL.tar.gz`,
        Body: fixtures.cityTar(140),
      }),
    );
    const coldTargets = Array.from({ length: coldCount }, (_, i) => `cold/m${String(i).padStart(5, '0')}.tar.gz`);
    progress(`uploading ${coldCount} copies of a linear model for the cold invokes`);
    // Registered but never invoked: they only sit in the object store under the prefix.
    const idleTargets = Array.from(
      { length: registeredCount - coldCount },
      (_, i) => `idle/m${String(i).padStart(5, '0')}.tar.gz`,
    );
    if (idleTargets.length) progress(`and ${idleTargets.length} more that are registered but never invoked`);
    const coldBody = fixtures.cityTar(180);
    await bounded([...coldTargets, ...idleTargets], 16, (key) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + key, Body: coldBody })),
    );
    await createPipelineEndpoint(sm, {
      accountId: cloud.account.accountId,
      bucket,
      preprocessorKey: preKey,
      prefix,
      model: 'housing-pipeline',
      config: 'housing-config',
      endpoint: 'housing',
      instanceType: 'ml.m5.4xlarge',
      maxWaitTime: 30,
    });
    progress('endpoint housing is InService');
    // The same pipeline in front of XGBoost: a 100-tree model (depth 6) on the same features.
    const xgbPrefix = 'DEMO_MME_LINEAR_LEARNER/xgboost/multi_model_artifacts/';
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: xgbPrefix + warmTarget, Body: await fixtures.xgboostTar(100) }),
    );
    await createPipelineEndpoint(sm, {
      accountId: cloud.account.accountId,
      bucket,
      preprocessorKey: preKey,
      prefix: xgbPrefix,
      model: 'housing-xgb-pipeline',
      config: 'housing-xgb-config',
      endpoint: 'housing-xgb',
      instanceType: 'ml.m5.4xlarge',
      maxWaitTime: 30,
      image: XGBOOST_IMAGE,
      preprocessorAccept: 'text/csv',
    });
    progress('endpoint housing-xgb is InService');

    // ---- signing, as the JS SDK signs InvokeEndpoint ----
    const { Sha256 } = await load('signing/sha256.js');
    const signer = new SignatureV4({
      credentials,
      region: cloud.region,
      service: 'sagemaker',
      sha256: Sha256,
      uriEscapePath: true,
    });
    const ROW = '2005,2500,4,2.5,1.1,2,y,n';
    const pathOf = (endpoint) => `/endpoints/${endpoint}/invocations`;
    const path = pathOf('housing');
    let invocationId = 0;
    const sign = async (port, targetModel, endpointPath = path) => {
      const headers = {
        host: `127.0.0.1:${port}`,
        'content-type': 'text/csv',
        'content-length': String(Buffer.byteLength(ROW)),
        'x-amzn-sagemaker-target-model': targetModel,
        'x-amz-content-sha256': createHash('sha256').update(ROW).digest('hex'),
        'x-amz-user-agent': 'aws-sdk-js/3.940.0',
        'amz-sdk-invocation-id': `00000000-0000-4000-8000-${String(++invocationId).padStart(12, '0')}`,
        'amz-sdk-request': 'attempt=1; max=3',
      };
      const signed = await signer.sign({
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port,
        path: endpointPath,
        query: {},
        headers,
        body: ROW,
      });
      return signed.headers;
    };

    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    const send = (port, headers, endpointPath = path) =>
      new Promise((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, method: 'POST', path: endpointPath, headers, agent },
          (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(ROW);
      });

    const warmHeaders = await sign(cloud.port, warmTarget);
    const first = await send(cloud.port, warmHeaders);
    if (first.status !== 200 || !/"predictions":\[\{"score":/.test(first.body))
      throw new Error(`the signed invoke answered ${first.status}: ${first.body}`);
    for (let i = 0; i < 200; i++) await send(cloud.port, warmHeaders);
    progress(`signed invoke answers ${first.body}`);
    const xgbPath = pathOf('housing-xgb');
    const xgbHeaders = await sign(cloud.port, warmTarget, xgbPath);
    const xgbFirst = await send(cloud.port, xgbHeaders, xgbPath);
    // The XGBoost multi-model handler's JSON: a bare array.
    if (xgbFirst.status !== 200 || !/^\[[\d.e+-]+\]$/.test(xgbFirst.body))
      throw new Error(`the signed XGBoost invoke answered ${xgbFirst.status}: ${xgbFirst.body}`);
    for (let i = 0; i < 200; i++) await send(cloud.port, xgbHeaders, xgbPath);
    progress(`signed XGBoost invoke answers ${xgbFirst.body}`);

    // ---- warm: wrk against both, alternately ----
    const lua = (headers) => `
wrk.method = "POST"
wrk.body = ${JSON.stringify(ROW)}
${Object.entries(headers)
  .filter(([k]) => k.toLowerCase() !== 'content-length')
  .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(String(v))}`)
  .join('\n')}
done = function(summary, latency, requests)
  io.write(string.format('WRKJSON {"requests":%d,"durationUs":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%f}\\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
`;
    // The same request bytes go to both servers (the bare one ignores them). wrk adds
    // Content-Length itself (the signed value: same body).
    const scripts = {};
    for (const [name, port, headers, urlPath] of [
      ['bare', bare.port, warmHeaders, path],
      ['cloud', cloud.port, warmHeaders, path],
      ['xgboost', cloud.port, xgbHeaders, xgbPath],
    ]) {
      scripts[name] = { port, path: urlPath, file: join(work, `${name}.lua`) };
      await writeFile(scripts[name].file, lua({ ...headers, host: `127.0.0.1:${cloud.port}` }));
    }
    const wrk = (name, seconds) =>
      new Promise((resolve, reject) => {
        const { port, file, path: urlPath } = scripts[name];
        const p = spawn(
          'wrk',
          [
            '-t1',
            `-c${connections}`,
            `-d${seconds}s`,
            '--timeout',
            '5s',
            '-s',
            file,
            `http://127.0.0.1:${port}${urlPath}`,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        p.stdout.setEncoding('utf8').on('data', (c) => (out += c));
        p.stderr.setEncoding('utf8').on('data', (c) => (out += c));
        cleanups.push(async () => p.exitCode === null && p.kill('SIGKILL'));
        p.on('error', reject);
        p.on('close', (code) => {
          const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
          if (code !== 0 || !line) return reject(new Error(`wrk on ${name} exited ${code}: ${out}`));
          const r = JSON.parse(line.slice(8));
          const errors = r.status + r.connect + r.read + r.write + r.timeout;
          if (errors > 0) return reject(new Error(`wrk on ${name}: ${errors} failed requests (${JSON.stringify(r)})`));
          resolve({
            requestsPerSecond: (r.requests * 1e6) / r.durationUs,
            requests: r.requests,
            p50Ms: r.p50 / 1000,
            p90Ms: r.p90 / 1000,
            p99Ms: r.p99 / 1000,
            maxMs: r.max / 1000,
          });
        });
      });

    progress('warming both servers (2 s each)');
    await wrk('bare', 2);
    await wrk('cloud', 2);
    await wrk('xgboost', 2);
    const runs = { bare: [], cloud: [], xgboost: [] };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ['bare', 'cloud', 'xgboost'] : ['xgboost', 'cloud', 'bare'];
      for (const name of order) {
        progress(`wrk -t1 -c${connections} -d${duration}s against ${name} (round ${r + 1} of ${rounds})`);
        runs[name].push(await wrk(name, duration));
      }
    }
    const summarise = (list) => {
      const requests = list.reduce((n, x) => n + x.requests, 0);
      const seconds = list.reduce((n, x) => n + x.requests / x.requestsPerSecond, 0);
      // Latency percentiles: the median over rounds (wrk keeps no mergeable histogram).
      const med = (k) =>
        percentileOf(
          list.map((x) => x[k]),
          50,
        );
      return {
        requestsPerSecond: Math.round(requests / seconds),
        p50Ms: round(med('p50Ms'), 3),
        p90Ms: round(med('p90Ms'), 3),
        p99Ms: round(med('p99Ms'), 3),
        requests,
      };
    };
    const warm = { bare: summarise(runs.bare), cloud: summarise(runs.cloud) };
    warm.ratio = round(warm.cloud.requestsPerSecond / warm.bare.requestsPerSecond, 3);
    // Single-row scoring of a 100-tree XGBoost model behind the same preprocessor, against the
    // linear learner's pipeline in the same run (goal: within 10% of its throughput).
    warm.xgboost = summarise(runs.xgboost);
    warm.xgboostVsLinear = round(warm.xgboost.requestsPerSecond / warm.cloud.requestsPerSecond, 3);

    // ---- where a warm request's CPU goes: one profiled window of each server (bench/profile.js) ----
    const profiles = {};
    for (const [name, c] of [
      ['bare', bare],
      ['cloud', cloud],
      ['xgboost', cloud],
    ]) {
      progress(`profiling ${name}: wrk -d${duration}s with the CPU profiler on`);
      await ask(c, 'profile-start');
      const { requests } = await wrk(name, duration);
      const { profile } = await ask(c, 'profile-stop');
      profiles[name] = Object.fromEntries(
        Object.entries(profile).map(([group, us]) => [group, round(us / requests, 2)]),
      );
    }
    const busy = (p) =>
      round(
        WARM_PATH_GROUPS.reduce((n, g) => n + (p[g] ?? 0), 0),
        1,
      );
    warm.microsecondsPerRequest = profiles;

    // ---- cold: each copy invoked once, signed just before it is sent ----
    let cold;
    if (coldCount > 0) {
      progress(`cold invokes: ${coldCount} models, each invoked once`);
      const before = await memory();
      const coldMs = [];
      const warmMs = [];
      for (const target of coldTargets) {
        const headers = await sign(cloud.port, target);
        const t0 = performance.now();
        const res = await send(cloud.port, headers);
        coldMs.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`cold invoke of ${target} answered ${res.status}: ${res.body}`);
        if (warmMs.length < 200 && coldMs.length % Math.max(1, Math.floor(coldCount / 200)) === 0) {
          const h = await sign(cloud.port, warmTarget);
          const t1 = performance.now();
          await send(cloud.port, h);
          warmMs.push(performance.now() - t1);
        }
      }
      const after = await memory();
      cold = {
        models: coldCount,
        registered: registeredCount,
        rssMiB: round(after.rss / 2 ** 20, 1),
        p50Ms: round(percentileOf(coldMs, 50), 3),
        p90Ms: round(percentileOf(coldMs, 90), 3),
        p99Ms: round(percentileOf(coldMs, 99), 3),
        warmSameClientP50Ms: round(percentileOf(warmMs, 50), 3),
        memoryPerModelBytes: {
          rss: Math.round((after.rss - before.rss) / coldCount),
          heapUsed: Math.round((after.heapUsed - before.heapUsed) / coldCount),
          external: Math.round(
            (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / coldCount,
          ),
        },
      };
    }

    const result = {
      benchmark: 'invoke',
      cpus: availableParallelism(),
      load: `wrk -t1 -c${connections} -d${duration}s, ${rounds} round(s), one pre-signed InvokeEndpoint replayed`,
      warm,
      target: {
        goal: 'cloud ≥ 0.5 × bare req/s',
        met: warm.ratio >= 0.5,
        coldGoal: 'cold p50 ≤ 10 ms',
        coldMet: cold ? cold.p50Ms <= 10 : undefined,
        xgboostGoal: 'XGBoost (100 trees) ≥ 0.9 × linear learner req/s',
        xgboostMet: warm.xgboostVsLinear >= 0.9,
      },
      cold,
      tables: [
        {
          title: `Warm InvokeEndpoint (preprocessor → MultiModel linear learner, SigV4-signed, wrk -t1 -c${connections} -d${duration}s × ${rounds}) vs a bare node:http server, same run`,
          columns: ['server', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', '× bare'],
          rows: [
            [
              'bare node:http, fixed JSON',
              warm.bare.requestsPerSecond,
              warm.bare.p50Ms,
              warm.bare.p90Ms,
              warm.bare.p99Ms,
              1,
            ],
            [
              'local cloud, full pipeline',
              warm.cloud.requestsPerSecond,
              warm.cloud.p50Ms,
              warm.cloud.p90Ms,
              warm.cloud.p99Ms,
              warm.ratio,
            ],
            [
              'local cloud, preprocessor → MultiModel XGBoost (100 trees, depth 6)',
              warm.xgboost.requestsPerSecond,
              warm.xgboost.p50Ms,
              warm.xgboost.p90Ms,
              warm.xgboost.p99Ms,
              round(warm.xgboost.requestsPerSecond / warm.bare.requestsPerSecond, 3),
            ],
          ],
        },
        {
          title: `Where a warm request's CPU goes: µs per request by group, from a CPU profile (100 µs sampling) of one more wrk -d${duration}s window of each server; idle time left out`,
          columns: ['group', 'bare node:http', 'local cloud', 'local cloud − bare', 'local cloud, XGBoost'],
          rows: [
            ...WARM_PATH_GROUPS.map((g) => [
              g,
              profiles.bare[g] ?? 0,
              profiles.cloud[g] ?? 0,
              round((profiles.cloud[g] ?? 0) - (profiles.bare[g] ?? 0), 2),
              profiles.xgboost[g] ?? 0,
            ]),
            [
              'busy, all groups',
              busy(profiles.bare),
              busy(profiles.cloud),
              round(busy(profiles.cloud) - busy(profiles.bare), 1),
              busy(profiles.xgboost),
            ],
          ],
        },
        ...(cold
          ? [
              {
                title: `Cold InvokeEndpoint: ${cold.models} distinct models, each invoked once (object store → disk → memory), one client`,
                columns: ['what', 'value'],
                rows: [
                  ['cold p50 / p90 / p99 ms', `${cold.p50Ms} / ${cold.p90Ms} / ${cold.p99Ms}`],
                  ['warm p50 ms, same client, interleaved', cold.warmSameClientP50Ms],
                  ['memory per loaded model: RSS bytes', cold.memoryPerModelBytes.rss],
                  ['memory per loaded model: heapUsed bytes', cold.memoryPerModelBytes.heapUsed],
                  ['memory per loaded model: external + arrayBuffers bytes', cold.memoryPerModelBytes.external],
                  [`local cloud RSS, ${cold.registered} models registered, ${cold.models} resident: MiB`, cold.rssMiB],
                ],
              },
            ]
          : []),
      ],
      summary:
        `warm: ${warm.cloud.requestsPerSecond} req/s vs bare ${warm.bare.requestsPerSecond} req/s = ${warm.ratio} (target ≥ 0.5: ${warm.ratio >= 0.5 ? 'met' : 'NOT met'}); XGBoost 100 trees ${warm.xgboost.requestsPerSecond} req/s = ${warm.xgboostVsLinear} × linear learner (target ≥ 0.9: ${warm.xgboostVsLinear >= 0.9 ? 'met' : 'NOT met'})` +
        (cold ? `; cold p50 ${cold.p50Ms} ms (target ≤ 10 ms: ${cold.p50Ms <= 10 ? 'met' : 'NOT met'})` : ''),
    };
    if (flags.json) {
      console.log(JSON.stringify(result));
    } else {
      printTables(result.tables);
      console.log(`\n${result.summary}`);
    }
  } finally {
    await cleanup();
  }
}
