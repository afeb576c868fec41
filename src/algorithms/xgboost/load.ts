/**
 * One entry point for every model file a SageMaker XGBoost artifact may hold, told apart by
 * their first bytes the way the container and libxgboost do (docs/aws-behaviour.md#xgboost):
 * the container tries pickle first, then Booster.load_model, which peeks at the start:
 * `{"` is JSON, `{` + a letter is UBJSON, anything else (with or without the "binf" header)
 * the binary format.
 */
import { ArtifactError } from '../errors.js';
import { readJsonModel, readUbjsonModel, writeJsonModel, writeUbjsonModel } from './json-model.js';
import type { XGBoostModel } from './model.js';

export type ModelFormat = 'json' | 'ubjson';

export function sniffFormat(bytes: Uint8Array): ModelFormat {
  if (bytes[0] === 0x7b /* { */) {
    let i = 1;
    while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
    if (bytes[i] === 0x22 /* " */) return 'json';
    const c = bytes[i] ?? 0;
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return 'ubjson';
    throw new ArtifactError('XGBoost model: invalid model format');
  }
  throw new ArtifactError('XGBoost model: not a JSON or UBJSON model');
}

/** Bytes of a model file → the model and the format it was in. */
export function loadModel(bytes: Uint8Array): { model: XGBoostModel; format: ModelFormat } {
  const format = sniffFormat(bytes);
  switch (format) {
    case 'json':
      return { model: readJsonModel(bytes), format };
    case 'ubjson':
      return { model: readUbjsonModel(bytes), format };
  }
}

/** The model in the given format. */
export function saveModel(model: XGBoostModel, format: ModelFormat): Uint8Array {
  switch (format) {
    case 'json':
      return writeJsonModel(model);
    case 'ubjson':
      return writeUbjsonModel(model);
  }
}
