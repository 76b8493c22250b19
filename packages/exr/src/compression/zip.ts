/**
 * ZIPS_COMPRESSION (code 2, one scanline per chunk) and ZIP_COMPRESSION (code 3, 16 scanlines per
 * chunk): the Xdr buffer reordered and delta-predicted (see predictor.ts), then deflated as a zlib
 * stream (RFC 1950). See OpenEXRCore `internal_zip.c`.
 */
import { ExrErrorCode, exrError } from '../errors.js';
import { reorderAndPredict, unpredictAndReorder } from './predictor.js';
import type { ChunkInfo, CodecContext, CompressionMethod } from './types.js';

function decompress(packed: Uint8Array, info: ChunkInfo, context: CodecContext, output?: Uint8Array): Uint8Array {
  let inflated: Uint8Array;
  try {
    inflated = context.zlib.inflate(packed, info.unpackedSize);
  } catch (error) {
    throw exrError(ExrErrorCode.EXR_CORRUPT_CHUNK, `zlib data does not inflate: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (inflated.byteLength !== info.unpackedSize) {
    throw exrError(ExrErrorCode.EXR_CORRUPT_CHUNK, `zlib data inflates to ${inflated.byteLength} bytes, expected ${info.unpackedSize}`);
  }
  // The inflated buffer is ours: undo the predictor in place, interleave into the result (the
  // caller's reused chunk array when it gives one: no new array per chunk).
  return unpredictAndReorder(inflated, output !== undefined && output.length >= info.unpackedSize ? output.subarray(0, info.unpackedSize) : undefined);
}

function compress(raw: Uint8Array, _info: ChunkInfo, context: CodecContext): Uint8Array {
  return context.zlib.deflate(reorderAndPredict(raw));
}

export const zips: CompressionMethod = { name: 'zips', code: 2, linesPerChunk: 1, lossy: false, decompress, compress };
export const zip: CompressionMethod = { name: 'zip', code: 3, linesPerChunk: 16, lossy: false, decompress, compress };
