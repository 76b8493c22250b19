/**
 * OpenVDB metadata maps (`MetaMap::readMeta`, `Metadata::read`): a uint32 count, then per entry a
 * name string, a type-name string, a uint32 byte count and the value. Strings everywhere in the
 * format are a uint32 length followed by that many bytes (`readString`).
 *
 * Registered types (`openvdb.cc`, `MetaTypes`): bool, double, float, half, int32, int64, string,
 * vec2i/s/d, vec3i/s/d, vec4i/s/d, mat4s/d, plus ptidx32/64 and ptdataidx32/64 (as int32/int64). Anything else is
 * kept as opaque bytes, except temporary types (names starting "__", such as the
 * `__delayedload` table OpenVDB writes for its own lazy loading), which OpenVDB drops and so do we.
 */
import { ByteReader, decodeUtf8, halfToFloat } from '@vfxkit/core';
import { VdbErrorCode, vdbError } from '../errors.js';

/** A metadata value with its OpenVDB type name. Vectors are arrays of 2-4 numbers; matrices are 16
 *  numbers row by row (OpenVDB's `Mat4` memory order, translation in the last row); int64 values are
 *  numbers when exact (|v| <= 2^53) and bigints otherwise; unknown types keep their bytes. */
export interface VdbMetadataEntry {
  type: string;
  value: string | boolean | number | bigint | number[] | Uint8Array;
  /** True for types this reader does not decode: `value` is the raw bytes. */
  opaque?: true;
}

/** Metadata by name, in file order. */
export type VdbMetadata = Record<string, VdbMetadataEntry>;

/** Reads an OpenVDB string: a uint32 byte count, then the bytes (decoded as UTF-8). */
export function readVdbString(reader: ByteReader, what: string, maxLength = 1 << 24): string {
  const start = reader.offset;
  const length = reader.u32(`length of ${what}`);
  if (length > maxLength) {
    throw vdbError(VdbErrorCode.VDB_CORRUPT, `${what} declares ${length} bytes, more than the ${maxLength} any ${what} can have`, {
      offset: start,
    });
  }
  return decodeUtf8(reader.subarray(length, what));
}

const vectorTypes: Record<string, { count: number; kind: 'i32' | 'f32' | 'f64' }> = {
  vec2i: { count: 2, kind: 'i32' },
  vec2s: { count: 2, kind: 'f32' },
  vec2d: { count: 2, kind: 'f64' },
  vec3i: { count: 3, kind: 'i32' },
  vec3s: { count: 3, kind: 'f32' },
  vec3d: { count: 3, kind: 'f64' },
  vec4i: { count: 4, kind: 'i32' },
  vec4s: { count: 4, kind: 'f32' },
  vec4d: { count: 4, kind: 'f64' },
  mat4s: { count: 16, kind: 'f32' },
  mat4d: { count: 16, kind: 'f64' },
};

const scalarSizes: Record<string, number> = {
  bool: 1,
  half: 2,
  float: 4,
  double: 8,
  int32: 4,
  int64: 8,
  ptidx32: 4,
  ptidx64: 8,
  ptdataidx32: 4,
  ptdataidx64: 8,
};

const kindSize = { i32: 4, f32: 4, f64: 8 } as const;

function int64Value(value: bigint): number | bigint {
  return value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value;
}

/** Decodes one value of a known type from exactly `bytes`; undefined for unknown types. */
function decodeValue(type: string, bytes: Uint8Array, offset: number): VdbMetadataEntry['value'] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const expect = (size: number): void => {
    if (bytes.byteLength !== size) {
      throw vdbError(VdbErrorCode.VDB_CORRUPT, `metadata of type ${type} holds ${bytes.byteLength} bytes; expected ${size}`, { offset });
    }
  };
  if (type === 'string') return decodeUtf8(bytes);
  const scalarSize = scalarSizes[type];
  if (scalarSize !== undefined) {
    expect(scalarSize);
    switch (type) {
      case 'bool':
        return bytes[0] !== 0;
      case 'half':
        return halfToFloat(view.getUint16(0, true));
      case 'float':
        return view.getFloat32(0, true);
      case 'double':
        return view.getFloat64(0, true);
      case 'int32':
      case 'ptidx32':
      case 'ptdataidx32':
        return view.getInt32(0, true);
      default:
        return int64Value(view.getBigInt64(0, true));
    }
  }
  const vector = vectorTypes[type];
  if (vector !== undefined) {
    const size = kindSize[vector.kind];
    expect(vector.count * size);
    const out: number[] = [];
    for (let i = 0; i < vector.count; i++) {
      out.push(
        vector.kind === 'i32' ? view.getInt32(i * 4, true) : vector.kind === 'f32' ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true),
      );
    }
    return out;
  }
  return undefined;
}

/**
 * Reads a metadata map at the reader's position. Limits: a map cannot declare more entries than its
 * remaining bytes could hold (each needs at least 12 bytes).
 */
export function readMetadata(reader: ByteReader, what = 'metadata'): VdbMetadata {
  const start = reader.offset;
  const count = reader.u32(`${what} entry count`);
  if (count * 12 > reader.remaining) {
    throw vdbError(
      VdbErrorCode.VDB_TRUNCATED,
      `${what} declares ${count} entries, which need at least ${count * 12} bytes; only ${reader.remaining} are left`,
      { offset: start },
    );
  }
  const metadata: VdbMetadata = {};
  for (let i = 0; i < count; i++) {
    const name = readVdbString(reader, `${what} name`);
    const type = readVdbString(reader, `type of ${what} '${name}'`);
    const size = reader.u32(`size of ${what} '${name}'`);
    const valueOffset = reader.offset;
    const bytes = reader.subarray(size, `value of ${what} '${name}'`);
    const value = decodeValue(type, bytes, valueOffset);
    if (value !== undefined) {
      metadata[name] = { type, value };
    } else if (!type.startsWith('__')) {
      metadata[name] = { type, value: new Uint8Array(bytes), opaque: true };
    }
  }
  return metadata;
}

/** The value of `name` if it exists and has one of `types`. */
export function metadataValue(metadata: VdbMetadata, name: string, ...types: string[]): VdbMetadataEntry['value'] | undefined {
  const entry = metadata[name];
  if (entry === undefined || entry.opaque) return undefined;
  if (types.length > 0 && !types.includes(entry.type)) return undefined;
  return entry.value;
}
