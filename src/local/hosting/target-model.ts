/**
 * TargetModel (`X-Amzn-SageMaker-Target-Model`): the path of a model relative to the MultiModel
 * container's ModelDataUrl prefix (`Chicago_IL/Chicago_IL.tar.gz`).
 *
 * AWS checks 1–1024 characters and the pattern `\A\S[\p{Print}]*\z` (Java regex: a non-space first
 * character, then printable ASCII), then joins prefix and path as an S3 key, where `..` is just two
 * dots. The local cloud checks the same and, as an improvement on AWS, also refuses anything that
 * could read as escaping the prefix once keys meet file systems or tools that normalise paths:
 * `..` or `.` segments, absolute paths, backslashes, and the same hidden behind percent-encoding.
 * (The host never turns a key into a path itself: disk-tier files are named by a hash.)
 */
import { joinS3Key, type S3Location } from '../../aws-names/s3-uri.js';
import { validationError } from './errors.js';

const TARGET_MODEL_MAX_LENGTH = 1024;
/** `\A\S[\p{Print}]*\z`: JS has no POSIX \p{Print}; printable ASCII is [\x20-\x7E]. */
const TARGET_MODEL_PATTERN = /^[^\s\p{Cc}][\x20-\x7E]*$/u;

const constraint = (what: string) =>
  validationError(`1 validation error detected: Value at 'targetModel' failed to satisfy constraint: ${what}`);

function escapesPrefix(path: string): boolean {
  if (path.startsWith('/') || path.includes('\\')) return true;
  return path.split('/').some((segment) => segment === '..' || segment === '.');
}

/** Undo up to three rounds of percent-encoding (`%252e` is `%2e` is `.`), leaving bad escapes. */
function decodings(value: string): string[] {
  const out = [value];
  let current = value;
  for (let i = 0; i < 3 && current.includes('%'); i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      next = current.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    if (next === current) break;
    out.push(next);
    current = next;
  }
  return out;
}

/**
 * Values already accepted: validation is a pure function of the value, and a multi-model
 * endpoint sees the same few TargetModels over and over (bounded; cleared when full).
 */
const accepted = new Set<string>();
const ACCEPTED_LIMIT = 10_000;

/** The TargetModel if acceptable, else a ValidationError (400). */
export function validateTargetModel(value: string): string {
  if (accepted.has(value)) return value;
  checkTargetModel(value);
  if (accepted.size >= ACCEPTED_LIMIT) accepted.clear();
  accepted.add(value);
  return value;
}

function checkTargetModel(value: string): void {
  if (value.length === 0) throw constraint('Member must have length greater than or equal to 1');
  if (value.length > TARGET_MODEL_MAX_LENGTH) {
    throw constraint(`Member must have length less than or equal to ${TARGET_MODEL_MAX_LENGTH}`);
  }
  if (!TARGET_MODEL_PATTERN.test(value))
    throw constraint('Member must satisfy regular expression pattern: \\A\\S[\\p{Print}]*\\z');
  for (const form of decodings(value)) {
    if (form.includes('\0') || escapesPrefix(form)) {
      throw validationError(
        `TargetModel '${value}' is not a path inside the multi-model endpoint's ModelDataUrl prefix.`,
      );
    }
  }
}

/**
 * The object of a target model: the prefix and the relative path joined with exactly one '/'
 * (a ModelDataUrl may be given with or without its trailing slash).
 */
export function targetModelLocation(prefix: S3Location, targetModel: string): S3Location {
  return { bucket: prefix.bucket, key: joinS3Key(prefix.key, targetModel) };
}
