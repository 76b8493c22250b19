/**
 * Houdini's JSON geometry schema (Houdini 12 and later; SideFX `$HH/public/hgeo/hgeo.py` and the
 * HDK's GA_*JSON classes), the same for ASCII `.geo` and binary `.bgeo`: a list of key/value
 * pairs — `fileversion`, `pointcount`, `vertexcount`, `primitivecount`, `info`, `topology`,
 * `attributes`, `primitives`, groups.
 *
 * `attributes` holds `pointattributes`, `vertexattributes`, `primitiveattributes` and
 * `globalattributes` (detail), each a list of [definition, values]:
 *   definition: `scope`, `type` (numeric, string, dict, ...), `name`, `options` (its
 *     `type.value` says point / vector / normal / color / texturecoord / ...)
 *   numeric values: `size`, `storage` (fpreal16/32/64, int8/16/32/64, uint8), `defaults`, and
 *     `values`, a block in one of three layouts: `tuples` (a list per element), `arrays` (a list
 *     per component) or paged `rawpagedata`: pages of `pagesize` elements, the tuple split into
 *     subvectors by `packing` (default one subvector of `size`), page after page and subvector
 *     after subvector; a page whose `constantpageflags[subvector][page]` is set holds one tuple.
 *   string values: `size`, `strings` (the table) and `indices` (a block as above).
 *
 * Points become particles, global attributes fixed attributes; vertices, primitives and groups are
 * skipped and named in the notes.
 */
import { partError, PartErrorCode } from '../errors.js';
import { arrayForStorage, attributeInfo, createParticleSet, getAttribute, validateParticleSet } from '../model.js';
import type { AttributeData, AttributeInfo, AttributeType, ParticleAttribute, ParticleInfo, ParticleSet, StorageType } from '../model.js';
import { checkCount, withFloatColours } from '../formats/common.js';
import type { ReadParticlesOptions, WriteParticlesOptions } from '../formats/types.js';
import { BoolArray, UniformArray } from './bjson.js';
import type { JsonValue } from './bjson.js';

const STORAGES: Record<string, StorageType> = {
  fpreal16: 'float16',
  fpreal32: 'float32',
  fpreal64: 'float64',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'uint16',
};
const HOUDINI_STORAGE: Partial<Record<StorageType, string>> = {
  float16: 'fpreal16',
  float32: 'fpreal32',
  float64: 'fpreal64',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
};
const VECTOR_INTERPRETATIONS = new Set(['point', 'hpoint', 'vector', 'normal', 'color']);

type Pairs = Map<string, JsonValue>;

function fail(code: PartErrorCode, message: string): never {
  throw partError(code, `JSON geometry: ${message}`);
}

/** A key/value list (`["size", 3, "storage", "fpreal32"]`) or an object, as a map. */
function pairs(value: JsonValue | undefined, what: string): Pairs {
  const out: Pairs = new Map();
  if (Array.isArray(value)) {
    if (value.length % 2 !== 0) fail(PartErrorCode.PART_CORRUPT, `${what} has an odd number of key/value entries`);
    for (let i = 0; i < value.length; i += 2) {
      const key = value[i];
      if (typeof key !== 'string') fail(PartErrorCode.PART_CORRUPT, `${what} has a non-string key`);
      out.set(key, value[i + 1]!);
    }
    return out;
  }
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof UniformArray) && !(value instanceof BoolArray)) {
    for (const [key, item] of Object.entries(value)) out.set(key, item);
    return out;
  }
  return fail(PartErrorCode.PART_CORRUPT, `${what} is not a key/value list`);
}

function numberOf(value: JsonValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(PartErrorCode.PART_CORRUPT, `${what} is not a number`);
  return value;
}

function listOf(value: JsonValue | undefined, what: string): JsonValue[] {
  if (!Array.isArray(value)) fail(PartErrorCode.PART_CORRUPT, `${what} is not a list`);
  return value;
}

/** A list of numbers, whatever its encoding (uniform array, JSON list). */
function numericSource(value: JsonValue | undefined, what: string): ArrayLike<number> {
  if (value instanceof UniformArray) {
    const typed = value.typed(true);
    if (typed instanceof BigInt64Array) return Float64Array.from(typed, (v) => Number(v));
    return typed;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof BigInt64Array)) return value as ArrayLike<number>;
  if (Array.isArray(value)) {
    for (const v of value) if (typeof v !== 'number' && v !== null) fail(PartErrorCode.PART_CORRUPT, `${what} holds a non-number`);
    return value as ArrayLike<number>;
  }
  return fail(PartErrorCode.PART_CORRUPT, `${what} is not a list of numbers`);
}

