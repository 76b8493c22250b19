/**
 * PLY, the Polygon File Format (Greg Turk's 1994 description; paulbourke.net/dataformats/ply):
 * a text header — `ply`, `format ascii|binary_little_endian|binary_big_endian 1.0`, `comment`s,
 * `obj_info`, `element <name> <count>` each followed by its `property <type> <name>` or
 * `property list <count type> <item type> <name>` lines, `end_header` — then the elements in
 * order, as text lines or packed records.
 *
 * The `vertex` element is the particle set: every vertex property becomes an attribute (grouped by
 * `columns.ts`: x y z -> P, nx ny nz -> N, red green blue -> Cd, ...), numbers keep their type and
 * colours their values as written (uchar 0-255 with `normalizedMax` 255). Other elements (faces,
 * tristrips) are skipped and named in the notes. `parser: 'loaders.gl'` in the read options hands
 * the bytes to @loaders.gl/ply instead (asynchronous; its output is converted).
 */
import { decodeLatin1, encodeUtf8 } from '@vfxkit/core';
import { partError, PartErrorCode, withPartErrors, withPartErrorsAsync } from '../errors.js';
import { BinaryWriter } from '../io/big-endian.js';
import { gzipBytes } from '../io/compression.js';
import { formatFloat32, formatFloat64, parseNumberToken, TextScanner } from '../io/text.js';
import { attributeInfo, createParticleSet, storageSize, validateParticleSet } from '../model.js';
import type { AttributeInfo, ParticleAttribute, ParticleInfo, ParticleSet, StorageType } from '../model.js';
import { checkBytes, checkCount, keepWritable, newAttribute, readStrided, viewOf, writeStrided } from './common.js';
import { readRecords, writeRecords } from './records.js';
import type { RecordField } from './records.js';
import { columnNames, groupColumns } from './columns.js';
import type { Column, ColumnGroup } from './columns.js';
import type { ParticleFormat, ReadParticlesOptions, WriteParticlesOptions } from './types.js';
import { startsWith } from './types.js';

const NAME = 'PLY';

const PLY_TYPES: Record<string, StorageType> = {
  char: 'int8',
  int8: 'int8',
  uchar: 'uint8',
  uint8: 'uint8',
  short: 'int16',
  int16: 'int16',
  ushort: 'uint16',
  uint16: 'uint16',
  int: 'int32',
  int32: 'int32',
  uint: 'uint32',
  uint32: 'uint32',
  float: 'float32',
  float32: 'float32',
  double: 'float64',
  float64: 'float64',
};
const TYPE_NAMES: Partial<Record<StorageType, string>> = {
  int8: 'char',
  uint8: 'uchar',
  int16: 'short',
  uint16: 'ushort',
  int32: 'int',
  uint32: 'uint',
  float32: 'float',
  float64: 'double',
};

interface Property {
  name: string;
  storage: StorageType;
  /** For list properties: the count's storage. */
  countStorage?: StorageType;
}

interface Element {
  name: string;
  count: number;
  properties: Property[];
}

export interface PlyHeader {
  format: 'ascii' | 'binary_little_endian' | 'binary_big_endian';
  version: string;
  comments: string[];
  objInfo: string[];
  elements: Element[];
  /** Bytes before the data. */
  length: number;
}

function headerEnd(bytes: Uint8Array): number {
  const needle = [0x65, 0x6e, 0x64, 0x5f, 0x68, 0x65, 0x61, 0x64, 0x65, 0x72]; // end_header
  const limit = Math.min(bytes.length, 1 << 24);
  for (let i = 0; i + needle.length <= limit; i++) {
    if (bytes[i] !== 0x65) continue;
    let match = true;
    for (let k = 1; k < needle.length; k++) if (bytes[i + k] !== needle[k]) { match = false; break; }
    if (!match) continue;
    let at = i + needle.length;
    while (at < bytes.length && (bytes[at] === 0x20 || bytes[at] === 0x09)) at++;
    if (bytes[at] === 0x0d) at++;
    if (bytes[at] === 0x0a) return at + 1;
    return at;
  }
  throw partError(PartErrorCode.PART_TRUNCATED, `${NAME}: no 'end_header' line`);
}

