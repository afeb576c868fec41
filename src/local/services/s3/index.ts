/**
 * The local cloud's S3: the REST-XML operations the workflow and common tools (AWS CLI `s3`,
 * boto3, lib-storage) use, over the crash-safe ObjectStore.
 *
 * The service exposes its `store` so that the app can hand the same instance to the other local
 * services (job runner, endpoint host): two ObjectStore instances over one directory would keep
 * diverging in-memory indexes.
 */
import { restXml } from '../../protocols/rest-xml.js';
import type { LocalService } from '../../service.js';
import { ObjectStore } from '../../store/object-store.js';
import { parsePath, route } from './routes.js';

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
    id: 's3',
    protocol: restXml,
    store,
    async handle(call) {
      await store.open();
      const { bucket, key } = parsePath(call.request.rawPath);
      return route({ call, request: call.request, store, requestId: call.requestId, bucket, key });
    },
  };
}
