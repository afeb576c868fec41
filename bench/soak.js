#!/usr/bin/env node
// Soak (issue "The whole journey", item 4): the local cloud DAEMON under sustained mixed load for
// a bounded time, SIGKILLed once and restarted on the same state dir while the load goes on, then
// checked: nothing acknowledged is lost, nothing stored is torn, the endpoint serves again.
//
//   1. Setup, through the real SDK clients, against a daemon started as `mme` starts it
//      (dist/local/daemon.js startLocalCloud on a temp state dir, loopback only): a bucket; a
//      fitted preprocessor and two tiny linear learners (trained here with the pure algorithms
//      and packed as model.tar.gz, as test/hosting does), copied (CopyObject) to --models
//      TargetModels under a MultiModel prefix, `{City}/{City}_{n}.tar.gz`; a pipeline endpoint
//      (preprocessor → MultiModel linear learner) on ml.t2.medium, whose 4 GiB (80% for models,
//      108 MiB accounted per loaded model) holds about 30 models, so rotating through 48 evicts;
//      a role that may invoke only Houston_TX/* (the policy `mme grant` writes), assumed with STS.
//   2. Load for --seconds, --concurrency requests in flight, mixed by kind:
//        warm       admin, one of 3 hot models, a valid row             → 200 and a prediction
//        cold       admin, rotating through every other model (evicts) → 200 and a prediction
//        scoped     the role, a Houston_TX/* model                      → 200 and a prediction
//        denied     the role, a model outside Houston_TX/*              → AccessDeniedException (expected)
//        malformed  admin, a row with 7 columns                         → ModelError 424 (expected)
//        s3-put     PutObject, random size and bytes, to one of --keys keys; the ledger keeps
//                   key → sha256 of what was ACKNOWLEDGED (ETag checked against md5)
//        s3-get     GetObject of a ledger key; the bytes must hash to the ledger's
//      One operation per S3 key at a time, so the ledger knows which version must be there.
//   3. At --kill-at (default a third of the run) the daemon is SIGKILLed and started again on the
//      same state dir (it keeps its port when free); the load goes on. A request refused or cut
//      between the kill and the restart (+2 s) is a `connection` error, its own kind; elsewhere it
//      is unexpected. A PUT cut by the kill leaves its key "in flight at the kill": the next read
//      decides whether the old or the new version survived (either is fine; anything else is torn).
//   4. Every 2 s the daemon's RSS (VmRSS of /proc/{pid}/status), across the restart.
//   5. Verification: every ledger key reads back with the acknowledged sha256 (or, if a PUT was cut
//      by the kill, the old or the new one); ListObjectsV2 over the bucket and GetObject of each:
//      size = Size and md5 = ETag (all single PUTs or copies of them); every endpoint InService;
//      a valid invocation answers, as the admin user and as the role; the daemon log has no internal errors.
//      (admin: the local cloud's default credentials, the IAM user mme-admin; the root may not assume roles.)
//   6. Report: requests by kind, errors by kind (expected / connection / unexpected), p50/p99 per
//      kind, requests/s, restart times, RSS over time, cache figures, the verification.
//
// Exit 1 if verification fails or unexpected errors exceed --max-unexpected (a fraction of all
// requests, default 0.001); 2 on bad flags or no build; 3 if the watchdog fires; 130 on Ctrl-C.
// The temp state dir and every daemon started are removed on success, failure, the watchdog and
// Ctrl-C alike (--keep-state keeps the dir and prints it, to look at after a failure).
// `--json` prints one document with `tables` (as bench/train.js) on stdout; progress on stderr.
//
//   node bench/soak.js [--seconds 60] [--concurrency 16] [--models 48] [--keys 200]
//                      [--kill-at S (0: no kill)] [--seed 1] [--max-unexpected 0.001]
//                      [--timeout S] [--keep-state] [--json]
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bounded,
  built,
  cleanupStack,
  createPipelineEndpoint,
  load,
  makeHousingArtifacts,
  numberFlag,
  percentile,
  printTables,
  progressTo,
  requireBuild,
  round as roundTo,
  startWatchdog,
} from './lib.js';

requireBuild('local/daemon.js', 'local/main.js');

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '16' },
    models: { type: 'string', default: '48' },
    keys: { type: 'string', default: '200' },
    'kill-at': { type: 'string' },
    seed: { type: 'string', default: '1' },
    'max-unexpected': { type: 'string', default: '0.001' },
    timeout: { type: 'string' },
    'keep-state': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const number = (name, min, options) => numberFlag(flags, name, min, options);
const durationS = number('seconds', 5);
const concurrency = number('concurrency', 1);
const modelCount = number('models', 8);
const keyCount = number('keys', 1);
const killAtS = number('kill-at', 0, { integer: false, fallback: String(Math.round(durationS / 3)) });
const seed = number('seed', 0);
const maxUnexpected = number('max-unexpected', 0, { integer: false });
const timeoutS = number('timeout', 1, { fallback: String(durationS + 240) });
if (killAtS >= durationS) {
  console.error(`--kill-at (${killAtS}) must be before the end of the run (--seconds ${durationS}); 0 for no kill`);
  process.exit(2);
}

const progress = progressTo('soak');
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, places = 1) => roundTo(x, places);
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const md5 = (b) => createHash('md5').update(b).digest('hex');

/** mulberry32: the mix of kinds and models is reproducible with --seed (the S3 bytes are random). */
function rng(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(seed);
const pick = (xs) => xs[Math.floor(random() * xs.length)];

// ---- cleanup: success, failure, watchdog and Ctrl-C alike ---------------------------------------

const cleanups = cleanupStack((err) => progress(`cleanup: ${err?.message ?? err}`));
const cleanup = cleanups.run;
startWatchdog(timeoutS, `soak: gave up after --timeout ${timeoutS} s (a hang?)`, cleanup);
// A failure anywhere (setup included) still removes the state dir and the daemons. `on`, not
// `once`: proper-lockfile (startLocalCloud's lock) loads signal-exit, which re-raises a signal
// when no other listener is left, and would kill this process in the middle of its cleanup.
let stopping = false;
const stop = (why, code) => async (err) => {
  if (stopping) return;
  stopping = true;
  progress(
    err instanceof Error || code === 1
      ? `failed: ${err?.stack ?? err}${err?.hint ? `\n${err.hint}` : ''}`
      : `${why}: cleaning up`,
  );
  await cleanup();
  process.exit(code);
};
process.on('uncaughtException', stop('uncaughtException', 1));
process.on('unhandledRejection', stop('unhandledRejection', 1));
process.on('SIGINT', stop('SIGINT', 130));
process.on('SIGTERM', stop('SIGTERM', 143));

const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};
async function waitDead(pid, ms) {
  const deadline = now() + ms;
  while (isAlive(pid) && now() < deadline) await sleep(5);
  return !isAlive(pid);
}

