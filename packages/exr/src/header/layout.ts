/**
 * Chunk geometry derived from a header: scanlines per block, resolution levels of tiled parts, tile
 * counts, the order of the offset table and the size of each uncompressed chunk. See "OpenEXR File
 * Layout" (Scan Lines, Tiles, Offset Tables) and OpenEXRCore's `internal_exr_compute_tile_information`.
 *
 * Numbers here may be huge for hostile headers (a 1e9 x 1e9 window): everything is computed in
 * doubles without allocating, and callers check counts against limits and file size before use.
 */
import type { Box2, ExrChannel, ExrCompression, ExrLevelMode, ExrPixelType, ExrRoundingMode, ExrTileDescription } from '../model.js';

/** Scanlines per chunk for each compression method (OpenEXR's table; deep parts use 1). */
export const LINES_PER_CHUNK: Record<ExrCompression, number> = {
  none: 1,
  rle: 1,
  zips: 1,
  zip: 16,
  piz: 32,
  pxr24: 16,
  b44: 32,
  b44a: 32,
  dwaa: 32,
  dwab: 256,
  htj2k256: 256,
  htj2k32: 32,
};

export function bytesPerSample(type: ExrPixelType): number {
  return type === 'half' ? 2 : 4;
}

/** floor(a / b) for integers of any sign. */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** How many integers v in [start, end] have v % sampling == 0. */
export function sampleCount(start: number, end: number, sampling: number): number {
  if (end < start) return 0;
  if (sampling === 1) return end - start + 1;
  return floorDiv(end, sampling) - floorDiv(start - 1, sampling);
}

/** The first v >= start with v % sampling == 0. */
export function firstSample(start: number, sampling: number): number {
  return Math.ceil(start / sampling) * sampling;
}

export function boxWidth(box: Box2): number {
  return box.xMax - box.xMin + 1;
}
export function boxHeight(box: Box2): number {
  return box.yMax - box.yMin + 1;
}

export function intersectBoxes(a: Box2, b: Box2): Box2 | undefined {
  const box = {
    xMin: Math.max(a.xMin, b.xMin),
    yMin: Math.max(a.yMin, b.yMin),
    xMax: Math.min(a.xMax, b.xMax),
    yMax: Math.min(a.yMax, b.yMax),
  };
  return box.xMin > box.xMax || box.yMin > box.yMax ? undefined : box;
}

function floorLog2(x: number): number {
  let y = 0;
  while (x > 1) {
    y += 1;
    x = Math.floor(x / 2);
  }
  return y;
}

function ceilLog2(x: number): number {
  let y = 0;
  let r = 0;
  while (x > 1) {
    if (x % 2 === 1) r = 1;
    y += 1;
    x = Math.floor(x / 2);
  }
  return y + r;
}

/** Size of level `level` of a dimension of `size` pixels. */
export function levelSize(size: number, level: number, rounding: ExrRoundingMode): number {
  const b = 2 ** level;
  let s = Math.floor(size / b);
  if (rounding === 'up' && s * b < size) s += 1;
  return Math.max(s, 1);
}

/** Number of levels in x and y for a tiled part. */
export function levelCounts(width: number, height: number, mode: ExrLevelMode, rounding: ExrRoundingMode): { x: number; y: number } {
  const log2 = rounding === 'down' ? floorLog2 : ceilLog2;
  switch (mode) {
    case 'one':
      return { x: 1, y: 1 };
    case 'mipmap': {
      const n = log2(Math.max(width, height)) + 1;
      return { x: n, y: n };
    }
    case 'ripmap':
      return { x: log2(width) + 1, y: log2(height) + 1 };
  }
}

/** The tile structure of a tiled part: level sizes and tile counts per level. */
export interface TileLayout {
  tiles: ExrTileDescription;
  dataWindow: Box2;
  levelsX: number;
  levelsY: number;
  /** Width of each x level and height of each y level. */
  levelWidths: number[];
  levelHeights: number[];
  /** Tiles across each x level and down each y level. */
  tilesX: number[];
  tilesY: number[];
  /** Offset-table index of the first tile of level (lx, ly), keyed `ly * levelsX + lx`. */
  levelStart: Map<number, number>;
  chunkCount: number;
}