export function readPlyHeader(bytes: Uint8Array): PlyHeader {
  if (!isPly(bytes)) throw partError(PartErrorCode.PART_BAD_MAGIC, `${NAME}: the file does not start with 'ply'`);
  const length = headerEnd(bytes);
  const lines = decodeLatin1(bytes.subarray(0, length)).split(/\r?\n/);
  const header: PlyHeader = { format: 'ascii', version: '1.0', comments: [], objInfo: [], elements: [], length };
  let formatSeen = false;
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (line === '' || line === 'end_header') continue;
    const words = line.split(/\s+/);
    switch (words[0]) {
      case 'format':
        if (words[1] !== 'ascii' && words[1] !== 'binary_little_endian' && words[1] !== 'binary_big_endian') {
          throw partError(PartErrorCode.PART_UNSUPPORTED, `${NAME}: format '${words[1]}'; known: ascii, binary_little_endian, binary_big_endian`);
        }
        header.format = words[1];
        header.version = words[2] ?? '1.0';
        formatSeen = true;
        break;
      case 'comment':
        header.comments.push(line.slice(8));
        break;
      case 'obj_info':
        header.objInfo.push(line.slice(9));
        break;
      case 'element': {
        const count = Number(words[2]);
        if (words[1] === undefined || !Number.isInteger(count) || count < 0) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: bad element line '${line}'`);
        header.elements.push({ name: words[1], count, properties: [] });
        break;
      }
      case 'property': {
        const element = header.elements[header.elements.length - 1];
        if (element === undefined) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: a property before any element`);
        if (words[1] === 'list') {
          const countStorage = PLY_TYPES[words[2] ?? ''];
          const storage = PLY_TYPES[words[3] ?? ''];
          if (countStorage === undefined || storage === undefined || words[4] === undefined) {
            throw partError(PartErrorCode.PART_UNKNOWN_TYPE, `${NAME}: list property '${line}' has an unknown type`);
          }
          element.properties.push({ name: words[4], storage, countStorage });
        } else {
          const storage = PLY_TYPES[words[1] ?? ''];
          if (storage === undefined || words[2] === undefined) {
            throw partError(PartErrorCode.PART_UNKNOWN_TYPE, `${NAME}: property '${line}' has type '${words[1]}'; known: ${Object.keys(PLY_TYPES).join(', ')}`);
          }
          element.properties.push({ name: words[2], storage });
        }
        break;
      }
      default:
        // Unknown header keywords are ignored (as PLY readers generally do).
        break;
    }
  }
  if (!formatSeen) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: no 'format' line`);
  return header;
}

export function isPly(head: Uint8Array): boolean {
  return startsWith(head, 'ply') && (head[3] === 0x0a || head[3] === 0x0d);
}

/** Bytes one record of `element` takes when it has no list properties, else -1. */
function recordSize(element: Element): number {
  let size = 0;
  for (const p of element.properties) {
    if (p.countStorage !== undefined) return -1;
    size += storageSize(p.storage);
  }
  return size;
}

function readScalar(view: DataView, at: number, storage: StorageType, little: boolean): number {
  switch (storage) {
    case 'int8':
      return view.getInt8(at);
    case 'uint8':
      return view.getUint8(at);
    case 'int16':
      return view.getInt16(at, little);
    case 'uint16':
      return view.getUint16(at, little);
    case 'int32':
      return view.getInt32(at, little);
    case 'uint32':
      return view.getUint32(at, little);
    case 'float32':
      return view.getFloat32(at, little);
    default:
      return view.getFloat64(at, little);
  }
}

/** Skips `count` records of an element with list properties; returns the end offset. */
function skipRecords(view: DataView, at: number, element: Element, count: number, little: boolean): number {
  const end = view.byteLength;
  for (let i = 0; i < count; i++) {
    for (const p of element.properties) {
      if (p.countStorage === undefined) {
        at += storageSize(p.storage);
      } else {
        const size = storageSize(p.countStorage);
        if (at + size > end) throw partError(PartErrorCode.PART_TRUNCATED, `${NAME}: file ends inside element '${element.name}'`, { offset: at });
        const n = readScalar(view, at, p.countStorage, little);
        if (n < 0) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: list of ${n} items in element '${element.name}'`, { offset: at });
        at += size + n * storageSize(p.storage);
      }
      if (at > end) throw partError(PartErrorCode.PART_TRUNCATED, `${NAME}: file ends inside element '${element.name}'`, { offset: at });
    }
  }
  return at;
}

