/**
 * Sample data blocks, decoded as `ReadData`/`ReadDimensions`/`ReadArraySample` in
 * `lib/Alembic/AbcCoreOgawa/ReadUtil.cpp` read them. A sample block is a 16-byte key (the
 * MurmurHash3 of the rest) followed by the values: numbers little-endian and packed, strings
 * NUL-terminated one after the other, wstrings as NUL-terminated runs of uint32 code points.
 * An array sample has a second block with its dimensions as uint64s; Alembic leaves it empty for
 * rank-1 numeric arrays (the count follows from the size).
 */
import { decodeUtf8 } from '@vfxkit/core';
import { abcError, AbcErrorCode } from '../errors.js';
import { POD_BYTES, type NumericValues, type PodType, type SampleValues } from './datatype.js';
import { hexDigest } from './hash.js';
import type { Location } from './headers.js';

export type { Location };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The shape of every scalar sample (shared, frozen: samples are read-only). */
const SCALAR_SHAPE: number[] = Object.freeze([1]) as unknown as number[];

/** Size of the key in front of every sample. */
export const SAMPLE_KEY_SIZE = 16;

/** One sample of a scalar or array property. */
export interface Sample {
  pod: PodType;
  /** PODs per value (3 for a V3f). */
  extent: number;
  /** The array's shape in values ([n] for the usual rank-1 array; [1] for a scalar). */
  dimensions: number[];
  /** Number of values (the product of the dimensions). */
  count: number;
  /** `count * extent` PODs in their native type: float16 as Uint16Array bits, bool as Uint8Array,
   *  64-bit integers as BigInt arrays, strings as string[]. Shared between calls: treat as read-only.
   *  Small samples are views into a shared block (as Node's pooled Buffers are): mind `byteOffset`
   *  when using `values.buffer`. */
  values: SampleValues;
  /** The sample's 16-byte key as hex (MurmurHash3 of its bytes); "" for an empty sample. Equal keys
   *  mean equal data, which is how an adapter skips re-uploading unchanged samples. */
  key: string;
  /** Position of the data block in the archive (0 for an empty sample); equal for shared samples. */
  position: number;
}

function corrupt(message: string, location: Location, offset: number): never {
  throw abcError(AbcErrorCode.ABC_CORRUPT, message, { location: typeof location === 'string' ? location : location.path, offset });
}

/** A decoded sample whose key (hex of the stored MurmurHash3) is made only when asked for. */
class StoredSample implements Sample {
  readonly pod: PodType;
  readonly extent: number;
  readonly dimensions: number[];
  readonly count: number;
  readonly values: SampleValues;
  readonly position: number;
  private readonly source: Uint8Array;
  private readonly keyAt: number;
  private keyText: string | undefined;

  constructor(pod: PodType, extent: number, dimensions: number[], count: number, values: SampleValues, position: number, source: Uint8Array, keyAt: number) {
    this.pod = pod;
    this.extent = extent;
    this.dimensions = dimensions;
    this.count = count;
    this.values = values;
    this.position = position;
    this.source = source;
    this.keyAt = keyAt;
  }

  get key(): string {
    this.keyText ??= hexDigest(this.source, this.keyAt, SAMPLE_KEY_SIZE);
    return this.keyText;
  }

  toJSON(): Sample {
    return { pod: this.pod, extent: this.extent, dimensions: this.dimensions, count: this.count, values: this.values, key: this.key, position: this.position };
  }
}

/**
 * Hands out memory for small decoded samples from shared 256 KiB blocks (as Node's Buffer pool
 * does), so that reading many small samples does not allocate an ArrayBuffer each. Every sample
 * still gets memory of its own; a block is freed when no sample made from it is alive.
 */
export class SampleAllocator {
  static readonly BLOCK = 256 * 1024;
  /** Samples above this size get their own buffer. */
  static readonly SMALL = 8 * 1024;
  private block: ArrayBuffer | undefined;
  private blockBytes: Uint8Array | undefined;
  private used = 0;
  /** The buffer of the last copy. */
  buffer: ArrayBuffer = new ArrayBuffer(0);

