/**
 * Maya's particle database, `.pdb` (Alias' `pdb.h` as partio ships it, partio `PDB.cpp`): C
 * structs written from memory, little-endian, in a 32-bit layout (pointers as 4 bytes) or a
 * 64-bit one (8-byte pointers, aligned). partio writes the 32-bit layout.
 *
 *   1. the header: int32 magic 670, uint16 swap, float version, float time, uint32 particle
 *      count, uint32 channel count, 32 padding bytes, a pointer (60 or 64 bytes)
 *   2. per channel: an io header (char magic, uint16 swap, char encoding, char type: 6 bytes), a
 *      Channel struct (36 or 56 bytes: its int32 `type` at byte 4 or 8), the NUL-terminated name,
 *      a Channel_Data struct (20 or 24 bytes: int32 type, uint32 bytes per particle, ...), then
 *      count x bytes-per-particle bytes: type 1 vector (3 floats), 2 real (floats), 3 long
 *      (int32s); other types are skipped
 *
 * Which layout a file uses is found by parsing with both: the one that walks to the end of the
 * file exactly wins (partio guesses from the bytes after the 64-bit header, which misreads its
 * own 32-bit test file).
 */
import { decodeLatin1, encodeUtf8 } from '@vfxkit/core';
import { partError, PartErrorCode, toPartError, withPartErrors } from '../errors.js';
import { BinaryWriter } from '../io/big-endian.js';
import { gzipBytes } from '../io/compression.js';
import { attributeInfo, createParticleSet, validateParticleSet } from '../model.js';
import type { AttributeInfo, AttributeType, ParticleAttribute, ParticleInfo, ParticleSet } from '../model.js';
import { canonicalName, nativeName } from '../names.js';
import { checkBytes, checkCount, keepWritable, newAttribute, readStrided, viewOf, writeStrided, withFloatColours } from './common.js';
import type { ParticleFormat, ReadParticlesOptions, WriteParticlesOptions } from './types.js';

const NAME = 'PDB';
const PDB_MAGIC = 670;
const PdbType = { VECTOR: 1, REAL: 2, LONG: 3, CHAR: 4, POINTER: 5 } as const;

interface Layout {
  bits: 32 | 64;
  header: number;
  channel: number;
  channelType: number;
  channelData: number;
}
const LAYOUTS: Layout[] = [
  { bits: 32, header: 60, channel: 36, channelType: 4, channelData: 20 },
  { bits: 64, header: 64, channel: 56, channelType: 8, channelData: 24 },
];

interface Channel {
  name: string;
  type: number;
  bytesPerParticle: number;
  at: number;
}

