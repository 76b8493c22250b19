/**
 * The LOSSY_DCT part of DWAA/DWAB: one channel, or three channels (R, G, B of one layer) coded
 * together as Y'CbCr, cut into 8x8 blocks (OpenEXR `LossyDctDecoder` / `LossyDctEncoder` in
 * `ImfDwaCompressor.cpp`).
 *
 * Per block and channel: linear half -> nonlinear half (table) -> float; forward DCT; each
 * coefficient quantized to the half with the fewest set bits within an error bound (base error
 * `level / 100000` times a JPEG quantization table); zig-zag order. The DC coefficients go to their
 * own list, one plane per channel; the 63 AC coefficients are run-length coded into 16-bit values:
 * 0xff00 ends the block, 0xffNN skips NN zeros, anything else is a coefficient.
 * Decoding inverts each step; FLOAT channels are coded as halves (clamped to +-65504) and decode to
 * the float of the half.
 */
import { floatToHalf, halfDecodeTable } from '@vfxkit/core';
import { PixelType } from './types.js';
import { corruptChunk } from './codec-support.js';
import {
  CB_TO_B,
  CB_TO_G,
  CR_TO_G,
  CR_TO_R,
  forwardCsc709,
  forwardDct8x8,
  inverseCsc709,
  inverseDcOnly,
  inverseDct8x8,
  inverseDct8x8FromHalves,
  rowProductTable,
} from './dwa-dct.js';
import type { RowProducts } from './dwa-dct.js';

const f = Math.fround;
// The colour transform's coefficients as constants of this module: V8 builds a module constant
// into optimized code as a number, but reads an imported binding from its module cell, and checks
// what it holds, at every use in a loop (~5% of a DWAA decode).
const RED_FROM_CR = CR_TO_R;
const GREEN_FROM_CB = CB_TO_G;
const GREEN_FROM_CR = CR_TO_G;
const BLUE_FROM_CB = CB_TO_B;
import { ZIGZAG, quantizationCandidates } from './dwa-tables.js';

/** Where a channel's lines are in the Xdr buffer of the chunk. */
export interface LossyChannel {
  type: PixelType;
  /** Byte offset of each sampled line of the channel in the Xdr buffer. */
  rows: number[];
}

/** A read position in a list of 16-bit values, shared by the channels decoded one after another. */
export interface ValueCursor {
  values: Uint16Array;
  position: number;
  end: number;
}

/**
 * `floatToHalf` of @vfxkit/core, taking the float's bits (a test keeps the two equal): nearest half,
 * ties to even; NaNs stay quiet NaNs with their top payload bits; overflow gives infinity, as F16C's
 * `vcvtps2ph` and Imath's `half(float)` do. The DCT blocks are read through a Uint32Array view, so
 * the hot loop needs no float-to-bits round trip. Normal halves (the common case) take one add: the
 * exponent is rebiased and 0xfff plus the lowest kept bit rounds to nearest even, a carry moving
 * into the exponent (up to infinity) as it should.
 */
export function floatBitsToHalf(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const magnitude = bits & 0x7fffffff;
  // One unsigned compare for the normal range 0x38800000 .. 0x477fffff.
  if ((magnitude - 0x38800000) >>> 0 < 0x0f000000) return sign | ((magnitude - 0x37fff001 + ((magnitude >>> 13) & 1)) >>> 13);
  if (magnitude >= 0x38800000) {
    if (magnitude > 0x7f800000) return sign | 0x7e00 | ((magnitude >>> 13) & 0x3ff);
    return sign | 0x7c00;
  }
  // Below the smallest normal half: a subnormal half or zero.
  const e = (magnitude >>> 23) - 112;
  if (e < -10) return sign;
  const full = (magnitude & 0x7fffff) | 0x800000;
  const shift = 14 - e;
  const half = full >>> shift;
  const remainder = full & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  return sign | (remainder > halfway || (remainder === halfway && (half & 1) === 1) ? half + 1 : half);
}

