/**
 * Houdini's classic binary geometry, `.bgeo` before Houdini 12 (`.bhclassic` today): "BgeoV" and
 * version 5, as partio reads and writes it (partio `src/lib/io/BGEO.cpp`; SideFX's GPD notes).
 * Everything is big-endian.
 *
 *   1. magic `Bgeo`, the char `V`, int32 version (5)
 *   2. int32 counts: points, primitives, point groups, primitive groups, point attributes,
 *      vertex attributes, primitive attributes, detail attributes
 *   3. the point attribute dictionary: per attribute a string name (int16 length, or -1 and an
 *      int32 length), uint16 size, int32 type (0 float, 1 int, 4 index = indexed string, 5 vector;
 *      2 string is not readable), then `size` int32 defaults, or for index an int32 count and the
 *      strings
 *   4. the points: per point x y z w (float32), then every attribute's words in dictionary order
 *   5. primitives: the primitive attribute dictionary, then per primitive an int32 type; partio
 *      (and we) read particle systems (0x8000: int32 vertex count, uint16 or int32 indices, the
 *      primitive's attribute words) and stop at any other type
 *   6. the detail attribute dictionary and one record of values: the fixed attributes
 *   7. the trailer 0x00 0xff
 */
import { encodeUtf8 } from '@vfxkit/core';
import { partError, PartErrorCode, withPartErrors } from '../errors.js';
import { BigEndianReader, BinaryWriter } from '../io/big-endian.js';
import { gzipBytes } from '../io/compression.js';
import { attributeInfo, createParticleSet, getAttribute, validateParticleSet } from '../model.js';
import type { AttributeInfo, AttributeType, ParticleAttribute, ParticleInfo, ParticleSet } from '../model.js';
import { checkBytes, checkCount, newAttribute, readStrided, writeStrided, withFloatColours } from './common.js';
import { readRecords, writeRecords } from './records.js';
import type { RecordField } from './records.js';
import type { ParticleFormat, ReadParticlesOptions, WriteParticlesOptions } from './types.js';
import { startsWith } from './types.js';

const NAME = 'classic BGEO';
const PARTICLE_SYSTEM = 0x8000;

/** Houdini's attribute type codes in the classic format. */
const HoudiniType = { FLOAT: 0, INT: 1, STRING: 2, INDEX: 4, VECTOR: 5 } as const;

interface Definition {
  name: string;
  size: number;
  houdiniType: number;
  type: AttributeType;
  strings?: string[];
}

interface Header {
  version: number;
  points: number;
  primitives: number;
  pointGroups: number;
  primitiveGroups: number;
  pointAttributes: number;
  vertexAttributes: number;
  primitiveAttributes: number;
  detailAttributes: number;
}

function readString(reader: BigEndianReader, what: string): string {
  let length = reader.i16(`${what} length`);
  if (length === -1) length = reader.i32(`${what} length`);
  if (length < 0) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: ${what} has length ${length}`, { offset: reader.offset });
  return reader.utf8(length, what);
}

function readHeader(reader: BigEndianReader): Header {
  // Step 1: magic and version.
  const magic = reader.subarray(4, 'magic');
  if (!startsWith(magic, 'Bgeo')) {
    if (magic[0] === 0x7f) {
      throw partError(PartErrorCode.PART_BAD_MAGIC, `${NAME}: this is a Houdini 12+ JSON geometry file (binary); read it as format 'bgeo'`);
    }
    throw partError(PartErrorCode.PART_BAD_MAGIC, `${NAME}: the file does not start with 'Bgeo'`);
  }
  const versionChar = reader.u8('version character');
  const version = reader.i32('version');
  if (versionChar !== 0x56 || version !== 5) {
    throw partError(PartErrorCode.PART_UNSUPPORTED_VERSION, `${NAME}: version ${String.fromCharCode(versionChar)}${version}; only V5 is readable`);
  }
  // Step 2: counts.
  const header: Header = {
    version,
    points: reader.i32('point count'),
    primitives: reader.i32('primitive count'),
    pointGroups: reader.i32('point group count'),
    primitiveGroups: reader.i32('primitive group count'),
    pointAttributes: reader.i32('point attribute count'),
    vertexAttributes: reader.i32('vertex attribute count'),
    primitiveAttributes: reader.i32('primitive attribute count'),
    detailAttributes: reader.i32('detail attribute count'),
  };
  for (const [key, value] of Object.entries(header)) {
    if (value < 0) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: header field ${key} is ${value}`);
  }
  return header;
}

