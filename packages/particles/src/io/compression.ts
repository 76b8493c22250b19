/**
 * gzip (RFC 1952) and zlib (RFC 1950) for the formats that use them: partio reads every format
 * through an optional gzip layer (`.bgeo.gz`, `.pdb.gz`), Krakatoa's PRT is one zlib stream, PRT2
 * chunks and Blosc blocks may be zlib. fflate (pure TypeScript) by default; callers may hand in
 * node:zlib behind the same `ZlibCodec` shape (it is the shape @vfxkit/exr uses, so its `nodeZlib`
 * fits).
 */
import { gunzipSync, gzipSync, Unzlib, unzlibSync, Zlib, zlibSync } from 'fflate';
import { adler32Update, VfxError, verifyGzipChecksum, verifyZlibChecksum } from '@vfxkit/core';
import { partError, PartErrorCode } from '../errors.js';

export interface ZlibCodec {
  /** Inflates a zlib stream that must produce exactly `expectedSize` bytes. */
  inflate(data: Uint8Array, expectedSize: number): Uint8Array;
  /** Deflates into a zlib stream (level 0-9). */
  deflate(data: Uint8Array, level?: number): Uint8Array;
  /**
   * Optional: inflates a zlib stream piece by piece, handing each piece of output to `onChunk`
   * as it comes (the pieces are only valid during the call), and checks the Adler-32. Readers
   * that can consume the output as it comes use it so that the whole inflated payload is never
   * held at once; without it they call `inflate`.
   */
  inflateChunks?(data: Uint8Array, onChunk: (chunk: Uint8Array) => void): void;
  /** Optional: the same, asynchronously (a native zlib stream, for `readParticlesAsync`); the
   *  promise rejects with whatever `onChunk` throws. Preferred over `inflateChunks` by async readers. */
  inflateChunksAsync?(data: Uint8Array, onChunk: (chunk: Uint8Array) => void): Promise<void>;
  /**
   * Optional: a deflate stream (zlib format, level 0-9). The caller `push`es the input in pieces,
   * the last with `final`, and may reuse a piece's buffer once `push` returns; the compressed
   * stream comes out through `onChunk`. Writers that can produce their payload piece by piece use
   * it so that the whole uncompressed payload is never held.
   */
  deflateStream?(level: number | undefined, onChunk: (chunk: Uint8Array) => void): { push(data: Uint8Array, final: boolean): void };
  /** Optional: undoes a gzip member that must produce exactly `expectedSize` bytes, checking its
   *  CRC-32 (the `.bgeo.gz` layer); fflate's `gunzipSync` and a CRC check without it. */
  gunzip?(data: Uint8Array, expectedSize: number): Uint8Array;
  /** Optional: gzips (level 0-9); fflate's `gzipSync` without it. */
  gzip?(data: Uint8Array, level?: number): Uint8Array;
}

/** Compressed bytes handed to the streaming inflater at a time: each push yields at most
 *  `MAX_DEFLATE_RATIO` times this (66 MB), typically a few hundred KiB. */
const STREAM_SLICE = 1 << 16;