function boolList(value: JsonValue | undefined): boolean[] {
  if (value instanceof BoolArray) return [...value.values];
  if (Array.isArray(value)) return value.map((v) => v === true || v === 1);
  return [];
}

/** Length of a numeric list without materialising it. */
function listLength(value: JsonValue | undefined): number {
  if (value instanceof UniformArray) return value.length;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return (value as ArrayLike<unknown>).length;
  return -1;
}

/**
 * Decodes a values block (`tuples`, `arrays` or paged `rawpagedata`) of `elements` tuples of
 * `size` into a new array for `storage`. The data present is checked against the element count
 * before the output is allocated.
 */
export function decodeBlock(block: JsonValue | undefined, elements: number, size: number, storage: StorageType, what: string, mode?: 'view' | 'copy'): AttributeData;
export function decodeBlock(block: JsonValue | undefined, elements: number, size: number, storage: StorageType, what: string, mode: 'check'): undefined;
export function decodeBlock(
  block: JsonValue | undefined,
  elements: number,
  size: number,
  storage: StorageType,
  what: string,
  mode: 'view' | 'copy' | 'check' = 'copy',
): AttributeData | undefined {
  const checkOnly = mode === 'check';
  const fields = pairs(block, what);
  const total = elements * size;
  const raw = fields.get('rawpagedata');
  if (raw !== undefined) {
    const pageSize = numberOf(fields.get('pagesize'), `${what} pagesize`);
    if (!Number.isInteger(pageSize) || pageSize < 1) fail(PartErrorCode.PART_CORRUPT, `${what} has page size ${pageSize}`);
    const packingValue = fields.get('packing');
    const packing = packingValue === undefined ? [size] : Array.from(numericSource(packingValue, `${what} packing`));
    if (packing.reduce((a, b) => a + b, 0) !== size || packing.some((p) => !Number.isInteger(p) || p < 1)) {
      fail(PartErrorCode.PART_CORRUPT, `${what} packing [${packing.join(', ')}] does not add up to the tuple size ${size}`);
    }
    const flags = listOf(fields.get('constantpageflags') ?? [], `${what} constantpageflags`).map(boolList);
    const pages = Math.ceil(elements / pageSize);
    // The number of raw values the flags and counts call for.
    let expected = 0;
    for (let p = 0; p < pages; p++) {
      const n = Math.min(pageSize, elements - p * pageSize);
      packing.forEach((width, j) => (expected += flags[j]?.[p] ? width : width * n));
    }
    const present = listLength(raw);
    if (present !== expected) {
      fail(
        present < expected ? PartErrorCode.PART_TRUNCATED : PartErrorCode.PART_CORRUPT,
        `${what} holds ${present} values where ${elements} elements of size ${size} need ${expected}`,
      );
    }
    if (checkOnly) return undefined;
    const plain = packing.length === 1 && flags.every((f) => !f.some(Boolean));
    if (plain && raw instanceof UniformArray) {
      // The common case, one array of the attribute's own type: a view of the file's bytes when
      // they are aligned and in host order ('view'), else one copy (a byte copy, or a swap).
      const model = arrayForStorage(storage, 0);
      if (raw.typedConstructor() === model.constructor) return raw.typed(mode === 'view') as AttributeData;
    }
    const out = arrayForStorage(storage, total);
    const source = numericSource(raw, `${what} rawpagedata`);
    if (packing.length === 1 && flags.every((f) => !f.some(Boolean))) {
      copyInto(out, source);
      return out;
    }
    let r = 0;
    for (let p = 0; p < pages; p++) {
      const first = p * pageSize;
      const n = Math.min(pageSize, elements - first);
      let component = 0;
      for (let j = 0; j < packing.length; j++) {
        const width = packing[j]!;
        if (flags[j]?.[p]) {
          for (let i = 0; i < n; i++) for (let c = 0; c < width; c++) out[(first + i) * size + component + c] = source[r + c] ?? NaN;
          r += width;
        } else {
          for (let i = 0; i < n; i++) for (let c = 0; c < width; c++) out[(first + i) * size + component + c] = source[r + i * width + c] ?? NaN;
          r += n * width;
        }
        component += width;
      }
    }
    return out;
  }
  const tuples = fields.get('tuples');
  if (tuples !== undefined) {
    const list = listOf(tuples, `${what} tuples`);
    if (list.length !== elements) fail(list.length < elements ? PartErrorCode.PART_TRUNCATED : PartErrorCode.PART_CORRUPT, `${what} holds ${list.length} tuples for ${elements} elements`);
    if (checkOnly) return undefined;
    const out = arrayForStorage(storage, total);
    list.forEach((tuple, i) => {
      const values = numericSource(tuple, `${what} tuple ${i}`);
      if (values.length !== size) fail(PartErrorCode.PART_CORRUPT, `${what} tuple ${i} has ${values.length} values, not ${size}`);
      for (let c = 0; c < size; c++) out[i * size + c] = values[c] ?? NaN;
    });
    return out;
  }
  const arrays = fields.get('arrays');
  if (arrays !== undefined) {
    const list = listOf(arrays, `${what} arrays`);
    if (list.length !== size) fail(PartErrorCode.PART_CORRUPT, `${what} holds ${list.length} component arrays for size ${size}`);
    for (const component of list) {
      const length = listLength(component);
      if (length !== elements) fail(length < elements ? PartErrorCode.PART_TRUNCATED : PartErrorCode.PART_CORRUPT, `${what} component array has ${length} values for ${elements} elements`);
    }
    if (checkOnly) return undefined;
    const out = arrayForStorage(storage, total);
    list.forEach((component, c) => {
      const values = numericSource(component, `${what} array ${c}`);
      if (values.length !== elements) fail(values.length < elements ? PartErrorCode.PART_TRUNCATED : PartErrorCode.PART_CORRUPT, `${what} component ${c} has ${values.length} values for ${elements} elements`);
      for (let i = 0; i < elements; i++) out[i * size + c] = values[i] ?? NaN;
    });
    return out;
  }
  if (elements === 0) return arrayForStorage(storage, 0);
  return fail(PartErrorCode.PART_UNSUPPORTED, `${what} has none of rawpagedata, tuples or arrays`);
}

