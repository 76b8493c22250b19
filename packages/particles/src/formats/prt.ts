/**
 * Thinkbox Krakatoa's particle files, `.prt` (the "PRT File Format" spec of Thinkbox' Krakatoa
 * docs; thinkbox-library `prt_file_header.cpp`, partio `PRT.cpp`). All little-endian.
 *
 * PRT 1.0 / 1.1 ("Extensible Particle Format"):
 *   1. magic C0 'PRT' 0D 0A 1A 0A, int32 header length, char[32] "Extensible Particle Format",
 *      int32 version, int64 particle count
 *   2. version 2 (PRT 1.1) only: chunks (char[4] type, int32 length) up to a 'Stop' chunk; 'Meta'
 *      chunks hold metadata: channel name, value name, int32 type (a channel type, -1 UTF-8), the
 *      value(s); version 1 skips to the header length
 *   3. int32 4 (reserved), int32 channel count, int32 channel entry length (>= 44); per channel:
 *      char[32] name, int32 type (0 int16, 1 int32, 2 int64, 3 float16, 4 float32, 5 float64,
 *      6 uint16, 7 uint32, 8 uint64, 9 int8, 10 uint8), int32 arity, int32 byte offset
 *   4. one zlib stream to the end of the file: the particles, each a record of every channel
 *
 * PRT 2 (`prt2.ts`) is read by the same format entry.
 */
import { decodeLatin1, decodeUtf8, encodeUtf8 } from '@vfxkit/core';
import { partError, PartErrorCode, withPartErrors, withPartErrorsAsync } from '../errors.js';
import { BinaryWriter } from '../io/big-endian.js';
import { fflateZlib, inflateInPieces, inflateInPiecesAsync, MAX_DEFLATE_RATIO } from '../io/compression.js';
import { attributeInfo, createParticleSet, storageSize, validateParticleSet } from '../model.js';
import type { AttributeData, AttributeInfo, AttributeType, ParticleAttribute, ParticleInfo, ParticleSet, StorageType } from '../model.js';
import { canonicalName, nativeName } from '../names.js';
import { checkBytes, checkCount, keepWritable, newAttribute, readStrided, viewOf, writeStrided, withFloatColours } from './common.js';
import { isPrt2, inspectPrt2, readPrt2 } from './prt2.js';
import { RecordDecoder, writeRecords } from './records.js';
import type { RecordField } from './records.js';
import { attributeTypeFor, interpretationName, metadataAttribute, PRT_TYPES } from './prt-common.js';
import type { PrtMetadata } from './prt-common.js';
export type { PrtMetadata } from './prt-common.js';
import type { ParticleFormat, ReadParticlesOptions, WriteParticlesOptions } from './types.js';
import { startsWith } from './types.js';

const NAME = 'PRT';
export const PRT1_MAGIC = [0xc0, 0x50, 0x52, 0x54, 0x0d, 0x0a, 0x1a, 0x0a];
const SIGNATURE = 'Extensible Particle Format';
const HEADER_V1 = 56;
const CHANNEL_ENTRY = 44;
/** Uncompressed bytes handed to a streaming deflater at a time (fflate keeps its window small
 *  when pieces stay under 64 KiB). */
const DEFLATE_BLOCK = 1 << 16;

interface Channel {
  native: string;
  storage: StorageType;
  arity: number;
  offset: number;
}