interface Plan {
  header: PlyHeader;
  vertex: Element;
  columns: Column[];
  /** Indices of the scalar (non-list) vertex properties, in property order. */
  scalarIndex: number[];
  groups: ColumnGroup[];
  notes: string[];
}

function plan(bytes: Uint8Array, options: ReadParticlesOptions | undefined): Plan {
  const header = readPlyHeader(bytes);
  const vertex = header.elements.find((e) => e.name === 'vertex');
  if (vertex === undefined) throw partError(PartErrorCode.PART_UNSUPPORTED, `${NAME}: no 'vertex' element (elements: ${header.elements.map((e) => e.name).join(', ') || 'none'})`);
  checkCount(vertex.count, options, NAME);
  const notes: string[] = [];
  for (const e of header.elements) if (e !== vertex && e.count > 0) notes.push(`element '${e.name}' (${e.count}) skipped`);
  const scalarIndex: number[] = [];
  const columns: Column[] = [];
  vertex.properties.forEach((p, i) => {
    if (p.countStorage !== undefined) {
      notes.push(`vertex list property '${p.name}' skipped`);
      return;
    }
    scalarIndex.push(i);
    columns.push({ name: p.name, storage: p.storage });
  });
  const groups = groupColumns(columns, options?.ply?.groupComponents ?? true);
  return { header, vertex, columns, scalarIndex, groups, notes };
}

function groupInfo(group: ColumnGroup): AttributeInfo {
  const info: AttributeInfo = { name: group.name, type: group.type, width: group.columns.length, storage: group.storage };
  if (group.interpretation !== undefined) info.interpretation = group.interpretation;
  return info;
}

function newGroupAttribute(group: ColumnGroup, count: number): ParticleAttribute {
  const attribute = newAttribute(group.name, group.type, group.columns.length, count, group.storage);
  if (group.normalizedMax !== undefined) attribute.normalizedMax = group.normalizedMax;
  if (group.interpretation !== undefined) attribute.interpretation = group.interpretation;
  return attribute;
}

function readBinaryVertices(bytes: Uint8Array, p: Plan, little: boolean): ParticleAttribute[] {
  const view = viewOf(bytes);
  const { header, vertex } = p;
  let at = header.length;
  // Elements before the vertices.
  for (const element of header.elements) {
    if (element === vertex) break;
    const size = recordSize(element);
    if (size >= 0) {
      checkBytes(element.count * size, bytes.length - at, NAME, `element '${element.name}'`, at);
      at += element.count * size;
    } else {
      at = skipRecords(view, at, element, element.count, little);
    }
  }
  const count = vertex.count;
  const attributes = p.groups.map((g) => newGroupAttribute(g, count));
  const stride = recordSize(vertex);
  if (stride >= 0) {
    checkBytes(count * stride, bytes.length - at, NAME, `${count} vertices of ${stride} bytes`, at);
    const offsets: number[] = [];
    let offset = 0;
    for (const property of vertex.properties) {
      offsets.push(offset);
      offset += storageSize(property.storage);
    }
    // Groups whose columns sit side by side in the record are read in one pass over the records;
    // a group gathered from scattered columns (rare) one column at a time.
    const fields: RecordField[] = [];
    p.groups.forEach((group, g) => {
      const attribute = attributes[g]!;
      const first = offsets[p.scalarIndex[group.columns[0]!]!]!;
      const size = storageSize(group.storage);
      const contiguous = group.columns.every((c, k) => offsets[p.scalarIndex[c]!] === first + k * size);
      if (contiguous) {
        fields.push({ offset: first, width: group.columns.length, storage: group.storage, data: attribute.data });
      } else {
        const width = group.columns.length;
        const scratch = newAttribute('scratch', group.type, 1, count, group.storage).data;
        group.columns.forEach((c, k) => {
          readStrided(view, at + offsets[p.scalarIndex[c]!]!, stride, count, 1, group.storage, little, scratch);
          for (let i = 0; i < count; i++) attribute.data[i * width + k] = scratch[i]!;
        });
      }
    });
    readRecords(bytes, at, count, stride, fields, little);
    return attributes;
  }
  // Vertices with list properties: walk record by record.
  const columnOf = new Map<number, [number, number]>();
  p.groups.forEach((group, g) => group.columns.forEach((c, k) => columnOf.set(p.scalarIndex[c]!, [g, k])));
  const end = bytes.length;
  for (let i = 0; i < count; i++) {
    vertex.properties.forEach((property, index) => {
      if (property.countStorage !== undefined) {
        const n = readScalar(view, at, property.countStorage, little);
        at += storageSize(property.countStorage) + n * storageSize(property.storage);
      } else {
        if (at + storageSize(property.storage) > end) throw partError(PartErrorCode.PART_TRUNCATED, `${NAME}: file ends in vertex ${i}`, { offset: at });
        const [g, k] = columnOf.get(index)!;
        attributes[g]!.data[i * attributes[g]!.width + k] = readScalar(view, at, property.storage, little);
        at += storageSize(property.storage);
      }
      if (at > end) throw partError(PartErrorCode.PART_TRUNCATED, `${NAME}: file ends in vertex ${i}`, { offset: at });
    });
  }
  return attributes;
}

