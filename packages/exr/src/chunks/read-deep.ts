/**
 * Reading deep scanline and deep tiled parts. Each chunk (one scanline, or one tile) holds a packed
 * sample-count table (per row, the running total of samples from the row's first pixel: int32 per
 * pixel) and packed sample data: for each row, for each channel, the samples of each pixel in turn.
 * Both are compressed with the part's method (NONE, RLE or ZIPS) and stored raw when packing did
 * not help. See "OpenEXR File Layout", Deep Data, and OpenEXRCore `decoding.c` (unpack_sample_table).
 *
 * Leaders first (checked against the bytes present), then the sample-count tables (which size the
 * output and are checked against the declared data sizes and `maxSamples`), then the sample data.
 */
import { maxUnpackedSize } from '../compression/index.js';
import { ExrErrorCode, exrError } from '../errors.js';
import { bytesPerSample, floorDiv } from '../header/layout.js';
import type { Box2, ExrChannel, ExrDeepData } from '../model.js';
import { readChunkRef } from './offsets.js';
import type { ChunkCoordinates, ChunkReadContext } from './offsets.js';
import { allocateSamples, chunkInfo, fixEndianness, tileJobs, unpackChunk } from './read-flat.js';

interface DeepJob {
  index: number;
  box: Box2;
  coordinates: ChunkCoordinates;
}

function deepJobs(context: ChunkReadContext, region: Box2, lx: number, ly: number): DeepJob[] {
  const part = context.part;
  if (part.type === 'deeptile') return tileJobs(context, region, lx, ly);
  const dw = part.dataWindow;
  const lines = 1; // deep parts allow only NONE, RLE and ZIPS: one scanline per chunk
  const jobs: DeepJob[] = [];
  for (let index = floorDiv(region.yMin - dw.yMin, lines); index <= floorDiv(region.yMax - dw.yMin, lines); index++) {
    const yMin = dw.yMin + index * lines;
    jobs.push({ index, box: { xMin: dw.xMin, xMax: dw.xMax, yMin, yMax: Math.min(yMin + lines - 1, dw.yMax) }, coordinates: { y: yMin } });
  }
  return jobs;
}

function describe(job: DeepJob): string {
  const c = job.coordinates;
  return 'y' in c ? `deep scanline ${c.y}` : `deep tile (${c.tileX}, ${c.tileY}) of level (${c.levelX}, ${c.levelY})`;
}