/** Step 3 (and 5, 6): an attribute dictionary of `count` entries. */
function readDictionary(reader: BigEndianReader, count: number, what: string): Definition[] {
  // Each entry takes at least 8 bytes: refuse counts the file cannot hold before looping.
  checkBytes(count * 8, reader.remaining, NAME, `the ${count}-entry ${what} dictionary`, reader.offset);
  const out: Definition[] = [];
  for (let i = 0; i < count; i++) {
    const name = readString(reader, `${what} name`);
    const size = reader.u16(`size of ${what} '${name}'`);
    const houdiniType = reader.i32(`type of ${what} '${name}'`);
    if (size === 0) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: ${what} '${name}' has size 0`, { offset: reader.offset });
    switch (houdiniType) {
      case HoudiniType.FLOAT:
      case HoudiniType.INT:
      case HoudiniType.VECTOR:
        reader.skip(4 * size, `defaults of ${what} '${name}'`);
        out.push({
          name,
          size,
          houdiniType,
          type: houdiniType === HoudiniType.FLOAT ? 'float' : houdiniType === HoudiniType.INT ? 'int' : 'vector',
        });
        break;
      case HoudiniType.INDEX: {
        const stringCount = reader.i32(`string count of ${what} '${name}'`);
        checkBytes(stringCount * 2, reader.remaining, NAME, `the ${stringCount} strings of '${name}'`, reader.offset);
        const strings: string[] = [];
        for (let s = 0; s < stringCount; s++) strings.push(readString(reader, `string ${s} of '${name}'`));
        out.push({ name, size, houdiniType, type: 'indexedString', strings });
        break;
      }
      case HoudiniType.STRING:
        throw partError(PartErrorCode.PART_UNSUPPORTED, `${NAME}: ${what} '${name}' has the old 'string' type, which partio does not read either`);
      default:
        throw partError(PartErrorCode.PART_UNKNOWN_TYPE, `${NAME}: ${what} '${name}' has type ${houdiniType}; known types are 0 float, 1 int, 4 index, 5 vector`, {
          offset: reader.offset - 4,
        });
    }
  }
  return out;
}

function wordsOf(definitions: Definition[]): number {
  let words = 0;
  for (const d of definitions) words += d.size;
  return words;
}

function toInfo(definition: Definition): AttributeInfo {
  const info: AttributeInfo = { name: definition.name, type: definition.type, width: definition.size, storage: 'int32' };
  if (definition.type !== 'int' && definition.type !== 'indexedString') info.storage = 'float32';
  if (definition.strings !== undefined) info.stringCount = definition.strings.length;
  return info;
}

function makeAttribute(definition: Definition, elements: number): ParticleAttribute {
  const storage = definition.type === 'int' || definition.type === 'indexedString' ? 'int32' : 'float32';
  const attribute = newAttribute(definition.name, definition.type, definition.size, elements, storage);
  if (definition.strings !== undefined) attribute.strings = definition.strings;
  return attribute;
}

/** Steps 5 and 6: primitives (particle systems only) and the detail attributes. */
function readTail(reader: BigEndianReader, header: Header, notes: string[], decode: boolean): ParticleAttribute[] | Definition[] | undefined {
  if (header.vertexAttributes > 0 || header.pointGroups > 0 || header.primitiveGroups > 0) {
    notes.push('vertex attributes or groups present: primitives, groups and detail attributes were not read');
    return undefined;
  }
  if (header.primitives > 0) {
    const primitiveDefinitions = readDictionary(reader, header.primitiveAttributes, 'primitive attribute');
    const primitiveWords = wordsOf(primitiveDefinitions);
    let particleSystems = 0;
    for (let p = 0; p < header.primitives; p++) {
      const type = reader.i32('primitive type');
      if (type !== PARTICLE_SYSTEM) {
        notes.push(`primitive ${p} has type 0x${type.toString(16)}; only particle systems are read: ${header.primitives - p} primitives and the detail attributes were skipped`);
        return undefined;
      }
      const vertices = reader.i32('particle system vertex count');
      if (vertices < 0) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: particle system with ${vertices} vertices`);
      reader.skip(vertices * (header.points >= 1 << 16 ? 4 : 2) + primitiveWords * 4, 'particle system');
      particleSystems++;
    }
    notes.push(`${particleSystems} particle system primitive${particleSystems === 1 ? '' : 's'} skipped (points are read as particles)`);
  }
  const definitions = readDictionary(reader, header.detailAttributes, 'detail attribute');
  if (!decode) return definitions;
  const words = wordsOf(definitions);
  checkBytes(words * 4, reader.remaining, NAME, 'the detail attribute values', reader.offset);
  const fixed: ParticleAttribute[] = [];
  let at = reader.offset;
  const view = reader.view;
  for (const definition of definitions) {
    const attribute = makeAttribute(definition, 1);
    readStrided(view, at, 0, 1, definition.size, attribute.storage!, false, attribute.data);
    at += definition.size * 4;
    fixed.push(attribute);
  }
  reader.offset = at;
  return fixed;
}

