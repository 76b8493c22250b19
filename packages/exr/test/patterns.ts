/**
 * Synthetic images for round trips: smooth gradients with mild noise (so every codec has work to
 * do), channels of every pixel type, a data window offset from the display window, odd sizes,
 * explicit mip/rip levels, and deep parts with varying sample counts.
 */
import assert from 'node:assert/strict';
import { floatToHalf, halfToFloat } from '@vfxkit/core';
import { EXR_COMPRESSIONS, hasCompression } from '@vfxkit/exr';
import type { Box2, ExrCompression, ExrDeepData, ExrLevel, ExrLineOrder, ExrPixelType, ExrTileDescription, ExrWritePart } from '@vfxkit/exr';

/** Compressions this build can both write and read. */
export function writableCompressions(): ExrCompression[] {
  return EXR_COMPRESSIONS.filter((c) => hasCompression(c) && hasCompression(c, true));
}

export interface Layout {
  name: string;
  tiles?: ExrTileDescription;
}

export const layouts: Layout[] = [
  { name: 'scanline' },
  { name: 'tiled', tiles: { xSize: 16, ySize: 16, levelMode: 'one', roundingMode: 'down' } },
  { name: 'mipmap-down', tiles: { xSize: 16, ySize: 8, levelMode: 'mipmap', roundingMode: 'down' } },
  { name: 'mipmap-up', tiles: { xSize: 16, ySize: 8, levelMode: 'mipmap', roundingMode: 'up' } },
  { name: 'ripmap', tiles: { xSize: 16, ySize: 16, levelMode: 'ripmap', roundingMode: 'down' } },
];

const NAMES: Record<ExrPixelType, string[]> = { half: ['diffuse.R', 'A'], float: ['N.x', 'Z'], uint: ['id'] };

/** Value of channel `c` at level-relative (x, y) of a w x h level. */
function valueAt(c: number, x: number, y: number, w: number, h: number, type: ExrPixelType): number {
  const noise = Math.sin(x * 12.9898 + y * 78.233 + c * 37.719) * 43758.5453;
  const jitter = (noise - Math.floor(noise)) * 0.05;
  if (type === 'uint') return ((x * 7 + y * 13 + c * 101) % 97) * 1000 + 3;
  return (x / w) * (c + 1) - (y / h) * 0.5 + jitter + (c === 1 ? 2 : 0);
}

function plane(c: number, type: ExrPixelType, w: number, h: number, specials: boolean): Uint16Array | Float32Array | Uint32Array {
  const n = w * h;
  if (type === 'uint') return Uint32Array.from({ length: n }, (_, i) => valueAt(c, i % w, Math.floor(i / w), w, h, type));
  const floats = Float32Array.from({ length: n }, (_, i) => valueAt(c, i % w, Math.floor(i / w), w, h, type));
  if (specials && n > 4) {
    floats[1] = NaN;
    floats[2] = Infinity;
    floats[3] = -0;
    floats[4] = type === 'half' ? 65504 : 3.4e38;
  }
  return type === 'half' ? Uint16Array.from(floats, (v) => floatToHalf(v)) : floats;
}

/** Lossy methods, by the pixel types they change. */
export function isLossy(compression: ExrCompression, type: ExrPixelType): boolean {
  if (compression === 'pxr24') return type === 'float';
  if (compression === 'b44' || compression === 'b44a') return type === 'half';
  if (compression === 'dwaa' || compression === 'dwab') return type !== 'uint';
  return false;
}

export interface PatternOptions {
  compression: ExrCompression;
  layout: Layout;
  lineOrder: ExrLineOrder;
  types: ExrPixelType[];
  /** Y plus 2x2-subsampled RY and BY instead of the typed channels. */
  chroma?: boolean;
  /** NaN, infinity, -0 and the largest value in a few samples (default: when the method is lossless). */
  specials?: boolean;
}

const DISPLAY: Box2 = { xMin: 0, yMin: 0, xMax: 99, yMax: 49 };

