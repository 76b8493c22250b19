/**
 * `vfx vdb info` and `vfx vdb stats`: what `vdb_print -l -m` prints, as JSON and as text. Info reads
 * the header, each grid's head and its topology (active voxel and leaf counts come from the masks);
 * no leaf value is decoded. Stats decodes the values.
 */
import { Compression, type VdbFileInfo, type VdbGrid, type VdbMetadata, type VdbValue } from '@vfxkit/vdb';

export type Vec3 = [number, number, number];

export interface GridInfoJson {
  name: string;
  valueType: string;
  gridClass: string;
  halfFloat: boolean;
  compression: string[];
  voxelSize: Vec3;
  transform: { type: string; matrix: number[] | null };
  indexBBox: [Vec3, Vec3] | null;
  worldBBox: [Vec3, Vec3] | null;
  activeVoxels: number;
  leafCount: number;
  metadata: Record<string, unknown>;
}

export interface FileInfoJson {
  file: string;
  fileVersion: number;
  libraryVersion: string;
  uuid: string;
  metadata: Record<string, unknown>;
  grids: GridInfoJson[];
}

/** Metadata values as JSON can hold them: bigints as strings, opaque bytes as their length. */
export function metadataJson(metadata: VdbMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(metadata)) {
    const value = entry.value;
    if (typeof value === 'bigint') out[name] = value.toString();
    else if (value instanceof Uint8Array) out[name] = { type: entry.type, bytes: value.byteLength };
    else out[name] = value;
  }
  return out;
}

/** OpenVDB's compression flags as a list (`["blosc", "active values"]`, or `[]` for none). */
export function compressionFlags(flags: number): string[] {
  const out: string[] = [];
  if (flags & Compression.ZIP) out.push('zip');
  if (flags & Compression.BLOSC) out.push('blosc');
  if (flags & Compression.ACTIVE_MASK) out.push('active values');
  return out;
}

/** OpenVDB's value type names (`ptdataidx32`, `vec3s`, ...), as the descriptor says. */
export function gridInfoJson(grid: VdbGrid): GridInfoJson {
  const box = grid.indexBoundingBox();
  const world = grid.worldBoundingBox();
  return {
    name: grid.displayName,
    valueType: grid.valueType,
    gridClass: grid.gridClass,
    halfFloat: grid.saveFloatAsHalf,
    compression: compressionFlags(grid.compression),
    voxelSize: grid.transform.voxelSize(),
    transform: { type: grid.transform.type, matrix: grid.transform.matrix },
    indexBBox: box ? [box.min, box.max] : null,
    worldBBox: world ? [world.min, world.max] : null,
    activeVoxels: grid.activeVoxelCount(),
    leafCount: grid.leafCount,
    metadata: metadataJson(grid.metadata),
  };
}

export function fileInfoJson(file: string, info: VdbFileInfo, grids: VdbGrid[]): FileInfoJson {
  return {
    file,
    fileVersion: info.header.fileVersion,
    libraryVersion: `${info.header.libraryVersion.major}.${info.header.libraryVersion.minor}`,
    uuid: info.header.uuid,
    metadata: metadataJson(info.metadata),
    grids: grids.map(gridInfoJson),
  };
}

/** A rough in-memory size in bytes, as OpenVDB would hold the tree (vdb_print -m's "Actual"). */
export function memoryEstimate(grid: VdbGrid): number {
  const tree = grid.tree;
  const layout = tree.layout;
  const valueBytes = tree.valueType.components * (tree.valueType.componentBytes || 1);
  const counts = tree.nodeCounts();
  let bytes = 64; // root
  for (let level = 0; level < layout.slots.length; level++) {
    const slots = layout.slots[level]!;
    // A union of child pointer and tile value per slot, plus child and value masks.
    bytes += (counts[level + 1] ?? 0) * (slots * Math.max(8, valueBytes) + 2 * (slots / 8) + 32);
  }
  const isMask = tree.valueType.name === 'mask' || tree.valueType.name === 'bool';
  const leafValues = isMask ? layout.leafSize / 8 : layout.leafSize * valueBytes;
  bytes += tree.leafCount * (leafValues + layout.leafSize / 8 + 32);
  return bytes;
}

