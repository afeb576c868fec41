/**
 * Timeouts of the SDK clients, and what a call that runs out of time says
 * (docs/aws-behaviour.md#timeouts-and-retries).
 *
 * The SDK's NodeHttpHandler has two clocks per attempt: `connectionTimeout` (TCP, and TLS, must be
 * up within it) and `requestTimeout` (the whole attempt, from sending to the last byte of the
 * answer). A timed-out attempt is a TimeoutError, which the standard and adaptive retry
 * strategies retry like any transient error, up to maxAttempts. What reaches the user after the
 * last attempt is the handler's own message ("the request socket did not establish a
 * connection…"), which names neither the service nor where it was sent; the middleware here
 * turns it into one that does, with the timeout that expired and a hint on changing it.
 */
import type { Settings } from '../config/settings.js';
import { ExitCode, MmeError } from '../errors.js';

export type NetworkSettings = Pick<Settings, 'connectTimeoutMs' | 'requestTimeoutMs' | 'retryMode' | 'maxAttempts'>;

/**
 * The request timeout of one attempt, by the client's serviceId, when no setting overrides it.
 * - SageMaker Runtime, 70 s: InvokeEndpoint answers within 60 s (the container's limit; a
 *   multi-model endpoint answers ModelNotReadyException at 60 s while a big model keeps loading),
 *   and the API reference advises a 70 s client socket timeout for it.
 * - S3, 120 s: objects move in one request (models, data, sourcedir.tar.gz; lib-storage's parts).
 * - everything else, 30 s: control-plane calls (SageMaker, IAM, STS, CloudWatch) that answer in
 *   well under a second when the service is healthy.
 */
export const REQUEST_TIMEOUT_MS: Readonly<Record<string, number>> = {
  'SageMaker Runtime': 70_000,
  S3: 120_000,
  default: 30_000,
};

interface Timeouts {
  connectMs: number;
  requestMs: number;
}

/** The parts of an SDK client this module touches (every v3 client has them). */
interface InstrumentableClient {
  config: { serviceId?: string; requestHandler?: unknown };
  middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
}

/**
 * Give a freshly built client its service's request timeout and the middleware that explains
 * timeouts. Returns the client.
 */
export function instrumentClient<T>(client: T, timeoutsFor: (serviceId: string) => Timeouts): T {
  const c = client as unknown as InstrumentableClient;
  const serviceId = c.config.serviceId ?? 'AWS';
  const timeouts = timeoutsFor(serviceId);
  const handler = c.config.requestHandler as
    { updateHttpClientConfig?: (key: string, value: unknown) => void } | undefined;
  // The shared configuration carries the default; the handler is per client, so this is local to it.
  handler?.updateHttpClientConfig?.('requestTimeout', timeouts.requestMs);
  c.middlewareStack.add(timeoutMessageMiddleware(serviceId, timeouts), {
    step: 'build',
    name: 'mmeTimeoutMessage',
    override: true,
  });
  return client;
}

type Next = (args: { request: unknown }) => Promise<unknown>;

/**
 * In the build step, outside the retry middleware (finalizeRequest): it sees the request as
 * serialized for the resolved endpoint and the error of the last attempt.
 */
function timeoutMessageMiddleware(serviceId: string, timeouts: Timeouts) {
  return (next: Next, context: { commandName?: string }) => async (args: { request: unknown }) => {
    try {
      return await next(args);
    } catch (err) {
      const problem = timeoutProblem(err);
      if (!problem) throw err;
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      throw timeoutError({
        service: serviceId,
        operation,
        endpoint: endpointOf(args.request),
        kind: problem,
        timeouts,
        attempts: attemptsOf(err),
        cause: err,
      });
    }
  };
}

/** Which clock ran out, from the handler's TimeoutError (its messages are the only tell). */
export function timeoutProblem(err: unknown): 'connect' | 'request' | undefined {
  const e = err as { name?: string; message?: string } | undefined;
  if (e?.name !== 'TimeoutError') return undefined;
  return /establish a connection|connection timed out/i.test(e.message ?? '') ? 'connect' : 'request';
}

export interface TimeoutFacts {
  service: string;
  operation: string;
  endpoint: string;
  kind: 'connect' | 'request';
  timeouts: Timeouts;
  attempts?: number;
  cause?: unknown;
}

/** The error a timed-out call ends with: exit 6, the service did not answer (README, Exit codes). */
export function timeoutError(f: TimeoutFacts): MmeError {
  const what = `${f.service}${f.operation ? ` ${f.operation}` : ''}`;
  const tries = f.attempts && f.attempts > 1 ? ` (${f.attempts} attempts)` : '';
  const message =
    f.kind === 'connect'
      ? `${what}: could not connect to ${f.endpoint} within the ${seconds(f.timeouts.connectMs)} connection timeout${tries}`
      : `${what}: no answer from ${f.endpoint} within the ${seconds(f.timeouts.requestMs)} request timeout${tries}`;
  const flag =
    f.kind === 'connect'
      ? '--connect-timeout SECONDS (MME_CONNECT_TIMEOUT, "connectTimeout")'
      : '--request-timeout SECONDS (MME_REQUEST_TIMEOUT, "requestTimeout")';
  return new MmeError(f.kind === 'connect' ? 'ConnectionTimeout' : 'RequestTimeout', message, {
    exitCode: ExitCode.Service,
    cause: f.cause,
    hint: `Check the network path to ${f.endpoint} (proxy, VPC endpoint, AWS_ENDPOINT_URL). If the service is only slow, raise ${flag}; --max-attempts sets how often it is tried.`,
    detail: {
      service: f.service,
      operation: f.operation,
      endpoint: f.endpoint,
      timeout: f.kind,
      timeoutMs: f.kind === 'connect' ? f.timeouts.connectMs : f.timeouts.requestMs,
      ...(f.attempts ? { attempts: f.attempts } : {}),
    },
  });
}

function attemptsOf(err: unknown): number | undefined {
  const n = (err as { $metadata?: { attempts?: number } })?.$metadata?.attempts;
  return typeof n === 'number' ? n : undefined;
}

/** `https://host[:port]` of a serialized HttpRequest. */
function endpointOf(request: unknown): string {
  const r = request as { protocol?: string; hostname?: string; port?: number } | undefined;
  if (!r?.hostname) return 'the service endpoint';
  const protocol = (r.protocol ?? 'https:').replace(/:?$/, ':');
  return `${protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
