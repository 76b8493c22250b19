/**
 * RenderMan's point cloud files, `.ptc` (as partio `PTC.cpp` reads them; versions 0-2),
 * little-endian:
 *
 *   1. `pptc`, int32 version, float64 point count, float[6] bounding box; version 1+ four more
 *      floats; version 2+ a float maximum radius and 32 floats
 *   2. float[16] world-to-eye and float[16] eye-to-screen matrices, float image width, height,
 *      depth, int32 channel count, int32 floats per point
 *   3. one line per channel: `type name\n` (float, color, point, vector, normal, matrix)
 *   4. version 1+: two floats
 *   5. per point: float[3] position, the normal packed in two uint16 (phi and z; 65535 twice is
 *      a zero normal), float radius, then every channel's floats
 *
 * Position, normal and radius are always there: `P`, `N` and `pscale`.
 */
import { decodeUtf8, encodeUtf8 } from '@vfxkit/core';
import { partError, PartErrorCode, withPartErrors } from '../errors.js';
import { BinaryWriter } from '../io/big-endian.js';
import { gzipBytes } from '../io/compression.js';
import { attributeInfo, createParticleSet, getAttribute, validateParticleSet } from '../model.js';
import type { AttributeInfo, ParticleAttribute, ParticleInfo, ParticleSet } from '../model.js';
import { canonicalName, nativeName } from '../names.js';
import { checkBytes, checkCount, keepWritable, newAttribute, readStrided, uniqueName, viewOf, writeStrided, withFloatColours } from './common.js';
import type { ParticleFormat, ReadParticlesOptions, WriteParticlesOptions } from './types.js';
import { startsWith } from './types.js';

const NAME = 'PTC';
const CHANNEL_WIDTHS: Record<string, number> = { float: 1, color: 3, point: 3, vector: 3, normal: 3, matrix: 16 };

export interface PtcHeader {
  version: number;
  bbox: number[];
  worldToEye: number[];
  eyeToScreen: number[];
  image: number[];
  maxRadius?: number;
}

function floats(view: DataView, at: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(view.getFloat32(at + 4 * i, true));
  return out;
}

