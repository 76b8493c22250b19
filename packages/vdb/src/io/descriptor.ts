/**
 * Grid descriptors (`io::GridDescriptor::read`) and the head of each grid (`io::Archive::readGrid`).
 *
 * A descriptor: the unique name (the grid name, plus "\x1e" and a number when several grids share
 * a name or the name is empty), the grid type (`Tree_float_5_4_3`, with `_HalfFloat` appended when
 * floats are stored as halves), the instance parent's unique name (empty unless the grid shares
 * another grid's tree), then three int64 offsets: where the grid starts, where its leaf buffers
 * start, where it ends (the next descriptor). Streams without offsets store zeros.
 *
 * The grid head, at the grid offset:
 * 1. from NODE_MASK_COMPRESSION on, uint32 compression flags (zip, active mask, blosc);
 * 2. the grid metadata (class, creator, file_bbox_min/max, file_voxel_count, ...);
 * 3. the transform (transform.ts);
 * then, unless the grid is an instance, the topology and the buffers.
 */
import { ByteReader } from '@vfxkit/core';
import { VdbErrorCode, vdbError } from '../errors.js';
import { GRID_CLASSES, GridMeta, HALF_FLOAT_TYPENAME_SUFFIX, UNIQUE_NAME_SEPARATOR, compressionToString, FileVersion } from './constants.js';
import type { VdbGridClass } from './constants.js';
import type { VdbHeader } from './header.js';
import { metadataValue, readMetadata, readVdbString } from './metadata.js';
import type { VdbMetadata } from './metadata.js';
import { readTransform } from './transform.js';
import type { Vec3, VdbTransform } from './transform.js';

export interface VdbGridDescriptor {
  /** Position of the grid in the file (0 = first). */
  index: number;
  /** The grid name (what `name` metadata and vdb_print show). */
  name: string;
  /** The stored unique name: `name`, or `name` + "\x1e" + N for repeated (or empty) names. */
  uniqueName: string;
  /** The unique name as OpenVDB prints it: `name[N]` when suffixed. */
  displayName: string;
  /** The grid type without the half suffix (`Tree_float_5_4_3`). */
  gridType: string;
  /** The value type part of the grid type (`float`, `vec3s`, `ptdataidx32`, ...). */
  valueType: string;
  /** log2 node sizes below the root (`[5, 4, 3]`), or undefined for an unrecognised type name. */
  log2Dims: number[] | undefined;
  /** True when floats are stored as halves (`_HalfFloat`). */
  saveFloatAsHalf: boolean;
  /** Unique name of the grid whose tree this one shares ('' when none). */
  instanceParentName: string;
  /** The parent's descriptor, once the file's descriptors are known. */
  instanceParent?: VdbGridDescriptor;
  descriptorOffset: number;
  gridOffset: number;
  /** Start of the leaf buffers (0 for instances). */
  blockOffset: number;
  endOffset: number;
  /** From the file header: what readers of this grid need to know. */
  fileVersion: number;
  libraryVersion: { major: number; minor: number };
  hasGridOffsets: boolean;
  fileCompression: number;
}

/** A descriptor plus the grid head: compression, metadata, transform. */
export interface VdbGridInfo extends VdbGridDescriptor {
  /** Compression flags of this grid (`Compression`). */
  compression: number;
  /** OpenVDB's wording: `blosc + active values`, `zip`, `none`, ... */
  compressionName: string;
  metadata: VdbMetadata;
  transform: VdbTransform;
  gridClass: VdbGridClass;
  creator?: string;
  /** `invariant`, `covariant`, `covariant normalize`, `contravariant relative`, `contravariant absolute`. */
  vectorType?: string;
  isLocalSpace?: boolean;
  /** The active voxel box the writer recorded (file_bbox_min/max), when present. */
  fileBoundingBox?: { min: Vec3; max: Vec3 };
  /** The active voxel count the writer recorded (file_voxel_count), when present. */
  fileVoxelCount?: number;
  /** Offset where the topology starts (right after the transform). */
  topologyOffset: number;
}

/** Splits `Tree_float_5_4_3` into its value type and log2 sizes. */
export function parseGridType(gridType: string): { valueType: string; log2Dims: number[] | undefined } {
  const match = /^Tree_(.+?)((?:_\d+)+)$/.exec(gridType);
  if (match === null) return { valueType: gridType, log2Dims: undefined };
  return { valueType: match[1]!, log2Dims: match[2]!.slice(1).split('_').map(Number) };
}

/** "name[N]" for a unique name "name\x1eN" (OpenVDB's `nameAsString`). */
export function displayGridName(uniqueName: string): string {
  const at = uniqueName.indexOf(UNIQUE_NAME_SEPARATOR);
  return at < 0 ? uniqueName : `${uniqueName.slice(0, at)}[${uniqueName.slice(at + 1)}]`;
}

/**
 * Reads the descriptor at the reader's position. `byteOffset` is the file offset of the reader's
 * byte 0; `fileSize`, when known, bounds the offsets.
 */
