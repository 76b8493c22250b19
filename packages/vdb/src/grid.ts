/**
 * One grid: its head (metadata, transform), its tree and the operations on it. `openVdbGrid` reads
 * the topology and leaves the leaf values in the file bytes, decoded when first touched;
 * `readVdbGrid` reads everything (asynchronously, since Blosc with zstd needs WebAssembly).
 */
import { ByteReader } from '@vfxkit/core';
import { runAsync, runSync } from './compression/chunks.js';
import type { Decoding } from './compression/chunks.js';
import { VdbErrorCode, toVdbError, vdbError } from './errors.js';
import { readGridHead } from './io/descriptor.js';
import type { VdbGridDescriptor, VdbGridInfo } from './io/descriptor.js';
import { isByteSource } from './io/source.js';
import type { VdbInput } from './io/source.js';
import type { Vec3 } from './io/transform.js';
import { readPointDataBuffers } from './points/buffers.js';
import type { PointDataLeaves } from './points/buffers.js';
import { VdbAccessor } from './tree/accessor.js';
import { readLeafBufferSync } from './tree/buffers.js';
import type { BufferContext, LeafKind } from './tree/buffers.js';
import { toDense } from './tree/dense.js';
import type { DenseOptions, VdbDense } from './tree/dense.js';
import { makeLayout } from './tree/layout.js';
import { readTopology } from './tree/topology.js';
import type { Topology } from './tree/topology.js';
import { VdbTree } from './tree/tree.js';
import type { IndexBox, LeafSource, VdbTile, VdbValue, VdbVoxel } from './tree/tree.js';
import { VALUE_TYPES } from './tree/value-types.js';
import type { ValueTypeInfo, VdbValueType } from './tree/value-types.js';

export interface VdbLimits {
  /** Most leaf voxels a grid may hold (values are allocated per leaf voxel); default 2^30. */
  maxVoxels?: number;
  /** Most tree nodes (root entries, internal nodes, leaves); default 2^24. */
  maxNodes?: number;
  /** Most points a point data grid may hold; default 2^28. */
  maxPoints?: number;
}

export const DEFAULT_LIMITS: Required<VdbLimits> = { maxVoxels: 2 ** 30, maxNodes: 2 ** 24, maxPoints: 2 ** 28 };

export interface VdbGridReadOptions extends VdbLimits {
  /** The file offset of `bytes[0]` when the bytes hold only part of the file (a grid's range).
   *  Default 0: the bytes are the whole file. */
  byteOffset?: number;
}

/** A world-space box. */
export interface WorldBox {
  min: Vec3;
  max: Vec3;
}

export interface VdbGrid extends VdbGridInfo {}

/** A grid with its tree. Every `VdbGridInfo` field is here too (name, class, transform, ...). */
export class VdbGrid {
  /** The sparse tree (shared with the instance parent for instanced grids). */
  readonly tree: VdbTree;
  /** Leaf attribute data of point data grids (see `readVdbPoints`). */
  readonly pointData: PointDataLeaves | undefined;
  private cachedAccessor: VdbAccessor | undefined;

  constructor(info: VdbGridInfo, tree: VdbTree, pointData?: PointDataLeaves) {
    Object.assign(this, info);
    this.tree = tree;
    this.pointData = pointData;
  }

  /** The value type's description (components, storage). */
  get valueTypeInfo(): ValueTypeInfo {
    return this.tree.valueType;
  }

  /** A new accessor (cache its path per thread of lookups; see `getValue` for one-offs). */
  accessor(): VdbAccessor {
    return new VdbAccessor(this.tree);
  }

  private shared(): VdbAccessor {
    this.cachedAccessor ??= new VdbAccessor(this.tree);
    return this.cachedAccessor;
  }

  /** The value at index (x, y, z) (through a cached accessor). */
  getValue(x: number, y: number, z: number): VdbValue {
    return this.shared().getValue(x, y, z);
  }

  /** Whether index (x, y, z) is active. */
  isActive(x: number, y: number, z: number): boolean {
    return this.shared().isActive(x, y, z);
  }

  backgroundValue(): VdbValue {
    return this.tree.backgroundValue();
  }

  get leafCount(): number {
    return this.tree.leafCount;
  }

  activeVoxelCount(): number {
    return this.tree.activeVoxelCount();
  }

  activeTileCount(): number {
    return this.tree.activeTileCount();
  }

  /** The index box of the active voxels and tiles, corners inclusive (undefined when empty). */
  indexBoundingBox(): IndexBox | undefined {
    return this.tree.activeBoundingBox();
  }

