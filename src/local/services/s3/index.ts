/**
 * The local cloud's S3: the REST-XML operations the workflow and common tools (AWS CLI `s3`,
 * boto3, lib-storage) use, over the crash-safe ObjectStore.
 *
 * The service exposes its `store` so that the app can hand the same instance to the other local
 * services (job runner, endpoint host): two ObjectStore instances over one directory would keep
 * diverging in-memory indexes.
 */
import { serveOperations } from '../../protocols/operations.js';
import { restXmlProtocol } from '../../protocols/rest-xml.js';
import { ServiceError } from '../../service-error.js';
import type { LocalService } from '../../service.js';
import { validateObjectKey } from '../../store/names.js';
import { ObjectStore } from '../../store/object-store.js';
import { S3_OPERATIONS, UNIMPLEMENTED_SUBRESOURCES } from './operations.js';

export interface S3ServiceOptions {
  /** Where the object store lives (ignored when `store` is given). */
  dataDir: string;
  now?: () => Date;
  /** Share an already constructed store. */
  store?: ObjectStore;
}

export type S3Service = LocalService & { readonly store: ObjectStore };

export function createS3Service(options: S3ServiceOptions): S3Service {
  const store = options.store ?? new ObjectStore(options.dataDir, { now: options.now });
  return {
    ...serveOperations({
      id: 's3',
      protocol: restXmlProtocol({ unimplemented: UNIMPLEMENTED_SUBRESOURCES, checkKey: validateObjectKey }),
      operations: S3_OPERATIONS,
      context: (call, { bucket, key }) => ({
        call,
        request: call.request,
        store,
        requestId: call.requestId,
        bucket,
        key,
      }),
      // Every request matches an operation or is refused by the protocol (MethodNotAllowed, NotImplemented).
      unknownOperation: (name) => new ServiceError('NotImplemented', `The local S3 does not implement ${name}.`, 400),
      ready: () => store.open(),
    }),
    store,
  };
}
