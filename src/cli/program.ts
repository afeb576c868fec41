/**
 * Every command of mme, declared in this one file (the changesets way): names, options, help.
 * Each action is a plain function in ./commands/<name>.ts, imported only when its command runs,
 * so `mme --help` loads commander and nothing else.
 *
 * Global options are accepted before or after the command (`mme --json invoke …` and
 * `mme invoke … --json`): the program parses positionally and every leaf command carries its own
 * copy of them under "Global Options:"; run.ts merges the copies. Two leaves reuse a global
 * option's name with another meaning and so drop the copy: `grant --prefix` (model prefixes to
 * grant) and `invoke --role-arn` (a role to assume). There the global one goes before the command.
 */
import { Command, Option } from 'commander';
import type { CommandFn } from './context.js';
import { UsageError } from '../errors.js';
import { DEFAULT_HOSTING_INSTANCE_TYPE, DEFAULT_INSTANCE_TYPE, DEFAULT_ROWS } from '../workflow/defaults.js';
import * as parse from './parse.js';
import { algorithmOption, defaultEndpoints } from './algorithm.js';

export type Load = () => Promise<CommandFn<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Runner = (command: Command, load: Load) => Promise<void>;

export const GLOBAL_OPTIONS_GROUP = 'Global Options:';

function globalOptions(): Option[] {
  return [
    new Option(
      '--target <target>',
      'where to run: local (the embedded local cloud) or aws (env MME_TARGET; default: local)',
    ),
    new Option('--region <region>', 'AWS region (env MME_REGION, AWS_REGION, AWS_DEFAULT_REGION; default: us-east-1)'),
    new Option('--profile <name>', 'AWS named profile, for --target aws (env AWS_PROFILE)'),
    new Option(
      '--bucket <name>',
      'S3 bucket for data and models (env MME_BUCKET; default on local: mme-local; on aws it must be set)',
    ),
    new Option(
      '--prefix <prefix>',
      'S3 prefix of the multi-model artifacts (env MME_PREFIX; default: DEMO_MME_LINEAR_LEARNER)',
    ),
    new Option('--role-arn <arn>', 'SageMaker execution role (env MME_ROLE_ARN; on local a default role is used)'),
    new Option('--json', 'print one JSON document on stdout: {"ok":true,"result":…} or {"ok":false,"error":…}'),
    new Option('--no-color', 'no colours (also NO_COLOR=1; FORCE_COLOR=1 forces them)'),
    new Option('--debug', 'show stack traces and SDK details on errors (env MME_DEBUG=1)'),
    new Option('-y, --yes', 'do not ask before deleting or replacing resources'),
    new Option(
      '--connect-timeout <seconds>',
      'connection timeout of every AWS call (env MME_CONNECT_TIMEOUT; default: 10)',
    ),
    new Option(
      '--request-timeout <seconds>',
      'timeout of each attempt of every AWS call (env MME_REQUEST_TIMEOUT; default per service: InvokeEndpoint 70, S3 120, others 30)',
    ),
    new Option(
      '--retry-mode <mode>',
      'SDK retry mode: standard or adaptive (env MME_RETRY_MODE, AWS_RETRY_MODE; default: standard)',
    ),
    new Option(
      '--max-attempts <n>',
      'attempts per AWS call, the first included (env MME_MAX_ATTEMPTS, AWS_MAX_ATTEMPTS; default: 4 on aws, 2 on local)',
    ),
  ];
}

const ROOT_HELP = `
Configuration (highest first): flags > environment > ./mme.config.json > defaults.
  mme.config.json keys: target, region, profile, bucket, prefix, roleArn, localStateDir, localPort,
    connectTimeout, requestTimeout, retryMode, maxAttempts
  Local cloud: MME_LOCAL_STATE (default ./.mme/local), MME_LOCAL_PORT (default: the last port used, else a free one)

Exit codes: 0 ok, 1 a step failed, 2 usage, 3 configuration or credentials, 4 not found,
  5 access denied, 6 service error or timeout, 130 interrupted.

Examples:
  $ mme demo                          # the whole workflow on the local cloud
  $ mme data generate --upload        # 4 locations x 1000 houses, uploaded to S3
  $ mme invoke --model Chicago_IL --random 3
  $ mme --target aws --bucket my-bucket --role-arn arn:aws:iam::123456789012:role/SageMaker train
  $ eval "$(mme local env)"; aws s3 ls`;

