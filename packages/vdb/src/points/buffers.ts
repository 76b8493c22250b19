/**
 * Point data grid buffers (`PointDataLeafNode::readBuffers`, `points/PointDataGrid.h`), read in
 * passes: a uint16 pass count (2n + 4 for n attributes) and then, for each pass, every leaf in
 * tree order reads its part:
 *
 * | pass | each leaf reads |
 * |---|---|
 * | 0 | uint16: the compressed size of its voxel buffer |
 * | 1 | unless an earlier leaf shared its descriptor: a header byte (bit 0: later leaves share this descriptor; bit 1: a uint64 count of bytes to skip follows), the attribute-set descriptor (types, names, groups, metadata); then per attribute its metadata (uint64 bytes, flags, serialization flags, uint32 size, uint32 stride if strided) |
 * | 2 .. n+1 | attribute k = pass - 2, if paged: the page header when a new page starts (int32 compressed size, and if > 0 int32 uncompressed size; <= 0 means raw) |
 * | n+2 | the voxel buffer: value mask, uint16 size (0xFFFF: raw), the 512 uint32 end offsets (Blosc) |
 * | n+3 .. 2n+2 | attribute k = pass - n - 3: paged: the page data when a new page starts; else (not uniform) a Blosc flag byte, then the bytes |
 * | 2n+3 | nothing (cleanup) |
 *
 * Pages are shared by consecutive leaves (OpenVDB's `PagedInputStream`): a leaf's array is the
 * next `bytes` bytes of the current page.
 */
import type { ByteReader } from '@vfxkit/core';
import { bloscDecompressSync } from '../compression/blosc.js';
import type { Decoding } from '../compression/chunks.js';
import { VdbErrorCode, vdbError } from '../errors.js';
import { readMetadata, readVdbString } from '../io/metadata.js';
import type { VdbMetadata } from '../io/metadata.js';
import type { BufferContext } from '../tree/buffers.js';
import type { VdbTree } from '../tree/tree.js';
import { attributeLayout } from './attributes.js';

/** An attribute set descriptor (`AttributeSet::Descriptor`). */
export interface PointDescriptor {
  /** Per attribute position: value type and codec. */
  types: { valueType: string; codec: string }[];
  /** Attribute names by position. */
  names: Map<string, number>;
  /** Group names by group offset (attribute-index order of group arrays * 8 + bit). */
  groups: Map<string, number>;
  metadata: VdbMetadata;
}

/** One leaf's attribute array as stored. */
export interface LeafAttribute {
  flags: number;
  uniform: boolean;
  /** Elements (points) in the array. */
  size: number;
  /** Values per element (1 unless strided). */
  stride: number;
  /** The decoded storage bytes (one value when uniform). */
  data: Uint8Array;
}

export interface PointDataLeaves {
  /** Per leaf in tree order: its descriptor and arrays. */
  descriptors: PointDescriptor[];
  arrays: LeafAttribute[][];
  /** Leaves in buffer order (points are numbered in this order). */
  order: Int32Array | undefined;
}

const WRITESTRIDED = 0x1;
const WRITEUNIFORM = 0x2;
const WRITEPAGED = 0x8;
const CONSTANTSTRIDE = 0x8;
const BLOSC_PAD_BYTES = 128;

interface ArrayMetadata {
  flags: number;
  serialization: number;
  size: number;
  strideOrTotal: number;
  /** Bytes the array takes (compressed when Blosc-compressed, the page share when paged). */
  bytes: number;
}

interface Page {
  compressedBytes: number;
  uncompressedBytes: number;
  data?: Uint8Array;
}

interface PagedStream {
  byteIndex: number;
  uncompressed: number;
  /** The page being filled (size-only pass). */
  page?: Page;
}

