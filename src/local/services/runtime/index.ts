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
import { safeDecode, type LocalResponse } from '../../http.js';
import { notImplementedError } from '../../protocols/index.js';
import { restJson } from '../../protocols/rest-json.js';
import type { LocalService, ServiceCall } from '../../service.js';
import { sagemakerArn } from '../../../aws-names/arns.js';
import type { EndpointHost } from '../../hosting/index.js';
import { oversizeBody, validationError } from '../../hosting/errors.js';
import { isLocalStatusRequest, localEndpointStatus } from './local-status.js';

/** InvokeEndpoint's payload limit: 6 MiB. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

const INVOCATIONS_PATH = /^\/endpoints\/([^/]+)\/invocations$/;
const TARGET_MODEL = 'x-amzn-sagemaker-target-model';
const TARGET_VARIANT = 'x-amzn-sagemaker-target-variant';
const CUSTOM_ATTRIBUTES = 'x-amzn-sagemaker-custom-attributes';

export function createRuntimeService(host: EndpointHost): LocalService {
  return {
    id: 'sagemaker-runtime',
    protocol: restJson,
    async handle(call: ServiceCall): Promise<LocalResponse> {
      const { request } = call;
      if (isLocalStatusRequest(request)) return localEndpointStatus(call, host); // not AWS: see local-status.ts
      const match = request.method === 'POST' ? INVOCATIONS_PATH.exec(request.rawPath) : null;
      if (!match)
        throw notImplementedError(
          'sagemaker-runtime',
          `${request.method} ${request.rawPath} (only InvokeEndpoint is served)`,
        );
      // decodeURIComponent leaves a name without '%' as it is: skip the call (and its try) then.
      const rawName = match[1]!;
      const endpointName = rawName.includes('%') ? safeDecode(rawName) : rawName;
      const headers = request.headers;
      const targetModel = headers[TARGET_MODEL];
      call.authorize(
        'sagemaker:InvokeEndpoint',
        sagemakerArn(call.region, call.principal.accountId, 'endpoint', endpointName),
        {
          'sagemaker:TargetModel': targetModel,
        },
      );
      if (request.body.length > MAX_PAYLOAD_BYTES) throw oversizeBody(call.requestId);
      if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(endpointName) || endpointName.length > 63) {
        throw validationError(
          `1 validation error detected: Value at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*`,
        );
      }
      // serve, not invoke: a warm model answers without a promise per container (hot path).
      const served = host.serve({
        endpointName,
        body: request.body,
        contentType: headers['content-type'],
        accept: headers.accept,
        targetModel,
        targetVariant: headers[TARGET_VARIANT],
        customAttributes: headers[CUSTOM_ATTRIBUTES],
        accountId: call.principal.accountId,
        region: call.region,
        requestId: call.requestId,
      });
      const result = served instanceof Promise ? await served : served;
      const out: Record<string, string> = {
        'content-type': result.contentType,
        'x-amzn-requestid': call.requestId,
        'x-amzn-invoked-production-variant': result.invokedProductionVariant,
      };
      // SageMaker returns the container's custom attributes; ours echo the request's.
      if (result.customAttributes !== undefined) out[CUSTOM_ATTRIBUTES] = result.customAttributes;
      return { status: 200, headers: out, body: result.body };
    },
  };
}
