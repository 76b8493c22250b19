/**
 * The fused front of a colour transform: decode curve, 3x3 matrix, encode curve, applied pixel by
 * pixel in one loop straight from the input to the output (or to a block for the LUT stages that
 * follow). One loop with everything in registers runs about three times faster than separate passes
 * over a scratch block; the curves' table lookups are small functions V8 inlines.
 */
import type { Matrix3 } from '../matrix.js';
import type { Stage } from './stages.js';
import type { TransferTable } from './tables.js';

/** A per-value curve: a lookup table where it has one, the exact function elsewhere. */
export interface Curve {
  readonly start: number;
  readonly scale: number;
  /** 0 when there is no table: every value is computed exactly. */
  readonly intervals: number;
  readonly entries: Float64Array;
  readonly fn: (x: number) => number;
}

const NO_ENTRIES = new Float64Array(0);

export function compileCurve(fn: (x: number) => number, table: TransferTable | null): Curve {
  return table === null
    ? { start: 0, scale: 0, intervals: 0, entries: NO_ENTRIES, fn }
    : { start: table.start, scale: table.scale, intervals: table.intervals, entries: table.entries, fn };
}

/** The curve at x: linear interpolation in the table (value + slope · fraction), or the exact
 *  function outside it, for NaN, and in intervals the table marks (NaN slope). */
export function applyCurve(curve: Curve, x: number): number {
  const t = (x - curve.start) * curve.scale;
  if (t >= 0 && t < curve.intervals) {
    const k = t | 0;
    const j = k << 1;
    const entries = curve.entries;
    const y = entries[j]! + entries[j + 1]! * (t - k);
    if (y === y) return y;
  }
  return curve.fn(x);
}

/** Decode, matrix, encode; any of them may be absent. */
export interface Front {
  readonly decode: Curve | null;
  readonly matrix: Matrix3 | null;
  readonly encode: Curve | null;
}

const IDENTITY = (x: number): number => x;

/**
 * Runs the front over pixels [first, first + count) of interleaved `data` (3 or 4 channels). With
 * `block` the RGB results go there (3 per pixel, from index 0); without, into `out` at the same
 * positions, alpha copied. Reading each pixel before writing it makes `out === data` safe.
 *
 * The curve lookups are `applyCurve` written out with the tables in local variables: measured
 * alternately against calling `applyCurve`, this runs 1.4 to 1.6 times faster in V8 (Node 20).
 */
