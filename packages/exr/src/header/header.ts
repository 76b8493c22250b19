/**
 * Reading OpenEXR headers: magic number, version field, one header (single-part) or a list of
 * headers ended by an empty one (multi-part), and the checks OpenEXR applies to each part. See
 * "OpenEXR File Layout", components one to three, and OpenEXRCore's `parse_header.c` /
 * `validation.c`. Only header bytes are read: the offset tables and pixels are never touched, so a
 * prefix of a file that holds the headers is enough.
 */
import { ByteReader } from '@vfxkit/core';
import { ExrErrorCode, exrError, withExrErrors } from '../errors.js';
import type {
  Box2,
  ExrAttribute,
  ExrAttributeType,
  ExrAttributeTypes,
  ExrHeader,
  ExrPartHeader,
  ExrPartType,
  ExrVersionFlags,
} from '../model.js';
import { fixedAttributeSize, readAttributeValue, readName } from './attributes.js';
import { LINES_PER_CHUNK, boxHeight, boxWidth, scanlineChunkCount, tileLayout } from './layout.js';

/** The first four bytes of every OpenEXR file: 20000630 as a little-endian int. */
export const EXR_MAGIC = 20000630;

/** Version-field flag bits. */
export const FLAG_TILED = 0x200;
export const FLAG_LONG_NAMES = 0x400;
export const FLAG_NON_IMAGE = 0x800;
export const FLAG_MULTIPART = 0x1000;
const KNOWN_FLAGS = FLAG_TILED | FLAG_LONG_NAMES | FLAG_NON_IMAGE | FLAG_MULTIPART;

/** The only file format version OpenEXR has written (1.x files say 2 as well). */
const SUPPORTED_VERSION = 2;

/** Coordinates must stay within +-INT_MAX/2 so max - min + 1 cannot overflow (OpenEXR's rule). */
const LARGE_COORDINATE = Math.floor(0x7fffffff / 2);

const PART_TYPES: readonly ExrPartType[] = ['scanlineimage', 'tiledimage', 'deepscanline', 'deeptile'];

/** True when `bytes` starts with the OpenEXR magic number. */
export function isExr(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && bytes[0] === 0x76 && bytes[1] === 0x2f && bytes[2] === 0x31 && bytes[3] === 0x01;
}

export function decodeFlags(version: number): ExrVersionFlags {
  return {
    tiled: (version & FLAG_TILED) !== 0,
    longNames: (version & FLAG_LONG_NAMES) !== 0,
    nonImage: (version & FLAG_NON_IMAGE) !== 0,
    multipart: (version & FLAG_MULTIPART) !== 0,
  };
}

/** Reads all parts' headers. Throws VfxError: EXR_BAD_MAGIC, EXR_UNSUPPORTED_VERSION, EXR_BAD_HEADER,
 *  EXR_TRUNCATED (when `bytes` ends inside the headers). */
export function readExrHeader(input: Uint8Array | ArrayBuffer): ExrHeader {
  // A plain Uint8Array view: subarrays of node Buffers are much slower to make.
  const bytes = input instanceof Uint8Array ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
  return withExrErrors(() => parseHeaders(bytes), ExrErrorCode.EXR_BAD_HEADER);
}

