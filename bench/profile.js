// Where the CPU time of a warm request goes: a sampling CPU profile taken over one window (the
// inspector's Profiler, in the process being measured, only while the load runs), its samples
// summed by the group of their innermost frame, per request. bench/invoke.js takes one of the
// bare server and one of the local cloud after its measured rounds, so the table says what the
// local cloud adds on top of what any node:http server pays. A profiled window runs slower than
// an unprofiled one (sampling every 100 µs costs a little): the shares matter, the absolute
// figures are an upper bound.
import { Session } from 'node:inspector/promises';

/**
 * The groups, in report order, and how a frame falls into one. A native frame (no script URL:
 * writev, Hmac's C++ side, …) counts with the nearest JavaScript caller, so a socket write lands
 * in "HTTP out" and a digest in "SigV4".
 */
export const WARM_PATH_GROUPS = [
  'HTTP in (parse, headers, body)',
  'HTTP out (headers, socket write)',
  'SigV4 verification and hashing',
  'routing and server glue',
  'endpoint host and model cache',
  'preprocessor container',
  'model container',
  'invocation metrics',
  'event loop, promises, timers',
  'garbage collection',
  'V8 and other',
];

const HTTP_OUT_FUNCTIONS = new Set(['writeHead', '_implicitHeader', 'resOnFinish', 'end', 'write']);

/** The group of one frame, or undefined to look at its caller (a native frame). */
function groupOf({ functionName, url }) {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)' || functionName === '(root)') return 'V8 and other';
  if (url === '') return undefined;
  if (url.includes('/dist/local/auth/') || url.includes('/dist/signing/') || url.startsWith('node:internal/crypto'))
    return 'SigV4 verification and hashing';
  if (url.includes('/dist/local/hosting/metrics') || url.includes('/dist/local/hosting/invocation-metrics'))
    return 'invocation metrics';
  if (url.includes('/dist/algorithms/preprocessor')) return 'preprocessor container';
  if (
    url.includes('/dist/local/hosting/containers/') ||
    url.includes('/dist/algorithms/linear-learner/') ||
    url.includes('/dist/algorithms/xgboost/') ||
    url.includes('/dist/algorithms/csv')
  )
    return 'model container';
  if (url.includes('/dist/local/hosting/') || url.includes('/dist/algorithms/cache/'))
    return 'endpoint host and model cache';
  if (url.includes('/dist/')) return 'routing and server glue';
  if (url === 'node:_http_outgoing' || url.includes('streams/writable') || url.includes('stream_base_commons'))
    return 'HTTP out (headers, socket write)';
  if (url === 'node:_http_server')
    return HTTP_OUT_FUNCTIONS.has(functionName) ? 'HTTP out (headers, socket write)' : 'HTTP in (parse, headers, body)';
  if (url === 'node:_http_incoming' || url === 'node:_http_common' || url.includes('streams/readable'))
    return 'HTTP in (parse, headers, body)';
  if (url.includes('task_queues') || url.includes('timers') || url === 'node:events' || url.includes('promises'))
    return 'event loop, promises, timers';
  return 'V8 and other';
}

/** Self time (µs) of each group in a V8 CPU profile; idle time is its own group. */
export function groupProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const groupOfNode = new Map();
  const resolve = (id) => {
    let group = groupOfNode.get(id);
    if (group !== undefined) return group;
    for (let at = id; at !== undefined && group === undefined; at = parentOf.get(at))
      group = groupOf(byId.get(at).callFrame);
    group ??= 'V8 and other';
    groupOfNode.set(id, group);
    return group;
  };
  const totals = {};
  profile.samples.forEach((id, i) => {
    const group = resolve(id);
    totals[group] = (totals[group] ?? 0) + (profile.timeDeltas[i] ?? 0);
  });
  return totals;
}

/** A profiler of this process: start() before the load, stop() after it; stop resolves with the groups' µs. */
export function windowProfiler() {
  const session = new Session();
  session.connect();
  return {
    async start() {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
    },
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      return groupProfile(profile);
    },
  };
}

/** Answer the driver's 'profile-start' / 'profile-stop' messages over IPC (a bench child's side). */
export function answerProfileRequests() {
  let profiler;
  process.on('message', async (m) => {
    if (m === 'profile-start') {
      profiler ??= windowProfiler();
      await profiler.start();
      process.send({ profileStarted: true });
    } else if (m === 'profile-stop') {
      process.send({ profile: await profiler.stop() });
    }
  });
}
