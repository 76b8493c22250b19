/**
 * gzip (RFC 1952) and zlib (RFC 1950) for the formats that use them: partio reads every format
 * through an optional gzip layer (`.bgeo.gz`, `.pdb.gz`), Krakatoa's PRT is one zlib stream, PRT2
 * chunks and Blosc blocks may be zlib. fflate (pure TypeScript) by default; callers may hand in
 * node:zlib behind the same `ZlibCodec` shape (it is the shape @vfxkit/exr uses, so its `nodeZlib`
 * fits).
 */
import { gunzipSync, gzipSync, unzlibSync, zlibSync } from 'fflate';
import { verifyGzipChecksum, verifyZlibChecksum } from '@vfxkit/core';
import { partError, PartErrorCode } from '../errors.js';

export interface ZlibCodec {
  /** Inflates a zlib stream that must produce exactly `expectedSize` bytes. */
  inflate(data: Uint8Array, expectedSize: number): Uint8Array;
  /** Deflates into a zlib stream (level 0-9). */
  deflate(data: Uint8Array, level?: number): Uint8Array;
}

type Level = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

function clampLevel(level: number | undefined, fallback: number): Level {
  if (level === undefined || !Number.isFinite(level)) return fallback as Level;
  return Math.max(0, Math.min(9, Math.round(level))) as Level;
}

/** fflate behind the `ZlibCodec` interface: the default everywhere. */
export const fflateZlib: ZlibCodec = {
  inflate(data, expectedSize) {
    if (data.byteLength < 7 && expectedSize > 0) throw new Error(`zlib stream of ${data.byteLength} bytes is too short`);
    // A buffer of the expected size: fflate never grows a given buffer, so a hostile stream cannot
    // allocate more than the caller checked.
    const out = unzlibSync(data, { out: new Uint8Array(expectedSize) });
    verifyZlibChecksum(data, out); // fflate does not check the Adler-32 itself
    return out;
  },
  deflate(data, level) {
    return zlibSync(data, { level: clampLevel(level, 6) });
  },
};

/** deflate cannot expand data by more than this factor (RFC 1951: 258-byte matches of 2 bits). */
export const MAX_DEFLATE_RATIO = 1032;

/** Whether `bytes` start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Whether `bytes` start with a zlib header (CMF/FLG with deflate and a valid check). */
export function isZlib(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  const cmf = bytes[0]!;
  const flg = bytes[1]!;
  return (cmf & 0x0f) === 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

/**
 * Undoes a gzip layer. The uncompressed size comes from the trailer; it is checked against what
 * the compressed bytes could possibly hold and against `maxBytes` before anything is allocated.
 */
export function gunzip(bytes: Uint8Array, maxBytes = 2 ** 31 - 1): Uint8Array {
  if (bytes.length < 18) {
    throw partError(PartErrorCode.PART_TRUNCATED, `gzip stream of ${bytes.length} bytes is too short to hold a header and trailer`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = view.getUint32(bytes.length - 4, true);
  if (size > bytes.length * MAX_DEFLATE_RATIO) {
    throw partError(
      PartErrorCode.PART_LIMIT,
      `gzip trailer declares ${size} bytes, more than ${bytes.length} compressed bytes can hold: the stream is truncated or corrupt`,
    );
  }
  if (size > maxBytes) {
    throw partError(PartErrorCode.PART_LIMIT, `gzip stream declares ${size} bytes, above the limit of ${maxBytes}`);
  }
  try {
    const out = gunzipSync(bytes, { out: new Uint8Array(size) });
    if (out.length !== size) throw new Error(`inflated ${out.length} bytes, trailer says ${size}`);
    verifyGzipChecksum(bytes, out); // fflate does not check the CRC-32 itself
    return out;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const truncated = /unexpected EOF|end of/i.test(message);
    throw partError(truncated ? PartErrorCode.PART_TRUNCATED : PartErrorCode.PART_CORRUPT, `gzip stream does not inflate: ${message}`, {
      cause: error,
    });
  }
}

/** Inflates a zlib stream of exactly `expectedSize` bytes, with the format's error codes. */
export function inflateExactly(zlib: ZlibCodec, data: Uint8Array, expectedSize: number, what: string): Uint8Array {
  let out: Uint8Array;
  try {
    out = zlib.inflate(data, expectedSize);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const truncated = /unexpected EOF|end of|too short|buffer error/i.test(message);
    throw partError(truncated ? PartErrorCode.PART_TRUNCATED : PartErrorCode.PART_CORRUPT, `${what}: zlib data does not inflate: ${message}`, {
      cause: error,
    });
  }
  if (out.length !== expectedSize) {
    throw partError(PartErrorCode.PART_TRUNCATED, `${what}: zlib data inflates to ${out.length} bytes, ${expectedSize} expected`);
  }
  return out;
}

/** gzip `bytes` (for the `.gz` variants partio writes). */
export function gzipBytes(bytes: Uint8Array, level?: number): Uint8Array {
  return gzipSync(bytes, { level: clampLevel(level, 6) });
}
