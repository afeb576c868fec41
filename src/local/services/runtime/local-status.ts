/**
 * A LOCAL EXTENSION, not an AWS API: `GET /__mme/endpoints/{EndpointName}/status`, SigV4-signed
 * like any SageMaker Runtime request (signing name `sagemaker`), answered only for the account
 * root. It shows what SageMaker keeps inside its instances and no API reveals: the models loaded
 * on each instance, memory and disk use against the cache budget, and cache figures (hits,
 * misses, loads, evictions) per variant and per TargetModel. `mme status` reads it on the local
 * target; on AWS the closest are the CloudWatch metrics (`mme metrics`).
 *
 * Why here: the runtime service already holds the endpoint host, and the `__mme` path cannot
 * collide with an AWS route (SageMaker Runtime serves only `/endpoints/{name}/invocations…`).
 * Why root only: it is an operator's view, outside IAM's vocabulary, so no policy can grant it.
 *
 * The answer is JSON, camelCase (it is ours, not an AWS shape), with `extension` naming it.
 * Errors are REST-JSON errors like the runtime's: AccessDeniedException (403), ValidationError
 * "Endpoint … of account … not found." (400).
 */
import { sagemakerArn } from '../../../aws-names/arns.js';
import type { EndpointHost } from '../../hosting/index.js';
import {
  LOCAL_STATUS_EXTENSION,
  type CacheFigures,
  type EndpointStatus,
  type LocalEndpointStatus,
} from '../../../formats/endpoint-status.js';
import { endpointNotFound } from '../../hosting/errors.js';
import { accessDeniedError } from '../../protocols/index.js';
import type { RestJsonOutput } from '../../protocols/rest-json.js';
import type { ServiceCall } from '../../service.js';

export const LOCAL_STATUS_PATH = /^\/__mme\/endpoints\/([^/]+)\/status$/;

export function localEndpointStatus(call: ServiceCall, host: EndpointHost, name: string): RestJsonOutput {
  const resource = sagemakerArn(call.region, call.principal.accountId, 'endpoint', name);
  if (call.principal.kind !== 'root') {
    throw accessDeniedError(
      'sagemaker-runtime',
      `User: ${call.principal.arn} is not authorized to perform: mme:DescribeEndpointStatus on resource: ${resource} (a local extension, for the account root only)`,
    );
  }
  const status = host.status(name);
  if (!status) throw endpointNotFound(name, call.principal.accountId);
  const document: LocalEndpointStatus = {
    extension: LOCAL_STATUS_EXTENSION,
    ...status,
    variants: status.variants.map((v) => ({
      ...v,
      cache: cacheTotals(status.models.filter((m) => m.variantName === v.variantName)),
    })),
  };
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(document) };
}

function cacheTotals(models: EndpointStatus['models']): CacheFigures {
  const sum: CacheFigures = { hits: 0, misses: 0, loads: 0, evictions: 0 };
  for (const m of models) {
    sum.hits += m.cacheHits;
    sum.misses += m.cacheMisses;
    sum.loads += m.loads;
    sum.evictions += m.evictions;
  }
  return sum;
}