function readAsciiVertices(bytes: Uint8Array, p: Plan): ParticleAttribute[] {
  const { header, vertex } = p;
  const scanner = new TextScanner(decodeLatin1(bytes.subarray(header.length)), NAME);
  for (const element of header.elements) {
    if (element === vertex) break;
    for (let i = 0; i < element.count; i++) {
      if (scanner.line() === undefined) throw partError(PartErrorCode.PART_TRUNCATED, `${NAME}: file ends in element '${element.name}'`);
    }
  }
  const count = vertex.count;
  const attributes = p.groups.map((g) => newGroupAttribute(g, count));
  const targets: ([ParticleAttribute, number] | undefined)[] = vertex.properties.map(() => undefined);
  p.groups.forEach((group, g) => group.columns.forEach((c, k) => (targets[p.scalarIndex[c]!] = [attributes[g]!, k])));
  for (let i = 0; i < count; i++) {
    vertex.properties.forEach((property, index) => {
      if (property.countStorage !== undefined) {
        const n = scanner.integer(`list count of '${property.name}' in vertex ${i}`);
        for (let k = 0; k < n; k++) scanner.need(`list '${property.name}'`);
        return;
      }
      const token = scanner.need(`'${property.name}' of vertex ${i}`);
      const [attribute, k] = targets[index]!;
      attribute.data[i * attribute.width + k] = parseNumberToken(token);
    });
  }
  return attributes;
}

function parse(bytes: Uint8Array, options: ReadParticlesOptions | undefined, decode: boolean): { set?: ParticleSet; info: ParticleInfo } {
  const p = plan(bytes, options);
  const { header, vertex } = p;
  const info: ParticleInfo = { format: 'ply', formatName: NAME, count: vertex.count, attributes: p.groups.map(groupInfo), fixed: [], version: header.version, notes: p.notes };
  if (!decode) return { info };
  // A count the bytes cannot hold is a lie: each vertex takes at least one byte (binary: a record).
  const minimum = header.format === 'ascii' ? 2 * vertex.properties.length : Math.max(1, recordSize(vertex));
  if (vertex.count * minimum > bytes.length - header.length) {
    throw partError(PartErrorCode.PART_TRUNCATED, `${NAME}: the header declares ${vertex.count} vertices but only ${bytes.length - header.length} data bytes follow`);
  }
  const attributes = header.format === 'ascii' ? readAsciiVertices(bytes, p) : readBinaryVertices(bytes, p, header.format === 'binary_little_endian');
  const set = createParticleSet(vertex.count);
  set.format = 'ply';
  set.attributes = attributes;
  set.notes = p.notes;
  set.extras['ply'] = { format: header.format, comments: header.comments, objInfo: header.objInfo };
  info.attributes = attributes.map(attributeInfo);
  return { set, info };
}

export function readPly(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  if (options?.ply?.parser === 'loaders.gl') {
    throw partError(PartErrorCode.PART_ASYNC_REQUIRED, `${NAME}: the loaders.gl parser is loaded on demand: use readParticlesAsync`);
  }
  return withPartErrors(() => parse(bytes, options, true).set!, NAME);
}

export function inspectPly(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  return withPartErrors(() => parse(bytes, options, false).info, NAME);
}

