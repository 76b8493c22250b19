/**
 * Offset tables and chunk leaders. After the headers come one offset table per part (one uint64
 * file offset per chunk, in increasing-y / level order whatever the line order); each chunk starts
 * with a leader: [part number (multi-part only)], then y (scanline) or tileX, tileY, levelX, levelY
 * (tiled), then the packed size (int32), or for deep chunks three uint64s: packed sample-count table
 * size, packed sample data size, unpacked sample data size. See "OpenEXR File Layout", components
 * four and five.
 */
import { ByteReader } from '@vfxkit/core';
import type { CodecContext } from '../compression/types.js';
import { ExrErrorCode, exrError } from '../errors.js';
import type { ExrHeader, ExrPartHeader } from '../model.js';

/** Everything chunk reading needs, passed explicitly. */
export interface ChunkReadContext {
  bytes: Uint8Array;
  header: ExrHeader;
  part: ExrPartHeader;
  /** Byte offset of this part's offset table. */
  tableOffset: number;
  /** Byte offset just past the last offset table (no chunk can start before it). */
  tablesEnd: number;
  codec: CodecContext;
  maxPixels: number;
  maxSamples: number;
  /** "part N" for error locations. */
  location: string;
}

/** Where the offset tables of `part` sit; EXR_TRUNCATED when the file ends inside them. */
export function locateOffsetTable(bytes: Uint8Array, header: ExrHeader, partIndex: number): { tableOffset: number; tablesEnd: number } {
  let offset = header.offsetTablesOffset;
  let tableOffset = offset;
  for (const part of header.parts) {
    if (part.index === partIndex) tableOffset = offset;
    offset += part.chunkCount * 8;
  }
  const part = header.parts[partIndex]!;
  const end = tableOffset + part.chunkCount * 8;
  if (end > bytes.byteLength) {
    throw exrError(
      ExrErrorCode.EXR_TRUNCATED,
      `file ends inside the offset table of part ${partIndex}: ${part.chunkCount} chunks need ${part.chunkCount * 8} bytes at byte ${tableOffset}, the file has ${bytes.byteLength}`,
      { offset: tableOffset, location: `part ${partIndex}` },
    );
  }
  return { tableOffset, tablesEnd: Math.min(offset, bytes.byteLength) };
}

/** A chunk's position and sizes, read from its leader. */
export interface ChunkRef {
  index: number;
  /** Byte offset of the leader. */
  offset: number;
  /** Byte offset of the packed data (for deep chunks: of the packed sample-count table). */
  dataOffset: number;
  /** Packed size of the pixel data (flat chunks) or of the sample data (deep chunks). */
  packedSize: number;
  /** Deep only: packed size of the sample-count table and unpacked size of the sample data. */
  packedTableSize: number;
  unpackedDataSize: number;
}

/** What the leader must say: the scanline block's first y, or the tile's coordinates. */
export type ChunkCoordinates = { y: number } | { tileX: number; tileY: number; levelX: number; levelY: number };

function describe(coordinates: ChunkCoordinates): string {
  return 'y' in coordinates
    ? `scanline block at y ${coordinates.y}`
    : `tile (${coordinates.tileX}, ${coordinates.tileY}) of level (${coordinates.levelX}, ${coordinates.levelY})`;
}

/** Reads the offset of chunk `index` and its leader, checking every field against the file. */
export function readChunkRef(context: ChunkReadContext, index: number, expected: ChunkCoordinates): ChunkRef {
  const { bytes, part, location } = context;
  const table = new ByteReader(bytes, context.tableOffset + index * 8);
  const offset = table.u64('chunk offset');
  const what = describe(expected);
  if (offset === 0) {
    throw exrError(ExrErrorCode.EXR_TRUNCATED, `${what} (chunk ${index}) was never written: its offset table entry is 0 (incomplete file)`, {
      location,
      offset: context.tableOffset + index * 8,
    });
  }
  if (offset >= bytes.byteLength) {
    throw exrError(
      ExrErrorCode.EXR_TRUNCATED,
      `${what} (chunk ${index}) starts at byte ${offset}, past the end of the file (${bytes.byteLength} bytes)`,
      { location, offset: context.tableOffset + index * 8 },
    );
  }
  if (offset < context.tablesEnd) {
    throw exrError(ExrErrorCode.EXR_CORRUPT_CHUNK, `${what} (chunk ${index}) has offset ${offset}, inside the headers or offset tables`, {
      location,
      offset: context.tableOffset + index * 8,
    });
  }
  const reader = new ByteReader(bytes, offset);
  const corrupt = (message: string): never => {
    throw exrError(ExrErrorCode.EXR_CORRUPT_CHUNK, `${what} (chunk ${index}): ${message}`, { location, offset });
  };
  if (context.header.flags.multipart) {
    const partNumber = reader.i32('part number');
    if (partNumber !== part.index) corrupt(`leader names part ${partNumber}`);
  }
  if ('y' in expected) {
    const y = reader.i32('chunk y');
    if (y !== expected.y) corrupt(`leader says y ${y}`);
  } else {
    const tileX = reader.i32('tile x');
    const tileY = reader.i32('tile y');
    const levelX = reader.i32('level x');
    const levelY = reader.i32('level y');
    if (tileX !== expected.tileX || tileY !== expected.tileY || levelX !== expected.levelX || levelY !== expected.levelY) {
      corrupt(`leader says tile (${tileX}, ${tileY}) of level (${levelX}, ${levelY})`);
    }
  }
  const deep = part.type === 'deepscanline' || part.type === 'deeptile';
  let packedTableSize = 0;
  let unpackedDataSize = 0;
  let packedSize: number;
  if (deep) {
    packedTableSize = reader.u64('sample count table size');
    packedSize = reader.u64('packed sample data size');
    unpackedDataSize = reader.u64('unpacked sample data size');
  } else {
    packedSize = reader.i32('packed size');
    if (packedSize < 0) corrupt(`negative packed size ${packedSize}`);
  }
  const dataOffset = reader.offset;
  const end = dataOffset + packedTableSize + packedSize;
  if (end > bytes.byteLength) {
    throw exrError(
      ExrErrorCode.EXR_TRUNCATED,
      `file ends inside ${what} (chunk ${index}): its data needs ${packedTableSize + packedSize} bytes at byte ${dataOffset}, ${bytes.byteLength - dataOffset} left`,
      { location, offset },
    );
  }
  return { index, offset, dataOffset, packedSize, packedTableSize, unpackedDataSize };
}
