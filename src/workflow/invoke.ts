/**
 * Workflow step 4.4, `mme invoke` (docs/aws-behaviour.md#multi-model-hosting): InvokeEndpoint with
 * `X-Amzn-SageMaker-Target-Model`, one CSV row of the 8 features per request, as the reference
 * notebook sends them, timing each round trip: the first call of a model pays its download and
 * load (about a second on AWS), later ones are warm.
 *
 * The pure parts (feature rows, target model names, predictions, dollars, latency summaries) are
 * exported for tests; `invokeEndpoint` is the only part that talks to the target.
 */
import { performance } from 'node:perf_hooks';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import type { Clients } from '../aws/clients.js';
import { formatFeatures, drawHouse } from '../housing/generator.js';
import { isValidLocationName } from '../housing/locations.js';
import { Rng } from '../housing/rng.js';
import { FEATURE_COLUMNS, FEATURE_COUNT, NUMERIC_FEATURES } from '../housing/schema.js';
import { ExitCode, MmeError, UsageError, fromAwsError } from '../errors.js';
import type { Reporter } from './reporter.js';
import { parseAnswers, type Neighbour } from './answers.js';

// ── inputs ───────────────────────────────────────────────────────────────────────────────

/**
 * `--model Chicago_IL` is shorthand for the notebook's `Chicago_IL/Chicago_IL.tar.gz`; anything
 * that looks like a key already (a `/`, or a .tar.gz name) is the TargetModel as given.
 */
export function resolveTargetModel(model: string): string {
  const text = model.trim();
  if (text.length === 0)
    throw new UsageError('--model is empty', 'e.g. --model Chicago_IL or --model Chicago_IL/Chicago_IL.tar.gz');
  if (text.includes('/') || text.endsWith('.tar.gz')) return text;
  return `${text}/${text}.tar.gz`;
}

/** The location a TargetModel belongs to (its first path segment), when it is a valid name. */
export function locationOf(targetModel: string): string | undefined {
  const first = targetModel.split('/')[0]!.replace(/\.tar\.gz$/, '');
  return isValidLocationName(first) ? first : undefined;
}

/**
 * One `--features` row, checked column by column so the error names the column, and normalised
 * (trimmed, y/n lower-cased) into the CSV line that is sent. Nothing is sent for a bad row.
 */
export function parseFeatures(text: string): string {
  const cells = text
    .trim()
    .split(',')
    .map((c) => c.trim());
  const example = 'e.g. --features 1993,2728,6,3.0,0.7,1,y,y';
  if (cells.length !== FEATURE_COUNT) {
    throw new UsageError(
      `--features has ${cells.length} column${cells.length === 1 ? '' : 's'}; it needs ${FEATURE_COUNT}: ${FEATURE_COLUMNS.join(',')}`,
      example,
    );
  }
  const numeric = new Set<string>(NUMERIC_FEATURES);
  return cells
    .map((cell, i) => {
      const column = FEATURE_COLUMNS[i]!;
      const where = `--features column ${i + 1} (${column})`;
      if (numeric.has(column)) {
        // Number('') is 0 and Number('0x10') is 16: only plain decimals pass.
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell) || !Number.isFinite(Number(cell))) {
          throw new UsageError(`${where} is '${cell}', not a number`, example);
        }
        return cell;
      }
      const yn = cell.toLowerCase();
      if (yn !== 'y' && yn !== 'n') throw new UsageError(`${where} is '${cell}'; it must be y or n`, example);
      return yn;
    })
    .join(',');
}

/** `n` houses drawn as the data generator draws them, from their own stream of `seed`. */
export function randomRows(n: number, seed: number, targetModel: string): string[] {
  const rng = new Rng(seed, 'invoke', locationOf(targetModel) ?? targetModel);
  return Array.from({ length: n }, () => formatFeatures(drawHouse(rng)));
}

// ── outputs ──────────────────────────────────────────────────────────────────────────────

export interface LatencySummary {
  requests: number;
  p50Ms: number;
  maxMs: number;
  /** The first request: a model's first call includes its download and load (cold). */
  firstMs: number;
  /** The median of the later ones (warm), when there were any. */
  laterP50Ms?: number;
}

/** Median as the lower middle value: a latency that was really measured. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

export function summarizeLatencies(latenciesMs: readonly number[]): LatencySummary {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const later = latenciesMs.slice(1);
  return {
    requests: latenciesMs.length,
    p50Ms: round(median(latenciesMs)),
    maxMs: round(latenciesMs.length ? Math.max(...latenciesMs) : 0),
    firstMs: round(latenciesMs[0] ?? 0),
    ...(later.length ? { laterP50Ms: round(median(later)) } : {}),
  };
}

// ── the call ─────────────────────────────────────────────────────────────────────────────

export interface InvokeOptions {
  endpoint: string;
  targetModel: string;
  /** CSV lines, one house each. */
  rows: string[];
  contentType: string;
  accept: string;
  /** All rows in one request (newline-separated) instead of one request per row. */
  batch?: boolean;
}

export interface Invocation {
  features: string;
  prediction: number | null;
  /** k-NN's neighbours, when its answer was verbose. */
  neighbours?: Neighbour[];
  /** The response body as received (for a batch: the whole body, on each row). */
  raw: string;
  latencyMs: number;
  invokedProductionVariant?: string;
}