function readDescriptor(reader: ByteReader, location: string): PointDescriptor {
  const at = reader.offset;
  const count = Number(reader.i64('attribute count'));
  if (count < 0 || count * 8 > reader.remaining) {
    throw vdbError(VdbErrorCode.VDB_TRUNCATED, `point descriptor declares ${count} attributes; only ${reader.remaining} bytes are left`, { offset: at, location });
  }
  const types: PointDescriptor['types'] = [];
  for (let i = 0; i < count; i++) types.push({ valueType: readVdbString(reader, 'attribute type'), codec: readVdbString(reader, 'attribute codec') });
  const names = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const name = readVdbString(reader, 'attribute name');
    const position = Number(reader.i64('attribute position'));
    if (position < 0 || position >= count) {
      throw vdbError(VdbErrorCode.VDB_CORRUPT, `point attribute '${name}' is at position ${position} of ${count}`, { offset: reader.offset, location });
    }
    names.set(name, position);
  }
  const groupCount = Number(reader.i64('group count'));
  if (groupCount < 0 || groupCount * 12 > reader.remaining) {
    throw vdbError(VdbErrorCode.VDB_TRUNCATED, `point descriptor declares ${groupCount} groups; only ${reader.remaining} bytes are left`, { offset: reader.offset, location });
  }
  const groups = new Map<string, number>();
  for (let i = 0; i < groupCount; i++) {
    const name = readVdbString(reader, 'group name');
    groups.set(name, Number(reader.i64('group offset')));
  }
  const metadata = readMetadata(reader, 'point descriptor metadata');
  return { types, names, groups, metadata };
}

function readArrayMetadata(reader: ByteReader, location: string): ArrayMetadata {
  const at = reader.offset;
  const total = Number(reader.i64('attribute byte count'));
  const flags = reader.u8('attribute flags');
  const serialization = reader.u8('attribute serialization flags');
  const size = reader.u32('attribute size');
  if (serialization >= 0x10) {
    throw vdbError(VdbErrorCode.VDB_UNSUPPORTED, `point attribute serialization flags 0x${serialization.toString(16)} are newer than this reader`, { offset: at, location });
  }
  const strideOrTotal = serialization & WRITESTRIDED ? reader.u32('attribute stride') : 1;
  const bytes = total - 6;
  if (bytes < 0 || bytes > 2 ** 40) {
    throw vdbError(VdbErrorCode.VDB_CORRUPT, `point attribute declares ${total} bytes`, { offset: at, location });
  }
  return { flags, serialization, size, strideOrTotal, bytes };
}

/** Decodes an attribute Blosc buffer (OpenVDB pads buffers under 128 bytes to 128 before compressing). */
function* bloscBuffer(frame: Uint8Array, expected: number | undefined, at: number, location: string): Decoding<Uint8Array> {
  let decoded: Uint8Array | undefined;
  try {
    decoded = bloscDecompressSync(frame);
  } catch (error) {
    throw vdbError(VdbErrorCode.VDB_CORRUPT, `point data Blosc buffer: ${(error as Error).message}`, { offset: at, location, cause: error });
  }
  decoded ??= yield { frame, offset: at };
  if (expected === undefined || decoded.length === expected) return decoded;
  if (decoded.length === BLOSC_PAD_BYTES && expected <= BLOSC_PAD_BYTES) return decoded.subarray(0, expected);
  throw vdbError(VdbErrorCode.VDB_CORRUPT, `point data Blosc buffer decodes to ${decoded.length} bytes; expected ${expected}`, { offset: at, location });
}

/** Elements * values of an array (`dataSize()`). */
function dataSize(meta: ArrayMetadata): number {
  if (meta.serialization & WRITEUNIFORM) return 1;
  return meta.flags & CONSTANTSTRIDE || !(meta.serialization & WRITESTRIDED) ? meta.size * meta.strideOrTotal : meta.strideOrTotal;
}

/** Storage bytes of one value of attribute type (valueType, codec), or undefined when unknown. */
function storageSize(valueType: string, codec: string): number | undefined {
  try {
    return attributeLayout(valueType, codec, '').storageBytes;
  } catch {
    return undefined;
  }
}