function copyInto(out: AttributeData, source: ArrayLike<number>): void {
  if (ArrayBuffer.isView(source)) (out as Float64Array).set(source as unknown as Float64Array);
  else for (let i = 0; i < out.length; i++) out[i] = source[i] ?? NaN;
}

interface AttributeEntry {
  name: string;
  houdiniType: string;
  interpretation?: string;
  size: number;
  storage: StorageType;
  type: AttributeType;
  values?: JsonValue;
  strings?: string[];
}

/** The definition half and the size/storage of an attribute entry, without decoding values. */
function readEntry(entry: JsonValue, owner: string): AttributeEntry | string {
  const [definitionValue, valueValue] = listOf(entry, `${owner} attribute`);
  const definition = pairs(definitionValue, `${owner} attribute definition`);
  const name = definition.get('name');
  if (typeof name !== 'string' || name === '') return fail(PartErrorCode.PART_CORRUPT, `${owner} attribute without a name`);
  const houdiniType = String(definition.get('type'));
  const options = definition.get('options');
  let interpretation: string | undefined;
  if (options !== undefined && options !== null && typeof options === 'object' && !Array.isArray(options)) {
    const typeOption = pairs(options, 'attribute options').get('type');
    if (typeOption !== undefined && typeOption !== null && typeof typeOption === 'object') {
      const value = pairs(typeOption, 'attribute type option').get('value');
      if (typeof value === 'string') interpretation = value;
    }
  }
  if (houdiniType !== 'numeric' && houdiniType !== 'string') return `${name} (${houdiniType})`;
  const values = pairs(valueValue, `${owner} attribute '${name}' values`);
  const size = numberOf(values.get('size') ?? 1, `size of '${name}'`);
  if (!Number.isInteger(size) || size < 1 || size > 0xffff) fail(PartErrorCode.PART_CORRUPT, `attribute '${name}' has size ${size}`);
  if (houdiniType === 'string') {
    const strings = listOf(values.get('strings') ?? [], `strings of '${name}'`).map((s) => (typeof s === 'string' ? s : String(s)));
    return { name, houdiniType, size, storage: 'int32', type: 'indexedString', values: values.get('indices'), strings, ...(interpretation ? { interpretation } : {}) };
  }
  const storageName = String(values.get('storage') ?? 'fpreal32');
  const storage = STORAGES[storageName];
  if (storage === undefined) return fail(PartErrorCode.PART_UNKNOWN_TYPE, `attribute '${name}' has storage '${storageName}'; known: ${Object.keys(STORAGES).join(', ')}`);
  const isFloat = storage.startsWith('float');
  const type: AttributeType = !isFloat ? 'int' : size === 3 && interpretation !== undefined && VECTOR_INTERPRETATIONS.has(interpretation) ? 'vector' : 'float';
  return { name, houdiniType, size, storage, type, values: values.get('values'), ...(interpretation ? { interpretation } : {}) };
}

