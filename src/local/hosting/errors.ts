/**
 * The errors of InvokeEndpoint, worded as SageMaker Runtime words them (docs/aws-behaviour.md#invoke-endpoint-errors;
 * messages copied from public error reports where they exist, marked where they are ours).
 * REST-JSON names them by `x-amzn-errortype`; every one stays below 500 unless the failure is
 * really the service's own, because the SDKs retry 5xx.
 */
import { ServiceError } from '../service-error.js';
import { logGroupArn as arnOfLogGroup } from '../../aws-names/arns.js';
import { endpointLogGroup } from '../../aws-names/log-groups.js';

export const validationError = (message: string, status = 400) => new ServiceError('ValidationError', message, status);

/** AWS: "Endpoint DEMO-… of account 548009560556 not found." (also for endpoints not InService). */
export function endpointNotFound(name: string, accountId: string): ServiceError {
  return validationError(`Endpoint ${name} of account ${accountId} not found.`);
}

/** AWS: "Endpoint xgboost-2020-02-08-multi is not a multi-model endpoint and does not support target model header." */
export function notMultiModel(name: string): ServiceError {
  return validationError(`Endpoint ${name} is not a multi-model endpoint and does not support target model header.`);
}

/**
 * AWS: "Request 186633a1-… is missing a target model header" (the public report is cut there;
 * the closing sentence is ours).
 */
export function missingTargetModel(requestId: string): ServiceError {
  return validationError(
    `Request ${requestId} is missing a target model header. Specify the TargetModel (X-Amzn-SageMaker-Target-Model) of a multi-model endpoint.`,
  );
}

/** The wording of the MME download failure (docs/aws-behaviour.md#invoke-endpoint-errors). */
export function downloadFailed(bucket: string, key: string): ServiceError {
  return validationError(
    `Failed to download model data(bucket: ${bucket}, key: ${key}). Please ensure that there is an object located at the URL and that the role passed to CreateModel has permissions to download the model.`,
  );
}

/**
 * AWS answers an over-large body with "Request {id} has oversize body." (ValidationError); real-time
 * endpoints used to answer a bare 413. We keep both: code ValidationError, status 413.
 */
export function oversizeBody(requestId: string): ServiceError {
  return validationError(`Request ${requestId} has oversize body.`, 413);
}

/** Our wording: AWS's own message for this exception is not public. */
export function modelNotReady(targetModel: string, waitedMs: number): ServiceError {
  return new ServiceError(
    'ModelNotReadyException',
    `Model ${targetModel} is still loading after ${Math.round(waitedMs / 1000)} seconds; it keeps loading in the background. Retry the request.`,
    429,
  );
}

export function logGroupName(endpointName: string): string {
  return endpointLogGroup(endpointName);
}

function logGroupArn(region: string, accountId: string, endpointName: string): string {
  return arnOfLogGroup(region, accountId, logGroupName(endpointName));
}

export interface ModelErrorInput {
  /** The container's HTTP status (InferenceError.httpStatus). */
  status: number;
  message: string;
  /** `primary` for a one-container model, the container's hostname in a pipeline. */
  container: string;
  endpointName: string;
  region: string;
  accountId: string;
}

/**
 * A container answered an error: ModelError 424. The message is AWS's, e.g.
 *   `Received client error (400) from primary with message "…". See
 *   https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEventViewer:group=/aws/sagemaker/Endpoints/ep
 *   in account 123456789012 for more information.`
 * (one line in the message).
 */
export function modelError(input: ModelErrorInput): ServiceError {
  const { status, message, container, endpointName, region, accountId } = input;
  const kind = status >= 500 ? 'server' : 'client';
  const console = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logEventViewer:group=${logGroupName(endpointName)}`;
  return new ServiceError(
    'ModelError',
    `Received ${kind} error (${status}) from ${container} with message "${message}". See ${console} in account ${accountId} for more information.`,
    424,
    {
      OriginalStatusCode: status,
      OriginalMessage: message,
      LogStreamArn: logGroupArn(region, accountId, endpointName),
    },
  );
}

/**
 * Thrown inside the host where the container's name and the endpoint are not known; the pipeline
 * turns it into a ModelError. Status 507 is what a multi-model server answers when memory is short.
 */
export class ContainerFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ContainerFailure';
  }
}
