/**
 * Comparisons with OpenVDB's own reading: `vdb_print -l -m` text and pyopenvdb samples.
 */
import assert from 'node:assert/strict';
import type { VdbFile, VdbGrid, VdbMetadataEntry } from '@vfxkit/vdb';
import { pySample, sameNumber, sameValue, sampleCoordinates, vdbPrint } from './helpers.js';
import type { PrintedGrid } from './helpers.js';

/** Our metadata value in the words OpenVDB's `Metadata::str()` would use, as numbers and text. */
function numbersOf(text: string): number[] {
  return [...text.matchAll(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi)].map((m) => Number(m[0]));
}

export function assertMetadataAgrees(ours: Record<string, VdbMetadataEntry>, printed: Map<string, string>, where: string): void {
  for (const [key, entry] of Object.entries(ours)) {
    if (entry.opaque) continue;
    const text = printed.get(key);
    assert.ok(text !== undefined, `${where}: vdb_print does not show metadata '${key}'`);
    const value = entry.value;
    if (typeof value === 'string') assert.equal(text, value, `${where}: ${key}`);
    else if (typeof value === 'boolean') assert.equal(text, String(value), `${where}: ${key}`);
    else {
      const flat = (Array.isArray(value) ? value : [Number(value)]) as number[];
      const theirs = numbersOf(text);
      assert.equal(theirs.length, flat.length, `${where}: ${key} has ${flat.length} numbers; vdb_print shows '${text}'`);
      flat.forEach((v, i) => assert.ok(sameNumber(v, String(theirs[i])) || Math.abs(v - theirs[i]!) < 1e-6, `${where}: ${key}[${i}] ${v} vs ${theirs[i]}`));
    }
  }
}

export function assertGridAgrees(grid: VdbGrid, printed: PrintedGrid): void {
  const where = `${grid.displayName}`;
  assert.equal(grid.gridType, printed.type, `${where}: type`);
  const counts = grid.tree.nodeCounts();
  assert.equal(grid.tree.root.tileActive.length + grid.tree.root.childIndices.length, printed.rootEntries, `${where}: root entries`);
  assert.deepEqual(counts.slice(1, -1), printed.levelCounts, `${where}: internal node counts`);
  assert.equal(grid.leafCount, printed.leafCount, `${where}: leaf count`);
  assert.equal(grid.activeVoxelCount(), printed.activeVoxels, `${where}: active voxels`);
  assert.equal(grid.activeTileCount(), printed.activeTiles, `${where}: active tiles`);
  const box = grid.indexBoundingBox();
  if (printed.bbox === undefined) assert.equal(box, undefined, `${where}: empty tree`);
  else assert.deepEqual(box, printed.bbox, `${where}: active bounding box`);
  // Background and (for scalar grids) extremes, to vdb_print's six digits.
  const background = grid.backgroundValue();
  if (typeof background === 'number') assert.ok(sameNumber(background, printed.background), `${where}: background ${background} vs ${printed.background}`);
  else if (Array.isArray(background)) background.forEach((v, i) => assert.ok(sameNumber(v, String(numbersOf(printed.background)[i]))));
  else assert.ok([String(background), String(Number(background))].includes(printed.background), `${where}: background ${printed.background}`);
  const extremes = grid.minMax();
  if (grid.valueTypeInfo.components === 1 && grid.valueType !== 'bool' && grid.valueType !== 'mask') {
    if (extremes === undefined) {
      assert.ok(sameNumber(0, printed.min) && sameNumber(0, printed.max), `${where}: empty extremes`);
    } else {
      assert.ok(sameNumber(extremes.min as number, printed.min), `${where}: min ${String(extremes.min)} vs ${printed.min}`);
      assert.ok(sameNumber(extremes.max as number, printed.max), `${where}: max ${String(extremes.max)} vs ${printed.max}`);
    }
  }
  // Transform: voxel size and index-to-world matrix (three digits).
  const size = grid.transform.voxelSize();
  if (printed.voxelSize.length === 1) {
    assert.ok(grid.transform.hasUniformScale(1e-6), `${where}: uniform voxel size`);
    assert.ok(sameNumber(size[0], String(printed.voxelSize[0]), 3), `${where}: voxel size ${size[0]} vs ${printed.voxelSize[0]}`);
  } else {
    printed.voxelSize.forEach((v, i) => assert.ok(sameNumber(size[i]!, String(v), 3), `${where}: voxel size[${i}] ${size[i]} vs ${v}`));
  }
  if (printed.indexToWorld !== undefined) {
    const m = grid.transform.matrix!;
    printed.indexToWorld.forEach((row, r) =>
      row.forEach((v, c) => assert.ok(sameNumber(m[4 * r + c]!, String(v), 3), `${where}: matrix[${r}][${c}] ${m[4 * r + c]} vs ${v}`)),
    );
  }
  assertMetadataAgrees(grid.metadata, printed.metadata, where);
}


/** Every grid of `file` agrees with what `vdb_print -l -m path` prints. */
export function assertFileAgreesWithVdbPrint(file: VdbFile, path: string): void {
  const printed = vdbPrint(path);
  assert.equal(printed.version, file.version);
  assertMetadataAgrees(file.metadata, printed.metadata, 'file metadata');
  assert.equal(printed.grids.length, file.grids.length);
  // vdb_print lists grids sorted by name; match each of ours with the printed grid of that name.
  const byName = new Map<string, PrintedGrid[]>();
  for (const grid of printed.grids) byName.set(grid.name, [...(byName.get(grid.name) ?? []), grid]);
  for (const grid of file.grids) {
    const candidates = byName.get(grid.name) ?? [];
    assert.ok(candidates.length > 0, `vdb_print has no grid '${grid.name}'`);
    assertGridAgrees(grid, candidates.shift()!);
  }
}

/** Grid types pyopenvdb (Debian's build) reads. */
export const PYOPENVDB_TYPES = ['float', 'vec3s', 'bool'];

/** A few hundred values per grid, with active states and depths, equal pyopenvdb's. */
export function assertSamplesAgreeWithPyopenvdb(file: VdbFile, path: string, count = 300): number {
  const readable = file.grids.filter((g) => PYOPENVDB_TYPES.includes(g.valueType));
  if (readable.length === 0) return 0;
  const request: Record<string, number[][]> = {};
  for (const grid of readable) request[grid.displayName] = sampleCoordinates(grid, count);
  const theirs = pySample(path, request);
  let compared = 0;
  for (const grid of readable) {
    const py = theirs[grid.displayName]!;
    assert.equal(grid.activeVoxelCount(), py.activeVoxelCount, `${grid.displayName}: active voxels`);
    assert.equal(grid.leafCount, py.leafCount, `${grid.displayName}: leaves`);
    assert.ok(sameValue(grid.backgroundValue(), py.background), `${grid.displayName}: background`);
    const accessor = grid.accessor();
    request[grid.displayName]!.forEach(([x, y, z], i) => {
      const probe = accessor.probe(x!, y!, z!);
      const [value, active] = py.values[i]!;
      assert.ok(sameValue(probe.value, value), `${grid.displayName} (${x}, ${y}, ${z}): ${JSON.stringify(probe.value)} vs ${JSON.stringify(value)}`);
      assert.equal(probe.active, active, `${grid.displayName} (${x}, ${y}, ${z}): active`);
      assert.equal(probe.depth, py.depths[i], `${grid.displayName} (${x}, ${y}, ${z}): depth`);
      compared++;
    });
  }
  return compared;
}
