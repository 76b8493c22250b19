/**
 * Maya's particle disk cache, `.pdc` (Maya's dynamics cache format; partio `PDC.cpp`, Cortex
 * `PDCParticleReader.cpp`). Big-endian unless the bit-order field says otherwise.
 *
 *   1. `PDC `, int32 version (1), int32 bit order (1), two unused int32, int32 particle count,
 *      int32 attribute count
 *   2. per attribute: int32 name length, the name, int32 type, then the values: 0 int, 1 int
 *      array, 2 double, 3 double array, 4 vector (3 doubles), 5 vector array; the single values
 *      (0, 2, 4) are per-file, the arrays per particle
 *
 * Maya writes a last attribute `ghostFrames` with neither type nor data; it is skipped (as Cortex
 * does). Doubles stay doubles (Float64Array).
 */
import { decodeLatin1, encodeUtf8 } from '@vfxkit/core';
import { partError, PartErrorCode, withPartErrors } from '../errors.js';
import { BinaryWriter } from '../io/big-endian.js';
import { gzipBytes } from '../io/compression.js';
import { attributeInfo, createParticleSet, validateParticleSet } from '../model.js';
import type { AttributeInfo, ParticleAttribute, ParticleInfo, ParticleSet } from '../model.js';
import { canonicalName, nativeName } from '../names.js';
import { checkBytes, checkCount, keepWritable, newAttribute, readStrided, viewOf, writeStrided, withFloatColours } from './common.js';
import type { ParticleFormat, ReadParticlesOptions, WriteParticlesOptions } from './types.js';
import { startsWith } from './types.js';

const NAME = 'PDC';
const PdcType = { INT: 0, INT_ARRAY: 1, DOUBLE: 2, DOUBLE_ARRAY: 3, VECTOR: 4, VECTOR_ARRAY: 5 } as const;

function parse(bytes: Uint8Array, options: ReadParticlesOptions | undefined, decode: boolean): { set?: ParticleSet; info: ParticleInfo } {
  const view = viewOf(bytes);
  // Step 1: header.
  checkBytes(28, bytes.length, NAME, 'the header');
  if (!startsWith(bytes, 'PDC ')) throw partError(PartErrorCode.PART_BAD_MAGIC, `${NAME}: the file does not start with 'PDC '`);
  const little = view.getInt32(8, false) !== 1 && view.getInt32(8, true) === 1;
  const version = view.getInt32(4, little);
  const count = view.getInt32(20, little);
  const attributeCount = view.getInt32(24, little);
  checkCount(count, options, NAME);
  if (attributeCount < 0) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: ${attributeCount} attributes`);
  const notes: string[] = [];
  if (version > 1) notes.push(`PDC version ${version} is newer than 1; read as version 1`);
  const attributes: ParticleAttribute[] = [];
  const fixed: ParticleAttribute[] = [];
  const attributeInfos: AttributeInfo[] = [];
  const fixedInfos: AttributeInfo[] = [];
  let at = 28;
  // Step 2: attributes.
  for (let a = 0; a < attributeCount; a++) {
    checkBytes(4, bytes.length - at, NAME, `attribute ${a} name length`, at);
    const nameLength = view.getInt32(at, little);
    at += 4;
    if (nameLength < 0 || nameLength > 4096) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: attribute ${a} has a name of ${nameLength} bytes`, { offset: at - 4 });
    checkBytes(nameLength, bytes.length - at, NAME, `attribute ${a} name`, at);
    const native = decodeLatin1(bytes.subarray(at, at + nameLength));
    at += nameLength;
    if (native === 'ghostFrames' && at >= bytes.length) {
      notes.push("Maya's trailing 'ghostFrames' entry (no type, no data) skipped");
      break;
    }
    checkBytes(4, bytes.length - at, NAME, `type of '${native}'`, at);
    const type = view.getInt32(at, little);
    at += 4;
    const name = options?.nativeNames ? native : canonicalName(native, 'maya');
    const perParticle = type === PdcType.INT_ARRAY || type === PdcType.DOUBLE_ARRAY || type === PdcType.VECTOR_ARRAY;
    const elements = perParticle ? count : 1;
    let width: number;
    let storage: 'int32' | 'float64';
    switch (type) {
      case PdcType.INT:
      case PdcType.INT_ARRAY:
        width = 1;
        storage = 'int32';
        break;
      case PdcType.DOUBLE:
      case PdcType.DOUBLE_ARRAY:
        width = 1;
        storage = 'float64';
        break;
      case PdcType.VECTOR:
      case PdcType.VECTOR_ARRAY:
        width = 3;
        storage = 'float64';
        break;
      default:
        throw partError(PartErrorCode.PART_UNKNOWN_TYPE, `${NAME}: attribute '${native}' has type ${type}; known types are 0-5 (int, int array, double, double array, vector, vector array)`, {
          offset: at - 4,
        });
    }
    const size = elements * width * (storage === 'int32' ? 4 : 8);
    checkBytes(size, bytes.length - at, NAME, `the values of '${native}'`, at);
    const attributeType = storage === 'int32' ? 'int' : width === 3 ? 'vector' : 'float';
    const info: AttributeInfo = { name, type: attributeType, width, storage };
    (perParticle ? attributeInfos : fixedInfos).push(info);
    if (decode) {
      const attribute = newAttribute(name, attributeType, width, elements, storage);
      readStrided(view, at, width * (storage === 'int32' ? 4 : 8), elements, width, storage, little, attribute.data);
      (perParticle ? attributes : fixed).push(attribute);
    }
    at += size;
  }
  const info: ParticleInfo = { format: 'pdc', formatName: NAME, count, attributes: attributeInfos, fixed: fixedInfos, version, notes };
  if (!decode) return { info };
  const set = createParticleSet(count);
  set.format = 'pdc';
  set.attributes = attributes;
  set.fixed = fixed;
  set.notes = notes;
  info.attributes = attributes.map(attributeInfo);
  return { set, info };
}

