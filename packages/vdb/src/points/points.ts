/**
 * Point data grids as columns: every point's attributes gathered leaf after leaf (tree order),
 * voxel after voxel, in the order OpenVDB's point iterators visit them. Positions (`P`, stored as
 * offsets from the voxel centre in voxel units) become world positions through the grid transform,
 * or index-space positions with `positions: 'index'`. Group arrays become per-point 0/1 columns
 * under `groups`; string attributes become indices into `strings` (0 is the empty string).
 */
import { VdbErrorCode, vdbError } from '../errors.js';
import type { VdbTransform } from '../io/transform.js';
import type { VdbTree } from '../tree/tree.js';
import { attributeLayout } from './attributes.js';
import type { AttributeLayout } from './attributes.js';
import type { PointDataLeaves, PointDescriptor } from './buffers.js';

export type VdbPointAttributeType = 'float' | 'int' | 'vector' | 'indexedString';

export interface VdbPointAttribute {
  type: VdbPointAttributeType;
  /** Numbers per point (3 for P, stride x components for strided arrays). */
  width: number;
  /** `count * width` values, point after point. */
  data: Float32Array | Float64Array | Int32Array;
  /** OpenVDB's value type (`vec3s`, `float`, `int32`, ...). */
  valueType: string;
  /** OpenVDB's codec (`null`, `fxpt16`, `trnc`, `uvec`, `str`, ...). */
  codec: string;
  /** For `indexedString`: the string table (`data` holds indices into it; 0 is ""). */
  strings?: string[];
}

export interface VdbPointData {
  count: number;
  attributes: Record<string, VdbPointAttribute>;
  /** Group membership per point (1 = in the group). */
  groups: Record<string, Uint8Array>;
}

export interface ReadPointsOptions {
  /** `world` (default): P in world space; `index`: P in index space (voxel units). */
  positions?: 'world' | 'index';
}

/** The grid-like input of `readVdbPoints`. */
export interface PointSource {
  tree: VdbTree;
  transform: VdbTransform;
  pointData: PointDataLeaves | undefined;
  displayName: string;
}

function stringsOf(descriptor: PointDescriptor): string[] {
  const strings = [''];
  for (const [key, entry] of Object.entries(descriptor.metadata)) {
    if (!key.startsWith('string:') || entry.type !== 'string') continue;
    const index = Number(key.slice(7));
    if (Number.isInteger(index) && index >= 0 && index < 1 << 24) strings[index + 1] = entry.value as string;
  }
  for (let i = 0; i < strings.length; i++) strings[i] ??= '';
  return strings;
}