function readMetaChunk(view: DataView, bytes: Uint8Array, at: number, length: number, metadata: PrtMetadata, fixed: ParticleAttribute[]): void {
  const end = at + length;
  const cString = (): string => {
    const stop = bytes.indexOf(0, at);
    if (stop < 0 || stop >= end || stop - at > 31) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: a Meta chunk name is not terminated within 32 bytes`, { offset: at });
    const text = decodeUtf8(bytes.subarray(at, stop));
    at = stop + 1;
    return text;
  };
  let channel = cString();
  let name = cString();
  if (at + 4 > end) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: Meta chunk '${name}' has no type`, { offset: at });
  const type = view.getInt32(at, true);
  at += 4;
  // Sequoia wrote per-channel values as "channel.name" with an empty channel.
  if (channel === '' && name.includes('.')) [channel, name] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
  const size = end - at;
  let value: { storage: StorageType; data: AttributeData } | string;
  if (type === -1) {
    const stop = bytes.subarray(at, end).indexOf(0);
    value = decodeUtf8(bytes.subarray(at, stop < 0 ? end : at + stop));
  } else {
    const storage = PRT_TYPES[type];
    if (storage === undefined) return; // unknown metadata types are skipped, as Thinkbox does
    const elementSize = storageSize(storage);
    if (size % elementSize !== 0 || size === 0) {
      throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: Meta chunk '${name}' holds ${size} bytes, not a whole number of ${storage} values`, { offset: at });
    }
    const data = newAttribute(name, 'float', size / elementSize, 1, storage).data;
    readStrided(view, at, 0, 1, data.length, storage, true, data);
    value = { storage, data };
  }
  if (channel === '') {
    fixed.push(metadataAttribute(name, value));
  } else {
    const target = (metadata.channels[channel] ??= {});
    target[name] = typeof value === 'string' ? value : value.data.length === 1 ? value.data[0] : Array.from(value.data);
  }
}

/** The compressed particle records, and the columns they decode into. */
interface Payload {
  data: Uint8Array;
  count: number;
  particleSize: number;
  fields: RecordField[];
}

const PAYLOAD_WHAT = `${NAME} particle data`;

function parse(bytes: Uint8Array, options: ReadParticlesOptions | undefined, decode: boolean): { set?: ParticleSet; info: ParticleInfo; payload?: Payload } {
  const view = viewOf(bytes);
  // Step 1: the fixed header.
  checkBytes(HEADER_V1, bytes.length, NAME, 'the header');
  if (!startsWith(bytes, PRT1_MAGIC)) throw partError(PartErrorCode.PART_BAD_MAGIC, `${NAME}: the file does not start with the PRT magic number`);
  const headerLength = view.getInt32(8, true);
  if (decodeLatin1(bytes.subarray(12, 12 + SIGNATURE.length)) !== SIGNATURE) {
    throw partError(PartErrorCode.PART_BAD_MAGIC, `${NAME}: the header lacks the signature '${SIGNATURE}'`);
  }
  const version = view.getInt32(44, true);
  const declared = view.getBigInt64(48, true);
  if (declared < 0n) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: the header declares ${declared} particles (the file was not closed correctly)`);
  if (declared > BigInt(Number.MAX_SAFE_INTEGER)) throw partError(PartErrorCode.PART_LIMIT, `${NAME}: the header declares ${declared} particles`);
  const count = Number(declared);
  checkCount(count, options, NAME);
  const metadata: PrtMetadata = { channels: {} };
  const fixed: ParticleAttribute[] = [];
  let at = HEADER_V1;
  // Step 2: chunks (PRT 1.1) or the rest of a longer header.
  if (version > 1) {
    for (;;) {
      checkBytes(8, bytes.length - at, NAME, 'a header chunk', at);
      const type = decodeLatin1(bytes.subarray(at, at + 4));
      const length = view.getInt32(at + 4, true);
      at += 8;
      if (length < 0) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: header chunk '${type}' has the negative length ${length}`, { offset: at - 4 });
      if (type === 'Stop') break;
      checkBytes(length, bytes.length - at, NAME, `header chunk '${type}'`, at);
      if (type === 'Meta') readMetaChunk(view, bytes, at, length, metadata, fixed);
      at += length;
    }
  } else {
    if (headerLength < HEADER_V1 || headerLength > bytes.length) {
      throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: header length ${headerLength} is impossible for a ${bytes.length}-byte file`);
    }
    at = headerLength;
  }
  // Step 3: the channel table.
  checkBytes(12, bytes.length - at, NAME, 'the channel table header', at);
  const reserved = view.getInt32(at, true);
  const channelCount = view.getInt32(at + 4, true);
  const entryLength = view.getInt32(at + 8, true);
  at += 12;
  if (reserved !== 4) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: the reserved value before the channels is ${reserved}, not 4`, { offset: at - 12 });
  if (entryLength < CHANNEL_ENTRY) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: channel entries of ${entryLength} bytes (at least 44 expected)`);
  if (channelCount < 0) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: ${channelCount} channels`);
  checkBytes(channelCount * entryLength, bytes.length - at, NAME, `${channelCount} channel entries`, at);
  const channels: Channel[] = [];
  let particleSize = 0;
  for (let c = 0; c < channelCount; c++, at += entryLength) {
    const nameBytes = bytes.subarray(at, at + 32);
    const nul = nameBytes.indexOf(0);
    const native = decodeUtf8(nul < 0 ? nameBytes.subarray(0, 31) : nameBytes.subarray(0, nul));
    const typeCode = view.getInt32(at + 32, true);
    const arity = view.getInt32(at + 36, true);
    const offset = view.getInt32(at + 40, true);
    const storage = PRT_TYPES[typeCode];
    if (storage === undefined) {
      throw partError(PartErrorCode.PART_UNKNOWN_TYPE, `${NAME}: channel '${native}' has type ${typeCode}; known types are 0-10 (int16 ... uint8)`, { offset: at + 32 });
    }
    if (arity < 1 || offset < 0 || arity > 0xffff) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: channel '${native}' has arity ${arity} at offset ${offset}`);
    channels.push({ native, storage, arity, offset });
    particleSize = Math.max(particleSize, offset + arity * storageSize(storage));
  }
  const dataStart = at;
  const nameOf = (native: string) => (options?.nativeNames ? native : canonicalName(native, 'krakatoa'));
  const interpretation = (native: string): string | undefined => interpretationName(metadata.channels[native]?.['Interpretation']);
  const infos: AttributeInfo[] = channels.map((c) => {
    const info: AttributeInfo = { name: nameOf(c.native), type: attributeTypeFor(c.storage, c.arity), width: c.arity, storage: c.storage };
    const meaning = interpretation(c.native);
    if (meaning !== undefined) info.interpretation = meaning;
    return info;
  });
  const notes: string[] = [];
  const info: ParticleInfo = { format: 'prt', formatName: NAME, count, attributes: infos, fixed: fixed.map(attributeInfo), compression: 'zlib', version: version > 1 ? '1.1' : '1.0', notes };
  if (!decode) return { info };
  // A count the compressed bytes cannot hold is a lie: refuse before inflating into it.
  const compressed = bytes.length - dataStart;
  if (count * particleSize > compressed * MAX_DEFLATE_RATIO + 64) {
    throw partError(
      PartErrorCode.PART_LIMIT,
      `${NAME}: the header declares ${count} particles of ${particleSize} bytes, more than ${compressed} compressed bytes can hold`,
    );
  }
  // Step 4: the particles.
  // The records are decoded as they inflate, straight into the attributes: the inflated payload
  // is never held whole (unless the zlib codec cannot stream).
  const set = createParticleSet(count);
  set.format = 'prt';
  set.notes = notes;
  const fields: RecordField[] = [];
  for (let c = 0; c < channels.length; c++) {
    const channel = channels[c]!;
    const attribute = newAttribute(infos[c]!.name, infos[c]!.type, channel.arity, count, channel.storage);
    if (infos[c]!.interpretation !== undefined) attribute.interpretation = infos[c]!.interpretation!;
    fields.push({ offset: channel.offset, width: channel.arity, storage: channel.storage, data: attribute.data });
    set.attributes.push(attribute);
  }
  set.fixed = fixed;
  set.extras['prt'] = { version: info.version, metadata };
  info.attributes = set.attributes.map(attributeInfo);
  return { set, info, payload: { data: bytes.subarray(dataStart), count, particleSize, fields } };
}

