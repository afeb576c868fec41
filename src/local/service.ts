/**
 * What every service of the local cloud implements. The app (app.ts) authenticates the request,
 * picks the service from the SigV4 credential scope, and calls `handle`. A service returns a
 * LocalResponse or throws a ServiceError; its `protocol` formats those errors as AWS does. Every
 * service is a table of operations served by the protocol kit (protocols/operations.ts), which
 * also encodes the successful replies.
 */
import type { LocalRequest, LocalResponse } from './http.js';
import type { ServiceError } from './service-error.js';

/** Who made the request, as STS GetCallerIdentity would say. */
export interface Principal {
  kind: 'root' | 'user' | 'assumed-role';
  /** arn:aws:iam::{acct}:root, arn:aws:iam::{acct}:user/{path}{name} or arn:aws:sts::{acct}:assumed-role/{role}/{session} */
  arn: string;
  accountId: string;
  accessKeyId: string;
  /** AIDA…/AROA…:session as AWS reports UserId. */
  userId: string;
  roleName?: string;
  sessionName?: string;
  /** An IAM user's name (kind 'user'). */
  userName?: string;
}

export interface ServiceCall {
  request: LocalRequest;
  principal: Principal;
  /** The region from the credential scope. */
  region: string;
  requestId: string;
  /**
   * Ask the authorizer whether the principal may do `action` on `resource` (throws AccessDenied
   * as the protocol wants).
   */
  authorize(action: string, resource: string, context?: Record<string, string | string[] | undefined>): void;
}

/** How a protocol writes an error (and, for some, how it recognises its own requests). */
export interface ErrorFormatter {
  formatError(err: ServiceError, requestId: string, request: LocalRequest): LocalResponse;
}

export interface LocalService {
  /** Stable id: s3, sagemaker, sagemaker-runtime, iam, sts, monitoring, logs. */
  readonly id: ServiceId;
  readonly protocol: ErrorFormatter;
  /** A plain response when the work is synchronous (a warm InvokeEndpoint), a promise otherwise; may throw. */
  handle(call: ServiceCall): LocalResponse | Promise<LocalResponse>;
}

export type ServiceId = 's3' | 'sagemaker' | 'sagemaker-runtime' | 'iam' | 'sts' | 'monitoring' | 'logs';
