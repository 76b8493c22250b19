/**
 * Summaries for `info` reports: per-component minimum, maximum and mean of an attribute (NaN and
 * infinite values counted apart), the bounding box of `P`, and string usage of indexed strings.
 */
import { partError, PartErrorCode } from './errors.js';
import type { AttributeType, ParticleAttribute, ParticleSet } from './model.js';
import { getAttribute, getFixedAttribute } from './model.js';

export interface AttributeStats {
  name: string;
  type: AttributeType;
  width: number;
  /** Values per component taken into the statistics (finite ones). */
  count: number;
  /** Per component; absent for indexed strings and empty sets. */
  min?: number[];
  max?: number[];
  mean?: number[];
  /** Values per component that were NaN or infinite (skipped). */
  nonFinite?: number[];
  /** Indexed strings: how many particles use each string of the table. */
  stringCounts?: { value: string; count: number }[];
}

/** Statistics of one attribute's values. */
export function statsOf(attribute: ParticleAttribute): AttributeStats {
  const { name, type, width, data } = attribute;
  const elements = data.length / width;
  if (type === 'indexedString') {
    const strings = attribute.strings ?? [];
    const counts = new Array<number>(strings.length).fill(0);
    for (let i = 0; i < data.length; i++) {
      const at = data[i]!;
      if (at >= 0 && at < counts.length) counts[at]!++;
    }
    return { name, type, width, count: elements, stringCounts: strings.map((value, i) => ({ value, count: counts[i]! })) };
  }
  const min = new Array<number>(width).fill(Infinity);
  const max = new Array<number>(width).fill(-Infinity);
  const sum = new Array<number>(width).fill(0);
  const finite = new Array<number>(width).fill(0);
  for (let k = 0; k < width; k++) {
    let lo = Infinity;
    let hi = -Infinity;
    let total = 0;
    let n = 0;
    for (let i = k; i < data.length; i += width) {
      const v = data[i]!;
      if (v - v !== 0) continue; // NaN or infinite
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      total += v;
      n++;
    }
    min[k] = lo;
    max[k] = hi;
    sum[k] = total;
    finite[k] = n;
  }
  const stats: AttributeStats = { name, type, width, count: elements };
  if (finite.some((n) => n > 0)) {
    stats.min = min.map((v, k) => (finite[k]! > 0 ? v : NaN));
    stats.max = max.map((v, k) => (finite[k]! > 0 ? v : NaN));
    stats.mean = sum.map((v, k) => (finite[k]! > 0 ? v / finite[k]! : NaN));
  }
  const nonFinite = finite.map((n) => elements - n);
  if (nonFinite.some((n) => n > 0)) stats.nonFinite = nonFinite;
  return stats;
}

/** Statistics of the attribute called `name` (`fixed: true` for a fixed attribute). */
export function attributeStats(set: ParticleSet, name: string, options: { fixed?: boolean } = {}): AttributeStats {
  const attribute = options.fixed ? getFixedAttribute(set, name) : getAttribute(set, name);
  if (attribute === undefined) {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `no ${options.fixed ? 'fixed ' : ''}attribute '${name}' (the set has ${set.attributes.map((a) => a.name).join(', ') || 'none'})`);
  }
  return statsOf(attribute);
}

export interface BoundingBox {
  min: [number, number, number];
  max: [number, number, number];
}

/** The bounding box of `P` (or `name`, any width-3 attribute); undefined when the set has no such
 *  attribute or no finite point. */
export function boundingBox(set: ParticleSet, name = 'P'): BoundingBox | undefined {
  const attribute = getAttribute(set, name);
  if (attribute === undefined || attribute.width !== 3 || attribute.type === 'indexedString') return undefined;
  const stats = statsOf(attribute);
  if (stats.min === undefined || stats.max === undefined || stats.min.some(Number.isNaN)) return undefined;
  return { min: stats.min as [number, number, number], max: stats.max as [number, number, number] };
}
