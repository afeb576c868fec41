/**
 * One input model for both CloudWatch protocols. JSON 1.0 brings a JSON object (timestamps as
 * epoch seconds); the Query protocol brings flat form keys (`MetricData.member.1.Dimensions.
 * member.2.Name`, ISO timestamps, every scalar a string). `decodeQueryParams` turns the latter
 * into the former's shape, and the readers below coerce either, naming the parameter in errors
 * with the Query path, as CloudWatch's messages do in both protocols.
 */
import { ServiceError } from '../../service-error.js';
import { isUnit, type Dimension, type Unit } from './shapes.js';

export type Input = Record<string, unknown>;

/** CloudWatch's Query error codes; the SDKs map them to InvalidParameterValueException etc. */
export const invalidValue = (message: string) => new ServiceError('InvalidParameterValue', message);
export const invalidCombination = (message: string) => new ServiceError('InvalidParameterCombination', message);
export const missing = (path: string) => new ServiceError('MissingParameter', `The parameter ${path} is required.`);
const invalidFor = (path: string, value: unknown) =>
  invalidValue(`The value ${String(value)} for parameter ${path} is invalid.`);

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** `A.member.2.B=x` → { A: [ , { B: 'x' }] } (lists dense, in member order). */
export function decodeQueryParams(params: Record<string, string>): Input {
  const root: Input = {};
  for (const [key, value] of Object.entries(params)) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    if (parts.some((p) => UNSAFE_KEYS.has(p) || p === '')) continue;
    let node: Input = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      node = next && typeof next === 'object' ? (next as Input) : (node[part] = {});
    }
    node[parts[parts.length - 1]!] = value;
  }
  return listify(root) as Input;
}

function listify(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const obj = value as Input;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === 'member' && obj.member && typeof obj.member === 'object') {
    return Object.entries(obj.member as Input)
      .filter(([k]) => /^\d+$/.test(k))
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([, v]) => listify(v));
  }
  return Object.fromEntries(keys.map((k) => [k, listify(obj[k])]));
}

export function optString(input: Input, key: string, path = key): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidFor(path, v);
  return v;
}

export function reqString(input: Input, key: string, path = key): string {
  const v = optString(input, key, path);
  if (v === undefined) throw missing(path);
  return v;
}

/** A finite number, from a JSON number or a Query string. NaN and ±Infinity are refused, as CloudWatch does. */
export function optNumber(input: Input, key: string, path = key): number | undefined {
  const v = input[key];
  if (v === undefined || v === null || v === '') return undefined;
  return toNumber(v, path);
}

export function toNumber(v: unknown, path: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw invalidFor(path, v);
  return n;
}

export function reqNumber(input: Input, key: string, path = key): number {
  const n = optNumber(input, key, path);
  if (n === undefined) throw missing(path);
  return n;
}

export function optInteger(input: Input, key: string, path = key): number | undefined {
  const n = optNumber(input, key, path);
  if (n !== undefined && !Number.isInteger(n)) throw invalidFor(path, n);
  return n;
}

/** Epoch seconds (JSON), or ISO 8601 / epoch seconds text (Query). */
export function optTime(input: Input, key: string, path = key): Date | undefined {
  const v = input[key];
  if (v === undefined || v === null || v === '') return undefined;
  let ms = NaN;
  if (typeof v === 'number') ms = v * 1000;
  else if (typeof v === 'string') ms = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  if (!Number.isFinite(ms)) throw invalidFor(path, v);
  return new Date(ms);
}

export function reqTime(input: Input, key: string, path = key): Date {
  const t = optTime(input, key, path);
  if (t === undefined) throw missing(path);
  return t;
}

export function optBoolean(input: Input, key: string, path = key): boolean | undefined {
  const v = input[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw invalidFor(path, v);
}

/** A list member. A Query empty list arrives as `Key=` (an empty string). */
export function optList(input: Input, key: string, path = key): unknown[] | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (v === '') return [];
  if (!Array.isArray(v)) throw invalidFor(path, typeof v === 'object' ? JSON.stringify(v) : v);
  return v as unknown[];
}

export function optStruct(input: Input, key: string, path = key): Input | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidFor(path, v);
  return v as Input;
}

export function asStruct(v: unknown, path: string): Input {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalidFor(path, v);
  return v as Input;
}

export function optUnit(input: Input, key: string, path = key): Unit | undefined {
  const v = optString(input, key, path);
  if (v === undefined) return undefined;
  if (!isUnit(v)) throw invalidFor(path, v);
  return v;
}

/** Dimensions: at most 30, names 1–255 and values 1–1024 characters (CloudWatch API limits). */
export function optDimensions(input: Input, key: string, path: string): Dimension[] {
  const list = optList(input, key, path) ?? [];
  if (list.length > 30) throw invalidValue(`The collection ${path} must not have a size greater than 30.`);
  const seen = new Set<string>();
  return list.map((item, i) => {
    const p = `${path}.member.${i + 1}`;
    const d = asStruct(item, p);
    const Name = reqString(d, 'Name', `${p}.Name`);
    const Value = reqString(d, 'Value', `${p}.Value`);
    if (Name.length < 1 || Name.length > 255) throw invalidFor(`${p}.Name`, Name);
    if (Value.length < 1 || Value.length > 1024) throw invalidFor(`${p}.Value`, Value);
    if (seen.has(Name)) throw invalidValue(`No metric may have duplicate dimension names (${path}: ${Name}).`);
    seen.add(Name);
    return { Name, Value };
  });
}

/**
 * A period in seconds: 1, 5, 10, 30 (high resolution) or any multiple of 60, as GetMetricStatistics
 * and MetricStat require.
 */
export function checkPeriod(period: number, path: string): number {
  if (!Number.isInteger(period) || period < 1) throw invalidValue(`The parameter ${path} must be greater than 0.`);
  if (![1, 5, 10, 30].includes(period) && period % 60 !== 0) {
    throw invalidValue(`The parameter ${path} must be 1, 5, 10, 30, or a multiple of 60.`);
  }
  return period;
}

/** Opaque pagination tokens: base64 JSON, refused with InvalidNextToken when tampered with. */
export function encodeToken(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeToken(token: string | undefined): Record<string, unknown> | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalidToken();
}

export const invalidToken = () => new ServiceError('InvalidNextToken', "The service couldn't process the token.");