function parseHeaders(bytes: Uint8Array): ExrHeader {
  // 1. Magic number.
  if (bytes.byteLength < 4 || !isExr(bytes)) {
    const magic = [0x76, 0x2f, 0x31, 0x01];
    if (bytes.byteLength < 4 && Array.from(bytes).every((b, i) => b === magic[i])) {
      throw exrError(ExrErrorCode.EXR_TRUNCATED, `file ends after ${bytes.byteLength} bytes, inside the magic number`);
    }
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw exrError(ExrErrorCode.EXR_BAD_MAGIC, `not an OpenEXR file: starts with ${head || 'nothing'}, expected 76 2f 31 01`);
  }
  const reader = new ByteReader(bytes, 4);

  // 2. Version field: 8 bits of version, 24 bits of flags.
  const versionField = reader.u32('version field');
  const version = versionField & 0xff;
  if (version !== SUPPORTED_VERSION) {
    throw exrError(ExrErrorCode.EXR_UNSUPPORTED_VERSION, `file format version ${version} is not supported (expected ${SUPPORTED_VERSION})`, {
      offset: 4,
    });
  }
  const flagBits = versionField & ~0xff;
  if ((flagBits & ~KNOWN_FLAGS) !== 0) {
    throw exrError(ExrErrorCode.EXR_UNSUPPORTED, `unknown version flags 0x${(flagBits & ~KNOWN_FLAGS).toString(16)} in the version field`, {
      offset: 4,
    });
  }
  const flags = decodeFlags(versionField);
  if (flags.tiled && (flags.nonImage || flags.multipart)) {
    throw exrError(ExrErrorCode.EXR_BAD_HEADER, 'version flags mark the file as single-part tiled and also as deep or multi-part', {
      offset: 4,
    });
  }

  // 3. Headers: one, or (multi-part) a list ended by an empty header.
  const parts: ExrPartHeader[] = [];
  for (;;) {
    const start = reader.offset;
    const attributes = readAttributes(reader);
    parts.push(buildPart(parts.length, attributes, flags, start, bytes.slice(start, reader.offset)));
    if (!flags.multipart) break;
    if (reader.u8('end of headers') === 0) break;
    reader.offset -= 1;
  }

  // 4. Checks across parts.
  checkParts(parts, flags);
  return { version, flags, parts, offsetTablesOffset: reader.offset };
}

/** Reads attributes up to and including the NUL that ends a header. */
function readAttributes(reader: ByteReader): ExrAttribute[] {
  const attributes: ExrAttribute[] = [];
  const byName = new Map<string, number>();
  for (;;) {
    const nameOffset = reader.offset;
    const name = readName(reader, 255, 'attribute name');
    if (name === '') return attributes;
    const type = readName(reader, 255, `type name of attribute '${name}'`);
    if (type === '') throw exrError(ExrErrorCode.EXR_BAD_HEADER, `attribute '${name}' has an empty type name`, { offset: nameOffset });
    const sizeOffset = reader.offset;
    const size = reader.i32(`size of attribute '${name}'`);
    if (size < 0) {
      throw exrError(ExrErrorCode.EXR_BAD_HEADER, `attribute '${name}' (${type}) has an invalid size field ${size}`, { offset: sizeOffset });
    }
    const fixedSize = fixedAttributeSize(type);
    if (fixedSize !== undefined && size !== fixedSize) {
      throw exrError(ExrErrorCode.EXR_BAD_HEADER, `attribute '${name}' (${type}) declares ${size} bytes, a ${type} has ${fixedSize}`, {
        offset: sizeOffset,
      });
    }
    if (size > reader.remaining) {
      throw exrError(
        ExrErrorCode.EXR_TRUNCATED,
        `file ends inside attribute '${name}' (${type}): its value needs ${size} bytes, ${reader.remaining} left`,
        { offset: reader.offset },
      );
    }
    const valueOffset = reader.offset;
    const attribute = readAttributeValue(name, type, reader.subarray(size), valueOffset);
    const previous = byName.get(name);
    if (previous === undefined) {
      byName.set(name, attributes.length);
      attributes.push(attribute);
    } else {
      // OpenEXR lets a repeated attribute overwrite the first one when the types agree.
      if (attributes[previous]!.type !== type) {
        throw exrError(
          ExrErrorCode.EXR_BAD_HEADER,
          `attribute '${name}' appears twice with different types (${attributes[previous]!.type}, ${type})`,
          { offset: nameOffset },
        );
      }
      attributes[previous] = attribute;
    }
  }
}

/**
 * The value of attribute `name` when it exists with type `type`, else undefined: the typed way to
 * read an attribute (`attributeValue(part.attributes, 'chromaticities', 'chromaticities')`).
 */
export function attributeValue<T extends ExrAttributeType>(
  attributes: readonly ExrAttribute[],
  name: string,
  type: T,
): ExrAttributeTypes[T] | undefined {
  const attribute = attributes.find((a) => a.name === name);
  return attribute !== undefined && attribute.opaque !== true && attribute.type === type ? (attribute.value as ExrAttributeTypes[T]) : undefined;
}

