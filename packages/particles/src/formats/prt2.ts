/**
 * Thinkbox's PRT 2 (`.prt`, and `.sprt` with a spatial index; thinkbox-library `prt2_reader.cpp`,
 * `prt2_common.cpp`). Little-endian.
 *
 *   1. magic C0 'PRT2' 0D 0A 1A, uint32 version (3)
 *   2. file chunks: char[4] type, uint64 length, the body. The first is 'Chan': a varint channel
 *      count, then per channel a varstring name, a varstring type id ("3 * float32", "int16") and
 *      a varint byte size; channels are packed in that order
 *   3. 'Meta': varstring "channel.name" (or "name"), varstring type id, the value
 *   4. 'Part' (or 'PrtO', whose chunks carry a float32[3] position offset): varstring stream name
 *      (empty: the default particles), varstring compression (uncompressed, zlib, transpose-zlib,
 *      transpose, lz4, transpose-lz4), int64 particle count, int64 chunk count, then per chunk a
 *      uint32 byte size, a uint32 particle count, (PrtO: the offset), and the data; "transpose"
 *      stores byte i of every particle together
 *   5. 'PIdx' / 'SIdx': indexes of the chunks (skipped: the chunks are walked in order)
 *
 * Varints are little-endian base-128 (7 bits a byte, high bit "more"); varstrings a varint length
 * and UTF-8 bytes.
 */
import { decodeUtf8 } from '@vfxkit/core';
import { partError, PartErrorCode, withPartErrors } from '../errors.js';
import { fflateZlib, inflateExactly, MAX_DEFLATE_RATIO } from '../io/compression.js';
import { lz4DecodeBlock } from '../io/lz4.js';
import { attributeInfo, createParticleSet, storageSize } from '../model.js';
import type { AttributeData, AttributeInfo, ParticleInfo, ParticleSet, StorageType } from '../model.js';
import { canonicalName } from '../names.js';
import { checkBytes, checkCount, newAttribute, readStrided, viewOf } from './common.js';
import type { ReadParticlesOptions } from './types.js';
import { startsWith } from './types.js';
import { interpretationName, metadataAttribute } from './prt-common.js';

const NAME = 'PRT2';
const PRT2_MAGIC = [0xc0, 0x50, 0x52, 0x54, 0x32, 0x0d, 0x0a, 0x1a];
/** LZ4 cannot expand data by more than this factor. */
const MAX_LZ4_RATIO = 255;
const TYPE_IDS: readonly StorageType[] = ['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];

export function isPrt2(head: Uint8Array): boolean {
  return startsWith(head, PRT2_MAGIC);
}

class Cursor {
  constructor(
    readonly bytes: Uint8Array,
    public at: number,
    readonly end: number,
  ) {}
  fail(message: string, code: PartErrorCode = PartErrorCode.PART_CORRUPT): never {
    throw partError(code, `${NAME}: ${message}`, { offset: this.at });
  }
  varint(what: string): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.at >= this.end) this.fail(`${what} runs past its chunk`, PartErrorCode.PART_TRUNCATED);
      const byte = this.bytes[this.at++]!;
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) this.fail(`${what} is too large`);
        return result;
      }
      scale *= 128;
    }
    return this.fail(`${what} is not a valid varint`);
  }
  varstring(what: string): string {
    const length = this.varint(`${what} length`);
    if (this.at + length > this.end) this.fail(`${what} runs past its chunk`, PartErrorCode.PART_TRUNCATED);
    const text = decodeUtf8(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }
}

function parseTypeId(text: string): { arity: number; storage: StorageType | 'string' } | undefined {
  const match = /^\s*(?:([1-9][0-9]*)\s*\*\s*)?([a-z0-9]+)\s*$/.exec(text);
  if (match === null) return undefined;
  const arity = match[1] === undefined ? 1 : Number(match[1]);
  const type = match[2]!;
  if (type === 'string') return { arity, storage: 'string' };
  if (!(TYPE_IDS as readonly string[]).includes(type)) return undefined;
  return { arity, storage: type as StorageType };
}

