/**
 * Reading flat (non-deep) pixels of scanline and tiled parts: find the chunks that cover a region of
 * one resolution level, read and check their leaders, check that their packed sizes could hold the
 * declared data, then decompress each chunk to its Xdr buffer (see compression/types.ts) and copy
 * the selected channels' samples into planar arrays. See "OpenEXR File Layout", Regular Scan Line
 * Blocks and Regular Image Tiles.
 */
import { VfxError, isVfxError } from '@vfxkit/core';
import { compressionMethod, maxUnpackedSize } from '../compression/index.js';
import type { ChunkInfo } from '../compression/types.js';
import { ExrErrorCode, exrError } from '../errors.js';
import { PIXEL_TYPES } from '../header/attributes.js';
import {
  LINES_PER_CHUNK,
  bytesPerSample,
  firstSample,
  floorDiv,
  levelDataWindow,
  sampleCount,
  tileBox,
  tileIndex,
  tileLayout,
  unpackedSize,
} from '../header/layout.js';
import type { Box2, ExrChannel, ExrChannelData } from '../model.js';
import { readChunkRef } from './offsets.js';
import type { ChunkCoordinates, ChunkReadContext, ChunkRef } from './offsets.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A chunk to read: its pixel box and what its leader must say. */
export interface ChunkJob {
  index: number;
  box: Box2;
  coordinates: ChunkCoordinates;
}

/** The chunks covering `region` (scanline parts). */
function scanlineJobs(context: ChunkReadContext, region: Box2): ChunkJob[] {
  const part = context.part;
  const lines = LINES_PER_CHUNK[part.compression];
  const dw = part.dataWindow;
  const first = floorDiv(region.yMin - dw.yMin, lines);
  const last = floorDiv(region.yMax - dw.yMin, lines);
  const jobs: ChunkJob[] = [];
  for (let index = first; index <= last; index++) {
    const yMin = dw.yMin + index * lines;
    jobs.push({ index, box: { xMin: dw.xMin, xMax: dw.xMax, yMin, yMax: Math.min(yMin + lines - 1, dw.yMax) }, coordinates: { y: yMin } });
  }
  return jobs;
}

/** The tiles of level (lx, ly) covering `region` (tiled parts). */
export function tileJobs(context: ChunkReadContext, region: Box2, lx: number, ly: number): ChunkJob[] {
  const layout = tileLayout(context.part.dataWindow, context.part.tiles!);
  const level = levelDataWindow(layout, lx, ly);
  const { xSize, ySize } = layout.tiles;
  const jobs: ChunkJob[] = [];
  for (let ty = floorDiv(region.yMin - level.yMin, ySize); ty <= floorDiv(region.yMax - level.yMin, ySize); ty++) {
    for (let tx = floorDiv(region.xMin - level.xMin, xSize); tx <= floorDiv(region.xMax - level.xMin, xSize); tx++) {
      jobs.push({
        index: tileIndex(layout, tx, ty, lx, ly),
        box: tileBox(layout, tx, ty, lx, ly),
        coordinates: { tileX: tx, tileY: ty, levelX: lx, levelY: ly },
      });
    }
  }
  return jobs;
}

/** The chunk info a codec gets. */
export function chunkInfo(channels: readonly ExrChannel[], box: Box2, size: number): ChunkInfo {
  return {
    channels: channels.map((c) => ({
      name: c.name,
      type: PIXEL_TYPES.indexOf(c.type) as 0 | 1 | 2,
      xSampling: c.xSampling,
      ySampling: c.ySampling,
      pLinear: c.pLinear,
    })),
    xMin: box.xMin,
    yMin: box.yMin,
    width: box.xMax - box.xMin + 1,
    height: box.yMax - box.yMin + 1,
    unpackedSize: size,
  };
}

/**
 * Decompresses one chunk to its Xdr buffer (raw when the packed size equals the unpacked size).
 * `output`: a scratch array the method may decode into (see `CompressionMethod.decompress`).
 */