/** The levels that exist: (l, l) for mip-maps, every (lx, ly) for rip-maps, in offset-table order. */
export function levelList(layout: Pick<TileLayout, 'tiles' | 'levelsX' | 'levelsY'>): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  if (layout.tiles.levelMode === 'ripmap') {
    for (let ly = 0; ly < layout.levelsY; ly++) for (let lx = 0; lx < layout.levelsX; lx++) out.push({ x: lx, y: ly });
  } else {
    for (let l = 0; l < layout.levelsX; l++) out.push({ x: l, y: l });
  }
  return out;
}

export function tileLayout(dataWindow: Box2, tiles: ExrTileDescription): TileLayout {
  const width = boxWidth(dataWindow);
  const height = boxHeight(dataWindow);
  const counts = levelCounts(width, height, tiles.levelMode, tiles.roundingMode);
  const levelWidths: number[] = [];
  const levelHeights: number[] = [];
  const tilesX: number[] = [];
  const tilesY: number[] = [];
  for (let l = 0; l < counts.x; l++) {
    levelWidths.push(levelSize(width, l, tiles.roundingMode));
    tilesX.push(Math.ceil(levelWidths[l]! / tiles.xSize));
  }
  for (let l = 0; l < counts.y; l++) {
    levelHeights.push(levelSize(height, l, tiles.roundingMode));
    tilesY.push(Math.ceil(levelHeights[l]! / tiles.ySize));
  }
  const layout: TileLayout = {
    tiles,
    dataWindow,
    levelsX: counts.x,
    levelsY: counts.y,
    levelWidths,
    levelHeights,
    tilesX,
    tilesY,
    levelStart: new Map(),
    chunkCount: 0,
  };
  let index = 0;
  for (const level of levelList(layout)) {
    layout.levelStart.set(level.y * counts.x + level.x, index);
    index += tilesX[level.x]! * tilesY[level.y]!;
  }
  layout.chunkCount = index;
  return layout;
}

/** The data window of a level: same origin, level size. */
export function levelDataWindow(layout: TileLayout, lx: number, ly: number): Box2 {
  const { xMin, yMin } = layout.dataWindow;
  return { xMin, yMin, xMax: xMin + layout.levelWidths[lx]! - 1, yMax: yMin + layout.levelHeights[ly]! - 1 };
}

/** Pixel bounds of tile (tx, ty) of level (lx, ly). */
export function tileBox(layout: TileLayout, tx: number, ty: number, lx: number, ly: number): Box2 {
  const level = levelDataWindow(layout, lx, ly);
  const xMin = level.xMin + tx * layout.tiles.xSize;
  const yMin = level.yMin + ty * layout.tiles.ySize;
  return {
    xMin,
    yMin,
    xMax: Math.min(xMin + layout.tiles.xSize - 1, level.xMax),
    yMax: Math.min(yMin + layout.tiles.ySize - 1, level.yMax),
  };
}

export function tileIndex(layout: TileLayout, tx: number, ty: number, lx: number, ly: number): number {
  return layout.levelStart.get(ly * layout.levelsX + lx)! + ty * layout.tilesX[lx]! + tx;
}

export function hasLevel(layout: TileLayout, lx: number, ly: number): boolean {
  return layout.levelStart.has(ly * layout.levelsX + lx);
}

/** Scanline chunk count for a data window and lines per chunk. */
export function scanlineChunkCount(dataWindow: Box2, linesPerChunk: number): number {
  return Math.ceil(boxHeight(dataWindow) / linesPerChunk);
}

/** Size in bytes of the uncompressed (Xdr) buffer of the pixel box `box`. */
export function unpackedSize(channels: readonly ExrChannel[], box: Box2): number {
  let size = 0;
  for (const channel of channels) {
    size +=
      bytesPerSample(channel.type) *
      sampleCount(box.xMin, box.xMax, channel.xSampling) *
      sampleCount(box.yMin, box.yMax, channel.ySampling);
  }
  return size;
}
