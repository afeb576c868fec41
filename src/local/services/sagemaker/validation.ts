/**
 * Input validation with AWS's messages. SageMaker (like every Coral-based AWS service) checks the
 * API model's constraints first and reports all failures in one ValidationException:
 *
 *   1 validation error detected: Value 'x_y' at 'trainingJobName' failed to satisfy constraint:
 *   Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}
 *
 * Several failures are joined with "; " after "N validation errors detected: ". Member paths are
 * camelCase, list items 1-based with ".member" (`inputDataConfig.1.member.channelName`).
 * Patterns must match the whole value (AWS rejects 'x_y' although the pattern has no '$').
 * A value of the wrong JSON type is a SerializationException, as the service's deserializer
 * refuses it before any constraint is checked.
 */
import { ServiceError } from '../../service-error.js';

export type Json = Record<string, unknown>;

export const NAME_PATTERN = '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}';
export const ROLE_ARN_PATTERN = '^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$';
export const S3_URI_PATTERN = '^(https|s3)://([^/]+)/?(.*)$';
export const IMAGE_PATTERN = '[\\S]+';

interface StringRules {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: readonly string[];
}

interface NumberRules {
  required?: boolean;
  min?: number;
  max?: number;
}

function show(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  return `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
}

function typeError(path: string, expected: string): ServiceError {
  return new ServiceError('SerializationException', `Expected ${expected} at '${path}'`);
}

export class Validator {
  private readonly problems: string[] = [];

  fail(value: unknown, path: string, constraint: string): void {
    this.problems.push(`Value ${show(value)} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  private present(value: unknown, path: string, required = false): boolean {
    if (value !== undefined && value !== null) return true;
    if (required) this.fail(value, path, 'Member must not be null');
    return false;
  }

  string(value: unknown, path: string, rules: StringRules = {}): string | undefined {
    if (!this.present(value, path, rules.required)) return undefined;
    if (typeof value !== 'string') throw typeError(path, 'a string');
    if (rules.min !== undefined && value.length < rules.min)
      this.fail(value, path, `Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && value.length > rules.max)
      this.fail(value, path, `Member must have length less than or equal to ${rules.max}`);
    if (rules.pattern !== undefined && !new RegExp(`^(?:${rules.pattern})$`, 'u').test(value)) {
      this.fail(value, path, `Member must satisfy regular expression pattern: ${rules.pattern}`);
    }
    if (rules.enum && !rules.enum.includes(value))
      this.fail(value, path, `Member must satisfy enum value set: [${rules.enum.join(', ')}]`);
    return value;
  }

  /** A resource name: 1–63 characters of the pattern SageMaker uses for every name. */
  name(value: unknown, path: string, required = true): string | undefined {
    return this.string(value, path, { required, max: 63, pattern: NAME_PATTERN });
  }

  integer(value: unknown, path: string, rules: NumberRules = {}): number | undefined {
    if (!this.present(value, path, rules.required)) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(path, 'an integer');
    if (rules.min !== undefined && value < rules.min)
      this.fail(value, path, `Member must have value greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && value > rules.max)
      this.fail(value, path, `Member must have value less than or equal to ${rules.max}`);
    return value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (!this.present(value, path)) return undefined;
    if (typeof value !== 'boolean') throw typeError(path, 'a boolean');
    return value;
  }

  /** Timestamps arrive as epoch seconds (the JSON protocols' encoding). */
  timestamp(value: unknown, path: string): Date | undefined {
    if (!this.present(value, path)) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw typeError(path, 'a timestamp (epoch seconds)');
    return new Date(value * 1000);
  }

  object(value: unknown, path: string, required = false): Json | undefined {
    if (!this.present(value, path, required)) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw typeError(path, 'a structure');
    return value as Json;
  }

  list(value: unknown, path: string, rules: NumberRules = {}): unknown[] | undefined {
    if (!this.present(value, path, rules.required)) return undefined;
    if (!Array.isArray(value)) throw typeError(path, 'a list');
    if (rules.min !== undefined && value.length < rules.min)
      this.fail(value, path, `Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && value.length > rules.max)
      this.fail(value, path, `Member must have length less than or equal to ${rules.max}`);
    return value as unknown[];
  }

  /** A string → string map (HyperParameters, Environment). */
  stringMap(
    value: unknown,
    path: string,
    rules: { maxEntries: number; maxKey: number; maxValue: number },
  ): Record<string, string> | undefined {
    const map = this.object(value, path);
    if (!map) return undefined;
    const entries = Object.entries(map);
    if (entries.length > rules.maxEntries)
      this.fail(map, path, `Member must have length less than or equal to ${rules.maxEntries}`);
    for (const [key, v] of entries) {
      if (typeof v !== 'string') throw typeError(`${path}.${key}`, 'a string');
      if (key.length > rules.maxKey)
        this.fail(
          map,
          path,
          `Map keys must satisfy constraint: [Member must have length less than or equal to ${rules.maxKey}]`,
        );
      if (v.length > rules.maxValue)
        this.fail(
          map,
          path,
          `Map value must satisfy constraint: [Member must have length less than or equal to ${rules.maxValue}]`,
        );
    }
    return map as Record<string, string>;
  }

  /** Throw the collected failures, if any, as one ValidationException. */
  check(): void {
    const n = this.problems.length;
    if (n === 0) return;
    throw validationError(`${n} validation error${n === 1 ? '' : 's'} detected: ${this.problems.join('; ')}`);
  }
}

export function validationError(message: string): ServiceError {
  return new ServiceError('ValidationException', message);
}

export function resourceNotFound(): ServiceError {
  // AWS answers DescribeTrainingJob / DescribeTransformJob of an unknown name with exactly this.
  return new ServiceError('ResourceNotFound', 'Requested resource not found.');
}

/** Instance families and sizes SageMaker offers for training and batch transform (a subset). */
const FAMILIES: Record<string, string[]> = {
  m4: ['xlarge', '2xlarge', '4xlarge', '10xlarge', '16xlarge'],
  m5: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  m6i: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  c4: ['xlarge', '2xlarge', '4xlarge', '8xlarge'],
  c5: ['xlarge', '2xlarge', '4xlarge', '9xlarge', '18xlarge'],
  c6i: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  r5: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'],
  p3: ['2xlarge', '8xlarge', '16xlarge'],
  g4dn: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  g5: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
};

export const INSTANCE_TYPES: readonly string[] = Object.entries(FAMILIES).flatMap(([family, sizes]) =>
  sizes.map((s) => `ml.${family}.${s}`),
);