export function* readPointDataBuffers(
  reader: ByteReader,
  context: BufferContext,
  tree: VdbTree,
  order: Int32Array | undefined,
  maxPoints: number,
): Decoding<PointDataLeaves> {
  const { location, layout } = context;
  const leafCount = tree.leafCount;
  const leafAt = (n: number): number => (order === undefined ? n : order[n]!);
  const passesAt = reader.offset;
  const passes = reader.u16('point data pass count');
  const attributeCount = (passes - 4) / 2;
  if (leafCount > 0 && (passes < 4 || !Number.isInteger(attributeCount))) {
    throw vdbError(VdbErrorCode.VDB_CORRUPT, `a point data grid with ${passes} passes (expected 4 + 2 per attribute)`, { offset: passesAt, location });
  }
  const descriptors: PointDescriptor[] = new Array(leafCount);
  const metas: ArrayMetadata[][] = new Array(leafCount);
  const arrays: LeafAttribute[][] = new Array(leafCount);
  const handles: { page: Page; offset: number; size: number }[][] = new Array(leafCount);
  const streams: PagedStream[] = Array.from({ length: Math.max(0, attributeCount) }, () => ({ byteIndex: 0, uncompressed: 0 }));
  // Between the passes, a stream's position carries over (the data pass starts a page where the
  // size pass started one).
  let totalPoints = 0;

  for (let pass = 0; pass < passes; pass++) {
    let shared: PointDescriptor | undefined;
    for (let n = 0; n < leafCount; n++) {
      const leaf = leafAt(n);
      if (pass === 0) {
        reader.u16('voxel buffer size');
      } else if (pass === 1) {
        let descriptor = shared;
        if (descriptor === undefined) {
          const headerAt = reader.offset;
          const header = reader.u8('point descriptor header');
          if (header > 3) {
            throw vdbError(VdbErrorCode.VDB_UNSUPPORTED, `point leaf header flags ${header} are newer than this reader`, { offset: headerAt, location });
          }
          descriptor = readDescriptor(reader, location);
          if (header & 1) shared = descriptor;
          if (header & 2) reader.skip(reader.u64('point leaf bytes to skip'), 'point leaf extension');
        }
        if (descriptor.types.length !== attributeCount) {
          throw vdbError(VdbErrorCode.VDB_CORRUPT, `a point leaf descriptor lists ${descriptor.types.length} attributes; the pass count says ${attributeCount}`, {
            offset: reader.offset,
            location,
          });
        }
        descriptors[leaf] = descriptor;
        metas[leaf] = descriptor.types.map(() => readArrayMetadata(reader, location));
        arrays[leaf] = new Array(attributeCount);
        handles[leaf] = new Array(attributeCount);
      } else if (pass < attributeCount + 2) {
        // Page headers of paged arrays (OpenVDB's size-only pass).
        const k = pass - 2;
        const meta = metas[leaf]![k]!;
        if (!(meta.serialization & WRITEPAGED)) continue;
        const stream = streams[k]!;
        if (stream.page === undefined || stream.byteIndex === stream.uncompressed) {
          const at = reader.offset;
          const compressedBytes = reader.i32('page compressed size');
          const uncompressedBytes = compressedBytes > 0 ? reader.i32('page uncompressed size') : -compressedBytes;
          if (compressedBytes === 0 || uncompressedBytes <= 0) {
            throw vdbError(VdbErrorCode.VDB_CORRUPT, `a point attribute page of ${compressedBytes} compressed, ${uncompressedBytes} uncompressed bytes`, { offset: at, location });
          }
          stream.page = { compressedBytes, uncompressedBytes };
          stream.uncompressed = uncompressedBytes;
          stream.byteIndex = 0;
        }
        const page = stream.page;
        if (stream.byteIndex + meta.bytes > stream.uncompressed) {
          throw vdbError(VdbErrorCode.VDB_CORRUPT, `a point attribute array of ${meta.bytes} bytes runs past its page`, { offset: reader.offset, location });
        }
        handles[leaf]![k] = { page, offset: stream.byteIndex, size: meta.bytes };
        stream.byteIndex += meta.bytes;
      } else if (pass === attributeCount + 2) {
        // The voxel buffer: the points' end offsets per voxel.
        reader.skip(layout.leafMaskBytes, 'point leaf value mask');
        const at = reader.offset;
        const size = reader.u16('voxel buffer size');
        const expected = layout.leafSize * 4;
        const bytes = size === 0xffff ? reader.subarray(expected, 'point offsets') : yield* bloscBuffer(reader.subarray(size, 'point offsets'), expected, at, location);
        const offsets = new Uint32Array(new Uint8Array(bytes.subarray(0, expected)).buffer);
        for (let v = 1; v < offsets.length; v++) {
          if (offsets[v]! < offsets[v - 1]!) {
            throw vdbError(VdbErrorCode.VDB_CORRUPT, `point offsets decrease inside leaf ${leaf}`, { offset: at, location });
          }
        }
        const points = offsets[offsets.length - 1]!;
        totalPoints += points;
        if (totalPoints > maxPoints) {
          throw vdbError(VdbErrorCode.VDB_LIMIT, `the grid holds more than ${maxPoints} points (limit maxPoints)`, { offset: at, location });
        }
        tree.setLeafValues(leaf, offsets);
      } else if (pass < 2 * attributeCount + 3) {
        const k = pass - attributeCount - 3;
        const meta = metas[leaf]![k]!;
        const type = descriptors[leaf]!.types[k]!;
        const valueBytes = storageSize(type.valueType, type.codec);
        const uniform = (meta.serialization & WRITEUNIFORM) !== 0;
        const values = dataSize(meta);
        const stride = meta.flags & CONSTANTSTRIDE || !(meta.serialization & WRITESTRIDED) ? meta.strideOrTotal : 1;
        let data: Uint8Array;
        if (meta.serialization & WRITEPAGED) {
          const handle = handles[leaf]![k]!;
          const stream = streams[k]!;
          if (stream.byteIndex === stream.uncompressed) {
            const page = handle.page;
            const at = reader.offset;
            const raw = reader.subarray(Math.abs(page.compressedBytes), 'point attribute page');
            page.data = page.compressedBytes > 0 ? yield* bloscBuffer(raw, undefined, at, location) : raw;
            if (page.data.length < page.uncompressedBytes) {
              throw vdbError(VdbErrorCode.VDB_CORRUPT, `a point attribute page holds ${page.data.length} bytes; its header says ${page.uncompressedBytes}`, { offset: at, location });
            }
            stream.uncompressed = page.uncompressedBytes;
            stream.byteIndex = 0;
          }
          stream.byteIndex += handle.size;
          data = handle.page.data!.subarray(handle.offset, handle.offset + handle.size);
        } else {
          const compressed = uniform ? 0 : reader.u8('attribute blosc flag');
          const at = reader.offset;
          const raw = reader.subarray(meta.bytes, 'point attribute data');
          const expected = valueBytes === undefined ? undefined : values * valueBytes;
          data = compressed === 1 ? yield* bloscBuffer(raw, expected, at, location) : raw;
        }
        if (valueBytes !== undefined && data.length < values * valueBytes) {
          throw vdbError(VdbErrorCode.VDB_CORRUPT, `point attribute ${k} of leaf ${leaf} holds ${data.length} bytes; ${values} values need ${values * valueBytes}`, {
            offset: reader.offset,
            location,
          });
        }
        arrays[leaf]![k] = { flags: meta.flags, uniform, size: meta.size, stride, data: data.slice() };
      }
    }
  }
  return { descriptors, arrays, order };
}