interface LoadersGlAttribute {
  value: ArrayLike<number>;
  size: number;
  normalized?: boolean;
}

/** Reads PLY with @loaders.gl/ply's parser and converts its mesh: POSITION -> P, NORMAL -> N,
 *  COLOR_0 -> Cd (uint8 as written), TEXCOORD_0 -> uv, every other vertex property by name. */
export async function readPlyWithLoadersGl(bytes: Uint8Array, options?: ReadParticlesOptions): Promise<ParticleSet> {
  return withPartErrorsAsync(async () => {
    const header = readPlyHeader(bytes);
    const vertex = header.elements.find((e) => e.name === 'vertex');
    checkCount(vertex?.count ?? 0, options, NAME);
    const { PLYLoader } = await import('@loaders.gl/ply');
    const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (new Uint8Array(bytes).buffer as ArrayBuffer);
    const mesh = (await PLYLoader.parse(buffer, {})) as unknown as { attributes: Record<string, LoadersGlAttribute> };
    const position = mesh.attributes['POSITION'];
    const count = position === undefined ? vertex?.count ?? 0 : position.value.length / position.size;
    const set = createParticleSet(count);
    set.format = 'ply';
    const names: Record<string, string> = { POSITION: 'P', NORMAL: 'N', COLOR_0: 'Cd', TEXCOORD_0: 'uv' };
    for (const [key, accessor] of Object.entries(mesh.attributes)) {
      const name = names[key] ?? key;
      let attribute: ParticleAttribute;
      if (accessor.value instanceof Uint8Array) {
        attribute = { name, type: 'int', width: accessor.size, data: Int32Array.from(accessor.value), storage: 'uint8' };
        if (name === 'Cd') attribute.normalizedMax = 255;
      } else {
        const data = accessor.value instanceof Float32Array ? accessor.value : Float32Array.from(accessor.value);
        attribute = { name, type: accessor.size === 3 && (name === 'P' || name === 'N') ? 'vector' : 'float', width: accessor.size, data, storage: 'float32' };
      }
      if (attribute.data.length === count * attribute.width) set.attributes.push(attribute);
      else set.notes.push(`loaders.gl attribute ${key} has ${attribute.data.length} values for ${count} vertices: skipped`);
    }
    set.extras['ply'] = { format: header.format, comments: header.comments, objInfo: header.objInfo, parser: 'loaders.gl' };
    return set;
  }, NAME);
}

// ---------------------------------------------------------------------------------------------
// Writing.

interface OutColumn {
  name: string;
  storage: StorageType;
  attribute: ParticleAttribute;
  component: number;
  /** Multiply float values by this and round (floats written as uchar colour). */
  scale?: number;
}

function outStorage(attribute: ParticleAttribute, fromPly: boolean, keepDoubles: boolean): { storage: StorageType; scale?: number } {
  const isFloat = attribute.type === 'float' || attribute.type === 'vector';
  if (isFloat) {
    if ((attribute.name === 'Cd' || attribute.name === 'Alpha') && !fromPly) return { storage: 'uint8', scale: 255 };
    return { storage: attribute.data instanceof Float64Array && keepDoubles ? 'float64' : 'float32' };
  }
  const storage = attribute.storage;
  if (storage !== undefined && TYPE_NAMES[storage] !== undefined && !storage.startsWith('float')) return { storage };
  return { storage: attribute.data instanceof Float64Array ? 'float64' : 'int32' };
}

/** Writes the set's vertices as PLY: binary little-endian by default (`plyEncoding`). Float
 *  colours from other formats become uchar 0-255 (what viewers expect); PLY's own float colours
 *  stay floats. */
