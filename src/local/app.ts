/**
 * The local cloud as one function: `handle(LocalRequest) → LocalResponse`. It names the service
 * from the SigV4 credential scope, verifies the signature, resolves the principal, and hands the
 * request to the service; every error leaves through that service's protocol.
 */
import { randomUUID } from 'node:crypto';
import type { LocalRequest, LocalResponse } from './http.js';
import { ServiceError } from './service-error.js';
import type { LocalService, Principal, ServiceCall, ServiceId } from './service.js';
import { AuthError, parseAuthorization, verifySignature } from './auth/sigv4.js';
import type { CredentialStore } from './auth/credentials.js';
import { accessDeniedError, authServiceError, errorFormatterFor, notImplementedError } from './protocols/index.js';

/** Decides whether a principal may act; the access-control layer plugs in here. */
export type Authorizer = (
  principal: Principal,
  action: string,
  resource: string,
  context: Record<string, string | string[] | undefined>,
  /** About the request itself (optional, so authorizers that ignore it still fit). */
  request?: { region: string; receivedAt: Date },
) => { allowed: true } | { allowed: false; message: string };

/** Until IAM policies are evaluated, only the account root (which may do anything) is allowed. */
const rootOnlyAuthorizer: Authorizer = (principal, action, resource) =>
  principal.kind === 'root'
    ? { allowed: true }
    : {
        allowed: false,
        message: `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource}`,
      };

export interface AppOptions {
  credentials: CredentialStore;
  services: Partial<Record<ServiceId, LocalService>>;
  authorizer?: Authorizer;
  now?: () => Date;
  /** Called with unexpected (non-service) errors, e.g. to log them; they answer 500. */
  onInternalError?: (err: unknown, request: LocalRequest) => void;
}

/** A response at once when the service's work is synchronous (a warm InvokeEndpoint), else a promise; never throws. */
export type App = (request: LocalRequest) => LocalResponse | Promise<LocalResponse>;

const SCOPE_SERVICES: Record<string, ServiceId> = {
  s3: 's3',
  iam: 'iam',
  sts: 'sts',
  monitoring: 'monitoring',
  logs: 'logs',
};

/** Which service a request is for. `signingName` is the credential scope's service, if any. */
function identifyService(request: LocalRequest, signingName?: string): ServiceId | undefined {
  if (signingName === 'sagemaker' || (!signingName && request.headers['x-amz-target']?.startsWith('SageMaker.'))) {
    // One signing name, two APIs: the control plane names its operation in X-Amz-Target.
    return request.headers['x-amz-target'] ? 'sagemaker' : 'sagemaker-runtime';
  }
  if (signingName) return SCOPE_SERVICES[signingName];
  // Unsigned requests: guess from the request's shape, only to answer in the right protocol.
  if (request.headers['x-amz-target']?.startsWith('GraniteServiceVersion20100801.')) return 'monitoring';
  if (request.headers['x-amz-target']?.startsWith('Logs_20140328.')) return 'logs';
  if (/^\/endpoints\/[^/]+\/invocations$/.test(request.rawPath)) return 'sagemaker-runtime';
  const type = request.headers['content-type'] ?? '';
  if (request.method === 'POST' && type.startsWith('application/x-www-form-urlencoded')) {
    const body = request.body.toString('utf8');
    if (body.includes('Version=2011-06-15')) return 'sts';
    if (body.includes('Version=2010-08-01')) return 'monitoring';
    return 'iam';
  }
  return 's3';
}

/**
 * Request ids: a random per-process prefix and a counter, in the shape of a UUID (what AWS's
 * x-amzn-RequestId looks like). Unique within a process, and across processes by the prefix;
 * cheaper than a random UUID per request on the hot path.
 */
const REQUEST_ID_PREFIX = randomUUID().slice(0, 24);
let requestCounter = 0;
function nextRequestId(): string {
  requestCounter = (requestCounter + 1) % 0x1000000000000;
  return REQUEST_ID_PREFIX + requestCounter.toString(16).padStart(12, '0');
}

/** What a service gets: the request, who made it, and the authorizer bound to both (no per-request closure). */
class AppCall implements ServiceCall {
  constructor(
    readonly request: LocalRequest,
    readonly principal: Principal,
    readonly region: string,
    readonly requestId: string,
    private readonly serviceId: ServiceId,
    private readonly authorizer: Authorizer,
  ) {}

  authorize(action: string, resource: string, context: Record<string, string | string[] | undefined> = {}): void {
    const decision = this.authorizer(this.principal, action, resource, context, {
      region: this.region,
      receivedAt: this.request.receivedAt,
    });
    if (!decision.allowed) throw accessDeniedError(this.serviceId, decision.message);
  }
}

export function createApp(options: AppOptions): App {
  const now = options.now ?? (() => new Date());
  const authorizer = options.authorizer ?? rootOnlyAuthorizer;

  function fail(
    err: unknown,
    request: LocalRequest,
    requestId: string,
    identified: ServiceId | undefined,
  ): LocalResponse {
    const serviceId = identified ?? identifyService(request) ?? 's3';
    const formatter = options.services[serviceId]?.protocol ?? errorFormatterFor(serviceId, request);
    if (err instanceof ServiceError) return formatter.formatError(err, requestId, request);
    if (err instanceof AuthError)
      return formatter.formatError(authServiceError(serviceId, err.failure, err.message), requestId, request);
    options.onInternalError?.(err, request);
    const internal = new ServiceError(
      serviceId === 's3' ? 'InternalError' : 'InternalFailure',
      'We encountered an internal error. Please try again.',
      500,
    );
    return formatter.formatError(internal, requestId, request);
  }

  // Authentication is synchronous; a promise only when the service's own work is asynchronous.
  return function handle(request) {
    const requestId = nextRequestId();
    let serviceId: ServiceId | undefined;
    try {
      const auth = parseAuthorization(request.headers.authorization);
      serviceId = identifyService(request, auth.service);
      if (!serviceId)
        throw new ServiceError(
          'UnrecognizedClientException',
          `Unknown service '${auth.service}' in the credential scope.`,
          400,
        );
      const record = options.credentials.lookup(auth.accessKeyId);
      if (!record) throw new AuthError('UnknownAccessKey', 'unknown access key');
      const at = now();
      if (record.expiresAt && record.expiresAt.getTime() <= at.getTime()) {
        throw new AuthError('ExpiredToken', 'expired');
      }
      verifySignature({
        request,
        auth,
        secretAccessKey: record.secretAccessKey,
        sessionToken: record.sessionToken,
        now: at,
      });

      const service = options.services[serviceId];
      if (!service) throw notImplementedError(serviceId, `the ${serviceId} API`);
      const id = serviceId;
      const answer = service.handle(new AppCall(request, record.principal, auth.region, requestId, id, authorizer));
      return answer instanceof Promise
        ? answer.then(undefined, (err: unknown) => fail(err, request, requestId, id))
        : answer;
    } catch (err) {
      return fail(err, request, requestId, serviceId);
    }
  };
}
