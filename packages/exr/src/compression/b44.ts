/**
 * B44 (code 6) and B44A (code 7) compression, 32 scanlines per chunk: lossy, fixed rate for HALF
 * channels. See "OpenEXR File Layout" > "B44 Compression" (openexr.com) and OpenEXR's
 * `ImfB44Compressor.cpp` / `internal_b44.c`.
 *
 * Packed chunk: for each channel in channel-list order, all its lines of the chunk. UINT and FLOAT
 * channels are stored raw (little-endian, line after line). HALF channels are cut into 4x4 blocks
 * (the last column and line repeated to fill partial blocks), each stored in 14 bytes:
 *   u16 t0 (big-endian)                    the first value, as an ordered "sortable" integer
 *   6 bits shift, 15 x 6 bits differences  running differences between neighbours, biased by 32,
 *                                          scaled by 2^shift (shift < 13)
 * or, for B44A, in 3 bytes when all 16 values are equal: u16 t0 then 0xfc (a shift of 63, which the
 * 14-byte form never uses; decoders take any third byte >= 13 << 2 as this form).
 * Channels marked pLinear are encoded through `exp(x / 8)` and decoded through `8 * log(x)`, so that
 * the quantization is perceptually even for linear-light values. Infinities and NaNs become 0.
 */
import { floatToHalf, halfToFloat } from '@vfxkit/core';
import { PixelType } from './types.js';
import type { ChunkInfo, CompressionMethod } from './types.js';
import { checkUnpackedSize, chunkGeometry, corruptChunk, hasSampleLine } from './codec-support.js';
import type { ChannelGeometry } from './codec-support.js';

let expTable: Uint16Array | undefined;
let logTable: Uint16Array | undefined;

/** OpenEXR's `expTable` for pLinear channels on encode: half(exp(h / 8)), computed as OpenEXR computes it. */
function pLinearEncodeTable(): Uint16Array {
  if (expTable === undefined) {
    const table = new Uint16Array(65536);
    const limit = 8 * Math.log(65504); // 8 * log(HALF_MAX)
    for (let bits = 0; bits < 65536; bits++) {
      if ((bits & 0x7c00) === 0x7c00) table[bits] = 0;
      else {
        const value = halfToFloat(bits);
        table[bits] = value >= limit ? 0x7bff : floatToHalf(Math.fround(Math.exp(Math.fround(value / 8))));
      }
    }
    expTable = table;
  }
  return expTable;
}

/** OpenEXR's `logTable` for pLinear channels on decode: half(8 * log(h)); negative values and non-finite become 0. */
function pLinearDecodeTable(): Uint16Array {
  if (logTable === undefined) {
    const table = new Uint16Array(65536);
    for (let bits = 0; bits < 65536; bits++) {
      if ((bits & 0x7c00) === 0x7c00 || bits > 0x8000) table[bits] = 0;
      else table[bits] = floatToHalf(Math.fround(8 * Math.fround(Math.log(halfToFloat(bits)))));
    }
    logTable = table;
  }
  return logTable;
}

/** The encode and decode transfer tables for pLinear channels (exported for tests). */
export function b44PLinearTables(): { encode: Uint16Array; decode: Uint16Array } {
  return { encode: pLinearEncodeTable(), decode: pLinearDecodeTable() };
}

/** Samples of a HALF channel, as stored in the packed chunk: 3 or 14 bytes per 4x4 block. */
function blockCount(channel: ChannelGeometry): number {
  return Math.ceil(channel.width / 4) * Math.ceil(channel.height / 4);
}

/** The smallest packed size a chunk can have (every HALF block in 3 bytes). */
function minimumPackedSize(channels: readonly ChannelGeometry[]): number {
  let size = 0;
  for (const channel of channels) {
    if (channel.type === PixelType.HALF) size += 3 * blockCount(channel);
    else size += channel.width * channel.height * channel.bytesPerSample;
  }
  return size;
}

