/**
 * Point attribute arrays (`points/AttributeArray.h`, `AttributeSet.cc`): each attribute has a
 * value type and a codec, named in the attribute set's descriptor as a pair such as
 * (`vec3s`, `fxpt16`). The codec decides how values are stored:
 *
 * | codec | storage | decoded value |
 * |---|---|---|
 * | `null` | the value type itself | as stored |
 * | `trnc` | float -> half, int32 -> int16 (per component) | widened |
 * | `fxpt8`, `fxpt16` | uint8 / uint16 per component | s / (2^n - 1) - 0.5 (voxel-space positions) |
 * | `ufxpt8`, `ufxpt16` | uint8 / uint16 per component | s / (2^n - 1) (unit range) |
 * | `uvec` | one uint16 per vector | a unit vector (`math::QuantizedUnitVec`) |
 * | `grp` | uint8 | eight group-membership bits |
 * | `str` | uint32 | index into the strings held as `string:N` descriptor metadata (0 = "") |
 */
import { halfDecodeTable } from '@vfxkit/core';
import { VdbErrorCode, vdbError } from '../errors.js';

export interface AttributeLayout {
  valueType: string;
  codec: string;
  /** Components of one decoded value (3 for vec3s, 9 for mat3s). */
  components: number;
  /** Bytes of one stored value. */
  storageBytes: number;
  /** Decoded representation. */
  output: 'f32' | 'f64' | 'i32' | 'string' | 'group';
  /** Decodes value `index` of `bytes` (its components) into `out[at ...]`. */
  decode(bytes: Uint8Array, view: DataView, index: number, out: { [i: number]: number }, at: number): void;
}

const valueComponents: Record<string, { components: number; kind: 'f32' | 'f64' | 'i8' | 'i16' | 'i32' | 'i64' | 'u8' | 'u16' | 'u32' | 'bool' | 'f16' }> = {
  bool: { components: 1, kind: 'bool' },
  int8: { components: 1, kind: 'i8' },
  int16: { components: 1, kind: 'i16' },
  int32: { components: 1, kind: 'i32' },
  int64: { components: 1, kind: 'i64' },
  uint8: { components: 1, kind: 'u8' },
  uint16: { components: 1, kind: 'u16' },
  uint32: { components: 1, kind: 'u32' },
  half: { components: 1, kind: 'f16' },
  float: { components: 1, kind: 'f32' },
  double: { components: 1, kind: 'f64' },
  vec2i: { components: 2, kind: 'i32' },
  vec2s: { components: 2, kind: 'f32' },
  vec2d: { components: 2, kind: 'f64' },
  vec3i: { components: 3, kind: 'i32' },
  vec3s: { components: 3, kind: 'f32' },
  vec3d: { components: 3, kind: 'f64' },
  vec4i: { components: 4, kind: 'i32' },
  vec4s: { components: 4, kind: 'f32' },
  vec4d: { components: 4, kind: 'f64' },
  mat3s: { components: 9, kind: 'f32' },
  mat3d: { components: 9, kind: 'f64' },
  mat4s: { components: 16, kind: 'f32' },
  mat4d: { components: 16, kind: 'f64' },
  quats: { components: 4, kind: 'f32' },
  quatd: { components: 4, kind: 'f64' },
};

const kindBytes = { f32: 4, f64: 8, i8: 1, i16: 2, i32: 4, i64: 8, u8: 1, u16: 2, u32: 4, bool: 1, f16: 2 } as const;

function readKind(kind: keyof typeof kindBytes, view: DataView, offset: number): number {
  switch (kind) {
    case 'f32':
      return view.getFloat32(offset, true);
    case 'f64':
      return view.getFloat64(offset, true);
    case 'i8':
      return view.getInt8(offset);
    case 'i16':
      return view.getInt16(offset, true);
    case 'i32':
      return view.getInt32(offset, true);
    case 'i64':
      return Number(view.getBigInt64(offset, true));
    case 'u8':
      return view.getUint8(offset);
    case 'u16':
      return view.getUint16(offset, true);
    case 'u32':
      return view.getUint32(offset, true);
    case 'bool':
      return view.getUint8(offset) !== 0 ? 1 : 0;
    default:
      return halfDecodeTable()[view.getUint16(offset, true)]!;
  }
}

let unitVectorWeights: Float32Array | undefined;

/** `QuantizedUnitVec`'s normalisation weights: 1 / |(x, y, 126 - x - y)| per 13-bit slot. */
function weights(): Float32Array {
  if (unitVectorWeights !== undefined) return unitVectorWeights;
  const table = new Float32Array(8192);
  for (let slot = 0; slot < 8192; slot++) {
    let x = slot >> 7;
    let y = slot & 127;
    if (x + y > 126) {
      x = 127 - x;
      y = 127 - y;
    }
    const z = 126 - x - y;
    table[slot] = 1 / Math.sqrt(x * x + y * y + z * z);
  }
  unitVectorWeights = table;
  return table;
}