function parse(bytes: Uint8Array, options: ReadParticlesOptions | undefined, decode: boolean): { set?: ParticleSet; info: ParticleInfo } {
  const view = viewOf(bytes);
  checkBytes(40, bytes.length, NAME, 'the header');
  if (!startsWith(bytes, 'pptc')) throw partError(PartErrorCode.PART_BAD_MAGIC, `${NAME}: the file does not start with 'pptc'`);
  // Step 1.
  const version = view.getInt32(4, true);
  if (version < 0 || version > 2) throw partError(PartErrorCode.PART_UNSUPPORTED_VERSION, `${NAME}: version ${version}; versions 0 to 2 are readable`);
  const declared = view.getFloat64(8, true);
  if (!Number.isInteger(declared) || declared < 0) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: the header declares ${declared} points`);
  const count = declared;
  checkCount(count, options, NAME);
  let at = 16;
  const header: PtcHeader = { version, bbox: floats(view, at, 6), worldToEye: [], eyeToScreen: [], image: [] };
  at += 24;
  if (version >= 1) at += 16;
  if (version >= 2) {
    checkBytes(4 + 128, bytes.length - at, NAME, 'the version 2 header', at);
    header.maxRadius = view.getFloat32(at, true);
    at += 4 + 128;
  }
  // Step 2.
  checkBytes(128 + 12 + 8, bytes.length - at, NAME, 'the matrices', at);
  header.worldToEye = floats(view, at, 16);
  header.eyeToScreen = floats(view, at + 64, 16);
  header.image = floats(view, at + 128, 3);
  at += 140;
  const channelCount = view.getInt32(at, true);
  const dataSize = view.getInt32(at + 4, true);
  at += 8;
  if (channelCount < 0 || dataSize < 0 || channelCount > bytes.length) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: ${channelCount} channels of ${dataSize} floats`);
  // Step 3: channel specs.
  const nameOf = (native: string) => (options?.nativeNames ? native : canonicalName(native, 'renderman'));
  const taken = new Set([nameOf('position'), nameOf('normal'), nameOf('radius')]);
  const channels: { name: string; type: string; width: number }[] = [];
  let width = 0;
  for (let c = 0; c < channelCount; c++) {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) throw partError(PartErrorCode.PART_TRUNCATED, `${NAME}: file ends inside channel spec ${c}`, { offset: at });
    const spec = decodeUtf8(bytes.subarray(at, end)).trim();
    at = end + 1;
    const space = spec.indexOf(' ');
    const type = space < 0 ? spec : spec.slice(0, space);
    const native = space < 0 ? '' : spec.slice(space + 1).trim();
    const channelWidth = CHANNEL_WIDTHS[type];
    if (channelWidth === undefined) throw partError(PartErrorCode.PART_UNKNOWN_TYPE, `${NAME}: channel '${native}' has type '${type}'; known types are ${Object.keys(CHANNEL_WIDTHS).join(', ')}`);
    const name = uniqueName(nameOf(native), taken);
    channels.push({ name, type, width: channelWidth });
    width += channelWidth;
  }
  if (width !== dataSize) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: the channels hold ${width} floats per point, the header says ${dataSize}`);
  // Step 4.
  if (version >= 1) at += 8;
  const stride = 12 + 4 + 4 + 4 * dataSize;
  const infos: AttributeInfo[] = [
    { name: nameOf('position'), type: 'vector', width: 3, storage: 'float32', interpretation: 'point' },
    { name: nameOf('normal'), type: 'vector', width: 3, storage: 'float32', interpretation: 'normal' },
    { name: nameOf('radius'), type: 'float', width: 1, storage: 'float32' },
    ...channels.map((c): AttributeInfo => ({
      name: c.name,
      type: c.width === 3 && c.type !== 'color' ? 'vector' : 'float',
      width: c.width,
      storage: 'float32',
      interpretation: c.type,
    })),
  ];
  const info: ParticleInfo = { format: 'ptc', formatName: NAME, count, attributes: infos, fixed: [], version, notes: [] };
  if (!decode) return { info };
  checkBytes(count * stride, bytes.length - at, NAME, `${count} points of ${stride} bytes`, at);
  // Step 5.
  const set = createParticleSet(count);
  set.format = 'ptc';
  const attributes = infos.map((a) => {
    const attribute = newAttribute(a.name, a.type, a.width, count, 'float32');
    if (a.interpretation !== undefined) attribute.interpretation = a.interpretation;
    return attribute;
  });
  const [position, normal, radius] = attributes as [ParticleAttribute, ParticleAttribute, ParticleAttribute];
  readStrided(view, at, stride, count, 3, 'float32', true, position.data);
  readStrided(view, at + 16, stride, count, 1, 'float32', true, radius.data);
  const n = normal.data;
  for (let i = 0, o = at + 12; i < count; i++, o += stride) {
    const phi = view.getUint16(o, true);
    const z = view.getUint16(o + 2, true);
    if (phi === 65535 && z === 65535) continue; // a zero normal
    const nz = 2 * (z / 65535) - 1;
    const angle = 2 * Math.PI * (phi / 65535 - 0.5);
    const rxy = Math.sqrt(Math.max(0, 1 - nz * nz));
    n[3 * i] = rxy * Math.sin(angle);
    n[3 * i + 1] = rxy * Math.cos(angle);
    n[3 * i + 2] = nz;
  }
  let offset = at + 20;
  for (let c = 0; c < channels.length; c++) {
    const attribute = attributes[c + 3]!;
    readStrided(view, offset, stride, count, attribute.width, 'float32', true, attribute.data);
    offset += attribute.width * 4;
  }
  set.attributes = attributes;
  set.extras['ptc'] = { header };
  info.attributes = attributes.map(attributeInfo);
  return { set, info };
}

export function readPtc(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  return withPartErrors(() => parse(bytes, options, true).set!, NAME);
}

export function inspectPtc(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  return withPartErrors(() => parse(bytes, options, false).info, NAME);
}

function channelType(attribute: ParticleAttribute): string | undefined {
  if (attribute.type === 'int' || attribute.type === 'indexedString') return undefined;
  if (attribute.width === 1) return 'float';
  if (attribute.width === 16) return 'matrix';
  if (attribute.width !== 3) return undefined;
  const meaning = attribute.interpretation;
  if (meaning === 'color' || meaning === 'point' || meaning === 'vector' || meaning === 'normal') return meaning;
  return attribute.type === 'vector' && attribute.name !== 'Cd' ? 'vector' : 'color';
}

/** Writes a version 0 point cloud (partio's): P, N (packed), pscale as the radius (1 when
 *  missing), then every float channel of width 1, 3 or 16. */
export function writePtc(set: ParticleSet, options: WriteParticlesOptions = {}): Uint8Array {
  validateParticleSet(set);
  set = { ...set, attributes: withFloatColours(set.attributes), fixed: withFloatColours(set.fixed) };
  const nameOf = (native: string) => (options.nativeNames ? native : canonicalName(native, 'renderman'));
  const position = getAttribute(set, nameOf('position'));
  if (position === undefined || position.width !== 3) throw partError(PartErrorCode.PART_BAD_ARGUMENT, `${NAME}: the set needs a float 'P' attribute of width 3`);
  const normal = getAttribute(set, nameOf('normal'));
  const radius = getAttribute(set, nameOf('radius'));
  const rest = keepWritable(
    set.attributes.filter((a) => a !== position && a !== normal && a !== radius),
    (a) => channelType(a) !== undefined,
    options,
    NAME,
    'attributes (point clouds hold floats of width 1, 3 or 16)',
  );
  const dataSize = rest.reduce((sum, a) => sum + a.width, 0);
  const stride = 20 + 4 * dataSize;
  const header = (set.extras['ptc'] as { header?: PtcHeader } | undefined)?.header;
  const writer = new BinaryWriter(true, 512 + set.count * stride);
  writer.latin1('pptc');
  writer.i32(0);
  writer.f64(set.count);
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  const p = position.data;
  for (let i = 0; i < set.count; i++) {
    for (let k = 0; k < 3; k++) {
      const v = p[3 * i + k]!;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  }
  for (const v of set.count > 0 ? [...min, ...max] : [0, 0, 0, 0, 0, 0]) writer.f32(v);
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  for (const v of header?.worldToEye ?? identity) writer.f32(v);
  for (const v of header?.eyeToScreen ?? [1.8, 0, 0, 0, 0, 2.41, 0, 0, 0, 0, 1, 1, 0, 0, -0.1, 0]) writer.f32(v);
  for (const v of header?.image ?? [640, 480, 300]) writer.f32(v);
  writer.i32(rest.length);
  writer.i32(dataSize);
  for (const a of rest) writer.raw(encodeUtf8(`${channelType(a)} ${options.nativeNames ? a.name : nativeName(a.name, 'renderman')}\n`));
  const start = writer.offset;
  writer.reserve(set.count * stride);
  const view = writer.view;
  writeStrided(view, start, stride, set.count, 3, 'float32', true, p);
  for (let i = 0, o = start + 12; i < set.count; i++, o += stride) {
    let phi = 65535;
    let z = 65535;
    if (normal !== undefined) {
      const nx = normal.data[3 * i]!;
      const ny = normal.data[3 * i + 1]!;
      const nz = normal.data[3 * i + 2]!;
      if (nx !== 0 || ny !== 0 || nz !== 0) {
        const length = Math.hypot(nx, ny, nz);
        phi = Math.trunc((Math.atan2(nx, ny) / (2 * Math.PI) + 0.5) * 65535 + 0.5);
        z = Math.min(Math.trunc(((nz / length + 1) / 2) * 65535 + 0.5), 65535);
        if (phi === 65535 && z === 65535) phi = 0;
      }
    }
    view.setUint16(o, phi, true);
    view.setUint16(o + 2, z, true);
    view.setFloat32(o + 4, radius === undefined ? 1 : radius.data[i * radius.width]!, true);
  }
  let offset = start + 20;
  for (const a of rest) {
    writeStrided(view, offset, stride, set.count, a.width, 'float32', true, a.data);
    offset += a.width * 4;
  }
  writer.offset = start + set.count * stride;
  const out = writer.toBytes();
  return options.gzip ? gzipBytes(out, options.level) : out;
}

export const ptcFormat: ParticleFormat = {
  id: 'ptc',
  name: 'RenderMan point cloud (PTC)',
  family: 'renderman',
  extensions: ['ptc', 'ptf'],
  mimeTypes: ['application/octet-stream'],
  binary: true,
  magic: (head) => startsWith(head, 'pptc'),
  inspect: inspectPtc,
  read: readPtc,
  write: writePtc,
};
