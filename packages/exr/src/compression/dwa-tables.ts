/**
 * The lookup tables of DWAA/DWAB, computed at first use the way OpenEXR's generator
 * (`dwaLookups.cpp`) computes them, in single precision: the transfer curve between linear values
 * and the nonlinear values the DCT works on, the zig-zag order of the 8x8 coefficients, and the
 * quantization candidates (the halves closest to a value with fewer bits set).
 *
 * The nonlinear curve (see OpenEXR `ImfDwaCompressor.cpp`): a gamma 2.2 power below 1 and a log above,
 * blended to be smooth at 1:
 *   nonlinear(x) = x^(1/2.2)                for |x| <= 1
 *                  ln(|x|) / ln(e^2.2) + 1  otherwise (sign kept)
 * Infinities and NaNs map to 0.
 */
import { floatToHalf, halfToFloat } from '@vfxkit/core';

const f = Math.fround;

/** e^2.2 as OpenEXR's generator has it: `float logBase = pow(2.7182818, 2.2)`. */
const LOG_BASE = f(Math.pow(2.7182818, 2.2));

let toLinearTable: Uint16Array | undefined;
let toNonlinearTable: Uint16Array | undefined;

/** Nonlinear half bits -> linear half bits (OpenEXR `dwaCompressorToLinear`). */
export function dwaToLinearTable(): Uint16Array {
  if (toLinearTable === undefined) {
    const table = new Uint16Array(65536);
    const exponent = f(2.2);
    for (let bits = 1; bits < 65536; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue;
      const value = halfToFloat(bits);
      const sign = value < 0 ? -1 : 1;
      const magnitude = Math.abs(value);
      const linear = magnitude <= 1 ? f(Math.pow(magnitude, exponent)) : f(Math.pow(LOG_BASE, f(magnitude - 1)));
      table[bits] = floatToHalf(f(sign * linear));
    }
    toLinearTable = table;
  }
  return toLinearTable;
}

/** Linear half bits -> nonlinear half bits (OpenEXR `dwaCompressorToNonlinear`). */
export function dwaToNonlinearTable(): Uint16Array {
  if (toNonlinearTable === undefined) {
    const table = new Uint16Array(65536);
    const exponent = f(f(1) / f(2.2));
    const logOfBase = f(Math.log(LOG_BASE));
    for (let bits = 1; bits < 65536; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue;
      const value = halfToFloat(bits);
      const sign = value < 0 ? -1 : 1;
      const magnitude = Math.abs(value);
      const nonlinear = magnitude <= 1 ? f(Math.pow(magnitude, exponent)) : f(f(f(Math.log(magnitude)) / logOfBase) + 1);
      table[bits] = floatToHalf(f(sign * nonlinear));
    }
    toNonlinearTable = table;
  }
  return toNonlinearTable;
}

/**
 * `ZIGZAG[i]` is the zig-zag position of the coefficient at row-major position i:
 *
 *    0  1  5  6 14 15 27 28
 *    2  4  7 13 16 26 29 42
 *    3  8 12 17 25 30 41 43
 *    9 11 18 24 31 40 44 53
 *   10 19 23 32 39 45 52 54
 *   20 22 33 38 46 51 55 60
 *   21 34 37 47 50 56 59 61
 *   35 36 48 49 57 58 62 63
 */
export const ZIGZAG: readonly number[] = (() => {
  const order = new Array<number>(64);
  let index = 0;
  for (let diagonal = 0; diagonal < 15; diagonal++) {
    const cells: number[] = [];
    for (let row = 0; row < 8; row++) {
      const column = diagonal - row;
      if (column >= 0 && column < 8) cells.push(row * 8 + column);
    }
    // Even diagonals run up-right (bottom-left first), odd ones down-left.
    if (diagonal % 2 === 0) cells.reverse();
    for (const cell of cells) order[cell] = index++;
  }
  return order;
})();

// ---------------------------------------------------------------------------------------------
// Quantization candidates

function bitCount(value: number): number {
  value = value - ((value >> 1) & 0x5555);
  value = (value & 0x3333) + ((value >> 2) & 0x3333);
  value = (value + (value >> 4)) & 0x0f0f;
  return (value + (value >> 8)) & 0x1f;
}

let halvesByBits: Uint16Array[] | undefined;

/** All 65,536 half bit patterns grouped by how many bits are set, each group sorted by value. */
function halvesByBitCount(): Uint16Array[] {
  if (halvesByBits === undefined) {
    const groups: number[][] = Array.from({ length: 17 }, () => []);
    for (let bits = 0; bits < 65536; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue; // never a candidate worth having: not finite
      groups[bitCount(bits)]!.push(bits);
    }
    halvesByBits = groups.map((group) => {
      group.sort((a, b) => halfToFloat(a) - halfToFloat(b) || a - b);
      return Uint16Array.from(group);
    });
  }
  return halvesByBits;
}

/**
 * The half closest in value to `target` among those with exactly `bits` bits set (ties: the smaller
 * bit pattern, as OpenEXR's exhaustive search finds it first).
 */
function closestWithBits(target: number, bits: number): number {
  const group = halvesByBitCount()[bits]!;
  if (group.length === 0) return -1;
  let low = 0;
  let high = group.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (halfToFloat(group[middle]!) < target) low = middle + 1;
    else high = middle;
  }
  let best = -1;
  let bestDistance = Infinity;
  // The nearest values sit around the insertion point; equal values (+0/-0) may spread a little.
  for (let i = Math.max(0, low - 2); i < Math.min(group.length, low + 2); i++) {
    const candidate = group[i]!;
    const distance = Math.abs(f(target - halfToFloat(candidate)));
    if (distance < bestDistance || (distance === bestDistance && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

// Candidates computed so far: `candidateStart[bits]` indexes `candidateList` (-1: not yet), and the
// list holds the candidate count followed by the candidates.
const candidateStart = new Int32Array(65536).fill(-1);
let candidateList = new Uint16Array(4096);
let candidateLength = 0;

/**
 * The quantization candidates of a half value: for each smaller number of set bits, the closest
 * half with that many bits, sorted by increasing bit count (OpenEXR `closestData`). Computed on
 * demand and kept. Returns the index in `list` of the count, followed by the candidates.
 */
export function quantizationCandidates(bits: number): { list: Uint16Array; start: number } {
  let start = candidateStart[bits]!;
  if (start < 0) {
    const target = halfToFloat(bits);
    const found: number[] = [];
    for (let count = 0; count < bitCount(bits); count++) {
      const closest = closestWithBits(target, count);
      if (closest >= 0) found.push(closest);
    }
    if (candidateLength + found.length + 1 > candidateList.length) {
      const grown = new Uint16Array(candidateList.length * 2 + found.length + 1);
      grown.set(candidateList);
      candidateList = grown;
    }
    start = candidateLength;
    candidateList[candidateLength++] = found.length;
    for (const candidate of found) candidateList[candidateLength++] = candidate;
    candidateStart[bits] = start;
  }
  return { list: candidateList, start };
}
