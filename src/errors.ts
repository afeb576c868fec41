/**
 * One error hierarchy for the whole tool. Every failure a user can meet is an MmeError with a
 * stable code, the process exit code it maps to, and (where we know one) a hint on what to do.
 * Only the CLI entry prints errors; everything below it throws.
 */

/** Documented exit codes (README "Exit codes"). */
export const ExitCode = {
  Ok: 0,
  /** A step failed: a job failed, an endpoint went Failed, a model answered an error. */
  Failure: 1,
  /** Bad usage: unknown option, bad value, a command that is not implemented yet. */
  Usage: 2,
  /** Configuration or credentials are missing or wrong. */
  Config: 3,
  /** A named resource (endpoint, model, bucket, job) does not exist. */
  NotFound: 4,
  /** The caller is not allowed to do this (AccessDenied, a policy condition). */
  AccessDenied: 5,
  /** The service refused or failed for another reason (throttling, limits, 5xx). */
  Service: 6,
  /** Interrupted by the user (Ctrl-C). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface MmeErrorOptions {
  exitCode?: ExitCode;
  hint?: string;
  cause?: unknown;
  /** Extra machine-readable detail, shown under `error.detail` with --json. */
  detail?: Record<string, unknown>;
}

export class MmeError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint?: string;
  readonly detail?: Record<string, unknown>;

  constructor(code: string, message: string, options: MmeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MmeError';
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.Failure;
    this.hint = options.hint;
    this.detail = options.detail;
  }
}

export class UsageError extends MmeError {
  constructor(message: string, hint?: string) {
    super('UsageError', message, { exitCode: ExitCode.Usage, hint });
    this.name = 'UsageError';
  }
}

export class ConfigError extends MmeError {
  constructor(message: string, hint?: string) {
    super('ConfigError', message, { exitCode: ExitCode.Config, hint });
    this.name = 'ConfigError';
  }
}

/**
 * Map an error thrown by an AWS SDK v3 client (real AWS or the local cloud: same shapes) to an
 * MmeError. Matched by `name`, never `instanceof`, as the SDK docs advise.
 */
export function fromAwsError(err: unknown, context?: string): MmeError {
  if (err instanceof MmeError) return err;
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const message = `${context ? `${context}: ` : ''}${e?.message ?? String(err)}`;
  const status = e?.$metadata?.httpStatusCode;
  if (
    /AccessDenied|NotAuthorized|UnauthorizedOperation|InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken|InvalidAccessKeyId/.test(
      name,
    )
  ) {
    return new MmeError(name, message, {
      exitCode: ExitCode.AccessDenied,
      cause: err,
      hint: name === 'ExpiredToken' ? 'The session expired: assume the role again.' : undefined,
    });
  }
  if (/NotFound|NoSuch/.test(name) || status === 404) {
    return new MmeError(name, message, { exitCode: ExitCode.NotFound, cause: err });
  }
  if (name === 'CredentialsProviderError') {
    return new MmeError(name, message, {
      exitCode: ExitCode.Config,
      cause: err,
      hint: 'Configure AWS credentials (aws configure, AWS_PROFILE, or environment variables), or use --target local.',
    });
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT/.test(String((err as { code?: string })?.code ?? message))) {
    return new MmeError('NetworkError', message, { exitCode: ExitCode.Service, cause: err });
  }
  return new MmeError(name, message, {
    exitCode: status && status < 500 ? ExitCode.Failure : ExitCode.Service,
    cause: err,
  });
}