function fmtNum(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

function vecText(v: readonly number[]): string {
  return `[${v.map(fmtNum).join(', ')}]`;
}

function valueText(v: VdbValue | unknown): string {
  if (Array.isArray(v)) return vecText(v as number[]);
  if (typeof v === 'number') return fmtNum(v);
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

function memoryText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(3)} KB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(3)} MB`;
  return `${(bytes / 1e9).toFixed(3)} GB`;
}

export function infoLines(json: FileInfoJson, grids: VdbGrid[]): string[] {
  const lines = [`${json.file}`, `  VDB version: ${json.libraryVersion}/${json.fileVersion}`];
  for (const [name, value] of Object.entries(json.metadata)) lines.push(`  ${name}: ${valueText(value)}`);
  lines.push(`  ${json.grids.length} grid${json.grids.length === 1 ? '' : 's'}`);
  json.grids.forEach((g, i) => {
    const grid = grids[i]!;
    lines.push('', `Name: ${g.name}`);
    lines.push(`  type: ${grid.gridType}${g.halfFloat ? ' (saved as half float)' : ''}  value type: ${g.valueType}  class: ${g.gridClass}`);
    lines.push(`  compression: ${g.compression.length > 0 ? g.compression.join(' + ') : 'none'}`);
    const [vx, vy, vz] = g.voxelSize;
    lines.push(`  voxel size: ${vx === vy && vy === vz ? fmtNum(vx) : vecText(g.voxelSize)}  (${g.transform.type})`);
    lines.push(`  active voxels: ${g.activeVoxels.toLocaleString('en-US')}  leaves: ${g.leafCount.toLocaleString('en-US')}`);
    lines.push(`  index bbox: ${g.indexBBox ? `${vecText(g.indexBBox[0])} -> ${vecText(g.indexBBox[1])}` : 'empty'}`);
    lines.push(`  world bbox: ${g.worldBBox ? `${vecText(g.worldBBox[0])} -> ${vecText(g.worldBBox[1])}` : 'empty'}`);
    lines.push(`  memory (estimate): ${memoryText(memoryEstimate(grid))}`);
    const entries = Object.entries(g.metadata);
    if (entries.length > 0) {
      lines.push('  metadata:');
      for (const [name, value] of entries) lines.push(`    ${name}: ${valueText(value)}`);
    }
  });
  return lines;
}

export interface GridStats {
  name: string;
  valueType: string;
  activeVoxels: number;
  /** Scalars: the values; vectors: their lengths (magnitudes); bool/mask: 0/1. */
  of: 'value' | 'magnitude';
  min: number | null;
  max: number | null;
  mean: number | null;
  histogram: { min: number; max: number; counts: number[] } | null;
}

/** A scalar for each active value: the value itself, a vector's length, a bool as 0/1. */
export function scalarOf(values: ArrayLike<number>, offset: number, components: number): number {
  if (components === 1) return values[offset]!;
  let sum = 0;
  for (let c = 0; c < components; c++) sum += values[offset + c]! * values[offset + c]!;
  return Math.sqrt(sum);
}

/** Visits every active value (voxels, and tiles once per voxel they cover) as a scalar and a weight. */
function forEachActiveScalar(grid: VdbGrid, visit: (value: number, weight: number) => void): void {
  const tree = grid.tree;
  const components = tree.valueType.components;
  if (tree.valueType.name === 'mask') {
    visit(1, grid.activeVoxelCount());
    return;
  }
  tree.forEachActiveVoxel((_x, _y, _z, values, offset) => visit(scalarOf(values, offset, components), 1));
  // forEachActiveVoxel visits leaf voxels; active tiles count once per voxel they cover.
  if (grid.activeTileCount() > 0) {
    tree.forEachActiveTile((_x, _y, _z, size, values, offset) => visit(scalarOf(values, offset, components), size * size * size));
  }
}

export function gridStats(grid: VdbGrid, bins: number): GridStats {
  const components = grid.tree.valueType.components;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  forEachActiveScalar(grid, (v, w) => {
    if (!Number.isFinite(v)) return;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v * w;
    count += w;
  });
  const base = {
    name: grid.displayName,
    valueType: grid.valueType,
    activeVoxels: grid.activeVoxelCount(),
    of: components === 1 ? ('value' as const) : ('magnitude' as const),
  };
  if (count === 0) return { ...base, min: null, max: null, mean: null, histogram: null };
  const counts = new Array<number>(bins).fill(0);
  const width = max - min;
  forEachActiveScalar(grid, (v, w) => {
    if (!Number.isFinite(v)) return;
    const bin = width > 0 ? Math.min(bins - 1, Math.floor(((v - min) / width) * bins)) : 0;
    counts[bin]! += w;
  });
  return { ...base, min, max, mean: sum / count, histogram: { min, max, counts } };
}

export function statsLines(file: string, stats: GridStats[]): string[] {
  const lines = [file];
  if (stats.length === 0) lines.push('  (no grids with values: point data grids go out with vfx vdb points)');
  for (const s of stats) {
    lines.push('', `${s.name}  ${s.valueType}${s.of === 'magnitude' ? ' (magnitudes)' : ''}  ${s.activeVoxels.toLocaleString('en-US')} active voxels`);
    if (s.min === null || s.histogram === null) {
      lines.push('  (no active values)');
      continue;
    }
    lines.push(`  min: ${fmtNum(s.min)}  max: ${fmtNum(s.max!)}  mean: ${fmtNum(s.mean!)}`);
    const peak = Math.max(...s.histogram.counts);
    const bins = s.histogram.counts.length;
    const step = (s.histogram.max - s.histogram.min) / bins;
    const labels = s.histogram.counts.map((_, i) => fmtNum(s.histogram!.min + i * step));
    const labelWidth = Math.max(...labels.map((l) => l.length));
    const countWidth = Math.max(...s.histogram.counts.map((c) => c.toLocaleString('en-US').length));
    s.histogram.counts.forEach((c, i) => {
      const bar = peak > 0 ? '#'.repeat(Math.round((c / peak) * 40)) : '';
      lines.push(`  ${labels[i]!.padStart(labelWidth)}  ${c.toLocaleString('en-US').padStart(countWidth)}  ${bar}`);
    });
  }
  return lines;
}
