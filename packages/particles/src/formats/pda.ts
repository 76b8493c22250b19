/**
 * Maya's ASCII particle format, `.pda` (partio `PDA.cpp`):
 *
 *   ATTRIBUTES
 *    position velocity id
 *   TYPES
 *    V V I
 *   NUMBER_OF_PARTICLES: 2
 *   BEGIN DATA
 *   x y z vx vy vz id
 *   ...
 *
 * Types: V a vector (3 floats), R a real, I an integer. Values follow particle by particle, every
 * attribute in order.
 */
import { encodeUtf8 } from '@vfxkit/core';
import { partError, PartErrorCode, withPartErrors } from '../errors.js';
import { gzipBytes } from '../io/compression.js';
import { formatFloat32, formatFloat64, parseNumberToken, TextScanner } from '../io/text.js';
import { attributeInfo, createParticleSet, validateParticleSet } from '../model.js';
import type { AttributeInfo, ParticleInfo, ParticleSet } from '../model.js';
import { canonicalName, nativeName } from '../names.js';
import { checkCount, keepWritable, newAttribute, withFloatColours } from './common.js';
import type { ParticleFormat, ReadParticlesOptions, WriteParticlesOptions } from './types.js';
import { startsWith } from './types.js';

const NAME = 'PDA';

function parse(bytes: Uint8Array, options: ReadParticlesOptions | undefined, decode: boolean): { set?: ParticleSet; info: ParticleInfo } {
  const scanner = new TextScanner(bytes, NAME);
  scanner.expect('ATTRIBUTES', 'magic');
  const names: string[] = [];
  for (;;) {
    const token = scanner.need("'TYPES'");
    if (token === 'TYPES') break;
    names.push(token);
  }
  const types: string[] = [];
  for (;;) {
    const token = scanner.need("'NUMBER_OF_PARTICLES:'");
    if (token === 'NUMBER_OF_PARTICLES:') break;
    types.push(token);
  }
  if (types.length !== names.length) {
    throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: ${names.length} attribute names but ${types.length} types`);
  }
  const count = scanner.integer('the particle count');
  checkCount(count, options, NAME);
  const infos: AttributeInfo[] = names.map((native, i) => {
    const name = options?.nativeNames ? native : canonicalName(native, 'maya');
    switch (types[i]) {
      case 'V':
        return { name, type: 'vector', width: 3, storage: 'float32' };
      case 'R':
        return { name, type: 'float', width: 1, storage: 'float32' };
      case 'I':
        return { name, type: 'int', width: 1, storage: 'int32' };
      default:
        throw partError(PartErrorCode.PART_UNKNOWN_TYPE, `${NAME}: attribute '${native}' has type '${types[i]}'; known types are V, R, I`);
    }
  });
  const info: ParticleInfo = { format: 'pda', formatName: NAME, count, attributes: infos, fixed: [], notes: [] };
  if (!decode) return { info };
  const valuesPerParticle = infos.reduce((sum, a) => sum + a.width, 0);
  if (count * valuesPerParticle * 2 > bytes.length) {
    throw partError(PartErrorCode.PART_TRUNCATED, `${NAME}: the header declares ${count} particles of ${valuesPerParticle} values but the file has ${bytes.length} bytes`);
  }
  scanner.expect('BEGIN', 'data');
  scanner.expect('DATA', 'data');
  const attributes = infos.map((a) => newAttribute(a.name, a.type, a.width, count, a.storage!));
  for (let i = 0; i < count; i++) {
    for (const attribute of attributes) {
      for (let k = 0; k < attribute.width; k++) {
        const token = scanner.need(`'${attribute.name}' of particle ${i}`);
        attribute.data[i * attribute.width + k] = parseNumberToken(token);
      }
    }
  }
  const set = createParticleSet(count);
  set.format = 'pda';
  set.attributes = attributes;
  info.attributes = attributes.map(attributeInfo);
  return { set, info };
}

export function readPda(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  return withPartErrors(() => parse(bytes, options, true).set!, NAME);
}

export function inspectPda(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  return withPartErrors(() => parse(bytes, options, false).info, NAME);
}

/** Writes Maya PDA: triples as V, other floats as R (width 1 only), ints as I (width 1). */
export function writePda(set: ParticleSet, options: WriteParticlesOptions = {}): Uint8Array {
  validateParticleSet(set);
  set = { ...set, attributes: withFloatColours(set.attributes), fixed: withFloatColours(set.fixed) };
  const attributes = keepWritable(
    set.attributes,
    (a) => ((a.type === 'float' || a.type === 'vector') && (a.width === 1 || a.width === 3)) || (a.type === 'int' && a.width === 1),
    options,
    NAME,
    'attributes',
  );
  const lines = [
    'ATTRIBUTES',
    ` ${attributes.map((a) => (options.nativeNames ? a.name : nativeName(a.name, 'maya'))).join(' ')}`,
    'TYPES',
    ` ${attributes.map((a) => (a.type === 'int' ? 'I' : a.width === 3 ? 'V' : 'R')).join(' ')}`,
    `NUMBER_OF_PARTICLES: ${set.count}`,
    'BEGIN DATA',
  ];
  for (let i = 0; i < set.count; i++) {
    const parts: string[] = [];
    for (const a of attributes) {
      for (let k = 0; k < a.width; k++) {
        const v = a.data[i * a.width + k]!;
        parts.push(a.type === 'int' ? String(Math.trunc(v)) : a.data instanceof Float64Array ? formatFloat64(v) : formatFloat32(v));
      }
    }
    lines.push(parts.join(' '));
  }
  lines.push('');
  const out = encodeUtf8(lines.join('\n'));
  return options.gzip ? gzipBytes(out, options.level) : out;
}

export const pdaFormat: ParticleFormat = {
  id: 'pda',
  name: 'Maya ASCII particles (PDA)',
  family: 'maya',
  extensions: ['pda'],
  mimeTypes: ['text/plain'],
  binary: false,
  magic: (head) => startsWith(head, 'ATTRIBUTES'),
  inspect: inspectPda,
  read: readPda,
  write: writePda,
};
