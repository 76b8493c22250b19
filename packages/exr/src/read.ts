/**
 * readExr: one part of an OpenEXR file as planar typed arrays, with a choice of channels, a region
 * and a resolution level. Header parsing is in header/, chunk access in chunks/, codecs in
 * compression/.
 */
import { readDeepRegion } from './chunks/read-deep.js';
import { readFlatRegion } from './chunks/read-flat.js';
import { locateOffsetTable } from './chunks/offsets.js';
import type { ChunkReadContext } from './chunks/offsets.js';
import { fflateZlib } from './compression/zlib.js';
import { ExrErrorCode, exrError, withExrErrors } from './errors.js';
import { readExrHeader } from './header/header.js';
import { boxHeight, boxWidth, hasLevel, intersectBoxes, levelDataWindow, levelList, tileLayout } from './header/layout.js';
import type { Box2, ExrChannel, ExrHeader, ExrImage, ExrLevel, ExrPartHeader, ExrPartType, ExrReadOptions } from './model.js';

export const DEFAULT_MAX_PIXELS = 2 ** 30;
export const DEFAULT_MAX_SAMPLES = 2 ** 28;

/** A plain Uint8Array view (subarrays of node Buffers are slow to make). */
function toBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  return input instanceof Uint8Array ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
}

function badArgument(message: string): never {
  throw exrError(ExrErrorCode.EXR_BAD_ARGUMENT, message);
}

export function selectPart(header: ExrHeader, part: number | string | undefined): ExrPartHeader {
  if (part === undefined) return header.parts[0]!;
  if (typeof part === 'number') {
    const found = header.parts[part];
    if (found === undefined) badArgument(`part ${part} does not exist (the file has ${header.parts.length} part${header.parts.length === 1 ? '' : 's'})`);
    return found;
  }
  const found = header.parts.find((p) => p.name === part);
  if (found === undefined) {
    badArgument(`no part is named '${part}' (parts: ${header.parts.map((p) => `'${p.name ?? ''}'`).join(', ')})`);
  }
  return found;
}

function selectChannels(part: ExrPartHeader, names: readonly string[] | undefined): ExrChannel[] {
  if (names === undefined) return part.channels;
  for (const name of names) {
    if (!part.channels.some((c) => c.name === name)) {
      badArgument(`channel '${name}' is not in part ${part.index} (channels: ${part.channels.map((c) => c.name).join(', ')})`);
    }
  }
  return part.channels.filter((c) => names.includes(c.name));
}

function selectLevel(part: ExrPartHeader, level: ExrReadOptions['level']): { x: number; y: number } {
  const wanted = level === undefined ? { x: 0, y: 0 } : typeof level === 'number' ? { x: level, y: level } : level;
  const tiled = part.type === 'tiledimage' || part.type === 'deeptile';
  if (!tiled) {
    if (wanted.x !== 0 || wanted.y !== 0) badArgument(`part ${part.index} is a ${part.type} part with a single level; level (${wanted.x}, ${wanted.y}) does not exist`);
    return wanted;
  }
  const layout = tileLayout(part.dataWindow, part.tiles!);
  if (!Number.isInteger(wanted.x) || !Number.isInteger(wanted.y) || wanted.x < 0 || wanted.y < 0 || !hasLevel(layout, wanted.x, wanted.y)) {
    badArgument(
      `level (${wanted.x}, ${wanted.y}) does not exist in part ${part.index} (${part.tiles!.levelMode} levels: ${layout.levelsX} x ${layout.levelsY})`,
    );
  }
  return wanted;
}

function levelWindow(part: ExrPartHeader, level: { x: number; y: number }): Box2 {
  if (part.type !== 'tiledimage' && part.type !== 'deeptile') return part.dataWindow;
  return levelDataWindow(tileLayout(part.dataWindow, part.tiles!), level.x, level.y);
}

function selectRegion(part: ExrPartHeader, window: Box2, options: ExrReadOptions): Box2 {
  let wanted: Box2 | undefined = options.region;
  if (options.tiles !== undefined) {
    if (part.tiles === undefined) badArgument(`part ${part.index} is not tiled; use 'region' instead of 'tiles'`);
    const t = options.tiles;
    const fromTiles = {
      xMin: window.xMin + t.xMin * part.tiles.xSize,
      yMin: window.yMin + t.yMin * part.tiles.ySize,
      xMax: window.xMin + (t.xMax + 1) * part.tiles.xSize - 1,
      yMax: window.yMin + (t.yMax + 1) * part.tiles.ySize - 1,
    };
    wanted = wanted === undefined ? fromTiles : intersectBoxes(wanted, fromTiles) ?? { xMin: 1, yMin: 1, xMax: 0, yMax: 0 };
  }
  if (wanted === undefined) return window;
  const region = intersectBoxes(wanted, window);
  if (region === undefined) {
    badArgument(
      `region (${wanted.xMin} ${wanted.yMin}) - (${wanted.xMax} ${wanted.yMax}) does not overlap the data window (${window.xMin} ${window.yMin}) - (${window.xMax} ${window.yMax})`,
    );
  }
  return region;
}