export function readPrt(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  if (isPrt2(bytes)) return readPrt2(bytes, options);
  return withPartErrors(() => {
    const { set, payload } = parse(bytes, options, true);
    if (payload!.count > 0 && payload!.particleSize > 0) {
      const decoder = new RecordDecoder(payload!.count, payload!.particleSize, payload!.fields, true);
      inflateInPieces(options?.zlib ?? fflateZlib, payload!.data, payload!.count * payload!.particleSize, PAYLOAD_WHAT, (chunk) => decoder.push(chunk));
      decoder.finish(PAYLOAD_WHAT);
    }
    return set!;
  }, NAME);
}

/** `readPrt` for codecs that inflate asynchronously (node:zlib streams, `inflateChunksAsync`):
 *  the records decode as the native inflater hands them over. */
export async function readPrtAsync(bytes: Uint8Array, options?: ReadParticlesOptions): Promise<ParticleSet> {
  if (isPrt2(bytes)) return readPrt2(bytes, options);
  return withPartErrorsAsync(async () => {
    const { set, payload } = parse(bytes, options, true);
    if (payload!.count > 0 && payload!.particleSize > 0) {
      const decoder = new RecordDecoder(payload!.count, payload!.particleSize, payload!.fields, true);
      await inflateInPiecesAsync(options?.zlib ?? fflateZlib, payload!.data, payload!.count * payload!.particleSize, PAYLOAD_WHAT, (chunk) => decoder.push(chunk));
      decoder.finish(PAYLOAD_WHAT);
    }
    return set!;
  }, NAME);
}