// Zeroed rows of the inverse DCT, from the zig-zag index of the last non-zero coefficient.
function zeroedRowsFor(lastNonZero: number): number {
  if (lastNonZero < 2) return 7;
  if (lastNonZero < 3) return 6;
  if (lastNonZero < 9) return 5;
  if (lastNonZero < 10) return 4;
  if (lastNonZero < 20) return 3;
  if (lastNonZero < 21) return 2;
  if (lastNonZero < 35) return 1;
  return 0;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes 1 or 3 LOSSY_DCT channels of `width` x `height` samples into `out` (an Xdr buffer starting
 * at an even byte offset), reading AC values from `ac` and DC values from `dc` (both advanced).
 * `toLinear` maps nonlinear halves back to linear ones (absent for pLinear single channels).
 *
 * The row-pass products (`rowProductTable`) of every AC value must have been prepared
 * (`prepareRowProducts`), as `dwaDecompress` does.
 *
 * Per block: the AC values are unpacked straight into the row-major coefficient block, as half
 * bits; a channel with no AC value takes OpenEXR's DC-only shortcut (and a block where every
 * channel does is converted once and filled); the rest go through the inverse DCT, the colour
 * transform, float -> half and the table back to linear in one pass per output row, stored as
 * 16-bit words.
 */