export function writePly(set: ParticleSet, options: WriteParticlesOptions = {}): Uint8Array {
  validateParticleSet(set);
  const attributes = keepWritable(set.attributes, (a) => a.type !== 'indexedString', options, NAME, 'attributes (PLY holds numbers only)');
  keepWritable(set.fixed, () => false, options, NAME, 'fixed attributes (PLY has no per-file values)');
  const encoding = options.plyEncoding ?? 'binary_little_endian';
  const fromPly = set.format === 'ply';
  const keepDoubles = options.keepDoubles ?? true;
  const columns: OutColumn[] = [];
  for (const attribute of attributes) {
    const { storage, scale } = outStorage(attribute, fromPly, keepDoubles);
    columnNames(attribute).forEach((name, component) => columns.push({ name, storage, attribute, component, ...(scale !== undefined ? { scale } : {}) }));
  }
  const previous = set.extras['ply'] as { comments?: string[]; objInfo?: string[] } | undefined;
  const lines = ['ply', `format ${encoding} 1.0`];
  for (const c of previous?.comments ?? []) lines.push(`comment ${c}`);
  if (!(previous?.comments ?? []).some((c) => c.startsWith('vfxkit'))) lines.push('comment vfxkit @vfxkit/particles');
  for (const o of previous?.objInfo ?? []) lines.push(`obj_info ${o}`);
  lines.push(`element vertex ${set.count}`);
  for (const c of columns) lines.push(`property ${TYPE_NAMES[c.storage]} ${c.name}`);
  lines.push('end_header', '');
  const head = encodeUtf8(lines.join('\n'));
  let out: Uint8Array;
  if (encoding === 'ascii') {
    const rows: string[] = [];
    for (let i = 0; i < set.count; i++) {
      const parts: string[] = [];
      for (const c of columns) {
        const v = c.attribute.data[i * c.attribute.width + c.component]!;
        if (c.scale !== undefined) parts.push(String(Math.max(0, Math.min(255, Math.round(v * c.scale)))));
        else if (c.storage === 'float32') parts.push(formatFloat32(v));
        else if (c.storage === 'float64') parts.push(formatFloat64(v));
        else parts.push(String(Math.trunc(v)));
      }
      rows.push(parts.join(' '));
    }
    rows.push('');
    const body = encodeUtf8(rows.join('\n'));
    out = new Uint8Array(head.length + body.length);
    out.set(head);
    out.set(body, head.length);
  } else {
    const little = encoding === 'binary_little_endian';
    const stride = columns.reduce((sum, c) => sum + storageSize(c.storage), 0);
    const writer = new BinaryWriter(little, head.length + set.count * stride);
    writer.raw(head);
    const start = writer.offset;
    writer.reserve(set.count * stride);
    const view = writer.view;
    const bytes = writer.bytes;
    // The columns of one attribute sit side by side: whole attributes go in one pass over the records.
    const fields: RecordField[] = [];
    let offset = start;
    for (let index = 0; index < columns.length; ) {
      const c = columns[index]!;
      const width = c.attribute.width;
      const whole = c.component === 0 && c.scale === undefined && columns[index + width - 1]?.attribute === c.attribute;
      if (whole) {
        fields.push({ offset: offset - start, width, storage: c.storage, data: c.attribute.data });
        offset += width * storageSize(c.storage);
        index += width;
        continue;
      }
      const size = storageSize(c.storage);
      const data = c.attribute.data;
      if (c.scale !== undefined) {
        // Float colours as bytes, all components of the attribute in one pass.
        const scale = c.scale;
        const n = width;
        for (let i = 0, o = offset, d = 0; i < set.count; i++, o += stride) {
          for (let k = 0; k < n; k++, d++) {
            // Math.round for the 0..255 range without the call: NaN and negatives give 0.
            const v = data[d]! * scale + 0.5;
            bytes[o + k] = v >= 255 ? 255 : v > 0 ? v | 0 : 0;
          }
        }
        offset += n * size;
        index += n;
        continue;
      }
      for (let i = 0, o = offset; i < set.count; i++, o += stride) {
        writeStrided(view, o, 0, 1, 1, c.storage, little, data.subarray(i * width + c.component, i * width + c.component + 1));
      }
      offset += size;
      index++;
    }
    writeRecords(bytes, start, set.count, stride, fields, little);
    writer.offset = start + set.count * stride;
    out = writer.toBytes();
  }
  return options.gzip ? gzipBytes(out, options.level) : out;
}

export const plyFormat: ParticleFormat = {
  id: 'ply',
  name: 'PLY polygon file format (vertices)',
  family: 'ply',
  extensions: ['ply'],
  mimeTypes: ['text/plain', 'application/octet-stream'],
  binary: true,
  magic: isPly,
  inspect: inspectPly,
  read: readPly,
  readAsync: async (bytes, options) => (options?.ply?.parser === 'loaders.gl' ? readPlyWithLoadersGl(bytes, options) : readPly(bytes, options)),
  write: writePly,
};