// ---- the daemon --------------------------------------------------------------------------------

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { startLocalCloud, stopLocalCloud } = await load('local/daemon.js');
const { invokePolicy, trustPolicy, endpointArn, documentText } = await load('workflow/grant-policies.js');
// The local status extension's client (it moved from workflow/status.js to aws/local-extension.js).
const { localEndpointStatus } = built('aws/local-extension.js')
  ? await load('aws/local-extension.js')
  : await load('workflow/status.js');
const S3 = await import('@aws-sdk/client-s3');
const SM = await import('@aws-sdk/client-sagemaker');
const { SageMakerRuntimeClient, InvokeEndpointCommand } = await import('@aws-sdk/client-sagemaker-runtime');
const { IAMClient, CreateRoleCommand, PutRolePolicyCommand } = await import('@aws-sdk/client-iam');
const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');

const stateDir = await mkdtemp(join(tmpdir(), 'mme-soak-'));
cleanups.push(async () => {
  if (flags['keep-state']) return progress(`state kept in ${stateDir}`);
  await rm(stateDir, { recursive: true, force: true });
});
/** Every daemon this run started: each one is gone when the run ends. */
const daemonPids = new Set();
/** A start in progress (Ctrl-C may come in the middle of the restart): cleanup waits for it. */
let starting;
function start(timeoutMs) {
  // Once cleanup has begun (Ctrl-C during the kill), no daemon may start behind its back.
  if (cleanups.started) return Promise.reject(new Error('stopping: no restart'));
  starting = startLocalCloud(stateDir, { timeoutMs });
  return starting.then((info) => {
    daemonPids.add(info.pid);
    return info;
  });
}
cleanups.push(async () => {
  // startLocalCloud kills its child itself when it gives up (60 s at most).
  if (starting) await Promise.race([starting.catch(() => undefined), sleep(65_000)]);
  for (const pid of daemonPids) {
    if (!isAlive(pid)) continue;
    process.kill(pid, 'SIGTERM');
    if (!(await waitDead(pid, 5_000))) {
      process.kill(pid, 'SIGKILL');
      await waitDead(pid, 2_000);
    }
  }
});

let daemon = await start(30_000);
const firstPort = daemon.port;
progress(`daemon ${daemon.pid} on ${daemon.endpoint} (state ${stateDir})`);

/** A request that neither answers nor fails within this is a hang (an unexpected error). */
const HANG_MS = 20_000;

function makeClients(info, roleCredentials) {
  const base = {
    endpoint: info.endpoint,
    region: info.region,
    maxAttempts: 1,
    credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
  };
  const c = {
    endpoint: info.endpoint,
    connection: { endpoint: info.endpoint, region: info.region, credentials: base.credentials },
    s3: new S3.S3Client({ ...base, forcePathStyle: true }),
    sm: new SM.SageMakerClient(base),
    runtime: new SageMakerRuntimeClient(base),
    iam: new IAMClient(base),
    sts: new STSClient(base),
    roleRuntime: roleCredentials ? new SageMakerRuntimeClient({ ...base, credentials: roleCredentials }) : undefined,
  };
  c.destroy = () => {
    for (const client of [c.s3, c.sm, c.runtime, c.iam, c.sts, c.roleRuntime]) client?.destroy();
  };
  return c;
}
let clients = makeClients(daemon);
cleanups.push(async () => clients.destroy());

// ---- setup (not timed) -------------------------------------------------------------------------

const BUCKET = 'mme-soak';
const PREFIX = 'DEMO_MME_LINEAR_LEARNER/multi_model_artifacts/';
const PRE_KEY = 'sklearn/output/model.tar.gz';
const ENDPOINT = 'soak-mme-endpoint';
const INSTANCE_TYPE = 'ml.t2.medium';
const ALLOWED = 'Houston_TX';
const ROLE = `mme-soak-invoke-${ALLOWED}`;
const CITIES = [
  'NewYork_NY',
  'Chicago_IL',
  'Houston_TX',
  'Phoenix_AZ',
  'Seattle_WA',
  'Denver_CO',
  'Boston_MA',
  'Miami_FL',
];

const setupStart = now();
// A fitted preprocessor and two linear learners trained on small synthetic housing data, packed.
const LEARNERS_PER_SQFT = [250, 140];
const artifacts = await makeHousingArtifacts(LEARNERS_PER_SQFT);
await clients.s3.send(new S3.CreateBucketCommand({ Bucket: BUCKET }));
await clients.s3.send(new S3.PutObjectCommand({ Bucket: BUCKET, Key: PRE_KEY, Body: artifacts.preprocessorTar }));
const trainedKeys = LEARNERS_PER_SQFT.map((_, i) => `linear-learner/output/trained-${i}/model.tar.gz`);
for (const [i, key] of trainedKeys.entries())
  await clients.s3.send(
    new S3.PutObjectCommand({ Bucket: BUCKET, Key: key, Body: artifacts.cityTar(LEARNERS_PER_SQFT[i]) }),
  );
const models = Array.from({ length: modelCount }, (_, i) => {
  const city = CITIES[i % CITIES.length];
  return `${city}/${city}_${Math.floor(i / CITIES.length)}.tar.gz`;
});
await bounded(models, 8, (target, i) =>
  clients.s3.send(
    new S3.CopyObjectCommand({
      Bucket: BUCKET,
      Key: PREFIX + target,
      CopySource: `${BUCKET}/${trainedKeys[i % trainedKeys.length]}`,
    }),
  ),
);
const hot = models.filter((m) => !m.startsWith(`${ALLOWED}/`)).slice(0, 3);
const cold = models.filter((m) => !hot.includes(m));
const allowed = models.filter((m) => m.startsWith(`${ALLOWED}/`));
const forbidden = models.filter((m) => !m.startsWith(`${ALLOWED}/`));