export function readGridDescriptor(reader: ByteReader, header: VdbHeader, index: number, byteOffset: number, fileSize?: number): VdbGridDescriptor {
  const descriptorOffset = byteOffset + reader.offset;
  const uniqueName = readVdbString(reader, 'grid name');
  let gridType = readVdbString(reader, `type of grid '${displayGridName(uniqueName)}'`, 4096);
  let saveFloatAsHalf = false;
  if (gridType.endsWith(HALF_FLOAT_TYPENAME_SUFFIX)) {
    saveFloatAsHalf = true;
    gridType = gridType.slice(0, -HALF_FLOAT_TYPENAME_SUFFIX.length);
  }
  const instanceParentName = header.fileVersion >= FileVersion.GRID_INSTANCING ? readVdbString(reader, 'instance parent name') : '';
  const offsetsAt = byteOffset + reader.offset;
  const gridOffset = Number(reader.i64('grid offset'));
  const blockOffset = Number(reader.i64('grid buffers offset'));
  const endOffset = Number(reader.i64('grid end offset'));
  const name = uniqueName.split(UNIQUE_NAME_SEPARATOR)[0]!;
  const { valueType, log2Dims } = parseGridType(gridType);
  const location = displayGridName(uniqueName) || `grid ${index}`;
  if (header.hasGridOffsets) {
    const after = byteOffset + reader.offset;
    // OpenVDB writes the grid right after its descriptor; any grid offset works for reading, but
    // the next descriptor must come later, or the file would loop.
    const bad =
      gridOffset <= 0 ||
      endOffset < gridOffset ||
      endOffset < after ||
      (instanceParentName === '' && (blockOffset < gridOffset || blockOffset > endOffset));
    if (bad) {
      throw vdbError(
        VdbErrorCode.VDB_CORRUPT,
        `grid offsets ${gridOffset}, ${blockOffset}, ${endOffset} are impossible for a descriptor ending at ${after} (expected grid offset <= buffers offset <= end offset, end offset >= ${after})`,
        { offset: offsetsAt, location },
      );
    }
    if (fileSize !== undefined && endOffset > fileSize) {
      throw vdbError(VdbErrorCode.VDB_TRUNCATED, `grid '${location}' ends at byte ${endOffset}, but the file has ${fileSize} bytes`, {
        offset: offsetsAt,
        location,
      });
    }
  }
  return {
    index,
    name,
    uniqueName,
    displayName: displayGridName(uniqueName),
    gridType,
    valueType,
    log2Dims,
    saveFloatAsHalf,
    instanceParentName,
    descriptorOffset,
    gridOffset: header.hasGridOffsets ? gridOffset : byteOffset + reader.offset,
    blockOffset,
    endOffset,
    fileVersion: header.fileVersion,
    libraryVersion: header.libraryVersion,
    hasGridOffsets: header.hasGridOffsets,
    fileCompression: header.compression,
  };
}

function vec3i(value: unknown): Vec3 | undefined {
  return Array.isArray(value) && value.length === 3 ? (value as Vec3) : undefined;
}

/**
 * Reads the grid head (compression, metadata, transform) at the reader's position, which must be
 * the descriptor's grid offset.
 */
export function readGridHead(reader: ByteReader, descriptor: VdbGridDescriptor, byteOffset: number): VdbGridInfo {
  let compression = descriptor.fileCompression;
  if (descriptor.fileVersion >= FileVersion.NODE_MASK_COMPRESSION) {
    compression = reader.u32('grid compression flags');
    if (compression > 7) {
      throw vdbError(VdbErrorCode.VDB_CORRUPT, `grid compression flags ${compression} are not a combination of zip (1), active mask (2) and blosc (4)`, {
        offset: byteOffset + reader.offset - 4,
      });
    }
  }
  const metadata: VdbMetadata = readMetadata(reader, 'grid metadata');
  const transform = readTransform(reader, descriptor.fileVersion);
  const className = metadataValue(metadata, GridMeta.CLASS, 'string');
  const gridClass: VdbGridClass = GRID_CLASSES.includes(className as VdbGridClass) ? (className as VdbGridClass) : 'unknown';
  const info: VdbGridInfo = {
    ...descriptor,
    compression,
    compressionName: compressionToString(compression),
    metadata,
    transform,
    gridClass,
    topologyOffset: byteOffset + reader.offset,
  };
  const creator = metadataValue(metadata, GridMeta.CREATOR, 'string');
  if (typeof creator === 'string') info.creator = creator;
  const vectorType = metadataValue(metadata, GridMeta.VECTOR_TYPE, 'string');
  if (typeof vectorType === 'string') info.vectorType = vectorType;
  const local = metadataValue(metadata, GridMeta.IS_LOCAL_SPACE, 'bool');
  if (typeof local === 'boolean') info.isLocalSpace = local;
  const min = vec3i(metadataValue(metadata, GridMeta.FILE_BBOX_MIN, 'vec3i'));
  const max = vec3i(metadataValue(metadata, GridMeta.FILE_BBOX_MAX, 'vec3i'));
  if (min !== undefined && max !== undefined) info.fileBoundingBox = { min, max };
  const count = metadataValue(metadata, GridMeta.FILE_VOXEL_COUNT, 'int64');
  if (typeof count === 'number') info.fileVoxelCount = count;
  return info;
}
