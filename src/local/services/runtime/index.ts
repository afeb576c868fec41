/**
 * SageMaker Runtime (REST-JSON): InvokeEndpoint, `POST /endpoints/{EndpointName}/invocations`.
 * The body goes to the endpoint raw, with the caller's Content-Type and Accept; the answer comes
 * back raw with the last container's Content-Type and `X-Amzn-Invoked-Production-Variant`.
 *
 * Order of checks: the caller is authorised first (sagemaker:InvokeEndpoint on the endpoint's
 * ARN, with the sagemaker:TargetModel condition key), so that an unauthorised caller learns
 * nothing, not even whether the endpoint exists; then the body size; then the endpoint host.
 * Anything the host throws that is not a ServiceError answers 500 (InternalFailure) through the
 * app, and the host stays up.
 */
import { notImplementedError } from '../../protocols/index.js';
import {
  serveOperations,
  type Operation,
  type OperationCall,
  type OperationTable,
} from '../../protocols/operations.js';
import { restJson, type RestJsonBinding, type RestJsonOutput } from '../../protocols/rest-json.js';
import type { LocalService } from '../../service.js';
import { sagemakerArn } from '../../../aws-names/arns.js';
import type { EndpointHost } from '../../hosting/index.js';
import { oversizeBody, validationError } from '../../hosting/errors.js';
import { LOCAL_STATUS_PATH, localEndpointStatus } from './local-status.js';

/** InvokeEndpoint's payload limit: 6 MiB. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

const TARGET_MODEL = 'x-amzn-sagemaker-target-model';
const TARGET_VARIANT = 'x-amzn-sagemaker-target-variant';
const CUSTOM_ATTRIBUTES = 'x-amzn-sagemaker-custom-attributes';

type RuntimeOperation = Operation<OperationCall, string[], string[], RestJsonOutput, RestJsonBinding>;

function runtimeOperations(
  host: EndpointHost,
): OperationTable<OperationCall, string[], RestJsonOutput, RestJsonBinding> {
  const invokeEndpoint: RuntimeOperation = {
    action: 'sagemaker:InvokeEndpoint',
    http: { method: 'POST', path: /^\/endpoints\/([^/]+)\/invocations$/ },
    resource: (call, [endpointName]) => ({
      arn: sagemakerArn(call.region, call.principal.accountId, 'endpoint', endpointName!),
      context: { 'sagemaker:TargetModel': call.request.headers[TARGET_MODEL] },
    }),
    run(call, [endpointName]) {
      const { request } = call;
      if (request.body.length > MAX_PAYLOAD_BYTES) throw oversizeBody(call.requestId);
      if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(endpointName!) || endpointName!.length > 63) {
        throw validationError(
          `1 validation error detected: Value at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*`,
        );
      }
      const headers = request.headers;
      // serve, not invoke: a warm model answers without a promise per container (hot path).
      const served = host.serve({
        endpointName: endpointName!,
        body: request.body,
        contentType: headers['content-type'],
        accept: headers.accept,
        targetModel: headers[TARGET_MODEL],
        targetVariant: headers[TARGET_VARIANT],
        customAttributes: headers[CUSTOM_ATTRIBUTES],
        accountId: call.principal.accountId,
        region: call.region,
        requestId: call.requestId,
      });
      return served instanceof Promise ? served.then(answer) : answer(served);
    },
  };
  return {
    InvokeEndpoint: invokeEndpoint,
    // Not AWS: the local cloud's endpoint status, for the account root only (see local-status.ts).
    LocalEndpointStatus: {
      action: undefined,
      http: { method: 'GET', path: LOCAL_STATUS_PATH },
      run: (call, [name]) => localEndpointStatus(call, host, name!),
    } satisfies RuntimeOperation,
  };
}

function answer(result: Awaited<ReturnType<EndpointHost['serve']>>): RestJsonOutput {
  const headers: Record<string, string> = {
    'content-type': result.contentType,
    'x-amzn-invoked-production-variant': result.invokedProductionVariant,
  };
  // SageMaker returns the container's custom attributes; ours echo the request's.
  if (result.customAttributes !== undefined) headers[CUSTOM_ATTRIBUTES] = result.customAttributes;
  return { headers, body: result.body };
}

export function createRuntimeService(host: EndpointHost): LocalService {
  return serveOperations({
    id: 'sagemaker-runtime',
    protocol: restJson,
    operations: runtimeOperations(host),
    context: (call) => call,
    unknownOperation: (name) => notImplementedError('sagemaker-runtime', `${name} (only InvokeEndpoint is served)`),
  });
}