/** Decodes a 14-byte block at `packed[offset]` into `block` (16 values, row-major). */
function unpack14(packed: Uint8Array, offset: number, block: Uint16Array): void {
  const b0 = packed[offset]!;
  const b1 = packed[offset + 1]!;
  const b2 = packed[offset + 2]!;
  const b3 = packed[offset + 3]!;
  const b4 = packed[offset + 4]!;
  const b5 = packed[offset + 5]!;
  const b6 = packed[offset + 6]!;
  const b7 = packed[offset + 7]!;
  const b8 = packed[offset + 8]!;
  const b9 = packed[offset + 9]!;
  const b10 = packed[offset + 10]!;
  const b11 = packed[offset + 11]!;
  const b12 = packed[offset + 12]!;
  const b13 = packed[offset + 13]!;
  const shift = b2 >> 2;
  const bias = 0x20 << shift;
  const s0 = (b0 << 8) | b1;
  const s4 = (s0 + ((((b2 << 4) | (b3 >> 4)) & 0x3f) << shift) - bias) & 0xffff;
  const s8 = (s4 + ((((b3 << 2) | (b4 >> 6)) & 0x3f) << shift) - bias) & 0xffff;
  const s12 = (s8 + ((b4 & 0x3f) << shift) - bias) & 0xffff;
  const s1 = (s0 + ((b5 >> 2) << shift) - bias) & 0xffff;
  const s5 = (s4 + ((((b5 << 4) | (b6 >> 4)) & 0x3f) << shift) - bias) & 0xffff;
  const s9 = (s8 + ((((b6 << 2) | (b7 >> 6)) & 0x3f) << shift) - bias) & 0xffff;
  const s13 = (s12 + ((b7 & 0x3f) << shift) - bias) & 0xffff;
  const s2 = (s1 + ((b8 >> 2) << shift) - bias) & 0xffff;
  const s6 = (s5 + ((((b8 << 4) | (b9 >> 4)) & 0x3f) << shift) - bias) & 0xffff;
  const s10 = (s9 + ((((b9 << 2) | (b10 >> 6)) & 0x3f) << shift) - bias) & 0xffff;
  const s14 = (s13 + ((b10 & 0x3f) << shift) - bias) & 0xffff;
  const s3 = (s2 + ((b11 >> 2) << shift) - bias) & 0xffff;
  const s7 = (s6 + ((((b11 << 4) | (b12 >> 4)) & 0x3f) << shift) - bias) & 0xffff;
  const s11 = (s10 + ((((b12 << 2) | (b13 >> 6)) & 0x3f) << shift) - bias) & 0xffff;
  const s15 = (s14 + ((b13 & 0x3f) << shift) - bias) & 0xffff;
  block[0] = s0;
  block[1] = s1;
  block[2] = s2;
  block[3] = s3;
  block[4] = s4;
  block[5] = s5;
  block[6] = s6;
  block[7] = s7;
  block[8] = s8;
  block[9] = s9;
  block[10] = s10;
  block[11] = s11;
  block[12] = s12;
  block[13] = s13;
  block[14] = s14;
  block[15] = s15;
  // Back from the ordered form to half bits.
  for (let i = 0; i < 16; i++) {
    const t = block[i]!;
    block[i] = t & 0x8000 ? t & 0x7fff : ~t & 0xffff;
  }
}

/** Decodes a 3-byte flat block. */
function unpack3(packed: Uint8Array, offset: number, block: Uint16Array): void {
  const t = (packed[offset]! << 8) | packed[offset + 1]!;
  block.fill(t & 0x8000 ? t & 0x7fff : ~t & 0xffff);
}

/** Decompresses one B44 or B44A chunk into its Xdr buffer. */
export function b44Decompress(packed: Uint8Array, info: ChunkInfo, method = 'b44'): Uint8Array {
  const channels = chunkGeometry(info);
  checkUnpackedSize(method, info, channels);
  const minimum = minimumPackedSize(channels);
  if (packed.length < minimum) {
    throw corruptChunk(method, `the chunk is ${packed.length} bytes, but its channels need at least ${minimum}`);
  }
  // 1. Each channel into its own plane (lines one after another), as little-endian bytes.
  const planes: Uint8Array[] = [];
  const block = new Uint16Array(16);
  let input = 0;
  for (const channel of channels) {
    const { width, height, bytesPerSample } = channel;
    const size = width * height * bytesPerSample;
    if (size === 0) {
      planes.push(new Uint8Array(0));
      continue;
    }
    if (channel.type !== PixelType.HALF) {
      if (input + size > packed.length) throw corruptChunk(method, `channel ${channel.name} runs past the end of the chunk`);
      planes.push(packed.subarray(input, input + size));
      input += size;
      continue;
    }
    const plane = new Uint8Array(size);
    const table = channel.pLinear ? pLinearDecodeTable() : undefined;
    for (let y = 0; y < height; y += 4) {
      for (let x = 0; x < width; x += 4) {
        if (input + 3 > packed.length) throw corruptChunk(method, `channel ${channel.name} runs past the end of the chunk`);
        if (packed[input + 2]! >= 13 << 2) {
          unpack3(packed, input, block);
          input += 3;
        } else {
          if (input + 14 > packed.length) throw corruptChunk(method, `channel ${channel.name} runs past the end of the chunk`);
          unpack14(packed, input, block);
          input += 14;
        }
        if (table !== undefined) for (let i = 0; i < 16; i++) block[i] = table[block[i]!]!;
        const columns = Math.min(4, width - x);
        const rows = Math.min(4, height - y);
        for (let row = 0; row < rows; row++) {
          let at = ((y + row) * width + x) * 2;
          for (let column = 0; column < columns; column++) {
            const value = block[row * 4 + column]!;
            plane[at++] = value & 0xff;
            plane[at++] = value >>> 8;
          }
        }
      }
    }
    planes.push(plane);
  }
  // 2. Interleave the planes back into Xdr lines.
  return planesToXdr(planes, info, channels);
}

