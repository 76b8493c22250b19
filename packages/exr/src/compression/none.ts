/**
 * NO_COMPRESSION (code 0): chunks hold the uncompressed Xdr buffer as is, one scanline per chunk.
 * See "OpenEXR File Layout", Regular Scan Line Blocks.
 */
import { ExrErrorCode, exrError } from '../errors.js';
import type { CompressionMethod } from './types.js';

export const none: CompressionMethod = {
  name: 'none',
  code: 0,
  linesPerChunk: 1,
  lossy: false,
  decompress(packed, info) {
    // Raw chunks never reach a codec (packed size == unpacked size); anything else is corrupt.
    throw exrError(
      ExrErrorCode.EXR_CORRUPT_CHUNK,
      `uncompressed chunk holds ${packed.byteLength} bytes, expected ${info.unpackedSize}`,
    );
  },
  compress(raw) {
    return raw;
  },
};
