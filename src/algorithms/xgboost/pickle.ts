/**
 * A pickled xgboost Booster, as the SageMaker containers 0.90-1 … 1.2-2 wrote `xgboost-model`
 * (`pickle.dump(booster)`, protocol 3, or 4 from 1.0-1) and as users still upload
 * (docs/aws-behaviour.md#xgboost).
 *
 * This is NOT a general unpickler and never runs code: a small stack machine for the opcodes
 * such a pickle uses, where the only globals allowed are `xgboost.core.Booster`,
 * `builtins.bytearray` and `copyreg._reconstructor`, all interpreted as data. Anything else is
 * refused.
 *
 * The Booster's state is a dict whose "handle" is the bytes of XGBoosterSerializeToBuffer,
 * which changed with the writing xgboost:
 *   0.90        the binary model (save_raw), no "binf";
 *   1.0 … 1.3   "CONFIG-offset:" + i64 length + binary model of that length + JSON config;
 *   1.4, 1.5    JSON {"Model": <model document>, "Config": …};
 *   1.6 …       the same in UBJSON.
 * The other state keys are the Booster's Python attributes; the container scores with
 * `getattr(booster, "best_ntree_limit", 0)`, which for a pickle is the state's value only.
 */
import { ArtifactError } from '../errors.js';
import { readBinaryModel } from './binary-model.js';
import { modelFromDocument } from './json-model.js';
import type { XGBoostModel } from './model.js';
import { decodeUbjson } from './ubjson.js';

export function isPickle(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5;
}

class Global {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}
class Instance {
  state: unknown = undefined;
  constructor(readonly cls: Global) {}
}
const MARK = Symbol('mark');

const ALLOWED = new Set([
  'xgboost.core.Booster',
  'builtins.bytearray',
  '__builtin__.bytearray',
  'copyreg._reconstructor',
  'copy_reg._reconstructor',
  'builtins.object',
  '__builtin__.object',
]);

