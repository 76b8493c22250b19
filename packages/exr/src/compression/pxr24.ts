/**
 * PXR24 compression (code 5, 16 scanlines per chunk), contributed to OpenEXR by Pixar. See "OpenEXR
 * File Layout" > "PXR24 Compression" (openexr.com) and OpenEXR's `ImfPxr24Compressor.cpp` /
 * `internal_pxr24.c`.
 *
 * For each line of the chunk and each channel on that line, the samples become differences to the
 * previous sample of the line (modulo 2^32), whose bytes are split into planes, most significant
 * first: UINT gives 4 planes, HALF 2, FLOAT 3 (the float is first rounded to 24 bits: sign, 8
 * exponent bits and the 15 high mantissa bits). The whole buffer is then zlib compressed. Lossless
 * for HALF and UINT; FLOAT keeps 15 of its 23 mantissa bits.
 */
import { PixelType } from './types.js';
import type { ChunkInfo, CodecContext, CompressionMethod } from './types.js';
import { checkUnpackedSize, chunkGeometry, corruptChunk, hasSampleLine, inflateExactly } from './codec-support.js';
import type { ChannelGeometry } from './codec-support.js';

const METHOD = 'pxr24';

/** Bytes the planes of one chunk take before zlib. */
function planeBytes(info: ChunkInfo, channels: readonly ChannelGeometry[]): number {
  let size = 0;
  for (const channel of channels) {
    const perSample = channel.type === PixelType.FLOAT ? 3 : channel.bytesPerSample;
    size += channel.width * channel.height * perSample;
  }
  return size;
}

/**
 * A float's bits rounded to 24 bits (OpenEXR `floatToFloat24`): round the mantissa to 15 bits, but
 * truncate when rounding would overflow into infinity; NaNs keep their sign and 15 high mantissa
 * bits, with at least one set.
 */
export function floatToFloat24(bits: number): number {
  const sign = bits & 0x80000000;
  const exponent = bits & 0x7f800000;
  const mantissa = bits & 0x007fffff;
  let result: number;
  if (exponent === 0x7f800000) {
    if (mantissa !== 0) {
      const high = mantissa >>> 8;
      result = (exponent >>> 8) | high | (high === 0 ? 1 : 0);
    } else {
      result = exponent >>> 8;
    }
  } else {
    result = ((exponent | mantissa) + (mantissa & 0x80)) >>> 8;
    if (result >= 0x7f8000) result = (exponent | mantissa) >>> 8;
  }
  return ((sign >>> 8) | result) >>> 0;
}

/** Decompresses one PXR24 chunk into its Xdr buffer. */
export function pxr24Decompress(packed: Uint8Array, info: ChunkInfo, context: CodecContext): Uint8Array {
  const channels = chunkGeometry(info);
  checkUnpackedSize(METHOD, info, channels);
  const planes = inflateExactly(context, packed, planeBytes(info, channels), METHOD, 'chunk');
  const out = new Uint8Array(info.unpackedSize);
  let input = 0;
  let output = 0;
  for (let line = 0; line < info.height; line++) {
    const y = info.yMin + line;
    for (const channel of channels) {
      if (channel.height === 0 || !hasSampleLine(y, channel.ySampling)) continue;
      const width = channel.width;
      if (channel.type === PixelType.HALF) {
        const plane0 = input;
        const plane1 = input + width;
        input += 2 * width;
        let pixel = 0;
        for (let x = 0; x < width; x++) {
          pixel = (pixel + ((planes[plane0 + x]! << 8) | planes[plane1 + x]!)) & 0xffff;
          out[output++] = pixel & 0xff;
          out[output++] = pixel >>> 8;
        }
      } else {
        const float = channel.type === PixelType.FLOAT;
        const plane0 = input;
        const plane1 = input + width;
        const plane2 = input + 2 * width;
        const plane3 = input + 3 * width;
        input += (float ? 3 : 4) * width;
        let pixel = 0;
        for (let x = 0; x < width; x++) {
          const difference = float
            ? (planes[plane0 + x]! << 24) | (planes[plane1 + x]! << 16) | (planes[plane2 + x]! << 8)
            : (planes[plane0 + x]! << 24) | (planes[plane1 + x]! << 16) | (planes[plane2 + x]! << 8) | planes[plane3 + x]!;
          pixel = (pixel + difference) | 0;
          out[output++] = pixel & 0xff;
          out[output++] = (pixel >>> 8) & 0xff;
          out[output++] = (pixel >>> 16) & 0xff;
          out[output++] = pixel >>> 24;
        }
      }
    }
  }
  if (output !== out.length) throw corruptChunk(METHOD, `decoded ${output} bytes, expected ${out.length}`);
  return out;
}

/** Compresses one chunk's Xdr buffer with PXR24 (`level`: the zlib level, the zlib codec's default when absent). */
export function pxr24Compress(raw: Uint8Array, info: ChunkInfo, context: CodecContext, level?: number): Uint8Array {
  const channels = chunkGeometry(info);
  checkUnpackedSize(METHOD, info, channels);
  if (raw.length !== info.unpackedSize) throw corruptChunk(METHOD, `the raw chunk is ${raw.length} bytes, expected ${info.unpackedSize}`);
  const planes = new Uint8Array(planeBytes(info, channels));
  let input = 0;
  let output = 0;
  for (let line = 0; line < info.height; line++) {
    const y = info.yMin + line;
    for (const channel of channels) {
      if (channel.height === 0 || !hasSampleLine(y, channel.ySampling)) continue;
      const width = channel.width;
      if (channel.type === PixelType.HALF) {
        let previous = 0;
        for (let x = 0; x < width; x++, input += 2) {
          const pixel = raw[input]! | (raw[input + 1]! << 8);
          const difference = (pixel - previous) & 0xffff;
          previous = pixel;
          planes[output + x] = difference >>> 8;
          planes[output + width + x] = difference & 0xff;
        }
        output += 2 * width;
      } else {
        const float = channel.type === PixelType.FLOAT;
        let previous = 0;
        for (let x = 0; x < width; x++, input += 4) {
          let pixel = (raw[input]! | (raw[input + 1]! << 8) | (raw[input + 2]! << 16) | (raw[input + 3]! << 24)) >>> 0;
          if (float) pixel = floatToFloat24(pixel);
          const difference = (pixel - previous) >>> 0;
          previous = pixel;
          if (float) {
            planes[output + x] = (difference >>> 16) & 0xff;
            planes[output + width + x] = (difference >>> 8) & 0xff;
            planes[output + 2 * width + x] = difference & 0xff;
          } else {
            planes[output + x] = difference >>> 24;
            planes[output + width + x] = (difference >>> 16) & 0xff;
            planes[output + 2 * width + x] = (difference >>> 8) & 0xff;
            planes[output + 3 * width + x] = difference & 0xff;
          }
        }
        output += (float ? 3 : 4) * width;
      }
    }
  }
  return context.zlib.deflate(planes, level);
}

/** PXR24: 24-bit float rounding, byte planes and zlib; 16 scanlines per chunk. */
export const pxr24: CompressionMethod = {
  name: 'pxr24',
  code: 5,
  linesPerChunk: 16,
  lossy: true,
  decompress: (packed, info, context) => pxr24Decompress(packed, info, context),
  compress: (raw, info, context) => pxr24Compress(raw, info, context),
};
