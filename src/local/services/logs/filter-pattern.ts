/**
 * CloudWatch Logs filter patterns over unstructured lines (docs/aws-behaviour.md#logs): terms
 * separated by spaces must all appear; a "quoted phrase" must appear as written; `?term` terms
 * match when any one of them appears; `-term` must not appear. Matching is case sensitive and by
 * substring ("ERROR" matches "[ERROR] ..."). Pure: no I/O.
 *
 * JSON patterns (`{ $.level = "error" }`) and space-delimited ones (`[ip, user, ...]`) are not
 * served by the local cloud: it says so with InvalidParameterException rather than match wrongly.
 */
import { ServiceError } from '../../service-error.js';

export interface FilterPattern {
  all: string[];
  any: string[];
  none: string[];
}

const invalidFilterPattern = (message: string) => new ServiceError('InvalidParameterException', message);

/** Parse a pattern; undefined or blank matches every event. */
export function parseFilterPattern(text: string | undefined): FilterPattern | undefined {
  const source = (text ?? '').trim();
  if (source === '') return undefined;
  if (source.startsWith('{') || source.startsWith('[')) {
    // Our wording: the local cloud's limit, not an AWS message.
    throw invalidFilterPattern(
      `The mme local cloud does not implement JSON or space-delimited filter patterns: ${source}. Use terms and "quoted phrases".`,
    );
  }
  const pattern: FilterPattern = { all: [], any: [], none: [] };
  let i = 0;
  while (i < source.length) {
    if (source[i] === ' ' || source[i] === '\t') {
      i++;
      continue;
    }
    let kind: keyof FilterPattern = 'all';
    if (source[i] === '?' || source[i] === '-') {
      kind = source[i] === '?' ? 'any' : 'none';
      i++;
    }
    let term: string;
    if (source[i] === '"') {
      const end = source.indexOf('"', i + 1);
      if (end < 0) throw invalidFilterPattern(`Invalid filter pattern: unterminated quote in ${source}`);
      term = source.slice(i + 1, end);
      i = end + 1;
    } else {
      let end = i;
      while (end < source.length && source[end] !== ' ' && source[end] !== '\t') end++;
      term = source.slice(i, end);
      i = end;
    }
    if (term === '') throw invalidFilterPattern(`Invalid filter pattern: an empty term in ${source}`);
    pattern[kind].push(term);
  }
  return pattern;
}

export function matchesFilter(pattern: FilterPattern | undefined, message: string): boolean {
  if (!pattern) return true;
  for (const t of pattern.all) if (!message.includes(t)) return false;
  for (const t of pattern.none) if (message.includes(t)) return false;
  return pattern.any.length === 0 || pattern.any.some((t) => message.includes(t));
}