function entryInfo(entry: AttributeEntry): AttributeInfo {
  const info: AttributeInfo = { name: entry.name, type: entry.type, width: entry.size, storage: entry.storage };
  if (entry.interpretation !== undefined) info.interpretation = entry.interpretation;
  if (entry.strings !== undefined) info.stringCount = entry.strings.length;
  return info;
}

function decodeEntry(entry: AttributeEntry, elements: number, mode: 'view' | 'copy'): ParticleAttribute {
  const data = decodeBlock(entry.values, elements, entry.size, entry.storage, `attribute '${entry.name}'`, mode);
  const attribute: ParticleAttribute = { name: entry.name, type: entry.type, width: entry.size, data, storage: entry.storage };
  if (entry.interpretation !== undefined) attribute.interpretation = entry.interpretation;
  if (entry.strings !== undefined) {
    attribute.strings = entry.strings;
    const indices = attribute.data;
    for (let i = 0; i < indices.length; i++) {
      if (indices[i]! >= entry.strings.length || indices[i]! < -1) fail(PartErrorCode.PART_CORRUPT, `attribute '${entry.name}' indexes string ${indices[i]} of ${entry.strings.length}`);
    }
  }
  return attribute;
}

function plain(value: JsonValue | undefined): unknown {
  if (value instanceof UniformArray) return Array.from(value.typed() as ArrayLike<number>, Number);
  if (value instanceof BoolArray) return [...value.values];
  if (ArrayBuffer.isView(value)) return Array.from(value as ArrayLike<number>, Number);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/**
 * Turns a parsed geometry document into a particle set (`decode`), or just its header. `format`
 * and `formatName` name the container in the result. Attribute arrays stored plainly (one
 * little-endian uniform array at an aligned offset) are views of the document's bytes unless
 * `options.copy`; with `privateBytes` (the reader's own buffer: an unpacked `.bgeo.sc`) always.
 */
export function interpretGeometry(
  document: JsonValue,
  options: ReadParticlesOptions | undefined,
  decode: boolean,
  format: string,
  formatName: string,
  privateBytes = false,
): { set?: ParticleSet; info: ParticleInfo } {
  const top = pairs(document, 'the document');
  const count = numberOf(top.get('pointcount') ?? 0, 'pointcount');
  checkCount(count, options, formatName);
  const notes: string[] = [];
  const primitives = top.get('primitivecount');
  if (typeof primitives === 'number' && primitives > 0) {
    const info = top.get('info');
    let summary = '';
    if (info !== undefined && info !== null && typeof info === 'object' && !Array.isArray(info)) {
      const text = pairs(info, 'info').get('primcount_summary');
      if (typeof text === 'string') summary = `: ${text.trim().replace(/\s+/g, ' ')}`;
    }
    notes.push(`${primitives} primitive${primitives === 1 ? '' : 's'} skipped${summary}`);
  }
  const attributes = pairs(top.get('attributes') ?? [], 'attributes');
  const skipped: string[] = [];
  const read = (owner: string): AttributeEntry[] => {
    const list = attributes.get(owner);
    if (list === undefined) return [];
    const out: AttributeEntry[] = [];
    for (const entry of listOf(list, owner)) {
      const result = readEntry(entry, owner);
      if (typeof result === 'string') skipped.push(`${owner.replace('attributes', '')} ${result}`);
      else out.push(result);
    }
    return out;
  };
  const pointEntries = read('pointattributes');
  const globalEntries = read('globalattributes');
  for (const owner of ['vertexattributes', 'primitiveattributes']) {
    const list = attributes.get(owner);
    if (list === undefined) continue;
    const names = listOf(list, owner).map((entry) => {
      const definition = pairs(listOf(entry, owner)[0], 'definition');
      return String(definition.get('name'));
    });
    if (names.length > 0) notes.push(`${names.length} ${owner.replace('attributes', '')} attribute${names.length === 1 ? '' : 's'} skipped: ${names.join(', ')}`);
  }
  if (skipped.length > 0) notes.push(`attributes of types the model does not hold skipped: ${skipped.join(', ')}`);
  for (const groups of ['pointgroups', 'primitivegroups', 'vertexgroups', 'edgegroups']) {
    const list = top.get(groups);
    if (Array.isArray(list) && list.length > 0) notes.push(`${list.length} ${groups.replace('groups', '')} group${list.length === 1 ? '' : 's'} skipped`);
  }
  const fileVersion = top.get('fileversion');
  const info: ParticleInfo = {
    format,
    formatName,
    count,
    attributes: pointEntries.map(entryInfo),
    fixed: globalEntries.map(entryInfo),
    notes,
  };
  if (typeof fileVersion === 'string') info.version = fileVersion;
  if (!decode) {
    // Check the data present against the counts (cheap: lengths only, nothing decoded).
    for (const entry of pointEntries) decodeBlock(entry.values, count, entry.size, entry.storage, `attribute '${entry.name}'`, 'check');
    return { info };
  }
  const set = createParticleSet(count);
  set.format = format;
  set.notes = notes;
  const mode = privateBytes || options?.copy !== true ? 'view' : 'copy';
  set.attributes = pointEntries.map((entry) => decodeEntry(entry, count, mode));
  set.fixed = globalEntries.map((entry) => decodeEntry(entry, 1, 'copy'));
  set.extras['houdini'] = { fileversion: fileVersion, info: plain(top.get('info')) };
  info.attributes = set.attributes.map(attributeInfo);
  return { set, info };
}

// ---------------------------------------------------------------------------------------------
// Writing.

const PAGE_SIZE = 1024;

/** Houdini's type info for an attribute: its own, else for a `vector` what its name implies. */
function interpretationOf(attribute: ParticleAttribute): string | undefined {
  if (attribute.interpretation !== undefined) return attribute.interpretation;
  if (attribute.type !== 'vector') return undefined;
  return attribute.name === 'P' ? 'point' : attribute.name === 'N' ? 'normal' : attribute.name === 'Cd' ? 'color' : 'vector';
}

function houdiniData(attribute: ParticleAttribute, keepDoubles: boolean): { storage: string; data: JsonValue } {
  const { data } = attribute;
  if (attribute.type === 'int' || attribute.type === 'indexedString') {
    if (data instanceof Int32Array) return { storage: 'int32', data };
    return { storage: 'int64', data: BigInt64Array.from(data, (v) => BigInt(Math.trunc(v))) };
  }
  if (data instanceof Float64Array && keepDoubles) return { storage: 'fpreal64', data };
  if (data instanceof Float32Array) return { storage: 'fpreal32', data };
  return { storage: 'fpreal32', data: Float32Array.from(data) };
}

function attributeEntry(attribute: ParticleAttribute, keepDoubles: boolean): JsonValue {
  const interpretation = interpretationOf(attribute);
  const options: JsonValue = interpretation === undefined ? {} : { type: { type: 'string', value: interpretation } };
  const { storage, data } = houdiniData(attribute, keepDoubles);
  const block: JsonValue = ['size', attribute.width, 'storage', storage, 'pagesize', PAGE_SIZE, 'rawpagedata', data];
  if (attribute.type === 'indexedString') {
    return [
      ['scope', 'public', 'type', 'string', 'name', attribute.name, 'options', options],
      ['size', attribute.width, 'storage', 'int32', 'strings', attribute.strings ?? [], 'indices', block],
    ];
  }
  const defaults: JsonValue = ['size', 1, 'storage', storage.startsWith('fp') ? 'fpreal64' : 'int64', 'values', [0]];
  return [
    ['scope', 'public', 'type', 'numeric', 'name', attribute.name, 'options', options],
    ['size', attribute.width, 'storage', storage, 'defaults', defaults, 'values', block],
  ];
}

/** The geometry document for `set`: its points with their attributes, fixed attributes as
 *  global ones, no primitives. */
export function buildGeometry(set: ParticleSet, options: WriteParticlesOptions = {}): JsonValue {
  validateParticleSet(set);
  set = { ...set, attributes: withFloatColours(set.attributes), fixed: withFloatColours(set.fixed) };
  const position = getAttribute(set, 'P');
  if (position === undefined || position.width !== 3 || position.type === 'int' || position.type === 'indexedString') {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `JSON geometry: the set needs a float 'P' attribute of width 3`);
  }
  const keepDoubles = options.keepDoubles ?? true;
  const ordered = [position, ...set.attributes.filter((a) => a !== position)];
  const attributes: JsonValue[] = ['pointattributes', ordered.map((a) => attributeEntry(a, keepDoubles))];
  if (set.fixed.length > 0) attributes.push('globalattributes', set.fixed.map((a) => attributeEntry(a, keepDoubles)));
  return [
    'fileversion',
    '18.5.0',
    'hasindex',
    false,
    'pointcount',
    set.count,
    'vertexcount',
    0,
    'primitivecount',
    0,
    'info',
    { software: 'vfxkit @vfxkit/particles', attribute_summary: `${ordered.length} point attributes:\t${ordered.map((a) => a.name).join(', ')}\n` },
    'topology',
    ['pointref', ['indices', new Int32Array(0)]],
    'attributes',
    attributes,
    'primitives',
    [],
  ];
}