/** The attribute `name` when it has type `type`; EXR_BAD_HEADER when it has another type. */
export function findAttribute<T extends ExrAttributeType>(
  attributes: readonly ExrAttribute[],
  name: string,
  type: T,
  where = '',
): ExrAttributeTypes[T] | undefined {
  const attribute = attributes.find((a) => a.name === name);
  if (attribute === undefined) return undefined;
  if (attribute.type !== type || attribute.opaque === true) {
    throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${where}attribute '${name}' has type '${attribute.type}', expected '${type}'`);
  }
  return attribute.value as ExrAttributeTypes[T];
}

function checkWindow(box: Box2, what: string, where: string): void {
  if (
    box.xMin > box.xMax ||
    box.yMin > box.yMax ||
    box.xMin <= -LARGE_COORDINATE ||
    box.yMin <= -LARGE_COORDINATE ||
    box.xMax >= LARGE_COORDINATE ||
    box.yMax >= LARGE_COORDINATE
  ) {
    throw exrError(
      ExrErrorCode.EXR_BAD_HEADER,
      `${where}invalid ${what} (${box.xMin} ${box.yMin}) - (${box.xMax} ${box.yMax}): min must not exceed max and coordinates must stay within +-${LARGE_COORDINATE}`,
    );
  }
}

function buildPart(index: number, attributes: ExrAttribute[], flags: ExrVersionFlags, offset: number, raw: Uint8Array): ExrPartHeader {
  const where = flags.multipart ? `part ${index}: ` : '';
  const required = <T extends ExrAttributeType>(name: string, type: T): ExrAttributeTypes[T] => {
    const value = findAttribute(attributes, name, type, where);
    if (value === undefined) throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${where}required attribute '${name}' (${type}) is missing`, { offset });
    return value;
  };

  const channels = required('channels', 'chlist');
  const compression = required('compression', 'compression');
  const dataWindow = required('dataWindow', 'box2i');
  const displayWindow = required('displayWindow', 'box2i');
  const lineOrder = findAttribute(attributes, 'lineOrder', 'lineOrder', where) ?? 'increasingY';
  const pixelAspectRatio = findAttribute(attributes, 'pixelAspectRatio', 'float', where) ?? 1;
  const screenWindowCenter = findAttribute(attributes, 'screenWindowCenter', 'v2f', where) ?? [0, 0];
  const screenWindowWidth = findAttribute(attributes, 'screenWindowWidth', 'float', where) ?? 1;
  const name = findAttribute(attributes, 'name', 'string', where);
  const typeAttribute = findAttribute(attributes, 'type', 'string', where);
  const tiles = findAttribute(attributes, 'tiles', 'tiledesc', where);
  const declaredChunkCount = findAttribute(attributes, 'chunkCount', 'int', where);

  // The part type: multi-part and deep files say it in `type`; older single-part files in the flags
  // (OpenEXR believes the flags there and ignores a contradicting `type`).
  let type: ExrPartType | 'unknown';
  if (flags.multipart || flags.nonImage) {
    // `name` is required in multi-part files; single-part deep files written by OpenEXR 2 may lack it.
    if (name === undefined && flags.multipart) {
      throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${where}required attribute 'name' is missing`, { offset });
    }
    if (typeAttribute === undefined) throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${where}required attribute 'type' is missing`, { offset });
    type = (PART_TYPES as readonly string[]).includes(typeAttribute) ? (typeAttribute as ExrPartType) : 'unknown';
  } else {
    type = flags.tiled ? 'tiledimage' : 'scanlineimage';
  }

  // Windows, aspect ratio and screen window (OpenEXR's validate_image_dimensions).
  checkWindow(displayWindow, 'display window', where);
  checkWindow(dataWindow, 'data window', where);
  if (!Number.isFinite(pixelAspectRatio) || pixelAspectRatio < 1e-6 || pixelAspectRatio > 1e6) {
    throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${where}invalid pixel aspect ratio ${pixelAspectRatio} (expected 1e-6 to 1e6)`);
  }
  if (!(screenWindowWidth >= 0)) {
    throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${where}invalid screen window width ${screenWindowWidth} (must not be negative)`);
  }

  // Channels (validate_channels, validate_tile_data, validate_deep_data).
  if (channels.length === 0) throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${where}the channel list is empty`);
  const width = boxWidth(dataWindow);
  const height = boxHeight(dataWindow);
  const tiledOrDeep = type === 'tiledimage' || type === 'deeptile' || type === 'deepscanline';
  const seen = new Set<string>();
  for (const channel of channels) {
    const what = `${where}channel '${channel.name}'`;
    if (seen.has(channel.name)) throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${what} appears twice in the channel list`);
    seen.add(channel.name);
    if (channel.xSampling < 1 || channel.ySampling < 1) {
      throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${what}: invalid sampling ${channel.xSampling} x ${channel.ySampling}`);
    }
    if (tiledOrDeep && (channel.xSampling !== 1 || channel.ySampling !== 1)) {
      throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${what}: sampling must be 1 x 1 in a ${type} part, found ${channel.xSampling} x ${channel.ySampling}`);
    }
    if (dataWindow.xMin % channel.xSampling !== 0 || dataWindow.yMin % channel.ySampling !== 0) {
      throw exrError(
        ExrErrorCode.EXR_BAD_HEADER,
        `${what}: the data window origin (${dataWindow.xMin} ${dataWindow.yMin}) is not a multiple of the sampling ${channel.xSampling} x ${channel.ySampling}`,
      );
    }
    if (width % channel.xSampling !== 0 || height % channel.ySampling !== 0) {
      throw exrError(
        ExrErrorCode.EXR_BAD_HEADER,
        `${what}: the data window size ${width} x ${height} is not a multiple of the sampling ${channel.xSampling} x ${channel.ySampling}`,
      );
    }
  }

  const isTiled = type === 'tiledimage' || type === 'deeptile';
  if (isTiled) {
    if (tiles === undefined) throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${where}tiled part has no 'tiles' attribute`, { offset });
    if (tiles.xSize < 1 || tiles.ySize < 1 || tiles.xSize > LARGE_COORDINATE / 2 || tiles.ySize > LARGE_COORDINATE / 2) {
      throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${where}invalid tile size ${tiles.xSize} x ${tiles.ySize}`);
    }
  }
  if ((type === 'deepscanline' || type === 'deeptile') && compression !== 'none' && compression !== 'rle' && compression !== 'zips') {
    throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${where}compression '${compression}' is not allowed for deep data (only none, rle, zips)`);
  }

  // Chunk count: computed from the layout (OpenEXR trusts the computation over the attribute).
  let chunkCount: number;
  if (type === 'unknown') {
    if (declaredChunkCount === undefined || declaredChunkCount < 0) {
      throw exrError(ExrErrorCode.EXR_BAD_HEADER, `${where}part of unknown type '${typeAttribute}' has no valid 'chunkCount'`);
    }
    chunkCount = declaredChunkCount;
  } else if (isTiled) {
    chunkCount = tileLayout(dataWindow, tiles!).chunkCount;
  } else {
    chunkCount = scanlineChunkCount(dataWindow, type === 'deepscanline' ? 1 : LINES_PER_CHUNK[compression]);
  }

  return {
    index,
    name,
    type,
    channels,
    compression,
    dataWindow,
    displayWindow,
    lineOrder,
    pixelAspectRatio,
    screenWindowCenter,
    screenWindowWidth,
    tiles: isTiled ? tiles : undefined,
    chunkCount,
    attributes,
    offset,
    raw,
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Multi-part rules: unique names, and the shared attributes (display window, pixel aspect ratio,
 *  time code, chromaticities) equal in every part. */
function checkParts(parts: ExrPartHeader[], flags: ExrVersionFlags): void {
  if (!flags.multipart) return;
  const names = new Set<string>();
  for (const part of parts) {
    if (names.has(part.name!)) throw exrError(ExrErrorCode.EXR_BAD_HEADER, `part name '${part.name}' is used by more than one part`);
    names.add(part.name!);
  }
  const first = parts[0]!;
  for (const part of parts.slice(1)) {
    const mismatched: string[] = [];
    if (!sameValue(first.displayWindow, part.displayWindow)) mismatched.push('displayWindow');
    if (first.pixelAspectRatio !== part.pixelAspectRatio) mismatched.push('pixelAspectRatio');
    for (const name of ['timeCode', 'chromaticities']) {
      const a = first.attributes.find((x) => x.name === name);
      const b = part.attributes.find((x) => x.name === name);
      if (a !== undefined && b !== undefined && (a.type !== b.type || !sameValue(a.value, b.value))) mismatched.push(name);
    }
    if (mismatched.length > 0) {
      throw exrError(
        ExrErrorCode.EXR_BAD_HEADER,
        `part ${part.index} ('${part.name}') has shared attributes that differ from part 0: ${mismatched.join(', ')} (they must be equal in every part)`,
      );
    }
  }
}