/** Where commander writes help and the version (stdout by default; main.ts captures it for --json). */
export interface ProgramOutput {
  writeOut?: (text: string) => void;
}

export function buildProgram(run: Runner, version: string, io: ProgramOutput = {}): Command {
  const program = new Command('mme')
    .description(
      'Serve many ML models from one SageMaker multi-model endpoint behind an inference pipeline, on AWS or on an embedded local cloud (the default).',
    )
    .version(version, '-V, --version', 'print the version')
    .enablePositionalOptions()
    .exitOverride() // main.ts maps every commander error to exit code 2
    // Set before any subcommand exists: they share this configuration. main.ts prints errors,
    // once, in human or JSON form; with --json it also wraps the help and the version.
    .configureOutput({ outputError: () => {}, ...(io.writeOut ? { writeOut: io.writeOut } : {}) })
    .showSuggestionAfterError()
    .addHelpText('after', ROOT_HELP);
  for (const option of globalOptions()) program.addOption(option);

  /** A leaf command: options are added by the caller; the global copies at the end. */
  const act =
    (load: Load) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      checkRequired(command);
      return run(command, load);
    };
  const leaf = (parent: Command, name: string, description: string, examples: string[]) =>
    parent
      .command(name)
      .description(description)
      .addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}`);

  leaf(program, 'bootstrap', 'create the bucket and the SageMaker execution role, and make them the defaults', [
    'mme bootstrap --target aws --region eu-west-1   # a fresh account: bucket mme-ACCOUNT-eu-west-1, role mme-sagemaker-execution',
    'mme bootstrap --dry-run                         # the requests and the role policy, none sent',
  ])
    .option(
      '--role-name <name>',
      'execution role name (default: mme-sagemaker-execution; on local the seeded mme-local-sagemaker-execution)',
    )
    .option('--dry-run', 'print the API requests in order, send none, record nothing')
    .action(act(async () => (await import('./commands/bootstrap.js')).bootstrapCommand));

  leaf(
    program,
    'permissions',
    'print the least-privilege IAM policies: for you (per command, or all) and the execution role',
    [
      'mme permissions                       # every command, and the execution role',
      'mme permissions invoke metrics --json # only what invoke and metrics send',
    ],
  )
    .argument(
      '[commands...]',
      'commands to cover (default: all): bootstrap, data, preprocess, train, deploy, invoke, add-model, grant, metrics, status, logs, teardown',
    )
    .addOption(
      new Option(
        '--endpoint <name>',
        `the one endpoint every algorithm is deployed on (default: each its own: ${defaultEndpoints()})`,
      ).argParser(parse.resourceName),
    )
    .action(act(async () => (await import('./commands/permissions.js')).permissions));

  // ── data ───────────────────────────────────────────────────────────────────────────────
  const data = program.command('data').description('synthetic housing data: generate');
  leaf(
    data,
    'generate',
    'generate headerless CSV per location: {out}/{LOC}/train/train.csv and test/test.csv (90/10)',
    [
      'mme data generate',
      'mme data generate --locations NewYork_NY,Chicago_IL --rows 5000 --seed 7',
      'mme data generate --locations 10 --upload      # all ten reference cities, to s3://{bucket}/housing-data/',
      'mme data generate --upload --dry-run           # the files, and the upload requests printed, not sent',
    ],
  )
    .addOption(
      new Option(
        '--locations <names|count>',
        'a count (the first N reference cities) or a comma-separated list of names',
      )
        .default(4, "the notebook's first 4")
        .argParser(parse.locations),
    )
    .addOption(
      new Option('--rows <n>', 'houses per location, before the train/test split')
        .default(DEFAULT_ROWS)
        .argParser(parse.integer(1)),
    )
    .addOption(
      new Option('--seed <n>', 'random seed: the same seed writes byte-identical files')
        .default(42)
        .argParser(parse.integer(0, 0xffff_ffff)),
    )
    .addOption(new Option('--out <dir>', 'output directory').default('data', './data'))
    .option('--upload', 'also upload to s3://{bucket}/housing-data/{LOC}/ (on local the bucket is created)')
    .option(
      '--dry-run',
      'with --upload: write the local files, print the upload requests (with --json: as a JSON array) and send none',
    )
    .action(act(async () => (await import('./commands/data.js')).generate));

  // ── the workflow, step by step ─────────────────────────────────────────────────────────
  leaf(
    program,
    'preprocess',
    "fit the scikit-learn preprocessor on all locations' training data, then batch-transform each location",
    [
      'mme preprocess',
      'mme preprocess --locations NewYork_NY,Chicago_IL --sklearn-version 1.0-1',
      'mme preprocess --dry-run            # print the API requests, send none',
    ],
  )
    .addOption(
      new Option(
        '--locations <names|count>',
        'a count (the first N reference cities) or a comma-separated list (default: those under s3://{bucket}/housing-data/)',
      ).argParser(parse.locations),
    )
    .addOption(
      new Option('--instance-type <type>', "instance of the preprocessor's training job").default(
        DEFAULT_INSTANCE_TYPE,
      ),
    )
    .addOption(
      new Option('--transform-instance-type <type>', 'instance of the batch transform jobs').default(
        DEFAULT_INSTANCE_TYPE,
      ),
    )
    .addOption(
      new Option(
        '--sklearn-version <version>',
        'scikit-learn framework version of the container (image tag {version}-cpu-py3)',
      ).default('1.2-1'),
    )
    .addOption(
      new Option('--parallel <n>', 'batch transform jobs running at once').default(4).argParser(parse.integer(1, 64)),
    )
    .addOption(
      new Option('--seed <n>', 'seed of the 70/30 train/validation split')
        .default(42)
        .argParser(parse.integer(0, 0xffff_ffff)),
    )
    .option('--dry-run', 'print the API requests in order (with --json: as a JSON array) and send none')
    .action(act(async () => (await import('./commands/preprocess.js')).preprocess));

  leaf(
    program,
    'train',
    'train one model per location on its preprocessed data (default: the linear learner; --algorithm xgboost, knn or rcf)',
    [
      'mme train',
      'mme train --parallel 2 --no-wait      # start the jobs and return; `mme status` follows them',
      'mme train --algorithm knn --hyperparameter k=10',
      'mme train --algorithm rcf             # anomaly scores: no label needed',
    ],
  )
    .addOption(
      new Option(
        '--locations <names|count>',
        'a count (the first N reference cities) or a comma-separated list (default: those preprocessed under s3://{bucket}/{prefix}/preprocessed/)',
      ).argParser(parse.locations),
    )
    .addOption(new Option('--instance-type <type>', 'instance of each training job').default(DEFAULT_INSTANCE_TYPE))
    .addOption(new Option('--parallel <n>', 'training jobs running at once').default(4).argParser(parse.integer(1, 64)))
    .option('--no-wait', 'start the jobs and return without waiting for them')
    .addOption(
      new Option('--epochs <n>', "passes over the data (default: the notebook's 10)").argParser(
        parse.integer(1, 10_000),
      ),
    )
    .addOption(
      new Option(
        '--hyperparameter <key=value>',
        "override one of the algorithm's hyperparameters (repeatable)",
      ).argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]),
    )
    .addOption(algorithmOption())
    .option('--dry-run', 'print the API requests in order (with --json: as a JSON array) and send none')
    .action(act(async () => (await import('./commands/train.js')).train));

  leaf(
    program,
    'deploy',
    'copy the models under the multi-model prefix and create the pipeline endpoint (preprocessor → linear learner); re-running changes only what differs',
    [
      'mme deploy',
      'mme deploy --hold-out Houston_TX      # leave one model out, to add later with `mme add-model`',
      'mme deploy --instance-type ml.m5.large --cache Disabled',
      'mme deploy --dry-run                  # read the target, print the requests, send no change',
    ],
  )
    .addOption(
      new Option(
        '--hold-out <locations...>',
        'locations whose models are not copied yet (the notebook holds out Houston_TX)',
      ).argParser(parse.list),
    )
    .addOption(
      new Option('--endpoint <name>', `endpoint name (default: ${defaultEndpoints()})`).argParser(parse.resourceName),
    )
    .addOption(new Option('--instance-type <type>', 'hosting instance type').default(DEFAULT_HOSTING_INSTANCE_TYPE))
    .addOption(
      new Option('--instance-count <n>', 'instances behind the endpoint').default(1).argParser(parse.integer(1, 100)),
    )
    .addOption(
      new Option(
        '--cache <setting>',
        'MultiModelConfig.ModelCacheSetting of the linear-learner container (SageMaker default: Enabled)',
      ).choices(['Enabled', 'Disabled']),
    )
    .addOption(algorithmOption())
    .option(
      '--dry-run',
      'print the requests in order (with --json: as a JSON array) and send none that change anything; it reads the target to plan (training jobs, artifacts, the endpoint)',
    )
    .action(act(async () => (await import('./commands/deploy.js')).deploy));

  leaf(program, 'invoke', 'invoke one model of the endpoint (X-Amzn-SageMaker-Target-Model: {LOC}/{LOC}.tar.gz)', [
    'mme invoke --model Chicago_IL --features 1995,3000,3,2,1.0,2,y,n',
    'mme invoke --model NewYork_NY --random 5 --seed 7',
    'mme invoke --model NewYork_NY/NewYork_NY.tar.gz --random 100 --batch    # one request of 100 rows',
    'mme invoke --model NewYork_NY --role-arn arn:aws:iam::123456789012:role/mme-invoke-NewYork_NY@mme-linear-learner',
    'mme invoke --algorithm knn --model Chicago_IL       # the price and the 5 nearest houses',
    'mme invoke --algorithm rcf --model Chicago_IL --features 1900,40000,12,10,30,9,y,y   # anomaly score',
  ])
    .addOption(
      required(
        new Option(
          '--model <location>',
          'the target model: a location (shorthand for {LOC}/{LOC}.tar.gz) or a key under the prefix',
        ),
      ),
    )
    .addOption(
      new Option(
        '--features <csv>',
        'one row of the 8 features: YEAR_BUILT,SQUARE_FEET,NUM_BEDROOMS,NUM_BATHROOMS,LOT_ACRES,GARAGE_SPACES,FRONT_PORCH,DECK',
      ).conflicts('random'),
    )
    .addOption(
      new Option(
        '--random <n>',
        'invoke with n random houses instead (default when --features is absent: 1)',
      ).argParser(parse.integer(1, 10_000)),
    )
    .addOption(
      new Option('--seed <n>', 'seed of the random houses (default: a random seed, printed)')
        .argParser(parse.integer(0, 0xffff_ffff))
        .conflicts('features'),
    )
    .option('--batch', 'send all rows in one request (one CSV line each) instead of one request per row')
    .addOption(
      new Option('--endpoint <name>', 'endpoint name (default: the one `mme deploy` created)').argParser(
        parse.resourceName,
      ),
    )
    .addOption(new Option('--content-type <type>', 'request body type').default('text/csv'))
    .addOption(
      new Option(
        '--accept <type>',
        "response type (default: the algorithm's, application/json; for k-NN with verbose=true, which adds the neighbours)",
      ),
    )
    .addOption(
      new Option('--role-arn <arn>', 'assume this role first and invoke with its session (see `mme grant`)').argParser(
        parse.roleArn,
      ),
    )
    .addOption(
      new Option('--session-name <name>', 'role session name, with --role-arn').default(undefined, 'mme-invoke'),
    )
    .addOption(algorithmOption())
    .action(act(async () => (await import('./commands/invoke.js')).invoke));

  leaf(
    program,
    'add-model',
    'add a model to the running endpoint by copying its artifact under the prefix (no endpoint update)',
    [
      'mme add-model Houston_TX',
      'mme add-model Houston_TX --as Houston_TX_v2     # never overwrite a loaded model: use a new name',
      'mme add-model Houston_TX --dry-run              # read the target, print the copy and the invocation, send neither',
    ],
  )
    .argument('<location>', 'the location whose trained model to add')
    .option('--as <name>', 'model name under the prefix (default: the location)')
    .addOption(
      new Option(
        '--artifact <s3uri>',
        "copy this model.tar.gz instead of the location's latest training output",
      ).argParser(parse.s3Uri),
    )
    .option('--force', 'overwrite an existing model of that name (unsafe while the endpoint may have it loaded)')
    .addOption(
      new Option('--endpoint <name>', `endpoint to invoke it on afterwards (default: ${defaultEndpoints()})`).argParser(
        parse.resourceName,
      ),
    )
    .option(
      '--dry-run',
      'print the requests (with --json: as a JSON array) and send none; it reads the target to plan (the trained model, the key, the endpoint)',
    )
    .addOption(algorithmOption())
    .action(act(async () => (await import('./commands/add-model.js')).addModel));

  leaf(
    program,
    'grant',
    'create a role that may invoke only some models (IAM condition sagemaker:TargetModel), or remove it',
    [
      'mme grant --prefix NewYork_NY                # may invoke NewYork_NY/* on the endpoint',
      'mme grant --prefix NewYork_NY --prefix Chicago_IL --role-name city-analysts',
      'mme grant --prefix NewYork_NY --dry-run      # print the policies and the IAM requests, send none',
      'mme grant --prefix NewYork_NY --remove',
      'mme grant --prefix NewYork_NY --endpoint houses   # another endpoint: its own role, mme-invoke-NewYork_NY@houses',
    ],
  )
    .addOption(
      required(
        new Option(
          '--prefix <prefixes...>',
          'TargetModel prefixes the role may invoke (repeatable or comma-separated; NewYork_NY grants StringLike "NewYork_NY/*"); not the S3 prefix',
        ).argParser(parse.list),
      ),
    )
    .addOption(
      new Option('--endpoint <name>', 'endpoint name (default: the one `mme deploy` created)').argParser(
        parse.resourceName,
      ),
    )
    .option(
      '--principal <arn>',
      'who may assume the role: an account id or a principal ARN (default: the caller; for a role session, its role)',
    )
    .option(
      '--role-name <name>',
      'role name (default: derived from the prefixes and the endpoint, e.g. mme-invoke-NewYork_NY@mme-linear-learner)',
    )
    .option(
      '--remove',
      'delete the role of these prefixes on this endpoint, and its inline policy, instead (a role mme did not create, or granted on another endpoint, only with --yes)',
    )
    .option('--dry-run', 'print the policy documents and the API requests in order, and send none')
    .action(act(async () => (await import('./commands/grant.js')).grant));

  leaf(
    program,
    'metrics',
    "chart the endpoint's multi-model metrics from CloudWatch (LoadedModelCount, ModelCacheHit, …)",
    [
      'mme metrics',
      'mme metrics --since 2h --period 300 --metric LoadedModelCount,MemoryUtilization',
      'mme metrics --since 5m --period 5                # local: the local cloud keeps 1-second data',
      'mme metrics --metric ModelLatency:p99 --no-chart',
      'mme metrics --json',
    ],
  )
    .addOption(
      new Option('--endpoint <name>', 'endpoint name (default: the one `mme deploy` created)').argParser(
        parse.resourceName,
      ),
    )
    .addOption(
      new Option('--since <duration>', 'look-back window: 90s, 30m, 6h, 2d')
        .default(1800, '30m')
        .argParser(parse.duration),
    )
    .addOption(
      new Option(
        '--period <seconds>',
        'datapoint period: 1, 5, 10, 30 or a multiple of 60 (AWS publishes per minute; the local cloud per second)',
      )
        .default(60)
        .argParser(parse.integer(1, 86_400)),
    )
    .addOption(
      new Option(
        '--metric <names...>',
        'metrics to show, NAME or NAME:STAT (repeatable or comma-separated; default: LoadedModelCount, MemoryUtilization, ModelCacheHit, Invocations, ModelLatency and the loading times)',
      ).argParser(parse.list),
    )
    .option('--no-chart', 'print the datapoints as a table instead of charts')
    .action(act(async () => (await import('./commands/metrics.js')).metrics));

  leaf(
    program,
    'logs',
    "print what a training job's, transform job's or endpoint's containers wrote to CloudWatch Logs, on either target",
    [
      'mme logs mme-linear-learner                   # the endpoint: model loads, unloads, invocation errors',
      'mme logs mme-linear-learner --since 10m --follow   # the last ten minutes, then new lines until Ctrl-C',
      'mme logs JOB --follow                         # a training or transform job (names in `mme status`, `mme train`): until it ends',
      "mme logs JOB --json | jq -r '.result.lines[].message'",
      'aws logs filter-log-events --log-group-name /aws/sagemaker/TrainingJobs --log-stream-name-prefix JOB/   # the same, with the AWS CLI',
    ],
  )
    .argument('<name>', "a training job, transform job or endpoint (SageMaker's Describe calls say which)")
    .addOption(
      new Option(
        '--since <duration>',
        'only lines of this look-back window: 90s, 30m, 6h, 2d (default: all)',
      ).argParser(parse.duration),
    )
    .option(
      '-f, --follow',
      'keep printing new lines: for a job until it ends (exit 1 if it Failed), for an endpoint until Ctrl-C (exit 130); with --json one document when it ends',
    )
    .addHelpText(
      'after',
      `