  /** Copies `length` bytes from `bytes[start]` into fresh memory; returns the offset of the copy
   *  in `this.buffer`. */
  copy(bytes: Uint8Array, start: number, length: number): number {
    if (length > SampleAllocator.SMALL) {
      const own = new Uint8Array(length);
      own.set(bytes.subarray(start, start + length));
      this.buffer = own.buffer;
      return 0;
    }
    if (this.block === undefined || this.used + length > SampleAllocator.BLOCK) {
      this.block = new ArrayBuffer(SampleAllocator.BLOCK);
      this.blockBytes = new Uint8Array(this.block);
      this.used = 0;
    }
    const offset = this.used;
    const target = this.blockBytes!;
    if (length <= 64) for (let i = 0; i < length; i++) target[offset + i] = bytes[start + i]!;
    else target.set(bytes.subarray(start, start + length), offset);
    this.used += (length + 7) & ~7;
    this.buffer = this.block;
    return offset;
  }
}

/** A little-endian copy of `length` bytes at `start` (all of `bytes` by default) as the POD's typed
 *  array, in memory of its own (from `allocator` when given). */
export function decodeNumeric(bytes: Uint8Array, pod: PodType, start = 0, length = bytes.byteLength - start, allocator?: SampleAllocator): NumericValues {
  const size = POD_BYTES[pod];
  let buffer: ArrayBuffer;
  let offset = 0;
  if (allocator === undefined) {
    const own = new Uint8Array(length);
    own.set(bytes.subarray(start, start + length));
    buffer = own.buffer;
  } else {
    offset = allocator.copy(bytes, start, length);
    buffer = allocator.buffer;
  }
  if (!LITTLE_ENDIAN && size > 1) {
    const view = new Uint8Array(buffer, offset, length);
    for (let i = 0; i < length; i += size) view.subarray(i, i + size).reverse();
  }
  const count = length / size;
  switch (pod) {
    case 'bool':
    case 'uint8':
      return new Uint8Array(buffer, offset, count);
    case 'int8':
      return new Int8Array(buffer, offset, count);
    case 'uint16':
    case 'float16':
      return new Uint16Array(buffer, offset, count);
    case 'int16':
      return new Int16Array(buffer, offset, count);
    case 'uint32':
      return new Uint32Array(buffer, offset, count);
    case 'int32':
      return new Int32Array(buffer, offset, count);
    case 'uint64':
      return new BigUint64Array(buffer, offset, count);
    case 'int64':
      return new BigInt64Array(buffer, offset, count);
    case 'float32':
      return new Float32Array(buffer, offset, count);
    case 'float64':
      return new Float64Array(buffer, offset, count);
    default:
      throw new Error(`not a numeric POD: ${pod}`);
  }
}

/** Splits NUL-terminated strings; bytes after the last NUL are not a string (as ReadData). */
export function decodeStrings(bytes: Uint8Array): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < bytes.byteLength; i++) {
    if (bytes[i] === 0) {
      out.push(decodeUtf8(bytes.subarray(start, i)));
      start = i + 1;
    }
  }
  return out;
}

/** Splits NUL-terminated runs of uint32 code points. */
export function decodeWideStrings(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  let current: number[] = [];
  for (let i = 0; i + 4 <= bytes.byteLength; i += 4) {
    const code = view.getUint32(i, true);
    if (code === 0) {
      out.push(codePointsToString(current));
      current = [];
    } else {
      current.push(code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? code : 0xfffd);
    }
  }
  return out;
}

function codePointsToString(codes: number[]): string {
  let out = '';
  for (let i = 0; i < codes.length; i += 4096) out += String.fromCodePoint(...codes.slice(i, i + 4096));
  return out;
}

/**
 * Reads the dimensions block: `rank` uint64s. Empty means rank 1, from the data size.
 * Returns undefined when the block is empty.
 */
export function decodeDimensions(bytes: Uint8Array, location: Location, offset: number): number[] | undefined {
  if (bytes.byteLength === 0) return undefined;
  if (bytes.byteLength % 8 !== 0) corrupt(`the dimensions block has ${bytes.byteLength} bytes, not a whole number of uint64s`, location, offset);
  const rank = bytes.byteLength / 8;
  if (rank > 64) corrupt(`a sample of rank ${rank}; Alembic samples have at most a few dimensions`, location, offset);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const low = view.getUint32(i * 8, true);
    const high = view.getUint32(i * 8 + 4, true);
    if (high > 0x1fffff) corrupt(`dimension ${i} is larger than 2^53`, location, offset + i * 8);
    out.push(high * 4294967296 + low);
  }
  return out;
}

