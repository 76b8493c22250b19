/**
 * EXR attribute values as metadata: their JSON form (`exr:NAME` in `vfx meta show --json`), their
 * text form for people, and the reverse: a typed attribute from the text a user writes
 * (`exr:owner=Jane`, `exr:worldToCamera=1,0,0,0,...`) and its value bytes. The byte layouts are
 * those of "OpenEXR File Layout", section "Predefined Attribute Types" (little-endian; strings
 * without terminator; a string vector as length-prefixed strings).
 */
import { writeAttributeValue, type ExrAttribute, type ExrAttributeType, type ExrKnownAttribute } from '@vfxkit/exr';
import { MetaErrorCode, metaError } from '../errors.js';

/**
 * Attributes that describe how the pixels are stored: changing or removing them would need the
 * pixels rewritten, so metadata edits leave them alone (`vfx exr` changes them).
 */
export const STRUCTURAL_EXR_ATTRIBUTES: ReadonlySet<string> = new Set([
  'channels',
  'compression',
  'dataWindow',
  'displayWindow',
  'lineOrder',
  'pixelAspectRatio',
  'screenWindowCenter',
  'screenWindowWidth',
  'tiles',
  'type',
  'name',
  'version',
  'chunkCount',
  'maxSamplesPerPixel',
]);

/** Types a value can be written in from text. */
export const WRITABLE_EXR_TYPES = [
  'string',
  'int',
  'float',
  'double',
  'v2i',
  'v2f',
  'v2d',
  'v3i',
  'v3f',
  'v3d',
  'm33f',
  'm33d',
  'm44f',
  'm44d',
  'box2i',
  'box2f',
  'rational',
  'stringvector',
  'floatvector',
  'chromaticities',
] as const satisfies readonly ExrAttributeType[];
export type WritableExrType = (typeof WRITABLE_EXR_TYPES)[number];

export function isWritableExrType(type: string): type is WritableExrType {
  return (WRITABLE_EXR_TYPES as readonly string[]).includes(type);
}

const numberCounts: Partial<Record<WritableExrType, number>> = {
  int: 1,
  float: 1,
  double: 1,
  v2i: 2,
  v2f: 2,
  v2d: 2,
  v3i: 3,
  v3f: 3,
  v3d: 3,
  m33f: 9,
  m33d: 9,
  m44f: 16,
  m44d: 16,
  box2i: 4,
  box2f: 4,
  chromaticities: 8,
};

/** The shortest decimal that reads back as the same 32-bit float (0.3 rather than 0.30000001192092896). */
export function shortFloat(value: number): number {
  if (!Number.isFinite(value)) return value;
  const target = Math.fround(value);
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === target) return candidate;
  }
  return value;
}

const floatTypes = new Set(['float', 'v2f', 'v3f', 'm33f', 'm44f', 'box2f', 'floatvector', 'chromaticities']);

/** The JSON value of an attribute: numbers, arrays and objects as the model holds them; 32-bit
 *  floats as their shortest decimal; previews and byte blobs as their size only. */
export function exrAttributeJson(attribute: ExrAttribute): unknown {
  if (attribute.opaque === true) return { type: attribute.type, bytes: attribute.value.byteLength };
  const float = floatTypes.has(attribute.type);
  const convert = (value: unknown): unknown => {
    if (typeof value === 'number') return float ? shortFloat(value) : value;
    if (Array.isArray(value)) return value.map(convert);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, convert(v)]));
    }
    return value;
  };
  switch (attribute.type) {
    case 'preview':
      return { width: attribute.value.width, height: attribute.value.height };
    case 'bytes':
      return { typeHint: attribute.value.typeHint, bytes: attribute.value.data.byteLength };
    case 'chlist':
      return attribute.value.map((c) => ({ name: c.name, type: c.type, pLinear: c.pLinear, xSampling: c.xSampling, ySampling: c.ySampling }));
    default:
      return convert(attribute.value);
  }
}

/** An attribute's value as one line of text for people. */
export function formatExrAttribute(attribute: ExrAttribute): string {
  if (attribute.opaque === true) return `(${attribute.value.byteLength} bytes of type ${attribute.type})`;
  const json = exrAttributeJson(attribute);
  switch (attribute.type) {
    case 'string':
      return attribute.value;
    case 'box2i':
    case 'box2f': {
      const b = json as { xMin: number; yMin: number; xMax: number; yMax: number };
      return `(${b.xMin} ${b.yMin}) - (${b.xMax} ${b.yMax})`;
    }
    case 'chlist':
      return attribute.value.map((c) => `${c.name} ${c.type}${c.xSampling !== 1 || c.ySampling !== 1 ? ` ${c.xSampling}x${c.ySampling}` : ''}`).join(', ');
    case 'rational':
      return `${attribute.value.numerator}/${attribute.value.denominator}`;
    case 'preview':
      return `${attribute.value.width}x${attribute.value.height} preview`;
    case 'bytes':
      return `${attribute.value.data.byteLength} bytes (${attribute.value.typeHint})`;
    case 'stringvector':
      return attribute.value.map((s) => JSON.stringify(s)).join(', ');
    default:
      if (typeof json === 'number' || typeof json === 'string') return String(json);
      if (Array.isArray(json)) return json.join(' ');
      return Object.entries(json as Record<string, unknown>)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
  }
}

