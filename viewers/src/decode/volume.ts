/**
 * VDB files in the decode worker (loaded on first use): one grid read and densified to the voxel
 * budget, with what the panel shows.
 */
import { findGrid, inspectVdb, readVdbGrid } from '@vfxkit/vdb';
import type { VdbGridInfo } from '@vfxkit/vdb';
import type { DecodedVolume } from '../protocol.js';
import { ViewError } from './errors.js';

function isDrawable(grid: VdbGridInfo): boolean {
  return !grid.valueType.startsWith('ptdata') && grid.valueType !== 'mask' && grid.valueType !== 'string';
}

export async function decodeVolume(bytes: Uint8Array, name: string, wantedGrid: string | undefined, maxVoxels: number): Promise<DecodedVolume> {
  const info = inspectVdb(bytes);
  const drawable = info.grids.filter(isDrawable);
  if (drawable.length === 0) {
    const kinds = info.grids.map((g) => `${g.displayName} (${g.valueType})`).join(', ');
    throw new ViewError('VDB_UNSUPPORTED', `${name} has no grid the volume viewer can draw (grids: ${kinds || 'none'}); point data grids are read by vfx vdb points`);
  }
  let chosen: VdbGridInfo;
  if (wantedGrid !== undefined && wantedGrid !== '') chosen = findGrid(info, wantedGrid);
  else chosen = drawable.find((g) => g.name === 'density') ?? drawable.find((g) => g.gridClass === 'level set') ?? drawable[0]!;
  if (!isDrawable(chosen)) throw new ViewError('VDB_UNSUPPORTED', `grid '${chosen.displayName}' of ${name} holds ${chosen.valueType} values; the volume viewer draws scalar and vector grids`);
  const grid = await readVdbGrid(bytes, chosen);
  const indexBox = grid.indexBoundingBox();
  const components = grid.valueTypeInfo.components;
  if (components !== 1 && components !== 3) throw new ViewError('VDB_UNSUPPORTED', `grid '${chosen.displayName}' has ${components} components; the viewer draws 1 or 3`);
  const dense = grid.toDense({ maxVoxels, ...(indexBox === undefined ? { bbox: { min: [0, 0, 0], max: [0, 0, 0] } } : {}) });
  const world = grid.worldBoundingBox() ?? null;
  const minMax = grid.minMax();
  const voxelSize = grid.transform.isLinear ? grid.transform.voxelSize() : [];
  return {
    kind: 'volume',
    grids: info.grids.map((g) => ({ name: g.displayName, valueType: g.valueType, gridClass: g.gridClass, voxelSize: g.transform.isLinear ? g.transform.voxelSize() : [] })),
    grid: chosen.displayName,
    gridClass: chosen.gridClass,
    data: dense.data,
    dims: dense.dims,
    components,
    indexBox: indexBox === undefined ? null : { min: indexBox.min, max: indexBox.max },
    step: dense.step,
    textureToIndex: dense.textureToIndex,
    textureToWorld: dense.textureToWorld,
    worldBox: world,
    maxVoxels,
    summary: {
      version: info.version,
      grids: info.grids.map((g) => `${g.displayName} (${g.valueType}, ${g.gridClass})`),
      grid: chosen.displayName,
      valueType: chosen.valueType,
      gridClass: chosen.gridClass,
      activeVoxels: grid.activeVoxelCount(),
      indexBox: indexBox === undefined ? 'empty' : `[${indexBox.min.join(', ')}] - [${indexBox.max.join(', ')}]`,
      worldBounds: world,
      voxelSize: voxelSize.map((v) => +v.toPrecision(6)),
      dense: `${dense.dims.join('x')} (step ${dense.step})`,
      voxelBudget: `${maxVoxels} (${Math.round(Math.cbrt(maxVoxels))}^3)`,
      ...(minMax !== undefined ? { range: [minMax.min, minMax.max] } : {}),
    },
  };
}