export function unpackChunk(context: ChunkReadContext, ref: ChunkRef, packed: Uint8Array, info: ChunkInfo, what: string, output?: Uint8Array): Uint8Array {
  const size = info.unpackedSize;
  if (packed.byteLength === size) return packed;
  const location = context.location;
  if (packed.byteLength > size) {
    throw exrError(ExrErrorCode.EXR_CORRUPT_CHUNK, `${what} (chunk ${ref.index}) holds ${packed.byteLength} packed bytes, more than its ${size} unpacked bytes`, {
      location,
      offset: ref.offset,
    });
  }
  const method = compressionMethod(context.part.compression);
  let unpacked: Uint8Array;
  try {
    unpacked = method.decompress(packed, info, context.codec, output);
  } catch (error) {
    // Codecs throw VfxErrors (EXR_CORRUPT_CHUNK, UNSUPPORTED_COMPRESSION, ...): keep their code and
    // say which chunk; anything else (a RangeError on garbage) is a corrupt chunk too.
    const message = `${what} (chunk ${ref.index}): ${error instanceof Error ? error.message : String(error)}`;
    const options = { location, offset: ref.offset, cause: error };
    if (isVfxError(error)) throw new VfxError(error.code, message, options, error.category);
    throw exrError(ExrErrorCode.EXR_CORRUPT_CHUNK, message, options);
  }
  if (unpacked.byteLength !== size) {
    throw exrError(
      ExrErrorCode.EXR_CORRUPT_CHUNK,
      `${what} (chunk ${ref.index}) decompresses to ${unpacked.byteLength} bytes, expected ${size}`,
      { location, offset: ref.offset },
    );
  }
  return unpacked;
}

function describeJob(job: ChunkJob): string {
  const c = job.coordinates;
  return 'y' in c ? `scanline block at y ${c.y}` : `tile (${c.tileX}, ${c.tileY}) of level (${c.levelX}, ${c.levelY})`;
}

/** Allocates an empty channel array of the channel's native type. */
export function allocateSamples(type: ExrChannel['type'], count: number): Uint16Array | Float32Array | Uint32Array {
  if (type === 'half') return new Uint16Array(count);
  if (type === 'float') return new Float32Array(count);
  return new Uint32Array(count);
}

/** Byte-swaps 16/32-bit arrays filled from little-endian bytes on a big-endian machine. */
export function fixEndianness(data: Uint16Array | Float32Array | Uint32Array): void {
  if (LITTLE_ENDIAN) return;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const size = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.byteLength; i += size) bytes.subarray(i, i + size).reverse();
}

/** The chunks covering a region of one level, their leaders read and checked (flatChunkPlan). */
export interface FlatChunkPlan {
  jobs: ChunkJob[];
  refs: ChunkRef[];
  /** Each chunk's unpacked size. */
  sizes: number[];
}

/**
 * The chunks covering `region` of level (lx, ly), in offset-table order (increasing y, then x), with
 * every leader read and checked: each chunk must be in the file and able to hold its declared data
 * (its unpacked size at most what its packed size can give with the part's compression), before any
 * output is allocated; UNSUPPORTED_COMPRESSION when some chunk is really packed with a method we
 * cannot decode.
 */
export function flatChunkPlan(context: ChunkReadContext, region: Box2, lx: number, ly: number): FlatChunkPlan {
  const part = context.part;
  const tiled = part.type === 'tiledimage';
  const jobs = tiled ? tileJobs(context, region, lx, ly) : scanlineJobs(context, region);
  const refs: ChunkRef[] = [];
  const sizes: number[] = [];
  for (const job of jobs) {
    const ref = readChunkRef(context, job.index, job.coordinates);
    const size = unpackedSize(part.channels, job.box);
    if (ref.packedSize !== size && size > maxUnpackedSize(part.compression, ref.packedSize)) {
      throw exrError(
        ExrErrorCode.EXR_CORRUPT_CHUNK,
        `${describeJob(job)} (chunk ${job.index}) declares ${size} unpacked bytes, more than its ${ref.packedSize} packed bytes can hold with ${part.compression}`,
        { location: context.location, offset: ref.offset },
      );
    }
    refs.push(ref);
    sizes.push(size);
  }
  // Fail early on methods we cannot decode (only matters when some chunk is really packed).
  if (refs.some((ref, i) => ref.packedSize !== sizes[i])) compressionMethod(part.compression);
  return { jobs, refs, sizes };
}