  /**
   * The world box of the active voxels: the bounds of the transformed index box, extended by half a
   * voxel so it holds the voxels' faces (`voxelCenters: true` bounds the centres instead).
   */
  worldBoundingBox(options: { voxelCenters?: boolean } = {}): WorldBox | undefined {
    const box = this.indexBoundingBox();
    if (box === undefined) return undefined;
    return this.transform.worldBoundingBox(box.min, box.max, options.voxelCenters === true ? 0 : 0.5);
  }

  /** Smallest and largest active value (vectors: per component), undefined when empty. */
  minMax(): { min: VdbValue; max: VdbValue } | undefined {
    return this.tree.minMax();
  }

  activeVoxels(): IterableIterator<VdbVoxel> {
    return this.tree.activeVoxels();
  }

  tiles(options: { activeOnly?: boolean } = {}): IterableIterator<VdbTile> {
    return this.tree.tiles(options);
  }

  /** Samples the grid into a dense array (see `toDense`). */
  toDense(options: DenseOptions = {}): VdbDense {
    return toDense(this, options);
  }

  /** Loads every leaf's values (the async decoder handles zstd Blosc data). */
  async loadValues(): Promise<this> {
    await this.tree.loadValues();
    return this;
  }

  /** Loads every leaf's values synchronously (VDB_NEEDS_ASYNC for zstd Blosc data). */
  loadValuesSync(): this {
    this.tree.loadValuesSync();
    return this;
  }
}

/** The value type's description, or VDB_UNSUPPORTED_TYPE. */
export function gridValueType(descriptor: VdbGridDescriptor): { type: ValueTypeInfo; leafKind: LeafKind; log2Dims: number[] } {
  const location = descriptor.displayName;
  const log2Dims = descriptor.log2Dims;
  if (log2Dims === undefined || log2Dims.length < 2 || log2Dims.some((n) => n < 1 || n > 10) || log2Dims.reduce((a, b) => a + b, 0) > 30) {
    throw vdbError(
      VdbErrorCode.VDB_UNSUPPORTED_TYPE,
      `grid type '${descriptor.gridType}' is not a tree configuration this reader knows (expected Tree_<value type>_<internal log2 sizes>_<leaf log2>, such as Tree_float_5_4_3)`,
      { location },
    );
  }
  const valueType = descriptor.valueType;
  if (valueType === 'string') {
    throw vdbError(
      VdbErrorCode.VDB_UNSUPPORTED_TYPE,
      `grid '${location}' is a string grid (${descriptor.gridType}): OpenVDB wrote those with the in-memory std::string object as background and tile values, which no reader can restore; OpenVDB itself stopped registering them in 10.0`,
      { location },
    );
  }
  const type = (VALUE_TYPES as Record<string, ValueTypeInfo | undefined>)[valueType];
  if (type === undefined) {
    throw vdbError(
      VdbErrorCode.VDB_UNSUPPORTED_TYPE,
      `grid '${location}' has value type '${valueType}' (${descriptor.gridType}); supported: ${Object.keys(VALUE_TYPES).join(', ')}`,
      { location },
    );
  }
  const leafKind: LeafKind =
    type.name === 'bool' ? 'bool' : type.name === 'mask' ? 'mask' : type.name === 'ptidx32' ? 'pointIndex' : type.name === 'ptdataidx32' ? 'pointData' : 'standard';
  return { type, leafKind, log2Dims };
}

/** The grid's bytes and the file offset of their first byte. */
function gridBytes(input: VdbInput, descriptor: VdbGridDescriptor, options: VdbGridReadOptions): { bytes: Uint8Array; base: number } {
  const location = descriptor.displayName;
  if (isByteSource(input)) {
    const source = input;
    const end = descriptor.hasGridOffsets ? descriptor.endOffset : source.byteLength;
    if (end > source.byteLength) {
      throw vdbError(VdbErrorCode.VDB_TRUNCATED, `grid '${location}' ends at byte ${end}; the file has ${source.byteLength}`, { location });
    }
    return { bytes: source.read(descriptor.gridOffset, end - descriptor.gridOffset), base: descriptor.gridOffset };
  }
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input as ArrayBuffer);
  const base = options.byteOffset ?? 0;
  const end = descriptor.hasGridOffsets ? descriptor.endOffset : base + bytes.length;
  if (descriptor.gridOffset < base || end > base + bytes.length) {
    if (options.byteOffset === undefined) {
      throw vdbError(VdbErrorCode.VDB_TRUNCATED, `grid '${location}' lies at bytes ${descriptor.gridOffset}-${end}; the file has ${bytes.length}`, {
        location,
      });
    }
    throw vdbError(
      VdbErrorCode.VDB_BAD_ARGUMENT,
      `grid '${location}' lies at file bytes ${descriptor.gridOffset}-${end}, but the bytes given hold ${base}-${base + bytes.length}`,
      { location },
    );
  }
  return { bytes: bytes.subarray(0, end - base), base };
}