const accountId = daemon.accountId;
await createPipelineEndpoint(clients.sm, {
  accountId,
  bucket: BUCKET,
  preprocessorKey: PRE_KEY,
  prefix: PREFIX,
  model: 'soak-pipeline',
  config: 'soak-config',
  endpoint: ENDPOINT,
  instanceType: INSTANCE_TYPE,
  maxWaitTime: 60,
});

// The role `mme grant --prefix Houston_TX` would make: InvokeEndpoint on this endpoint, TargetModel Houston_TX/*.
const roleArn = (
  await clients.iam.send(
    new CreateRoleCommand({
      RoleName: ROLE,
      AssumeRolePolicyDocument: documentText(trustPolicy(`arn:aws:iam::${accountId}:root`)),
      MaxSessionDuration: 3600,
    }),
  )
).Role.Arn;
await clients.iam.send(
  new PutRolePolicyCommand({
    RoleName: ROLE,
    PolicyName: `${ROLE}-policy`,
    PolicyDocument: documentText(invokePolicy(endpointArn('aws', daemon.region, accountId, ENDPOINT), [ALLOWED])),
  }),
);
let roleSession;
async function assumeRole() {
  const { Credentials: c } = await clients.sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'soak', DurationSeconds: 3600 }),
  );
  roleSession = {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
  clients.roleRuntime?.destroy();
  clients.roleRuntime = new SageMakerRuntimeClient({
    endpoint: clients.endpoint,
    region: daemon.region,
    maxAttempts: 1,
    credentials: roleSession,
  });
}
await assumeRole();
progress(
  `setup in ${round((now() - setupStart) / 1000)} s: ${models.length} models (${hot.length} hot, ${cold.length} cold, ${allowed.length} under ${ALLOWED}/), endpoint ${ENDPOINT} on ${INSTANCE_TYPE}, role ${ROLE}`,
);

// ---- the load ----------------------------------------------------------------------------------

const KINDS = ['warm', 'cold', 'scoped', 'denied', 'malformed', 's3-put', 's3-get'];
const WEIGHTS = { warm: 30, cold: 20, scoped: 8, denied: 10, malformed: 6, 's3-put': 13, 's3-get': 13 };
const totalWeight = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
function chooseKind() {
  let x = random() * totalWeight;
  for (const k of KINDS) if ((x -= WEIGHTS[k]) < 0) return k;
  return KINDS[0];
}

const stats = Object.fromEntries(
  KINDS.map((k) => [k, { sent: 0, ok: 0, expected: {}, connection: 0, unexpected: {}, latencies: [] }]),
);
const unexpectedSamples = [];
const timeline = {
  start: 0,
  end: 0,
  killAt: undefined,
  deadAt: undefined,
  upAt: undefined,
  inServiceAt: undefined,
  firstInvokeAfterKill: undefined,
  firstS3AfterKill: undefined,
};
let restartError;
let restartedPortKept;
/** Large PUTs (4-32 MiB) sent just before the kill, so that some are caught in flight. */
const BIG_PUTS_AT_KILL = 6;
/** The grace after the restart during which refused/cut connections still count as the outage. */
const OUTAGE_GRACE_MS = 2_000;
const inOutage = (startedAt, endedAt) =>
  timeline.killAt !== undefined &&
  endedAt >= timeline.killAt &&
  (timeline.upAt === undefined || startedAt < timeline.upAt + OUTAGE_GRACE_MS);
const completed = { beforeKill: 0, afterRestart: 0 };
/** Requests in flight when the daemon was killed (they failed with a reset), by kind. */
const cutAtKill = {};
let inFlight = 0;
/** Requests served (as expected), all kinds: the throughput series. */
let served = 0;
/** Of the requests in flight at the kill: answered anyway (the answer was already on its way), cut, other. */
const atKill = { inFlight: 0, answered: 0, cut: 0, other: 0 };

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ENOTCONN', 'UND_ERR_SOCKET']);
class Hang extends Error {
  name = 'Hang';
}
/** 'connection' | 'hang' | the AWS error's name (with its HTTP status). */
function classify(err) {
  if (err instanceof Hang || err?.name === 'AbortError')
    return { kind: 'hang', name: `no answer in ${HANG_MS / 1000} s` };
  const code = err?.code ?? err?.cause?.code;
  if (CONNECTION_CODES.has(code) || /socket hang up|ECONNRESET|ECONNREFUSED/.test(String(err?.message)))
    return { kind: 'connection', name: code ?? 'socket hang up' };
  const status = err?.$metadata?.httpStatusCode;
  return { kind: 'aws', name: `${err?.name ?? 'Error'}${status ? ` (${status})` : ''}`, status };
}
const count = (table, name) => (table[name] = (table[name] ?? 0) + 1);