export function decodeLossyDct(
  channels: readonly LossyChannel[],
  width: number,
  height: number,
  ac: ValueCursor,
  dc: ValueCursor,
  toLinear: Uint16Array | undefined,
  out: Uint8Array,
  method: string,
): void {
  const count = channels.length;
  if (width <= 0 || height <= 0) return;
  const blocksX = Math.ceil(width / 8);
  const blocksY = Math.ceil(height / 8);
  const blocks = blocksX * blocksY;
  if (dc.end - dc.position < count * blocks) {
    throw corruptChunk(method, `the DC data has ${dc.end - dc.position} values left, the channels need ${count * blocks}`);
  }
  const halfTable = halfDecodeTable();
  const halfBits = new Uint32Array(halfTable.buffer, halfTable.byteOffset, halfTable.length);
  const words = new Uint16Array(out.buffer, out.byteOffset, out.byteLength >> 1);
  const swap = !LITTLE_ENDIAN;
  const dct = [new Float32Array(64), new Float32Array(64), new Float32Array(64)];
  const dctBits = dct.map((data) => new Uint32Array(data.buffer));
  // The coefficients of the block being decoded, as half bits (row-major), and the row-pass products.
  const halves = new Uint16Array(64);
  const rowProducts = rowProductTable();
  const dcValues = dc.values;
  const dcStart = dc.position;
  const acValues = ac.values;
  const acEnd = ac.end;
  let position = ac.position;
  // The fused path: three HALF channels of a Y'CbCr set, nonlinear, little-endian words.
  const fusedRgb = count === 3 && toLinear !== undefined && !swap && channels.every((channel) => channel.type === PixelType.HALF);
  const rowsR = channels[0]!.rows;
  const rowsG = channels[count === 3 ? 1 : 0]!.rows;
  const rowsB = channels[count === 3 ? 2 : 0]!.rows;
  const rgb = new Float32Array(24);
  const rgbBits = new Uint32Array(rgb.buffer);

  for (let blockY = 0; blockY < blocksY; blockY++) {
    const rowsInBlock = Math.min(8, height - blockY * 8);
    for (let blockX = 0; blockX < blocksX; blockX++) {
      const columnsInBlock = Math.min(8, width - blockX * 8);
      let blockIsConstant = true;
      // Bit c: channel c is DC-only in this block.
      let constant = 0;
      for (let c = 0; c < count; c++) {
        // 1. DC and run-length decoded AC, into row-major order.
        const data = dct[c]!;
        const dcHalf = dcValues[dcStart + c * blocks + blockY * blocksX + blockX]!;
        if (position >= acEnd) throw corruptChunk(method, 'the AC data ends inside a block');
        let value = acValues[position]!;
        if (value === 0xff00) {
          // 2a. No AC coefficient: every pixel gets the DC-only value.
          position++;
          data[0] = inverseDcOnly(halfTable[dcHalf]!);
          constant |= 1 << c;
          continue;
        }
        // A block has at most 63 AC values: with that many left, no end check is needed.
        if (acEnd - position < 63) checkBlockEnd(acValues, position, acEnd, method);
        const decoded = decodeBlock(acValues, position, data, halves, rowProducts, halfTable, dcHalf);
        const dcOnly = decoded & 1;
        position = (decoded - dcOnly) / 2;
        constant |= dcOnly << c;
        if (dcOnly === 0) blockIsConstant = false;
      }

      if (blockIsConstant) {
        // 3. Y'CbCr -> R'G'B' on one value, 4. one half per channel, filled over the block.
        if (count === 3) inverseCsc709(dct[0]!, dct[1]!, dct[2]!, 1);
        for (let c = 0; c < count; c++) {
          const channel = channels[c]!;
          let bits = floatBitsToHalf(dctBits[c]![0]!);
          if (toLinear !== undefined) bits = toLinear[bits]!;
          const rows = channel.rows;
          if (channel.type === PixelType.FLOAT) {
            const floatBits = halfBits[bits]!;
            const low = swap ? byteSwap16(floatBits & 0xffff) : floatBits & 0xffff;
            const high = swap ? byteSwap16(floatBits >>> 16) : floatBits >>> 16;
            for (let row = 0; row < rowsInBlock; row++) {
              let at = (rows[blockY * 8 + row]! >> 1) + blockX * 16;
              for (let column = 0; column < columnsInBlock; column++) {
                words[at++] = low;
                words[at++] = high;
              }
            }
          } else {
            const word = swap ? byteSwap16(bits) : bits;
            for (let row = 0; row < rowsInBlock; row++) {
              const at = (rows[blockY * 8 + row]! >> 1) + blockX * 8;
              words.fill(word, at, at + columnsInBlock);
            }
          }
        }
        continue;
      }

      // A DC-only channel in a block that is not constant overall needs all 64 values.
      for (let c = 0; c < count; c++) if ((constant & (1 << c)) !== 0) dct[c]!.fill(dct[c]![0]!);
      if (fusedRgb) {
        // 3.-4. for the common case (R, G, B halves, nonlinear): the colour transform, float ->
        // half and the table back to linear in one pass, each pixel stored in its three lines.
        convertRgbBlock(dct[0]!, dct[1]!, dct[2]!, words, rowsR, rowsG, rowsB, blockY * 8, rowsInBlock, blockX * 8, columnsInBlock, toLinear!, rgb, rgbBits);
        continue;
      }
      // 3. Y'CbCr -> R'G'B'.
      if (count === 3) inverseCsc709(dct[0]!, dct[1]!, dct[2]!, 64);
      // 4. float -> half -> linear, into the lines of the chunk.
      for (let c = 0; c < count; c++) {
        const channel = channels[c]!;
        const bits = dctBits[c]!;
        const rows = channel.rows;
        const float = channel.type === PixelType.FLOAT;
        for (let row = 0; row < rowsInBlock; row++) {
          const source = row * 8;
          if (float) {
            let at = (rows[blockY * 8 + row]! >> 1) + blockX * 16;
            for (let column = 0; column < columnsInBlock; column++) {
              let half = floatBitsToHalf(bits[source + column]!);
              if (toLinear !== undefined) half = toLinear[half]!;
              const floatBits = halfBits[half]!;
              words[at++] = swap ? byteSwap16(floatBits & 0xffff) : floatBits & 0xffff;
              words[at++] = swap ? byteSwap16(floatBits >>> 16) : floatBits >>> 16;
            }
          } else {
            let at = (rows[blockY * 8 + row]! >> 1) + blockX * 8;
            if (toLinear !== undefined && !swap) {
              for (let column = 0; column < columnsInBlock; column++) words[at++] = toLinear[floatBitsToHalf(bits[source + column]!)]!;
            } else {
              for (let column = 0; column < columnsInBlock; column++) {
                let half = floatBitsToHalf(bits[source + column]!);
                if (toLinear !== undefined) half = toLinear[half]!;
                words[at++] = swap ? byteSwap16(half) : half;
              }
            }
          }
        }
      }
    }
  }
  ac.position = position;
  dc.position = dcStart + count * blocks;
}

