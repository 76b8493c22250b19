/**
 * Whole files: `inspectVdb` (header, descriptors and every grid's head, no trees) and `readVdb`
 * (every grid). Inspection reads only what it needs: the header window, then each descriptor and
 * grid head at the offsets the descriptors give, jumping over the trees. A stream written without
 * offsets (`io::Stream`) has to be walked grid by grid instead.
 */
import { ByteReader } from '@vfxkit/core';
import { VdbErrorCode, toVdbError, vdbError } from './errors.js';
import { GridMeta } from './io/constants.js';
import { readGridDescriptor, readGridHead } from './io/descriptor.js';
import type { VdbGridDescriptor, VdbGridInfo } from './io/descriptor.js';
import { readVdbHeader, versionString } from './io/header.js';
import type { VdbHeader } from './io/header.js';
import { metadataValue } from './io/metadata.js';
import type { VdbMetadata } from './io/metadata.js';
import { isByteSource, parseWindow, runReadingAsync, runReadingSync, toSource } from './io/source.js';
import type { Reading, VdbAsyncByteSource, VdbInput } from './io/source.js';
import { VdbGrid, readVdbGrid, readVdbGridSync, scanGridEnd } from './grid.js';
import type { VdbGridReadOptions } from './grid.js';

export interface VdbFileInfo {
  header: VdbHeader;
  /** OpenVDB's "VDB version": `library major.minor/file version` (`5.2/224`). */
  version: string;
  /** File metadata (same as `header.metadata`). */
  metadata: VdbMetadata;
  /** The file metadata's `creator`, when present. */
  creator?: string;
  /** Every grid's descriptor and head, in file order. */
  grids: VdbGridInfo[];
  fileSize: number;
  warnings: string[];
}

export interface VdbFile extends VdbFileInfo {
  grids: VdbGrid[];
}

export interface VdbReadOptions extends VdbGridReadOptions {
  /** Read only the grids with these names (or display names `name[1]`); default all. */
  grids?: string[];
}

export type VdbInspectOptions = Pick<VdbGridReadOptions, 'maxNodes' | 'maxVoxels' | 'maxPoints'>;

/** Links instance grids to their parents (by unique name). */
function linkInstances(grids: VdbGridDescriptor[]): void {
  const byName = new Map(grids.map((g) => [g.uniqueName, g]));
  for (const grid of grids) {
    if (grid.instanceParentName === '') continue;
    const parent = byName.get(grid.instanceParentName);
    if (parent === undefined) {
      throw vdbError(VdbErrorCode.VDB_CORRUPT, `grid '${grid.displayName}' is an instance of '${grid.instanceParentName}', which the file does not hold`, {
        location: grid.displayName,
      });
    }
    grid.instanceParent = parent;
  }
}

function* inspectSteps(fileSize: number, options: VdbInspectOptions): Reading<VdbFileInfo> {
  const header = yield* parseWindow(0, fileSize, (bytes) => readVdbHeader(bytes));
  const grids: VdbGridInfo[] = [];
  let offset = header.descriptorsOffset;
  for (let index = 0; index < header.gridCount; index++) {
    if (header.hasGridOffsets) {
      // The head follows the descriptor (OpenVDB writes them together): one window for both.
      const { descriptor, head } = yield* parseWindow(offset, fileSize, (bytes, base) => {
        const reader = new ByteReader(bytes);
        const found = readGridDescriptor(reader, header, index, base, fileSize);
        if (found.gridOffset < base || found.gridOffset >= base + bytes.length) return { descriptor: found, head: undefined };
        reader.seek(found.gridOffset - base);
        return { descriptor: found, head: readGridHead(reader, found, base) };
      });
      const info = head ?? (yield* parseWindow(descriptor.gridOffset, fileSize, (bytes, base) => readGridHead(new ByteReader(bytes), descriptor, base)));
      grids.push(info);
      offset = descriptor.endOffset;
    } else {
      // A stream: the grid has to be walked to find where the next one starts.
      const bytes = yield { offset, length: fileSize - offset };
      const reader = new ByteReader(bytes);
      const descriptor = readGridDescriptor(reader, header, index, offset);
      const info = readGridHead(reader, descriptor, offset);
      const end = scanGridEnd(bytes, offset, info, options);
      info.blockOffset = info.topologyOffset;
      info.endOffset = end;
      grids.push(info);
      offset = end;
    }
  }
  linkInstances(grids);
  const info: VdbFileInfo = {
    header,
    version: versionString(header),
    metadata: header.metadata,
    grids,
    fileSize,
    warnings: [...header.warnings],
  };
  const creator = metadataValue(header.metadata, GridMeta.CREATOR, 'string');
  if (typeof creator === 'string') info.creator = creator;
  return info;
}

