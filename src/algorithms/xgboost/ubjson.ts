/**
 * UBJSON as xgboost reads and writes it (src/common/json.cc UBJReader / UBJWriter, v1.7.4;
 * docs/aws-behaviour.md#xgboost): big-endian; objects `{` (keys: `L` int64 length + bytes)
 * `}`; arrays `[` `#` `L` count items, or typed `[` `$` type `#` `L` count raw values (d f32,
 * U u8, l i32, L i64; i i8 read too); numbers `d` float32; integers in the smallest of
 * i/I/l/L that fits; strings `S` `L` length bytes; `T`, `F`, `Z`.
 *
 * Decoded typed arrays stay typed (Float32Array, Int32Array, Uint8Array, Int8Array; int64
 * arrays become Float64Array, exact for the counts and ids a model holds) so a 100-tree model
 * loads without boxing a number per node.
 */
export type UbjValue =
  | null
  | boolean
  | number
  | string
  | UbjValue[]
  | { [key: string]: UbjValue }
  | Float32Array
  | Int32Array
  | Uint8Array
  | Int8Array
  | Float64Array;

/** A float stored as UBJSON `d` (float32), not an integer. */
export class Float32Number {
  constructor(readonly value: number) {}
}
/** What the encoder accepts: plain values, typed arrays, and Float32Number for float scalars. */
export type UbjInput =
  | null
  | boolean
  | number
  | string
  | Float32Number
  | UbjInput[]
  | { [key: string]: UbjInput }
  | Float32Array
  | Int32Array
  | Uint8Array
  | BigInt64Array;

class UbjError extends Error {}

export function decodeUbjson(bytes: Uint8Array): UbjValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder('utf-8');
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > bytes.length) throw new UbjError(`UBJSON: unexpected end at byte ${pos}`);
  };
  const char = () => {
    need(1);
    return String.fromCharCode(bytes[pos++]!);
  };
  const int64 = () => {
    need(8);
    const v = view.getBigInt64(pos, false);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
      throw new UbjError('UBJSON: int64 out of range');
    return Number(v);
  };
  const expect = (c: string) => {
    const got = char();
    if (got !== c) throw new UbjError(`UBJSON: expected '${c}' at byte ${pos - 1}, found '${got}'`);
  };
  const str = () => {
    expect('L');
    const n = int64();
    need(n);
    const s = text.decode(bytes.subarray(pos, pos + n));
    pos += n;
    return s;
  };
  const typed = (type: string, n: number): UbjValue => {
    const size = { d: 4, U: 1, i: 1, l: 4, L: 8 }[type];
    if (size === undefined) throw new UbjError(`UBJSON: typed array of '${type}' not supported`);
    need(n * size);
    let out: Float32Array | Int32Array | Uint8Array | Int8Array | Float64Array;
    switch (type) {
      case 'd': {
        const a = new Float32Array(n);
        for (let i = 0; i < n; i++) a[i] = view.getFloat32(pos + 4 * i, false);
        out = a;
        break;
      }
      case 'l': {
        const a = new Int32Array(n);
        for (let i = 0; i < n; i++) a[i] = view.getInt32(pos + 4 * i, false);
        out = a;
        break;
      }
      case 'L': {
        const a = new Float64Array(n);
        for (let i = 0; i < n; i++) a[i] = Number(view.getBigInt64(pos + 8 * i, false));
        out = a;
        break;
      }
      case 'U':
        out = bytes.slice(pos, pos + n);
        break;
      default:
        out = new Int8Array(bytes.slice(pos, pos + n).buffer);
    }
    pos += n * size;
    return out;
  };
  const value = (marker: string): UbjValue => {
    switch (marker) {
      case '{': {
        const obj: { [key: string]: UbjValue } = {};
        while (bytes[pos] !== 0x7d) {
          need(1);
          const key = str();
          obj[key] = value(char());
        }
        pos++;
        return obj;
      }
      case '[': {
        need(1);
        if (bytes[pos] === 0x24 /* $ */) {
          pos++;
          const type = char();
          expect('#');
          expect('L');
          return typed(type, int64());
        }
        const items: UbjValue[] = [];
        if (bytes[pos] === 0x23 /* # */) {
          pos++;
          expect('L');
          const n = int64();
          for (let i = 0; i < n; i++) items.push(value(char()));
          return items;
        }
        while (bytes[pos] !== 0x5d) {
          need(1);
          items.push(value(char()));
        }
        pos++;
        return items;
      }
      case 'Z':
        return null;
      case 'T':
        return true;
      case 'F':
        return false;
      case 'd': {
        need(4);
        const v = view.getFloat32(pos, false);
        pos += 4;
        return v;
      }
      case 'D': {
        need(8);
        const v = view.getFloat64(pos, false);
        pos += 8;
        return v;
      }
      case 'S':
        return str();
      case 'i':
        need(1);
        return view.getInt8(pos++);
      case 'U':
        need(1);
        return bytes[pos++]!;
      case 'I': {
        need(2);
        const v = view.getInt16(pos, false);
        pos += 2;
        return v;
      }
      case 'l': {
        need(4);
        const v = view.getInt32(pos, false);
        pos += 4;
        return v;
      }
      case 'L':
        return int64();
      default:
        throw new UbjError(`UBJSON: unknown marker '${marker}' at byte ${pos - 1}`);
    }
  };
  const result = value(char());
  return result;
}

