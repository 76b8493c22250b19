/**
 * readExrChunks: the pixels of one flat (scanline or tiled) part handed over chunk by chunk as each
 * is decompressed, for streaming consumers that reduce or convert samples as they come (display
 * proxies, statistics, format conversion) and need no whole-frame planes. The same chunk reading as
 * readExr (chunks/read-flat.ts: every leader read and checked against the file and the unpacked-size
 * limits before anything is decoded, the codec registry, one reused chunk-sized buffer), the same
 * part, channel, region, level and maxPixels checks, the same errors.
 *
 * A chunk's bytes are OpenEXR's unpacked layout ("OpenEXR File Layout", Regular Scan Line Blocks and
 * Regular Image Tiles): for each line of the chunk's box, top to bottom, for each of the part's
 * channels in header order that has samples on that line (y a multiple of its ySampling), its
 * samples of the line, little-endian. `ExrDecodedChunk.samples` finds a selected channel's line.
 */
import { flatChunkPlan, unpackFlatChunks, type FlatChunkPlan, type UnpackedFlatChunk } from './chunks/read-flat.js';
import type { ChunkReadContext } from './chunks/offsets.js';
import { ExrErrorCode, exrError, withExrErrors } from './errors.js';
import { readExrHeader } from './header/header.js';
import { bytesPerSample, intersectBoxes, sampleCount } from './header/layout.js';
import type { Box2, ExrChannel, ExrHeader, ExrLimits, ExrPartHeader } from './model.js';
import type { ZlibCodec } from './compression/types.js';
import { partReadSetup, selectPart } from './read.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface ExrChunkReadOptions extends ExrLimits {
  /** Part index or name (default 0). A scanline or tiled image part. */
  part?: number | string;
  /** Channel names whose samples `ExrDecodedChunk.samples` gives (default all). */
  channels?: readonly string[];
  /** A window in pixel coordinates (of the level read): only the chunks that cover it are read.
   *  maxPixels applies to it, as in readExr. */
  region?: Box2;
  /** Resolution level of a tiled part: a number for mip-maps, {x, y} for rip-maps. */
  level?: number | { x: number; y: number };
  /** zlib implementation (default: fflate; `@vfxkit/exr/node` offers node:zlib). */
  zlib?: ZlibCodec;
}

/** What readExrChunks reads, known before the first chunk (the second argument of every call). */
export interface ExrChunkLayout {
  header: ExrHeader;
  part: ExrPartHeader;
  /** The selected channels, in header order: `samples(c, y)` takes an index into this list. */
  channels: readonly ExrChannel[];
  /** The region read (inside the level's data window). */
  region: Box2;
  level: { x: number; y: number };
  /** How many chunks the region's read decodes (one call each). */
  chunkCount: number;
}

/** One decompressed chunk. Valid only during the call it is given to: its bytes are reused. */
export interface ExrDecodedChunk {
  /** The chunk's index in the part's offset table. */
  index: number;
  /** The chunk's whole pixel box (level coordinates): scanline chunks span the data window's width
   *  and their compression's lines, tiles their tile; it may extend past the region read. */
  box: Box2;
  /** The part of `box` inside the region read (lines and columns a consumer of the region wants). */
  region: Box2;
  /** The unpacked bytes, in OpenEXR's layout (see the module comment), little-endian. */
  bytes: Uint8Array;
  /**
   * The samples of selected channel `channel` (an index into `ExrChunkLayout.channels`) on line `y`
   * (box.yMin <= y <= box.yMax): the whole line of the box (`sampleCount(box.xMin, box.xMax,
   * xSampling)` samples) in the channel's type (half bits as Uint16Array). A view into `bytes` when
   * the line is aligned for its type on a little-endian machine, else a copy. Undefined when the
   * channel has no samples on that line (y not a multiple of its ySampling).
   */
  samples(channel: number, y: number): Uint16Array | Float32Array | Uint32Array | undefined;
}

/** Where each selected channel's samples start on each line of a chunk (-1: none on that line). */
class LineOffsets {
  private offsets = new Int32Array(0);
  private box: Box2 = { xMin: 0, yMin: 0, xMax: -1, yMax: -1 };

  constructor(
    private readonly all: readonly ExrChannel[],
    private readonly selected: readonly ExrChannel[],
  ) {}

  /** Fills the table for a chunk of box `box`. */
  layout(box: Box2): void {
    this.box = box;
    const lines = box.yMax - box.yMin + 1;
    const count = this.selected.length;
    if (this.offsets.length < lines * count) this.offsets = new Int32Array(lines * count);
    const offsets = this.offsets;
    offsets.fill(-1, 0, lines * count);
    let position = 0;
    for (let y = box.yMin; y <= box.yMax; y++) {
      for (const channel of this.all) {
        if (y % channel.ySampling !== 0) continue;
        const at = this.selected.indexOf(channel);
        if (at !== -1) offsets[(y - box.yMin) * count + at] = position;
        position += sampleCount(box.xMin, box.xMax, channel.xSampling) * bytesPerSample(channel.type);
      }
    }
  }