/**
 * One block of one channel from its DC half and its AC values at `values[position]`: the
 * coefficients unpacked as half bits into `halves` (see `unpackAc`), then the inverse DCT into
 * `data` (from the halves, or from their floats where trailing rows are zero or a coefficient is
 * not finite), or OpenEXR's DC-only shortcut (`data[0]` only) when no AC coefficient is non-zero.
 * Returns the new position times 2, plus 1 for a DC-only block (plain arithmetic: positions can
 * pass 2^31).
 */
function decodeBlock(
  values: Uint16Array,
  position: number,
  data: Float32Array,
  halves: Uint16Array,
  rowProducts: RowProducts,
  halfTable: Float32Array,
  dcHalf: number,
): number {
  halves[0] = dcHalf;
  const unpacked = unpackAc(values, position, halves);
  const lastNonZero = unpacked & 63;
  const notFinite = unpacked & 64;
  const next = (unpacked - notFinite - lastNonZero) / 128;
  if (lastNonZero === 0) {
    data[0] = inverseDcOnly(halfTable[dcHalf]!);
    return next * 2 + 1;
  }
  const zeroedRows = zeroedRowsFor(lastNonZero);
  if (zeroedRows === 0 && notFinite === 0 && (dcHalf & 0x7c00) !== 0x7c00) {
    inverseDct8x8FromHalves(halves, halfTable[dcHalf]!, rowProducts.products, data);
    return next * 2;
  }
  // The rows the inverse DCT reads as floats (it transforms rows in pairs).
  const rows = 8 - zeroedRows;
  const count = rows >= 7 ? 64 : ((rows + 1) & ~1) * 8;
  for (let i = 0; i < count; i++) data[i] = halfTable[halves[i]!]!;
  inverseDct8x8(data, zeroedRows);
  return next * 2;
}

/**
 * Unpacks one block's AC values from `values[position]` into `halves` (row-major half bits): every
 * position 1..63 is written once, a coefficient or a zero of a run (no clearing first). Returns the
 * new position times 128, plus 64 when a coefficient is a NaN or an infinity, plus the zig-zag index
 * of the last non-zero coefficient (0: none).
 * One store per position and no loop nested in the loop: V8 compiles an innermost loop to tighter code
 * (with a nested loop for the runs, this loop alone measured ~1.5x slower).
 */
function unpackAc(values: Uint16Array, position: number, halves: Uint16Array): number {
  let lastNonZero = 0;
  let zeros = 0;
  let notFinite = 0;
  for (let index = 1; index < 64; index++) {
    if (zeros > 0) {
      zeros--;
      halves[NATURAL_ORDER[index]!] = 0;
      continue;
    }
    const value = values[position++]!;
    if ((value & 0xff00) === 0xff00) {
      // A run of zeros (0xff00: the rest of the block).
      const run = value & 0xff;
      zeros = run === 0 ? 63 : run - 1;
      halves[NATURAL_ORDER[index]!] = 0;
    } else {
      lastNonZero = index;
      if ((value & 0x7c00) === 0x7c00) notFinite = 64;
      halves[NATURAL_ORDER[index]!] = value;
    }
  }
  return position * 128 + notFinite + lastNonZero;
}

/**
 * The colour transform, float -> half and the table back to linear for one block of a Y'CbCr set
 * of HALF channels, each pixel stored in its three lines (16-bit words, little-endian platform).
 */
