/** What every S3 handler gets: the call, the store, and the bucket and key from the path. */
import type { LocalRequest } from '../../http.js';
import { ServiceError } from '../../service-error.js';
import type { OperationCall } from '../../protocols/operations.js';
import type { ObjectStore } from '../../store/object-store.js';

export interface S3Context {
  /** The request, with the operation's IAM action bound (`authorizeOperation`). */
  call: OperationCall;
  request: LocalRequest;
  store: ObjectStore;
  requestId: string;
  /** Decoded; '' for ListBuckets. */
  bucket: string;
  /** Decoded; '' for bucket operations. */
  key: string;
}

export const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;
export const objectArn = (bucket: string, key: string): string => `arn:aws:s3:::${bucket}/${key}`;

/** S3's InvalidArgument names the offending argument in <ArgumentName>/<ArgumentValue>. */
export function invalidArgument(message: string, name: string, value?: string): ServiceError {
  return new ServiceError(
    'InvalidArgument',
    message,
    400,
    value === undefined ? { ArgumentName: name } : { ArgumentName: name, ArgumentValue: value },
  );
}

/** An integer query parameter in [min, max], or `fallback` when absent. */
export function intParam(
  ctx: S3Context,
  name: string,
  fallback: number,
  min: number,
  max: number,
  message: string,
): number {
  const raw = ctx.request.query[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw invalidArgument(message, name, raw);
  return Number(raw);
}
