/**
 * Merging two particle sets the way partio's `merge` does (partio `core/Particle.cpp`): with
 * identifier attributes (`id`, or a pair such as `ids` + `faceid_XS`), a delta particle whose
 * identifiers match a base particle replaces that particle's values; every other delta particle
 * is appended. Attributes only the delta has are added (zero for base particles), indexed strings
 * are re-indexed into one table, fixed attributes of the delta override the base's.
 */
import { partError, PartErrorCode } from './errors.js';
import { createParticleSet, validateParticleSet } from './model.js';
import type { AttributeData, ParticleAttribute, ParticleSet } from './model.js';

function integerIdentifier(set: ParticleSet, name: string): ParticleAttribute | undefined {
  const attribute = set.attributes.find((a) => a.name === name);
  return attribute !== undefined && attribute.type === 'int' ? attribute : undefined;
}

function sameKind(data: AttributeData, length: number): AttributeData {
  if (data instanceof Float32Array) return new Float32Array(length);
  if (data instanceof Float64Array) return new Float64Array(length);
  return new Int32Array(length);
}

/** `base` and `delta` merged into a new set (neither is changed). */
export function mergeParticleSets(base: ParticleSet, delta: ParticleSet, identifiers: readonly string[] = []): ParticleSet {
  validateParticleSet(base);
  validateParticleSet(delta);
  if (identifiers.length > 2) throw partError(PartErrorCode.PART_BAD_ARGUMENT, 'merge takes at most two identifier attributes');
  const baseIds = identifiers.map((n) => integerIdentifier(base, n));
  const deltaIds = identifiers.map((n) => integerIdentifier(delta, n));
  // Match only when both sets have the same identifiers (partio appends otherwise).
  const matching = baseIds.some((a, k) => a !== undefined && deltaIds[k] !== undefined) && baseIds.every((a, k) => (a === undefined) === (deltaIds[k] === undefined));
  const key = (ids: (ParticleAttribute | undefined)[], i: number) => ids.map((a) => (a === undefined ? 0 : a.data[i * a.width]!)).join(':');
  const target = new Int32Array(delta.count);
  let appended = 0;
  if (matching) {
    const index = new Map<string, number>();
    for (let i = 0; i < base.count; i++) index.set(key(baseIds, i), i);
    for (let i = 0; i < delta.count; i++) {
      const at = index.get(key(deltaIds, i));
      target[i] = at ?? base.count + appended++;
    }
  } else {
    for (let i = 0; i < delta.count; i++) target[i] = base.count + appended++;
  }
  const count = base.count + appended;
  const out = createParticleSet(count);
  out.format = base.format;
  out.extras = { ...base.extras };
  out.notes = [];
  const names = [...base.attributes.map((a) => a.name), ...delta.attributes.map((a) => a.name).filter((n) => !base.attributes.some((a) => a.name === n))];
  for (const name of names) {
    const from = base.attributes.find((a) => a.name === name);
    const other = delta.attributes.find((a) => a.name === name);
    const model = (from ?? other)!;
    const width = model.width;
    const data = sameKind(model.data, count * width);
    const attribute: ParticleAttribute = { ...model, data };
    if (from !== undefined) data.set(from.data);
    if (other !== undefined) {
      let remap: Int32Array | undefined;
      if (model.type === 'indexedString') {
        const strings = [...(from?.strings ?? other.strings ?? [])];
        const position = new Map(strings.map((s, i) => [s, i]));
        remap = Int32Array.from(other.strings ?? [], (s) => {
          let at = position.get(s);
          if (at === undefined) {
            at = strings.length;
            strings.push(s);
            position.set(s, at);
          }
          return at;
        });
        attribute.strings = strings;
      }
      const copy = Math.min(width, other.width);
      for (let i = 0; i < delta.count; i++) {
        const t = target[i]! * width;
        for (let k = 0; k < copy; k++) {
          const v = other.data[i * other.width + k]!;
          data[t + k] = remap !== undefined ? (v >= 0 ? remap[v]! : -1) : v;
        }
      }
    }
    out.attributes.push(attribute);
  }
  out.fixed = base.fixed.map((a) => delta.fixed.find((d) => d.name === a.name) ?? a);
  for (const d of delta.fixed) if (!out.fixed.some((a) => a.name === d.name)) out.fixed.push(d);
  return out;
}
