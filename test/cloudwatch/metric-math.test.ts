import { describe, expect, it } from 'vitest';
import { evaluate, MathError, referencedIds, type Series } from '../../src/local/services/cloudwatch/metric-math.js';

const series = (points: Record<number, number>): Series =>
  new Map(Object.entries(points).map(([t, v]) => [Number(t), v]));

const values: Record<string, Series> = {
  m1: series({ 1: 10, 2: 20, 3: 30 }),
  m2: series({ 1: 1, 2: 4 }),
  errors: series({ 1: 5, 3: 5 }),
};
const scope = {
  metricIds: ['m1', 'm2', 'errors'],
  resolve: (id: string) =>
    values[id] ??
    (() => {
      throw new MathError(`unknown ${id}`);
    })(),
};
const run = (e: string) => {
  const v = evaluate(e, scope);
  return v instanceof Map ? Object.fromEntries(v) : v;
};

describe('metric math', () => {
  it('does arithmetic between series on the timestamps both have, and with scalars', () => {
    expect(run('m1 + m2')).toEqual({ 1: 11, 2: 24 });
    expect(run('100 * m2 / m1')).toEqual({ 1: 10, 2: 20 });
    expect(run('-(m1 - 5) * 2')).toEqual({ 1: -10, 2: -30, 3: -50 });
    expect(run('2 + 3 * 4')).toBe(14);
  });

  it('drops points of a division by zero', () => {
    expect(run('m1 / (m2 - 1)')).toEqual({ 2: 20 / 3 });
  });

  it('reduces arrays per timestamp and single series to a scalar', () => {
    expect(run('SUM(METRICS())')).toEqual({ 1: 16, 2: 24, 3: 35 });
    expect(run('AVG([m1, m2])')).toEqual({ 1: 5.5, 2: 12, 3: 30 });
    expect(run('MAX(METRICS("m"))')).toEqual({ 1: 10, 2: 20, 3: 30 });
    expect(run('SUM(m1)')).toBe(60);
    expect(run('MIN(m2)')).toBe(1);
    expect(run('ABS(m2 - m1)')).toEqual({ 1: 9, 2: 16 });
    expect(run('sum(METRICS("err"))')).toEqual({ 1: 5, 3: 5 });
  });

  it('finds the ids an expression depends on', () => {
    expect(referencedIds('m1 * 100 / SUM(METRICS())', ['m1', 'm2'])).toEqual(['m1', 'm2']);
    expect(referencedIds('e1 + 1', ['m1'])).toEqual(['e1']);
  });

  it('refuses what it does not support, saying so', () => {
    expect(() => evaluate('FILL(m1, 0)', scope)).toThrow(/FILL is not supported/);
    expect(() => evaluate('m1 +', scope)).toThrow(MathError);
    expect(() => evaluate('m1 $ m2', scope)).toThrow(/unexpected character/);
    expect(() => evaluate('METRICS() + METRICS()', scope)).toThrow(/arrays/);
  });
});
