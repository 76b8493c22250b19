/**
 * Attribute values: every predefined OpenEXR attribute type read from and written to its value bytes.
 * See "OpenEXR File Layout", section "Predefined Attribute Types". All numbers are little-endian;
 * strings are stored without a terminator (the attribute size gives their length) and decoded as
 * UTF-8. Attributes of other types are kept as raw bytes (`opaque`) and written back unchanged.
 */
import { ByteReader, ByteWriter, decodeUtf8, encodeUtf8 } from '@vfxkit/core';
import { ExrErrorCode, exrError } from '../errors.js';
import {
  EXR_COMPRESSIONS,
  EXR_DEEP_IMAGE_STATES,
  EXR_ENVMAPS,
  EXR_LEVEL_MODES,
  EXR_LINE_ORDERS,
  EXR_ROUNDING_MODES,
} from '../model.js';
import type { Box2, ExrAttribute, ExrAttributeType, ExrChannel, ExrPixelType } from '../model.js';

export const PIXEL_TYPES: readonly ExrPixelType[] = ['uint', 'half', 'float'];

/** Value sizes of the fixed-size types. */
const FIXED_SIZES: Partial<Record<ExrAttributeType, number>> = {
  box2i: 16,
  box2f: 16,
  chromaticities: 32,
  compression: 1,
  deepImageState: 1,
  double: 8,
  envmap: 1,
  float: 4,
  int: 4,
  keycode: 28,
  lineOrder: 1,
  m33f: 36,
  m33d: 72,
  m44f: 64,
  m44d: 128,
  rational: 8,
  tiledesc: 9,
  timecode: 8,
  v2i: 8,
  v2f: 8,
  v2d: 16,
  v3i: 12,
  v3f: 12,
  v3d: 24,
};

const FIXED_SIZE_MAP = new Map<string, number>(Object.entries(FIXED_SIZES));

const KNOWN_TYPES = new Set<string>([
  ...Object.keys(FIXED_SIZES),
  'bytes',
  'chlist',
  'floatvector',
  'preview',
  'string',
  'stringvector',
]);

/** The value size of a fixed-size standard type (box2i: 16, ...), undefined for the others. */
export function fixedAttributeSize(type: string): number | undefined {
  return FIXED_SIZE_MAP.get(type);
}

export function isKnownAttributeType(type: string): type is ExrAttributeType {
  return KNOWN_TYPES.has(type);
}

/** Where an attribute value sits, for error messages. */
interface ValueContext {
  name: string;
  type: string;
  /** Byte offset of the value in the file. */
  offset: number;
}

function bad(context: ValueContext, message: string): never {
  throw exrError(ExrErrorCode.EXR_BAD_HEADER, `attribute '${context.name}' (${context.type}): ${message}`, {
    offset: context.offset,
  });
}

function enumValue<T>(values: readonly T[], code: number, context: ValueContext): T {
  const value = values[code];
  if (value === undefined) bad(context, `invalid value ${code} (expected 0 to ${values.length - 1})`);
  return value;
}

function readBox(reader: ByteReader, float: boolean): Box2 {
  if (float) return { xMin: reader.f32(), yMin: reader.f32(), xMax: reader.f32(), yMax: reader.f32() };
  return { xMin: reader.i32(), yMin: reader.i32(), xMax: reader.i32(), yMax: reader.i32() };
}

function readF32s(reader: ByteReader, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(reader.f32());
  return out;
}
function readF64s(reader: ByteReader, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(reader.f64());
  return out;
}
function readI32s(reader: ByteReader, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(reader.i32());
  return out;
}

/** Bytes as text: ASCII directly (most names), UTF-8 otherwise. */
export function decodeText(bytes: Uint8Array, start: number, end: number): string {
  let ascii = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) return decodeUtf8(bytes.subarray(start, end));
    ascii += String.fromCharCode(b);
  }
  return ascii;
}

