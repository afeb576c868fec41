/**
 * The client side of the local cloud's one non-AWS route, GET /__mme/endpoints/{name}/status
 * (src/local/services/runtime/local-status.ts; its document is src/formats/endpoint-status.ts):
 * loaded models per instance and cache figures, which the SageMaker API does not expose. Signed like any SageMaker Runtime request, so the
 * local cloud authenticates and authorizes it as it does the rest. Lives in src/aws beside the
 * SDK clients because it is the one request mme sends without an SDK client.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { fromAwsError } from '../errors.js';
import { Sha256 } from '../signing/sha256.js';
import { localStatusPath, type LocalEndpointStatus } from '../formats/endpoint-status.js';
import type { TargetConnection } from './clients.js';
import { REQUEST_TIMEOUT_MS, timeoutError } from './timeouts.js';

/**
 * GET the endpoint's status from the local cloud, signed as the SDK signs SageMaker Runtime
 * requests (signing name `sagemaker`, so the local cloud routes it to the runtime service).
 */
export async function localEndpointStatus(
  connection: TargetConnection,
  endpointName: string,
): Promise<LocalEndpointStatus> {
  const url = new URL(localStatusPath(endpointName), connection.endpoint);
  const signer = new SignatureV4({
    credentials: connection.credentials,
    region: connection.region,
    service: 'sagemaker',
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: {},
    headers: { host: url.host },
  });
  // Not an SDK call, so the SDK's timeouts do not cover it: the same default, the same message.
  const requestMs = REQUEST_TIMEOUT_MS.default!;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { headers: signed.headers, signal: AbortSignal.timeout(requestMs) });
    text = await response.text();
  } catch (err) {
    if ((err as Error)?.name !== 'TimeoutError') throw err;
    throw timeoutError({
      service: 'mme local cloud',
      operation: 'endpoint status',
      endpoint: url.origin,
      kind: 'request',
      timeouts: { connectMs: requestMs, requestMs },
      cause: err,
    });
  }
  if (!response.ok) {
    let body: { message?: string; Message?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: the status line says enough
    }
    const code = response.headers.get('x-amzn-errortype')?.split(':')[0] ?? `HTTP${response.status}`;
    throw fromAwsError(
      Object.assign(new Error(body.message ?? body.Message ?? text.slice(0, 200)), {
        name: code,
        $metadata: { httpStatusCode: response.status },
      }),
    );
  }
  return JSON.parse(text) as LocalEndpointStatus;
}

/**
 * How many times the endpoint has loaded `targetModel`, on all its instances; undefined when the
 * local cloud cannot say (the endpoint is gone, the caller may not read the status). Read before
 * and after invoking, it tells whether a call paid a download and load, which no AWS API says.
 */
export async function targetModelLoads(
  connection: TargetConnection,
  endpointName: string,
  targetModel: string,
): Promise<number | undefined> {
  try {
    const status = await localEndpointStatus(connection, endpointName);
    return status.models.filter((m) => m.targetModel === targetModel).reduce((n, m) => n + m.loads, 0);
  } catch {
    return undefined;
  }
}
