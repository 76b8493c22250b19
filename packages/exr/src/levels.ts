/**
 * Resolution levels for writing mip-mapped and rip-mapped tiled parts when the caller gives only
 * level 0: each level is a box-filtered reduction of level 0 (the average of the level-0 pixels
 * under each output pixel; UINT channels take the top-left pixel so ids are never blended).
 */
import { floatToHalf, halfDecodeTable } from '@vfxkit/core';
import type { ExrPixelType } from './model.js';

/** The level-0 source range [start, end) of output index i of n over a size of total. */
function footprint(i: number, n: number, total: number): [number, number] {
  const start = Math.floor((i * total) / n);
  const end = Math.max(start + 1, Math.floor(((i + 1) * total) / n));
  return [start, Math.min(end, total)];
}

/** Reduces one channel plane of width x height to outWidth x outHeight. */
export function reducePlane(
  data: Uint16Array | Float32Array | Uint32Array,
  type: ExrPixelType,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Uint16Array | Float32Array | Uint32Array {
  const count = outWidth * outHeight;
  if (type === 'uint') {
    const out = new Uint32Array(count);
    for (let y = 0; y < outHeight; y++) {
      const sy = footprint(y, outHeight, height)[0];
      for (let x = 0; x < outWidth; x++) out[y * outWidth + x] = data[sy * width + footprint(x, outWidth, width)[0]]!;
    }
    return out;
  }
  const table = type === 'half' ? halfDecodeTable() : undefined;
  const value = table === undefined ? (i: number) => data[i]! : (i: number) => table[data[i]!]!;
  const out = type === 'half' ? new Uint16Array(count) : new Float32Array(count);
  for (let y = 0; y < outHeight; y++) {
    const [y0, y1] = footprint(y, outHeight, height);
    for (let x = 0; x < outWidth; x++) {
      const [x0, x1] = footprint(x, outWidth, width);
      let sum = 0;
      for (let sy = y0; sy < y1; sy++) for (let sx = x0; sx < x1; sx++) sum += value(sy * width + sx);
      const average = sum / ((y1 - y0) * (x1 - x0));
      out[y * outWidth + x] = type === 'half' ? floatToHalf(average) : average;
    }
  }
  return out;
}
