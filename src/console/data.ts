/**
 * What the console's page asks for, answered by the workflow functions the CLI commands call
 * (status, metrics, jobs, logs, grants, invoke): the page shows what `mme status`, `mme metrics`,
 * `mme logs` and `mme invoke` print, from the same code, on either target. Each answer is plain
 * JSON of workflow results; credentials stay in `clients` and never appear in one.
 */
import { randomInt } from 'node:crypto';
import type { Clients, TargetConnection } from '../aws/clients.js';
import { targetModelLoads } from '../aws/local-extension.js';
import { UsageError } from '../errors.js';
import { listGrants, type GrantedRole } from '../workflow/grant-list.js';
import {
  invokeEndpoint,
  parseFeatures,
  randomRows,
  resolveTargetModel,
  type InvokeResult,
} from '../workflow/invoke.js';
import { listRecentJobs, type ListedJob } from '../workflow/job-list.js';
import { readJobLogTail } from '../workflow/logs.js';
import { endpointVariant, fetchMetrics, periodFor, resolveMetric, type MetricsResult } from '../workflow/metrics.js';
import { describePipeline, type ContainerReport } from '../workflow/pipeline-containers.js';
import { silentReporter } from '../workflow/reporter.js';
import { collectStatus, type StatusResult } from '../workflow/status.js';

export interface ConsoleTarget {
  clients: Clients;
  target: 'aws' | 'local';
  region: string;
  /** The S3 prefix whose trained models `mme status` lists. */
  prefix: string;
  bucket?: string;
  /** Local target only: the root's connection, for the local status extension. */
  localRoot?: TargetConnection;
}

/** The post's charts, in its order. */
const CONSOLE_METRICS = [
  'LoadedModelCount',
  'MemoryUtilization',
  'ModelCacheHit',
  'Invocations',
  'ModelLatency',
  'ModelLoadingWaitTime',
] as const;

/** The windows the page offers, in seconds (5 minutes to a day). */
const WINDOWS = [300, 900, 3600, 3 * 3600, 24 * 3600] as const;

/** A chart of up to this many points: enough detail, little to send. */
const CHART_POINTS = 120;

export interface Overview extends StatusResult {
  target: 'aws' | 'local';
  bucket?: string;
  prefix: string;
  /** Per endpoint: the containers of each variant's model, by model name. */
  pipelines: Record<string, ContainerReport[]>;
  /** How often the page should ask again: SageMaker's Describe APIs are rate-limited on AWS. */
  refreshMs: number;
}

export interface ConsoleInvokeResult extends InvokeResult {
  /** Whether the call loaded the model (a cold call): known on the local target, null on AWS. */
  cold: boolean | null;
}

export function consoleData(t: ConsoleTarget) {
  return {
    async overview(): Promise<Overview> {
      const status = await collectStatus(t.clients, silentReporter, {
        region: t.region,
        prefix: t.prefix,
        ...(t.localRoot ? { local: t.localRoot } : {}),
      });
      const sm = await t.clients.sageMaker();
      const names = [...new Set(status.endpoints.flatMap((e) => e.variants.map((v) => v.modelName)))];
      const pipelines: Record<string, ContainerReport[]> = {};
      await Promise.all(
        names.map(async (name) => {
          if (name) pipelines[name] = await describePipeline(sm, name).catch(() => []);
        }),
      );
      return {
        target: t.target,
        ...(t.bucket ? { bucket: t.bucket } : {}),
        prefix: t.prefix,
        ...status,
        pipelines,
        refreshMs: t.target === 'local' ? 2000 : 15_000,
      };
    },

    /** The post's charts of one endpoint over the last `sinceSeconds`. */
    async metrics(endpoint: string, sinceSeconds: number): Promise<MetricsResult> {
      if (!WINDOWS.includes(sinceSeconds as (typeof WINDOWS)[number]))
        throw new UsageError(`window ${sinceSeconds} s is not one of ${WINDOWS.join(', ')}`);
      // SageMaker publishes per minute; the local cloud keeps 1-second data (src/workflow/metrics.ts).
      const period = periodFor(sinceSeconds, t.target === 'aws' ? 60 : 1, CHART_POINTS);
      const { variant } = await endpointVariant(await t.clients.sageMaker(), endpoint);
      const end = new Date();
      const start = new Date(end.getTime() - sinceSeconds * 1000);
      const window = { endpoint, variant, start, end, period };
      const series = await fetchMetrics(await t.clients.cloudWatch(), CONSOLE_METRICS.map(resolveMetric), window);
      return { ...window, series };
    },

    jobs(): Promise<ListedJob[]> {
      return t.clients.sageMaker().then((sm) => listRecentJobs(sm, 10));
    },

    async jobLog(kind: string, name: string): Promise<{ lines: string[] }> {
      if (kind !== 'training-job' && kind !== 'transform-job') throw new UsageError(`no such job kind: ${kind}`);
      return { lines: (await readJobLogTail(t.clients, kind, name, 40)) ?? [] };
    },

    grants(): Promise<GrantedRole[]> {
      return listGrants(t.clients);
    },

    /** A house drawn as `mme invoke --random` draws them, to fill the form. */
    sample(model: string): { features: string } {
      return { features: randomRows(1, randomInt(0, 0xffff_ffff), resolveTargetModel(model))[0]! };
    },

    /** One InvokeEndpoint, as `mme invoke --features` sends it. */
    async invoke(body: unknown): Promise<ConsoleInvokeResult> {
      const b = (body ?? {}) as { endpoint?: unknown; model?: unknown; features?: unknown };
      if (typeof b.endpoint !== 'string' || typeof b.model !== 'string' || typeof b.features !== 'string')
        throw new UsageError('an invocation needs endpoint, model and features (strings)');
      const request = {
        endpoint: b.endpoint,
        targetModel: resolveTargetModel(b.model),
        rows: [parseFeatures(b.features)],
        // What `mme invoke` sends by default (program.ts): a CSV row in, JSON out.
        contentType: 'text/csv',
        accept: 'application/json',
      };
      // Loads counted before and after, as `mme invoke` does: only the local cloud can tell.
      const loads = () =>
        t.localRoot ? targetModelLoads(t.localRoot, request.endpoint, request.targetModel) : Promise.resolve(undefined);
      const before = await loads();
      const result = await invokeEndpoint(t.clients, silentReporter, request);
      const after = before === undefined ? undefined : await loads();
      return { ...result, cold: before === undefined || after === undefined ? null : after > before };
    },
  };
}

export type ConsoleData = ReturnType<typeof consoleData>;