/** A NUL-terminated UTF-8 name of at most `maxLength` bytes inside `reader`. */
export function readName(reader: ByteReader, maxLength: number, what: string): string {
  const bytes = reader.bytes;
  const start = reader.offset;
  const end = Math.min(bytes.byteLength, start + maxLength + 1);
  for (let i = start; i < end; i++) {
    if (bytes[i] === 0) {
      reader.offset = i + 1;
      return decodeText(bytes, start, i);
    }
  }
  if (end === bytes.byteLength) {
    throw exrError(ExrErrorCode.EXR_TRUNCATED, `file ends inside ${what} starting at byte ${start}`, { offset: start });
  }
  throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${what} at byte ${start} is longer than ${maxLength} bytes`, { offset: start });
}

function readChannelList(reader: ByteReader, context: ValueContext): ExrChannel[] {
  const channels: ExrChannel[] = [];
  for (;;) {
    if (reader.remaining === 0) bad(context, 'channel list is not terminated by a NUL byte');
    let name: string;
    try {
      name = readName(reader, 255, 'channel name');
    } catch {
      bad(context, 'channel name is not NUL-terminated within the attribute');
    }
    if (name === '') break;
    if (reader.remaining < 16) bad(context, `channel '${name}' is cut short`);
    const typeCode = reader.i32();
    const type = PIXEL_TYPES[typeCode];
    if (type === undefined) bad(context, `channel '${name}' has pixel type ${typeCode} (expected 0 UINT, 1 HALF or 2 FLOAT)`);
    const pLinear = reader.u8() !== 0;
    reader.skip(3);
    const xSampling = reader.i32();
    const ySampling = reader.i32();
    channels.push({ name, type, pLinear, xSampling, ySampling });
  }
  return channels;
}

/**
 * Decodes one attribute value. `value` holds exactly the attribute's bytes. Unknown types come back
 * as opaque attributes; malformed values of known types throw EXR_BAD_HEADER.
 */
export function readAttributeValue(name: string, type: string, value: Uint8Array, offset: number): ExrAttribute {
  if (!isKnownAttributeType(type)) return { name, type, value: new Uint8Array(value), opaque: true };
  const context: ValueContext = { name, type, offset };
  const fixed = FIXED_SIZES[type];
  if (fixed !== undefined && value.byteLength !== fixed) {
    bad(context, `size is ${value.byteLength} bytes, expected ${fixed}`);
  }
  const reader = new ByteReader(value);
  switch (type) {
    case 'box2i':
      return { name, type, value: readBox(reader, false) };
    case 'box2f':
      return { name, type, value: readBox(reader, true) };
    case 'bytes': {
      if (value.byteLength < 4) bad(context, `size is ${value.byteLength} bytes, expected at least 4`);
      const hintLength = reader.u32();
      if (hintLength > reader.remaining) bad(context, `type hint of ${hintLength} bytes is longer than the attribute`);
      const typeHint = reader.utf8(hintLength);
      return { name, type, value: { typeHint, data: value.slice(reader.offset) } };
    }
    case 'chlist':
      return { name, type, value: readChannelList(reader, context) };
    case 'chromaticities': {
      const [redX, redY, greenX, greenY, blueX, blueY, whiteX, whiteY] = readF32s(reader, 8) as [
        number, number, number, number, number, number, number, number,
      ];
      return { name, type, value: { redX, redY, greenX, greenY, blueX, blueY, whiteX, whiteY } };
    }
    case 'compression':
      return { name, type, value: enumValue(EXR_COMPRESSIONS, reader.u8(), context) };
    case 'deepImageState':
      return { name, type, value: enumValue(EXR_DEEP_IMAGE_STATES, reader.u8(), context) };
    case 'double':
      return { name, type, value: reader.f64() };
    case 'envmap':
      return { name, type, value: enumValue(EXR_ENVMAPS, reader.u8(), context) };
    case 'float':
      return { name, type, value: reader.f32() };
    case 'floatvector':
      if (value.byteLength % 4 !== 0) bad(context, `size ${value.byteLength} is not a multiple of 4`);
      return { name, type, value: readF32s(reader, value.byteLength / 4) };
    case 'int':
      return { name, type, value: reader.i32() };
    case 'keycode': {
      const [filmMfcCode, filmType, prefix, count, perfOffset, perfsPerFrame, perfsPerCount] = readI32s(reader, 7) as [
        number, number, number, number, number, number, number,
      ];
      return { name, type, value: { filmMfcCode, filmType, prefix, count, perfOffset, perfsPerFrame, perfsPerCount } };
    }
    case 'lineOrder':
      return { name, type, value: enumValue(EXR_LINE_ORDERS, reader.u8(), context) };
    case 'm33f':
      return { name, type, value: readF32s(reader, 9) };
    case 'm33d':
      return { name, type, value: readF64s(reader, 9) };
    case 'm44f':
      return { name, type, value: readF32s(reader, 16) };
    case 'm44d':
      return { name, type, value: readF64s(reader, 16) };
    case 'preview': {
      if (value.byteLength < 8) bad(context, `size is ${value.byteLength} bytes, expected at least 8`);
      const width = reader.u32();
      const height = reader.u32();
      if (width * height * 4 !== reader.remaining) {
        bad(context, `${width} x ${height} pixels need ${width * height * 4} bytes, the attribute holds ${reader.remaining}`);
      }
      return { name, type, value: { width, height, pixels: value.slice(8) } };
    }
    case 'rational':
      return { name, type, value: { numerator: reader.i32(), denominator: reader.u32() } };
    case 'string':
      return { name, type, value: decodeText(value, 0, value.byteLength) };
    case 'stringvector': {
      const strings: string[] = [];
      while (reader.remaining > 0) {
        if (reader.remaining < 4) bad(context, 'string length is cut short');
        const length = reader.i32();
        if (length < 0 || length > reader.remaining) bad(context, `string of ${length} bytes does not fit the attribute`);
        strings.push(reader.utf8(length));
      }
      return { name, type, value: strings };
    }
    case 'tiledesc': {
      const xSize = reader.u32();
      const ySize = reader.u32();
      const mode = reader.u8();
      const levelMode = enumValue(EXR_LEVEL_MODES, mode & 0x0f, context);
      const roundingMode = enumValue(EXR_ROUNDING_MODES, mode >> 4, context);
      return { name, type, value: { xSize, ySize, levelMode, roundingMode } };
    }
    case 'timecode':
      return { name, type, value: { timeAndFlags: reader.u32(), userData: reader.u32() } };
    case 'v2i':
      return { name, type, value: [reader.i32(), reader.i32()] };
    case 'v2f':
      return { name, type, value: [reader.f32(), reader.f32()] };
    case 'v2d':
      return { name, type, value: [reader.f64(), reader.f64()] };
    case 'v3i':
      return { name, type, value: [reader.i32(), reader.i32(), reader.i32()] };
    case 'v3f':
      return { name, type, value: [reader.f32(), reader.f32(), reader.f32()] };
    case 'v3d':
      return { name, type, value: [reader.f64(), reader.f64(), reader.f64()] };
  }
}

function usage(attribute: ExrAttribute, message: string): never {
  throw exrError(ExrErrorCode.EXR_BAD_ARGUMENT, `attribute '${attribute.name}' (${attribute.type}): ${message}`);
}

function writeNumbers(writer: ByteWriter, attribute: ExrAttribute, values: readonly number[], count: number, write: (v: number) => void): void {
  if (!Array.isArray(values) || values.length !== count) usage(attribute, `expected ${count} numbers`);
  for (const v of values) write(v);
}

function enumCode<T>(values: readonly T[], value: T, attribute: ExrAttribute): number {
  const code = values.indexOf(value);
  if (code < 0) usage(attribute, `unknown value '${String(value)}' (expected one of ${values.join(', ')})`);
  return code;
}

/** Encodes one attribute value (without name, type and size). */
export function writeAttributeValue(attribute: ExrAttribute): Uint8Array {
  if (attribute.opaque === true) return attribute.value;
  const writer = new ByteWriter(64);
  const i32 = (v: number) => void writer.i32(v);
  const f32 = (v: number) => void writer.f32(v);
  const f64 = (v: number) => void writer.f64(v);
  switch (attribute.type) {
    case 'box2i':
    case 'box2f': {
      const box = attribute.value;
      const write = attribute.type === 'box2i' ? i32 : f32;
      write(box.xMin);
      write(box.yMin);
      write(box.xMax);
      write(box.yMax);
      break;
    }
    case 'bytes': {
      const hint = encodeUtf8(attribute.value.typeHint);
      writer.u32(hint.byteLength).bytes(hint).bytes(attribute.value.data);
      break;
    }
    case 'chlist':
      for (const channel of attribute.value) {
        writer.bytes(encodeUtf8(channel.name)).u8(0);
        writer.i32(enumCode(PIXEL_TYPES, channel.type, attribute));
        writer.u8(channel.pLinear ? 1 : 0).u8(0).u8(0).u8(0);
        writer.i32(channel.xSampling).i32(channel.ySampling);
      }
      writer.u8(0);
      break;
    case 'chromaticities': {
      const c = attribute.value;
      for (const v of [c.redX, c.redY, c.greenX, c.greenY, c.blueX, c.blueY, c.whiteX, c.whiteY]) writer.f32(v);
      break;
    }
    case 'compression':
      writer.u8(enumCode(EXR_COMPRESSIONS, attribute.value, attribute));
      break;
    case 'deepImageState':
      writer.u8(enumCode(EXR_DEEP_IMAGE_STATES, attribute.value, attribute));
      break;
    case 'double':
      writer.f64(attribute.value);
      break;
    case 'envmap':
      writer.u8(enumCode(EXR_ENVMAPS, attribute.value, attribute));
      break;
    case 'float':
      writer.f32(attribute.value);
      break;
    case 'floatvector':
      for (const v of attribute.value) writer.f32(v);
      break;
    case 'int':
      writer.i32(attribute.value);
      break;
    case 'keycode': {
      const k = attribute.value;
      for (const v of [k.filmMfcCode, k.filmType, k.prefix, k.count, k.perfOffset, k.perfsPerFrame, k.perfsPerCount]) writer.i32(v);
      break;
    }
    case 'lineOrder':
      writer.u8(enumCode(EXR_LINE_ORDERS, attribute.value, attribute));
      break;
    case 'm33f':
      writeNumbers(writer, attribute, attribute.value, 9, f32);
      break;
    case 'm33d':
      writeNumbers(writer, attribute, attribute.value, 9, f64);
      break;
    case 'm44f':
      writeNumbers(writer, attribute, attribute.value, 16, f32);
      break;
    case 'm44d':
      writeNumbers(writer, attribute, attribute.value, 16, f64);
      break;
    case 'preview': {
      const p = attribute.value;
      if (p.pixels.byteLength !== p.width * p.height * 4) usage(attribute, `needs ${p.width * p.height * 4} pixel bytes`);
      writer.u32(p.width).u32(p.height).bytes(p.pixels);
      break;
    }
    case 'rational':
      writer.i32(attribute.value.numerator).u32(attribute.value.denominator);
      break;
    case 'string':
      writer.bytes(encodeUtf8(attribute.value));
      break;
    case 'stringvector':
      for (const s of attribute.value) {
        const bytes = encodeUtf8(s);
        writer.i32(bytes.byteLength).bytes(bytes);
      }
      break;
    case 'tiledesc': {
      const t = attribute.value;
      writer.u32(t.xSize).u32(t.ySize);
      writer.u8(enumCode(EXR_LEVEL_MODES, t.levelMode, attribute) | (enumCode(EXR_ROUNDING_MODES, t.roundingMode, attribute) << 4));
      break;
    }
    case 'timecode':
      writer.u32(attribute.value.timeAndFlags >>> 0).u32(attribute.value.userData >>> 0);
      break;
    case 'v2i':
      writeNumbers(writer, attribute, attribute.value, 2, i32);
      break;
    case 'v2f':
      writeNumbers(writer, attribute, attribute.value, 2, f32);
      break;
    case 'v2d':
      writeNumbers(writer, attribute, attribute.value, 2, f64);
      break;
    case 'v3i':
      writeNumbers(writer, attribute, attribute.value, 3, i32);
      break;
    case 'v3f':
      writeNumbers(writer, attribute, attribute.value, 3, f32);
      break;
    case 'v3d':
      writeNumbers(writer, attribute, attribute.value, 3, f64);
      break;
    default:
      usage(attribute, 'unknown attribute type; pass unknown types as opaque attributes with raw bytes');
  }
  return writer.toBytes();
}

/** Byte length of a name as stored (UTF-8). */
export function nameLength(name: string): number {
  return encodeUtf8(name).byteLength;
}