export function inspectPrt(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  if (isPrt2(bytes)) return inspectPrt2(bytes, options);
  return withPartErrors(() => parse(bytes, options, false).info, NAME);
}

/** The PRT storage an attribute is written with: its own when PRT has it, else float32/int32
 *  (float64 kept for Float64Array data unless `keepDoubles` is false). */
function prtStorage(attribute: ParticleAttribute, keepDoubles: boolean): StorageType {
  const isFloat = attribute.type === 'float' || attribute.type === 'vector';
  if (attribute.storage !== undefined && PRT_TYPES.includes(attribute.storage) && attribute.storage.startsWith('float') === isFloat) {
    if (attribute.storage === 'float64' && !keepDoubles) return 'float32';
    if (attribute.storage === 'float64' && !(attribute.data instanceof Float64Array)) return 'float32';
    return attribute.storage;
  }
  if (isFloat) return attribute.data instanceof Float64Array && keepDoubles ? 'float64' : 'float32';
  return attribute.data instanceof Float64Array ? 'int64' : 'int32';
}

function metaChunk(writer: BinaryWriter, channel: string, name: string, type: number, value: Uint8Array): void {
  const head = [...encodeUtf8(channel), 0, ...encodeUtf8(name), 0];
  writer.latin1('Meta');
  writer.i32(head.length + 4 + value.length);
  writer.raw(Uint8Array.from(head));
  writer.i32(type);
  writer.raw(value);
}

/** A channel metadata value (as `PrtMetadata` holds it) as a Meta chunk type and bytes. */
function metaValue(value: unknown): [number, Uint8Array] | undefined {
  if (typeof value === 'string') return [-1, Uint8Array.from([...encodeUtf8(value), 0])];
  const values = (Array.isArray(value) ? value : [value]).map(Number);
  if (values.length === 0 || values.some((v) => typeof v !== 'number')) return undefined;
  const integer = !Array.isArray(value) && Number.isInteger(values[0]) && Math.abs(values[0]!) < 2 ** 31;
  const bytes = new Uint8Array(values.length * (integer ? 4 : 8));
  const view = viewOf(bytes);
  values.forEach((v, i) => (integer ? view.setInt32(4 * i, v, true) : view.setFloat64(8 * i, v, true)));
  return [integer ? PRT_TYPES.indexOf('int32') : PRT_TYPES.indexOf('float64'), bytes];
}

/** A fixed attribute as a Meta chunk type and bytes, in its own storage when PRT has it. */
function fixedValue(attribute: ParticleAttribute): [number, Uint8Array] | undefined {
  if (attribute.type === 'indexedString') {
    if (attribute.width !== 1) return undefined;
    const text = attribute.strings?.[attribute.data[0]!] ?? '';
    return [-1, Uint8Array.from([...encodeUtf8(text), 0])];
  }
  const storage = prtStorage(attribute, true);
  const bytes = new Uint8Array(attribute.width * storageSize(storage));
  writeStrided(viewOf(bytes), 0, 0, 1, attribute.width, storage, true, attribute.data);
  return [PRT_TYPES.indexOf(storage), bytes];
}

/** Writes Krakatoa PRT 1.0 (partio's), or PRT 1.1 with Meta chunks when the set has fixed
 *  attributes (file-wide metadata) or came from a PRT file with channel metadata. One zlib stream
 *  (level `options.level`, default 6). */