function convertRgbBlock(
  lumaBlock: Float32Array,
  blueBlock: Float32Array,
  redBlock: Float32Array,
  words: Uint16Array,
  rowsR: readonly number[],
  rowsG: readonly number[],
  rowsB: readonly number[],
  firstLine: number,
  rowsInBlock: number,
  firstColumn: number,
  columnsInBlock: number,
  toLinear: Uint16Array,
  rgb: Float32Array,
  rgbBits: Uint32Array,
): void {
  for (let row = 0; row < rowsInBlock; row++) {
    const source = row * 8;
    // inverseCsc709 on the row, operation for operation (the Float32Array stores round), into
    // `rgb` (R, G, B runs of 8), then read back as bits in a second loop (no store read straight back).
    for (let column = 0; column < columnsInBlock; column++) {
      const luma = lumaBlock[source + column]!;
      const blue = blueBlock[source + column]!;
      const red = redBlock[source + column]!;
      rgb[column] = luma + f(red * RED_FROM_CR);
      rgb[8 + column] = f(f(blue * GREEN_FROM_CB) + luma) + f(red * GREEN_FROM_CR);
      rgb[16 + column] = f(BLUE_FROM_CB * blue) + luma;
    }
    const atR = (rowsR[firstLine + row]! >> 1) + firstColumn;
    const atG = (rowsG[firstLine + row]! >> 1) + firstColumn;
    const atB = (rowsB[firstLine + row]! >> 1) + firstColumn;
    for (let column = 0; column < columnsInBlock; column++) {
      words[atR + column] = toLinear[floatBitsToHalf(rgbBits[column]!)]!;
      words[atG + column] = toLinear[floatBitsToHalf(rgbBits[8 + column]!)]!;
      words[atB + column] = toLinear[floatBitsToHalf(rgbBits[16 + column]!)]!;
    }
  }
}

/** Throws unless the AC values from `position` end a block before `end` (near the end of the data only). */
function checkBlockEnd(values: Uint16Array, position: number, end: number, method: string): void {
  for (let index = 1; index < 64; ) {
    if (position >= end) throw corruptChunk(method, 'the AC data ends inside a block');
    const value = values[position++]!;
    if ((value & 0xff00) === 0xff00) index = (value & 0xff) === 0 ? 64 : index + (value & 0xff);
    else index++;
  }
}

function byteSwap16(value: number): number {
  return ((value & 0xff) << 8) | (value >>> 8);
}

const floatView = new Float32Array(1);
const floatBitsView = new Uint32Array(floatView.buffer);

const ZIGZAG_INDEX = Uint8Array.from(ZIGZAG);

/** `NATURAL_ORDER[k]`: the row-major position of the coefficient at zig-zag position k. */
const NATURAL_ORDER = (() => {
  const order = new Uint8Array(64);
  for (let i = 0; i < 64; i++) order[ZIGZAG_INDEX[i]!] = i;
  return order;
})();

// ---------------------------------------------------------------------------------------------
// Encoding

// JPEG's quantization tables, normalized by their smallest entry.
const QUANT_Y = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22,
  37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
].map((value) => Math.fround(value / 10));
const QUANT_CBCR = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
].map((value) => Math.fround(value / 17));

/** The half with the fewest set bits within `tolerance` of `bits` (OpenEXR `quantize`). */
function quantize(bits: number, tolerance: number, table: Float32Array): number {
  const value = table[bits]!;
  const { list, start } = quantizationCandidates(bits);
  const end = start + 1 + list[start]!;
  for (let i = start + 1; i < end; i++) {
    const candidate = list[i]!;
    if (Math.abs(Math.fround(table[candidate]! - value)) < tolerance) return candidate;
  }
  return bits;
}

/** A growable list of 16-bit values. */
export class ValueList {
  values: Uint16Array;
  length = 0;

