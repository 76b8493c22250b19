/**
 * Houdini's binary JSON (SideFX HDK `UT_JSONDefines.h`): the byte 0x7f and the magic 0x624a534e
 * (little-endian `NSJb`; the byte-swapped `bJSN` means big-endian data), then one value. Every
 * token is a byte, some followed by data: null, booleans, int8..int64, uint8/16, real16/32/64,
 * strings (an encoded length then the bytes), `[` ... `]`, `{` key value ... `}`, token
 * definitions (an id and a string, to be referenced by id later) and uniform arrays (an element
 * token, an encoded count, then the raw elements; booleans packed 32 to a word).
 *
 * Encoded lengths: a byte below 0xf1 is the length; 0xf2, 0xf4, 0xf8 announce a uint16, uint32,
 * int64 length.
 *
 * Numeric uniform arrays are not copied while parsing: they come back as `UniformArray` views of
 * the input, so inspecting a file touches no particle data and reading copies it once.
 */
import { halfToFloat, decodeUtf8, encodeUtf8 } from '@vfxkit/core';
import { partError, PartErrorCode } from '../errors.js';
import { hostIsLittleEndian } from '../io/big-endian.js';

export const JID = {
  NULL: 0x00,
  MAP_BEGIN: 0x7b,
  MAP_END: 0x7d,
  ARRAY_BEGIN: 0x5b,
  ARRAY_END: 0x5d,
  BOOL: 0x10,
  INT8: 0x11,
  INT16: 0x12,
  INT32: 0x13,
  INT64: 0x14,
  UINT8: 0x21,
  UINT16: 0x22,
  REAL16: 0x18,
  REAL32: 0x19,
  REAL64: 0x1a,
  STRING: 0x27,
  FALSE: 0x30,
  TRUE: 0x31,
  TOKENDEF: 0x2b,
  TOKENREF: 0x26,
  TOKENUNDEF: 0x2d,
  UNIFORM_ARRAY: 0x40,
  MAGIC: 0x7f,
} as const;

const BINARY_MAGIC = 0x624a534e;
const BINARY_MAGIC_SWAPPED = 0x4e534a62;
const MAX_DEPTH = 256;

const ELEMENT_SIZE: Record<number, number> = {
  [JID.INT8]: 1,
  [JID.UINT8]: 1,
  [JID.INT16]: 2,
  [JID.UINT16]: 2,
  [JID.REAL16]: 2,
  [JID.INT32]: 4,
  [JID.REAL32]: 4,
  [JID.INT64]: 8,
  [JID.REAL64]: 8,
};

/** A numeric uniform array, still in the file's bytes. */
export class UniformArray {
  constructor(
    /** The element token (JID.REAL32, JID.INT32, ...). */
    readonly element: number,
    readonly length: number,
    /** The raw elements (a view of the input). */
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
  ) {}

  get elementSize(): number {
    return ELEMENT_SIZE[this.element]!;
  }

  /** The typed array class `typed()` returns (without making one). */
  typedConstructor(): Function {
    switch (this.element) {
      case JID.INT8:
        return Int8Array;
      case JID.UINT8:
        return Uint8Array;
      case JID.INT16:
        return Int16Array;
      case JID.UINT16:
        return Uint16Array;
      case JID.INT32:
        return Int32Array;
      case JID.INT64:
        return BigInt64Array;
      case JID.REAL16:
      case JID.REAL32:
        return Float32Array;
      default:
        return Float64Array;
    }
  }

  /** Whether the values are integers. */
  get isInteger(): boolean {
    return this.element !== JID.REAL16 && this.element !== JID.REAL32 && this.element !== JID.REAL64;
  }

