/**
 * writeExr: one or more parts (scanline, tiled with any level mode, deep) to OpenEXR bytes. The file
 * is laid out as OpenEXR writes it: magic, version flags, headers, one offset table per part, then
 * each part's chunks in the part's line order; offset tables are filled in as chunks are written.
 * Header attributes given by the caller are written unchanged (unknown types included); the
 * structural ones (channels, windows, compression, tiles, type, chunkCount, ...) come from the part.
 */
import { ByteWriter, halvesToFloats, floatsToHalves } from '@vfxkit/core';
import { buildDeepChunk, convertSamples, gatherXdr, littleEndianBytes, packChunk, planeSource } from './chunks/write-chunks.js';
import type { DeepPlaneSource, PlaneSource } from './chunks/write-chunks.js';
import { chunkInfo } from './chunks/read-flat.js';
import { compressorFor } from './compression/index.js';
import type { CodecContext, CompressionMethod } from './compression/types.js';
import { DEFAULT_ZIP_LEVEL, fflateZlib, withZipLevel } from './compression/zlib.js';
import { ExrErrorCode, exrError, withExrErrors } from './errors.js';
import { nameLength } from './header/attributes.js';
import { FLAG_LONG_NAMES, FLAG_MULTIPART, FLAG_NON_IMAGE, FLAG_TILED } from './header/header.js';
import {
  LINES_PER_CHUNK,
  boxHeight,
  boxWidth,
  levelDataWindow,
  levelList,
  sampleCount,
  tileBox,
  tileLayout,
  unpackedSize,
} from './header/layout.js';
import type { TileLayout } from './header/layout.js';
import { writeHeaders } from './header/write-header.js';
import { reducePlane } from './levels.js';
import { EXR_COMPRESSIONS, EXR_LEVEL_MODES, EXR_LINE_ORDERS, EXR_ROUNDING_MODES } from './model.js';
import type {
  Box2,
  ExrAttribute,
  ExrChannel,
  ExrCompression,
  ExrDeepData,
  ExrLineOrder,
  ExrPartType,
  ExrPixelType,
  ExrTileDescription,
  ExrWriteChannel,
  ExrWriteOptions,
  ExrWritePart,
} from './model.js';

type Samples = Uint16Array | Float32Array | Uint32Array;

interface PreparedChannel {
  channel: ExrChannel;
  data: Samples;
}

interface PreparedPart {
  index: number;
  name: string | undefined;
  type: ExrPartType;
  dataWindow: Box2;
  displayWindow: Box2;
  compression: ExrCompression;
  lineOrder: ExrLineOrder;
  tiles: ExrTileDescription | undefined;
  layout: TileLayout | undefined;
  channels: PreparedChannel[];
  /** Channels of each level, keyed `x,y` (tiled parts). */
  levels: Map<string, PreparedChannel[]>;
  deep: { sampleCounts: Uint32Array; sampleOffsets: Uint32Array; maxSamples: number; channels: PreparedChannel[] } | undefined;
  chunkCount: number;
  input: ExrWritePart;
}

/** Structural attributes the writer derives from the part (the caller's values are replaced). */
const DERIVED = new Set(['channels', 'compression', 'dataWindow', 'displayWindow', 'lineOrder', 'tiles', 'type', 'name', 'chunkCount', 'maxSamplesPerPixel']);

const textEncoder = new TextEncoder();

function bad(where: string, message: string): never {
  throw exrError(ExrErrorCode.EXR_BAD_ARGUMENT, `${where}${message}`);
}