/** The leaves in buffer order: root children by origin, each child's leaves depth first. */
function leafOrder(topology: Topology): Int32Array | undefined {
  const { childOrigins, childLeafStart, childLeafEnd } = topology.root;
  const count = childLeafStart.length;
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => childOrigins[3 * a]! - childOrigins[3 * b]! || childOrigins[3 * a + 1]! - childOrigins[3 * b + 1]! || childOrigins[3 * a + 2]! - childOrigins[3 * b + 2]!);
  if (order.every((value, index) => value === index)) return undefined;
  const leaves = new Int32Array(topology.leaves.count);
  let n = 0;
  for (const child of order) for (let leaf = childLeafStart[child]!; leaf < childLeafEnd[child]!; leaf++) leaves[n++] = leaf;
  return leaves;
}

interface OpenedGrid {
  info: VdbGridInfo;
  tree: VdbTree;
  pointData?: PointDataLeaves;
  /** File offset just past the grid's data. */
  end: number;
}

/** Reads head, topology and (for point data grids) buffers; indexes the other grids' leaves. */
function* openSteps(bytes: Uint8Array, base: number, grid: VdbGridDescriptor | VdbGridInfo, options: VdbGridReadOptions, decode: boolean): Decoding<OpenedGrid> {
  const location = grid.displayName || `grid ${grid.index}`;
  const reader = new ByteReader(bytes, grid.gridOffset - base);
  const info = 'transform' in grid ? grid : readGridHead(reader, grid, base);
  reader.seek(info.topologyOffset - base, 'grid topology');
  const { type, leafKind, log2Dims } = gridValueType(info);
  const layout = makeLayout(log2Dims);
  const limits = { ...DEFAULT_LIMITS, ...stripUndefined(options) };
  const background = type.create(type.components);
  const context: BufferContext = {
    type,
    fileVersion: info.fileVersion,
    compression: info.compression,
    fromHalf: info.saveFloatAsHalf,
    background,
    layout,
    leafKind,
    location,
  };
  const topology = yield* readTopology(reader, { ...context, maxNodes: limits.maxNodes, readValues: true });
  context.background = topology.background;
  const leafVoxels = topology.leaves.count * layout.leafSize;
  if (leafVoxels > limits.maxVoxels) {
    throw vdbError(VdbErrorCode.VDB_LIMIT, `grid '${location}' has ${topology.leaves.count} leaves (${leafVoxels} voxels), more than maxVoxels (${limits.maxVoxels})`, {
      location,
    });
  }
  const order = leafOrder(topology);
  if (leafKind === 'pointData') {
    const tree = new VdbTree(type, layout, topology, location);
    const pointData = yield* readPointDataBuffers(reader, context, tree, order, limits.maxPoints);
    return { info, tree, pointData, end: base + reader.offset };
  }
  // Walk the leaf buffers in order: record where each starts, decoding it on the way when asked.
  const records = new Float64Array(topology.leaves.count);
  const source: LeafSource | undefined = topology.leaves.count > 0 ? { bytes, byteOffset: base, records, context } : undefined;
  const tree = new VdbTree(type, layout, topology, location, source);
  for (let n = 0; n < topology.leaves.count; n++) {
    const leaf = order === undefined ? n : order[n]!;
    const start = reader.offset;
    records[leaf] = base + start;
    if (!decode) {
      readLeafBufferSync(reader, context, topology.leaves, leaf, null, 0); // skipping never needs a decoder
      continue;
    }
    const request = tree.decodeLeafAt(reader, leaf);
    if (request !== undefined) {
      const decoded = yield request;
      reader.offset = start;
      tree.decodeLeafAt(reader, leaf, decoded);
    }
  }
  return { info, tree, end: base + reader.offset };
}

function stripUndefined(options: VdbLimits): VdbLimits {
  const out: VdbLimits = {};
  if (options.maxVoxels !== undefined) out.maxVoxels = options.maxVoxels;
  if (options.maxNodes !== undefined) out.maxNodes = options.maxNodes;
  if (options.maxPoints !== undefined) out.maxPoints = options.maxPoints;
  return out;
}