  /** The elements in a typed array of their own type (a copy; a zero-copy view when `view` is
   *  set and the bytes happen to be aligned and in host order). */
  typed(view = false): Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | BigInt64Array {
    const { bytes, length } = this;
    const size = this.elementSize;
    const native = this.littleEndian === hostIsLittleEndian || size === 1;
    if (this.element === JID.REAL16) {
      const out = new Float32Array(length);
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < length; i++) out[i] = halfToFloat(dv.getUint16(2 * i, this.littleEndian));
      return out;
    }
    let source = bytes;
    if (!native) {
      source = new Uint8Array(bytes.length);
      for (let i = 0; i < bytes.length; i += size) for (let k = 0; k < size; k++) source[i + k] = bytes[i + size - 1 - k]!;
    } else if (!view || (bytes.byteOffset % size) !== 0) {
      source = new Uint8Array(bytes); // a copy even for a Node Buffer, whose slice() is a view
    }
    const buffer = source.buffer;
    const offset = source.byteOffset;
    switch (this.element) {
      case JID.INT8:
        return new Int8Array(buffer, offset, length);
      case JID.UINT8:
        return new Uint8Array(buffer, offset, length);
      case JID.INT16:
        return new Int16Array(buffer, offset, length);
      case JID.UINT16:
        return new Uint16Array(buffer, offset, length);
      case JID.INT32:
        return new Int32Array(buffer, offset, length);
      case JID.INT64:
        return new BigInt64Array(buffer, offset, length);
      case JID.REAL32:
        return new Float32Array(buffer, offset, length);
      default:
        return new Float64Array(buffer, offset, length);
    }
  }

  /** Element `index` as a number. */
  get(index: number): number {
    const dv = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const little = this.littleEndian;
    switch (this.element) {
      case JID.INT8:
        return dv.getInt8(index);
      case JID.UINT8:
        return dv.getUint8(index);
      case JID.INT16:
        return dv.getInt16(2 * index, little);
      case JID.UINT16:
        return dv.getUint16(2 * index, little);
      case JID.REAL16:
        return halfToFloat(dv.getUint16(2 * index, little));
      case JID.INT32:
        return dv.getInt32(4 * index, little);
      case JID.REAL32:
        return dv.getFloat32(4 * index, little);
      case JID.INT64:
        return Number(dv.getBigInt64(8 * index, little));
      default:
        return dv.getFloat64(8 * index, little);
    }
  }
}

/** A uniform boolean array to write (the reader returns plain `boolean[]`). */
export class BoolArray {
  constructor(readonly values: readonly boolean[]) {}
}

/** A JSON value as the readers return it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue } | UniformArray | TypedValues | BoolArray;
/** Typed arrays the writer stores as uniform arrays. */
export type TypedValues = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | BigInt64Array;

export function isBinaryJson(head: Uint8Array): boolean {
  if (head.length < 5 || head[0] !== JID.MAGIC) return false;
  const magic = (head[1]! | (head[2]! << 8) | (head[3]! << 16) | (head[4]! << 24)) >>> 0;
  return magic === BINARY_MAGIC || magic === BINARY_MAGIC_SWAPPED;
}

