/**
 * RealFlow's particle cache, `.bin` (Next Limit's bin_particles_file_format, as partio `BIN.cpp`
 * reads it; versions up to 13), little-endian:
 *
 *   1. header: int32 0xFABADA, char[250] fluid name, int16 version, float scene scale, int32
 *      fluid type, float elapsed time, int32 frame, int32 fps, int32 particle count, float radius,
 *      float[3] pressure, speed, temperature (max, min, average); from version 7 float[3]
 *      emitter position, rotation, scale
 *   2. per particle: position, velocity, force (float[3] each); vorticity (v9+); normal (v3+);
 *      int32 neighbours (v4+); uvw float[3] and int16 info bits (v5+); age, isolation time,
 *      viscosity, density, pressure, mass, temperature (floats); the id, int32 (uint64 from v12)
 *   3. trailing extra data (ignored)
 *
 * The record layout is fixed, so the writer stores only those attributes (version 11, partio's).
 */
import { decodeLatin1 } from '@vfxkit/core';
import { partError, PartErrorCode, withPartErrors } from '../errors.js';
import { BinaryWriter } from '../io/big-endian.js';
import { gzipBytes } from '../io/compression.js';
import { attributeInfo, createParticleSet, getAttribute, validateParticleSet } from '../model.js';
import type { AttributeInfo, AttributeType, ParticleInfo, ParticleSet, StorageType } from '../model.js';
import { canonicalName } from '../names.js';
import { checkBytes, checkCount, keepWritable, newAttribute, readStrided, viewOf, writeStrided, withFloatColours } from './common.js';
import type { ParticleFormat, ReadParticlesOptions, WriteParticlesOptions } from './types.js';

const NAME = 'RealFlow BIN';
const MAGIC = 0xfabada;
const MAX_VERSION = 13;
const WRITE_VERSION = 11;

interface Field {
  native: string;
  type: AttributeType;
  width: number;
  storage: StorageType;
  since: number;
  /** The value written when the set has no such attribute (partio's defaults). */
  fallback: number;
}

function fields(version: number): Field[] {
  const all: Field[] = [
    { native: 'position', type: 'vector', width: 3, storage: 'float32', since: 0, fallback: 0 },
    { native: 'velocity', type: 'vector', width: 3, storage: 'float32', since: 0, fallback: 0 },
    { native: 'force', type: 'vector', width: 3, storage: 'float32', since: 0, fallback: 0 },
    { native: 'vorticity', type: 'vector', width: 3, storage: 'float32', since: 9, fallback: 0 },
    { native: 'normal', type: 'vector', width: 3, storage: 'float32', since: 3, fallback: 0 },
    { native: 'neighbors', type: 'int', width: 1, storage: 'int32', since: 4, fallback: 0 },
    { native: 'uvw', type: 'vector', width: 3, storage: 'float32', since: 5, fallback: 0 },
    { native: 'infoBits', type: 'int', width: 1, storage: 'int16', since: 5, fallback: 7 },
    { native: 'age', type: 'float', width: 1, storage: 'float32', since: 0, fallback: 0 },
    { native: 'isolationTime', type: 'float', width: 1, storage: 'float32', since: 0, fallback: 1 },
    { native: 'viscosity', type: 'float', width: 1, storage: 'float32', since: 0, fallback: 1 },
    { native: 'density', type: 'float', width: 1, storage: 'float32', since: 0, fallback: 1 },
    { native: 'pressure', type: 'float', width: 1, storage: 'float32', since: 0, fallback: 1 },
    { native: 'mass', type: 'float', width: 1, storage: 'float32', since: 0, fallback: 1 },
    { native: 'temperature', type: 'float', width: 1, storage: 'float32', since: 0, fallback: 1 },
    { native: 'id', type: 'int', width: 1, storage: version >= 12 ? 'uint64' : 'int32', since: 0, fallback: 0 },
  ];
  return all.filter((f) => version >= f.since);
}

function fieldSize(field: Field): number {
  return field.width * (field.storage === 'int16' ? 2 : field.storage === 'uint64' ? 8 : 4);
}

export interface BinHeader {
  fluidName: string;
  version: number;
  sceneScale: number;
  fluidType: number;
  elapsedTime: number;
  frame: number;
  fps: number;
  radius: number;
  pressure: number[];
  speed: number[];
  temperature: number[];
  emitterPosition?: number[];
  emitterRotation?: number[];
  emitterScale?: number[];
}

