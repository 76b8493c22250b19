/**
 * Per-channel statistics over a part's data window, as `oiiotool --stats` reports them: minimum,
 * maximum, mean and standard deviation of the finite samples, and counts of NaN and infinite ones.
 * Half samples are counted per bit pattern first (65536 counters), then summed once per pattern.
 * Sums are compensated (Neumaier), so values spanning the whole float range (+-1.7e38) do not
 * swamp the mean with rounding noise as a plain double sum does.
 */
import { halfDecodeTable } from '@vfxkit/core';
import type { ExrPixelType } from '@vfxkit/exr';

export interface ChannelStats {
  name: string;
  type: ExrPixelType;
  /** Samples looked at (a subsampled channel has fewer than the window's pixels; deep parts count
   *  every sample). */
  count: number;
  /** Over finite samples; null when there is none. */
  min: number | null;
  max: number | null;
  mean: number | null;
  stdDev: number | null;
  nanCount: number;
  infCount: number;
}

let halfTable: Float32Array | undefined;

/** A compensated (Neumaier) running sum. */
class Sum {
  private sum = 0;
  private compensation = 0;
  add(value: number): void {
    const t = this.sum + value;
    if (Math.abs(this.sum) >= Math.abs(value)) this.compensation += this.sum - t + value;
    else this.compensation += value - t + this.sum;
    this.sum = t;
  }
  get value(): number {
    return this.sum + this.compensation;
  }
}

export function channelStats(name: string, type: ExrPixelType, data: Uint16Array | Float32Array | Uint32Array): ChannelStats {
  let min = Infinity;
  let max = -Infinity;
  const sum = new Sum();
  const sumSquares = new Sum();
  let finite = 0;
  let nanCount = 0;
  let infCount = 0;
  const count = data.length;
  if (type === 'half') {
    // Per bit pattern first: 65536 counters, then one pass over the table.
    halfTable ??= halfDecodeTable();
    const counts = new Uint32Array(65536);
    const bits = data as Uint16Array;
    for (let i = 0; i < count; i++) counts[bits[i]!]!++;
    for (let pattern = 0; pattern < 65536; pattern++) {
      const n = counts[pattern]!;
      if (n === 0) continue;
      const value = halfTable[pattern]!;
      if (Number.isNaN(value)) nanCount += n;
      else if (!Number.isFinite(value)) infCount += n;
      else {
        if (value < min) min = value;
        if (value > max) max = value;
        sum.add(value * n);
        sumSquares.add(value * value * n);
        finite += n;
      }
    }
  } else if (type === 'float') {
    const values = data as Float32Array;
    for (let i = 0; i < count; i++) {
      const value = values[i]!;
      if (value !== value) nanCount++;
      else if (value === Infinity || value === -Infinity) infCount++;
      else {
        if (value < min) min = value;
        if (value > max) max = value;
        sum.add(value);
        sumSquares.add(value * value);
        finite++;
      }
    }
  } else {
    const values = data as Uint32Array;
    for (let i = 0; i < count; i++) {
      const value = values[i]!;
      if (value < min) min = value;
      if (value > max) max = value;
      sum.add(value);
      sumSquares.add(value * value);
    }
    finite = count;
  }
  if (finite === 0) return { name, type, count, min: null, max: null, mean: null, stdDev: null, nanCount, infCount };
  const mean = sum.value / finite;
  const variance = Math.max(0, sumSquares.value / finite - mean * mean);
  return { name, type, count, min, max, mean, stdDev: Math.sqrt(variance), nanCount, infCount };
}
