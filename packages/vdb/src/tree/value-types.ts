/**
 * Grid value types: how many components a value has, how the file stores each component, whether
 * `saveFloatAsHalf` turns it into halves (OpenVDB's `RealToHalf<T>::isReal`: float, double and
 * their vec2/vec3 forms), and the typed array that holds it in memory.
 *
 * In memory: float and half -> Float32Array, double -> Float64Array, int32 -> Int32Array, uint32
 * and the point index types -> Uint32Array, int64 -> Float64Array (exact to 2^53), bool -> Uint8Array
 * (0/1), vectors interleaved (x, y, z per value). Mask grids hold no values: a voxel's value is its
 * active state.
 */
import { halfDecodeTable } from '@vfxkit/core';

export type VdbValueType =
  | 'float'
  | 'double'
  | 'half'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'bool'
  | 'mask'
  | 'vec2i'
  | 'vec2s'
  | 'vec2d'
  | 'vec3i'
  | 'vec3s'
  | 'vec3d'
  | 'ptidx32'
  | 'ptdataidx32';

export type ValueArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;

type Kind = 'f16' | 'f32' | 'f64' | 'i32' | 'u32' | 'i64' | 'bool' | 'mask';

export interface ValueTypeInfo {
  name: VdbValueType;
  /** Components per value (1 for scalars, 2 or 3 for vectors). */
  components: number;
  /** How one component is stored at full precision. */
  kind: Kind;
  /** Bytes per component in the file at full precision. */
  componentBytes: number;
  /** True when `saveFloatAsHalf` stores the components as halves. */
  isReal: boolean;
  /** True for floating-point values (NaN-aware comparisons, averaging in dense export). */
  isFloat: boolean;
  /** A typed array of `length` components for this type. */
  create(length: number): ValueArray;
}

const makers = {
  f16: (n: number) => new Float32Array(n),
  f32: (n: number) => new Float32Array(n),
  f64: (n: number) => new Float64Array(n),
  i32: (n: number) => new Int32Array(n),
  u32: (n: number) => new Uint32Array(n),
  i64: (n: number) => new Float64Array(n),
  bool: (n: number) => new Uint8Array(n),
  mask: (n: number) => new Uint8Array(n),
} as const;

const bytesOf: Record<Kind, number> = { f16: 2, f32: 4, f64: 8, i32: 4, u32: 4, i64: 8, bool: 1, mask: 1 };

function info(name: VdbValueType, components: number, kind: Kind, isReal: boolean): ValueTypeInfo {
  return {
    name,
    components,
    kind,
    componentBytes: bytesOf[kind],
    isReal,
    isFloat: kind === 'f16' || kind === 'f32' || kind === 'f64',
    create: makers[kind],
  };
}

export const VALUE_TYPES: Record<VdbValueType, ValueTypeInfo> = {
  float: info('float', 1, 'f32', true),
  double: info('double', 1, 'f64', true),
  half: info('half', 1, 'f16', false),
  int32: info('int32', 1, 'i32', false),
  int64: info('int64', 1, 'i64', false),
  uint32: info('uint32', 1, 'u32', false),
  bool: info('bool', 1, 'bool', false),
  mask: info('mask', 1, 'mask', false),
  vec2i: info('vec2i', 2, 'i32', false),
  vec2s: info('vec2s', 2, 'f32', true),
  vec2d: info('vec2d', 2, 'f64', true),
  vec3i: info('vec3i', 3, 'i32', false),
  vec3s: info('vec3s', 3, 'f32', true),
  vec3d: info('vec3d', 3, 'f64', true),
  ptidx32: info('ptidx32', 1, 'u32', false),
  ptdataidx32: info('ptdataidx32', 1, 'u32', false),
};

/** Bytes one value takes in the file: halves when `fromHalf` and the type is real. */
export function storedValueBytes(type: ValueTypeInfo, fromHalf: boolean): number {
  return (fromHalf && type.isReal ? 2 : type.componentBytes) * type.components;
}

/** A copy of `bytes` in a fresh, aligned buffer (for typed-array views of unaligned file data). */
function aligned(bytes: Uint8Array, alignment: number): ArrayBuffer {
  if (bytes.byteOffset % alignment === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer;
  }
  // new Uint8Array(x) copies whatever x is; a Node Buffer's slice() would only be a view.
  return new Uint8Array(bytes).buffer as ArrayBuffer;
}

/**
 * Converts `count` stored values (`count * components` components) from `bytes` into
 * `out[outOffset ...]`. Halves widen through the half table; int64 becomes a double; bool bytes
 * become 0/1.
 */
export function convertValues(
  type: ValueTypeInfo,
  fromHalf: boolean,
  bytes: Uint8Array,
  count: number,
  out: ValueArray,
  outOffset: number,
): void {
  const n = count * type.components;
  if (n === 0) return;
  if ((fromHalf && type.isReal) || type.kind === 'f16') {
    const table = halfDecodeTable();
    const halves = bytes.byteOffset % 2 === 0 ? new Uint16Array(bytes.buffer, bytes.byteOffset, n) : new Uint16Array(aligned(bytes.subarray(0, n * 2), 2));
    for (let i = 0; i < n; i++) out[outOffset + i] = table[halves[i]!]!;
    return;
  }
  switch (type.kind) {
    case 'f32': {
      const src = bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, n) : new Float32Array(aligned(bytes.subarray(0, n * 4), 4));
      (out as Float32Array).set(src, outOffset);
      return;
    }
    case 'f64': {
      const src = bytes.byteOffset % 8 === 0 ? new Float64Array(bytes.buffer, bytes.byteOffset, n) : new Float64Array(aligned(bytes.subarray(0, n * 8), 8));
      (out as Float64Array).set(src, outOffset);
      return;
    }
    case 'i32': {
      const src = bytes.byteOffset % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, n) : new Int32Array(aligned(bytes.subarray(0, n * 4), 4));
      (out as Int32Array).set(src, outOffset);
      return;
    }
    case 'u32': {
      const src = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, n) : new Uint32Array(aligned(bytes.subarray(0, n * 4), 4));
      (out as Uint32Array).set(src, outOffset);
      return;
    }
    case 'i64': {
      const view = new DataView(bytes.buffer, bytes.byteOffset, n * 8);
      for (let i = 0; i < n; i++) out[outOffset + i] = Number(view.getBigInt64(i * 8, true));
      return;
    }
    default: {
      for (let i = 0; i < n; i++) out[outOffset + i] = bytes[i] !== 0 ? 1 : 0;
    }
  }
}

/** One full-precision value (background, tile, inactive value) read from `bytes` at `offset`. */
export function readFullValue(type: ValueTypeInfo, bytes: Uint8Array, offset: number, out: ValueArray, outOffset: number): void {
  convertValues(type, false, bytes.subarray(offset, offset + type.componentBytes * type.components), 1, out, outOffset);
}

/** `value` negated component-wise (OpenVDB's `math::negative`: bool flips, unsigned wraps). */
export function negateValue(type: ValueTypeInfo, value: ValueArray): ValueArray {
  const out = type.create(type.components);
  for (let c = 0; c < type.components; c++) {
    if (type.kind === 'bool' || type.kind === 'mask') out[c] = value[c] ? 0 : 1;
    else if (type.kind === 'u32') out[c] = (-value[c]! >>> 0);
    else out[c] = -value[c]!;
  }
  return out;
}
