/**
 * The num_models parallel variants. SageMaker: "One model is trained according to the given
 * training parameter (regularization, optimizer, loss), and the rest by close parameters", and
 * the best one on the validation channel (the training data when there is none) is kept.
 *
 * mme's choice of "close parameters": variant 0 uses exactly what was given (auto values at
 * their base: the optimiser's base learning rate, wd 0, l1 0). The others spread the learning
 * rate log-uniformly over [base/30, base*3] when it is auto (a factor 0.5–2 around an explicit
 * value), and draw wd and l1 from small grids when those are auto (explicit values are kept).
 * The assignment is shuffled with the training seed, so it is reproducible.
 */
import { createRandom, shuffleInPlace } from '../random.js';
import type { LinearLearnerHyperparameters, Optimizer } from './hyperparameters.js';

export interface Variant {
  learningRate: number;
  wd: number;
  l1: number;
}

/** Base learning rates for learning_rate=auto, on normalised data. */
const BASE_LEARNING_RATE: Record<Optimizer, number> = { adam: 0.1, rmsprop: 0.02, sgd: 0.1 };

const WD_GRID = [0, 1e-6, 1e-5, 1e-4, 1e-3];
const L1_GRID = [0, 0, 1e-6, 1e-5, 1e-4];

export function makeVariants(hp: LinearLearnerHyperparameters, seed: number): Variant[] {
  const random = createRandom(seed ^ 0x5eed);
  const base = hp.learningRate ?? BASE_LEARNING_RATE[hp.optimizer];
  const n = hp.numModels;
  // Stratified positions in [0, 1) so that the spread covers the range even for small n.
  const positions = Array.from({ length: Math.max(n - 1, 0) }, (_, i) => (i + random.next()) / Math.max(n - 1, 1));
  shuffleInPlace(positions, random);
  const variants: Variant[] = [{ learningRate: base, wd: hp.wd ?? 0, l1: hp.l1 ?? 0 }];
  for (let m = 1; m < n; m++) {
    const u = positions[m - 1]!;
    const learningRate =
      hp.learningRate === undefined ? base * 10 ** (-Math.log10(30) + u * Math.log10(90)) : base * 2 ** (2 * u - 1);
    variants.push({
      learningRate,
      wd: hp.wd ?? WD_GRID[m % WD_GRID.length]!,
      l1: hp.l1 ?? L1_GRID[Math.floor(m / WD_GRID.length) % L1_GRID.length]!,
    });
  }
  return variants;
}

/**
 * Learning-rate multiplier at a step. use_lr_scheduler (default true) decays the rate by
 * lr_scheduler_factor every lr_scheduler_step steps, never below lr_scheduler_minimum_lr.
 * mme's auto values: about 50 decays over the planned steps, ending at 1% of the start rate.
 */
export interface Schedule {
  step: number;
  factor: number;
  minimumLr: number;
}

export function makeSchedule(hp: LinearLearnerHyperparameters, totalSteps: number): Schedule | undefined {
  if (!hp.useLrScheduler) return undefined;
  const step = hp.lrSchedulerStep ?? Math.max(1, Math.round(totalSteps / 50));
  const decays = Math.max(1, totalSteps / step);
  return {
    step,
    factor: hp.lrSchedulerFactor ?? 0.01 ** (1 / decays),
    minimumLr: hp.lrSchedulerMinimumLr ?? 1e-6,
  };
}

export function scheduledRate(lr: number, schedule: Schedule | undefined, stepIndex: number): number {
  if (!schedule) return lr;
  return Math.max(lr * schedule.factor ** Math.floor(stepIndex / schedule.step), Math.min(lr, schedule.minimumLr));
}
