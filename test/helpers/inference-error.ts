import { InferenceError } from '../../src/algorithms/errors.js';

/** The InferenceError `fn` throws (any other error is rethrown; no error fails the test). */
export function inferenceError(fn: () => unknown): InferenceError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InferenceError) return err;
    throw err;
  }
  throw new Error('expected an InferenceError');
}