/** Run the pickle; returns the top object (a Booster Instance for the files we read). */
export function unpickle(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder('utf-8');
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > bytes.length) throw new ArtifactError('pickle: truncated');
  };
  const u8 = () => {
    need(1);
    return bytes[pos++]!;
  };
  const u32 = () => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length)) throw new ArtifactError('pickle: implausible length');
    return Number(v);
  };
  const take = (n: number) => {
    need(n);
    const b = bytes.slice(pos, pos + n);
    pos += n;
    return b;
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw new ArtifactError('pickle: truncated');
    const s = text.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => {
    if (stack.length === 0) throw new ArtifactError('pickle: stack underflow');
    return stack.pop();
  };
  const popMark = () => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw new ArtifactError('pickle: no mark');
    const items = stack.splice(i);
    items.shift();
    return items;
  };
  const global = (module: string, name: string) => {
    const g = new Global(module, name);
    if (!ALLOWED.has(g.qualified))
      throw new ArtifactError(`not a pickled XGBoost Booster (refuses to load the global ${g.qualified})`);
    return g;
  };
  const call = (fn: unknown, args: unknown): unknown => {
    if (!(fn instanceof Global) || !Array.isArray(args)) throw new ArtifactError('pickle: call of a non-callable');
    const list: unknown[] = args;
    switch (fn.name) {
      case 'bytearray': {
        const a = list[0];
        if (a === undefined) return new Uint8Array(0);
        if (a instanceof Uint8Array) return a;
        throw new ArtifactError('pickle: bytearray of an unexpected value');
      }
      case '_reconstructor': {
        const cls = list[0];
        if (!(cls instanceof Global) || cls.qualified !== 'xgboost.core.Booster')
          throw new ArtifactError('pickle: unexpected _reconstructor');
        return new Instance(cls);
      }
      case 'Booster':
        return new Instance(fn);
      default:
        throw new ArtifactError(`pickle: cannot call ${fn.qualified}`);
    }
  };
  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x63: // GLOBAL
        stack.push(global(line(), line()));
        break;
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof name !== 'string' || typeof module !== 'string') throw new ArtifactError('pickle: bad STACK_GLOBAL');
        stack.push(global(module, name));
        break;
      }
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text.decode(take(u8())));
        break;
      case 0x58: // BINUNICODE
        stack.push(text.decode(take(u32())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text.decode(take(u64())));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()));
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()));
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, stack[stack.length - 1]);
        break;
      case 0x71: // BINPUT
        memo.set(u8(), stack[stack.length - 1]);
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), stack[stack.length - 1]);
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k)) throw new ArtifactError('pickle: unknown memo entry');
        stack.push(memo.get(k));
        break;
      }
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        (stack[stack.length - 1] as unknown[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = stack[stack.length - 1];
        if (!Array.isArray(list)) throw new ArtifactError('pickle: APPENDS to a non-list');
        list.push(...items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map<unknown, unknown>());
        break;
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        (stack[stack.length - 1] as Map<unknown, unknown>).set(k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const dict = stack[stack.length - 1];
        if (!(dict instanceof Map)) throw new ArtifactError('pickle: SETITEMS to a non-dict');
        for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: {
        // BININT2
        need(2);
        stack.push(view.getUint16(pos, true));
        pos += 2;
        break;
      }
      case 0x4a: {
        // BININT
        need(4);
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      }
      case 0x8a: {
        // LONG1
        const n = u8();
        const b = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        if (n > 0 && b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(Number(v));
        break;
      }
      case 0x47: {
        // BINFLOAT
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        if (!(cls instanceof Global) || cls.qualified !== 'xgboost.core.Booster')
          throw new ArtifactError('not a pickled XGBoost Booster');
        void args;
        stack.push(new Instance(cls));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const obj = stack[stack.length - 1];
        if (!(obj instanceof Instance)) throw new ArtifactError('pickle: BUILD on a non-object');
        obj.state = state;
        break;
      }
      default:
        throw new ArtifactError(`pickle: unsupported opcode 0x${op.toString(16)} at byte ${pos - 1}`);
    }
  }
}

export type PicklePayload = 'binary' | 'config-offset' | 'json-snapshot' | 'ubjson-snapshot';

/** The model inside a pickled Booster, and which payload shape carried it. */
export function readPickledBooster(bytes: Uint8Array): { model: XGBoostModel; payload: PicklePayload } {
  const top = unpickle(bytes);
  if (!(top instanceof Instance) || !(top.state instanceof Map))
    throw new ArtifactError('not a pickled XGBoost Booster');
  const state = top.state as Map<unknown, unknown>;
  const handle = state.get('handle');
  if (!(handle instanceof Uint8Array) || handle.length === 0)
    throw new ArtifactError('pickled Booster has no model (empty handle)');
  const { model, payload } = decodeHandle(handle);
  // The container reads best_ntree_limit as a Python attribute: the pickled state's, or none.
  const attributes: Record<string, string> = { ...model.attributes };
  delete attributes.best_ntree_limit;
  for (const key of ['best_ntree_limit', 'best_iteration', 'best_score']) {
    const v = state.get(key);
    if (typeof v === 'number') attributes[key] = String(v);
  }
  const names = state.get('feature_names');
  const featureNames = Array.isArray(names) ? names.map(String) : model.featureNames;
  return { model: { ...model, attributes, featureNames }, payload };
}

const CONFIG_OFFSET = 'CONFIG-offset:';

function decodeHandle(handle: Uint8Array): { model: XGBoostModel; payload: PicklePayload } {
  const head = String.fromCharCode(...handle.subarray(0, CONFIG_OFFSET.length));
  if (head === CONFIG_OFFSET) {
    const view = new DataView(handle.buffer, handle.byteOffset, handle.byteLength);
    const start = CONFIG_OFFSET.length + 8;
    if (handle.length < start) throw new ArtifactError('pickled Booster: truncated CONFIG-offset header');
    const size = Number(view.getBigInt64(CONFIG_OFFSET.length, true));
    if (size <= 0 || start + size > handle.length) throw new ArtifactError('pickled Booster: bad CONFIG-offset');
    return { model: readBinaryModel(handle.subarray(start, start + size)), payload: 'config-offset' };
  }
  if (handle[0] === 0x7b) {
    let snapshot: unknown;
    let payload: PicklePayload;
    if (handle[1] === 0x22) {
      snapshot = JSON.parse(new TextDecoder('utf-8').decode(handle));
      payload = 'json-snapshot';
    } else {
      snapshot = decodeUbjson(handle);
      payload = 'ubjson-snapshot';
    }
    const doc =
      snapshot && typeof snapshot === 'object' && 'Model' in snapshot
        ? (snapshot as { Model: unknown }).Model
        : snapshot;
    return { model: modelFromDocument(doc), payload };
  }
  return { model: readBinaryModel(handle), payload: 'binary' };
}
