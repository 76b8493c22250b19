/**
 * @vfxkit/vdb: OpenVDB files in pure TypeScript (no `node:` imports): headers, grid descriptors,
 * metadata, transforms, sparse trees of every standard value type, zip / Blosc / active-mask
 * compression, half floats, instanced grids and point data grids. Lazy by design: inspect without
 * reading trees, open one grid at a time, decode leaf values when first read.
 *
 * Read OpenVDB's `io/Archive.cc`, `io/Compression.h` and `tree/*Node.h` alongside.
 */
export { VdbErrorCode, vdbError, toVdbError } from './errors.js';
export {
  VDB_MAGIC,
  FileVersion,
  OLDEST_FILE_VERSION,
  NEWEST_FILE_VERSION,
  Compression,
  MaskCompression,
  compressionToString,
  GRID_CLASSES,
} from './io/constants.js';
export type { VdbGridClass } from './io/constants.js';
export { isVdb, readVdbHeader, versionString } from './io/header.js';
export type { VdbHeader } from './io/header.js';
export { readMetadata, metadataValue } from './io/metadata.js';
export type { VdbMetadata, VdbMetadataEntry } from './io/metadata.js';
export { readGridDescriptor, readGridHead, parseGridType, displayGridName } from './io/descriptor.js';
export type { VdbGridDescriptor, VdbGridInfo } from './io/descriptor.js';
export { VdbTransform, VDB_MAP_TYPES, readTransform } from './io/transform.js';
export type { VdbMap, VdbMapType, Vec3 } from './io/transform.js';
export { memorySource } from './io/source.js';
export type { VdbByteSource, VdbAsyncByteSource, VdbInput } from './io/source.js';
export { inspectVdb, inspectVdbAsync, readVdb, readVdbSync, findGrid } from './file.js';
export type { VdbFile, VdbFileInfo, VdbReadOptions, VdbInspectOptions } from './file.js';
export { VdbGrid, openVdbGrid, readVdbGrid, readVdbGridSync, DEFAULT_LIMITS } from './grid.js';
export type { VdbGridReadOptions, VdbLimits, WorldBox } from './grid.js';
export { VdbTree, LEAVES_PER_PAGE } from './tree/tree.js';
export type { IndexBox, VdbTile, VdbValue, VdbVoxel } from './tree/tree.js';
export { VdbAccessor } from './tree/accessor.js';
export { toDense } from './tree/dense.js';
export type { DenseOptions, VdbDense } from './tree/dense.js';
export { VALUE_TYPES } from './tree/value-types.js';
export type { VdbValueType, ValueTypeInfo, ValueArray } from './tree/value-types.js';
export { readVdbPoints } from './points/points.js';
export type { VdbPointData, VdbPointAttribute, VdbPointAttributeType, ReadPointsOptions } from './points/points.js';
export { bloscDecompress, bloscDecompressSync, readBloscHeader } from './compression/blosc.js';
export type { BloscHeader } from './compression/blosc.js';
export { VdbLoader } from './loader.js';
export type { VdbLoaderOptions } from './loader.js';