/** fflate's streaming inflater behind `inflateChunks`, with the Adler-32 checked at the end. */
function fflateInflateChunks(data: Uint8Array, onChunk: (chunk: Uint8Array) => void): void {
  if (data.byteLength < 7) throw new Error(`zlib stream of ${data.byteLength} bytes is too short`);
  let adler = 1;
  const stream = new Unzlib((chunk) => {
    if (chunk.length === 0) return;
    adler = adler32Update(adler, chunk);
    onChunk(chunk);
  });
  for (let at = 0; at < data.length; at += STREAM_SLICE) {
    const end = Math.min(data.length, at + STREAM_SLICE);
    stream.push(data.subarray(at, end), end === data.length);
  }
  const n = data.length;
  const stored = ((data[n - 4]! << 24) | (data[n - 3]! << 16) | (data[n - 2]! << 8) | data[n - 1]!) >>> 0;
  if (stored !== adler) {
    throw new Error(`zlib checksum mismatch (stored ${stored.toString(16)}, computed ${adler.toString(16)}): the data is damaged`);
  }
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
  inflateChunks: fflateInflateChunks,
  deflateStream(level, onChunk) {
    // fflate copies what is pushed into its own window, so the caller may reuse its buffer.
    const stream = new Zlib({ level: clampLevel(level, 6) }, (chunk) => onChunk(chunk));
    return { push: (data, final) => stream.push(data, final) };
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
export function gunzip(bytes: Uint8Array, maxBytes = 2 ** 31 - 1, codec?: ZlibCodec): Uint8Array {
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
    if (codec?.gunzip !== undefined) {
      const out = codec.gunzip(bytes, size);
      if (out.length !== size) throw new Error(`inflated ${out.length} bytes, trailer says ${size}`);
      return out;
    }
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

/** Passes inflated pieces on while counting them against the size the caller expects. */
function countedPieces(expectedSize: number, what: string, onChunk: (chunk: Uint8Array) => void): { take: (chunk: Uint8Array) => void; finish: () => void } {
  let produced = 0;
  return {
    take(chunk) {
      produced += chunk.length;
      if (produced > expectedSize) {
        throw partError(PartErrorCode.PART_CORRUPT, `${what}: zlib data inflates to more than the ${expectedSize} bytes expected`);
      }
      onChunk(chunk);
    },
    finish() {
      if (produced !== expectedSize) {
        throw partError(PartErrorCode.PART_TRUNCATED, `${what}: zlib data inflates to ${produced} bytes, ${expectedSize} expected`);
      }
    },
  };
}

/**
 * Inflates a zlib stream that must produce exactly `expectedSize` bytes, handing the output to
 * `onChunk` piece by piece when the codec can stream (see `ZlibCodec.inflateChunks`), else in one
 * piece. Errors carry the format's codes.
 */
export function inflateInPieces(zlib: ZlibCodec, data: Uint8Array, expectedSize: number, what: string, onChunk: (chunk: Uint8Array) => void): void {
  if (zlib.inflateChunks === undefined) {
    onChunk(inflateExactly(zlib, data, expectedSize, what));
    return;
  }
  const pieces = countedPieces(expectedSize, what, onChunk);
  try {
    zlib.inflateChunks(data, pieces.take);
  } catch (error) {
    throw inflateError(error, what);
  }
  pieces.finish();
}

/** `inflateInPieces` for async readers: through the codec's `inflateChunksAsync` when it has one. */
export async function inflateInPiecesAsync(zlib: ZlibCodec, data: Uint8Array, expectedSize: number, what: string, onChunk: (chunk: Uint8Array) => void): Promise<void> {
  if (zlib.inflateChunksAsync === undefined) return inflateInPieces(zlib, data, expectedSize, what, onChunk);
  const pieces = countedPieces(expectedSize, what, onChunk);
  try {
    await zlib.inflateChunksAsync(data, pieces.take);
  } catch (error) {
    throw inflateError(error, what);
  }
  pieces.finish();
}

function inflateError(error: unknown, what: string): VfxError {
  if (error instanceof VfxError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const truncated = /unexpected EOF|end of|too short|buffer error/i.test(message);
  return partError(truncated ? PartErrorCode.PART_TRUNCATED : PartErrorCode.PART_CORRUPT, `${what}: zlib data does not inflate: ${message}`, {
    cause: error,
  });
}

/** gzip `bytes` (for the `.gz` variants partio writes). */
export function gzipBytes(bytes: Uint8Array, level?: number, codec?: ZlibCodec): Uint8Array {
  if (codec?.gzip !== undefined) return codec.gzip(bytes, clampLevel(level, 6));
  return gzipSync(bytes, { level: clampLevel(level, 6) });
}