/**
 * The header, file metadata and every grid's descriptor and head (name, type, class, compression,
 * metadata, transform) without reading any tree. `input` is the file's bytes or a byte source;
 * with a source only the header and the grid heads are read.
 */
export function inspectVdb(input: VdbInput, options: VdbInspectOptions = {}): VdbFileInfo {
  const source = toSource(input);
  try {
    return runReadingSync(inspectSteps(source.byteLength, options), source);
  } catch (error) {
    throw toVdbError(error);
  }
}

/** `inspectVdb` over an asynchronous byte source (HTTP range requests, a FileHandle). */
export async function inspectVdbAsync(input: VdbAsyncByteSource | VdbInput, options: VdbInspectOptions = {}): Promise<VdbFileInfo> {
  const source = isByteSource(input) ? input : toSource(input);
  try {
    return await runReadingAsync(inspectSteps(source.byteLength, options), source);
  } catch (error) {
    throw toVdbError(error);
  }
}

/** The grid called `name` (or `name[N]`, or its position) in `info`. */
export function findGrid(info: { grids: VdbGridInfo[] }, name: string | number): VdbGridInfo {
  const grid =
    typeof name === 'number'
      ? info.grids[name]
      : info.grids.find((g) => g.displayName === name) ?? info.grids.find((g) => g.uniqueName === name) ?? info.grids.find((g) => g.name === name);
  if (grid === undefined) {
    const names = info.grids.map((g) => g.displayName).join(', ');
    throw vdbError(VdbErrorCode.VDB_BAD_ARGUMENT, `no grid ${typeof name === 'number' ? `number ${name}` : `named '${name}'`} in the file (grids: ${names || 'none'})`);
  }
  return grid;
}

function selected(info: VdbFileInfo, options: VdbReadOptions): VdbGridInfo[] {
  if (options.grids === undefined) return info.grids;
  return options.grids.map((name) => findGrid(info, name));
}

/** Reads every grid (or `options.grids`) with all values, synchronously (VDB_NEEDS_ASYNC for
 *  zstd Blosc data). */
export function readVdbSync(input: VdbInput, options: VdbReadOptions = {}): VdbFile {
  const info = inspectVdb(input, options);
  const trees = new Map<string, VdbGrid>();
  const grids = selected(info, options).map((grid) => {
    const parent = grid.instanceParent !== undefined ? trees.get(grid.instanceParent.uniqueName) : undefined;
    const read = parent !== undefined ? new VdbGrid(grid, parent.tree, parent.pointData) : readVdbGridSync(input, grid, options);
    trees.set(grid.uniqueName, read);
    return read;
  });
  return { ...info, grids };
}

/** Reads every grid (or `options.grids`) with all values. */
export async function readVdb(input: VdbInput, options: VdbReadOptions = {}): Promise<VdbFile> {
  const info = inspectVdb(input, options);
  const trees = new Map<string, VdbGrid>();
  const grids: VdbGrid[] = [];
  for (const grid of selected(info, options)) {
    const parent = grid.instanceParent !== undefined ? trees.get(grid.instanceParent.uniqueName) : undefined;
    const read = parent !== undefined ? new VdbGrid(grid, parent.tree, parent.pointData) : await readVdbGrid(input, grid, options);
    trees.set(grid.uniqueName, read);
    grids.push(read);
  }
  return { ...info, grids };
}
