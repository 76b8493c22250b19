/**
 * PIZ compression (code 4, 32 scanlines per chunk): lossless wavelet + Huffman coding of 16-bit
 * words. See "OpenEXR File Layout" > "PIZ Compression" (openexr.com) and OpenEXR's
 * `ImfPizCompressor.cpp` / `internal_piz.c`.
 *
 * Packed chunk:
 *   u16 minNonZero, u16 maxNonZero   first and last non-zero byte of the bitmap
 *   bitmap[minNonZero..maxNonZero]  (absent when minNonZero > maxNonZero)
 *   u32 length                      bytes of Huffman data that follow
 *   Huffman data                    see `huffman.ts`
 *
 * Steps to compress: the Xdr buffer is rearranged channel by channel (each channel's lines one
 * after another, 32-bit samples as two little-endian 16-bit words); a 65,536-bit bitmap records which
 * 16-bit values occur (0 is implied); a lookup table maps the used values to 0..n-1; each channel
 * (each word of a 32-bit channel separately) goes through the 2D Haar wavelet; the result is Huffman
 * coded. Decompression undoes each step in reverse.
 */
import { checkUnpackedSize, chunkGeometry, corruptChunk, hasSampleLine, readUint32, writeUint32 } from './codec-support.js';
import type { ChannelGeometry } from './codec-support.js';
import { huffmanDecode, huffmanEncode, maxHuffmanValues } from './huffman.js';
import type { ChunkInfo, CompressionMethod } from './types.js';
import { waveletDecode, waveletEncode } from './wavelet.js';

const METHOD = 'piz';
const USHORT_RANGE = 1 << 16;
const BITMAP_SIZE = USHORT_RANGE >> 3;

/** Copies the Xdr buffer into per-channel planes of 16-bit words (`ImfPizCompressor` layout). */
function xdrToPlanes(raw: Uint8Array, info: ChunkInfo, channels: readonly ChannelGeometry[], planes: Uint16Array): void {
  const planeStart: number[] = [];
  let start = 0;
  for (const channel of channels) {
    planeStart.push(start);
    start += (channel.width * channel.height * channel.bytesPerSample) >> 1;
  }
  const nextLine = planeStart.slice();
  let input = 0;
  for (let line = 0; line < info.height; line++) {
    const y = info.yMin + line;
    for (let c = 0; c < channels.length; c++) {
      const channel = channels[c]!;
      if (channel.height === 0 || !hasSampleLine(y, channel.ySampling)) continue;
      const words = (channel.width * channel.bytesPerSample) >> 1;
      let output = nextLine[c]!;
      for (let i = 0; i < words; i++, input += 2) planes[output++] = raw[input]! | (raw[input + 1]! << 8);
      nextLine[c] = output;
    }
  }
}