  samples(bytes: Uint8Array, channel: number, y: number): Uint16Array | Float32Array | Uint32Array | undefined {
    const box = this.box;
    const wanted = this.selected[channel];
    if (wanted === undefined || !Number.isInteger(y) || y < box.yMin || y > box.yMax) {
      throw exrError(
        ExrErrorCode.EXR_BAD_ARGUMENT,
        `no samples of channel ${channel} on line ${y}: the chunk has ${this.selected.length} selected channels and lines ${box.yMin} to ${box.yMax}`,
      );
    }
    const offset = this.offsets[(y - box.yMin) * this.selected.length + channel]!;
    if (offset < 0) return undefined;
    const count = sampleCount(box.xMin, box.xMax, wanted.xSampling);
    const size = bytesPerSample(wanted.type);
    const start = bytes.byteOffset + offset;
    if (LITTLE_ENDIAN && start % size === 0) {
      if (wanted.type === 'half') return new Uint16Array(bytes.buffer, start, count);
      if (wanted.type === 'float') return new Float32Array(bytes.buffer, start, count);
      return new Uint32Array(bytes.buffer, start, count);
    }
    // Unaligned (a chunk stored unpacked at an odd place in the file) or a big-endian machine.
    const view = new DataView(bytes.buffer, start, count * size);
    if (wanted.type === 'half') {
      const out = new Uint16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, true);
      return out;
    }
    const out = wanted.type === 'float' ? new Float32Array(count) : new Uint32Array(count);
    if (out instanceof Float32Array) for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
    else for (let i = 0; i < count; i++) out[i] = view.getUint32(i * 4, true);
    return out;
  }
}

function prepare(bytes: Uint8Array, options: ExrChunkReadOptions): { context: ChunkReadContext; plan: FlatChunkPlan; layout: ExrChunkLayout } {
  const header = readExrHeader(bytes);
  const part = withExrErrors(() => selectPart(header, options.part), ExrErrorCode.EXR_BAD_ARGUMENT);
  const location = `part ${part.index}`;
  return withExrErrors(
    () => {
      if (part.type !== 'scanlineimage' && part.type !== 'tiledimage') {
        throw exrError(ExrErrorCode.EXR_BAD_ARGUMENT, `part ${part.index} is a ${part.type} part: readExrChunks reads scanline and tiled image parts (readExr reads every kind)`, { location });
      }
      const { level, region, channels, context } = partReadSetup(bytes, header, part, options, location);
      const plan = flatChunkPlan(context, region, level.x, level.y);
      return { context, plan, layout: { header, part, channels, region, level, chunkCount: plan.jobs.length } };
    },
    ExrErrorCode.EXR_CORRUPT_CHUNK,
    location,
  );
}

/**
 * Decompresses the chunks of one scanline or tiled image part that cover `options.region` (default
 * the level's data window), in offset-table order (increasing y, then x, whatever the file's line
 * order), and calls `onChunk` with each while its bytes are valid. Every chunk's leader is read and
 * checked before the first call, so a damaged offset table or leader fails before any work; a chunk
 * that fails to decompress throws when its turn comes (earlier chunks were already given).
 *
 * Throws VfxError with an EXR code as readExr does (EXR_BAD_MAGIC, EXR_BAD_HEADER, EXR_TRUNCATED,
 * EXR_CORRUPT_CHUNK, EXR_LIMIT, UNSUPPORTED_COMPRESSION, EXR_BAD_ARGUMENT: also for a deep part);
 * what `onChunk` throws goes through unchanged and stops the read.
 *
 * @example
 * // The mean of channel R, without whole-frame planes.
 * let sum = 0;
 * const layout = readExrChunks(bytes, { channels: ['R'] }, (chunk) => {
 *   for (let y = chunk.region.yMin; y <= chunk.region.yMax; y++) {
 *     const row = chunk.samples(0, y); // Uint16Array of half bits (R is half here)
 *     if (row !== undefined) for (const h of row) sum += halfToFloat(h);
 *   }
 * });
 * const mean = sum / ((layout.region.xMax - layout.region.xMin + 1) * (layout.region.yMax - layout.region.yMin + 1));
 */
export function readExrChunks(input: Uint8Array | ArrayBuffer, options: ExrChunkReadOptions, onChunk: (chunk: ExrDecodedChunk, layout: ExrChunkLayout) => void): ExrChunkLayout {
  const bytes = input instanceof Uint8Array ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
  const { context, plan, layout } = prepare(bytes, options);
  const lines = new LineOffsets(layout.part.channels, layout.channels);
  const chunks = unpackFlatChunks(context, plan);
  for (;;) {
    const step: IteratorResult<UnpackedFlatChunk, void> = withExrErrors(() => chunks.next(), ExrErrorCode.EXR_CORRUPT_CHUNK, context.location);
    if (step.done === true) break;
    const { job, xdr } = step.value;
    lines.layout(job.box);
    const region = intersectBoxes(job.box, layout.region)!;
    onChunk({ index: job.index, box: job.box, region, bytes: xdr, samples: (channel, y) => lines.samples(xdr, channel, y) }, layout);
  }
  return layout;
}
