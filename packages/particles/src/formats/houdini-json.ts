/**
 * Houdini 12+ JSON geometry in its three containers: binary JSON `.bgeo`, ASCII JSON `.geo`, and
 * Blosc-compressed `.bgeo.sc` (read only). The schema lives in `../houdini/geometry.ts`, the
 * encodings in `../houdini/bjson.ts` and `../houdini/json-text.ts`, the container in
 * `../houdini/sc.ts`.
 */
import { encodeUtf8, decodeUtf8 } from '@vfxkit/core';
import { partError, PartErrorCode, withPartErrors, withPartErrorsAsync } from '../errors.js';
import { gzipBytes } from '../io/compression.js';
import type { ParticleInfo, ParticleSet } from '../model.js';
import { isBinaryJson, parseBinaryJson, writeBinaryJson } from '../houdini/bjson.js';
import type { JsonValue } from '../houdini/bjson.js';
import { buildGeometry, interpretGeometry } from '../houdini/geometry.js';
import { looksLikeJson, parseJsonText, writeJsonText } from '../houdini/json-text.js';
import { isScf, unpackScAsync, unpackScSync } from '../houdini/sc.js';
import type { ParticleFormat, ReadParticlesOptions, WriteParticlesOptions } from './types.js';

const BGEO = 'binary JSON BGEO';
const GEO = 'JSON GEO';
const SC = 'BGEO.SC';

function parseDocument(bytes: Uint8Array, formatName: string): JsonValue {
  if (isBinaryJson(bytes)) return parseBinaryJson(bytes);
  if (looksLikeJson(bytes.subarray(0, 64))) return parseJsonText(decodeUtf8(bytes));
  if (bytes.length >= 4 && bytes[0] === 0x42 && bytes[1] === 0x67) {
    throw partError(PartErrorCode.PART_BAD_MAGIC, `${formatName}: this is a classic (pre-Houdini 12) BGEO file; read it as format 'bhclassic'`);
  }
  throw partError(PartErrorCode.PART_BAD_MAGIC, `${formatName}: the file is neither binary JSON (0x7f NSJb) nor JSON text`);
}

function read(bytes: Uint8Array, options: ReadParticlesOptions | undefined, id: string, name: string): ParticleSet {
  return withPartErrors(() => interpretGeometry(parseDocument(bytes, name), options, true, id, name).set!, name);
}

function inspect(bytes: Uint8Array, options: ReadParticlesOptions | undefined, id: string, name: string): ParticleInfo {
  return withPartErrors(() => interpretGeometry(parseDocument(bytes, name), options, false, id, name).info, name);
}

export function readBgeo(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  return read(bytes, options, 'bgeo', BGEO);
}

export function inspectBgeo(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  return inspect(bytes, options, 'bgeo', BGEO);
}

export function readGeo(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  return read(bytes, options, 'geo', GEO);
}

export function inspectGeo(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  return inspect(bytes, options, 'geo', GEO);
}

/** Writes Houdini JSON geometry as binary JSON (`.bgeo`). */
export function writeBgeo(set: ParticleSet, options: WriteParticlesOptions = {}): Uint8Array {
  const document = buildGeometry(set, options);
  let size = 4096;
  for (const a of set.attributes) size += a.data.byteLength + 256;
  const bytes = writeBinaryJson(document, size);
  return options.gzip ? gzipBytes(bytes, options.level) : bytes;
}

/** Writes Houdini JSON geometry as ASCII JSON (`.geo`). */
export function writeGeo(set: ParticleSet, options: WriteParticlesOptions = {}): Uint8Array {
  const bytes = encodeUtf8(writeJsonText(buildGeometry(set, options)));
  return options.gzip ? gzipBytes(bytes, options.level) : bytes;
}

function maxBytes(options: ReadParticlesOptions | undefined): number {
  // 2 GiB of geometry at most; the particle limit is applied to the decoded header.
  return Math.min(2 ** 31 - 1, Math.max(1 << 20, (options?.maxParticles ?? 2 ** 28) * 256));
}

export function readBgeoSc(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  return withPartErrors(() => {
    const inner = unpackScSync(bytes, maxBytes(options), options?.zlib);
    const set = interpretGeometry(parseDocument(inner, SC), options, true, 'bgeosc', SC, true).set!;
    return set;
  }, SC);
}

export async function readBgeoScAsync(bytes: Uint8Array, options?: ReadParticlesOptions): Promise<ParticleSet> {
  return withPartErrorsAsync(async () => {
    const inner = await unpackScAsync(bytes, maxBytes(options), options?.zlib);
    return interpretGeometry(parseDocument(inner, SC), options, true, 'bgeosc', SC, true).set!;
  }, SC);
}

export function inspectBgeoSc(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  return withPartErrors(() => {
    const inner = unpackScSync(bytes, maxBytes(options), options?.zlib);
    const info = interpretGeometry(parseDocument(inner, SC), options, false, 'bgeosc', SC).info;
    info.compression = 'blosc';
    return info;
  }, SC);
}

export const bgeoFormat: ParticleFormat = {
  id: 'bgeo',
  name: 'Houdini JSON geometry, binary (BGEO, Houdini 12+)',
  family: 'houdini',
  extensions: ['bgeo'],
  mimeTypes: ['application/octet-stream'],
  binary: true,
  magic: isBinaryJson,
  inspect: inspectBgeo,
  read: readBgeo,
  write: writeBgeo,
};

export const geoFormat: ParticleFormat = {
  id: 'geo',
  name: 'Houdini JSON geometry, ASCII (GEO, Houdini 12+)',
  family: 'houdini',
  extensions: ['geo'],
  mimeTypes: ['application/json'],
  binary: false,
  magic: looksLikeJson,
  inspect: inspectGeo,
  read: readGeo,
  write: writeGeo,
};

export const bgeoScFormat: ParticleFormat = {
  id: 'bgeosc',
  name: 'Houdini JSON geometry, Blosc-compressed (BGEO.SC)',
  family: 'houdini',
  extensions: ['bgeo.sc', 'geo.sc'],
  mimeTypes: ['application/octet-stream'],
  binary: true,
  magic: isScf,
  inspect: inspectBgeoSc,
  read: readBgeoSc,
  readAsync: readBgeoScAsync,
};