/** Unpacks a 16-bit quantized unit vector into out[at..at+2]. */
export function unpackUnitVector(data: number, out: { [i: number]: number }, at: number): void {
  const w = weights()[data & 0x1fff]!;
  let x = (data & 0x1f80) >> 7;
  let y = data & 0x007f;
  if (x + y > 126) {
    x = 127 - x;
    y = 127 - y;
  }
  out[at] = Math.fround(x * w) * (data & 0x8000 ? -1 : 1);
  out[at + 1] = Math.fround(y * w) * (data & 0x4000 ? -1 : 1);
  out[at + 2] = Math.fround((126 - x - y) * w) * (data & 0x2000 ? -1 : 1);
}

/** How an attribute of type (valueType, codec) is stored and decoded; VDB_UNSUPPORTED_TYPE else. */
export function attributeLayout(valueType: string, codec: string, name: string): AttributeLayout {
  const value = valueComponents[valueType];
  const unsupported = (): never => {
    throw vdbError(VdbErrorCode.VDB_UNSUPPORTED_TYPE, `point attribute '${name}' has type (${valueType}, ${codec}), which this reader does not decode`);
  };
  if (value === undefined) return unsupported();
  const { components, kind } = value;
  const floatOut = kind === 'f64' ? 'f64' : 'f32';
  switch (codec) {
    case 'null': {
      const bytes = kindBytes[kind];
      const output = kind === 'f32' || kind === 'f16' ? 'f32' : kind === 'f64' ? 'f64' : kind === 'i64' || kind === 'u32' ? 'f64' : 'i32';
      return {
        valueType,
        codec,
        components,
        storageBytes: bytes * components,
        output,
        decode: (_b, view, index, out, at) => {
          const base = index * bytes * components;
          for (let c = 0; c < components; c++) out[at + c] = readKind(kind, view, base + c * bytes);
        },
      };
    }
    case 'trnc': {
      if (kind === 'f32') {
        return {
          valueType,
          codec,
          components,
          storageBytes: 2 * components,
          output: 'f32',
          decode: (_b, view, index, out, at) => {
            for (let c = 0; c < components; c++) out[at + c] = readKind('f16', view, (index * components + c) * 2);
          },
        };
      }
      if (kind === 'i32') {
        return {
          valueType,
          codec,
          components,
          storageBytes: 2 * components,
          output: 'i32',
          decode: (_b, view, index, out, at) => {
            for (let c = 0; c < components; c++) out[at + c] = view.getInt16((index * components + c) * 2, true);
          },
        };
      }
      return unsupported();
    }
    case 'fxpt8':
    case 'fxpt16':
    case 'ufxpt8':
    case 'ufxpt16': {
      if (kind !== 'f32' && kind !== 'f64') return unsupported();
      const oneByte = codec.endsWith('8');
      const bytes = oneByte ? 1 : 2;
      const max = oneByte ? 255 : 65535;
      const shift = codec.startsWith('u') ? 0 : 0.5;
      return {
        valueType,
        codec,
        components,
        storageBytes: bytes * components,
        output: floatOut,
        decode: (b, view, index, out, at) => {
          for (let c = 0; c < components; c++) {
            const offset = (index * components + c) * bytes;
            const stored = oneByte ? b[offset]! : view.getUint16(offset, true);
            // OpenVDB computes in the value type: float for vec3s.
            out[at + c] = kind === 'f32' ? Math.fround(Math.fround(stored / max) - shift) : stored / max - shift;
          }
        },
      };
    }
    case 'uvec': {
      if (components !== 3 || (kind !== 'f32' && kind !== 'f64')) return unsupported();
      return {
        valueType,
        codec,
        components,
        storageBytes: 2,
        output: floatOut,
        decode: (_b, view, index, out, at) => unpackUnitVector(view.getUint16(index * 2, true), out, at),
      };
    }
    case 'grp':
      return {
        valueType,
        codec,
        components: 1,
        storageBytes: 1,
        output: 'group',
        decode: (b, _view, index, out, at) => {
          out[at] = b[index]!;
        },
      };
    case 'str':
      return {
        valueType,
        codec,
        components: 1,
        storageBytes: 4,
        output: 'string',
        decode: (_b, view, index, out, at) => {
          out[at] = view.getUint32(index * 4, true);
        },
      };
    default:
      return unsupported();
  }
}
