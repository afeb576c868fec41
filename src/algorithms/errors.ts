/**
 * Errors the algorithms throw. Two families, because SageMaker reports them in two places:
 *
 * - AlgorithmClientError: a training (or transform) job fails because of the customer's input:
 *   bad hyperparameters, malformed training data. Its message is exactly what the job's
 *   FailureReason should carry, in the style of the built-in algorithms
 *   ("ClientError: ... (caused by ValidationError)").
 * - InferenceError: an invocation a container refuses. It carries the HTTP status the container
 *   answers with (400 bad body, 406 unsupported Accept, 415 unsupported Content-Type), so the
 *   hosting layer can turn it into a ModelError without knowing the algorithm.
 *
 * Both are MmeErrors so that the CLI shows them like every other failure.
 */
import { ExitCode, MmeError } from '../errors.js';

export class AlgorithmClientError extends MmeError {
  constructor(message: string) {
    super('ClientError', message.startsWith('ClientError: ') ? message : `ClientError: ${message}`, {
      exitCode: ExitCode.Failure,
    });
    this.name = 'AlgorithmClientError';
  }
}

/**
 * The first-party algorithm framework validates hyperparameters with JSON schema and appends the
 * jsonschema exception type to the message, e.g. (FailureReason of a real PCA job):
 * "ClientError: No value(s) were specified for 'mini_batch_size' which are required
 * hyperparameter(s) (caused by ValidationError)".
 */
export function hyperparameterValidationError(detail: string): AlgorithmClientError {
  return new AlgorithmClientError(`${detail} (caused by ValidationError)`);
}

export type InferenceErrorKind = 'BadInput' | 'UnsupportedContentType' | 'UnsupportedAccept';

const STATUS: Record<InferenceErrorKind, number> = {
  BadInput: 400,
  UnsupportedAccept: 406,
  UnsupportedContentType: 415,
};

export class InferenceError extends MmeError {
  readonly kind: InferenceErrorKind;
  /** The HTTP status the serving container answers with. */
  readonly httpStatus: number;

  constructor(kind: InferenceErrorKind, message: string) {
    super(kind, message, { exitCode: ExitCode.Failure });
    this.name = 'InferenceError';
    this.kind = kind;
    this.httpStatus = STATUS[kind];
  }
}

/** A model artifact that is not one of ours, of an unknown version, or damaged. */
export class ArtifactError extends MmeError {
  constructor(message: string) {
    super('InvalidModelArtifact', message, { exitCode: ExitCode.Failure });
    this.name = 'ArtifactError';
  }
}
