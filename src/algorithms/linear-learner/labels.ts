import { AlgorithmClientError } from '../errors.js';
import type { Dataset } from '../first-party/data.js';
import type { LinearLearnerHyperparameters } from './hyperparameters.js';

/** Labels must be 0/1 for binary_classifier and 0..num_classes-1 for multiclass_classifier. */
export function validateLabels(data: Dataset, hp: LinearLearnerHyperparameters, channel = 'train'): void {
  if (hp.predictorType === 'regressor') return;
  const classes = hp.predictorType === 'binary_classifier' ? 2 : hp.numClasses;
  for (let i = 0; i < data.rows; i++) {
    const y = data.labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new AlgorithmClientError(
        `Channel '${channel}', example ${i + 1}: label ${y} is invalid for predictor_type ` +
          `${hp.predictorType}; labels must be integers from 0 to ${classes - 1}`,
      );
    }
  }
}