/** One decompressed chunk of a plan: its Xdr bytes (OpenEXR's layout, little-endian samples). */
export interface UnpackedFlatChunk {
  job: ChunkJob;
  /** Valid until the next chunk is asked for: methods that can decode into one reused chunk-sized
   *  array do (and a chunk stored unpacked is a view of the file's bytes). */
  xdr: Uint8Array;
}

/** Decompresses the chunks of `plan` one at a time, in its order. */
export function* unpackFlatChunks(context: ChunkReadContext, plan: FlatChunkPlan): Generator<UnpackedFlatChunk, void, undefined> {
  const { jobs, refs, sizes } = plan;
  let scratch: Uint8Array | undefined;
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    const ref = refs[i]!;
    const packed = context.bytes.subarray(ref.dataOffset, ref.dataOffset + ref.packedSize);
    if (scratch === undefined && ref.packedSize !== sizes[i]) scratch = new Uint8Array(sizes.reduce((max, size) => (size > max ? size : max), 0));
    yield { job, xdr: unpackChunk(context, ref, packed, chunkInfo(context.part.channels, job.box, sizes[i]!), describeJob(job), scratch) };
  }
}

/**
 * Reads the pixels of `region` (inside the level's data window) of level (lx, ly) for `selected`
 * channels. Scanline parts have one level (0, 0).
 */
export function readFlatRegion(
  context: ChunkReadContext,
  region: Box2,
  lx: number,
  ly: number,
  selected: readonly ExrChannel[],
): ExrChannelData[] {
  const part = context.part;

  // 1. Leaders first: every chunk must be in the file and able to hold its declared data, before
  //    any output is allocated.
  const plan = flatChunkPlan(context, region, lx, ly);

  // 2. Output arrays.
  const outputs = selected.map((channel) => {
    const width = sampleCount(region.xMin, region.xMax, channel.xSampling);
    const height = sampleCount(region.yMin, region.yMax, channel.ySampling);
    const data = allocateSamples(channel.type, width * height);
    return {
      channel,
      width,
      height,
      data,
      bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      x0: firstSample(region.xMin, channel.xSampling),
      y0: firstSample(region.yMin, channel.ySampling),
    };
  });
  const outputByName = new Map(outputs.map((o) => [o.channel.name, o]));

  // 3. Decompress each chunk and copy the samples inside the region (each chunk is copied out
  //    before the next is decoded).
  for (const { job, xdr } of unpackFlatChunks(context, plan)) {
    const box = job.box;
    let position = 0;
    for (let y = box.yMin; y <= box.yMax; y++) {
      for (const channel of part.channels) {
        if (y % channel.ySampling !== 0) continue;
        const bps = bytesPerSample(channel.type);
        const rowSamples = sampleCount(box.xMin, box.xMax, channel.xSampling);
        const output = outputByName.get(channel.name);
        if (output !== undefined && y >= region.yMin && y <= region.yMax) {
          const xs = channel.xSampling;
          const a = Math.max(box.xMin, region.xMin);
          const b = Math.min(box.xMax, region.xMax);
          const count = sampleCount(a, b, xs);
          if (count > 0) {
            const firstX = firstSample(a, xs);
            const source = position + ((firstX - firstSample(box.xMin, xs)) / xs) * bps;
            const row = (y - output.y0) / channel.ySampling;
            const column = (firstX - output.x0) / xs;
            output.bytes.set(xdr.subarray(source, source + count * bps), (row * output.width + column) * bps);
          }
        }
        position += rowSamples * bps;
      }
    }
  }

  return outputs.map((o) => {
    fixEndianness(o.data);
    const { name, type, pLinear, xSampling, ySampling } = o.channel;
    return { name, type, pLinear, xSampling, ySampling, width: o.width, height: o.height, data: o.data };
  });
}
