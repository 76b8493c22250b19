/**
 * @vfxkit/particles/three: a particle set as a three.js `BufferGeometry`, ready for `THREE.Points`.
 * `P` becomes `position`, `N` `normal`, `Cd` `color` (integer colours scaled to 0..1), `v`
 * `velocity`, and every other numeric attribute keeps its name with its width as item size
 * (float32, as WebGL attributes want; integers too unless `keepIntegers`). Indexed strings have no
 * GPU meaning and are left out (listed in `userData.skipped`). Fixed attributes go to `userData`.
 *
 * @example
 * import { readParticles } from '@vfxkit/particles';
 * import { particlesToPoints } from '@vfxkit/particles/three';
 * scene.add(particlesToPoints(readParticles(bytes, { fileName: 'rain.bgeo.sc' })));
 */
import { BufferAttribute, BufferGeometry, Points, PointsMaterial } from 'three';
import type { ParticleAttribute, ParticleSet } from './model.js';
import { normalizedFloats } from './model.js';

export interface ToGeometryOptions {
  /** Keep integer attributes as Int32Array (WebGL integer attributes) instead of float32. */
  keepIntegers?: boolean;
  /** Attribute names to leave out. */
  exclude?: string[];
}

/** three.js's names for the canonical attributes. */
export const THREE_NAMES: Readonly<Record<string, string>> = { P: 'position', N: 'normal', Cd: 'color', v: 'velocity' };

function toFloat32(attribute: ParticleAttribute): Float32Array {
  const values = attribute.normalizedMax !== undefined ? normalizedFloats(attribute) : attribute.data;
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

/** The set as a BufferGeometry (bounding box and sphere computed when it has a position). */
export function particlesToGeometry(set: ParticleSet, options: ToGeometryOptions = {}): BufferGeometry {
  const geometry = new BufferGeometry();
  const skipped: string[] = [];
  const exclude = new Set(options.exclude ?? []);
  for (const attribute of set.attributes) {
    if (exclude.has(attribute.name)) continue;
    if (attribute.type === 'indexedString') {
      skipped.push(attribute.name);
      continue;
    }
    const name = THREE_NAMES[attribute.name] ?? attribute.name;
    if (geometry.getAttribute(name) !== undefined) {
      skipped.push(attribute.name);
      continue;
    }
    const keepInt = options.keepIntegers === true && attribute.data instanceof Int32Array && attribute.normalizedMax === undefined;
    const array = keepInt ? attribute.data : toFloat32(attribute);
    geometry.setAttribute(name, new BufferAttribute(array, attribute.width));
  }
  geometry.setDrawRange(0, set.count);
  geometry.userData = {
    count: set.count,
    format: set.format,
    skipped,
    fixed: Object.fromEntries(set.fixed.map((a) => [a.name, a.strings !== undefined ? Array.from(a.data, (i) => a.strings![i]) : Array.from(a.data)])),
  };
  if (geometry.getAttribute('position') !== undefined) {
    geometry.computeBoundingBox();
    geometry.computeBoundingSphere();
  }
  return geometry;
}

/** The set as `THREE.Points` with a PointsMaterial (vertex colours when the set has `Cd`). */
export function particlesToPoints(set: ParticleSet, options: ToGeometryOptions & { size?: number } = {}): Points {
  const geometry = particlesToGeometry(set, options);
  const material = new PointsMaterial({ size: options.size ?? 1, sizeAttenuation: true, vertexColors: geometry.getAttribute('color') !== undefined });
  return new Points(geometry, material);
}
