import { describe, expect, it } from 'vitest';
import { matchesFilter, parseFilterPattern } from '../../src/local/services/logs/filter-pattern.js';

describe('filter patterns (docs/aws-behaviour.md#logs)', () => {
  const match = (pattern: string, line: string) => matchesFilter(parseFilterPattern(pattern), line);

  it('blank matches everything', () => {
    expect(parseFilterPattern(undefined)).toBeUndefined();
    expect(parseFilterPattern('   ')).toBeUndefined();
    expect(match('', 'anything')).toBe(true);
  });

  it('terms must all appear, by substring, case sensitive', () => {
    expect(match('ERROR model', '[ERROR] the model failed')).toBe(true);
    expect(match('ERROR model', '[ERROR] the container failed')).toBe(false);
    expect(match('error', '[ERROR] x')).toBe(false);
  });

  it('a quoted phrase appears as written, spaces and all', () => {
    expect(match('"model failed"', 'the model failed')).toBe(true);
    expect(match('"model failed"', 'failed model')).toBe(false);
    expect(parseFilterPattern('"a b" c')).toEqual({ all: ['a b', 'c'], any: [], none: [] });
  });

  it('?terms: any one; -terms: none', () => {
    expect(match('?WARN ?ERROR', 'WARN disk')).toBe(true);
    expect(match('?WARN ?ERROR', 'INFO ok')).toBe(false);
    expect(match('ERROR -"line 0"', 'line 0 ERROR')).toBe(false);
    expect(match('ERROR -"line 0"', 'line 1 ERROR')).toBe(true);
    expect(parseFilterPattern('?"a b" -c d')).toEqual({ all: ['d'], any: ['a b'], none: ['c'] });
  });

  it('refuses what it cannot match rightly', () => {
    expect(() => parseFilterPattern('"unterminated')).toThrow(/unterminated quote/);
    expect(() => parseFilterPattern('{ $.level = "error" }')).toThrow(/JSON or space-delimited/);
    expect(() => parseFilterPattern('[ip, user]')).toThrow(/JSON or space-delimited/);
    expect(() => parseFilterPattern('a - b')).toThrow(/empty term/);
  });
});