function walk(bytes: Uint8Array, layout: Layout, count: number, channels: number): Channel[] {
  const view = viewOf(bytes);
  const out: Channel[] = [];
  let at = layout.header;
  for (let c = 0; c < channels; c++) {
    checkBytes(6 + layout.channel, bytes.length - at, NAME, `channel ${c} header`, at);
    const type = view.getInt32(at + 6 + layout.channelType, true);
    at += 6 + layout.channel;
    const end = bytes.indexOf(0, at);
    if (end < 0 || end - at > 1024) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: channel ${c} has no terminated name`, { offset: at });
    const name = decodeLatin1(bytes.subarray(at, end));
    if (!/^[\x20-\x7e]+$/.test(name)) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: channel ${c} has an unprintable name`, { offset: at });
    at = end + 1;
    checkBytes(layout.channelData, bytes.length - at, NAME, `channel '${name}' data header`, at);
    const bytesPerParticle = view.getUint32(at + 4, true);
    at += layout.channelData;
    checkBytes(count * bytesPerParticle, bytes.length - at, NAME, `the values of channel '${name}'`, at);
    out.push({ name, type, bytesPerParticle, at });
    at += count * bytesPerParticle;
  }
  if (at !== bytes.length) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: ${bytes.length - at} bytes after the last channel`, { offset: at });
  return out;
}

function channelType(channel: Channel): { type: AttributeType; width: number } | undefined {
  const words = channel.bytesPerParticle / 4;
  if (!Number.isInteger(words) || words < 1) return undefined;
  if (channel.type === PdbType.VECTOR) return { type: words === 3 ? 'vector' : 'float', width: words };
  if (channel.type === PdbType.REAL) return { type: 'float', width: words };
  if (channel.type === PdbType.LONG) return { type: 'int', width: words };
  return undefined;
}

function parse(bytes: Uint8Array, options: ReadParticlesOptions | undefined, decode: boolean): { set?: ParticleSet; info: ParticleInfo } {
  checkBytes(60, bytes.length, NAME, 'the header');
  const view = viewOf(bytes);
  if (view.getInt32(0, true) !== PDB_MAGIC) throw partError(PartErrorCode.PART_BAD_MAGIC, `${NAME}: the file does not start with the magic number 670`);
  const count = view.getUint32(16, true);
  const channelCount = view.getUint32(20, true);
  checkCount(count, options, NAME);
  if (channelCount * 27 > bytes.length) throw partError(PartErrorCode.PART_TRUNCATED, `${NAME}: the header declares ${channelCount} channels in ${bytes.length} bytes`);
  let channels: Channel[] | undefined;
  let layout: Layout | undefined;
  let firstError: unknown;
  for (const candidate of LAYOUTS) {
    try {
      channels = walk(bytes, candidate, count, channelCount);
      layout = candidate;
      break;
    } catch (error) {
      firstError ??= error;
    }
  }
  if (channels === undefined || layout === undefined) throw toPartError(firstError, NAME);
  const notes: string[] = [];
  const infos: AttributeInfo[] = [];
  const attributes: ParticleAttribute[] = [];
  for (const channel of channels) {
    const kind = channelType(channel);
    if (kind === undefined) {
      notes.push(`channel '${channel.name}' of type ${channel.type} skipped`);
      continue;
    }
    const name = options?.nativeNames ? channel.name : canonicalName(channel.name, 'maya');
    const storage = kind.type === 'int' ? 'int32' : 'float32';
    infos.push({ name, type: kind.type, width: kind.width, storage });
    if (decode) {
      const attribute = newAttribute(name, kind.type, kind.width, count, storage);
      readStrided(view, channel.at, channel.bytesPerParticle, count, kind.width, storage, true, attribute.data);
      attributes.push(attribute);
    }
  }
  const info: ParticleInfo = { format: 'pdb', formatName: NAME, count, attributes: infos, fixed: [], version: view.getFloat32(8, true), notes };
  notes.push(`${layout.bits}-bit PDB layout`);
  if (!decode) return { info };
  const set = createParticleSet(count);
  set.format = 'pdb';
  set.attributes = attributes;
  set.notes = notes;
  set.extras['pdb'] = { time: view.getFloat32(12, true), layout: layout.bits };
  info.attributes = attributes.map(attributeInfo);
  return { set, info };
}

export function readPdb(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  return withPartErrors(() => parse(bytes, options, true).set!, NAME);
}

export function inspectPdb(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  return withPartErrors(() => parse(bytes, options, false).info, NAME);
}

/** Writes PDB in the 32-bit layout, as partio does: floats as float32, ints as int32. */
export function writePdb(set: ParticleSet, options: WriteParticlesOptions = {}): Uint8Array {
  validateParticleSet(set);
  set = { ...set, attributes: withFloatColours(set.attributes), fixed: withFloatColours(set.fixed) };
  const attributes = keepWritable(set.attributes, (a) => a.type !== 'indexedString', options, NAME, 'attributes');
  let size = 60;
  for (const a of attributes) size += 6 + 36 + a.name.length * 3 + 1 + 20 + set.count * a.width * 4;
  const writer = new BinaryWriter(true, size);
  const extras = set.extras['pdb'] as { time?: number } | undefined;
  writer.i32(PDB_MAGIC);
  writer.u16(1); // swap
  writer.u16(0);
  writer.f32(1); // version
  writer.f32(extras?.time ?? 0);
  writer.u32(set.count);
  writer.u32(attributes.length);
  writer.zeros(32 + 4);
  for (const attribute of attributes) {
    const type = attribute.type === 'int' ? PdbType.LONG : attribute.type === 'vector' && attribute.width === 3 ? PdbType.VECTOR : PdbType.REAL;
    // Channel_io_Header: magic, padding, swap, encoding, type.
    writer.u8(0);
    writer.u8(0);
    writer.u16(1);
    writer.u8(0);
    writer.u8(0);
    // Channel32: name, type, size, active start and end, hide, disconnect, data, link, next.
    writer.u32(0);
    writer.i32(type);
    writer.u32(0);
    writer.u32(0);
    writer.u32(Math.max(0, set.count - 1));
    writer.zeros(16);
    writer.raw(encodeUtf8(options.nativeNames ? attribute.name : nativeName(attribute.name, 'maya')));
    writer.u8(0);
    // Channel_Data32: type, bytes per particle, block size, block count, block.
    writer.i32(type);
    writer.u32(attribute.width * 4);
    writer.u32(set.count);
    writer.i32(1);
    writer.u32(0);
    const bytes = set.count * attribute.width * 4;
    writer.reserve(bytes);
    writeStrided(writer.view, writer.offset, attribute.width * 4, set.count, attribute.width, attribute.type === 'int' ? 'int32' : 'float32', true, attribute.data);
    writer.offset += bytes;
  }
  const out = writer.toBytes();
  return options.gzip ? gzipBytes(out, options.level) : out;
}

export const pdbFormat: ParticleFormat = {
  id: 'pdb',
  name: 'Maya particle database (PDB)',
  family: 'maya',
  extensions: ['pdb', 'pdb32', 'pdb64'],
  mimeTypes: ['application/octet-stream'],
  binary: true,
  magic: (head) => head.length >= 4 && head[0] === 0x9e && head[1] === 0x02 && head[2] === 0 && head[3] === 0,
  inspect: inspectPdb,
  read: readPdb,
  write: writePdb,
};