function finish(opened: OpenedGrid, shared?: VdbTree): VdbGrid {
  const info = opened.info;
  if (!info.hasGridOffsets) {
    info.blockOffset = info.topologyOffset;
    info.endOffset = opened.end;
  }
  return new VdbGrid(info, shared ?? opened.tree, opened.pointData);
}

function instanceParent(grid: VdbGridDescriptor): VdbGridDescriptor {
  const parent = grid.instanceParent;
  if (parent === undefined) {
    throw vdbError(
      VdbErrorCode.VDB_BAD_ARGUMENT,
      `grid '${grid.displayName}' is an instance of '${grid.instanceParentName}' and has no tree of its own: pass a descriptor from inspectVdb, which links the parent`,
      { location: grid.displayName },
    );
  }
  if (parent.instanceParentName !== '') {
    throw vdbError(VdbErrorCode.VDB_CORRUPT, `grid '${grid.displayName}' is an instance of '${parent.displayName}', itself an instance`, {
      location: grid.displayName,
    });
  }
  return parent;
}

/** Reads an instance grid's own head (metadata, transform). */
function instanceHead(input: VdbInput, grid: VdbGridDescriptor | VdbGridInfo, options: VdbGridReadOptions): VdbGridInfo {
  if ('transform' in grid) return grid;
  const { bytes, base } = gridBytes(input, grid, options);
  return readGridHead(new ByteReader(bytes, grid.gridOffset - base), grid, base);
}

/**
 * Opens a grid: head, topology, leaf positions; leaf values stay in `input` and are decoded when
 * first read (synchronously: VDB_NEEDS_ASYNC for zstd Blosc data). Point data grids are read whole.
 * `input` is the whole file, a byte source, or (with `byteOffset`) bytes holding the grid's range.
 */
export function openVdbGrid(input: VdbInput, grid: VdbGridDescriptor | VdbGridInfo, options: VdbGridReadOptions = {}): VdbGrid {
  const location = grid.displayName;
  try {
    if (grid.instanceParentName !== '') {
      const parent = openVdbGrid(input, instanceParent(grid), options);
      return new VdbGrid(instanceHead(input, grid, options), parent.tree, parent.pointData);
    }
    const { bytes, base } = gridBytes(input, grid, options);
    return finish(runSync(openSteps(bytes, base, grid, options, false), location));
  } catch (error) {
    throw toVdbError(error, location);
  }
}

/** Reads a grid with all its values, synchronously (VDB_NEEDS_ASYNC for zstd Blosc data). */
export function readVdbGridSync(input: VdbInput, grid: VdbGridDescriptor | VdbGridInfo, options: VdbGridReadOptions = {}): VdbGrid {
  const location = grid.displayName;
  try {
    if (grid.instanceParentName !== '') {
      const parent = readVdbGridSync(input, instanceParent(grid), options);
      return new VdbGrid(instanceHead(input, grid, options), parent.tree, parent.pointData);
    }
    const { bytes, base } = gridBytes(input, grid, options);
    return finish(runSync(openSteps(bytes, base, grid, options, true), location));
  } catch (error) {
    throw toVdbError(error, location);
  }
}

/** Reads a grid with all its values; Blosc data any codec wrote decodes (numcodecs for zstd). */
export async function readVdbGrid(input: VdbInput, grid: VdbGridDescriptor | VdbGridInfo, options: VdbGridReadOptions = {}): Promise<VdbGrid> {
  const location = grid.displayName;
  try {
    if (grid.instanceParentName !== '') {
      const parent = await readVdbGrid(input, instanceParent(grid), options);
      return new VdbGrid(instanceHead(input, grid, options), parent.tree, parent.pointData);
    }
    const { bytes, base } = gridBytes(input, grid, options);
    const opened = finish(await runAsync(openSteps(bytes, base, grid, options, true)));
    await opened.tree.loadValues(); // nothing left to do unless a leaf failed to load
    return opened;
  } catch (error) {
    throw toVdbError(error, location);
  }
}

/** Scans a grid of a stream without offsets, returning where it ends (used by inspectVdb). */
export function scanGridEnd(bytes: Uint8Array, base: number, grid: VdbGridInfo, options: VdbGridReadOptions = {}): number {
  const location = grid.displayName;
  try {
    if (grid.instanceParentName !== '') return grid.topologyOffset;
    return runSync(openSteps(bytes, base, grid, options, false), location).end;
  } catch (error) {
    throw toVdbError(error, location);
  }
}

export type { VdbValueType };
