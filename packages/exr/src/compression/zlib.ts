/**
 * The default zlib for ZIP/ZIPS (and the other engineer's PXR24/DWA): fflate, pure TypeScript.
 * `@vfxkit/exr/node` offers node:zlib behind the same interface.
 */
import { unzlibSync, zlibSync } from 'fflate';
import { verifyZlibChecksum } from '@vfxkit/core';
import type { ZlibCodec } from './types.js';

/** OpenEXR's default deflate level (3.x). */
export const DEFAULT_ZIP_LEVEL = 4;

type Level = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

function clampLevel(level: number | undefined): Level {
  if (level === undefined || !Number.isFinite(level)) return DEFAULT_ZIP_LEVEL;
  return Math.max(0, Math.min(9, Math.round(level))) as Level;
}

export const fflateZlib: ZlibCodec = {
  inflate(data, expectedSize) {
    // fflate returns the whole output buffer for an empty deflate body: refuse streams too short
    // to hold one (2 header bytes, a block, 4 checksum bytes).
    if (data.byteLength < 7 && expectedSize > 0) throw new Error(`zlib stream of ${data.byteLength} bytes is too short`);
    // A buffer of the expected size: fflate never grows it, so a hostile stream cannot allocate more.
    const out = unzlibSync(data, { out: new Uint8Array(expectedSize) });
    // fflate does not check the stream's Adler-32: without this a damaged chunk decodes to wrong pixels.
    verifyZlibChecksum(data, out);
    return out;
  },
  deflate(data, level) {
    return zlibSync(data, { level: clampLevel(level) });
  },
};

/** `zlib` with `level` as the default deflate level. */
export function withZipLevel(zlib: ZlibCodec, level: number | undefined): ZlibCodec {
  if (level === undefined) return zlib;
  return { inflate: (data, size) => zlib.inflate(data, size), deflate: (data, l) => zlib.deflate(data, l ?? level) };
}
