/**
 * Template colours: `#rgb`, `#rrggbb` or `[r, g, b]` (0-1), always display-referred sRGB values,
 * as a designer picks them. An 8-bit slate stores them as they are; a float slate stores the linear
 * value that displays as that colour (sRGB decode), so `#ffffff` is 1.0, display white.
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

/** A template colour in the values a slate canvas holds: as it is for `display` (8/16-bit
 *  output), sRGB-decoded for `linear` (float output). */
export function canvasColor(color: Rgb, encoding: 'display' | 'linear'): Rgb {
  return encoding === 'display' ? color : (color.map(srgbToLinear) as unknown as Rgb);
}
