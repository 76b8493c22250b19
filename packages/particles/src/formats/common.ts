/**
 * What the format modules share: count and size checks made before anything is allocated, and
 * strided readers and writers that move one attribute between an interleaved record layout
 * (partio's formats store particle after particle) and the model's dense typed arrays.
 */
import { floatToHalf, halfDecodeTable } from '@vfxkit/core';
import { partError, PartErrorCode } from '../errors.js';
import { DEFAULT_MAX_PARTICLES, arrayForStorage, normalizedFloats } from '../model.js';
import type { AttributeData, AttributeType, ParticleAttribute, ReadOptions, StorageType } from '../model.js';
import type { WriteParticlesOptions } from './types.js';

/** Throws PART_LIMIT unless `count` is a whole number no larger than `maxParticles`. */
export function checkCount(count: number, options: ReadOptions | undefined, formatName: string): void {
  const max = options?.maxParticles ?? DEFAULT_MAX_PARTICLES;
  if (!Number.isInteger(count) || count < 0) {
    throw partError(PartErrorCode.PART_CORRUPT, `${formatName}: the header declares ${count} particles`);
  }
  if (count > max) {
    throw partError(
      PartErrorCode.PART_LIMIT,
      `${formatName}: the header declares ${count} particles, above maxParticles (${max}); raise maxParticles if the file is genuine`,
    );
  }
}

/** Throws PART_TRUNCATED unless `available` bytes cover `needed` (declared data versus bytes
 *  present, checked before allocating). */
export function checkBytes(needed: number, available: number, formatName: string, what: string, offset?: number): void {
  if (needed > available) {
    throw partError(
      PartErrorCode.PART_TRUNCATED,
      `${formatName}: ${what} needs ${needed} bytes but only ${Math.max(0, available)} follow: the file is truncated or its header is wrong`,
      offset === undefined ? {} : { offset },
    );
  }
}

/** An attribute whose data array is allocated for `elements` elements in `storage`. */
export function newAttribute(
  name: string,
  type: AttributeType,
  width: number,
  elements: number,
  storage: StorageType,
  extra: Partial<ParticleAttribute> = {},
): ParticleAttribute {
  const data = type === 'indexedString' ? new Int32Array(elements * width) : arrayForStorage(storage, elements * width);
  return { name, type, width, data, storage, ...extra };
}

/**
 * Reads `count` records of `width` values stored as `storage`, the first at byte `start` of
 * `view`, one record every `stride` bytes, into `out` (dense, `count * width`).
 */
export function readStrided(
  view: DataView,
  start: number,
  stride: number,
  count: number,
  width: number,
  storage: StorageType,
  littleEndian: boolean,
  out: AttributeData,
): void {
  switch (storage) {
    case 'float32':
      return readFloat32(view, start, stride, count, width, littleEndian, out);
    case 'int32':
      return readInt32(view, start, stride, count, width, littleEndian, out);
    case 'float64':
      return readFloat64(view, start, stride, count, width, littleEndian, out);
    default:
      return readOther(view, start, stride, count, width, storage, littleEndian, out);
  }
}

function readFloat32(view: DataView, start: number, stride: number, count: number, width: number, little: boolean, out: AttributeData): void {
  let d = 0;
  if (width === 3) {
    for (let i = 0, o = start; i < count; i++, o += stride) {
      out[d] = view.getFloat32(o, little);
      out[d + 1] = view.getFloat32(o + 4, little);
      out[d + 2] = view.getFloat32(o + 8, little);
      d += 3;
    }
  } else if (width === 1) {
    for (let i = 0, o = start; i < count; i++, o += stride) out[d++] = view.getFloat32(o, little);
  } else {
    for (let i = 0, o = start; i < count; i++, o += stride) {
      for (let k = 0; k < width; k++) out[d++] = view.getFloat32(o + 4 * k, little);
    }
  }
}

function readInt32(view: DataView, start: number, stride: number, count: number, width: number, little: boolean, out: AttributeData): void {
  let d = 0;
  if (width === 1) {
    for (let i = 0, o = start; i < count; i++, o += stride) out[d++] = view.getInt32(o, little);
  } else {
    for (let i = 0, o = start; i < count; i++, o += stride) {
      for (let k = 0; k < width; k++) out[d++] = view.getInt32(o + 4 * k, little);
    }
  }
}

function readFloat64(view: DataView, start: number, stride: number, count: number, width: number, little: boolean, out: AttributeData): void {
  let d = 0;
  for (let i = 0, o = start; i < count; i++, o += stride) {
    for (let k = 0; k < width; k++) out[d++] = view.getFloat64(o + 8 * k, little);
  }
}

function readOther(
  view: DataView,
  start: number,
  stride: number,
  count: number,
  width: number,
  storage: StorageType,
  little: boolean,
  out: AttributeData,
): void {
  // One loop per storage type: the type test stays out of the per-value work.
  let d = 0;
  switch (storage) {
    case 'uint8':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) out[d++] = view.getUint8(o + k);
      return;
    case 'int8':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) out[d++] = view.getInt8(o + k);
      return;
    case 'int16':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) out[d++] = view.getInt16(o + 2 * k, little);
      return;
    case 'uint16':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) out[d++] = view.getUint16(o + 2 * k, little);
      return;
    case 'uint32':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) out[d++] = view.getUint32(o + 4 * k, little);
      return;
    case 'float16': {
      const table = halfDecodeTable();
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) out[d++] = table[view.getUint16(o + 2 * k, little)]!;
      return;
    }
    case 'int64':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) out[d++] = Number(view.getBigInt64(o + 8 * k, little));
      return;
    case 'uint64':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) out[d++] = Number(view.getBigUint64(o + 8 * k, little));
      return;
    default:
      throw partError(PartErrorCode.PART_UNSUPPORTED, `storage ${storage} is not readable here`);
  }
}

