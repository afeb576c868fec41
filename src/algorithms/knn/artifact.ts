/**
 * The k-NN model artifact, in the layout the SageMaker guide documents ("How k-NN works",
 * Serialize the Model): model.tar.gz holds
 *   model_algo-1         the index (for SageMaker a faiss index; for mme its own layout, faiss.ts)
 *   model_algo-1.labels  the indexed points' labels, raw little-endian float32 ("np.float32 binary")
 *   model_algo-1.json    the metadata, editable (model.ts)
 * Here as bytes by file name; the tar is the caller's (src/formats/model-tar.ts).
 */
import { ownBuffer } from '../bytes.js';
import { ArtifactError } from '../errors.js';
import { readIndex, writeIndex } from './faiss.js';
import type { KnnMetadata, KnnModel } from './model.js';

export const KNN_INDEX_FILE = 'model_algo-1';
export const KNN_LABELS_FILE = 'model_algo-1.labels';
export const KNN_METADATA_FILE = 'model_algo-1.json';

export function writeKnnArtifact(model: KnnModel): Record<string, Uint8Array> {
  const labels = model.labels;
  return {
    [KNN_INDEX_FILE]: writeIndex(model.index),
    [KNN_LABELS_FILE]: new Uint8Array(labels.buffer.slice(labels.byteOffset, labels.byteOffset + labels.byteLength)),
    [KNN_METADATA_FILE]: new TextEncoder().encode(JSON.stringify(model.meta)),
  };
}

export function readKnnArtifact(files: Record<string, Uint8Array | undefined>): KnnModel {
  const get = (name: string): Uint8Array => {
    const bytes = files[name];
    if (!bytes) throw new ArtifactError(`The k-NN model artifact has no ${name}`);
    return bytes;
  };
  let meta: KnnMetadata;
  try {
    meta = JSON.parse(new TextDecoder().decode(get(KNN_METADATA_FILE))) as KnnMetadata;
  } catch (err) {
    if (err instanceof ArtifactError) throw err;
    throw new ArtifactError(`${KNN_METADATA_FILE} is not valid JSON: ${(err as Error).message}`);
  }
  if (meta.version !== '1.0')
    throw new ArtifactError(`${KNN_METADATA_FILE}: unsupported version ${String(meta.version)}`);
  if (!Number.isInteger(meta.k) || meta.k < 1)
    throw new ArtifactError(`${KNN_METADATA_FILE}: k must be a positive integer`);
  if (meta.predictor_type !== 'classifier' && meta.predictor_type !== 'regressor') {
    throw new ArtifactError(`${KNN_METADATA_FILE}: predictor_type must be classifier or regressor`);
  }
  let index;
  try {
    index = readIndex(get(KNN_INDEX_FILE));
  } catch (err) {
    if (err instanceof ArtifactError) throw err;
    throw new ArtifactError((err as Error).message);
  }
  const labelBytes = get(KNN_LABELS_FILE);
  if (labelBytes.byteLength !== index.ntotal * 4) {
    throw new ArtifactError(`${KNN_LABELS_FILE} holds ${labelBytes.byteLength / 4} labels for ${index.ntotal} points`);
  }
  return { meta, index, labels: new Float32Array(ownBuffer(labelBytes)) };
}