/** The inverse of `xdrToPlanes`, mapping every word through `lut` on the way. */
function planesToXdr(planes: Uint16Array, lut: Uint16Array, info: ChunkInfo, channels: readonly ChannelGeometry[], out: Uint8Array): void {
  const nextLine: number[] = [];
  let start = 0;
  for (const channel of channels) {
    nextLine.push(start);
    start += (channel.width * channel.height * channel.bytesPerSample) >> 1;
  }
  // 16-bit stores where the platform is little-endian (the Xdr order), bytes otherwise.
  const words = LITTLE_ENDIAN && (out.byteOffset & 1) === 0 ? new Uint16Array(out.buffer, out.byteOffset, out.byteLength >> 1) : undefined;
  let output = 0;
  for (let line = 0; line < info.height; line++) {
    const y = info.yMin + line;
    for (let c = 0; c < channels.length; c++) {
      const channel = channels[c]!;
      if (channel.height === 0 || !hasSampleLine(y, channel.ySampling)) continue;
      const count = (channel.width * channel.bytesPerSample) >> 1;
      let input = nextLine[c]!;
      if (words !== undefined) {
        // Four at a time: ~1.6x faster than one at a time in V8 (fewer loop checks and stores in a row).
        let i = 0;
        for (; i + 4 <= count; i += 4) {
          const a = lut[planes[input + i]!]!;
          const b = lut[planes[input + i + 1]!]!;
          const c = lut[planes[input + i + 2]!]!;
          const d = lut[planes[input + i + 3]!]!;
          words[output + i] = a;
          words[output + i + 1] = b;
          words[output + i + 2] = c;
          words[output + i + 3] = d;
        }
        for (; i < count; i++) words[output + i] = lut[planes[input + i]!]!;
        input += count;
        output += count;
      } else {
        for (let i = 0; i < count; i++) {
          const value = lut[planes[input++]!]!;
          out[2 * output] = value & 0xff;
          out[2 * output + 1] = value >>> 8;
          output++;
        }
      }
      nextLine[c] = input;
    }
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Runs the wavelet (forward or inverse) over every channel plane, each 16-bit word separately. */
function transformPlanes(planes: Uint16Array, channels: readonly ChannelGeometry[], maxValue: number, inverse: boolean): void {
  let start = 0;
  for (const channel of channels) {
    const wordsPerSample = channel.bytesPerSample >> 1;
    const nx = channel.width;
    const ny = channel.height;
    for (let word = 0; word < wordsPerSample; word++) {
      if (inverse) waveletDecode(planes, start + word, nx, wordsPerSample, ny, wordsPerSample * nx, maxValue);
      else waveletEncode(planes, start + word, nx, wordsPerSample, ny, wordsPerSample * nx, maxValue);
    }
    start += nx * ny * wordsPerSample;
  }
}

let planeBuffer = new Uint16Array(0);

/**
 * Room for a chunk's `count` 16-bit values while it is decoded, reused from chunk to chunk (decoding
 * is synchronous; Huffman decoding writes all `count` values before any is read, or throws). Kept
 * only up to 8 MiB: larger chunks get their own array.
 */
function planeScratch(count: number): Uint16Array {
  if (count > 1 << 22) return new Uint16Array(count);
  if (planeBuffer.length < count) planeBuffer = new Uint16Array(Math.min(1 << 22, Math.max(count, planeBuffer.length * 2)));
  return planeBuffer.subarray(0, count);
}

/** The reverse lookup table of the chunk being decoded (reused) and how many entries the last chunk set. */
const reverseLut = new Uint16Array(USHORT_RANGE);
let reverseLutUsed = 1;

/**
 * Decompresses one PIZ chunk into its Xdr buffer: `output` when it is given and large enough (see
 * `CompressionMethod.decompress`), else a new array.
 */
export function pizDecompress(packed: Uint8Array, info: ChunkInfo, output?: Uint8Array): Uint8Array {
  const channels = chunkGeometry(info);
  checkUnpackedSize(METHOD, info, channels);
  const valueCount = info.unpackedSize >> 1;

  // 1. The bitmap of used values.
  if (packed.length < 4) throw corruptChunk(METHOD, `the chunk is ${packed.length} bytes, too short for its bitmap range`);
  const minNonZero = packed[0]! | (packed[1]! << 8);
  const maxNonZero = packed[2]! | (packed[3]! << 8);
  if (minNonZero >= BITMAP_SIZE || maxNonZero >= BITMAP_SIZE) {
    throw corruptChunk(METHOD, `bitmap range ${minNonZero}..${maxNonZero} is outside 0..${BITMAP_SIZE - 1}`);
  }
  let offset = 4;
  let bitmapLength = 0;
  if (minNonZero <= maxNonZero) {
    bitmapLength = maxNonZero - minNonZero + 1;
    if (offset + bitmapLength > packed.length) {
      throw corruptChunk(METHOD, `the bitmap needs ${bitmapLength} bytes but the chunk has ${packed.length - offset} left`);
    }
  }

  // 2. The reverse lookup table: index -> value, read from the bitmap bytes in the chunk (the bytes
  //    outside minNonZero..maxNonZero are zero).
  const lut = reverseLut;
  let used = 1; // lut[0] = 0: zero is always in the table
  for (let i = 0; i < bitmapLength; i++) {
    const byte = minNonZero + i;
    const bits = packed[offset + i]!;
    if (bits === 0) continue;
    for (let bit = byte === 0 ? 1 : 0; bit < 8; bit++) if ((bits & (1 << bit)) !== 0) lut[used++] = (byte << 3) | bit;
  }
  offset += bitmapLength;
  // The table is shared by every chunk: entries past this chunk's values are cleared, so that an
  // index out of range (corrupt data) reads 0 whatever the chunk before held.
  if (reverseLutUsed > used) lut.fill(0, used, reverseLutUsed);
  reverseLutUsed = used;
  const maxValue = used - 1;

  // 3. Huffman decoding.
  if (offset + 4 > packed.length) throw corruptChunk(METHOD, 'the chunk ends before the length of its Huffman data');
  const huffmanLength = readUint32(packed, offset);
  offset += 4;
  if (offset + huffmanLength > packed.length) {
    throw corruptChunk(METHOD, `the Huffman data is ${huffmanLength} bytes but the chunk has ${packed.length - offset} left`);
  }
  if (valueCount > maxHuffmanValues(huffmanLength)) {
    throw corruptChunk(METHOD, `${huffmanLength} bytes of Huffman data cannot hold the ${valueCount} values of the chunk`);
  }
  const planes = planeScratch(valueCount);
  huffmanDecode(packed, offset, huffmanLength, planes, 0, valueCount, METHOD);

  // 4. Inverse wavelet, 5. values back to their original range, 6. back to Xdr order.
  transformPlanes(planes, channels, maxValue, true);
  const out = output !== undefined && output.length >= info.unpackedSize ? output.subarray(0, info.unpackedSize) : new Uint8Array(info.unpackedSize);
  planesToXdr(planes, lut, info, channels, out);
  return out;
}

/** Compresses one chunk's Xdr buffer with PIZ (byte-identical to OpenEXR's PIZ compressor). */
export function pizCompress(raw: Uint8Array, info: ChunkInfo): Uint8Array {
  const channels = chunkGeometry(info);
  checkUnpackedSize(METHOD, info, channels);
  if (raw.length !== info.unpackedSize) {
    throw corruptChunk(METHOD, `the raw chunk is ${raw.length} bytes, expected ${info.unpackedSize}`);
  }
  const valueCount = info.unpackedSize >> 1;
  const planes = new Uint16Array(valueCount);
  xdrToPlanes(raw, info, channels, planes);

  // 1. Bitmap of used values (0 is implied) and its non-zero byte range.
  const bitmap = new Uint8Array(BITMAP_SIZE);
  for (let i = 0; i < valueCount; i++) {
    const value = planes[i]!;
    bitmap[value >> 3]! |= 1 << (value & 7);
  }
  bitmap[0]! &= ~1;
  let minNonZero = BITMAP_SIZE - 1;
  let maxNonZero = 0;
  for (let i = 0; i < BITMAP_SIZE; i++) {
    if (bitmap[i] !== 0) {
      if (minNonZero > i) minNonZero = i;
      if (maxNonZero < i) maxNonZero = i;
    }
  }

  // 2. Forward lookup table: value -> index.
  const lut = new Uint16Array(USHORT_RANGE);
  let next = 0;
  for (let value = 0; value < USHORT_RANGE; value++) {
    if (value === 0 || (bitmap[value >> 3]! & (1 << (value & 7))) !== 0) lut[value] = next++;
  }
  const maxValue = next - 1;
  for (let i = 0; i < valueCount; i++) planes[i] = lut[planes[i]!]!;

  // 3. Wavelet, 4. Huffman.
  transformPlanes(planes, channels, maxValue, false);
  const huffman = huffmanEncode(planes, valueCount);

  const bitmapLength = minNonZero <= maxNonZero ? maxNonZero - minNonZero + 1 : 0;
  const out = new Uint8Array(4 + bitmapLength + 4 + huffman.length);
  out[0] = minNonZero & 0xff;
  out[1] = minNonZero >> 8;
  out[2] = maxNonZero & 0xff;
  out[3] = maxNonZero >> 8;
  if (bitmapLength > 0) out.set(bitmap.subarray(minNonZero, maxNonZero + 1), 4);
  writeUint32(out, 4 + bitmapLength, huffman.length);
  out.set(huffman, 8 + bitmapLength);
  return out;
}

/** PIZ: wavelet + Huffman, lossless, 32 scanlines per chunk. */
export const piz: CompressionMethod = {
  name: 'piz',
  code: 4,
  linesPerChunk: 32,
  lossy: false,
  decompress: (packed, info, _context, output) => pizDecompress(packed, info, output),
  compress: (raw, info) => pizCompress(raw, info),
};