interface Channel {
  native: string;
  storage: StorageType;
  arity: number;
  offset: number;
}

interface Stream {
  name: string;
  compression: string;
  count: number;
  chunkCount: number;
  start: number;
  end: number;
  positionOffset: boolean;
}

function structure(bytes: Uint8Array): { channels: Channel[]; stride: number; streams: Stream[]; metadata: Record<string, Record<string, unknown>>; notes: string[] } {
  const view = viewOf(bytes);
  // Step 1: magic and version.
  checkBytes(12, bytes.length, NAME, 'the header');
  if (!isPrt2(bytes)) throw partError(PartErrorCode.PART_BAD_MAGIC, `${NAME}: the file does not start with the PRT2 magic number`);
  const version = view.getUint32(8, true);
  if (version !== 3) throw partError(PartErrorCode.PART_UNSUPPORTED_VERSION, `${NAME}: version ${version}; only version 3 is readable`);
  let at = 12;
  const channels: Channel[] = [];
  const streams: Stream[] = [];
  const metadata: Record<string, Record<string, unknown>> = { '': {} };
  const notes: string[] = [];
  let stride = 0;
  // Steps 2-5: the file chunks.
  for (let index = 0; at < bytes.length; index++) {
    checkBytes(12, bytes.length - at, NAME, 'a file chunk header', at);
    const type = String.fromCharCode(...bytes.subarray(at, at + 4));
    const length = Number(view.getBigUint64(at + 4, true));
    at += 12;
    checkBytes(length, bytes.length - at, NAME, `file chunk '${type}'`, at);
    const cursor = new Cursor(bytes, at, at + length);
    if (index === 0 && type !== 'Chan') throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: the first chunk is '${type}', not 'Chan'`, { offset: at - 12 });
    if (type === 'Chan') {
      const count = cursor.varint('channel count');
      if (count > length) cursor.fail(`${count} channels in ${length} bytes`);
      for (let c = 0; c < count; c++) {
        const native = cursor.varstring('channel name');
        const typeId = cursor.varstring(`type of '${native}'`);
        const size = cursor.varint(`byte size of '${native}'`);
        const parsed = parseTypeId(typeId);
        if (parsed === undefined) throw partError(PartErrorCode.PART_UNKNOWN_TYPE, `${NAME}: channel '${native}' has type '${typeId}'`);
        if (parsed.storage === 'string') throw partError(PartErrorCode.PART_UNSUPPORTED, `${NAME}: channel '${native}' holds strings, which PRT2 particles cannot`);
        if (size !== parsed.arity * storageSize(parsed.storage)) cursor.fail(`channel '${native}' is ${size} bytes, its type '${typeId}' needs ${parsed.arity * storageSize(parsed.storage)}`);
        channels.push({ native, storage: parsed.storage, arity: parsed.arity, offset: stride });
        stride += size;
      }
      if (cursor.at !== cursor.end) cursor.fail("the 'Chan' chunk has bytes after its channels");
    } else if (type === 'Meta') {
      const fullName = cursor.varstring('metadata name');
      const parsed = parseTypeId(cursor.varstring(`type of metadata '${fullName}'`));
      const dot = fullName.indexOf('.');
      const channel = dot < 0 ? '' : fullName.slice(0, dot);
      const name = dot < 0 ? fullName : fullName.slice(dot + 1);
      const target = (metadata[channel] ??= {});
      if (parsed?.storage === 'string') target[name] = cursor.varstring(`metadata '${fullName}'`);
      else if (parsed !== undefined && cursor.end - cursor.at === parsed.arity * storageSize(parsed.storage)) {
        const values = newAttribute(name, 'float', parsed.arity, 1, parsed.storage).data;
        readStrided(view, cursor.at, 0, 1, parsed.arity, parsed.storage, true, values);
        // File-wide values keep their storage (they become fixed attributes); channel values are plain.
        target[name] = channel === '' ? { storage: parsed.storage, data: values } : values.length === 1 ? values[0] : Array.from(values);
      }
    } else if (type === 'Part' || type === 'PrtO') {
      const name = cursor.varstring('particle stream name');
      const compression = cursor.varstring('compression');
      if (cursor.at + 16 > cursor.end) cursor.fail('the particle chunk header runs past its chunk', PartErrorCode.PART_TRUNCATED);
      const count = view.getBigInt64(cursor.at, true);
      const chunkCount = view.getBigInt64(cursor.at + 8, true);
      if (count < 0n || chunkCount < 0n) cursor.fail(`negative particle or chunk count (${count}, ${chunkCount}): the file was not closed correctly`);
      streams.push({ name, compression, count: Number(count), chunkCount: Number(chunkCount), start: cursor.at + 16, end: cursor.end, positionOffset: type === 'PrtO' });
    } else if (type !== 'PIdx' && type !== 'SIdx') {
      notes.push(`unknown file chunk '${type}' skipped`);
    }
    at += length;
  }
  return { channels, stride, streams, metadata, notes };
}

function untranspose(data: Uint8Array, stride: number, count: number): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let b = 0; b < stride; b++) {
    const base = b * count;
    for (let i = 0; i < count; i++) out[i * stride + b] = data[base + i]!;
  }
  return out;
}

function parse(bytes: Uint8Array, options: ReadParticlesOptions | undefined, decode: boolean): { set?: ParticleSet; info: ParticleInfo } {
  const { channels, stride, streams, metadata, notes } = structure(bytes);
  const stream = streams.find((s) => s.name === '');
  for (const s of streams) if (s.name !== '') notes.push(`named particle stream '${s.name}' (${s.count} particles) skipped`);
  if (stream === undefined) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: no default 'Part' chunk`);
  const count = stream.count;
  checkCount(count, options, NAME);
  const known = ['uncompressed', 'zlib', 'transpose-zlib', 'transpose', 'lz4', 'transpose-lz4'];
  if (!known.includes(stream.compression)) throw partError(PartErrorCode.PART_UNSUPPORTED, `${NAME}: compression '${stream.compression}'; known: ${known.join(', ')}`);
  const ratio = stream.compression.includes('zlib') ? MAX_DEFLATE_RATIO : stream.compression.includes('lz4') ? MAX_LZ4_RATIO : 1;
  if (count * stride > (stream.end - stream.start) * ratio + 64 * stream.chunkCount) {
    throw partError(PartErrorCode.PART_LIMIT, `${NAME}: ${count} particles of ${stride} bytes cannot come from ${stream.end - stream.start} bytes of ${stream.compression} data`);
  }
  const nameOf = (native: string) => (options?.nativeNames ? native : canonicalName(native, 'krakatoa'));
  const infos: AttributeInfo[] = channels.map((c) => {
    const info: AttributeInfo = { name: nameOf(c.native), type: c.storage.startsWith('float') ? (c.arity === 3 ? 'vector' : 'float') : 'int', width: c.arity, storage: c.storage };
    const meaning = interpretationName(metadata[c.native]?.['Interpretation']);
    if (meaning !== undefined) info.interpretation = meaning;
    return info;
  });
  const info: ParticleInfo = {
    format: 'prt',
    formatName: NAME,
    count,
    attributes: infos,
    fixed: Object.entries(metadata[''] ?? {}).map(([name, value]) => attributeInfo(metadataAttribute(name, value as { storage: StorageType; data: AttributeData } | string))),
    compression: stream.compression,
    version: 2,
    notes,
  };
  if (!decode) return { info };
  // Decode the chunks into one record buffer.
  const records = new Uint8Array(count * stride);
  const view = viewOf(bytes);
  const offsets: { first: number; count: number; delta: [number, number, number] }[] = [];
  let at = stream.start;
  let filled = 0;
  const zlib = options?.zlib ?? fflateZlib;
  for (let c = 0; c < stream.chunkCount; c++) {
    checkBytes(8, stream.end - at, NAME, `particle chunk ${c} header`, at);
    let size = view.getUint32(at, true);
    const particles = view.getUint32(at + 4, true);
    at += 8;
    checkBytes(size, stream.end - at, NAME, `particle chunk ${c}`, at);
    let offset: [number, number, number] | undefined;
    if (stream.positionOffset) {
      if (size < 12) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: 'PrtO' chunk ${c} is smaller than its offset`);
      offset = [view.getFloat32(at, true), view.getFloat32(at + 4, true), view.getFloat32(at + 8, true)];
      at += 12;
      size -= 12;
    }
    if (filled + particles > count) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: the chunks hold more than the ${count} particles declared`);
    const expected = particles * stride;
    const target = records.subarray(filled * stride, filled * stride + expected);
    const data = bytes.subarray(at, at + size);
    const transposed = stream.compression.startsWith('transpose');
    let plain: Uint8Array;
    if (stream.compression === 'uncompressed' || stream.compression === 'transpose') {
      if (size !== expected) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: chunk ${c} has ${size} bytes for ${particles} particles of ${stride}`);
      plain = data;
    } else if (stream.compression.endsWith('zlib')) {
      plain = inflateExactly(zlib, data, expected, `${NAME} chunk ${c}`);
    } else {
      plain = transposed ? new Uint8Array(expected) : target;
      const n = lz4DecodeBlock(bytes, at, at + size, plain, 0, expected);
      if (n !== expected) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: LZ4 chunk ${c} decodes to ${n} bytes, ${expected} expected`);
    }
    if (transposed) plain = untranspose(plain, stride, particles);
    if (plain !== target) target.set(plain);
    if (offset !== undefined && (offset[0] !== 0 || offset[1] !== 0 || offset[2] !== 0)) offsets.push({ first: filled, count: particles, delta: offset });
    filled += particles;
    at += size;
  }
  if (filled !== count) throw partError(PartErrorCode.PART_TRUNCATED, `${NAME}: the chunks hold ${filled} of the ${count} particles declared`);
  const recordView = viewOf(records);
  const set = createParticleSet(count);
  set.format = 'prt';
  set.notes = notes;
  channels.forEach((channel, c) => {
    const attribute = newAttribute(infos[c]!.name, infos[c]!.type, channel.arity, count, channel.storage);
    if (infos[c]!.interpretation !== undefined) attribute.interpretation = infos[c]!.interpretation!;
    readStrided(recordView, channel.offset, stride, count, channel.arity, channel.storage, true, attribute.data);
    if (channel.native === 'Position' && channel.arity === 3) {
      for (const { first, count: n, delta } of offsets) {
        const [dx, dy, dz] = delta;
        for (let i = first; i < first + n; i++) {
          attribute.data[3 * i] += dx;
          attribute.data[3 * i + 1] += dy;
          attribute.data[3 * i + 2] += dz;
        }
      }
    }
    set.attributes.push(attribute);
  });
  const { '': general, ...perChannel } = metadata;
  set.fixed = Object.entries(general ?? {}).map(([name, value]) => metadataAttribute(name, value as { storage: StorageType; data: AttributeData } | string));
  set.extras['prt'] = { version: 2, compression: stream.compression, metadata: { channels: perChannel } };
  info.attributes = set.attributes.map(attributeInfo);
  return { set, info };
}

export function readPrt2(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  return withPartErrors(() => parse(bytes, options, true).set!, NAME);
}

export function inspectPrt2(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  return withPartErrors(() => parse(bytes, options, false).info, NAME);
}
