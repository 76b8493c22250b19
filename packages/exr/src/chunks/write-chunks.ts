/**
 * Building chunks for writing: gather the Xdr buffer of a scanline block or tile from planar channel
 * arrays (the inverse of read-flat.ts), deep sample-count tables and sample data (the inverse of
 * read-deep.ts), and compress them, storing a chunk raw when packing does not make it smaller (as
 * OpenEXR does, so readers treat packed size == unpacked size as raw).
 */
import type { ChunkInfo, CodecContext, CompressionMethod } from '../compression/types.js';
import { bytesPerSample, firstSample, sampleCount } from '../header/layout.js';
import type { Box2, ExrChannel, ExrPixelType } from '../model.js';
import { chunkInfo } from './read-flat.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A channel plane to write: samples of `window` (the level's data window), row-major. */
export interface PlaneSource {
  channel: ExrChannel;
  /** Little-endian bytes of the samples. */
  bytes: Uint8Array;
  /** Samples per row of the plane. */
  width: number;
  /** First sampled x and y of the plane. */
  x0: number;
  y0: number;
}

/** Little-endian bytes of a typed array (a view when the platform is little-endian). */
export function littleEndianBytes(data: Uint16Array | Float32Array | Uint32Array): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN) return view;
  const copy = view.slice();
  const size = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < copy.byteLength; i += size) copy.subarray(i, i + size).reverse();
  return copy;
}

export function planeSource(channel: ExrChannel, data: Uint16Array | Float32Array | Uint32Array, window: Box2): PlaneSource {
  return {
    channel,
    bytes: littleEndianBytes(data),
    width: sampleCount(window.xMin, window.xMax, channel.xSampling),
    x0: firstSample(window.xMin, channel.xSampling),
    y0: firstSample(window.yMin, channel.ySampling),
  };
}

/** The Xdr buffer of the pixels in `box`: per line, per channel, that channel's samples. */
export function gatherXdr(planes: readonly PlaneSource[], box: Box2, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let position = 0;
  for (let y = box.yMin; y <= box.yMax; y++) {
    for (const plane of planes) {
      const { xSampling, ySampling, type } = plane.channel;
      if (y % ySampling !== 0) continue;
      const bps = bytesPerSample(type);
      const count = sampleCount(box.xMin, box.xMax, xSampling);
      const row = (y - plane.y0) / ySampling;
      const column = (firstSample(box.xMin, xSampling) - plane.x0) / xSampling;
      const start = (row * plane.width + column) * bps;
      out.set(plane.bytes.subarray(start, start + count * bps), position);
      position += count * bps;
    }
  }
  return out;
}

/** Packs `raw` with `method`, or returns it unchanged when packing does not make it smaller. */
export function packChunk(method: CompressionMethod, raw: Uint8Array, info: ChunkInfo, context: CodecContext): Uint8Array {
  if (method.name === 'none' || method.compress === undefined || raw.byteLength === 0) return raw;
  const packed = method.compress(raw, info, context);
  return packed.byteLength < raw.byteLength ? packed : raw;
}

/** A deep channel to write: all samples of all pixels of the level, in pixel order. */
export interface DeepPlaneSource {
  channel: ExrChannel;
  bytes: Uint8Array;
}

/** The packed pieces of one deep chunk. */
export interface DeepChunk {
  table: Uint8Array;
  data: Uint8Array;
  unpackedDataSize: number;
}

/**
 * Builds the sample-count table (running totals per row) and the sample data (per row, per channel,
 * each pixel's samples) of the deep pixels in `box` of an image whose window is `window`.
 */
export function buildDeepChunk(
  method: CompressionMethod,
  context: CodecContext,
  planes: readonly DeepPlaneSource[],
  sampleCounts: Uint32Array,
  sampleOffsets: Uint32Array,
  window: Box2,
  box: Box2,
): DeepChunk {
  const imageWidth = window.xMax - window.xMin + 1;
  const width = box.xMax - box.xMin + 1;
  const height = box.yMax - box.yMin + 1;
  const table = new Uint8Array(width * height * 4);
  const tableView = new DataView(table.buffer);
  let samples = 0;
  for (let row = 0; row < height; row++) {
    let running = 0;
    const pixelRow = (box.yMin + row - window.yMin) * imageWidth + (box.xMin - window.xMin);
    for (let x = 0; x < width; x++) {
      running += sampleCounts[pixelRow + x]!;
      tableView.setInt32((row * width + x) * 4, running, true);
    }
    samples += running;
  }
  const bytesPerPixelSample = planes.reduce((sum, p) => sum + bytesPerSample(p.channel.type), 0);
  const data = new Uint8Array(samples * bytesPerPixelSample);
  let position = 0;
  for (let row = 0; row < height; row++) {
    const pixelRow = (box.yMin + row - window.yMin) * imageWidth + (box.xMin - window.xMin);
    for (const plane of planes) {
      const bps = bytesPerSample(plane.channel.type);
      const start = sampleOffsets[pixelRow]! * bps;
      const end = sampleOffsets[pixelRow + width]! * bps;
      data.set(plane.bytes.subarray(start, end), position);
      position += end - start;
    }
  }
  const channels = planes.map((p) => p.channel);
  return {
    table: packChunk(method, table, chunkInfo([], box, table.byteLength), context),
    data: packChunk(method, data, chunkInfo(channels, box, data.byteLength), context),
    unpackedDataSize: data.byteLength,
  };
}

/** Converts channel data to the samples of `type` (half bits, float, or uint). */
export function convertSamples(
  data: Uint16Array | Float32Array | Uint32Array | readonly number[],
  from: ExrPixelType | 'number',
  to: ExrPixelType,
  halfToFloat: (bits: Uint16Array) => Float32Array,
  floatToHalf: (values: Float32Array) => Uint16Array,
): Uint16Array | Float32Array | Uint32Array {
  if (from === to) return data as Uint16Array | Float32Array | Uint32Array;
  const floats = from === 'half' ? halfToFloat(data as Uint16Array) : Float32Array.from(data as ArrayLike<number>);
  if (to === 'float') return floats;
  if (to === 'half') return floatToHalf(floats);
  const out = new Uint32Array(floats.length);
  for (let i = 0; i < floats.length; i++) {
    const v = floats[i]!;
    out[i] = Number.isNaN(v) || v <= 0 ? 0 : v >= 4294967295 ? 4294967295 : Math.floor(v);
  }
  return out;
}