/** Reads the deep samples of `region` for `selected` channels. */
export function readDeepRegion(context: ChunkReadContext, region: Box2, lx: number, ly: number, selected: readonly ExrChannel[]): ExrDeepData {
  const part = context.part;
  const location = context.location;
  const jobs = deepJobs(context, region, lx, ly);
  const bytesPerPixelSample = part.channels.reduce((sum, c) => sum + bytesPerSample(c.type), 0);
  const width = region.xMax - region.xMin + 1;
  const height = region.yMax - region.yMin + 1;

  // 1. Leaders: every chunk must be in the file and its packed sizes able to hold what it declares,
  //    before anything is allocated.
  const refs = jobs.map((job) => {
    const ref = readChunkRef(context, job.index, job.coordinates);
    const box = job.box;
    const tableSize = (box.xMax - box.xMin + 1) * (box.yMax - box.yMin + 1) * 4;
    if (ref.packedTableSize !== tableSize && tableSize > maxUnpackedSize(part.compression, ref.packedTableSize)) {
      throw exrError(
        ExrErrorCode.EXR_CORRUPT_CHUNK,
        `${describe(job)} (chunk ${job.index}): a ${ref.packedTableSize}-byte sample count table cannot hold ${tableSize / 4} counts`,
        { location, offset: ref.offset },
      );
    }
    if (ref.packedSize !== ref.unpackedDataSize && ref.unpackedDataSize > maxUnpackedSize(part.compression, ref.packedSize)) {
      throw exrError(
        ExrErrorCode.EXR_CORRUPT_CHUNK,
        `${describe(job)} (chunk ${job.index}): declares ${ref.unpackedDataSize} bytes of sample data, more than ${ref.packedSize} packed bytes can hold`,
        { location, offset: ref.offset },
      );
    }
    return ref;
  });

  // 2. Sample-count tables: per row running totals, turned into counts and checked.
  const sampleCounts = new Uint32Array(width * height);
  const tables: Int32Array[] = [];
  let totalSamples = 0;
  jobs.forEach((job, j) => {
    const ref = refs[j]!;
    const what = describe(job);
    const corrupt = (message: string): never => {
      throw exrError(ExrErrorCode.EXR_CORRUPT_CHUNK, `${what} (chunk ${job.index}): ${message}`, { location, offset: ref.offset });
    };
    const box = job.box;
    const boxWidth = box.xMax - box.xMin + 1;
    const boxHeight = box.yMax - box.yMin + 1;
    const tableSize = boxWidth * boxHeight * 4;
    const packedTable = context.bytes.subarray(ref.dataOffset, ref.dataOffset + ref.packedTableSize);
    const tableBytes = unpackChunk(context, ref, packedTable, chunkInfo([], box, tableSize), `${what} sample count table`);
    const cumulative = new DataView(tableBytes.buffer, tableBytes.byteOffset, tableBytes.byteLength);
    const counts = new Int32Array(boxWidth * boxHeight);
    let chunkSamples = 0;
    for (let row = 0; row < boxHeight; row++) {
      let previous = 0;
      for (let x = 0; x < boxWidth; x++) {
        const i = row * boxWidth + x;
        const running = cumulative.getInt32(i * 4, true);
        if (running < previous) corrupt(`sample count table decreases at pixel ${x} of row ${row} (${previous} then ${running})`);
        counts[i] = running - previous;
        previous = running;
      }
      chunkSamples += previous;
    }
    if (chunkSamples * bytesPerPixelSample !== ref.unpackedDataSize) {
      corrupt(`${chunkSamples} samples of ${bytesPerPixelSample} bytes need ${chunkSamples * bytesPerPixelSample} bytes, the chunk declares ${ref.unpackedDataSize}`);
    }
    for (let y = Math.max(box.yMin, region.yMin); y <= Math.min(box.yMax, region.yMax); y++) {
      for (let x = Math.max(box.xMin, region.xMin); x <= Math.min(box.xMax, region.xMax); x++) {
        const count = counts[(y - box.yMin) * boxWidth + (x - box.xMin)]!;
        sampleCounts[(y - region.yMin) * width + (x - region.xMin)] = count;
        totalSamples += count;
      }
    }
    if (totalSamples > context.maxSamples) {
      throw exrError(ExrErrorCode.EXR_LIMIT, `more than ${context.maxSamples} deep samples (limit maxSamples)`, { location });
    }
    tables.push(counts);
  });

  // 3. Output arrays and per-pixel offsets.
  const sampleOffsets = new Uint32Array(width * height + 1);
  for (let i = 0; i < width * height; i++) sampleOffsets[i + 1] = sampleOffsets[i]! + sampleCounts[i]!;
  const outputs = selected.map((channel) => {
    const data = allocateSamples(channel.type, totalSamples);
    return { channel, data, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  });
  const outputByName = new Map(outputs.map((o) => [o.channel.name, o]));

  // 4. Sample data.
  jobs.forEach((job, j) => {
    const ref = refs[j]!;
    const counts = tables[j]!;
    const box = job.box;
    const boxWidth = box.xMax - box.xMin + 1;
    const start = ref.dataOffset + ref.packedTableSize;
    const packed = context.bytes.subarray(start, start + ref.packedSize);
    const data = unpackChunk(context, ref, packed, chunkInfo(part.channels, box, ref.unpackedDataSize), describe(job));
    let position = 0;
    for (let y = box.yMin; y <= box.yMax; y++) {
      const rowCounts = counts.subarray((y - box.yMin) * boxWidth, (y - box.yMin + 1) * boxWidth);
      const inRows = y >= region.yMin && y <= region.yMax;
      for (const channel of part.channels) {
        const bps = bytesPerSample(channel.type);
        const output = inRows ? outputByName.get(channel.name) : undefined;
        for (let i = 0; i < boxWidth; i++) {
          const n = rowCounts[i]! * bps;
          const x = box.xMin + i;
          if (output !== undefined && n > 0 && x >= region.xMin && x <= region.xMax) {
            const pixel = (y - region.yMin) * width + (x - region.xMin);
            output.bytes.set(data.subarray(position, position + n), sampleOffsets[pixel]! * bps);
          }
          position += n;
        }
      }
    }
  });

  return {
    sampleCounts,
    sampleOffsets,
    totalSamples,
    channels: outputs.map((o) => {
      fixEndianness(o.data);
      return { name: o.channel.name, type: o.channel.type, pLinear: o.channel.pLinear, data: o.data };
    }),
  };
}
