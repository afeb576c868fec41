/**
 * Parameter validation with IAM's (and STS's) wording. Both answer constraint failures as
 * ValidationError "N validation error(s) detected: Value 'x' at 'roleName' failed to satisfy
 * constraint: Member must …; …" — the AWS model-validation message, with the member name in
 * lowerCamelCase and constraints as the API reference gives them.
 */
import { ServiceError } from '../../service-error.js';

/** The patterns of the IAM and STS API references. */
export const PATTERNS = {
  /** RoleName, PolicyName, RoleSessionName (plus length rules). */
  name: /^[\w+=,.@-]+$/,
  /** Path: `/` or `/…/` of printable ASCII (`(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`). */
  path: /^(\/|\/[\u0021-\u007E]+\/)$/,
  /** PathPrefix: `\u002F[\u0021-\u007F]*`. */
  pathPrefix: /^\/[\u0021-\u007F]*$/,
  /** Description: `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`. */
  description: /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/,
  /** Tag keys: `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`; values may also be empty. */
  tagKey: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
  tagValue: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
  /** Policy documents: printable text (`[\u0009\u000A\u000D\u0020-\u00FF]+`). */
  document: /^[\t\n\r\u0020-\u00FF]+$/,
};

/** Collects constraint failures; `done()` throws them as one ValidationError. */
export class Constraints {
  private readonly failures: string[] = [];

  fail(member: string, value: string | number | undefined, constraint: string): void {
    const shown = value === undefined ? 'null' : `'${value}'`;
    this.failures.push(`Value ${shown} at '${member}' failed to satisfy constraint: Member must ${constraint}`);
  }

  /** A required string with length bounds and an optional pattern; returns it (or '' if bad). */
  string(
    member: string,
    value: string | undefined,
    opts: { min?: number; max: number; pattern?: RegExp; patternText?: string; required?: boolean },
  ): string | undefined {
    if (value === undefined) {
      if (opts.required) this.fail(member, undefined, 'not be null');
      return undefined;
    }
    const length = [...value].length;
    if (opts.pattern && !opts.pattern.test(value))
      this.fail(member, value, `satisfy regular expression pattern: ${opts.patternText ?? opts.pattern.source}`);
    if (length < (opts.min ?? 1)) this.fail(member, value, `have length greater than or equal to ${opts.min ?? 1}`);
    if (length > opts.max) this.fail(member, value, `have length less than or equal to ${opts.max}`);
    return value;
  }

  /** An optional integer in [min, max]. */
  integer(member: string, raw: string | undefined, min: number, max: number): number | undefined {
    if (raw === undefined) return undefined;
    if (!/^-?\d+$/.test(raw)) {
      // Not a number at all: the Query deserializer's own complaint, not a constraint.
      throw new ServiceError(
        'ValidationError',
        `Invalid value for parameter ${member}, value: ${raw}, type: class java.lang.Integer`,
      );
    }
    const n = Number(raw);
    if (n < min) this.fail(member, raw, `have value greater than or equal to ${min}`);
    if (n > max) this.fail(member, raw, `have value less than or equal to ${max}`);
    return n;
  }

  done(): void {
    const n = this.failures.length;
    if (n === 0) return;
    throw new ServiceError(
      'ValidationError',
      `${n} validation error${n > 1 ? 's' : ''} detected: ${this.failures.join('; ')}`,
    );
  }
}

export const NAME_PATTERN_TEXT = '[\\w+=,.@-]+';
export const PATH_PATTERN_TEXT = '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)';

/** A policy document member (a policy, an inline policy, a trust policy): IAM's bounds and character set. */
export function documentMember(c: Constraints, member: string, value: string | undefined): string {
  return (
    c.string(member, value, {
      max: 131072,
      pattern: PATTERNS.document,
      patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
      required: true,
    }) ?? ''
  );
}

/**
 * IAM returns every policy document URL-encoded (RFC 3986), exactly as written: the SDKs hand it
 * over undecoded and callers run decodeURIComponent / urllib.parse.unquote on it
 * (IAM API reference, GetRolePolicy: "The policy document … is URL-encoded compliant with RFC 3986").
 */
export function encodeDocument(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Tags from `Tags.member.N.Key/Value`, validated (IAM: at most 50 per entity). */
export function parseTags(
  items: Record<string, string>[],
  c: Constraints,
  member = 'tags',
): { Key: string; Value: string }[] {
  const tags: { Key: string; Value: string }[] = [];
  items.forEach((item, i) => {
    const k = c.string(`${member}.${i + 1}.member.key`, item.Key, {
      min: 1,
      max: 128,
      pattern: PATTERNS.tagKey,
      patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
      required: true,
    });
    const v = c.string(`${member}.${i + 1}.member.value`, item.Value ?? '', {
      min: 0,
      max: 256,
      pattern: PATTERNS.tagValue,
      patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
    });
    if (k !== undefined) tags.push({ Key: k, Value: v ?? '' });
  });
  if (tags.length > 50) c.fail(member, undefined, 'have length less than or equal to 50');
  return tags;
}

/** IAM refuses a request that names one tag key twice, in any case. */
export function checkDuplicateTagKeys(tags: { Key: string }[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    const k = t.Key.toLowerCase();
    if (seen.has(k))
      throw new ServiceError(
        'InvalidInput',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      );
    seen.add(k);
  }
}

/** Merge tags into existing ones: a key already present (case-insensitively) takes the new value. */
export function mergeTags(
  existing: { Key: string; Value: string }[],
  added: { Key: string; Value: string }[],
  quota: string,
): { Key: string; Value: string }[] {
  const out = existing.map((t) => ({ ...t }));
  for (const t of added) {
    const i = out.findIndex((o) => o.Key.toLowerCase() === t.Key.toLowerCase());
    if (i >= 0) out[i] = { ...t };
    else out.push({ ...t });
  }
  if (out.length > 50) throw new ServiceError('LimitExceeded', `Cannot exceed quota for ${quota}: 50`, 409);
  return out;
}