export interface InvokeResult {
  endpoint: string;
  targetModel: string;
  contentType: string;
  accept: string;
  batch: boolean;
  invocations: Invocation[];
  summary: LatencySummary;
}

/**
 * Invoke, one request per row (or one batch). Each answer is pushed onto `invocations` as it
 * arrives, so a caller keeps the predictions already made when the run is interrupted or a later
 * request fails.
 */
export async function invokeEndpoint(
  clients: Pick<Clients, 'sageMakerRuntime'>,
  reporter: Reporter,
  o: InvokeOptions,
  invocations: Invocation[] = [],
): Promise<InvokeResult> {
  // Built before the clock starts: loading the SDK package is not part of a round trip.
  const rt = await clients.sageMakerRuntime();
  const requests = o.batch ? [o.rows] : o.rows.map((r) => [r]);
  const id = 'invoke';
  for (const [i, rows] of requests.entries()) {
    reporter.report({
      kind: i === 0 ? 'start' : 'update',
      id,
      text: `Invoking ${o.targetModel} on ${o.endpoint}${requests.length > 1 ? ` (${i + 1}/${requests.length})` : ''}`,
    });
    const started = performance.now();
    let out;
    try {
      out = await rt.send(
        new InvokeEndpointCommand({
          EndpointName: o.endpoint,
          TargetModel: o.targetModel,
          ContentType: o.contentType,
          Accept: o.accept,
          Body: Buffer.from(rows.join('\n')),
        }),
      );
    } catch (err) {
      const error = invokeError(err, o.endpoint, o.targetModel, invocations.length);
      reporter.report({ kind: 'fail', id, text: `${o.targetModel}: ${error.code}` });
      throw error;
    }
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const raw = Buffer.from(out.Body ?? new Uint8Array()).toString('utf8');
    const answers = parseAnswers(raw, out.ContentType);
    rows.forEach((features, j) =>
      invocations.push({
        features,
        prediction: answers[j]?.value ?? null,
        ...(answers[j]?.neighbours ? { neighbours: answers[j].neighbours } : {}),
        raw,
        latencyMs,
        ...(out.InvokedProductionVariant ? { invokedProductionVariant: out.InvokedProductionVariant } : {}),
      }),
    );
  }
  reporter.report({
    kind: 'succeed',
    id,
    text: `${o.targetModel}: ${requests.length} request${requests.length === 1 ? '' : 's'}`,
  });
  return invokeResult(o, invocations);
}

/** The result of the invocations made (all of them, or those before an interrupt). */
export function invokeResult(o: InvokeOptions, invocations: Invocation[]): InvokeResult {
  // A batch's rows share one request, and so one latency.
  const latencies = (o.batch ? invocations.slice(0, 1) : invocations).map((i) => i.latencyMs);
  return {
    endpoint: o.endpoint,
    targetModel: o.targetModel,
    contentType: o.contentType,
    accept: o.accept,
    batch: !!o.batch,
    invocations,
    summary: summarizeLatencies(latencies),
  };
}

/**
 * InvokeEndpoint's errors (docs/aws-behaviour.md#invoke-endpoint-errors), each with the exit code a script can act on:
 * ModelError is the model's own failure (1, with its OriginalMessage); an endpoint or model that
 * does not exist is ValidationError on the wire but "not found" to a user (4); AccessDenied is 5.
 */
export function invokeError(err: unknown, endpoint: string, targetModel: string, succeeded = 0): MmeError {
  const e = err as {
    name?: string;
    message?: string;
    OriginalMessage?: string;
    OriginalStatusCode?: number;
    LogStreamArn?: string;
  };
  const detail = { endpoint, targetModel, succeededBefore: succeeded };
  if (e?.name === 'ModelError') {
    // The failing container may be the preprocessor, not the target model: say "a container".
    return new MmeError(
      'ModelError',
      `a container of ${endpoint} answered ${e.OriginalStatusCode ?? 'an error'} for ${targetModel}: ${e.OriginalMessage ?? e.message}`,
      {
        exitCode: ExitCode.Failure,
        cause: err,
        hint: `The container's log says more: 'mme logs ${endpoint}'${e.LogStreamArn ? ` (${e.LogStreamArn})` : ''}.`,
        detail: {
          ...detail,
          originalStatusCode: e.OriginalStatusCode ?? null,
          originalMessage: e.OriginalMessage ?? null,
          logStreamArn: e.LogStreamArn ?? null,
        },
      },
    );
  }
  const message = e?.message ?? String(err);
  if (e?.name === 'ValidationError' && /^Endpoint .* not found\.?$/.test(message)) {
    return new MmeError('ValidationError', message, {
      exitCode: ExitCode.NotFound,
      cause: err,
      detail,
      hint: `Create it with 'mme deploy', or name another with --endpoint (see 'mme status').`,
    });
  }
  if (
    e?.name === 'ValidationError' &&
    /Failed to download model data|Could not find model|model.*not found/i.test(message)
  ) {
    const location = locationOf(targetModel);
    return new MmeError('ValidationError', message, {
      exitCode: ExitCode.NotFound,
      cause: err,
      detail,
      hint: `No model ${targetModel} under the endpoint's multi-model prefix. Add it with 'mme add-model ${location ?? '<location>'}'; 'mme status' lists the models there.`,
    });
  }
  return fromAwsError(err);
}