export function readPdc(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  return withPartErrors(() => parse(bytes, options, true).set!, NAME);
}

export function inspectPdc(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  return withPartErrors(() => parse(bytes, options, false).info, NAME);
}

/** The PDC type an attribute can be written as, or undefined. */
function pdcType(attribute: ParticleAttribute, perParticle: boolean): number | undefined {
  if (attribute.type === 'int' && attribute.width === 1) return perParticle ? PdcType.INT_ARRAY : PdcType.INT;
  if ((attribute.type === 'float' || attribute.type === 'vector') && attribute.width === 1) return perParticle ? PdcType.DOUBLE_ARRAY : PdcType.DOUBLE;
  if ((attribute.type === 'float' || attribute.type === 'vector') && attribute.width === 3) return perParticle ? PdcType.VECTOR_ARRAY : PdcType.VECTOR;
  return undefined;
}

/** Writes Maya PDC (version 1, big-endian): ints as int arrays, floats as double arrays,
 *  triples as vector arrays; fixed attributes as single values. */
export function writePdc(set: ParticleSet, options: WriteParticlesOptions = {}): Uint8Array {
  validateParticleSet(set);
  set = { ...set, attributes: withFloatColours(set.attributes), fixed: withFloatColours(set.fixed) };
  const attributes = keepWritable(set.attributes, (a) => pdcType(a, true) !== undefined, options, NAME, 'attributes');
  const fixed = keepWritable(set.fixed, (a) => pdcType(a, false) !== undefined, options, NAME, 'fixed attributes');
  let size = 28;
  for (const a of attributes) size += 8 + a.name.length * 3 + set.count * a.width * 8;
  const writer = new BinaryWriter(false, size + 256 * (fixed.length + 1));
  writer.latin1('PDC ');
  for (const value of [1, 1, 0, 0, set.count, attributes.length + fixed.length]) writer.i32(value);
  const entries: [ParticleAttribute, boolean][] = [...attributes.map((a): [ParticleAttribute, boolean] => [a, true]), ...fixed.map((a): [ParticleAttribute, boolean] => [a, false])];
  for (const [attribute, perParticle] of entries) {
    const name = encodeUtf8(options.nativeNames ? attribute.name : nativeName(attribute.name, 'maya'));
    writer.i32(name.length);
    writer.raw(name);
    const type = pdcType(attribute, perParticle)!;
    writer.i32(type);
    const elements = perParticle ? set.count : 1;
    const storage = attribute.type === 'int' ? 'int32' : 'float64';
    const bytes = elements * attribute.width * (storage === 'int32' ? 4 : 8);
    writer.reserve(bytes);
    writeStrided(writer.view, writer.offset, attribute.width * (storage === 'int32' ? 4 : 8), elements, attribute.width, storage, false, attribute.data);
    writer.offset += bytes;
  }
  const out = writer.toBytes();
  return options.gzip ? gzipBytes(out, options.level) : out;
}

export const pdcFormat: ParticleFormat = {
  id: 'pdc',
  name: 'Maya particle disk cache (PDC)',
  family: 'maya',
  extensions: ['pdc'],
  mimeTypes: ['application/octet-stream'],
  binary: true,
  magic: (head) => startsWith(head, 'PDC '),
  inspect: inspectPdc,
  read: readPdc,
  write: writePdc,
};
