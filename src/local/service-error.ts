/**
 * An error a local service throws: the AWS error code, the message as AWS words it, and the HTTP
 * status. Services never format errors; the protocol layer of their service does (XML for S3 and
 * the Query services, JSON for SageMaker, headers for the runtime).
 */
export class ServiceError extends Error {
  constructor(
    /** The AWS error code, e.g. NoSuchKey, ValidationException, EntityAlreadyExists. */
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra fields some errors carry (S3 <Key>, ModelError OriginalStatusCode, …). */
    readonly extra: Record<string, string | number> = {},
    /** Query protocol: Sender (client fault) or Receiver (server fault). */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}
