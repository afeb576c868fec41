/**
 * Option-value parsers for commander. They throw commander's InvalidArgumentError, which the
 * program turns into "error: option '--rows <n>' argument 'x' is invalid. …" and exit code 2,
 * before any command code (or SDK) is loaded.
 */
import { InvalidArgumentError } from 'commander';
import { roleArnProblem } from '../config/validate.js';

export function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('Not an integer.');
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`Must be from ${min} to ${max}.`);
    return n;
  };
}

/** `--locations 4` (the first four reference locations) or `--locations NewYork_NY,Chicago_IL`. */
export function locations(value: string): number | string[] {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < 1) throw new InvalidArgumentError('Give at least one location.');
    return n;
  }
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('Give a count or a comma-separated list of names.');
  if (new Set(names).size !== names.length) throw new InvalidArgumentError('A location is listed twice.');
  return names;
}

/** Collect a repeatable option (`--metric A --metric B`) and comma lists (`--metric A,B`). */
export function list(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/** A look-back window: 90s, 30m, 6h, 2d. */
export function duration(value: string): number {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('Use a number and a unit: 90s, 30m, 6h, 2d.');
  const seconds = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * seconds;
}

/** Names SageMaker accepts for endpoints, models and configs. */
export function resourceName(value: string): string {
  if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(value)) {
    throw new InvalidArgumentError('Use 1-63 letters, digits and hyphens, starting with a letter or digit.');
  }
  return value;
}

export function s3Uri(value: string): string {
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+/.test(value))
    throw new InvalidArgumentError('Use s3://bucket/key.');
  return value;
}

/** An IAM role ARN, for roles a command assumes (invoke --role-arn). */
export function roleArn(value: string): string {
  const problem = roleArnProblem(value);
  if (problem) throw new InvalidArgumentError(`It ${problem}.`);
  return value;
}
