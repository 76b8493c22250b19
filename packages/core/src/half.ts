/**
 * IEEE 754 binary16 ("half") conversion, as OpenEXR's `half` type stores it: 1 sign bit, 5 exponent
 * bits (bias 15), 10 mantissa bits; denormals, infinities and NaN kept. Decoding uses a 65,536-entry
 * table; encoding rounds to nearest even like OpenEXR's `half(float)` constructor.
 */

let decodeTable: Float32Array | undefined;

function buildDecodeTable(): Float32Array {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    let value: number;
    if (exponent === 0) value = sign * mantissa * 2 ** -24;
    else if (exponent === 31) value = mantissa === 0 ? sign * Infinity : NaN;
    else value = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
    table[h] = value;
  }
  return table;
}

/** The float value of the half whose bits are `bits` (0..65535). */
export function halfToFloat(bits: number): number {
  decodeTable ??= buildDecodeTable();
  return decodeTable[bits & 0xffff]!;
}

/** The decode table itself, for hot loops (`table[bits]`). */
export function halfDecodeTable(): Float32Array {
  decodeTable ??= buildDecodeTable();
  return decodeTable;
}

const floatView = new Float32Array(1);
const bitsView = new Uint32Array(floatView.buffer);

/** The half bits nearest to `value` (round to nearest, ties to even; overflow to infinity). */
export function floatToHalf(value: number): number {
  floatView[0] = value;
  const f = bitsView[0]!;
  const sign = (f >>> 16) & 0x8000;
  const exponent = (f >>> 23) & 0xff;
  let mantissa = f & 0x7fffff;

  if (exponent === 0xff) {
    // Infinity or NaN: keep a quiet NaN with some payload bit set.
    return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13);
  }
  const e = exponent - 127 + 15;
  if (e >= 31) return sign | 0x7c00; // overflow
  if (e <= 0) {
    if (e < -10) return sign; // too small: signed zero
    mantissa |= 0x800000; // implicit leading one
    const shift = 14 - e;
    const halfMantissa = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    let result = halfMantissa;
    if (remainder > halfway || (remainder === halfway && (halfMantissa & 1) === 1)) result++;
    return sign | result;
  }
  let result = (e << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && (result & 1) === 1)) result++; // may carry into the exponent: correct
  return sign | result;
}

/** Decode a run of half bits into floats. */
export function halvesToFloats(bits: Uint16Array, out: Float32Array = new Float32Array(bits.length)): Float32Array {
  const table = halfDecodeTable();
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

/** Encode a run of floats into half bits. */
export function floatsToHalves(values: Float32Array | number[], out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  for (let i = 0; i < values.length; i++) out[i] = floatToHalf(values[i]!);
  return out;
}