  constructor(capacity: number) {
    this.values = new Uint16Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Uint16Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}

/**
 * Encodes 1 or 3 LOSSY_DCT channels of `width` x `height` samples read from `raw` (the Xdr buffer),
 * appending AC values to `ac` and DC values to `dc`. `toNonlinear` is absent for pLinear single
 * channels; `baseError` is `dwaCompressionLevel / 100000`.
 */
export function encodeLossyDct(
  channels: readonly LossyChannel[],
  width: number,
  height: number,
  raw: Uint8Array,
  toNonlinear: Uint16Array | undefined,
  baseError: number,
  ac: ValueList,
  dc: ValueList,
): void {
  const count = channels.length;
  if (width <= 0 || height <= 0) return;
  const blocksX = Math.ceil(width / 8);
  const blocksY = Math.ceil(height / 8);
  const table = halfDecodeTable();
  const toleranceY = QUANT_Y.map((value) => Math.fround(baseError * value));
  const toleranceCbCr = QUANT_CBCR.map((value) => Math.fround(baseError * value));

  // Samples as half bits, FLOAT channels clamped to the half range first.
  const samples = channels.map((channel) => {
    const plane = new Uint16Array(width * height);
    for (let y = 0; y < height; y++) {
      let at = channel.rows[y]!;
      for (let x = 0; x < width; x++) {
        if (channel.type === PixelType.FLOAT) {
          floatBitsView[0] = (raw[at]! | (raw[at + 1]! << 8) | (raw[at + 2]! << 16) | (raw[at + 3]! << 24)) >>> 0;
          // std::max(std::min(HALF_MAX, v), -HALF_MAX), where a NaN becomes HALF_MAX.
          const value = floatView[0]!;
          const below = value < 65504 ? value : 65504;
          plane[y * width + x] = floatToHalf(below < -65504 ? -65504 : below);
          at += 4;
        } else {
          plane[y * width + x] = raw[at]! | (raw[at + 1]! << 8);
          at += 2;
        }
      }
    }
    return plane;
  });

  const dct = channels.map(() => new Float32Array(64));
  const dctBits = dct.map((data) => new Uint32Array(data.buffer));
  const coefficients = new Uint16Array(64);
  const dcPlanes = channels.map(() => new Uint16Array(blocksX * blocksY));
  for (let blockY = 0; blockY < blocksY; blockY++) {
    for (let blockX = 0; blockX < blocksX; blockX++) {
      for (let c = 0; c < count; c++) {
        const plane = samples[c]!;
        const data = dct[c]!;
        for (let y = 0; y < 8; y++) {
          // Past the edge, mirror (the edge sample repeated).
          let sy = blockY * 8 + y;
          if (sy >= height) sy = height - (sy - (height - 1));
          if (sy < 0) sy = height - 1;
          for (let x = 0; x < 8; x++) {
            let sx = blockX * 8 + x;
            if (sx >= width) sx = width - (sx - (width - 1));
            if (sx < 0) sx = width - 1;
            let bits = plane[sy * width + sx]!;
            if (toNonlinear !== undefined) bits = toNonlinear[bits]!;
            data[y * 8 + x] = table[bits]!;
          }
        }
      }
      if (count === 3) forwardCsc709(dct[0]!, dct[1]!, dct[2]!);
      for (let c = 0; c < count; c++) {
        forwardDct8x8(dct[c]!);
        const bits = dctBits[c]!;
        const tolerances = c === 0 ? toleranceY : toleranceCbCr;
        for (let i = 0; i < 64; i++) coefficients[ZIGZAG_INDEX[i]!] = quantize(floatBitsToHalf(bits[i]!), tolerances[i]!, table);
        dcPlanes[c]![blockY * blocksX + blockX] = coefficients[0]!;
        // Run-length code the AC coefficients.
        let index = 1;
        while (index < 64) {
          if (coefficients[index] !== 0) {
            ac.push(coefficients[index]!);
            index++;
            continue;
          }
          let run = 1;
          while (index + run < 64 && coefficients[index + run] === 0) run++;
          if (run === 1) ac.push(0);
          else if (index + run === 64) ac.push(0xff00);
          else ac.push(0xff00 | run);
          index += run;
        }
      }
    }
  }
  for (const plane of dcPlanes) for (let i = 0; i < plane.length; i++) dc.push(plane[i]!);
}