function parse(bytes: Uint8Array, options: ReadParticlesOptions | undefined, decode: boolean): { set?: ParticleSet; info: ParticleInfo } {
  const view = viewOf(bytes);
  if (bytes.length < 4 || view.getInt32(0, true) !== MAGIC) throw partError(PartErrorCode.PART_BAD_MAGIC, `${NAME}: the file does not start with 0xFABADA`);
  checkBytes(320, bytes.length, NAME, 'the header');
  const version = view.getInt16(254, true);
  if (version > MAX_VERSION || version < 1) {
    throw partError(PartErrorCode.PART_UNSUPPORTED_VERSION, `${NAME}: version ${version}; versions 1 to ${MAX_VERSION} are readable`);
  }
  const triple = (at: number) => [view.getFloat32(at, true), view.getFloat32(at + 4, true), view.getFloat32(at + 8, true)];
  const nameBytes = bytes.subarray(4, 254);
  const nul = nameBytes.indexOf(0);
  const header: BinHeader = {
    fluidName: decodeLatin1(nul < 0 ? nameBytes : nameBytes.subarray(0, nul)),
    version,
    sceneScale: view.getFloat32(256, true),
    fluidType: view.getInt32(260, true),
    elapsedTime: view.getFloat32(264, true),
    frame: view.getInt32(268, true),
    fps: view.getInt32(272, true),
    radius: view.getFloat32(280, true),
    pressure: triple(284),
    speed: triple(296),
    temperature: triple(308),
  };
  const count = view.getInt32(276, true);
  checkCount(count, options, NAME);
  let at = 320;
  if (version >= 7) {
    checkBytes(36, bytes.length - at, NAME, 'the emitter header');
    header.emitterPosition = triple(320);
    header.emitterRotation = triple(332);
    header.emitterScale = triple(344);
    at = 356;
  }
  const layout = fields(version);
  const stride = layout.reduce((sum, f) => sum + fieldSize(f), 0);
  const nameOf = (native: string) => (options?.nativeNames ? native : canonicalName(native, 'realflow'));
  const infos: AttributeInfo[] = layout.map((f) => ({ name: nameOf(f.native), type: f.type, width: f.width, storage: f.storage }));
  const info: ParticleInfo = { format: 'bin', formatName: NAME, count, attributes: infos, fixed: [], version, notes: [] };
  if (!decode) return { info };
  checkBytes(count * stride, bytes.length - at, NAME, `${count} particles of ${stride} bytes`, at);
  const set = createParticleSet(count);
  set.format = 'bin';
  let offset = at;
  for (const field of layout) {
    const attribute = newAttribute(nameOf(field.native), field.type, field.width, count, field.storage);
    readStrided(view, offset, stride, count, field.width, field.storage, true, attribute.data);
    offset += fieldSize(field);
    set.attributes.push(attribute);
  }
  set.extras['bin'] = { header };
  info.attributes = set.attributes.map(attributeInfo);
  return { set, info };
}

export function readBin(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  return withPartErrors(() => parse(bytes, options, true).set!, NAME);
}

export function inspectBin(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  return withPartErrors(() => parse(bytes, options, false).info, NAME);
}

/** Writes RealFlow BIN version 11 (partio's): attributes outside the fixed record are refused
 *  (or dropped with `dropUnsupported`); missing ones get partio's defaults. */
export function writeBin(set: ParticleSet, options: WriteParticlesOptions = {}): Uint8Array {
  validateParticleSet(set);
  set = { ...set, attributes: withFloatColours(set.attributes), fixed: withFloatColours(set.fixed) };
  const layout = fields(WRITE_VERSION);
  const nameOf = (native: string) => (options.nativeNames ? native : canonicalName(native, 'realflow'));
  const known = new Map(layout.map((f) => [nameOf(f.native), f]));
  keepWritable(
    set.attributes,
    (a) => {
      const field = known.get(a.name);
      return field !== undefined && field.width === a.width && a.type !== 'indexedString';
    },
    options,
    NAME,
    'attributes (its particle record is fixed)',
  );
  const stride = layout.reduce((sum, f) => sum + fieldSize(f), 0);
  const previous = (set.extras['bin'] as { header?: BinHeader } | undefined)?.header;
  const writer = new BinaryWriter(true, 356 + set.count * stride + 6);
  writer.i32(MAGIC);
  const name = new Uint8Array(250);
  const fluidName = previous?.fluidName ?? 'vfxkit';
  for (let i = 0; i < Math.min(249, fluidName.length); i++) name[i] = fluidName.charCodeAt(i) & 0xff;
  writer.raw(name);
  writer.i16(WRITE_VERSION);
  writer.f32(previous?.sceneScale ?? 1);
  writer.i32(previous?.fluidType ?? 9);
  writer.f32(previous?.elapsedTime ?? 1 / 24);
  writer.i32(previous?.frame ?? 1);
  writer.i32(previous?.fps ?? 24);
  writer.i32(set.count);
  writer.f32(previous?.radius ?? 0.1);
  for (const triple of [previous?.pressure ?? [1, 1, 1], previous?.speed ?? [1, 1, 1], previous?.temperature ?? [1, 1, 1]]) for (const v of triple) writer.f32(v);
  for (const triple of [previous?.emitterPosition ?? [0, 0, 0], previous?.emitterRotation ?? [0, 0, 0], previous?.emitterScale ?? [1, 1, 1]]) for (const v of triple) writer.f32(v);
  const start = writer.offset;
  writer.reserve(set.count * stride);
  const view = writer.view;
  let offset = start;
  for (const field of layout) {
    const attribute = getAttribute(set, nameOf(field.native));
    if (attribute !== undefined && attribute.width === field.width) {
      writeStrided(view, offset, stride, set.count, field.width, field.storage, true, attribute.data);
    } else if (field.native === 'id') {
      for (let i = 0, o = offset; i < set.count; i++, o += stride) view.setInt32(o, i, true);
    } else if (field.fallback !== 0) {
      const fill = new Float32Array(field.width).fill(field.fallback);
      for (let i = 0, o = offset; i < set.count; i++, o += stride) {
        if (field.storage === 'int16') view.setInt16(o, field.fallback, true);
        else for (let k = 0; k < field.width; k++) view.setFloat32(o + 4 * k, fill[k]!, true);
      }
    }
    offset += fieldSize(field);
  }
  writer.offset = start + set.count * stride;
  writer.i32(0); // no per-particle extra data
  writer.u8(0); // no RealFlow 4 data
  writer.u8(0); // no RealFlow 5 data
  const out = writer.toBytes();
  return options.gzip ? gzipBytes(out, options.level) : out;
}

export const binFormat: ParticleFormat = {
  id: 'bin',
  name: 'RealFlow particle cache (BIN)',
  family: 'realflow',
  extensions: ['bin'],
  mimeTypes: ['application/octet-stream'],
  binary: true,
  magic: (head) => head.length >= 4 && head[0] === 0xda && head[1] === 0xba && head[2] === 0xfa && head[3] === 0x00,
  inspect: inspectBin,
  read: readBin,
  write: writeBin,
};
