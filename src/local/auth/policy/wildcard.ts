/**
 * Glob matching as IAM does it: `*` (any run of characters) and `?` (one character) in actions,
 * resources and the *Like condition operators, plus policy variables (`${aws:username}`) where
 * IAM expands them. Every match compiles to an anchored RegExp; patterns without variables are
 * cached because the same few policies are evaluated on every request.
 */

/**
 * Resolves a policy variable to its single value, or undefined when the key is absent or
 * multivalued (IAM: "You cannot use a multivalued condition key as a policy variable").
 */
export type VariableLookup = (key: string) => string | undefined;

type Token = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'star' } | { readonly kind: 'one' };

interface TokenizeOptions {
  /** `*` and `?` are wildcards (StringLike, resources) rather than literal characters. */
  readonly wildcards: boolean;
  /** Expand `${…}`; undefined means variables are literal text (Version 2008-10-17 documents). */
  readonly lookup?: VariableLookup;
}

/**
 * Split a pattern into literal text and wildcards, expanding policy variables. Returns null when
 * a variable cannot be resolved: IAM documents that such an element does not match
 * (reference_policies_variables.html, "Request information that you can use for policy variables":
 * if the key is absent and no default is given, the comparison fails).
 */
export function tokenize(pattern: string, options: TokenizeOptions): Token[] | null {
  const tokens: Token[] = [];
  let text = '';
  const flush = (): void => {
    if (text) tokens.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (options.lookup && c === '$' && pattern[i + 1] === '{') {
      const end = pattern.indexOf('}', i + 2);
      if (end !== -1) {
        const inner = pattern.slice(i + 2, end);
        const value = resolveVariable(inner, options.lookup);
        if (value === undefined) return null;
        text += value; // a variable's value is always literal, never a wildcard
        i = end;
        continue;
      }
    }
    if (options.wildcards && (c === '*' || c === '?')) {
      flush();
      tokens.push({ kind: c === '*' ? 'star' : 'one' });
      continue;
    }
    text += c;
  }
  flush();
  return tokens;
}

/**
 * `${*}`, `${?}` and `${$}` are IAM's escapes for the literal characters; `${key, 'default'}`
 * supplies a default when the key is absent (reference_policies_variables.html).
 */