function planesToXdr(planes: readonly Uint8Array[], info: ChunkInfo, channels: readonly ChannelGeometry[]): Uint8Array {
  const out = new Uint8Array(info.unpackedSize);
  const next = channels.map(() => 0);
  let output = 0;
  for (let line = 0; line < info.height; line++) {
    const y = info.yMin + line;
    for (let c = 0; c < channels.length; c++) {
      const channel = channels[c]!;
      if (channel.height === 0 || !hasSampleLine(y, channel.ySampling)) continue;
      const bytes = channel.width * channel.bytesPerSample;
      out.set(planes[c]!.subarray(next[c]!, next[c]! + bytes), output);
      next[c]! += bytes;
      output += bytes;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** `x / 2^shift`, rounded to nearest, ties to even (OpenEXR `shiftAndRound`). */
function shiftAndRound(x: number, shift: number): number {
  x <<= 1;
  const a = (1 << shift) - 1;
  shift += 1;
  const b = (x >> shift) & 1;
  return (x + a + b) >> shift;
}

const t = new Uint16Array(16);
const d = new Int32Array(16);
const r = new Int32Array(15);

/**
 * Packs 16 half values (row-major 4x4) into `out[offset]`: 14 bytes, or 3 when `flatFields` and all
 * values are equal. `exactMax` keeps the largest value exact (OpenEXR does so unless pLinear).
 * Returns the bytes written.
 */
function pack(s: Uint16Array, out: Uint8Array, offset: number, flatFields: boolean, exactMax: boolean): number {
  for (let i = 0; i < 16; i++) {
    const value = s[i]!;
    if ((value & 0x7c00) === 0x7c00) t[i] = 0x8000;
    else if (value & 0x8000) t[i] = ~value & 0xffff;
    else t[i] = value | 0x8000;
  }
  let tMax = 0;
  for (let i = 0; i < 16; i++) if (tMax < t[i]!) tMax = t[i]!;
  const bias = 0x20;
  let shift = -1;
  let rMin: number;
  let rMax: number;
  do {
    shift += 1;
    for (let i = 0; i < 16; i++) d[i] = shiftAndRound(tMax - t[i]!, shift);
    r[0] = d[0]! - d[4]! + bias;
    r[1] = d[4]! - d[8]! + bias;
    r[2] = d[8]! - d[12]! + bias;
    r[3] = d[0]! - d[1]! + bias;
    r[4] = d[4]! - d[5]! + bias;
    r[5] = d[8]! - d[9]! + bias;
    r[6] = d[12]! - d[13]! + bias;
    r[7] = d[1]! - d[2]! + bias;
    r[8] = d[5]! - d[6]! + bias;
    r[9] = d[9]! - d[10]! + bias;
    r[10] = d[13]! - d[14]! + bias;
    r[11] = d[2]! - d[3]! + bias;
    r[12] = d[6]! - d[7]! + bias;
    r[13] = d[10]! - d[11]! + bias;
    r[14] = d[14]! - d[15]! + bias;
    rMin = r[0]!;
    rMax = r[0]!;
    for (let i = 1; i < 15; i++) {
      if (rMin > r[i]!) rMin = r[i]!;
      if (rMax < r[i]!) rMax = r[i]!;
    }
  } while (rMin < 0 || rMax > 0x3f);

  if (rMin === bias && rMax === bias && flatFields) {
    out[offset] = t[0]! >> 8;
    out[offset + 1] = t[0]! & 0xff;
    out[offset + 2] = 0xfc;
    return 3;
  }
  if (exactMax) t[0] = (tMax - (d[0]! << shift)) & 0xffff;
  out[offset] = t[0]! >> 8;
  out[offset + 1] = t[0]! & 0xff;
  out[offset + 2] = ((shift << 2) | (r[0]! >> 4)) & 0xff;
  out[offset + 3] = ((r[0]! << 4) | (r[1]! >> 2)) & 0xff;
  out[offset + 4] = ((r[1]! << 6) | r[2]!) & 0xff;
  out[offset + 5] = ((r[3]! << 2) | (r[4]! >> 4)) & 0xff;
  out[offset + 6] = ((r[4]! << 4) | (r[5]! >> 2)) & 0xff;
  out[offset + 7] = ((r[5]! << 6) | r[6]!) & 0xff;
  out[offset + 8] = ((r[7]! << 2) | (r[8]! >> 4)) & 0xff;
  out[offset + 9] = ((r[8]! << 4) | (r[9]! >> 2)) & 0xff;
  out[offset + 10] = ((r[9]! << 6) | r[10]!) & 0xff;
  out[offset + 11] = ((r[11]! << 2) | (r[12]! >> 4)) & 0xff;
  out[offset + 12] = ((r[12]! << 4) | (r[13]! >> 2)) & 0xff;
  out[offset + 13] = ((r[13]! << 6) | r[14]!) & 0xff;
  return 14;
}

/** Compresses one chunk's Xdr buffer with B44 (`flatFields` false) or B44A (true). */
export function b44Compress(raw: Uint8Array, info: ChunkInfo, flatFields: boolean): Uint8Array {
  const method = flatFields ? 'b44a' : 'b44';
  const channels = chunkGeometry(info);
  checkUnpackedSize(method, info, channels);
  if (raw.length !== info.unpackedSize) throw corruptChunk(method, `the raw chunk is ${raw.length} bytes, expected ${info.unpackedSize}`);

  // 1. Each channel into its own plane of lines.
  const planes = channels.map((channel) => new Uint8Array(channel.width * channel.height * channel.bytesPerSample));
  const next = channels.map(() => 0);
  let input = 0;
  for (let line = 0; line < info.height; line++) {
    const y = info.yMin + line;
    for (let c = 0; c < channels.length; c++) {
      const channel = channels[c]!;
      if (channel.height === 0 || !hasSampleLine(y, channel.ySampling)) continue;
      const bytes = channel.width * channel.bytesPerSample;
      planes[c]!.set(raw.subarray(input, input + bytes), next[c]!);
      next[c]! += bytes;
      input += bytes;
    }
  }

  // 2. Raw planes for UINT and FLOAT, 4x4 blocks for HALF.
  let size = 0;
  for (const channel of channels) {
    size += channel.type === PixelType.HALF ? 14 * blockCount(channel) : channel.width * channel.height * channel.bytesPerSample;
  }
  const out = new Uint8Array(size);
  const block = new Uint16Array(16);
  let output = 0;
  for (let c = 0; c < channels.length; c++) {
    const channel = channels[c]!;
    const plane = planes[c]!;
    if (plane.length === 0) continue;
    if (channel.type !== PixelType.HALF) {
      out.set(plane, output);
      output += plane.length;
      continue;
    }
    const { width, height } = channel;
    const table = channel.pLinear ? pLinearEncodeTable() : undefined;
    for (let y = 0; y < height; y += 4) {
      for (let x = 0; x < width; x += 4) {
        for (let row = 0; row < 4; row++) {
          const sourceRow = Math.min(y + row, height - 1);
          for (let column = 0; column < 4; column++) {
            const at = (sourceRow * width + Math.min(x + column, width - 1)) * 2;
            block[row * 4 + column] = plane[at]! | (plane[at + 1]! << 8);
          }
        }
        if (table !== undefined) for (let i = 0; i < 16; i++) block[i] = table[block[i]!]!;
        output += pack(block, out, output, flatFields, !channel.pLinear);
      }
    }
  }
  return out.subarray(0, output);
}

/** B44: 4x4 blocks of HALF in 14 bytes; FLOAT and UINT raw. 32 scanlines per chunk. */
export const b44: CompressionMethod = {
  name: 'b44',
  code: 6,
  linesPerChunk: 32,
  lossy: true,
  decompress: (packed, info) => b44Decompress(packed, info, 'b44'),
  compress: (raw, info) => b44Compress(raw, info, false),
};

/** B44A: B44, with flat 4x4 blocks in 3 bytes. */
export const b44a: CompressionMethod = {
  name: 'b44a',
  code: 7,
  linesPerChunk: 32,
  lossy: true,
  decompress: (packed, info) => b44Decompress(packed, info, 'b44a'),
  compress: (raw, info) => b44Compress(raw, info, true),
};
