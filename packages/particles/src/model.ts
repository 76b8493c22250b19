/**
 * The one particle model of @vfxkit/particles, the same for every format (partio's model, made
 * columnar): a particle count, attributes by name with a type, a width and one typed array holding
 * `count * width` values particle after particle, fixed (per-file) attributes, and whatever the
 * source format carries that a writer of the same format can use again (`extras`).
 *
 * Attribute names are the canonical (Houdini) names — `P`, `v`, `id`, `Cd`, `N`, `pscale` ... —
 * whatever the format calls them; `names.ts` holds the table that maps them per format.
 */
import { partError, PartErrorCode } from './errors.js';

/** partio's four attribute types. `vector` is a float triple with vector meaning (P, v, N, Cd). */
export type AttributeType = 'float' | 'int' | 'vector' | 'indexedString';

/** How the source stored the numbers, kept so a writer of the same format can store them alike. */
export type StorageType =
  | 'float16'
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64';

/**
 * Values of one attribute. Floats are Float32Array, or Float64Array where the file has doubles;
 * integers are Int32Array, or Float64Array (exact to 2^53) where the file has 64-bit or unsigned
 * 32-bit integers; indexed strings are Int32Array indices into `strings`.
 */
export type AttributeData = Float32Array | Float64Array | Int32Array;

export interface ParticleAttribute {
  /** The canonical name (`P`, `v`, `id`, `Cd`, ...; see the README's name table). */
  name: string;
  type: AttributeType;
  /** Components per particle (3 for P, 1 for id). */
  width: number;
  /** `count * width` values (fixed attributes: `width`), particle after particle. */
  data: AttributeData;
  /** The string table of an `indexedString` attribute; `data` holds indices into it (-1: none). */
  strings?: string[];
  /** How the source stored the values (float16, uint8, ...), when it said. */
  storage?: StorageType;
  /** Integers that stand for `value / normalizedMax` (8-bit colour as written in PLY: 255). */
  normalizedMax?: number;
  /** What the source says the values mean: `point`, `vector`, `normal`, `color`, `texturecoord`,
   *  `quaternion`, `matrix`, ... (Houdini's type info, PRT's Interpretation, PTC's type names). */
  interpretation?: string;
}

export interface ParticleSet {
  count: number;
  /** Per-particle attributes, in file order. */
  attributes: ParticleAttribute[];
  /** Per-file attributes (Houdini detail attributes, PDC single values): `data.length === width`. */
  fixed: ParticleAttribute[];
  /** The id of the format this set was read from. */
  format?: string;
  /** What the source format carries beyond attributes, keyed by format id (`extras.prt.metadata`,
   *  `extras.bin.header`, ...); a writer of the same format uses its own key. */
  extras: Record<string, unknown>;
  /** What the reader skipped or changed (primitives, groups, renamed duplicates), for `info`. */
  notes: string[];
}

/** An attribute as a header describes it, without its values. */
export interface AttributeInfo {
  name: string;
  type: AttributeType;
  width: number;
  storage?: StorageType;
  interpretation?: string;
  /** For indexed strings: how many strings the table holds, when the header says. */
  stringCount?: number;
}

/** What `inspectParticles` reports: the header only, no particle data decoded. */
export interface ParticleInfo {
  /** The format id (`bgeo`, `prt`, ...). */
  format: string;
  /** The format's display name. */
  formatName: string;
  count: number;
  attributes: AttributeInfo[];
  fixed: AttributeInfo[];
  /** The outer compression that was undone before reading (`gzip`), or the format's own. */
  compression?: string;
  /** The format version, as the file states it. */
  version?: string | number;
  notes: string[];
}

/** Default `maxParticles`: larger declared counts are refused before allocating. */
export const DEFAULT_MAX_PARTICLES = 2 ** 28;

/** Options every reader takes (a type, not an interface, so it fits loaders.gl's option records). */
export type ReadOptions = {
  /** Refuse files declaring more particles (default 2^28 = 268,435,456). */
  maxParticles?: number;
  /** Keep the file's own attribute names (`position`, `Position`, `rgbPP`) instead of the
   *  canonical ones (`P`, `Cd`). Default false. */
  nativeNames?: boolean;
  /**
   * Give every attribute an array of its own. By default (false) a reader may return attribute
   * arrays that are views of the input bytes' ArrayBuffer where the file stores them plainly
   * (binary JSON `.bgeo`: a little-endian uniform array at an aligned offset): no copy, but
   * changing the input bytes then changes the set, and the set keeps the input's buffer alive.
   */
  copy?: boolean;
};

/** The information of an attribute (no data). */
export function attributeInfo(attribute: ParticleAttribute): AttributeInfo {
  const info: AttributeInfo = { name: attribute.name, type: attribute.type, width: attribute.width };
  if (attribute.storage !== undefined) info.storage = attribute.storage;
  if (attribute.interpretation !== undefined) info.interpretation = attribute.interpretation;
  if (attribute.strings !== undefined) info.stringCount = attribute.strings.length;
  return info;
}

/** A new, empty particle set of `count` particles. */
export function createParticleSet(count: number, attributes: ParticleAttribute[] = [], fixed: ParticleAttribute[] = []): ParticleSet {
  if (!Number.isInteger(count) || count < 0) {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `particle count must be a non-negative integer, got ${count}`);
  }
  const set: ParticleSet = { count, attributes: [], fixed: [], extras: {}, notes: [] };
  for (const attribute of attributes) addAttribute(set, attribute);
  for (const attribute of fixed) addFixedAttribute(set, attribute);
  return set;
}