export function patternPart(options: PatternOptions): ExrWritePart {
  const specials = options.specials ?? !options.types.some((t) => isLossy(options.compression, t));
  if (options.chroma === true) {
    const dataWindow = { xMin: 10, yMin: -8, xMax: 77, yMax: 35 }; // 68 x 44: even origin and size
    return {
      dataWindow,
      displayWindow: DISPLAY,
      compression: options.compression,
      lineOrder: options.lineOrder,
      channels: [
        { name: 'Y', type: 'half', data: plane(0, 'half', 68, 44, false) },
        { name: 'RY', type: 'half', data: plane(1, 'half', 34, 22, false), xSampling: 2, ySampling: 2 },
        { name: 'BY', type: 'half', data: plane(2, 'half', 34, 22, false), xSampling: 2, ySampling: 2 },
      ],
    };
  }
  const dataWindow = { xMin: 10, yMin: -7, xMax: 76, yMax: 35 }; // 67 x 43
  const channelsAt = (w: number, h: number) =>
    options.types.flatMap((type) =>
      NAMES[type].map((name, k) => ({ name, type, pLinear: false, xSampling: 1, ySampling: 1, width: w, height: h, data: plane(k, type, w, h, specials) })),
    );
  const part: ExrWritePart = {
    dataWindow,
    displayWindow: DISPLAY,
    compression: options.compression,
    lineOrder: options.lineOrder,
    channels: channelsAt(67, 43),
    attributes: [{ name: 'owner', type: 'string', value: `vfxkit ${options.compression} ${options.layout.name}` }],
  };
  const tiles = options.layout.tiles;
  if (tiles !== undefined) {
    part.tiles = tiles;
    if (tiles.levelMode !== 'one') {
      const size = (n: number, l: number) => {
        let s = Math.floor(n / 2 ** l);
        if (tiles.roundingMode === 'up' && s * 2 ** l < n) s++;
        return Math.max(1, s);
      };
      const log2 = (n: number) => (tiles.roundingMode === 'down' ? Math.floor(Math.log2(n)) : Math.ceil(Math.log2(n)));
      const levels: ExrLevel[] = [];
      if (tiles.levelMode === 'mipmap') {
        for (let l = 1; l <= log2(67); l++) levels.push(levelOf(l, l, size(67, l), size(43, l), dataWindow, channelsAt));
      } else {
        for (let ly = 0; ly <= log2(43); ly++) {
          for (let lx = 0; lx <= log2(67); lx++) if (lx + ly > 0) levels.push(levelOf(lx, ly, size(67, lx), size(43, ly), dataWindow, channelsAt));
        }
      }
      part.levels = levels;
    }
  }
  return part;
}

function levelOf(lx: number, ly: number, w: number, h: number, dw: Box2, channelsAt: (w: number, h: number) => ExrLevel['channels']): ExrLevel {
  return {
    level: { x: lx, y: ly },
    dataWindow: { xMin: dw.xMin, yMin: dw.yMin, xMax: dw.xMin + w - 1, yMax: dw.yMin + h - 1 },
    width: w,
    height: h,
    channels: channelsAt(w, h),
  };
}

export function deepPart(options: { compression: ExrCompression; tiled: boolean }): ExrWritePart {
  const width = 23;
  const height = 17;
  const sampleCounts = Uint32Array.from({ length: width * height }, (_, i) => (i * 7 + (i >> 3)) % 4);
  const total = sampleCounts.reduce((a, b) => a + b, 0);
  const deep: ExrDeepData = {
    sampleCounts,
    sampleOffsets: new Uint32Array(0),
    totalSamples: total,
    channels: [
      { name: 'A', type: 'half', pLinear: false, data: Uint16Array.from({ length: total }, (_, i) => floatToHalf((i % 11) / 10)) },
      { name: 'Z', type: 'float', pLinear: false, data: Float32Array.from({ length: total }, (_, i) => 1 + i * 0.25) },
      { name: 'id', type: 'uint', pLinear: false, data: Uint32Array.from({ length: total }, (_, i) => i * 2654435761) },
    ],
  };
  return {
    dataWindow: { xMin: 3, yMin: 5, xMax: 3 + width - 1, yMax: 5 + height - 1 },
    compression: options.compression,
    channels: [],
    deep,
    ...(options.tiled ? { tiles: { xSize: 8, ySize: 8 } } : {}),
  };
}

/** Samples equal exactly (NaN equal to NaN) unless the method is lossy for the type. */
export function equalSamples(
  got: Uint16Array | Float32Array | Uint32Array,
  want: Uint16Array | Float32Array | Uint32Array,
  type: ExrPixelType,
  compression: ExrCompression,
  what: string,
): void {
  assert.equal(got.length, want.length, `${what}: sample count`);
  const lossy = isLossy(compression, type);
  for (let i = 0; i < got.length; i++) {
    const a = type === 'half' ? halfToFloat(got[i]!) : got[i]!;
    const b = type === 'half' ? halfToFloat(want[i]!) : want[i]!;
    if (!lossy) {
      if (got[i] !== want[i] && !(Number.isNaN(a) && Number.isNaN(b)) && !Object.is(a, b)) assert.fail(`${what}: sample ${i} is ${a}, wrote ${b}`);
      continue;
    }
    // B44 works on 4x4 blocks in a log-like space: blocks crossing zero lose most (OpenEXR's own
    // encoder gives the same values, checked), so it gets the loosest bound.
    const tolerance =
      compression === 'pxr24' ? 1e-4 * Math.abs(b) : compression === 'b44' || compression === 'b44a' ? 0.3 + 0.1 * Math.abs(b) : 0.1 + 0.1 * Math.abs(b);
    if (!(Math.abs(a - b) <= tolerance)) assert.fail(`${what}: sample ${i} is ${a}, wrote ${b} (lossy ${compression})`);
  }
}