/** Send with a deadline: a hang becomes an error instead of a stuck worker. */
async function send(client, command, fn = (r) => r) {
  const ac = new AbortController();
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new Hang(`no answer in ${HANG_MS} ms`));
    }, HANG_MS);
  });
  try {
    return await Promise.race([client.send(command, { abortSignal: ac.signal }).then(fn), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const randomRow = () =>
  [
    1950 + Math.floor(random() * 70),
    900 + Math.floor(random() * 3000),
    1 + Math.floor(random() * 5),
    1 + Math.floor(random() * 6) / 2,
    round(0.1 + random() * 2, 2),
    Math.floor(random() * 4),
    random() < 0.5 ? 'y' : 'n',
    random() < 0.5 ? 'y' : 'n',
  ].join(',');
const malformedRow = () =>
  randomRow()
    .split(',')
    .slice(0, random() < 0.8 ? 7 : 5)
    .join(',');

async function invoke(runtime, targetModel, body) {
  return send(
    runtime,
    new InvokeEndpointCommand({
      EndpointName: ENDPOINT,
      TargetModel: targetModel,
      ContentType: 'text/csv',
      Accept: 'application/json',
      Body: body,
    }),
    (r) => {
      const text = Buffer.from(r.Body).toString('utf8');
      let score;
      try {
        score = JSON.parse(text).predictions?.[0]?.score;
      } catch {
        // checked below
      }
      if (typeof score !== 'number' || !Number.isFinite(score))
        throw Object.assign(new Error(`not a prediction: ${text.slice(0, 120)}`), { name: 'BadPrediction' });
      return score;
    },
  );
}

// The S3 ledger: key → what must be there. One operation per key at a time (`busy`), so the last
// acknowledged PUT is what the key holds, unless a PUT was cut (by the kill): then `candidates`
// holds the bytes it sent, and the next read says which version won.
const SOAK_PREFIX = 'soak/';
const ledger = new Map(
  Array.from({ length: keyCount }, (_, i) => [
    `${SOAK_PREFIX}obj-${String(i).padStart(4, '0')}`,
    { acked: undefined, ackedAt: undefined, candidates: [], history: [], busy: false },
  ]),
);
const ledgerKeys = [...ledger.keys()];
const s3Checks = {
  putEtagMismatch: 0,
  readsVerified: 0,
  survivedKillVerified: 0,
  cutByKill: 0,
  cutByKillResolved: { old: 0, new: 0 },
  cutElsewhere: 0,
  torn: [],
};

function randomSize() {
  const x = random();
  if (x < 0.05) return 0;
  if (x < 0.7) return Math.floor(random() * 16 * 1024);
  if (x < 0.95) return 16 * 1024 + Math.floor(random() * 240 * 1024);
  return 256 * 1024 + Math.floor(random() * 1792 * 1024);
}

/** Does `data` match what the ledger allows for `key`? Resolves a cut PUT. Returns an error name or undefined. */
function checkRead(key, entry, data) {
  const hash = data === undefined ? undefined : sha256(data);
  if (entry.candidates.length > 0) {
    const won = entry.candidates.find((c) => c.sha === hash);
    if (hash === entry.acked || won) {
      for (const c of entry.candidates) if (c.atKill) s3Checks.cutByKillResolved[won ? 'new' : 'old']++;
      if (won) {
        entry.acked = won.sha;
        entry.ackedAt = won.startedAt;
        entry.history.push(won.sha);
      }
      entry.candidates = [];
      return undefined;
    }
  } else if (hash === entry.acked) {
    if (timeline.upAt !== undefined && entry.ackedAt !== undefined && entry.ackedAt < timeline.killAt)
      s3Checks.survivedKillVerified++;
    return undefined;
  }
  const what =
    hash === undefined
      ? 'missing'
      : entry.history.includes(hash)
        ? 'an older acknowledged version'
        : 'unknown bytes (torn?)';
  s3Checks.torn.push({
    key,
    found: what,
    size: data?.length,
    expected: entry.acked,
    candidates: entry.candidates.map((c) => c.sha),
  });
  return 'LedgerMismatch';
}

async function readObject(key) {
  try {
    return await send(clients.s3, new S3.GetObjectCommand({ Bucket: BUCKET, Key: key }), async (r) =>
      Buffer.from(await r.Body.transformToByteArray()),
    );
  } catch (err) {
    if (err?.name === 'NoSuchKey') return undefined;
    throw err;
  }
}

/** One request of `kind`. Returns 'ok' | the expected error's name; throws anything else. */
async function request(kind) {
  switch (kind) {
    case 'warm':
      await invoke(clients.runtime, pick(hot), randomRow());
      return 'ok';
    case 'cold':
      await invoke(clients.runtime, cold[coldNext++ % cold.length], randomRow());
      return 'ok';
    case 'scoped':
      await invoke(clients.roleRuntime, pick(allowed), randomRow());
      return 'ok';
    case 'denied':
      try {
        await invoke(clients.roleRuntime, pick(forbidden), randomRow());
      } catch (err) {
        if (err?.name === 'AccessDeniedException' && err.$metadata?.httpStatusCode === 403)
          return 'AccessDeniedException';
        throw err;
      }
      throw Object.assign(new Error('the role invoked a model outside its prefix'), { name: 'NotDenied' });
    case 'malformed':
      try {
        await invoke(clients.runtime, pick(hot), malformedRow());
      } catch (err) {
        if (err?.name === 'ModelError' && err.$metadata?.httpStatusCode === 424) return 'ModelError';
        throw err;
      }
      throw Object.assign(new Error('a 7-column row was answered'), { name: 'MalformedAccepted' });
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}
let coldNext = 0;

/**
 * Which S3 request to send now: a GET of a key whose PUT was cut first (its read decides old or
 * new), else of any known key; a PUT to a key with nothing in flight and nothing undecided.
 * Undefined when every key is busy.
 */
function planS3(kind) {
  const free = ledgerKeys.filter((k) => !ledger.get(k).busy);
  if (kind === 's3-get') {
    const undecided = free.find((k) => ledger.get(k).candidates.length > 0);
    const known = free.filter((k) => ledger.get(k).acked !== undefined);
    const key = undecided ?? (known.length > 0 ? pick(known) : undefined);
    if (key) return { kind, key };
  }
  const writable = free.filter((k) => ledger.get(k).candidates.length === 0);
  return writable.length > 0 ? { kind: 's3-put', key: pick(writable) } : undefined;
}

/** One S3 request; it holds its key (`busy`) and keeps the ledger. */
async function s3Request(kind, key, startedAt, size = randomSize()) {
  const entry = ledger.get(key);
  entry.busy = true;
  try {
    if (kind === 's3-put') {
      const body = randomBytes(size);
      const sha = sha256(body);
      try {
        const r = await send(clients.s3, new S3.PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
        if (r.ETag !== `"${md5(body)}"`) {
          s3Checks.putEtagMismatch++;
          throw Object.assign(new Error(`ETag ${r.ETag} is not the md5 of the body`), { name: 'PutEtagMismatch' });
        }
        entry.acked = sha;
        entry.ackedAt = startedAt;
        entry.history.push(sha);
        entry.candidates = [];
      } catch (err) {
        // Not acknowledged: the store may hold the old bytes or these, never others. A refused
        // connection sent nothing, so it cannot have changed the key.
        if (classify(err).name !== 'ECONNREFUSED') {
          const atKill = timeline.killAt !== undefined && startedAt <= timeline.killAt;
          entry.candidates.push({ sha, atKill, startedAt });
          if (atKill) s3Checks.cutByKill++;
          else s3Checks.cutElsewhere++;
        }
        throw err;
      }
    } else {
      const data = await readObject(key);
      const problem = checkRead(key, entry, data);
      if (problem) throw Object.assign(new Error(`${key}: ${s3Checks.torn.at(-1).found}`), { name: problem });
      s3Checks.readsVerified++;
    }
    return 'ok';
  } finally {
    entry.busy = false;
  }
}

function record(kind, startedAt, outcome, err) {
  const endedAt = now();
  const s = stats[kind];
  s.sent++;
  if (err === undefined) {
    served++;
    if (outcome === 'ok') s.ok++;
    else count(s.expected, outcome);
    s.latencies.push(endedAt - startedAt);
    if (timeline.killAt === undefined) completed.beforeKill++;
    else if (timeline.inServiceAt !== undefined && startedAt >= timeline.inServiceAt) completed.afterRestart++;
    if (timeline.killAt !== undefined && startedAt >= timeline.killAt) {
      const first = kind.startsWith('s3') ? 'firstS3AfterKill' : 'firstInvokeAfterKill';
      if (timeline[first] === undefined || endedAt < timeline[first]) timeline[first] = endedAt;
    }
    return undefined;
  }
  const c = classify(err);
  if (c.kind === 'connection' && inOutage(startedAt, endedAt)) {
    s.connection++;
    if (startedAt <= timeline.killAt) cutAtKill[kind] = (cutAtKill[kind] ?? 0) + 1;
    return 'connection';
  }
  const name = c.kind === 'connection' ? `connection error outside the outage: ${c.name}` : c.name;
  count(s.unexpected, name);
  if (unexpectedSamples.length < 12)
    unexpectedSamples.push({
      kind,
      t: round((startedAt - timeline.start) / 1000, 2),
      error: name,
      message: String(err?.message ?? err).slice(0, 300),
    });
  return 'unexpected';
}

/** One request of `kind` (on `key` for S3), recorded. */
async function runOne(kind, key, size) {
  const startedAt = now();
  let outcome;
  let error;
  inFlight++;
  try {
    outcome = key !== undefined ? await s3Request(kind, key, startedAt, size) : await request(kind);
  } catch (err) {
    error = err ?? new Error('undefined error');
  } finally {
    inFlight--;
  }
  if (timeline.killAt !== undefined && startedAt <= timeline.killAt) {
    atKill[error === undefined ? 'answered' : classify(error).kind === 'connection' ? 'cut' : 'other']++;
  }
  return record(kind, startedAt, outcome, error);
}

async function worker(endAt) {
  while (now() < endAt && !restartError) {
    let kind = chooseKind();
    let key;
    if (kind.startsWith('s3')) {
      const plan = planS3(kind);
      if (!plan) {
        await sleep(1);
        continue;
      }
      ({ kind, key } = plan);
      ledger.get(key).busy = true; // taken now, before any await
    }
    // During the outage every request is refused at once: pause rather than spin.
    if ((await runOne(kind, key)) === 'connection') await sleep(20);
  }
}

// ---- RSS every 2 s -----------------------------------------------------------------------------

const rss = [];
let lastSample = { at: 0, served: 0 };
async function sampleRss() {
  const pid = daemon.pid;
  const at = now();
  const t = round((at - timeline.start) / 1000, 1);
  // Throughput since the previous sample, beside the memory: a leak often slows the daemon too.
  const servedPerSecond =
    at > lastSample.at && lastSample.at > 0
      ? round((served - lastSample.served) / ((at - lastSample.at) / 1000), 0)
      : null;
  lastSample = { at, served };
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    rss.push({ t, pid, rssMiB: Number.isFinite(kb) ? round(kb / 1024, 1) : null, servedPerSecond });
  } catch {
    rss.push({ t, pid, rssMiB: null, servedPerSecond }); // between the kill and the restart
  }
}

// ---- the kill and the restart ------------------------------------------------------------------

const cacheFigures = {};
async function cacheNow(label) {
  try {
    const status = await localEndpointStatus(clients.connection, ENDPOINT);
    const v = status.variants[0];
    const inst = v.instances?.[0];
    cacheFigures[label] = {
      ...v.cache,
      loaded: inst?.loadedModels?.length,
      memoryUtilization: round(inst?.memory?.utilization ?? NaN),
    };
  } catch (err) {
    cacheFigures[label] = { error: String(err?.message ?? err) };
  }
}

async function killAndRestart() {
  const old = daemon;
  await cacheNow('before the kill');
  // The load's own requests are small and the daemon answers them faster than this process
  // reads the answers, so at any instant they are mostly answered already. Large PUTs, started
  // a few ms apart just before the kill, are caught in every phase: body arriving, data file
  // written and fsynced, journal commit, answer on its way.
  const big = [];
  for (let i = 0; i < BIG_PUTS_AT_KILL; i++) {
    const key = ledgerKeys.find((k) => !ledger.get(k).busy && ledger.get(k).candidates.length === 0);
    if (!key) break;
    ledger.get(key).busy = true;
    big.push(runOne('s3-put', key, (4 + Math.floor(random() * 28)) * 1024 * 1024));
    await sleep(8);
  }
  await sleep(Math.floor(random() * 40));
  progress(
    `SIGKILL daemon ${old.pid} at t=${round((now() - timeline.start) / 1000)} s (${inFlight} requests in flight, ${big.length} of them large PUTs)`,
  );
  timeline.killAt = now();
  atKill.inFlight = inFlight;
  process.kill(old.pid, 'SIGKILL');
  if (!(await waitDead(old.pid, 10_000))) throw new Error(`daemon ${old.pid} still alive 10 s after SIGKILL`);
  timeline.deadAt = now();
  const info = await start(60_000);
  timeline.upAt = now();
  restartedPortKept = info.port === old.port;
  daemon = info;
  if (info.endpoint !== clients.endpoint) {
    progress(`port ${old.port} was taken: the daemon moved to ${info.port}`);
    const previous = clients;
    clients = makeClients(info, roleSession);
    previous.destroy();
  }
  progress(`daemon ${info.pid} answering ${round(timeline.upAt - timeline.killAt, 0)} ms after the kill`);
  for (;;) {
    const d = await clients.sm.send(new SM.DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    if (d.EndpointStatus === 'InService') break;
    if (d.EndpointStatus === 'Failed')
      throw new Error(`endpoint ${ENDPOINT} Failed after the restart: ${d.FailureReason}`);
    if (now() - timeline.upAt > 60_000)
      throw new Error(`endpoint ${ENDPOINT} still ${d.EndpointStatus} 60 s after the restart`);
    await sleep(20);
  }
  timeline.inServiceAt = now();
  progress(`endpoint InService ${round(timeline.inServiceAt - timeline.killAt, 0)} ms after the kill`);
}

// ---- run -------------------------------------------------------------------------------------

progress(`load: ${durationS} s, ${concurrency} in flight${killAtS > 0 ? `, SIGKILL at ${killAtS} s` : ', no kill'}`);
timeline.start = now();
const endAt = timeline.start + durationS * 1000;
await sampleRss();
const rssTimer = setInterval(() => void sampleRss(), 2_000);
let restartRun;
const killTimer =
  killAtS > 0
    ? setTimeout(() => {
        restartRun = killAndRestart().catch((err) => {
          if (cleanups.started) return; // Ctrl-C: the cleanup stopped the daemons
          restartError = err;
          progress(`restart FAILED: ${err?.stack ?? err}${err?.hint ? `\n${err.hint}` : ''}`);
        });
      }, killAtS * 1000)
    : undefined;
// Role sessions last an hour: renew well before, for long soaks.
const renewTimer = setInterval(
  () => void assumeRole().catch((err) => progress(`renewing the role session: ${err?.message ?? err}`)),
  45 * 60 * 1000,
);
cleanups.push(async () => {
  clearInterval(rssTimer);
  clearTimeout(killTimer);
  clearInterval(renewTimer);
});
await Promise.all(Array.from({ length: concurrency }, () => worker(endAt)));
await restartRun;
timeline.end = now();
clearInterval(rssTimer);
clearInterval(renewTimer);
await sampleRss();
const loadSeconds = (timeline.end - timeline.start) / 1000;
progress(`load done after ${round(loadSeconds)} s; verifying`);

// ---- verification ------------------------------------------------------------------------------

const checks = [];
const check = (name, ok, detail = '') => checks.push({ name, ok: Boolean(ok), detail: String(detail) });
const errorText = (err) => `${err?.name ?? 'Error'}: ${String(err?.message ?? err).slice(0, 200)}`;

if (restartError) check('the daemon restarts after SIGKILL', false, errorText(restartError));
else if (killAtS > 0)
  check(
    'the daemon restarts after SIGKILL',
    true,
    `port ${restartedPortKept ? 'kept' : 'changed'}; InService ${round(timeline.inServiceAt - timeline.killAt, 0)} ms after the kill`,
  );

// Every endpoint InService.
try {
  const names = [];
  let token;
  do {
    const page = await clients.sm.send(new SM.ListEndpointsCommand({ NextToken: token }));
    names.push(...page.Endpoints.map((e) => e.EndpointName));
    token = page.NextToken;
  } while (token);
  const states = await Promise.all(
    names.map(async (n) => [
      n,
      (await clients.sm.send(new SM.DescribeEndpointCommand({ EndpointName: n }))).EndpointStatus,
    ]),
  );
  const notInService = states.filter(([, s]) => s !== 'InService');
  check(
    'every endpoint InService (DescribeEndpoint)',
    names.length > 0 && notInService.length === 0,
    notInService.length ? notInService.map(([n, s]) => `${n}: ${s}`).join(', ') : `${names.length} endpoint(s)`,
  );
} catch (err) {
  check('every endpoint InService (DescribeEndpoint)', false, errorText(err));
}

// A valid invocation answers, as the admin user and as the role; the role is still refused elsewhere.
for (const [who, runtime, target] of [
  ['admin', clients.runtime, hot[0]],
  ['the role', clients.roleRuntime, allowed[0]],
]) {
  try {
    const score = await invoke(runtime, target, '2005,2500,4,2.5,1.1,2,y,n');
    check(`a valid invocation answers (${who}, ${target})`, true, `prediction ${round(score, 0)}`);
  } catch (err) {
    check(`a valid invocation answers (${who}, ${target})`, false, errorText(err));
  }
}

// The ledger: every key reads back as acknowledged (or, for a PUT cut by the kill, old or new).
const tornBefore = s3Checks.torn.length;
let ledgerRead = 0;
let ledgerErrors = 0;
await bounded(
  ledgerKeys.filter((k) => ledger.get(k).acked !== undefined || ledger.get(k).candidates.length > 0),
  8,
  async (key) => {
    try {
      const data = await readObject(key);
      if (!checkRead(key, ledger.get(key), data)) ledgerRead++;
    } catch (err) {
      ledgerErrors++;
      if (s3Checks.torn.length < 20) s3Checks.torn.push({ key, found: errorText(err) });
    }
  },
);
const acknowledged = ledgerKeys.filter((k) => ledger.get(k).acked !== undefined).length;
check(
  'every acknowledged S3 object reads back with its sha256',
  s3Checks.torn.length === 0 && ledgerErrors === 0,
  `${ledgerRead} keys read at the end, ${acknowledged} acknowledged; during the load ${s3Checks.readsVerified} reads verified` +
    (tornBefore + ledgerErrors > 0 ? `; PROBLEMS: ${JSON.stringify(s3Checks.torn.slice(0, 5))}` : ''),
);
if (killAtS > 0) {
  check(
    'acknowledged before the kill, intact after it',
    s3Checks.torn.length === 0,
    `${s3Checks.survivedKillVerified} reads after the restart of objects acknowledged before the kill`,
  );
  const r = s3Checks.cutByKillResolved;
  check(
    'PUTs cut by the kill: old or new, never torn',
    s3Checks.torn.length === 0,
    `${s3Checks.cutByKill} in flight at the kill; read back: ${r.old} old version, ${r.new} new version` +
      (s3Checks.cutElsewhere
        ? `; ${s3Checks.cutElsewhere} more sent after the kill on a dead connection, also read back intact`
        : ''),
  );
}

// No object in the store is corrupt: ListObjectsV2 over the bucket, GetObject each, md5 = ETag.
try {
  const objects = [];
  let token;
  do {
    const page = await clients.s3.send(new S3.ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
    objects.push(...(page.Contents ?? []));
    token = page.NextContinuationToken;
  } while (token);
  const bad = [];
  await bounded(objects, 8, async (o) => {
    try {
      const data = await readObject(o.Key);
      if (data === undefined) bad.push(`${o.Key}: listed but NoSuchKey`);
      else if (data.length !== o.Size) bad.push(`${o.Key}: ${data.length} bytes, listed as ${o.Size}`);
      else if (o.ETag !== `"${md5(data)}"`) bad.push(`${o.Key}: md5 ${md5(data)}, ETag ${o.ETag}`);
    } catch (err) {
      bad.push(`${o.Key}: ${errorText(err)}`);
    }
  });
  const stray = objects.filter((o) => o.Key.startsWith(SOAK_PREFIX) && !ledger.has(o.Key)).map((o) => o.Key);
  const missingModels = [PRE_KEY, ...models.map((m) => PREFIX + m)].filter((k) => !objects.some((o) => o.Key === k));
  check(
    'no object in the bucket is corrupt (ListObjectsV2, GetObject: size and md5 = ETag)',
    bad.length === 0 && stray.length === 0 && missingModels.length === 0,
    `${objects.length} objects` +
      [
        ...bad.slice(0, 5),
        ...stray.slice(0, 5).map((k) => `${k}: not written by this run`),
        ...missingModels.slice(0, 5).map((k) => `${k}: missing`),
      ]
        .map((s) => `; ${s}`)
        .join(''),
  );
} catch (err) {
  check('no object in the bucket is corrupt (ListObjectsV2, GetObject: size and md5 = ETag)', false, errorText(err));
}

await cacheNow('at the end');

// The daemon's log: internal errors are bugs even when the client saw a tidy 500.
const log = await readFile(join(stateDir, 'daemon.log'), 'utf8').catch(() => '');
// A normal log says only "listening", "InService" and "stopping"; a crash leaves a stack trace.
const internal = log.split('\n').filter((l) => /error|exception|fail|unhandled|uncaught|^\s+at /i.test(l));
check(
  'the daemon log has no internal errors',
  internal.length === 0,
  internal.length
    ? `${internal.length} line(s); first: ${internal[0].slice(0, 300)}`
    : `${log.split('\n').length - 1} lines`,
);

// A graceful stop still works after all this (and does not hang).
const stopStart = now();
const stopped = await stopLocalCloud(stateDir, 10_000).catch((err) => ({ error: err }));
const stopMs = now() - stopStart;
check(
  'the daemon stops on SIGTERM',
  stopped.stopped && !isAlive(daemon.pid),
  stopped.error ? errorText(stopped.error) : `${round(stopMs, 0)} ms`,
);

// ---- report ------------------------------------------------------------------------------------

const kinds = KINDS.map((k) => {
  const s = stats[k];
  const sorted = Float64Array.from(s.latencies).sort();
  const expectedErrors = Object.values(s.expected).reduce((a, b) => a + b, 0);
  const unexpected = Object.values(s.unexpected).reduce((a, b) => a + b, 0);
  return {
    kind: k,
    sent: s.sent,
    served: s.ok + expectedErrors,
    ok: s.ok,
    expectedErrors,
    connection: s.connection,
    unexpected,
    p50Ms: round(percentile(sorted, 50), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    perSecond: round((s.ok + expectedErrors) / loadSeconds),
  };
});
const sum = (f) => kinds.reduce((a, k) => a + f(k), 0);
const totals = {
  sent: sum((k) => k.sent),
  served: sum((k) => k.served),
  connection: sum((k) => k.connection),
  unexpected: sum((k) => k.unexpected),
};
totals.perSecond = round(totals.served / loadSeconds);
const allLatencies = Float64Array.from(KINDS.flatMap((k) => stats[k].latencies)).sort();
const errorRows = KINDS.flatMap((k) => [
  ...Object.entries(stats[k].expected).map(([name, n]) => [k, name, 'expected', n]),
  ...(stats[k].connection ? [[k, 'connection refused/reset (outage)', 'outage', stats[k].connection]] : []),
  ...Object.entries(stats[k].unexpected).map(([name, n]) => [k, name, 'UNEXPECTED', n]),
]);

const rssValues = rss.filter((r) => r.rssMiB !== null);
const rssOf = (pid) => rssValues.filter((r) => r.pid === pid).map((r) => r.rssMiB);
const pids = [...new Set(rssValues.map((r) => r.pid))];
const rssSummary = {
  minMiB: Math.min(...rssValues.map((r) => r.rssMiB)),
  maxMiB: Math.max(...rssValues.map((r) => r.rssMiB)),
  finalMiB: rssValues.at(-1)?.rssMiB,
  perDaemon: pids.map((pid) => ({
    pid,
    samples: rssOf(pid).length,
    minMiB: Math.min(...rssOf(pid)),
    maxMiB: Math.max(...rssOf(pid)),
    lastMiB: rssOf(pid).at(-1),
  })),
  samples: rss.length,
};
/** At most ~16 points for the table: evenly spaced, plus the samples around the kill. */
const seriesStep = Math.max(1, Math.ceil(rss.length / 16));
const series = rss.filter(
  (r, i) => i % seriesStep === 0 || i === rss.length - 1 || (i > 0 && rss[i - 1].pid !== r.pid) || r.rssMiB === null,
);

const restart =
  killAtS > 0 && !restartError
    ? {
        killAtSeconds: round((timeline.killAt - timeline.start) / 1000, 2),
        processGoneMs: round(timeline.deadAt - timeline.killAt, 0),
        answeringMs: round(timeline.upAt - timeline.killAt, 0),
        inServiceMs: round(timeline.inServiceAt - timeline.killAt, 0),
        firstInvokeMs: timeline.firstInvokeAfterKill && round(timeline.firstInvokeAfterKill - timeline.killAt, 0),
        firstS3Ms: timeline.firstS3AfterKill && round(timeline.firstS3AfterKill - timeline.killAt, 0),
        portKept: restartedPortKept,
        connectionErrors: totals.connection,
        atKill: { ...atKill, cutByKind: cutAtKill },
      }
    : undefined;

const unexpectedRate = totals.sent === 0 ? 0 : totals.unexpected / totals.sent;
const verified = checks.every((c) => c.ok);
const ok = verified && unexpectedRate <= maxUnexpected && totals.served > 0;
const note = `${models.length} models (${hot.length} hot), ${INSTANCE_TYPE}, ${keyCount} S3 keys, seed ${seed}`;
const result = {
  benchmark: 'soak',
  cpus: availableParallelism(),
  seconds: round(loadSeconds, 2),
  concurrency,
  models: models.length,
  instanceType: INSTANCE_TYPE,
  totals: {
    ...totals,
    unexpectedRate: round(unexpectedRate, 5),
    maxUnexpected,
    p50Ms: round(percentile(allLatencies, 50), 2),
    p99Ms: round(percentile(allLatencies, 99), 2),
  },
  kinds,
  errors: errorRows.map(([kind, error, category, n]) => ({ kind, error, category, count: n })),
  unexpectedSamples,
  restart,
  rss: { ...rssSummary, series: rss },
  cache: cacheFigures,
  s3: { ...s3Checks, torn: s3Checks.torn.slice(0, 20) },
  checks,
  ok,
  ...(ok ? {} : { daemonLogTail: log.trimEnd().split('\n').slice(-40) }),
  tables: [
    {
      title: `Requests by kind: ${round(loadSeconds)} s, ${concurrency} in flight, ${note}`,
      columns: [
        'kind',
        'sent',
        'served',
        'of which expected errors',
        'connection (outage)',
        'unexpected',
        'p50 ms',
        'p99 ms',
        'served/s',
      ],
      rows: [
        ...kinds.map((k) => [
          k.kind,
          k.sent,
          k.served,
          k.expectedErrors,
          k.connection,
          k.unexpected,
          k.p50Ms ?? '-',
          k.p99Ms ?? '-',
          k.perSecond,
        ]),
        [
          'all',
          totals.sent,
          totals.served,
          sum((k) => k.expectedErrors),
          totals.connection,
          totals.unexpected,
          round(percentile(allLatencies, 50), 2),
          round(percentile(allLatencies, 99), 2),
          totals.perSecond,
        ],
      ],
    },
    {
      title: 'Errors by kind',
      columns: ['kind', 'error', 'category', 'count'],
      rows: errorRows.length ? errorRows : [['-', 'none', '-', 0]],
    },
    ...(killAtS > 0
      ? [
          {
            title: 'Restart: SIGKILL, then startLocalCloud on the same state dir while the load goes on',
            columns: ['what', 'value'],
            rows: restart
              ? [
                  ['SIGKILL at', `${restart.killAtSeconds} s`],
                  ['kill → process reaped', `${restart.processGoneMs} ms`],
                  ['kill → new daemon answering (endpoints redeployed)', `${restart.answeringMs} ms`],
                  ['kill → DescribeEndpoint InService', `${restart.inServiceMs} ms`],
                  [
                    'kill → first invocation served',
                    restart.firstInvokeMs !== undefined ? `${restart.firstInvokeMs} ms` : 'none',
                  ],
                  [
                    'kill → first S3 request served',
                    restart.firstS3Ms !== undefined ? `${restart.firstS3Ms} ms` : 'none',
                  ],
                  ['port kept', restart.portKept ? `yes (${firstPort})` : `no (${firstPort} → ${daemon.port})`],
                  [
                    'requests in flight at the kill: answered anyway / cut (by kind)',
                    `${atKill.inFlight}: ${atKill.answered} / ${atKill.cut}${
                      atKill.cut
                        ? ` (${Object.entries(cutAtKill)
                            .map(([k, n]) => `${k} ${n}`)
                            .join(', ')})`
                        : ''
                    }${atKill.other ? `, ${atKill.other} other errors` : ''}`,
                  ],
                  ['requests refused or cut during the outage (all)', restart.connectionErrors],
                  [
                    'PUTs cut by the kill → read back old / new',
                    `${s3Checks.cutByKill} → ${s3Checks.cutByKillResolved.old} / ${s3Checks.cutByKillResolved.new}`,
                  ],
                  [
                    'served/s before the kill / after InService',
                    `${round(completed.beforeKill / restart.killAtSeconds)} / ${round(completed.afterRestart / ((timeline.end - timeline.inServiceAt) / 1000))}`,
                  ],
                ]
              : [['restart', `FAILED: ${errorText(restartError)}`]],
          },
        ]
      : []),
    {
      title: `Daemon RSS (VmRSS) and throughput, sampled every 2 s: min ${rssSummary.minMiB} MiB, max ${rssSummary.maxMiB} MiB, final ${rssSummary.finalMiB} MiB`,
      columns: ['t s', 'pid', 'RSS MiB', 'served/s (last 2 s)'],
      rows: series.map((r) => [r.t, r.pid, r.rssMiB ?? 'down', r.servedPerSecond ?? '-']),
    },
    {
      title: 'Multi-model cache (the local status extension; counters restart with the daemon)',
      columns: ['when', 'loads', 'hits', 'misses', 'evictions', 'loaded now', 'memory %'],
      rows: Object.entries(cacheFigures).map(([when, c]) =>
        c.error
          ? [when, c.error, '', '', '', '', '']
          : [when, c.loads, c.hits, c.misses, c.evictions, c.loaded, c.memoryUtilization],
      ),
    },
    {
      title: 'Verification',
      columns: ['check', 'result', 'detail'],
      rows: [
        ...checks.map((c) => [c.name, c.ok ? 'ok' : 'FAILED', c.detail]),
        [
          `unexpected errors ≤ ${maxUnexpected * 100}% of requests`,
          unexpectedRate <= maxUnexpected ? 'ok' : 'FAILED',
          `${totals.unexpected} of ${totals.sent} (${round(unexpectedRate * 100, 3)}%)`,
        ],
      ],
    },
  ],
  summary:
    `${ok ? 'PASSED' : 'FAILED'}: ${totals.served} requests served in ${round(loadSeconds)} s (${totals.perSecond}/s), ${totals.unexpected} unexpected errors` +
    (restart ? `; SIGKILL → InService in ${restart.inServiceMs} ms` : '') +
    `; ${checks.filter((c) => !c.ok).length} of ${checks.length} checks failed`,
};

await cleanup();

if (flags.json) {
  console.log(JSON.stringify(result));
} else {
  console.log(`soak, ${result.cpus} CPUs`);
  printTables(result.tables);
  if (!ok)
    console.log(
      `\nThe daemon log ends with:\n${log
        .trimEnd()
        .split('\n')
        .slice(-40)
        .map((l) => `  ${l}`)
        .join('\n')}`,
    );
  if (unexpectedSamples.length) {
    console.log('\nFirst unexpected errors:');
    for (const u of unexpectedSamples) console.log(`  t=${u.t} s ${u.kind}: ${u.error}: ${u.message}`);
  }
  console.log(`\n${result.summary}`);
}
process.exit(ok ? 0 : 1);
