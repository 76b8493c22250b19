/**
 * Particle files in the decode worker (loaded on first use): every numeric attribute as float32 with
 * its statistics, and the bounding box of P.
 */
import { boundingBox, readParticlesAsync, statsOf } from '@vfxkit/particles';
import type { ParticleAttribute } from '@vfxkit/particles';
import type { DecodedParticles, ParticleColumn } from '../protocol.js';

function toColumn(attribute: ParticleAttribute): ParticleColumn | undefined {
  if (attribute.type === 'indexedString') return undefined;
  let data: Float32Array;
  if (attribute.normalizedMax !== undefined) {
    data = new Float32Array(attribute.data.length);
    for (let i = 0; i < data.length; i++) data[i] = attribute.data[i]! / attribute.normalizedMax;
  } else data = attribute.data instanceof Float32Array ? attribute.data : Float32Array.from(attribute.data);
  const stats = statsOf({ ...attribute, data, normalizedMax: undefined } as ParticleAttribute);
  return {
    name: attribute.name,
    type: attribute.type,
    width: attribute.width,
    data,
    min: stats.min ?? [],
    max: stats.max ?? [],
    mean: stats.mean ?? [],
  };
}

export async function decodeParticles(bytes: Uint8Array, name: string): Promise<DecodedParticles> {
  const set = await readParticlesAsync(bytes, { fileName: name });
  const columns = set.attributes.map(toColumn).filter((c): c is ParticleColumn => c !== undefined);
  const box = boundingBox(set) ?? null;
  return {
    kind: 'particles',
    format: set.format ?? 'unknown',
    count: set.count,
    attributes: columns,
    bbox: box,
    summary: {
      format: set.format,
      count: set.count,
      attributes: set.attributes.map((a) => `${a.name}${a.width > 1 ? `[${a.width}]` : ''}`),
      ...(box !== null ? { bbox: { min: box.min, max: box.max } } : {}),
      ...(set.notes.length > 0 ? { notes: set.notes } : {}),
    },
  };
}
