/**
 * Option parsers of `vfx img`: each validates at parse time and throws commander's
 * InvalidArgumentError, which the CLI reports as a usage error (exit 2). They import nothing heavy:
 * `vfx` loads every tool to start, so names that need @vfxkit/color, @vfxkit/exr or sharp (colour
 * spaces, formats, filters, compressions) are checked in validate.ts when the command runs.
 */
import { InvalidArgumentError } from 'commander';
import type { BitDepth } from '@vfxkit/image';

export function parseBitDepth(value: string): BitDepth {
  const text = value.trim().toLowerCase();
  if (text === '8' || text === '16') return Number(text) as 8 | 16;
  if (text === 'half' || text === 'float' || text === 'uint') return text;
  if (text === '32') return 'float';
  throw new InvalidArgumentError(`expected 8, 16, half, float or uint, got '${value}'`);
}

/** `2048x2048`, `2048` (both sides), `2048x` (width only), `x1080` (height only). */
export function parseMaxSize(value: string): { width?: number; height?: number } {
  const match = /^\s*(\d*)\s*(?:[xX]\s*(\d*))?\s*$/.exec(value);
  const width = match?.[1] ? Number(match[1]) : undefined;
  const height = match?.[2] !== undefined ? (match[2] ? Number(match[2]) : undefined) : width;
  if (!match || (width === undefined && height === undefined) || width === 0 || height === 0) {
    throw new InvalidArgumentError(`expected a size like 2048x2048, 2048 (both sides), 2048x (width) or x1080 (height), got '${value}'`);
  }
  return { ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}) };
}

export function parseQuality(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError(`expected a whole number from 1 to 100, got '${value}'`);
  return n;
}

export function parseStops(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number of stops (e.g. 1, -0.5), got '${value}'`);
  return n;
}