function checkPixels(count: number, limit: number, location: string): void {
  if (count > limit) {
    throw exrError(ExrErrorCode.EXR_LIMIT, `${count} pixels exceed the limit of ${limit} (option maxPixels)`, { location });
  }
}

/**
 * What reading `part` with `options` covers: the level, its window, the region (checked against
 * maxPixels), the channels, and the context the chunk readers work in. Shared by readExr and
 * readExrChunks, so both take the same options the same way.
 */
export function partReadSetup(
  bytes: Uint8Array,
  header: ExrHeader,
  part: ExrPartHeader,
  options: ExrReadOptions,
  location: string,
): { maxPixels: number; level: { x: number; y: number }; window: Box2; region: Box2; channels: ExrChannel[]; context: ChunkReadContext } {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const level = selectLevel(part, options.level);
  const window = levelWindow(part, level);
  const region = selectRegion(part, window, options);
  checkPixels(boxWidth(region) * boxHeight(region), maxPixels, location);
  const channels = selectChannels(part, options.channels);
  const { tableOffset, tablesEnd } = locateOffsetTable(bytes, header, part.index);
  const context: ChunkReadContext = {
    bytes,
    header,
    part,
    tableOffset,
    tablesEnd,
    codec: { zlib: options.zlib ?? fflateZlib },
    maxPixels,
    maxSamples: options.maxSamples ?? DEFAULT_MAX_SAMPLES,
    location,
  };
  return { maxPixels, level, window, region, channels, context };
}

function readPart(bytes: Uint8Array, header: ExrHeader, part: ExrPartHeader, options: ExrReadOptions): ExrImage {
  const location = `part ${part.index}`;
  if (part.type === 'unknown') {
    const type = part.attributes.find((a) => a.name === 'type')?.value;
    throw exrError(ExrErrorCode.EXR_UNSUPPORTED, `part ${part.index} has unknown type '${String(type)}'`, { location });
  }
  const type: ExrPartType = part.type;
  const { maxPixels, level, window, region, channels, context } = partReadSetup(bytes, header, part, options, location);

  const deep = type === 'deepscanline' || type === 'deeptile';
  const image: ExrImage = {
    part: part.index,
    name: part.name,
    type,
    dataWindow: region,
    displayWindow: part.displayWindow,
    width: boxWidth(region),
    height: boxHeight(region),
    compression: part.compression,
    lineOrder: part.lineOrder,
    tiles: part.tiles,
    level,
    channels: deep ? [] : readFlatRegion(context, region, level.x, level.y, channels),
    attributes: part.attributes,
  };
  if (deep) image.deep = readDeepRegion(context, region, level.x, level.y, channels);

  if (options.allLevels === true && part.tiles !== undefined && !deep) {
    const layout = tileLayout(part.dataWindow, part.tiles);
    const levels = levelList(layout);
    let pixels = 0;
    for (const l of levels) pixels += layout.levelWidths[l.x]! * layout.levelHeights[l.y]!;
    checkPixels(pixels, maxPixels, location);
    image.levels = levels.map((l): ExrLevel => {
      const dataWindow = levelDataWindow(layout, l.x, l.y);
      return {
        level: l,
        dataWindow,
        width: boxWidth(dataWindow),
        height: boxHeight(dataWindow),
        channels: readFlatRegion(context, dataWindow, l.x, l.y, channels),
      };
    });
  }
  return image;
}

/**
 * Reads one part of an OpenEXR file (the first unless `part` says otherwise): channels in their
 * native types, the whole data window or a region, level 0 or another resolution level.
 *
 * Throws VfxError with an EXR code: EXR_BAD_MAGIC, EXR_BAD_HEADER, EXR_TRUNCATED, EXR_CORRUPT_CHUNK,
 * EXR_LIMIT, UNSUPPORTED_COMPRESSION, EXR_UNSUPPORTED, EXR_BAD_ARGUMENT.
 *
 * @example
 * const image = readExr(bytes, { channels: ['R', 'G', 'B'] });
 * const red = image.channels[0].data; // Uint16Array of half bits for a HALF channel
 */
export function readExr(input: Uint8Array | ArrayBuffer, options: ExrReadOptions = {}): ExrImage {
  const bytes = toBytes(input);
  const header = readExrHeader(bytes);
  const part = withExrErrors(() => selectPart(header, options.part), ExrErrorCode.EXR_BAD_ARGUMENT);
  return withExrErrors(() => readPart(bytes, header, part, options), ExrErrorCode.EXR_CORRUPT_CHUNK, `part ${part.index}`);
}

/** Reads every part (options apply to each; channel names missing from a part are skipped). */
export function readExrParts(input: Uint8Array | ArrayBuffer, options: Omit<ExrReadOptions, 'part'> = {}): ExrImage[] {
  const bytes = toBytes(input);
  const header = readExrHeader(bytes);
  return header.parts.map((part) => {
    const channels = options.channels?.filter((name) => part.channels.some((c) => c.name === name));
    return withExrErrors(
      () => readPart(bytes, header, part, { ...options, ...(channels !== undefined ? { channels } : {}) }),
      ExrErrorCode.EXR_CORRUPT_CHUNK,
      `part ${part.index}`,
    );
  });
}
