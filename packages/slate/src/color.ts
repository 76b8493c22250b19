/**
 * Template colours: `#rgb`, `#rrggbb` or `[r, g, b]` (0-1), always display-referred sRGB values,
 * as a designer picks them. An 8-bit slate stores them as they are; a float slate stores the linear
 * value that displays as that colour (sRGB decode, then from Rec.709 primaries into the working
 * space's, e.g. ACEScg), so `#ffffff` is 1.0, display white, in every working space.
 */

/** A display-referred colour, each component 0-1. */
export type Rgb = readonly [number, number, number];

/** Parses `#rgb`, `#rrggbb`; undefined when the text is neither. */
export function parseHexColor(text: string): Rgb | undefined {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text.trim());
  if (match === null) return undefined;
  const hex = match[1]!;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16) / 255) as unknown as Rgb;
}

/** sRGB decode (IEC 61966-2-1): a display value 0-1 to linear light. */
export function srgbToLinear(value: number): number {
  return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
}

/** sRGB encode: linear light to a display value 0-1 (clamped). */
export function linearToSrgb(value: number): number {
  const v = Math.min(1, Math.max(0, value));
  return v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055;
}

/**
 * A display sRGB colour as linear light: sRGB-decoded, then through `fromRec709` (a row-major 3x3
 * matrix from linear Rec.709 to the working space's primaries, white kept) when the working space
 * is not linear Rec.709.
 */
export function linearColor(color: Rgb, fromRec709?: readonly number[]): Rgb {
  const r = srgbToLinear(color[0]);
  const g = srgbToLinear(color[1]);
  const b = srgbToLinear(color[2]);
  if (fromRec709 === undefined) return [r, g, b];
  const m = fromRec709;
  return [m[0]! * r + m[1]! * g + m[2]! * b, m[3]! * r + m[4]! * g + m[5]! * b, m[6]! * r + m[7]! * g + m[8]! * b];
}

/** A template colour in the values a slate canvas holds: as it is for `display` (8/16-bit
 *  output), linear light in the working space for `linear` (float output; see `linearColor`). */
export function canvasColor(color: Rgb, encoding: 'display' | 'linear', fromRec709?: readonly number[]): Rgb {
  return encoding === 'display' ? color : linearColor(color, fromRec709);
}