function parse(bytes: Uint8Array, options: ReadParticlesOptions | undefined, decode: boolean): { set?: ParticleSet; info: ParticleInfo } {
  const reader = new BigEndianReader(bytes);
  const header = readHeader(reader);
  checkCount(header.points, options, NAME);
  const definitions = readDictionary(reader, header.pointAttributes, 'point attribute');
  const stride = (4 + wordsOf(definitions)) * 4;
  const notes: string[] = [];
  const pointBytes = header.points * stride;
  const info: ParticleInfo = {
    format: 'bhclassic',
    formatName: NAME,
    count: header.points,
    attributes: [{ name: 'P', type: 'vector', width: 3, storage: 'float32' }, ...definitions.map(toInfo)],
    fixed: [],
    version: 5,
    notes,
  };
  const start = reader.offset;
  if (!decode) {
    // The header alone is enough; the detail attributes follow the points, when they are there.
    if (reader.remaining < pointBytes) {
      notes.push('the points are not all present: detail attributes not read');
      return { info };
    }
    reader.offset += pointBytes;
    const tail = readTail(reader, header, notes, false) as Definition[] | undefined;
    if (tail !== undefined) info.fixed = tail.map(toInfo);
    return { info };
  }
  checkBytes(pointBytes, reader.remaining, NAME, `${header.points} points of ${stride} bytes`, reader.offset);
  reader.offset += pointBytes;
  // Step 4: the points, all attributes in one pass.
  const count = header.points;
  const position = newAttribute('P', 'vector', 3, count, 'float32');
  const attributes = [position];
  const fields: RecordField[] = [{ offset: 0, width: 3, storage: 'float32', data: position.data }];
  let at = 16;
  for (const definition of definitions) {
    const attribute = makeAttribute(definition, count);
    fields.push({ offset: at, width: definition.size, storage: attribute.storage!, data: attribute.data });
    at += definition.size * 4;
    attributes.push(attribute);
  }
  readRecords(bytes, start, count, stride, fields, false);
  const set = createParticleSet(count);
  set.attributes = attributes;
  set.format = 'bhclassic';
  set.notes = notes;
  const fixed = readTail(reader, header, notes, true) as ParticleAttribute[] | undefined;
  if (fixed !== undefined) {
    set.fixed = fixed;
    info.fixed = fixed.map(attributeInfo);
  }
  return { set, info };
}

export function readBhclassic(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  return withPartErrors(() => parse(bytes, options, true).set!, NAME);
}

export function inspectBhclassic(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  return withPartErrors(() => parse(bytes, options, false).info, NAME);
}