function compareNames(a: string, b: string): number {
  const x = textEncoder.encode(a);
  const y = textEncoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function typeOfData(data: ExrWriteChannel['data']): ExrPixelType | 'number' {
  if (data instanceof Uint16Array) return 'half';
  if (data instanceof Float32Array) return 'float';
  if (data instanceof Uint32Array) return 'uint';
  return 'number';
}

function checkWindow(box: Box2 | undefined, what: string, where: string): Box2 {
  if (
    box === undefined ||
    ![box.xMin, box.yMin, box.xMax, box.yMax].every(Number.isInteger) ||
    box.xMin > box.xMax ||
    box.yMin > box.yMax ||
    Math.max(Math.abs(box.xMin), Math.abs(box.yMin), Math.abs(box.xMax), Math.abs(box.yMax)) >= 0x3fffffff
  ) {
    bad(where, `invalid ${what} ${JSON.stringify(box)}: integers with min <= max within +-2^30 are needed`);
  }
  return { xMin: box.xMin, yMin: box.yMin, xMax: box.xMax, yMax: box.yMax };
}

function prepareChannel(input: ExrWriteChannel, window: Box2, unitSampling: boolean, count: number | undefined, where: string): PreparedChannel {
  const from = typeOfData(input.data);
  const type: ExrPixelType = input.type ?? (from === 'number' ? 'float' : from);
  if (type !== 'half' && type !== 'float' && type !== 'uint') bad(where, `channel '${input.name}' has unknown type '${String(type)}'`);
  const xSampling = input.xSampling ?? 1;
  const ySampling = input.ySampling ?? 1;
  const what = `${where}channel '${input.name}'`;
  if (!Number.isInteger(xSampling) || !Number.isInteger(ySampling) || xSampling < 1 || ySampling < 1) {
    bad('', `${what}: invalid sampling ${xSampling} x ${ySampling}`);
  }
  if (unitSampling && (xSampling !== 1 || ySampling !== 1)) bad('', `${what}: tiled and deep parts need sampling 1 x 1`);
  if (window.xMin % xSampling !== 0 || window.yMin % ySampling !== 0 || boxWidth(window) % xSampling !== 0 || boxHeight(window) % ySampling !== 0) {
    bad('', `${what}: the data window origin and size must be multiples of the sampling ${xSampling} x ${ySampling}`);
  }
  const expected = count ?? sampleCount(window.xMin, window.xMax, xSampling) * sampleCount(window.yMin, window.yMax, ySampling);
  if (input.data.length !== expected) bad('', `${what} has ${input.data.length} samples, expected ${expected}`);
  const data = convertSamples(input.data, from, type, (bits) => halvesToFloats(bits), (values) => floatsToHalves(values));
  return { channel: { name: input.name, type, pLinear: input.pLinear ?? false, xSampling, ySampling }, data };
}

function prepareChannels(inputs: readonly ExrWriteChannel[], window: Box2, unitSampling: boolean, count: number | undefined, where: string): PreparedChannel[] {
  const names = new Set<string>();
  for (const c of inputs) {
    if (typeof c.name !== 'string' || c.name === '') bad(where, 'every channel needs a name');
    if (names.has(c.name)) bad(where, `channel '${c.name}' is given twice`);
    names.add(c.name);
  }
  return inputs.map((c) => prepareChannel(c, window, unitSampling, count, where)).sort((a, b) => compareNames(a.channel.name, b.channel.name));
}

function prepareTiles(tiles: NonNullable<ExrWritePart['tiles']>, where: string): ExrTileDescription {
  const description: ExrTileDescription = {
    xSize: tiles.xSize,
    ySize: tiles.ySize,
    levelMode: tiles.levelMode ?? 'one',
    roundingMode: tiles.roundingMode ?? 'down',
  };
  if (!Number.isInteger(description.xSize) || !Number.isInteger(description.ySize) || description.xSize < 1 || description.ySize < 1) {
    bad(where, `invalid tile size ${description.xSize} x ${description.ySize}`);
  }
  if (!EXR_LEVEL_MODES.includes(description.levelMode)) bad(where, `unknown level mode '${description.levelMode}'`);
  if (!EXR_ROUNDING_MODES.includes(description.roundingMode)) bad(where, `unknown rounding mode '${description.roundingMode}'`);
  return description;
}

function prepareDeep(deep: ExrDeepData, window: Box2, where: string): NonNullable<PreparedPart['deep']> {
  const pixels = boxWidth(window) * boxHeight(window);
  if (deep.sampleCounts.length !== pixels) bad(where, `deep sampleCounts has ${deep.sampleCounts.length} entries, expected ${pixels}`);
  const sampleOffsets = new Uint32Array(pixels + 1);
  let maxSamples = 0;
  for (let i = 0; i < pixels; i++) {
    const n = deep.sampleCounts[i]!;
    maxSamples = Math.max(maxSamples, n);
    sampleOffsets[i + 1] = sampleOffsets[i]! + n;
  }
  const total = sampleOffsets[pixels]!;
  const channels = prepareChannels(deep.channels, window, true, total, where);
  return { sampleCounts: deep.sampleCounts, sampleOffsets, maxSamples, channels };
}

function preparePart(input: ExrWritePart, index: number, options: ExrWriteOptions, multipart: boolean): PreparedPart {
  const where = multipart ? `part ${index}: ` : '';
  const compression = input.compression ?? options.compression ?? 'zip';
  if (!EXR_COMPRESSIONS.includes(compression)) bad(where, `unknown compression '${String(compression)}'`);
  const deep = input.deep !== undefined || input.type === 'deepscanline' || input.type === 'deeptile';
  const tiledType = input.type === undefined ? input.tiles !== undefined : input.type === 'tiledimage' || input.type === 'deeptile';
  const type: ExrPartType = deep ? (tiledType ? 'deeptile' : 'deepscanline') : tiledType ? 'tiledimage' : 'scanlineimage';
  if (tiledType && input.tiles === undefined) bad(where, `a ${type} part needs 'tiles' (tile size and level mode)`);
  if (deep && input.deep === undefined) bad(where, `a ${type} part needs 'deep' sample data`);
  if (deep && compression !== 'none' && compression !== 'rle' && compression !== 'zips') {
    bad(where, `deep parts allow only none, rle or zips compression, not '${compression}'`);
  }
  const lineOrder = input.lineOrder ?? 'increasingY';
  if (!EXR_LINE_ORDERS.includes(lineOrder)) bad(where, `unknown line order '${String(lineOrder)}'`);
  const dataWindow = checkWindow(
    input.dataWindow ??
      (input.width !== undefined && input.height !== undefined ? { xMin: 0, yMin: 0, xMax: input.width - 1, yMax: input.height - 1 } : undefined),
    'data window (give dataWindow, or width and height)',
    where,
  );
  const displayWindow = checkWindow(input.displayWindow ?? dataWindow, 'display window', where);
  const tiles = tiledType ? prepareTiles(input.tiles!, where) : undefined;
  if (deep && tiles !== undefined && tiles.levelMode !== 'one') bad(where, 'deep tiled parts can only be written with one level');
  const layout = tiles !== undefined ? tileLayout(dataWindow, tiles) : undefined;

  const prepared: PreparedPart = {
    index,
    name: input.name ?? (multipart ? `part${index}` : undefined),
    type,
    dataWindow,
    displayWindow,
    compression,
    lineOrder,
    tiles,
    layout,
    channels: [],
    levels: new Map(),
    deep: undefined,
    chunkCount: layout !== undefined ? layout.chunkCount : Math.ceil(boxHeight(dataWindow) / (deep ? 1 : LINES_PER_CHUNK[compression])),
    input,
  };
  if (deep) {
    prepared.deep = prepareDeep(input.deep!, dataWindow, where);
    if (prepared.deep.channels.length === 0) bad(where, 'a part needs at least one channel');
    return prepared;
  }
  prepared.channels = prepareChannels(input.channels, dataWindow, tiledType, undefined, where);
  if (prepared.channels.length === 0) bad(where, 'a part needs at least one channel');
  if (layout !== undefined) {
    for (const level of levelList(layout)) prepared.levels.set(`${level.x},${level.y}`, levelChannels(prepared, layout, level.x, level.y, where));
  }
  return prepared;
}

/** Level (lx, ly): level 0 is the part's channels; others come from `levels` or are computed. */
function levelChannels(part: PreparedPart, layout: TileLayout, lx: number, ly: number, where: string): PreparedChannel[] {
  if (lx === 0 && ly === 0) return part.channels;
  const window = levelDataWindow(layout, lx, ly);
  const given = part.input.levels?.find((l) => l.level.x === lx && l.level.y === ly);
  if (given !== undefined) {
    const channels = prepareChannels(given.channels, window, true, undefined, `${where}level (${lx}, ${ly}): `);
    const names = channels.map((c) => c.channel.name).join(',');
    if (names !== part.channels.map((c) => c.channel.name).join(',')) bad(where, `level (${lx}, ${ly}) has channels ${names}, level 0 has others`);
    return channels.map((c, i) => ({ channel: part.channels[i]!.channel, data: convertTo(c.data, c.channel.type, part.channels[i]!.channel.type) }));
  }
  const width = boxWidth(part.dataWindow);
  const height = boxHeight(part.dataWindow);
  return part.channels.map((c) => ({
    channel: c.channel,
    data: reducePlane(c.data, c.channel.type, width, height, boxWidth(window), boxHeight(window)),
  }));
}

function convertTo(data: Samples, from: ExrPixelType, to: ExrPixelType): Samples {
  return convertSamples(data, from, to, (bits) => halvesToFloats(bits), (values) => floatsToHalves(values));
}

/** The part's header attributes, sorted by name as OpenEXR writes them. */
function headerAttributes(part: PreparedPart, multipart: boolean): ExrAttribute[] {
  const where = multipart ? `part ${part.index}: ` : '';
  const given = part.input.attributes ?? [];
  const byName = new Map<string, ExrAttribute>();
  for (const attribute of given) {
    if (typeof attribute.name !== 'string' || attribute.name === '' || typeof attribute.type !== 'string' || attribute.type === '') {
      bad(where, 'attributes need a name and a type');
    }
    if (!DERIVED.has(attribute.name)) byName.set(attribute.name, attribute);
  }
  const expectType = (name: string, type: string) => {
    const attribute = byName.get(name);
    if (attribute !== undefined && attribute.type !== type) bad(where, `attribute '${name}' must have type ${type}, not ${attribute.type}`);
  };
  expectType('pixelAspectRatio', 'float');
  expectType('screenWindowCenter', 'v2f');
  expectType('screenWindowWidth', 'float');
  const deep = part.deep !== undefined;
  const channels = deep ? part.deep!.channels : part.channels;
  const set = (attribute: ExrAttribute) => byName.set(attribute.name, attribute);
  set({ name: 'channels', type: 'chlist', value: channels.map((c) => c.channel) });
  set({ name: 'compression', type: 'compression', value: part.compression });
  set({ name: 'dataWindow', type: 'box2i', value: part.dataWindow });
  set({ name: 'displayWindow', type: 'box2i', value: part.displayWindow });
  set({ name: 'lineOrder', type: 'lineOrder', value: part.lineOrder });
  if (!byName.has('pixelAspectRatio')) set({ name: 'pixelAspectRatio', type: 'float', value: 1 });
  if (!byName.has('screenWindowCenter')) set({ name: 'screenWindowCenter', type: 'v2f', value: [0, 0] });
  if (!byName.has('screenWindowWidth')) set({ name: 'screenWindowWidth', type: 'float', value: 1 });
  if (part.tiles !== undefined) set({ name: 'tiles', type: 'tiledesc', value: part.tiles });
  const had = (name: string) => given.some((a) => a.name === name);
  if (part.name !== undefined) set({ name: 'name', type: 'string', value: part.name });
  if (multipart || deep || had('type')) set({ name: 'type', type: 'string', value: part.type });
  if (multipart || deep || had('chunkCount')) set({ name: 'chunkCount', type: 'int', value: part.chunkCount });
  if (deep) {
    set({ name: 'version', type: 'int', value: 1 });
    set({ name: 'maxSamplesPerPixel', type: 'int', value: part.deep!.maxSamples });
  }
  return [...byName.values()].sort((a, b) => compareNames(a.name, b.name));
}

/** Byte offsets are patched into the offset tables as chunks are written. */
interface TableWriter {
  writer: ByteWriter;
  tableOffset: number;
  multipart: boolean;
  partIndex: number;
}

function startChunk(table: TableWriter, index: number): void {
  table.writer.patchU64(table.tableOffset + index * 8, table.writer.length);
  if (table.multipart) table.writer.i32(table.partIndex);
}

function writeFlatPart(part: PreparedPart, table: TableWriter, method: CompressionMethod, codec: CodecContext): void {
  const writer = table.writer;
  const channels = part.channels.map((c) => c.channel);
  const writeChunk = (index: number, box: Box2, planes: readonly PlaneSource[], leader: () => void) => {
    const size = unpackedSize(channels, box);
    const raw = gatherXdr(planes, box, size);
    const packed = packChunk(method, raw, chunkInfo(channels, box, size), codec);
    startChunk(table, index);
    leader();
    writer.i32(packed.byteLength).bytes(packed);
  };
  if (part.layout === undefined) {
    const planes = part.channels.map((c) => planeSource(c.channel, c.data, part.dataWindow));
    const lines = LINES_PER_CHUNK[part.compression];
    const order = chunkOrder(part.chunkCount, part.lineOrder);
    for (const index of order) {
      const yMin = part.dataWindow.yMin + index * lines;
      const box = { xMin: part.dataWindow.xMin, xMax: part.dataWindow.xMax, yMin, yMax: Math.min(yMin + lines - 1, part.dataWindow.yMax) };
      writeChunk(index, box, planes, () => writer.i32(yMin));
    }
    return;
  }
  const layout = part.layout;
  let index = 0;
  for (const level of levelList(layout)) {
    const window = levelDataWindow(layout, level.x, level.y);
    const planes = part.levels.get(`${level.x},${level.y}`)!.map((c) => planeSource(c.channel, c.data, window));
    const tilesX = layout.tilesX[level.x]!;
    const tilesY = layout.tilesY[level.y]!;
    for (const ty of chunkOrder(tilesY, part.lineOrder)) {
      for (let tx = 0; tx < tilesX; tx++) {
        const box = tileBox(layout, tx, ty, level.x, level.y);
        writeChunk(index + ty * tilesX + tx, box, planes, () => writer.i32(tx).i32(ty).i32(level.x).i32(level.y));
      }
    }
    index += tilesX * tilesY;
  }
}

function writeDeepPart(part: PreparedPart, table: TableWriter, method: CompressionMethod, codec: CodecContext): void {
  const writer = table.writer;
  const deep = part.deep!;
  const planes: DeepPlaneSource[] = deep.channels.map((c) => ({ channel: c.channel, bytes: littleEndianBytes(c.data) }));
  const writeChunk = (index: number, box: Box2, leader: () => void) => {
    const chunk = buildDeepChunk(method, codec, planes, deep.sampleCounts, deep.sampleOffsets, part.dataWindow, box);
    startChunk(table, index);
    leader();
    writer.u64(chunk.table.byteLength).u64(chunk.data.byteLength).u64(chunk.unpackedDataSize);
    writer.bytes(chunk.table).bytes(chunk.data);
  };
  if (part.layout === undefined) {
    for (const index of chunkOrder(part.chunkCount, part.lineOrder)) {
      const y = part.dataWindow.yMin + index;
      writeChunk(index, { xMin: part.dataWindow.xMin, xMax: part.dataWindow.xMax, yMin: y, yMax: y }, () => writer.i32(y));
    }
    return;
  }
  const layout = part.layout;
  const tilesX = layout.tilesX[0]!;
  for (const ty of chunkOrder(layout.tilesY[0]!, part.lineOrder)) {
    for (let tx = 0; tx < tilesX; tx++) {
      writeChunk(ty * tilesX + tx, tileBox(layout, tx, ty, 0, 0), () => writer.i32(tx).i32(ty).i32(0).i32(0));
    }
  }
}

/** Chunk (or tile row) indices in the order the line order asks for. */
function chunkOrder(count: number, lineOrder: ExrLineOrder): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  return lineOrder === 'decreasingY' ? order.reverse() : order;
}