class Parser {
  offset = 5;
  readonly view: DataView;
  readonly little: boolean;
  readonly tokens = new Map<number, string>();
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.little = this.view.getUint32(1, true) === BINARY_MAGIC;
  }

  fail(code: PartErrorCode, message: string): never {
    throw partError(code, `binary JSON: ${message}`, { offset: this.offset });
  }

  need(count: number, what: string): void {
    if (this.offset + count > this.bytes.length) this.fail(PartErrorCode.PART_TRUNCATED, `file ends inside ${what}`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }

  length(what: string): number {
    const lead = this.u8(what);
    if (lead < 0xf1) return lead;
    const v = this.view;
    const at = this.offset;
    switch (lead) {
      case 0xf2:
        this.need(2, what);
        this.offset += 2;
        return v.getUint16(at, this.little);
      case 0xf4:
        this.need(4, what);
        this.offset += 4;
        return v.getUint32(at, this.little);
      case 0xf8: {
        this.need(8, what);
        this.offset += 8;
        const value = v.getBigInt64(at, this.little);
        if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(PartErrorCode.PART_CORRUPT, `${what} ${value} is impossible`);
        return Number(value);
      }
      default:
        return this.fail(PartErrorCode.PART_CORRUPT, `length prefix 0x${lead.toString(16)} of ${what} is not defined`);
    }
  }

  string(what: string): string {
    const length = this.length(what);
    this.need(length, what);
    const text = decodeUtf8(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return text;
  }

  /** The next token byte, after applying any token definitions before it. */
  token(what: string): number {
    for (;;) {
      const token = this.u8(what);
      if (token === JID.TOKENDEF) {
        const id = this.length('token id');
        this.tokens.set(id, this.string('token string'));
      } else if (token === JID.TOKENUNDEF) {
        this.tokens.delete(this.length('token id'));
      } else {
        return token;
      }
    }
  }

  tokenRef(): string {
    const id = this.length('token reference');
    const text = this.tokens.get(id);
    if (text === undefined) this.fail(PartErrorCode.PART_CORRUPT, `reference to undefined token ${id}`);
    return text;
  }

  value(token: number, depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(PartErrorCode.PART_CORRUPT, `nesting deeper than ${MAX_DEPTH}`);
    const v = this.view;
    const little = this.little;
    const at = this.offset;
    switch (token) {
      case JID.NULL:
        return null;
      case JID.FALSE:
        return false;
      case JID.TRUE:
        return true;
      case JID.BOOL:
        return this.u8('bool') !== 0;
      case JID.INT8:
        this.need(1, 'int8');
        this.offset += 1;
        return v.getInt8(at);
      case JID.UINT8:
        return this.u8('uint8');
      case JID.INT16:
        this.need(2, 'int16');
        this.offset += 2;
        return v.getInt16(at, little);
      case JID.UINT16:
        this.need(2, 'uint16');
        this.offset += 2;
        return v.getUint16(at, little);
      case JID.INT32:
        this.need(4, 'int32');
        this.offset += 4;
        return v.getInt32(at, little);
      case JID.INT64:
        this.need(8, 'int64');
        this.offset += 8;
        return Number(v.getBigInt64(at, little));
      case JID.REAL16:
        this.need(2, 'real16');
        this.offset += 2;
        return halfToFloat(v.getUint16(at, little));
      case JID.REAL32:
        this.need(4, 'real32');
        this.offset += 4;
        return v.getFloat32(at, little);
      case JID.REAL64:
        this.need(8, 'real64');
        this.offset += 8;
        return v.getFloat64(at, little);
      case JID.STRING:
        return this.string('string');
      case JID.TOKENREF:
        return this.tokenRef();
      case JID.UNIFORM_ARRAY:
        return this.uniform();
      case JID.ARRAY_BEGIN: {
        const out: JsonValue[] = [];
        for (;;) {
          const next = this.token('array');
          if (next === JID.ARRAY_END) return out;
          out.push(this.value(next, depth + 1));
        }
      }
      case JID.MAP_BEGIN: {
        const out: { [key: string]: JsonValue } = Object.create(null) as { [key: string]: JsonValue };
        for (;;) {
          const next = this.token('map');
          if (next === JID.MAP_END) return out;
          let key: string;
          if (next === JID.STRING) key = this.string('map key');
          else if (next === JID.TOKENREF) key = this.tokenRef();
          else return this.fail(PartErrorCode.PART_CORRUPT, `map key is token 0x${next.toString(16)}, not a string`);
          out[key] = this.value(this.token('map value'), depth + 1);
        }
      }
      default:
        this.offset--;
        return this.fail(PartErrorCode.PART_CORRUPT, `token 0x${token.toString(16)} is not defined`);
    }
  }

  uniform(): JsonValue {
    const element = this.u8('uniform array type');
    const length = this.length('uniform array length');
    if (element === JID.BOOL) {
      const words = Math.ceil(length / 32);
      this.need(words * 4, 'uniform bool array');
      const out: boolean[] = new Array<boolean>(length);
      for (let i = 0; i < length; i++) {
        const word = this.view.getUint32(this.offset + (i >>> 5) * 4, this.little);
        out[i] = (word & (1 << (i & 31))) !== 0;
      }
      this.offset += words * 4;
      return out;
    }
    if (element === JID.STRING || element === JID.TOKENREF) {
      if (length > this.bytes.length - this.offset) this.fail(PartErrorCode.PART_TRUNCATED, `uniform string array of ${length} entries runs past the end`);
      const out: string[] = [];
      for (let i = 0; i < length; i++) out.push(element === JID.STRING ? this.string('uniform string') : this.tokenRef());
      return out;
    }
    const size = ELEMENT_SIZE[element];
    if (size === undefined) return this.fail(PartErrorCode.PART_CORRUPT, `uniform array of token 0x${element.toString(16)}`);
    const byteLength = length * size;
    this.need(byteLength, `uniform array of ${length} elements`);
    const bytes = this.bytes.subarray(this.offset, this.offset + byteLength);
    this.offset += byteLength;
    return new UniformArray(element, length, bytes, this.little);
  }
}

/** Parses a binary JSON document (`bytes` starts with 0x7f and the magic). */
export function parseBinaryJson(bytes: Uint8Array): JsonValue {
  if (!isBinaryJson(bytes)) {
    throw partError(PartErrorCode.PART_BAD_MAGIC, 'binary JSON: the file does not start with 0x7f and NSJb');
  }
  const parser = new Parser(bytes);
  return parser.value(parser.token('the document'), 0);
}

// ---------------------------------------------------------------------------------------------
// Writing.

/** A growable byte buffer for the writer (little-endian). */
class Output {
  bytes = new Uint8Array(1 << 16);
  view = new DataView(this.bytes.buffer);
  offset = 0;
  readonly tokens = new Map<string, number>();

  reserve(count: number): void {
    const needed = this.offset + count;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.bytes.subarray(0, this.offset));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }
  u8(value: number): void {
    this.reserve(1);
    this.bytes[this.offset++] = value;
  }
  /** An encoded length; `size` (1, 3, 5 or 9 bytes, at least the shortest) forces a longer
   *  encoding than needed, which readers accept: the writer uses it to align array payloads. */
  length(value: number, size = lengthSize(value)): void {
    if (size === 1) this.u8(value);
    else if (size === 3) {
      this.u8(0xf2);
      this.reserve(2);
      this.view.setUint16(this.offset, value, true);
      this.offset += 2;
    } else if (size === 5) {
      this.u8(0xf4);
      this.reserve(4);
      this.view.setUint32(this.offset, value, true);
      this.offset += 4;
    } else {
      this.u8(0xf8);
      this.reserve(8);
      this.view.setBigInt64(this.offset, BigInt(value), true);
      this.offset += 8;
    }
  }
  raw(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.offset);
    this.offset += data.length;
  }
  /** Bytes `string(text)` will take; `pending` holds strings that earlier planned writes
   *  define first (and collects this one). */
  stringSize(text: string, pending: string[]): number {
    let id = this.tokens.get(text);
    if (id !== undefined) return 1 + lengthSize(id);
    const at = pending.indexOf(text);
    if (at >= 0) return 1 + lengthSize(this.tokens.size + at);
    id = this.tokens.size + pending.length;
    pending.push(text);
    const bytes = encodeUtf8(text).length;
    return 1 + lengthSize(id) + lengthSize(bytes) + bytes + 1 + lengthSize(id);
  }
  /** A string, defined as a token on first use and referenced after (as Houdini writes keys). */
  string(text: string): void {
    let id = this.tokens.get(text);
    if (id === undefined) {
      id = this.tokens.size;
      this.tokens.set(text, id);
      this.u8(JID.TOKENDEF);
      this.length(id);
      const bytes = encodeUtf8(text);
      this.length(bytes.length);
      this.raw(bytes);
    }
    this.u8(JID.TOKENREF);
    this.length(id);
  }
}

