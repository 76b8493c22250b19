/**
 * Images the viewer tests write as EXR (view-browser, view-inflate-helper, view-proxy): noise that
 * ZIP cannot shrink much, and a large smooth-plus-noise frame for the display-resolution proxies.
 */
import { floatToHalf } from '@vfxkit/core';

export type HalfPlane = { name: string; type: 'half'; data: Uint16Array };

/** Half bits of channel `c` at (x, y): finite values in [0, 1), noise that ZIP cannot shrink much. */
export function noisyHalf(x: number, y: number, c: number): number {
  let h = Math.imul(x + 1, 0x9e3779b1) ^ Math.imul(y + 7, 0x85ebca6b) ^ Math.imul(c + 3, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h ^= h >>> 13;
  return (h >>> 0) % 0x3bff;
}

/** Half A, B, G, R planes of `noisyHalf` (channel index c = 0..3 in that order). */
export function noisyPlanes(width: number, height: number): HalfPlane[] {
  return ['A', 'B', 'G', 'R'].map((name, c) => {
    const data = new Uint16Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = noisyHalf(x, y, c);
    return { name, type: 'half' as const, data };
  });
}

/** The large frame: ZIP leaves it over 2 MiB (the size from which the page asks the server for its
 *  first paint); at fit in 960x540 it shows 2.13 image pixels a canvas pixel (2x2 proxy boxes). */
export const LARGE = { width: 2048, height: 1152 };

/**
 * The large frame's half planes named `names` (from A, B, G, R): R a horizontal ramp, G a vertical
 * one, B a sine pattern, each plus noise of +-0.02; A is 1 everywhere.
 */
export function largeSmoothPlanes(names: readonly ('A' | 'B' | 'G' | 'R')[]): HalfPlane[] {
  const { width: w, height: h } = LARGE;
  return names.map((name, c) => {
    const data = new Uint16Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (name === 'A') {
          data[y * w + x] = floatToHalf(1);
          continue;
        }
        const base = name === 'R' ? 0.1 + (0.6 * x) / w : name === 'G' ? 0.1 + (0.6 * y) / h : 0.3 + 0.2 * Math.sin(x / 97) * Math.cos(y / 53);
        const noise = ((noisyHalf(x, y, c) % 1000) / 1000 - 0.5) * 0.04;
        data[y * w + x] = floatToHalf(base + noise);
      }
    }
    return { name, type: 'half' as const, data };
  });
}