/** The EXR type a value written without one gets: whole number -> int, number -> float, 2 or 3
 *  numbers -> v2f/v3f, 9 or 16 -> m33f/m44f, anything else -> string. */
export function inferExrType(text: string): WritableExrType {
  const numbers = splitNumbers(text);
  if (numbers === undefined) return 'string';
  if (numbers.length === 1) return /^[+-]?\d+$/.test(text.trim()) && Math.abs(numbers[0]!) <= 0x7fffffff ? 'int' : 'float';
  if (numbers.length === 2) return 'v2f';
  if (numbers.length === 3) return 'v3f';
  if (numbers.length === 9) return 'm33f';
  if (numbers.length === 16) return 'm44f';
  return 'string';
}

function splitNumbers(text: string): number[] | undefined {
  const parts = text
    .trim()
    .replace(/^[([]|[)\]]$/g, '')
    .split(/\s*[,\s]\s*/)
    .filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(part)) numbers.push(Number(part));
    else if (/^[+-]?inf(inity)?$/i.test(part)) numbers.push(part.startsWith('-') ? -Infinity : Infinity);
    else if (/^[+-]?nan$/i.test(part)) numbers.push(NaN);
    else return undefined;
  }
  return numbers;
}

/**
 * A typed attribute from text: numbers separated by commas or spaces for the numeric types (a
 * box as `xMin,yMin,xMax,yMax`, a matrix row by row, chromaticities as red x,y green x,y blue x,y
 * white x,y), `N/D` for a rational, comma-separated items for a string vector.
 * @throws META_BAD_TAG naming the attribute, the type and the expected form.
 */
export function parseExrValue(name: string, type: WritableExrType, text: string): ExrKnownAttribute {
  const bad = (expected: string): never => {
    throw metaError(MetaErrorCode.META_BAD_TAG, `exr:${name} is a ${type}: expected ${expected}, got '${text}'`);
  };
  switch (type) {
    case 'string':
      return { name, type, value: text };
    case 'stringvector':
      return { name, type, value: text === '' ? [] : text.split(',').map((s) => s.trim()) };
    case 'floatvector': {
      const numbers = text.trim() === '' ? [] : (splitNumbers(text) ?? bad('numbers separated by commas'));
      return { name, type, value: numbers };
    }
    case 'rational': {
      const match = /^\s*([+-]?\d+)\s*(?:\/\s*(\d+))?\s*$/.exec(text);
      if (!match) bad("a fraction like '24000/1001' or a whole number");
      const numerator = Number(match![1]);
      const denominator = Number(match![2] ?? 1);
      if (Math.abs(numerator) > 0x7fffffff || denominator > 0xffffffff) bad('a numerator within 32 bits');
      return { name, type, value: { numerator, denominator } };
    }
    default: {
      const count = numberCounts[type]!;
      const numbers = splitNumbers(text);
      if (numbers === undefined || numbers.length !== count) bad(count === 1 ? 'a number' : `${count} numbers separated by commas`);
      const n = numbers!;
      if (type.endsWith('i') || type === 'int') {
        if (n.some((v) => !Number.isInteger(v) || Math.abs(v) > 0x7fffffff)) bad('whole numbers within 32 bits');
      }
      switch (type) {
        case 'int':
        case 'float':
        case 'double':
          return { name, type, value: n[0]! };
        case 'v2i':
        case 'v2f':
        case 'v2d':
          return { name, type, value: [n[0]!, n[1]!] };
        case 'v3i':
        case 'v3f':
        case 'v3d':
          return { name, type, value: [n[0]!, n[1]!, n[2]!] };
        case 'box2i':
        case 'box2f':
          return { name, type, value: { xMin: n[0]!, yMin: n[1]!, xMax: n[2]!, yMax: n[3]! } };
        case 'chromaticities':
          return {
            name,
            type,
            value: { redX: n[0]!, redY: n[1]!, greenX: n[2]!, greenY: n[3]!, blueX: n[4]!, blueY: n[5]!, whiteX: n[6]!, whiteY: n[7]! },
          };
        default:
          return { name, type, value: n } as ExrKnownAttribute;
      }
    }
  }
}

/** The value bytes of an attribute of a writable type (`parseExrValue`'s output): the codec's own encoder. */
export function encodeExrValue(attribute: ExrKnownAttribute): Uint8Array {
  return writeAttributeValue(attribute);
}
