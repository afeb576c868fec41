/**
 * One entry point for every model file a SageMaker XGBoost artifact may hold, told apart as
 * the container's loader and libxgboost do (docs/aws-behaviour.md#xgboost): the container
 * tries pickle first, then Booster.load_model, which peeks at the first bytes: `{"` is JSON,
 * `{` followed by a letter UBJSON, anything else (with or without the "binf" header) the
 * binary format.
 */
import { ArtifactError } from '../errors.js';
import { readBinaryModel, writeBinaryModel } from './binary-model.js';
import { readJsonModel, readUbjsonModel, writeJsonModel, writeUbjsonModel } from './json-model.js';
import type { XGBoostModel } from './model.js';
import { isPickle, readPickledBooster, type PicklePayload } from './pickle.js';

/** Formats mme reads; all but `pickle` it also writes. */
export type ModelFormat = 'json' | 'ubjson' | 'binary' | 'pickle';
export type WritableFormat = Exclude<ModelFormat, 'pickle'>;

export function sniffFormat(bytes: Uint8Array): ModelFormat {
  if (bytes.length === 0) throw new ArtifactError('XGBoost model: empty file');
  if (isPickle(bytes)) return 'pickle';
  if (bytes[0] === 0x7b /* { */) {
    let i = 1;
    while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
    if (bytes[i] === 0x22 /* " */) return 'json';
    const c = bytes[i] ?? 0;
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return 'ubjson';
    throw new ArtifactError('XGBoost model: invalid model format');
  }
  return 'binary';
}

export interface LoadedModel {
  model: XGBoostModel;
  format: ModelFormat;
  /** For a pickle: which serialisation of the Booster it carried (varies with the writer's xgboost). */
  picklePayload?: PicklePayload;
}

/** Bytes of a model file → the model and the format it was in. Throws ArtifactError. */
export function loadModel(bytes: Uint8Array): LoadedModel {
  const format = sniffFormat(bytes);
  switch (format) {
    case 'pickle': {
      const { model, payload } = readPickledBooster(bytes);
      return { model, format, picklePayload: payload };
    }
    case 'json':
      return { model: readJsonModel(bytes), format };
    case 'ubjson':
      return { model: readUbjsonModel(bytes), format };
    case 'binary':
      return { model: readBinaryModel(bytes), format };
  }
}

/** The model in the given format; `binary` is what the 1.3-1 … 1.7-1 containers write. */
export function saveModel(model: XGBoostModel, format: WritableFormat): Uint8Array {
  switch (format) {
    case 'json':
      return writeJsonModel(model);
    case 'ubjson':
      return writeUbjsonModel(model);
    case 'binary':
      return writeBinaryModel(model);
  }
}