Where the lines are (CloudWatch Logs groups, as SageMaker names them):
  training jobs   /aws/sagemaker/TrainingJobs, stream JOB/algo-N-EPOCHSECONDS (N: the instance, from 1)
  transform jobs  /aws/sagemaker/TransformJobs, stream JOB/INSTANCE-EPOCHSECONDS
  endpoints       /aws/sagemaker/Endpoints/ENDPOINT, stream VARIANT/INSTANCE, or VARIANT/INSTANCE/CONTAINER in a pipeline
Each line shows its time (UTC), its stream (without the job's name) and the message.
Exit codes: 0 ok, 1 a followed job Failed, 4 no job or endpoint of that name, 5 no logs:FilterLogEvents permission, 130 Ctrl-C.`,
    )
    .action(act(async () => (await import('./commands/logs.js')).logs));

  const experiment = program
    .command('experiment')
    .description(
      'the multi-model cache experiment: cache (on the target) | replay (offline, through the eviction policies)',
    );
  leaf(
    experiment,
    'cache',
    'copy N models under the prefix, invoke 0..N/2-1, 0..N/2-1, 0..N-1 one at a time, then chart LoadedModelCount, MemoryUtilization and ModelCacheHit',
    [
      'mme experiment cache                                   # 200 models, 400 calls, on the deployed endpoint',
      'mme experiment cache --models 60 --instance-type ml.t2.medium   # own endpoint; 4 GiB: plateau near 30 models',
      'mme --target aws --bucket my-bucket experiment cache --instance-type ml.m4.xlarge',
      'mme experiment cache --algorithm xgboost --models 100     # copies of the XGBoost model, on mme-xgboost',
    ],
  )
    .addOption(algorithmOption())
    .addOption(
      new Option('--models <n>', 'copies of the model under the prefix ({LOC}/{i}_{LOC}.tar.gz)')
        .default(200)
        .argParser(parse.integer(2, 10_000)),
    )
    .option(
      '--model <location>',
      'the location whose model is copied (the copy under the prefix, else its latest training output)',
      'Houston_TX',
    )
    .addOption(
      new Option(
        '--endpoint <name>',
        'the endpoint to invoke, or with --instance-type the one whose model to host (default: the one `mme deploy` created)',
      ).argParser(parse.resourceName),
    )
    .option(
      '--instance-type <type>',
      'run on an endpoint of its own, mme-cache-experiment, on this instance type (starts cold; deleted afterwards). On local the type sets the memory: ml.m4.xlarge 16 GiB',
    )
    .option('--keep-endpoint', 'with --instance-type: keep mme-cache-experiment afterwards')
    .option('--keep-copies', 'leave the N copies under the prefix afterwards (by default they are deleted at the end)')
    .addOption(
      new Option(
        '--pace <ms>',
        "milliseconds from one call's start to the next (default: 50 on local, where calls take a few ms and the charts would be one dot; 0 on aws)",
      ).argParser(parse.integer(0, 60_000)),
    )
    .addOption(
      new Option(
        '--metrics-timeout <duration>',
        'how long to wait for the metrics to reach CloudWatch (default: 6m on aws, 30s on local)',
      ).argParser(parse.duration),
    )
    .option('--no-chart', 'print the metrics as a table instead of charts')
    .option(
      '--dry-run',
      'print the requests (with --json: as a JSON array) and send none; it reads the target to plan (the model to copy, the endpoint)',
    )
    .action(act(async () => (await import('./commands/experiment.js')).cache));
  leaf(
    experiment,
    'replay',
    "replay a request trace through the eviction policies and Belady's optimum, offline (no cloud): hit ratio and load time",
    [
      'mme experiment replay                                  # the reference experiment at 121 models',
      'mme experiment replay --zipf 0.9 --capacity-models 1000',
      'mme experiment replay --trace requests.csv --capacity-bytes 12GiB --policies lru,gdsf',
    ],
  )
    .addOption(
      new Option(
        '--trace <file>',
        'a trace: one request per line, modelKey[,sizeBytes[,loadMs]]; # comments',
      ).conflicts('zipf'),
    )
    .option('--zipf <s>', 'a seeded Zipf trace with exponent s (0 = uniform; web traces 0.6-1)')
    .addOption(
      new Option(
        '--models <n>',
        'models of a --zipf trace (default 10000), or copies in the reference experiment (default 200)',
      ).argParser(parse.integer(1, 10_000_000)),
    )
    .addOption(
      new Option('--requests <n>', 'requests of a --zipf trace (default 200000)').argParser(
        parse.integer(0, 100_000_000),
      ),
    )
    .addOption(new Option('--seed <n>', 'seed of a --zipf trace').argParser(parse.integer(0, 0xffff_ffff)))
    .addOption(
      new Option(
        '--capacity-models <n>',
        'cache capacity in models (sizes ignored; default: 10% of the models, 121 for the reference experiment)',
      )
        .argParser(parse.integer(1))
        .conflicts('capacityBytes'),
    )
    .option('--capacity-bytes <size>', "cache capacity in bytes over the trace's model sizes: 4096, 512MiB, 12GiB")
    // No commander default: with a parser, commander would append to it instead of replacing it.
    .addOption(
      new Option(
        '--policies <names...>',
        'eviction policies to compare: lru, gdsf, sieve, lfu, fifo (default: lru,gdsf,sieve,lfu)',
      ).argParser(parse.list),
    )
    .action(act(async () => (await import('./commands/experiment.js')).replay));

  // ── the local cloud ────────────────────────────────────────────────────────────────────
  const local = program
    .command('local')
    .description(
      'the embedded local cloud: start | stop | status | env (commands on --target local start it by themselves)',
    );
  const state = () => new Option('--state <dir>', 'state directory (env MME_LOCAL_STATE; default: ./.mme/local)');
  leaf(local, 'start', 'start the local cloud in the background (nothing happens if it already runs)', [
    'mme local start',
    'mme local start --port 4566 --state /tmp/mme-state',
  ])
    .addOption(
      new Option(
        '--port <n>',
        'port on 127.0.0.1 (env MME_LOCAL_PORT; default: the last one used, else a free one)',
      ).argParser(parse.integer(0, 65_535)),
    )
    .addOption(state())
    .action(act(async () => (await import('./commands/local.js')).start));
  leaf(local, 'stop', 'stop the local cloud (its state stays on disk)', ['mme local stop'])
    .addOption(state())
    .action(act(async () => (await import('./commands/local.js')).stop));
  leaf(
    local,
    'status',
    'show whether the local cloud runs, where, and its access key (the secret with --json or `mme local env`)',
    ['mme local status', 'mme local status --json'],
  )
    .addOption(state())
    .action(act(async () => (await import('./commands/local.js')).status));
  leaf(
    local,
    'env',
    'print shell exports that point AWS tools (AWS CLI, boto3, SDKs) and mme itself at the local cloud; starts it if needed',
    ['eval "$(mme local env)" && aws s3 ls && aws sagemaker list-endpoints'],
  )
    .addOption(state())
    .action(act(async () => (await import('./commands/local.js')).env));

  // ── everything at once ─────────────────────────────────────────────────────────────────
  leaf(
    program,
    'demo',
    'run the whole workflow: data, preprocess, train, deploy, invoke, add a model, grant, metrics',
    [
      'mme demo',
      'mme demo --clean         # tear the endpoint and the role down afterwards (the data stays)',
      'mme demo --rows 300 --seed 7 --endpoint demo-houses',
      'mme demo --algorithm xgboost   # the same journey with XGBoost, on its own endpoint mme-xgboost',
      "mme demo --dry-run       # the first steps' requests (data, preprocess, train), sent by none",
    ],
  )
    .option('--keep', 'keep the endpoint and data afterwards (the default)')
    .addOption(
      new Option(
        '--clean',
        'at the end, delete the endpoint (its configuration and models) and the granted role; the data and the artifacts stay',
      ).conflicts('keep'),
    )
    .addOption(
      new Option(
        '--seed <n>',
        'seed of the data, the validation split and the random houses: the same seed writes the same data',
      )
        .default(42)
        .argParser(parse.integer(0, 0xffff_ffff)),
    )
    .addOption(
      new Option('--rows <n>', 'houses per location, before the train/test split')
        .default(DEFAULT_ROWS)
        .argParser(parse.integer(10, 10_000_000)),
    )
    .addOption(algorithmOption())
    .addOption(
      new Option('--endpoint <name>', `endpoint name (default: ${defaultEndpoints()})`).argParser(parse.resourceName),
    )
    .option(
      '--dry-run',
      'print the requests of the data, preprocess and train steps (with --json: as a JSON array) and send none; the later steps plan from what those create, so they are named, not listed',
    )
    .action(act(async () => (await import('./commands/demo.js')).demo));

  leaf(
    program,
    'status',
    'show the endpoints, the models under their multi-model prefix, and the latest trained model per location',
    [
      'mme status',
      'mme status --models      # local target: hits, loads, evictions and latency per TargetModel',
      'mme --target aws status --json',
      'mme status --algorithm knn   # the trained k-NN models (each algorithm keeps its own)',
    ],
  )
    .addOption(
      new Option('--endpoint <name>', 'only this endpoint (default: every endpoint)').argParser(parse.resourceName),
    )
    .option('--models', 'add figures per TargetModel (local target only: SageMaker does not offer them)')
    .addOption(algorithmOption())
    .action(act(async () => (await import('./commands/status.js')).status));

  leaf(
    program,
    'console',
    'serve a page on 127.0.0.1 showing the endpoints, their models and cache, the charts, jobs and grants, live, with an invoke form; until Ctrl-C',
    [
      'mme console                  # prints http://127.0.0.1:PORT/?token=…, the page to open',
      'mme console --port 8080 --open',
      'mme --target aws console --json | head -1 | jq -r .url',
    ],
  )
    .addOption(new Option('--port <n>', 'port on 127.0.0.1 (default: a free one)').argParser(parse.integer(0, 65_535)))
    .option('--open', "open the page in the desktop's browser")
    .action(act(async () => (await import('./commands/console.js')).serveConsole));

  leaf(
    program,
    'teardown',
    'delete the endpoint, its configurations and models (lists them and asks first, unless --yes)',
    [
      'mme teardown',
      "mme teardown --all --yes     # also the objects under the S3 prefix, the jobs' outputs and the preprocessor models",
      'mme teardown --all --dry-run # list it and print the delete requests, asking nothing and sending none',
    ],
  )
    .addOption(
      new Option('--endpoint <name>', 'endpoint name (default: mme-linear-learner)').argParser(parse.resourceName),
    )
    .option(
      '--all',
      'also delete the objects under s3://{bucket}/{prefix}/, the preprocess and transform outputs and the preprocessor models (raw housing-data/ stays)',
    )
    .option(
      '--dry-run',
      'print the delete requests (with --json: as a JSON array) and send none; it reads the target to find what there is to delete',
    )
    .action(act(async () => (await import('./commands/teardown.js')).teardown));

  addGlobalCopies(program);
  return program;
}

/**
 * Options a leaf cannot run without. Not commander's makeOptionMandatory: commander checks those
 * before unknown options, so `invoke --modle X` would say "--model not specified" instead of
 * naming the misspelt option and the nearest real one. act() checks these once parsing is done.
 */
const REQUIRED = new WeakSet<Option>();

function required(option: Option): Option {
  REQUIRED.add(option);
  return option;
}

function checkRequired(command: Command): void {
  for (const option of command.options) {
    if (REQUIRED.has(option) && command.getOptionValue(option.attributeName()) === undefined) {
      throw new UsageError(
        `required option '${option.flags}' not specified`,
        `Run 'mme ${command.parent?.parent ? `${command.parent.name()} ` : ''}${command.name()} --help' for usage.`,
      );
    }
  }
}

/**
 * Give every leaf command its own copy of the global options (see the top of this file), under
 * "Global Options:" in its help. A leaf that defines an option of the same name keeps its own.
 */
function addGlobalCopies(command: Command): void {
  for (const sub of command.commands) {
    if (sub.commands.length > 0) {
      addGlobalCopies(sub);
      continue;
    }
    for (const option of globalOptions()) {
      if (!sub.options.some((o) => o.long === option.long)) sub.addOption(option.helpGroup(GLOBAL_OPTIONS_GROUP));
    }
  }
}
