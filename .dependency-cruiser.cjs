/**
 * The layers of src/ (docs/architecture.md), enforced by `npm run lint`:
 * - the local cloud (src/local) is a server: it imports nothing of the client side;
 * - the client side (cli, workflow, aws, console) talks to the local cloud over HTTP like any AWS client,
 *   and takes from src/local only what starts and finds the daemon (src/local/daemon.ts);
 * - what both sides share lives in neutral modules (aws-names, formats, signing, algorithms,
 *   errors, util) that import neither side;
 * - pure layers do no I/O: no files, sockets, servers, processes or AWS clients.
 */
const CLIENT = '^src/(cli|workflow|aws|console)/';
const LOCAL = '^src/local/';
/** The client side's one way into src/local: start, stop, find the daemon. */
const DAEMON = ['^src/local/daemon\\.ts$'];
const NEUTRAL = '^src/(aws-names|formats|signing|algorithms|housing|config|util)/|^src/errors\\.ts$';
const PURE = '^src/(aws-names|formats|signing|algorithms|housing|config)/';
const IO_CORE = '^(node:)?(fs|fs/promises|net|http|https|http2|child_process|cluster|dgram|tls|worker_threads)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'local-imports-no-client',
      comment: 'The local cloud is a server like AWS: it must not import the CLI, the workflow or the SDK clients.',
      severity: 'error',
      from: { path: LOCAL },
      to: { path: CLIENT },
    },
    {
      name: 'client-takes-only-the-daemon',
      comment:
        'The client side reaches the local cloud over HTTP; from src/local it may import only what starts and finds the ' +
        'daemon. Shared code goes to a neutral module (src/aws-names, src/formats, src/algorithms).',
      severity: 'error',
      from: { path: CLIENT },
      to: { path: LOCAL, pathNot: DAEMON },
    },
    {
      name: 'neutral-imports-no-side',
      comment: 'Modules both sides use import neither side.',
      severity: 'error',
      from: { path: NEUTRAL },
      to: { path: [CLIENT, LOCAL] },
    },
    {
      name: 'pure-does-no-io',
      comment:
        'Pure layers do no I/O. Exceptions, each one file reading one known file synchronously: config/file.ts ' +
        '(loadConfigFile reads mme.config.json, beside the parse it feeds) and config/version.ts (package.json, for --version).',
      severity: 'error',
      from: { path: PURE, pathNot: ['^src/config/file\\.ts$', '^src/config/version\\.ts$'] },
      to: { path: [IO_CORE, '^@aws-sdk/client-', '^@aws-sdk/lib-storage'] },
    },
    {
      name: 'hosting-below-services',
      comment: 'Hosting is the data plane that the SageMaker services drive: it must not import them.',
      severity: 'error',
      from: { path: '^src/local/hosting/' },
      to: { path: '^src/local/services/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
