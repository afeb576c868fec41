/**
 * Which protocol each service speaks, and the error codes each protocol family uses for the
 * failures every service shares (authentication, access denied, unknown operation).
 */
import type { LocalRequest } from '../http.js';
import { ServiceError } from '../service-error.js';
import type { ErrorFormatter, ServiceId } from '../service.js';
import type { AuthFailure } from '../auth/sigv4.js';
import { jsonProtocol } from './json.js';
import { queryProtocol } from './query.js';
import { restJson } from './rest-json.js';
import { restXml } from './rest-xml.js';

export const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const CLOUDWATCH_XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

const sagemakerJson = jsonProtocol('1.1');
const cloudwatchJson = jsonProtocol('1.0', { queryCompatibleNamespace: 'com.amazonaws.cloudwatch' });
const iamQuery = queryProtocol(IAM_XMLNS);
const stsQuery = queryProtocol(STS_XMLNS);
const cloudwatchQuery = queryProtocol(CLOUDWATCH_XMLNS);

export function errorFormatterFor(service: ServiceId, request: LocalRequest): ErrorFormatter {
  switch (service) {
    case 's3':
      return restXml;
    case 'sagemaker':
    case 'logs': // CloudWatch Logs speaks JSON 1.1 too
      return sagemakerJson;
    case 'sagemaker-runtime':
      return restJson;
    case 'iam':
      return iamQuery;
    case 'sts':
      return stsQuery;
    case 'monitoring':
      // CloudWatch accepts both the JSON 1.0 (query-compatible) and the older Query protocol.
      return request.headers['x-amz-target'] ? cloudwatchJson : cloudwatchQuery;
  }
}

type Family = 's3' | 'json' | 'query';

function family(service: ServiceId): Family {
  if (service === 's3') return 's3';
  // CloudWatch's JSON mode is "query-compatible": it names errors with the Query codes.
  if (service === 'iam' || service === 'sts' || service === 'monitoring') return 'query';
  return 'json';
}

const EXPIRED_MESSAGE = 'The security token included in the request is expired';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/** [code, status, message?] per family; undefined message = keep the verifier's own. */
const AUTH_ERRORS: Record<AuthFailure, Record<Family, [string, number, string?]>> = {
  MissingAuthentication: {
    s3: ['AccessDenied', 403, 'Access Denied'],
    json: ['MissingAuthenticationTokenException', 403, 'Missing Authentication Token'],
    query: ['MissingAuthenticationToken', 403, 'Request is missing Authentication Token'],
  },
  MalformedAuthorization: {
    s3: ['AuthorizationHeaderMalformed', 400],
    json: ['IncompleteSignatureException', 400],
    query: ['IncompleteSignature', 400],
  },
  UnknownAccessKey: {
    s3: ['InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.'],
    json: ['UnrecognizedClientException', 403, INVALID_TOKEN],
    query: ['InvalidClientTokenId', 403, INVALID_TOKEN],
  },
  SignatureMismatch: {
    s3: ['SignatureDoesNotMatch', 403],
    json: ['InvalidSignatureException', 403],
    query: ['SignatureDoesNotMatch', 403],
  },
  RequestTimeTooSkewed: {
    s3: ['RequestTimeTooSkewed', 403, 'The difference between the request time and the current time is too large.'],
    json: ['InvalidSignatureException', 403],
    query: ['SignatureDoesNotMatch', 403],
  },
  ContentSha256Mismatch: {
    s3: ['XAmzContentSHA256Mismatch', 400],
    json: ['InvalidSignatureException', 403],
    query: ['SignatureDoesNotMatch', 403],
  },
  ExpiredToken: {
    s3: ['ExpiredToken', 400, 'The provided token has expired.'],
    json: ['ExpiredTokenException', 403, EXPIRED_MESSAGE],
    query: ['ExpiredToken', 403, EXPIRED_MESSAGE],
  },
  InvalidToken: {
    s3: ['InvalidToken', 400, 'The provided token is malformed or otherwise invalid.'],
    json: ['UnrecognizedClientException', 403, INVALID_TOKEN],
    query: ['InvalidClientTokenId', 403, INVALID_TOKEN],
  },
};

export function authServiceError(service: ServiceId, failure: AuthFailure, message: string): ServiceError {
  const [code, status, fixed] = AUTH_ERRORS[failure][family(service)];
  return new ServiceError(code, fixed ?? message, status);
}

/** The error for a request the caller's policies do not allow. */
export function accessDeniedError(service: ServiceId, message: string): ServiceError {
  const f = family(service);
  if (f === 's3') return new ServiceError('AccessDenied', message, 403);
  if (f === 'query') return new ServiceError('AccessDenied', message, 403);
  return new ServiceError('AccessDeniedException', message, 403);
}

/**
 * A service or operation the local cloud does not serve. S3 says NotImplemented with 501; we
 * answer 400, because the SDKs retry every 5xx and the answer will not change (an improvement
 * on AWS for a local tool: fail fast).
 */
export function notImplementedError(service: ServiceId, what: string): ServiceError {
  const message = `The mme local cloud does not implement ${what}.`;
  switch (family(service)) {
    case 's3':
      return new ServiceError('NotImplemented', message, 400);
    case 'query':
      return new ServiceError('InvalidAction', message, 400);
    default:
      return new ServiceError('UnknownOperationException', message, 400);
  }
}

/**
 * IAM's and STS's answer to an Action they do not have (InvalidAction, 400), naming what the
 * local cloud implements so the caller sees at once what is missing.
 */
export function invalidAction(action: string, implemented: string[]): ServiceError {
  return new ServiceError(
    'InvalidAction',
    `The action ${action} is not valid for this web service (the mme local cloud implements: ${implemented.join(', ')}).`,
  );
}