function checkAttribute(attribute: ParticleAttribute, elements: number, what: string): void {
  const { name, width, data, type } = attribute;
  if (typeof name !== 'string' || name.length === 0) {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `${what} needs a non-empty name`);
  }
  if (!Number.isInteger(width) || width < 1) {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `${what} '${name}' has width ${width}; expected a positive integer`);
  }
  if (data.length !== elements * width) {
    throw partError(
      PartErrorCode.PART_BAD_ARGUMENT,
      `${what} '${name}' holds ${data.length} values; expected ${elements * width} (${elements} x width ${width})`,
    );
  }
  if (type === 'indexedString' && (!(data instanceof Int32Array) || attribute.strings === undefined)) {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `${what} '${name}' is an indexed string: it needs Int32Array indices and a strings table`);
  }
  if (type === 'int' && data instanceof Float32Array) {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `${what} '${name}' is an int attribute: use Int32Array (or Float64Array for 64-bit values)`);
  }
  if ((type === 'float' || type === 'vector') && data instanceof Int32Array) {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `${what} '${name}' is a ${type} attribute: use Float32Array or Float64Array`);
  }
}

/** Adds (or replaces, by name) a per-particle attribute after checking its length. */
export function addAttribute(set: ParticleSet, attribute: ParticleAttribute): ParticleAttribute {
  checkAttribute(attribute, set.count, 'attribute');
  const at = set.attributes.findIndex((a) => a.name === attribute.name);
  if (at >= 0) set.attributes[at] = attribute;
  else set.attributes.push(attribute);
  return attribute;
}

/** Adds (or replaces, by name) a fixed attribute after checking its length. */
export function addFixedAttribute(set: ParticleSet, attribute: ParticleAttribute): ParticleAttribute {
  checkAttribute(attribute, 1, 'fixed attribute');
  const at = set.fixed.findIndex((a) => a.name === attribute.name);
  if (at >= 0) set.fixed[at] = attribute;
  else set.fixed.push(attribute);
  return attribute;
}

/** The per-particle attribute called `name`, if any. */
export function getAttribute(set: ParticleSet, name: string): ParticleAttribute | undefined {
  return set.attributes.find((a) => a.name === name);
}

/** The fixed attribute called `name`, if any. */
export function getFixedAttribute(set: ParticleSet, name: string): ParticleAttribute | undefined {
  return set.fixed.find((a) => a.name === name);
}

/** Removes the per-particle attribute called `name`; returns whether there was one. */
export function removeAttribute(set: ParticleSet, name: string): boolean {
  const at = set.attributes.findIndex((a) => a.name === name);
  if (at < 0) return false;
  set.attributes.splice(at, 1);
  return true;
}

/** Throws PART_BAD_ARGUMENT unless every attribute of `set` has the right length and type. */
export function validateParticleSet(set: ParticleSet): void {
  if (!Number.isInteger(set.count) || set.count < 0) {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `particle count must be a non-negative integer, got ${set.count}`);
  }
  const seen = new Set<string>();
  for (const attribute of set.attributes) {
    checkAttribute(attribute, set.count, 'attribute');
    if (seen.has(attribute.name)) throw partError(PartErrorCode.PART_BAD_ARGUMENT, `two attributes are called '${attribute.name}'`);
    seen.add(attribute.name);
  }
  for (const attribute of set.fixed) checkAttribute(attribute, 1, 'fixed attribute');
}

/** The string of particle `index` of an indexed-string attribute (component `component`). */
export function stringValue(attribute: ParticleAttribute, index: number, component = 0): string | undefined {
  if (attribute.strings === undefined) return undefined;
  const at = attribute.data[index * attribute.width + component];
  return at === undefined || at < 0 ? undefined : attribute.strings[at];
}

/** The values of `attribute` as floats, integers scaled by `normalizedMax` when it is set (so an
 *  8-bit colour reads 0..1). Returns `data` itself when nothing needs converting. */
export function normalizedFloats(attribute: ParticleAttribute): Float32Array | Float64Array {
  const { data, normalizedMax } = attribute;
  if (normalizedMax === undefined || normalizedMax === 0) {
    return data instanceof Int32Array ? Float64Array.from(data) : data;
  }
  const out = new Float32Array(data.length);
  const scale = 1 / normalizedMax;
  for (let i = 0; i < data.length; i++) out[i] = data[i]! * scale;
  return out;
}

/** A typed array able to hold values stored as `storage` without loss. */
export function arrayForStorage(storage: StorageType, length: number): AttributeData {
  switch (storage) {
    case 'float16':
    case 'float32':
      return new Float32Array(length);
    case 'float64':
    case 'int64':
    case 'uint32':
    case 'uint64':
      return new Float64Array(length);
    default:
      return new Int32Array(length);
  }
}

/** Whether `storage` holds integers. */
export function isIntegerStorage(storage: StorageType): boolean {
  return !storage.startsWith('float');
}

/** Bytes per value of `storage`. */
export function storageSize(storage: StorageType): number {
  switch (storage) {
    case 'int8':
    case 'uint8':
      return 1;
    case 'float16':
    case 'int16':
    case 'uint16':
      return 2;
    case 'float32':
    case 'int32':
    case 'uint32':
      return 4;
    default:
      return 8;
  }
}