/**
 * Decodes one sample block (key + values) of `size` bytes at `start` in `bytes` into values and
 * dimensions. `dimensions` is the array's dimensions block (undefined for scalars and for rank-1
 * numeric arrays). Checks that the declared shape matches the bytes present before allocating.
 */
export function decodeSample(
  bytes: Uint8Array,
  start: number,
  size: number,
  position: number,
  pod: PodType,
  extent: number,
  dimensions: number[] | undefined,
  scalar: boolean,
  location: Location,
  allocator?: SampleAllocator,
): Sample {
  if (size === 0) {
    // The empty sample: Alembic writes a zero-length array (or an empty string list) this way.
    if (scalar && pod !== 'string' && pod !== 'wstring') {
      corrupt(`a scalar ${pod}[${extent}] sample is empty; it needs ${POD_BYTES[pod] * extent} bytes`, location, position);
    }
    if (scalar) {
      const values = new Array<string>(extent).fill('');
      return { pod, extent, dimensions: [1], count: 1, values, key: '', position: 0 };
    }
    const shape = dimensions !== undefined && dimensions.includes(0) ? dimensions : [0];
    return { pod, extent, dimensions: shape, count: 0, values: emptyValues(pod), key: '', position: 0 };
  }
  if (size < SAMPLE_KEY_SIZE) {
    corrupt(`a sample block of ${size} bytes is too short for its 16-byte key`, location, position);
  }
  const payloadStart = start + SAMPLE_KEY_SIZE;
  const payloadBytes = size - SAMPLE_KEY_SIZE;
  if (pod === 'string' || pod === 'wstring') {
    const payload = bytes.subarray(payloadStart, payloadStart + payloadBytes);
    const strings = pod === 'string' ? decodeStrings(payload) : decodeWideStrings(payload);
    const shape = dimensions ?? (scalar ? [1] : [Math.floor(strings.length / extent)]);
    const count = product(shape, location, position);
    const expected = count * extent;
    if (strings.length !== expected) {
      corrupt(
        `a ${pod} sample should hold ${expected} NUL-terminated strings (dimensions [${shape.join(', ')}] x extent ${extent}) but holds ${strings.length}`,
        location,
        position,
      );
    }
    return new StoredSample(pod, extent, shape, count, strings, position, bytes, start);
  }
  const valueBytes = POD_BYTES[pod] * extent;
  if (payloadBytes % valueBytes !== 0) {
    corrupt(`a ${pod}[${extent}] sample of ${payloadBytes} bytes is not a whole number of ${valueBytes}-byte values`, location, position);
  }
  const stored = payloadBytes / valueBytes;
  let shape: number[];
  if (scalar) {
    if (stored !== 1) corrupt(`a scalar ${pod}[${extent}] sample holds ${payloadBytes} bytes; it needs ${valueBytes}`, location, position);
    shape = SCALAR_SHAPE;
  } else if (dimensions === undefined) {
    shape = [stored];
  } else {
    shape = dimensions;
    const count = product(shape, location, position);
    if (count !== stored) {
      corrupt(`the sample's dimensions [${shape.join(', ')}] make ${count} values but its data holds ${stored}`, location, position);
    }
  }
  return new StoredSample(pod, extent, shape, stored, decodeNumeric(bytes, pod, payloadStart, payloadBytes, allocator), position, bytes, start);
}

function product(shape: number[], location: Location, offset: number): number {
  let count = 1;
  for (const d of shape) count *= d;
  if (!Number.isSafeInteger(count)) corrupt(`dimensions [${shape.join(', ')}] overflow`, location, offset);
  return count;
}

function emptyValues(pod: PodType): SampleValues {
  if (pod === 'string' || pod === 'wstring') return [];
  return decodeNumeric(new Uint8Array(0), pod);
}