/** Bytes of the shortest encoding of a length. */
function lengthSize(value: number): number {
  return value < 0xf1 ? 1 : value <= 0xffff ? 3 : value <= 0xffffffff ? 5 : 9;
}

/** Whether a number is written as an integer token (the writer's choice in `writeValue`). */
function isIntegerToken(value: JsonValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Bytes `writeValue` gives an integer: INT32, or INT64 beyond it. */
function integerSize(value: number): number {
  return value >= -0x80000000 && value <= 0x7fffffff ? 5 : 9;
}

/** The encodings an integer may take (token + value bytes), shortest first. */
function integerSizes(value: number): number[] {
  const sizes: number[] = [];
  if (value >= -0x80 && value <= 0x7f) sizes.push(2);
  if (value >= -0x8000 && value <= 0x7fff) sizes.push(3);
  if (value >= -0x80000000 && value <= 0x7fffffff) sizes.push(5);
  sizes.push(9);
  return sizes;
}

function writeInteger(out: Output, value: number, size: number): void {
  const token = size === 2 ? JID.INT8 : size === 3 ? JID.INT16 : size === 5 ? JID.INT32 : JID.INT64;
  out.u8(token);
  out.reserve(size - 1);
  if (size === 2) out.view.setInt8(out.offset, value);
  else if (size === 3) out.view.setInt16(out.offset, value, true);
  else if (size === 5) out.view.setInt32(out.offset, value, true);
  else out.view.setBigInt64(out.offset, BigInt(value), true);
  out.offset += size - 1;
}

/** Element bytes of a numeric array the writer stores as a uniform array (0 for anything else). */
function payloadAlignment(value: JsonValue | undefined): number {
  if (value instanceof UniformArray) return value.elementSize;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return (value as TypedValues).BYTES_PER_ELEMENT;
  return 0;
}

/**
 * Alignment of array payloads. Binary JSON has no padding, but integers and lengths may be
 * written longer than needed (an INT32 as INT8/INT16/INT64, a length as 3, 5 or 9 bytes) and
 * every reader takes them. In a key/value list such as `[..., 'size', 3, 'storage', 'fpreal32',
 * 'pagesize', 1024, 'rawpagedata', <array>]`, the integers between `from` and the array are
 * given the encodings (and the array its length encoding) that put the array's first element at
 * an offset of the output that is a multiple of its element size, so that a reader can view the
 * values in place. Returns the chosen sizes by list index (`-1` for the array's length; no plan
 * when the run from `from` does not end in such an array) and the index where the run ends.
 */
function alignmentPlan(out: Output, list: readonly JsonValue[], from: number): { plan: Map<number, number> | undefined; end: number } {
  let end = from;
  while (end < list.length && (typeof list[end] === 'string' || isIntegerToken(list[end]))) end++;
  const align = payloadAlignment(list[end]);
  if (end >= list.length || align < 2) return { plan: undefined, end };
  const pending: string[] = [];
  const sites: number[] = [];
  let fixed = 0;
  for (let i = from; i < end; i++) {
    const item = list[i]!;
    if (typeof item === 'string') fixed += out.stringSize(item, pending);
    else sites.push(i);
  }
  const length = (list[end] as { length: number }).length;
  const lengthChoices = [1, 3, 5, 9].filter((size) => size >= lengthSize(length));
  const choices = sites.map((i) => integerSizes(list[i] as number));
  const start = out.offset + fixed + 2; // + the uniform-array token and its element token
  let best: { sizes: number[]; length: number; total: number } | undefined;
  const pick = (k: number, sizes: number[], sum: number): void => {
    if (k < sites.length) {
      for (const size of choices[k]!) pick(k + 1, [...sizes, size], sum + size);
      return;
    }
    for (const lengthBytes of lengthChoices) {
      const total = sum + lengthBytes;
      if ((start + total) % align === 0 && (best === undefined || total < best.total)) best = { sizes, length: lengthBytes, total };
    }
  };
  pick(0, [], 0);
  if (best === undefined) return { plan: undefined, end };
  const plan = new Map<number, number>();
  sites.forEach((i, k) => plan.set(i, best!.sizes[k]!));
  plan.set(-1, best.length);
  return { plan, end };
}

function uniformElement(values: TypedValues): number {
  if (values instanceof Float32Array) return JID.REAL32;
  if (values instanceof Float64Array) return JID.REAL64;
  if (values instanceof Int32Array) return JID.INT32;
  if (values instanceof Int16Array) return JID.INT16;
  if (values instanceof Uint16Array) return JID.UINT16;
  if (values instanceof Int8Array) return JID.INT8;
  if (values instanceof Uint8Array) return JID.UINT8;
  return JID.INT64;
}

function writeValue(out: Output, value: JsonValue, depth: number, encodedBytes?: number): void {
  if (depth > MAX_DEPTH) throw partError(PartErrorCode.PART_BAD_ARGUMENT, 'binary JSON: value nested too deep');
  if (value === null) return out.u8(JID.NULL);
  if (value === true) return out.u8(JID.TRUE);
  if (value === false) return out.u8(JID.FALSE);
  if (typeof value === 'number') {
    if (encodedBytes !== undefined) return writeInteger(out, value, encodedBytes);
    if (Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) {
      writeInteger(out, value, 5);
    } else if (Number.isInteger(value) && Number.isSafeInteger(value)) {
      writeInteger(out, value, 9);
    } else {
      out.u8(JID.REAL64);
      out.reserve(8);
      out.view.setFloat64(out.offset, value, true);
      out.offset += 8;
    }
    return;
  }
  if (typeof value === 'string') return out.string(value);
  if (value instanceof BoolArray) {
    out.u8(JID.UNIFORM_ARRAY);
    out.u8(JID.BOOL);
    out.length(value.values.length);
    const words = Math.ceil(value.values.length / 32);
    out.reserve(words * 4);
    for (let w = 0; w < words; w++) {
      let word = 0;
      for (let b = 0; b < 32 && w * 32 + b < value.values.length; b++) if (value.values[w * 32 + b]) word |= 1 << b;
      out.view.setUint32(out.offset, word >>> 0, true);
      out.offset += 4;
    }
    return;
  }
  if (value instanceof UniformArray) {
    out.u8(JID.UNIFORM_ARRAY);
    out.u8(value.element);
    out.length(value.length, encodedBytes);
    const typed = value.typed(true);
    out.raw(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
    return;
  }
  if (ArrayBuffer.isView(value)) {
    const element = uniformElement(value);
    out.u8(JID.UNIFORM_ARRAY);
    out.u8(element);
    out.length(value.length, encodedBytes);
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (hostIsLittleEndian) out.raw(bytes);
    else throw partError(PartErrorCode.PART_UNSUPPORTED, 'binary JSON: writing on a big-endian host is not supported');
    return;
  }
  if (Array.isArray(value)) {
    out.u8(JID.ARRAY_BEGIN);
    // Encodings chosen by `alignmentPlan` for a run of keys and integers ending in an array.
    let plan: Map<number, number> | undefined;
    let planEnd = -1;
    for (let i = 0; i < value.length; i++) {
      const item = value[i]!;
      if (i > planEnd && (typeof item === 'string' || isIntegerToken(item))) {
        const planned = alignmentPlan(out, value, i);
        plan = planned.plan;
        planEnd = planned.end;
      }
      const bytes = i <= planEnd ? plan?.get(i === planEnd ? -1 : i) : undefined;
      writeValue(out, item, depth + 1, bytes);
    }
    out.u8(JID.ARRAY_END);
    return;
  }
  out.u8(JID.MAP_BEGIN);
  for (const [key, item] of Object.entries(value)) {
    out.string(key);
    writeValue(out, item, depth + 1);
  }
  out.u8(JID.MAP_END);
}

/** Encodes `value` as binary JSON (little-endian). Typed arrays become uniform arrays. */
export function writeBinaryJson(value: JsonValue, sizeHint = 1 << 16): Uint8Array {
  const out = new Output();
  out.reserve(sizeHint);
  out.u8(JID.MAGIC);
  out.reserve(4);
  out.view.setUint32(out.offset, BINARY_MAGIC, true);
  out.offset += 4;
  writeValue(out, value, 0);
  return out.bytes.subarray(0, out.offset);
}