function writeParts(inputs: readonly ExrWritePart[], options: ExrWriteOptions): Uint8Array {
  if (inputs.length === 0) bad('', 'nothing to write: give at least one part');
  const multipart = inputs.length > 1;
  const parts = inputs.map((input, i) => preparePart(input, i, options, multipart));
  if (multipart) {
    const names = new Set<string>();
    for (const part of parts) {
      if (names.has(part.name!)) bad('', `part name '${part.name}' is used twice; parts need unique names`);
      names.add(part.name!);
    }
  }
  const attributes = parts.map((p) => headerAttributes(p, multipart));

  // Version field: the tiled bit only for a single regular tiled part; long names when any name
  // (attribute, type or channel) is longer than 31 bytes.
  const anyDeep = parts.some((p) => p.deep !== undefined);
  let longNames = false;
  for (const list of attributes) {
    for (const attribute of list) {
      const lengths = [nameLength(attribute.name), nameLength(attribute.type)];
      if (attribute.type === 'chlist' && attribute.opaque !== true) for (const c of attribute.value as ExrChannel[]) lengths.push(nameLength(c.name));
      for (const length of lengths) {
        if (length > 255) bad('', `name of ${length} bytes in attribute '${attribute.name}' is longer than OpenEXR's 255`);
        if (length > 31) longNames = true;
      }
    }
  }
  let version = 2;
  if (!multipart && !anyDeep && parts[0]!.type === 'tiledimage') version |= FLAG_TILED;
  if (longNames) version |= FLAG_LONG_NAMES;
  if (anyDeep) version |= FLAG_NON_IMAGE;
  if (multipart) version |= FLAG_MULTIPART;

  // Start the output near its likely size (it grows as needed).
  let estimate = 4096;
  for (const p of parts) {
    estimate += p.deep !== undefined ? p.deep.sampleOffsets.at(-1)! * 8 : boxWidth(p.dataWindow) * boxHeight(p.dataWindow) * p.channels.length * 2;
  }
  const writer = new ByteWriter(Math.min(estimate, 1 << 26));
  writeHeaders(writer, version, attributes, multipart);
  const tableOffsets = parts.map((part) => {
    const offset = writer.length;
    for (let i = 0; i < part.chunkCount; i++) writer.u64(0);
    return offset;
  });
  const codec: CodecContext = { zlib: withZipLevel(options.zlib ?? fflateZlib, options.zipLevel ?? DEFAULT_ZIP_LEVEL) };
  parts.forEach((part, i) => {
    const dwaLevel = attributes[i]!.find((a) => a.name === 'dwaCompressionLevel' && a.type === 'float')?.value as number | undefined;
    const method = compressorFor(part.compression, dwaLevel);
    const table: TableWriter = { writer, tableOffset: tableOffsets[i]!, multipart, partIndex: i };
    if (part.deep !== undefined) writeDeepPart(part, table, method, codec);
    else writeFlatPart(part, table, method, codec);
  });
  return writer.toBytes();
}

/**
 * Writes one part, or several as a multi-part file, to OpenEXR bytes.
 *
 * Channel data may be given in any typed array: it is converted to the channel's `type` (half bits
 * in a Uint16Array, Float32Array, Uint32Array). Tiled mip/rip-map parts take their levels from
 * `levels` or compute them by box filtering. Throws VfxError EXR_BAD_ARGUMENT for an impossible
 * model and UNSUPPORTED_COMPRESSION for a method this build cannot compress.
 *
 * @example
 * const bytes = writeExr({ width: 2, height: 1, compression: 'zip',
 *   channels: [{ name: 'Y', type: 'half', data: new Float32Array([0.5, 1]) }] });
 */
export function writeExr(input: ExrWritePart | readonly ExrWritePart[], options: ExrWriteOptions = {}): Uint8Array {
  const inputs: readonly ExrWritePart[] = Array.isArray(input) ? input : [input as ExrWritePart];
  return withExrErrors(() => writeParts(inputs, options), ExrErrorCode.EXR_BAD_ARGUMENT);
}
