/**
 * Subsets of a set, for `vfx part filter`: the particles a predicate keeps, the attributes named.
 */
import { partError, PartErrorCode } from './errors.js';
import { createParticleSet } from './model.js';
import type { AttributeData, ParticleSet } from './model.js';

/**
 * The particles `keep` accepts (a function of the particle index, or a mask with one byte per
 * particle, non-zero to keep), every attribute along. Fixed attributes and extras are shared.
 *
 * @example
 * const id = getAttribute(set, 'id')!.data;
 * const young = filterParticles(set, (i) => id[i]! < 1000);
 */
export function filterParticles(set: ParticleSet, keep: Uint8Array | ((index: number) => boolean)): ParticleSet {
  if (keep instanceof Uint8Array && keep.length !== set.count) {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `the mask has ${keep.length} entries for ${set.count} particles`);
  }
  const indices: number[] = [];
  for (let i = 0; i < set.count; i++) if (keep instanceof Uint8Array ? keep[i] !== 0 : keep(i)) indices.push(i);
  const out = createParticleSet(indices.length);
  out.format = set.format;
  out.extras = set.extras;
  out.notes = [...set.notes];
  out.fixed = set.fixed;
  for (const attribute of set.attributes) {
    const { width, data } = attribute;
    const kept = new (data.constructor as new (length: number) => AttributeData)(indices.length * width);
    for (let j = 0; j < indices.length; j++) {
      const from = indices[j]! * width;
      for (let k = 0; k < width; k++) kept[j * width + k] = data[from + k]!;
    }
    out.attributes.push({ ...attribute, data: kept });
  }
  return out;
}

/** The set with only the attributes named (in that order); unknown names are PART_BAD_ARGUMENT.
 *  Fixed attributes stay unless `fixed` lists the ones to keep. */
export function selectAttributes(set: ParticleSet, names: readonly string[], fixed?: readonly string[]): ParticleSet {
  const missing = names.filter((n) => !set.attributes.some((a) => a.name === n));
  if (missing.length > 0) {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `no attribute ${missing.map((n) => `'${n}'`).join(', ')} (the set has ${set.attributes.map((a) => a.name).join(', ') || 'none'})`);
  }
  return {
    ...set,
    attributes: names.map((n) => set.attributes.find((a) => a.name === n)!),
    fixed: fixed === undefined ? set.fixed : set.fixed.filter((a) => fixed.includes(a.name)),
  };
}
