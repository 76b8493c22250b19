/**
 * Lookup tables for transfer functions, for speed where they are accurate.
 *
 * A transfer function over its usual range (sRGB decode on [0, 1], ACEScct decode on [0, 1.468],
 * ...) is sampled at N + 1 evenly spaced points and interpolated linearly. Linear interpolation of a
 * smooth f over an interval of width h is off by at most h²·max|f''|/8, so the error is measured
 * rather than assumed: every interval is checked against the exact function at its quarter points,
 * and any interval whose error exceeds TABLE_TOLERANCE (relative 1e-7 of the value, plus 1e-10
 * absolute, i.e. about one float32 ulp), or that contains one of the curve's breakpoints (where it
 * changes formula, kinks or jumps), is marked to be computed exactly instead. A table is used only
 * when at most 2% of its intervals need that; tables of 4096 then 65536 intervals are tried. Values
 * outside the table's range, NaN and infinities are always computed exactly.
 *
 * Measured (`ColorTransform.steps` names each table, its size and its largest measured error):
 * every decode direction (sRGB, Rec.709/2020, BT.1886, gamma, ACEScct, ACEScc) tabulates with 65536
 * intervals over its range, at most one interval (the breakpoint's) computed exactly, errors below
 * 1.5e-8 (1e-10 for the power curves); the encode directions of sRGB, BT.1886, gamma and ACEScct
 * compute 0.4-0.8% of their intervals exactly (the steep start of x^(1/2.4), the log near its
 * break) with errors below 2e-8 elsewhere; ACEScc encode is always exact (its 2^-16 offset makes
 * the curve too sharp near 0 for any table).
 */
import type { TransferFunction } from '../transfer.js';

export const TABLE_TOLERANCE = { relative: 1e-7, absolute: 1e-10 } as const;
const TABLE_SIZES = [4096, 65536] as const;
const MAX_EXACT_FRACTION = 0.02;

export interface TransferTable {
  /** The input mapped to the first entry. */
  readonly start: number;
  /** Intervals per unit of input. */
  readonly scale: number;
  readonly intervals: number;
  /** (value, slope) per interval start; the slope is NaN where the interval is computed exactly. */
  readonly entries: Float64Array;
  /** The largest error measured in the intervals that use the table: absolute for values up to 1,
   *  relative to the value above. */
  readonly maxError: number;
  /** How many intervals compute exactly. */
  readonly exactIntervals: number;
}

function build(fn: (x: number) => number, start: number, end: number, intervals: number, breakpoints: readonly number[]): TransferTable | null {
  const width = (end - start) / intervals;
  const entries = new Float64Array(intervals * 2);
  let previous = fn(start);
  let maxError = 0;
  let exactIntervals = 0;
  const limit = Math.floor(intervals * MAX_EXACT_FRACTION);
  for (let k = 0; k < intervals; k++) {
    const x0 = start + k * width;
    const x1 = k === intervals - 1 ? end : start + (k + 1) * width;
    const next = fn(x1);
    const slope = next - previous;
    let ok = Number.isFinite(previous) && Number.isFinite(next);
    for (const breakpoint of breakpoints) if (breakpoint >= x0 && breakpoint <= x1) ok = false;
    let intervalError = 0;
    for (let q = 1; ok && q <= 3; q++) {
      const f = q / 4;
      const exact = fn(x0 + f * (x1 - x0));
      const error = Math.abs(previous + slope * f - exact);
      if (!(error <= TABLE_TOLERANCE.relative * Math.abs(exact) + TABLE_TOLERANCE.absolute)) ok = false;
      else if (error / Math.max(1, Math.abs(exact)) > intervalError) intervalError = error / Math.max(1, Math.abs(exact));
    }
    entries[2 * k] = previous;
    entries[2 * k + 1] = ok ? slope : Number.NaN;
    if (ok) {
      if (intervalError > maxError) maxError = intervalError;
    } else if (++exactIntervals > limit) return null;
    previous = next;
  }
  return { start, scale: intervals / (end - start), intervals, entries, maxError, exactIntervals };
}

/** A table for `fn` over [start, end], or null when no table size is accurate enough. */
export function buildTransferTable(fn: (x: number) => number, start: number, end: number, breakpoints: readonly number[] = []): TransferTable | null {
  for (const size of TABLE_SIZES) {
    const table = build(fn, start, end, size, breakpoints);
    if (table !== null) return table;
  }
  return null;
}

const cache = new WeakMap<TransferFunction, { encode?: TransferTable | null; decode?: TransferTable | null }>();

/** The (cached) table of a transfer function's encode or decode direction, or null to compute
 *  every value exactly. */
export function transferTable(transfer: TransferFunction, direction: 'encode' | 'decode'): TransferTable | null {
  let entry = cache.get(transfer);
  if (entry === undefined) {
    entry = {};
    cache.set(transfer, entry);
  }
  const known = entry[direction];
  if (known !== undefined) return known;
  let table: TransferTable | null = null;
  if (direction === 'decode') {
    const [start, end] = transfer.encodedRange;
    table = buildTransferTable((x) => transfer.decode(x), start, end, transfer.breakpoints.encoded);
  } else if (transfer.linearRange !== null) {
    const [start, end] = transfer.linearRange;
    table = buildTransferTable((x) => transfer.encode(x), start, end, transfer.breakpoints.linear);
  }
  entry[direction] = table;
  return table;
}