export function writePrt(set: ParticleSet, options: WriteParticlesOptions = {}): Uint8Array {
  validateParticleSet(set);
  set = { ...set, attributes: withFloatColours(set.attributes), fixed: withFloatColours(set.fixed) };
  const attributes = keepWritable(set.attributes, (a) => a.type !== 'indexedString', options, NAME, 'attributes (PRT has no strings)');
  const keepDoubles = options.keepDoubles ?? true;
  const layout = attributes.map((a) => ({ attribute: a, storage: prtStorage(a, keepDoubles), native: options.nativeNames ? a.name : nativeName(a.name, 'krakatoa') }));
  for (const l of layout) {
    if (encodeUtf8(l.native).length > 31) throw partError(PartErrorCode.PART_BAD_ARGUMENT, `${NAME}: channel name '${l.native}' is longer than 31 bytes`);
  }
  let particleSize = 0;
  const offsets = layout.map((l) => {
    const offset = particleSize;
    particleSize += l.attribute.width * storageSize(l.storage);
    return offset;
  });
  const metadata = (set.extras['prt'] as { metadata?: PrtMetadata } | undefined)?.metadata;
  const fixed = keepWritable(set.fixed, (a) => fixedValue(a) !== undefined, options, NAME, 'fixed attributes (PRT metadata holds numbers and single strings)');
  const hasMetadata = fixed.length > 0 || (metadata !== undefined && Object.keys(metadata.channels).length > 0);
  const writer = new BinaryWriter(true, 4096 + layout.length * CHANNEL_ENTRY);
  writer.raw(Uint8Array.from(PRT1_MAGIC));
  const headerLengthAt = writer.offset;
  writer.i32(HEADER_V1);
  const signature = new Uint8Array(32);
  signature.set(encodeUtf8(SIGNATURE));
  writer.raw(signature);
  writer.i32(hasMetadata ? 2 : 1);
  writer.i64(set.count);
  if (hasMetadata) {
    for (const attribute of fixed) {
      const [type, bytes] = fixedValue(attribute)!;
      metaChunk(writer, '', attribute.name, type, bytes);
    }
    const written = new Set(layout.map((l) => l.native));
    for (const [channel, values] of Object.entries(metadata?.channels ?? {})) {
      if (!written.has(channel)) continue;
      for (const [name, value] of Object.entries(values)) {
        const encoded = metaValue(value);
        if (encoded !== undefined) metaChunk(writer, channel, name, encoded[0], encoded[1]);
      }
    }
    writer.latin1('Stop');
    writer.i32(0);
    writer.view.setInt32(headerLengthAt, writer.offset, true);
  }
  writer.i32(4);
  writer.i32(layout.length);
  writer.i32(CHANNEL_ENTRY);
  layout.forEach((l, i) => {
    const name = new Uint8Array(32);
    name.set(encodeUtf8(l.native));
    writer.raw(name);
    writer.i32(PRT_TYPES.indexOf(l.storage));
    writer.i32(l.attribute.width);
    writer.i32(offsets[i]!);
  });
  const fields: RecordField[] = layout.map((l, i) => ({ offset: offsets[i]!, width: l.attribute.width, storage: l.storage, data: l.attribute.data }));
  const codec = options.zlib ?? fflateZlib;
  const level = options.level ?? 6;
  if (codec.deflateStream === undefined || particleSize === 0) {
    const records = new Uint8Array(set.count * particleSize);
    writeRecords(records, 0, set.count, particleSize, fields, true);
    const compressed = codec.deflate(records, level);
    const out = new Uint8Array(writer.offset + compressed.length);
    out.set(writer.toBytes());
    out.set(compressed, writer.offset);
    return out;
  }
  // Streaming: the records are made a block at a time and deflated as they come, so the whole
  // uncompressed payload is never held.
  const pieces: Uint8Array[] = [];
  let compressedLength = 0;
  const stream = codec.deflateStream(level, (chunk) => {
    pieces.push(chunk);
    compressedLength += chunk.length;
  });
  const blockRecords = Math.max(1, Math.floor(DEFLATE_BLOCK / particleSize));
  const block = new Uint8Array(Math.min(set.count, blockRecords) * particleSize);
  if (set.count === 0) stream.push(block, true);
  for (let first = 0; first < set.count; first += blockRecords) {
    const n = Math.min(blockRecords, set.count - first);
    const slice = fields.map((f) => ({ ...f, data: f.data.subarray(first * f.width, (first + n) * f.width) }));
    writeRecords(block, 0, n, particleSize, slice, true);
    stream.push(block.subarray(0, n * particleSize), first + n >= set.count);
  }
  const out = new Uint8Array(writer.offset + compressedLength);
  out.set(writer.toBytes());
  let at = writer.offset;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

export const prtFormat: ParticleFormat = {
  id: 'prt',
  name: 'Krakatoa particles (PRT 1.0, 1.1 and 2)',
  family: 'krakatoa',
  extensions: ['prt', 'sprt'],
  mimeTypes: ['application/octet-stream'],
  binary: true,
  magic: (head) => startsWith(head, PRT1_MAGIC) || isPrt2(head),
  inspect: inspectPrt,
  read: readPrt,
  readAsync: readPrtAsync,
  write: writePrt,
};