/** Encode as xgboost's UBJWriter does. Integers (JS numbers that are integers) use i/I/l/L. */
export function encodeUbjson(input: UbjInput): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const push = (b: Uint8Array) => {
    chunks.push(b);
    size += b.length;
  };
  const byte = (c: string) => push(Uint8Array.of(c.charCodeAt(0)));
  const int64 = (n: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(n), false);
    push(b);
  };
  const encoder = new TextEncoder();
  const str = (s: string) => {
    const b = encoder.encode(s);
    byte('L');
    int64(b.length);
    push(b);
  };
  const typed = (type: string, a: Float32Array | Int32Array | Uint8Array | BigInt64Array) => {
    byte('[');
    byte('$');
    byte(type);
    byte('#');
    byte('L');
    int64(a.length);
    const size = type === 'U' ? 1 : type === 'L' ? 8 : 4;
    const b = new Uint8Array(a.length * size);
    const view = new DataView(b.buffer);
    if (a instanceof BigInt64Array) for (let i = 0; i < a.length; i++) view.setBigInt64(8 * i, a[i]!, false);
    else if (a instanceof Float32Array) for (let i = 0; i < a.length; i++) view.setFloat32(4 * i, a[i]!, false);
    else if (a instanceof Int32Array) for (let i = 0; i < a.length; i++) view.setInt32(4 * i, a[i]!, false);
    else b.set(a as Uint8Array);
    push(b);
  };
  const integer = (i: number) => {
    // UBJWriter::Visit(JsonInteger): strict bounds, so -128 and 127 take the next size up.
    const b = new Uint8Array(8);
    const view = new DataView(b.buffer);
    if (i > -128 && i < 127) {
      byte('i');
      view.setInt8(0, i);
      push(b.subarray(0, 1));
    } else if (i > -32768 && i < 32767) {
      byte('I');
      view.setInt16(0, i, false);
      push(b.subarray(0, 2));
    } else if (i > -2147483648 && i < 2147483647) {
      byte('l');
      view.setInt32(0, i, false);
      push(b.subarray(0, 4));
    } else {
      byte('L');
      int64(i);
    }
  };
  const visit = (v: UbjInput) => {
    if (v === null) byte('Z');
    else if (v === true) byte('T');
    else if (v === false) byte('F');
    else if (typeof v === 'string') {
      byte('S');
      str(v);
    } else if (typeof v === 'number') {
      if (Number.isInteger(v)) integer(v);
      else {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setFloat32(0, v, false);
        byte('d');
        push(b);
      }
    } else if (v instanceof Float32Number) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, v.value, false);
      byte('d');
      push(b);
    } else if (v instanceof Float32Array) typed('d', v);
    else if (v instanceof Int32Array) typed('l', v);
    else if (v instanceof Uint8Array) typed('U', v);
    else if (v instanceof BigInt64Array) typed('L', v);
    else if (Array.isArray(v)) {
      byte('[');
      byte('#');
      byte('L');
      int64(v.length);
      for (const item of v) visit(item);
    } else {
      byte('{');
      for (const [k, item] of Object.entries(v)) {
        str(k);
        visit(item);
      }
      byte('}');
    }
  };
  visit(input);
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
