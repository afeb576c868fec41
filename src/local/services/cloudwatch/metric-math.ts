/**
 * A subset of CloudWatch metric math for GetMetricData expressions, pure:
 *   numbers, query ids, + - * / and parentheses, unary minus,
 *   METRICS() and METRICS('text') (the request's metric queries whose Id contains text),
 *   [m1, m2] arrays, SUM / AVG / MIN / MAX / ABS.
 * Semantics follow the metric math reference
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html):
 * - series ∘ series keeps the timestamps both have; series ∘ scalar applies to every point;
 * - SUM/AVG/MIN/MAX of an array is a series (per timestamp, over the series that have a value);
 *   of a single series it is a scalar;
 * - a division by zero yields no datapoint (CloudWatch drops non-finite results).
 * Anything else (SEARCH, FILL, IF, RATE, …) is refused with a message that says so.
 */

/** A time series: timestamp (ms) → value. */
export type Series = Map<number, number>;
export type MathValue = number | Series | Series[];

export class MathError extends Error {}

export interface MathScope {
  /** The value of another query by id (metric or expression). */
  resolve(id: string): Series | number;
  /** Ids of the request's metric (MetricStat) queries, in request order. */
  metricIds: readonly string[];
}

type Token =
  | { kind: 'num'; value: number }
  | { kind: 'id'; value: string }
  | { kind: 'str'; value: string }
  | { kind: 'op'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|'([^']*)'|"([^"]*)"|([-+*/(),[\]]))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new MathError(`unexpected character '${text.slice(pos).trim()[0]}'`);
    pos = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: 'id', value: m[2] });
    else if (m[3] !== undefined || m[4] !== undefined) tokens.push({ kind: 'str', value: m[3] ?? m[4]! });
    else tokens.push({ kind: 'op', value: m[5]! });
  }
  return tokens;
}

/** Ids an expression refers to (for dependency checks before evaluation). */
export function referencedIds(expression: string, metricIds: readonly string[]): string[] {
  const tokens = tokenize(expression);
  const ids = new Set<string>();
  tokens.forEach((t, i) => {
    if (t.kind !== 'id') return;
    if (tokens[i + 1]?.kind === 'op' && tokens[i + 1]!.value === '(') {
      if (t.value.toUpperCase() === 'METRICS') metricIds.forEach((id) => ids.add(id));
      return;
    }
    ids.add(t.value);
  });
  return [...ids];
}

export function evaluate(expression: string, scope: MathScope): MathValue {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = (value?: string) => tokens[i]?.kind === 'op' && (value === undefined || tokens[i]!.value === value);
  const expect = (value: string) => {
    if (!peek(value)) throw new MathError(`expected '${value}'`);
    i++;
  };

  function sum(): MathValue {
    let left = product();
    while (peek('+') || peek('-')) {
      const op = String(tokens[i++]!.value);
      left = binary(op, left, product());
    }
    return left;
  }
  function product(): MathValue {
    let left = unary();
    while (peek('*') || peek('/')) {
      const op = String(tokens[i++]!.value);
      left = binary(op, left, unary());
    }
    return left;
  }
  function unary(): MathValue {
    if (peek('-')) {
      i++;
      return binary('*', -1, unary());
    }
    return primary();
  }
  function primary(): MathValue {
    const t = tokens[i++];
    if (!t) throw new MathError('unexpected end of expression');
    if (t.kind === 'num') return t.value;
    if (t.kind === 'op' && t.value === '(') {
      const v = sum();
      expect(')');
      return v;
    }
    if (t.kind === 'op' && t.value === '[') {
      const items: Series[] = [];
      do items.push(asSeries(sum(), 'array elements'));
      while (peek(',') && ++i);
      expect(']');
      return items;
    }
    if (t.kind === 'id' && peek('(')) {
      i++;
      const args: (MathValue | string)[] = [];
      if (!peek(')')) {
        do args.push(tokens[i]?.kind === 'str' ? (tokens[i++]!.value as string) : sum());
        while (peek(',') && ++i);
      }
      expect(')');
      return call(t.value.toUpperCase(), args);
    }
    if (t.kind === 'id') return scope.resolve(t.value);
    throw new MathError(`unexpected '${t.value}'`);
  }
  function call(name: string, args: (MathValue | string)[]): MathValue {
    if (name === 'METRICS') {
      const filter = args[0];
      if (args.length > 1 || (filter !== undefined && typeof filter !== 'string'))
        throw new MathError('METRICS takes an optional string');
      const ids = scope.metricIds.filter((id) => filter === undefined || id.includes(filter));
      return ids.map((id) => asSeries(scope.resolve(id), 'METRICS()'));
    }
    const reduce = Object.hasOwn(REDUCERS, name) ? REDUCERS[name] : undefined;
    if (!reduce && name !== 'ABS') throw new MathError(`the function ${name} is not supported by the mme local cloud`);
    if (args.length !== 1 || typeof args[0] === 'string') throw new MathError(`${name} takes one argument`);
    const arg = args[0]!;
    if (!reduce) return map(arg, Math.abs);
    if (typeof arg === 'number') return arg;
    if (arg instanceof Map) return reduce([...arg.values()]);
    const out: Series = new Map();
    const times = [...new Set(arg.flatMap((s) => [...s.keys()]))].sort((a, b) => a - b);
    for (const t of times) out.set(t, reduce(arg.flatMap((s) => (s.has(t) ? [s.get(t)!] : []))));
    return out;
  }

  const result = sum();
  if (i < tokens.length) throw new MathError(`unexpected '${String(tokens[i]!.value)}'`);
  return result;
}

const REDUCERS: Record<string, (values: number[]) => number> = {
  SUM: (v) => v.reduce((a, b) => a + b, 0),
  AVG: (v) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN),
  MIN: (v) => Math.min(...v),
  MAX: (v) => Math.max(...v),
};

function asSeries(v: MathValue, where: string): Series {
  if (v instanceof Map) return v;
  throw new MathError(`${where} must be time series`);
}

function map(v: MathValue, f: (x: number) => number): MathValue {
  if (typeof v === 'number') return f(v);
  if (v instanceof Map) return new Map([...v].map(([t, x]) => [t, f(x)]));
  return v.map((s) => map(s, f) as Series);
}

function binary(op: string, a: MathValue, b: MathValue): MathValue {
  const f = (x: number, y: number) => (op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y);
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (Array.isArray(a) && typeof b !== 'object') return a.map((s) => binary(op, s, b) as Series);
    if (Array.isArray(b) && typeof a !== 'object') return b.map((s) => binary(op, a, s) as Series);
    throw new MathError('arithmetic between arrays of time series is not supported by the mme local cloud');
  }
  const out: Series = new Map();
  if (typeof a === 'number') for (const [t, y] of b as Series) out.set(t, f(a, y));
  else if (typeof b === 'number') for (const [t, x] of a) out.set(t, f(x, b));
  else for (const [t, x] of a) if (b.has(t)) out.set(t, f(x, b.get(t)!));
  for (const [t, v] of out) if (!Number.isFinite(v)) out.delete(t);
  return out;
}
