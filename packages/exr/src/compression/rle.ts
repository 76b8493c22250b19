/**
 * RLE_COMPRESSION (code 1): OpenEXR's run-length encoding, one scanline per chunk. The Xdr buffer
 * is first reordered and delta-predicted (see predictor.ts), then coded as runs: a signed count
 * byte n >= 0 followed by one byte repeated n + 1 times, or n < 0 followed by -n literal bytes.
 * See OpenEXRCore `internal_rle.c`.
 */
import { ExrErrorCode, exrError } from '../errors.js';
import { reorderAndPredict, unpredictAndReorder } from './predictor.js';
import type { CompressionMethod } from './types.js';

const MIN_RUN_LENGTH = 3;
const MAX_RUN_LENGTH = 127;

/** Run-length decode `packed` into exactly `size` bytes; EXR_CORRUPT_CHUNK otherwise. */
export function rleDecode(packed: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let inPos = 0;
  let outPos = 0;
  const n = packed.byteLength;
  while (inPos < n) {
    const count = (packed[inPos++]! << 24) >> 24;
    if (count < 0) {
      const length = -count;
      if (inPos + length > n || outPos + length > size) break;
      out.set(packed.subarray(inPos, inPos + length), outPos);
      inPos += length;
      outPos += length;
    } else {
      const length = count + 1;
      if (inPos + 1 > n || outPos + length > size) break;
      out.fill(packed[inPos++]!, outPos, outPos + length);
      outPos += length;
    }
  }
  if (outPos !== size || inPos !== n) {
    throw exrError(ExrErrorCode.EXR_CORRUPT_CHUNK, `RLE data decodes to ${outPos} of ${size} bytes (corrupt run lengths)`);
  }
  return out;
}

/** Run-length encode `data` (already predicted). */
export function rleEncode(data: Uint8Array): Uint8Array {
  const n = data.byteLength;
  const out = new Uint8Array(n + Math.ceil(n / MAX_RUN_LENGTH) + 2);
  let outPos = 0;
  let runStart = 0;
  let runEnd = 1;
  while (runStart < n) {
    let count = 0;
    while (runEnd < n && data[runStart] === data[runEnd] && count < MAX_RUN_LENGTH) {
      runEnd++;
      count++;
    }
    if (count >= MIN_RUN_LENGTH - 1) {
      out[outPos++] = count;
      out[outPos++] = data[runStart]!;
      runStart = runEnd;
    } else {
      count++;
      while (
        runEnd < n &&
        (runEnd + 1 >= n || data[runEnd] !== data[runEnd + 1] || runEnd + 2 >= n || data[runEnd + 1] !== data[runEnd + 2]) &&
        count < MAX_RUN_LENGTH
      ) {
        count++;
        runEnd++;
      }
      out[outPos++] = -count & 0xff;
      while (runStart < runEnd) out[outPos++] = data[runStart++]!;
    }
    runEnd++;
  }
  return out.subarray(0, outPos);
}

export const rle: CompressionMethod = {
  name: 'rle',
  code: 1,
  linesPerChunk: 1,
  lossy: false,
  decompress(packed, info) {
    return unpredictAndReorder(rleDecode(packed, info.unpackedSize));
  },
  compress(raw) {
    return rleEncode(reorderAndPredict(raw));
  },
};