/** Gathers a point data grid's points into columns. */
export function readVdbPoints(grid: PointSource, options: ReadPointsOptions = {}): VdbPointData {
  const leaves = grid.pointData;
  if (leaves === undefined) {
    throw vdbError(VdbErrorCode.VDB_BAD_ARGUMENT, `grid '${grid.displayName}' is not a point data grid (ptdataidx32)`, { location: grid.displayName });
  }
  const tree = grid.tree;
  const leafCount = tree.leafCount;
  const order = leaves.order;
  const leafAt = (n: number): number => (order === undefined ? n : order[n]!);
  const leafSize = tree.layout.leafSize;
  const leafLog2 = tree.layout.leafLog2;
  const dimMask = (1 << leafLog2) - 1;
  const pointsIn = (leaf: number): number => {
    const values = tree.leafValues(leaf);
    return values[tree.leafValueOffset(leaf) + leafSize - 1]!;
  };
  let count = 0;
  for (let leaf = 0; leaf < leafCount; leaf++) count += pointsIn(leaf);

  // The attributes: names and types from the first leaf (OpenVDB shares one descriptor).
  const first = leafCount > 0 ? leaves.descriptors[leafAt(0)]! : undefined;
  const attributes: Record<string, VdbPointAttribute> = {};
  const groups: Record<string, Uint8Array> = {};
  if (first === undefined) return { count, attributes, groups };
  const location = grid.displayName;

  const layouts = new Map<string, AttributeLayout>();
  for (const [name, position] of first.names) {
    const type = first.types[position]!;
    layouts.set(name, attributeLayout(type.valueType, type.codec, name));
  }

  for (const [name, layout] of layouts) {
    if (layout.output === 'group') continue;
    const position = first.names.get(name)!;
    const strideOf = (leaf: number): number => leaves.arrays[leaf]![leaves.descriptors[leaf]!.names.get(name) ?? position]!.stride;
    const stride = strideOf(leafAt(0));
    const width = layout.components * stride;
    const isP = name === 'P' && layout.components === 3 && (layout.output === 'f32' || layout.output === 'f64');
    const data =
      layout.output === 'f64' ? new Float64Array(count * width) : layout.output === 'f32' ? new Float32Array(count * width) : new Int32Array(count * width);
    let at = 0;
    const scratch = [0, 0, 0];
    for (let n = 0; n < leafCount; n++) {
      const leaf = leafAt(n);
      const descriptor = leaves.descriptors[leaf]!;
      const positionHere = descriptor.names.get(name);
      const points = pointsIn(leaf);
      if (positionHere === undefined) {
        at += points * width; // absent in this leaf: zeros
        continue;
      }
      const array = leaves.arrays[leaf]![positionHere]!;
      if (array.stride !== stride) {
        throw vdbError(VdbErrorCode.VDB_UNSUPPORTED, `point attribute '${name}' has stride ${array.stride} in one leaf and ${stride} in another`, { location });
      }
      const view = new DataView(array.data.buffer, array.data.byteOffset, array.data.byteLength);
      if (!isP) {
        for (let p = 0; p < points; p++) {
          for (let s = 0; s < stride; s++) {
            const index = array.uniform ? 0 : p * stride + s;
            layout.decode(array.data, view, index, data, at);
            at += layout.components;
          }
        }
        continue;
      }
      // Positions: voxel-relative offsets plus the voxel, then the transform.
      const offsets = tree.leafValues(leaf);
      const base = tree.leafValueOffset(leaf);
      const ox = tree.leaves.origins[3 * leaf]!, oy = tree.leaves.origins[3 * leaf + 1]!, oz = tree.leaves.origins[3 * leaf + 2]!;
      const out: [number, number, number] = [0, 0, 0];
      let start = 0;
      for (let v = 0; v < leafSize; v++) {
        const end = offsets[base + v]!;
        if (end > points) throw vdbError(VdbErrorCode.VDB_CORRUPT, `a voxel of leaf ${leaf} ends at point ${end}; the leaf has ${points}`, { location });
        const vx = ox + (v >>> (2 * leafLog2)), vy = oy + ((v >>> leafLog2) & dimMask), vz = oz + (v & dimMask);
        for (let p = start; p < end; p++) {
          layout.decode(array.data, view, array.uniform ? 0 : p, scratch, 0);
          const ix = vx + scratch[0]!, iy = vy + scratch[1]!, iz = vz + scratch[2]!;
          if (options.positions === 'index') {
            data[at] = ix;
            data[at + 1] = iy;
            data[at + 2] = iz;
          } else {
            grid.transform.indexToWorld(ix, iy, iz, out);
            data[at] = out[0];
            data[at + 1] = out[1];
            data[at + 2] = out[2];
          }
          at += 3;
        }
        start = Math.max(start, end);
      }
    }
    const attribute: VdbPointAttribute = {
      type: layout.output === 'string' ? 'indexedString' : layout.output === 'i32' ? 'int' : layout.components === 3 && stride === 1 ? 'vector' : 'float',
      width,
      data,
      valueType: layout.valueType,
      codec: layout.codec,
    };
    if (layout.output === 'string') attribute.strings = stringsOf(first);
    attributes[name] = attribute;
  }

  // Groups: bit (offset % 8) of the (offset / 8)-th group array, group arrays in position order.
  const groupPositions = [...first.names.values()].filter((position) => first.types[position]!.codec === 'grp').sort((a, b) => a - b);
  for (const [name, offset] of first.groups) {
    const position = groupPositions[Math.floor(offset / 8)];
    if (position === undefined) throw vdbError(VdbErrorCode.VDB_CORRUPT, `point group '${name}' has offset ${offset}, beyond its group arrays`, { location });
    const bit = offset % 8;
    const member = new Uint8Array(count);
    let at = 0;
    for (let n = 0; n < leafCount; n++) {
      const leaf = leafAt(n);
      const array = leaves.arrays[leaf]![position]!;
      const points = pointsIn(leaf);
      for (let p = 0; p < points; p++, at++) member[at] = (array.data[array.uniform ? 0 : p]! >>> bit) & 1;
    }
    groups[name] = member;
  }
  return { count, attributes, groups };
}
