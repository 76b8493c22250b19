/**
 * Columns to attributes and back, for the formats that store one scalar per column (PLY vertex
 * properties, point text files): `x y z` becomes `P`, `red green blue` becomes `Cd` (as the
 * `COMPONENT_GROUPS` table says), a run `f_dc_0 f_dc_1 f_dc_2` becomes `f_dc` of width 3, and
 * every other column an attribute of its own. Writers unfold attributes the same way.
 */
import type { AttributeType, ParticleAttribute, StorageType } from '../model.js';
import { COLUMN_NAMES, COMPONENT_GROUPS } from '../names.js';
import { uniqueName } from './common.js';

export interface Column {
  name: string;
  storage: StorageType;
}

export interface ColumnGroup {
  name: string;
  /** Indices into the column list, in component order. */
  columns: number[];
  storage: StorageType;
  type: AttributeType;
  normalizedMax?: number;
  interpretation?: string;
}

const INTERPRETATIONS: Record<string, string> = { P: 'point', N: 'normal', v: 'vector', Cd: 'color', uv: 'texturecoord' };
const VECTOR_NAMES = new Set(['P', 'N', 'v', 'Cd']);

function describe(name: string, columns: number[], storage: StorageType): ColumnGroup {
  const isFloat = storage.startsWith('float');
  const group: ColumnGroup = {
    name,
    columns,
    storage,
    type: isFloat ? (columns.length === 3 && VECTOR_NAMES.has(name) ? 'vector' : 'float') : 'int',
  };
  if (INTERPRETATIONS[name] !== undefined) group.interpretation = INTERPRETATIONS[name];
  if ((name === 'Cd' || name === 'Alpha') && (storage === 'uint8' || storage === 'uint16')) group.normalizedMax = storage === 'uint8' ? 255 : 65535;
  return group;
}

/** Groups `columns` into attributes (see the module comment). */
export function groupColumns(columns: readonly Column[], groupSuffixes = true): ColumnGroup[] {
  const used = new Array<boolean>(columns.length).fill(false);
  const byName = new Map<string, number>();
  columns.forEach((c, i) => {
    if (!byName.has(c.name)) byName.set(c.name, i);
  });
  const groups: ColumnGroup[] = [];
  const taken = new Set<string>();
  for (const { name, components } of COMPONENT_GROUPS) {
    if (taken.has(name)) continue;
    const indices = components.map((c) => byName.get(c));
    if (indices.some((i) => i === undefined || used[i])) continue;
    const storage = columns[indices[0]!]!.storage;
    if (indices.some((i) => columns[i!]!.storage !== storage)) continue;
    for (const i of indices) used[i!] = true;
    taken.add(name);
    groups.push(describe(name, indices as number[], storage));
  }
  if (groupSuffixes) {
    const runs = new Map<string, Map<number, number>>();
    columns.forEach((c, i) => {
      if (used[i]) return;
      const match = /^(.+)_([0-9]+)$/.exec(c.name);
      if (match === null) return;
      const base = match[1]!;
      if (!runs.has(base)) runs.set(base, new Map());
      runs.get(base)!.set(Number(match[2]), i);
    });
    for (const [base, members] of runs) {
      if (members.size < 2 || byName.has(base) || taken.has(base)) continue;
      const indices: number[] = [];
      for (let k = 0; members.has(k); k++) indices.push(members.get(k)!);
      if (indices.length !== members.size) continue;
      const storage = columns[indices[0]!]!.storage;
      if (indices.some((i) => columns[i]!.storage !== storage)) continue;
      for (const i of indices) used[i] = true;
      taken.add(base);
      groups.push(describe(base, indices, storage));
    }
  }
  columns.forEach((c, i) => {
    if (used[i]) return;
    const name = uniqueName(COLUMN_NAMES[c.name] ?? c.name, taken);
    groups.push(describe(name, [i], c.storage));
  });
  groups.sort((a, b) => a.columns[0]! - b.columns[0]!);
  return groups;
}

/** The column names an attribute unfolds into. */
export function columnNames(attribute: ParticleAttribute): string[] {
  const group = COMPONENT_GROUPS.find((g) => g.name === attribute.name && g.components.length === attribute.width);
  if (group !== undefined) return [...group.components];
  if (attribute.width === 1) return [attribute.name === 'Alpha' ? 'alpha' : attribute.name];
  return Array.from({ length: attribute.width }, (_, k) => `${attribute.name}_${k}`);
}