function houdiniTypeOf(attribute: ParticleAttribute): number {
  switch (attribute.type) {
    case 'float':
      return HoudiniType.FLOAT;
    case 'int':
      return HoudiniType.INT;
    case 'vector':
      return HoudiniType.VECTOR;
    default:
      return HoudiniType.INDEX;
  }
}

function writeString(writer: BinaryWriter, text: string): void {
  const bytes = encodeUtf8(text);
  if (bytes.length < 0x7fff) writer.i16(bytes.length);
  else {
    writer.i16(-1);
    writer.i32(bytes.length);
  }
  writer.raw(bytes);
}

function writeDictionary(writer: BinaryWriter, attributes: ParticleAttribute[]): void {
  for (const attribute of attributes) {
    writeString(writer, attribute.name);
    if (attribute.width > 0xffff) throw partError(PartErrorCode.PART_BAD_ARGUMENT, `${NAME}: attribute '${attribute.name}' is wider than 65535`);
    writer.u16(attribute.width);
    const type = houdiniTypeOf(attribute);
    writer.i32(type);
    if (type === HoudiniType.INDEX) {
      const strings = attribute.strings ?? [];
      writer.i32(strings.length);
      for (const s of strings) writeString(writer, s);
    } else {
      writer.zeros(4 * attribute.width);
    }
  }
}

function storageOf(attribute: ParticleAttribute): 'float32' | 'int32' {
  return attribute.type === 'float' || attribute.type === 'vector' ? 'float32' : 'int32';
}

/** Writes the set as classic BGEO V5, the way partio does (points, no primitives, details). */
export function writeBhclassic(set: ParticleSet, options: WriteParticlesOptions = {}): Uint8Array {
  validateParticleSet(set);
  set = { ...set, attributes: withFloatColours(set.attributes), fixed: withFloatColours(set.fixed) };
  const position = getAttribute(set, 'P');
  if (position === undefined || position.width !== 3 || position.type === 'int' || position.type === 'indexedString') {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `${NAME}: the set needs a float 'P' attribute of width 3 (classic BGEO stores it with every point)`);
  }
  const others = set.attributes.filter((a) => a !== position);
  const words = 4 + others.reduce((sum, a) => sum + a.width, 0);
  const stride = words * 4;
  const writer = new BinaryWriter(false, 256 + set.count * stride);
  writer.latin1('Bgeo');
  writer.u8(0x56);
  for (const value of [5, set.count, 0, 0, 0, others.length, 0, 0, set.fixed.length]) writer.i32(value);
  writeDictionary(writer, others);
  writer.reserve(set.count * stride);
  const start = writer.offset;
  const fields: RecordField[] = [
    { offset: 0, width: 3, storage: 'float32', data: position.data },
    { offset: 12, width: 1, storage: 'float32', data: new Float32Array([1]), repeat: true }, // w
  ];
  let at = 16;
  for (const attribute of others) {
    fields.push({ offset: at, width: attribute.width, storage: storageOf(attribute), data: attribute.data });
    at += attribute.width * 4;
  }
  writeRecords(writer.bytes, start, set.count, stride, fields, false);
  writer.offset = start + set.count * stride;
  writeDictionary(writer, set.fixed);
  for (const attribute of set.fixed) {
    writer.reserve(attribute.width * 4);
    writeStrided(writer.view, writer.offset, 0, 1, attribute.width, storageOf(attribute), false, attribute.data);
    writer.offset += attribute.width * 4;
  }
  writer.u8(0x00);
  writer.u8(0xff);
  const bytes = writer.toBytes();
  return options.gzip ? gzipBytes(bytes, options.level) : bytes;
}

export const bhclassicFormat: ParticleFormat = {
  id: 'bhclassic',
  name: 'Houdini classic binary geometry (BGEO V5)',
  family: 'houdini',
  extensions: ['bhclassic', 'bgeo'],
  mimeTypes: ['application/octet-stream'],
  binary: true,
  magic: (head) => startsWith(head, 'BgeoV'),
  inspect: inspectBhclassic,
  read: readBhclassic,
  write: writeBhclassic,
};