export function runFront(
  front: Front,
  data: Float32Array,
  channels: number,
  first: number,
  count: number,
  out: Float32Array,
  block: Float64Array | null,
): void {
  const { decode, encode, matrix } = front;
  const hasDecode = decode !== null;
  const hasEncode = encode !== null;
  const hasMatrix = matrix !== null;
  const dStart = hasDecode ? decode.start : 0;
  const dScale = hasDecode ? decode.scale : 0;
  const dIntervals = hasDecode ? decode.intervals : 0;
  const dEntries = hasDecode ? decode.entries : NO_ENTRIES;
  const dFn = hasDecode ? decode.fn : IDENTITY;
  const eStart = hasEncode ? encode.start : 0;
  const eScale = hasEncode ? encode.scale : 0;
  const eIntervals = hasEncode ? encode.intervals : 0;
  const eEntries = hasEncode ? encode.entries : NO_ENTRIES;
  const eFn = hasEncode ? encode.fn : IDENTITY;
  const m0 = hasMatrix ? matrix[0] : 1;
  const m1 = hasMatrix ? matrix[1] : 0;
  const m2 = hasMatrix ? matrix[2] : 0;
  const m3 = hasMatrix ? matrix[3] : 0;
  const m4 = hasMatrix ? matrix[4] : 1;
  const m5 = hasMatrix ? matrix[5] : 0;
  const m6 = hasMatrix ? matrix[6] : 0;
  const m7 = hasMatrix ? matrix[7] : 0;
  const m8 = hasMatrix ? matrix[8] : 1;
  const alpha = channels === 4;
  const toBlock = block !== null;
  const end = (first + count) * channels;
  let j = 0;
  for (let s = first * channels; s < end; s += channels) {
    let r = data[s]!;
    let g = data[s + 1]!;
    let b = data[s + 2]!;
    if (hasDecode) {
      let t = (r - dStart) * dScale;
      if (t >= 0 && t < dIntervals) {
        const k = t | 0;
        const y = dEntries[k << 1]! + dEntries[(k << 1) + 1]! * (t - k);
        r = y === y ? y : dFn(r);
      } else r = dFn(r);
      t = (g - dStart) * dScale;
      if (t >= 0 && t < dIntervals) {
        const k = t | 0;
        const y = dEntries[k << 1]! + dEntries[(k << 1) + 1]! * (t - k);
        g = y === y ? y : dFn(g);
      } else g = dFn(g);
      t = (b - dStart) * dScale;
      if (t >= 0 && t < dIntervals) {
        const k = t | 0;
        const y = dEntries[k << 1]! + dEntries[(k << 1) + 1]! * (t - k);
        b = y === y ? y : dFn(b);
      } else b = dFn(b);
    }
    if (hasMatrix) {
      const r0 = r;
      const g0 = g;
      r = m0 * r0 + m1 * g0 + m2 * b;
      g = m3 * r0 + m4 * g0 + m5 * b;
      b = m6 * r0 + m7 * g0 + m8 * b;
    }
    if (hasEncode) {
      let t = (r - eStart) * eScale;
      if (t >= 0 && t < eIntervals) {
        const k = t | 0;
        const y = eEntries[k << 1]! + eEntries[(k << 1) + 1]! * (t - k);
        r = y === y ? y : eFn(r);
      } else r = eFn(r);
      t = (g - eStart) * eScale;
      if (t >= 0 && t < eIntervals) {
        const k = t | 0;
        const y = eEntries[k << 1]! + eEntries[(k << 1) + 1]! * (t - k);
        g = y === y ? y : eFn(g);
      } else g = eFn(g);
      t = (b - eStart) * eScale;
      if (t >= 0 && t < eIntervals) {
        const k = t | 0;
        const y = eEntries[k << 1]! + eEntries[(k << 1) + 1]! * (t - k);
        b = y === y ? y : eFn(b);
      } else b = eFn(b);
    }
    if (toBlock) {
      block[j] = r;
      block[j + 1] = g;
      block[j + 2] = b;
      j += 3;
    } else {
      const a = alpha ? data[s + 3]! : 0;
      out[s] = r;
      out[s + 1] = g;
      out[s + 2] = b;
      if (alpha) out[s + 3] = a;
    }
  }
}

/** The front as a block stage (for planar data and single colours): the same arithmetic. */
export function frontStage(front: Front): Stage {
  const { decode, encode } = front;
  const m = front.matrix;
  return (rgb, count) => {
    const n = count * 3;
    for (let i = 0; i < n; i += 3) {
      let r = rgb[i]!;
      let g = rgb[i + 1]!;
      let b = rgb[i + 2]!;
      if (decode !== null) {
        r = applyCurve(decode, r);
        g = applyCurve(decode, g);
        b = applyCurve(decode, b);
      }
      if (m !== null) {
        const r0 = r;
        const g0 = g;
        r = m[0] * r0 + m[1] * g0 + m[2] * b;
        g = m[3] * r0 + m[4] * g0 + m[5] * b;
        b = m[6] * r0 + m[7] * g0 + m[8] * b;
      }
      if (encode !== null) {
        r = applyCurve(encode, r);
        g = applyCurve(encode, g);
        b = applyCurve(encode, b);
      }
      rgb[i] = r;
      rgb[i + 1] = g;
      rgb[i + 2] = b;
    }
  };
}