/** The mirror of `readStrided`: writes `data` (dense) as `storage` records. Values are converted
 *  the way C casts them: floats to integer storage truncate, integers wrap. */
export function writeStrided(
  view: DataView,
  start: number,
  stride: number,
  count: number,
  width: number,
  storage: StorageType,
  littleEndian: boolean,
  data: AttributeData,
): void {
  switch (storage) {
    case 'float32':
      return writeFloat32(view, start, stride, count, width, littleEndian, data);
    case 'int32':
      return writeInt32(view, start, stride, count, width, littleEndian, data);
    case 'float64':
      return writeFloat64(view, start, stride, count, width, littleEndian, data);
    default:
      return writeOther(view, start, stride, count, width, storage, littleEndian, data);
  }
}

function writeFloat32(view: DataView, start: number, stride: number, count: number, width: number, little: boolean, data: AttributeData): void {
  let d = 0;
  if (width === 3) {
    for (let i = 0, o = start; i < count; i++, o += stride) {
      view.setFloat32(o, data[d]!, little);
      view.setFloat32(o + 4, data[d + 1]!, little);
      view.setFloat32(o + 8, data[d + 2]!, little);
      d += 3;
    }
  } else if (width === 1) {
    for (let i = 0, o = start; i < count; i++, o += stride) view.setFloat32(o, data[d++]!, little);
  } else {
    for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) view.setFloat32(o + 4 * k, data[d++]!, little);
  }
}

function writeInt32(view: DataView, start: number, stride: number, count: number, width: number, little: boolean, data: AttributeData): void {
  let d = 0;
  if (width === 1) {
    for (let i = 0, o = start; i < count; i++, o += stride) view.setInt32(o, data[d++]!, little);
  } else {
    for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) view.setInt32(o + 4 * k, data[d++]!, little);
  }
}

function writeFloat64(view: DataView, start: number, stride: number, count: number, width: number, little: boolean, data: AttributeData): void {
  let d = 0;
  for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) view.setFloat64(o + 8 * k, data[d++]!, little);
}

function writeOther(
  view: DataView,
  start: number,
  stride: number,
  count: number,
  width: number,
  storage: StorageType,
  little: boolean,
  data: AttributeData,
): void {
  let d = 0;
  switch (storage) {
    case 'uint8':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) view.setUint8(o + k, data[d++]!);
      return;
    case 'int8':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) view.setInt8(o + k, data[d++]!);
      return;
    case 'int16':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) view.setInt16(o + 2 * k, data[d++]!, little);
      return;
    case 'uint16':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) view.setUint16(o + 2 * k, data[d++]!, little);
      return;
    case 'uint32':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) view.setUint32(o + 4 * k, data[d++]!, little);
      return;
    case 'float16':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) view.setUint16(o + 2 * k, floatToHalf(data[d++]!), little);
      return;
    case 'int64':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) view.setBigInt64(o + 8 * k, BigInt(Math.trunc(data[d++]!)), little);
      return;
    case 'uint64':
      for (let i = 0, o = start; i < count; i++, o += stride) for (let k = 0; k < width; k++) view.setBigUint64(o + 8 * k, BigInt(Math.trunc(data[d++]!)), little);
      return;
    default:
      throw partError(PartErrorCode.PART_UNSUPPORTED, `storage ${storage} is not writable here`);
  }
}

/** A DataView over exactly `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Float values of an attribute as float32 text-ready numbers (an int attribute's values unchanged). */
export function isFloatType(type: AttributeType): boolean {
  return type === 'float' || type === 'vector';
}

/** Names made unique the way partio does it for PTC: `name`, `name1`, `name2`, ... */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 1; taken.has(candidate); n++) candidate = `${name}${n}`;
  taken.add(candidate);
  return candidate;
}

/** Attributes a format cannot store: an error naming them, or dropped with `dropUnsupported`. */
export function keepWritable<T extends ParticleAttribute>(
  attributes: T[],
  writable: (a: T) => boolean,
  options: WriteParticlesOptions,
  formatName: string,
  what: string,
): T[] {
  const bad = attributes.filter((a) => !writable(a));
  if (bad.length > 0 && !options.dropUnsupported) {
    throw partError(
      PartErrorCode.PART_BAD_ARGUMENT,
      `${formatName} cannot store ${bad.map((a) => `'${a.name}' (${a.type}, width ${a.width})`).join(', ')} ${what}; drop them or pass dropUnsupported`,
    );
  }
  return attributes.filter(writable);
}


/**
 * Attributes ready for formats that store colours as floats: integers with `normalizedMax` (an
 * 8-bit PLY colour) become float32 values 0..1, a width-3 one a `vector`. Others pass unchanged.
 */
export function withFloatColours(attributes: ParticleAttribute[]): ParticleAttribute[] {
  return attributes.map((attribute) => {
    if (attribute.normalizedMax === undefined || attribute.type === 'indexedString') return attribute;
    const values = normalizedFloats(attribute);
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    const converted: ParticleAttribute = { name: attribute.name, type: attribute.width === 3 ? 'vector' : 'float', width: attribute.width, data, storage: 'float32' };
    if (attribute.interpretation !== undefined) converted.interpretation = attribute.interpretation;
    return converted;
  });
}
