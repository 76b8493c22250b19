/**
 * Colour bars and the grey ramp, with exactly documented values.
 *
 * Bars: the seven 75% bars of SMPTE EG 1 / RP 219 (white, yellow, cyan, green, magenta, red,
 * blue), each channel either 0 or 75%:
 * - on an 8/16-bit slate the code values are 75% of full scale (191 of 255, 49151 of 65535), as
 *   SMPTE defines bars on the encoded signal;
 * - on a float (EXR) slate the linear values are exactly 0.75 and 0, as Nuke's ColorBars makes
 *   them (0.75 is exact in half and float).
 *
 * Grey ramp: `steps` equal steps from 0 to 1 (default 11: 0, 0.1, ..., 1.0), code values on an
 * 8/16-bit slate (rounded to the nearest code) and linear values on a float slate; `steps: 0` makes
 * a continuous ramp across the box.
 */
import type { Rgb } from './color.js';

/** The level of a bar channel that is on. */
export const BAR_LEVEL = 0.75;

/** The seven bars, left to right, channels 0 or 1 (multiply by BAR_LEVEL). */
export const BAR_PATTERN: readonly Rgb[] = [
  [1, 1, 1],
  [1, 1, 0],
  [0, 1, 1],
  [0, 1, 0],
  [1, 0, 1],
  [1, 0, 0],
  [0, 0, 1],
];

export const BAR_NAMES = ['white', 'yellow', 'cyan', 'green', 'magenta', 'red', 'blue'] as const;

/** The canvas values of bar `index` (0-6): BAR_LEVEL where the bar has the channel, else 0. */
export function barValues(index: number): Rgb {
  const pattern = BAR_PATTERN[index];
  if (pattern === undefined) throw new RangeError(`bar index ${index} is not 0-6`);
  return pattern.map((on) => on * BAR_LEVEL) as unknown as Rgb;
}

/** The value of ramp step `index` of `steps` (0 ... 1). */
export function rampValue(index: number, steps: number): number {
  return steps <= 1 ? 1 : index / (steps - 1);
}

/** The left edge (pixels, from the box's left) of each of `count` equal columns of `width`, plus
 *  the right edge: the same rounding for bars and ramp steps, so columns tile without gaps. */
export function columnEdges(width: number, count: number): number[] {
  const edges: number[] = [];
  for (let i = 0; i <= count; i++) edges.push(Math.round((i * width) / count));
  return edges;
}