function resolveVariable(inner: string, lookup: VariableLookup): string | undefined {
  if (inner === '*' || inner === '?' || inner === '$') return inner;
  const comma = inner.indexOf(',');
  const key = (comma === -1 ? inner : inner.slice(0, comma)).trim();
  const value = lookup(key);
  if (value !== undefined) return value;
  if (comma === -1) return undefined;
  const fallback = inner.slice(comma + 1).trim();
  return /^'.*'$/s.test(fallback) ? fallback.slice(1, -1) : undefined;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function tokensToSource(tokens: readonly Token[], star: string, one: string): string {
  return tokens.map((t) => (t.kind === 'text' ? escapeRegExp(t.text) : t.kind === 'star' ? star : one)).join('');
}

const cache = new Map<string, RegExp | null>();
const CACHE_LIMIT = 2000;

function cached(key: string, pattern: string, build: () => RegExp | null): RegExp | null {
  // Only patterns without variables are cacheable: with them the RegExp depends on the request.
  if (pattern.includes('${')) return build();
  let re = cache.get(key);
  if (re === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    re = build();
    cache.set(key, re);
  }
  return re;
}

/** A plain glob over the whole string (actions, StringLike). */
export function globMatches(
  pattern: string,
  value: string,
  options: { ignoreCase: boolean; lookup?: VariableLookup },
): boolean {
  const re = cached(`g${options.ignoreCase ? 'i' : 's'}${options.lookup ? 'v' : ''}|${pattern}`, pattern, () => {
    const tokens = tokenize(pattern, { wildcards: true, lookup: options.lookup });
    if (!tokens) return null;
    return new RegExp(`^${tokensToSource(tokens, '[\\s\\S]*', '[\\s\\S]')}$`, options.ignoreCase ? 'i' : '');
  });
  return re !== null && re.test(value);
}

/**
 * Action names are case-insensitive (reference_policies_elements_action.html: "Action … values
 * are case-insensitive"); `*` alone matches every action of every service.
 */
export function actionMatches(pattern: string, action: string): boolean {
  return pattern === '*' || globMatches(pattern, action, { ignoreCase: true });
}

/**
 * Split at the colons that separate ARN segments: at most six segments (the resource part keeps
 * its own colons, e.g. `log-group:name:log-stream:x`), ignoring colons inside `${aws:…}`.
 */
export function splitArnSegments(pattern: string): string[] {
  const segments: string[] = [];
  let start = 0;
  let depth = 0;
  for (let i = 0; i < pattern.length && segments.length < 5; i++) {
    if (pattern[i] === '$' && pattern[i + 1] === '{') depth++;
    else if (pattern[i] === '}' && depth > 0) depth--;
    else if (pattern[i] === ':' && depth === 0) {
      segments.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  segments.push(pattern.slice(start));
  return segments;
}

/**
 * Build a segment-aware ARN RegExp. Within the first five segments a wildcard stays inside its
 * segment (`[^:]`), except that a `*` that ends a segment may run past colons when `crossColons`
 * is set: "If the * wildcard is the last character of a resource ARN segment, it can expand to
 * match beyond the colon boundaries" (reference_policies_elements_resource.html). That is also
 * what lets a short pattern like `arn:aws:s3:*` cover whole ARNs. In the sixth (resource)
 * segment colons are ordinary characters.
 */
function arnRegExp(pattern: string, lookup: VariableLookup | undefined, crossColons: boolean): RegExp | null {
  const segments = splitArnSegments(pattern);
  const sources: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const tokens = tokenize(segments[i]!, { wildcards: true, lookup });
    if (!tokens) return null;
    if (i === 5 || (crossColons && i === segments.length - 1)) {
      sources.push(tokensToSource(tokens, '[\\s\\S]*', '[\\s\\S]'));
      continue;
    }
    const last = tokens.length - 1;
    sources.push(
      tokens
        .map((t, j) =>
          t.kind === 'text'
            ? escapeRegExp(t.text)
            : t.kind === 'one'
              ? '[^:]'
              : crossColons && j === last
                ? '[\\s\\S]*'
                : '[^:]*',
        )
        .join(''),
    );
  }
  return new RegExp(`^${sources.join(':')}$`);
}

/**
 * Does a Resource/NotResource entry cover this resource? ARNs are case-sensitive
 * (reference_policies_elements_resource.html: "the IAM user name is case sensitive", and ARN
 * matching is exact apart from wildcards). `lookup` undefined: variables are literal text.
 * null: the entry names a policy variable the request does not have, which IAM says "fails and
 * causes the statement to be invalid" (reference_policies_variables.html, principal key values).
 */
export function resourceMatches(pattern: string, resource: string, lookup?: VariableLookup): boolean | null {
  if (pattern === '*') return true;
  const re = cached(`r${lookup ? 'v' : ''}|${pattern}`, pattern, () => arnRegExp(pattern, lookup, true));
  return re === null ? null : re.test(resource);
}

/**
 * ArnEquals/ArnLike: "Each of the six colon-delimited components of the ARN is checked
 * separately and each can include multi-character match wildcards (*) or single-character match
 * wildcards (?)" (reference_policies_elements_condition_operators.html#Conditions_ARN).
 * Returns null when either side is not a six-segment ARN: the operator cannot evaluate it, so
 * neither the positive nor the negated operator matches.
 */
export function arnConditionMatches(pattern: string, value: string, lookup?: VariableLookup): boolean | null {
  if (splitArnSegments(pattern).length < 6 || splitArnSegments(value).length < 6) return null;
  const re = cached(`a${lookup ? 'v' : ''}|${pattern}`, pattern, () => arnRegExp(pattern, lookup, false));
  return re === null ? null : re.test(value);
}
