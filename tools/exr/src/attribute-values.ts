/**
 * Attribute values typed on a command line (`vfx exr attr set FILE name=value --type T`): which
 * type a name has (its current type, OpenEXR's standard attributes, else string), parsing text into
 * a typed value, and encoding that value as OpenEXR stores it ("OpenEXR File Layout", Predefined
 * Attribute Types; little-endian throughout).
 */
import { VfxError } from '@vfxkit/core';
import { EXR_DEEP_IMAGE_STATES, EXR_ENVMAPS, type ExrAttribute, type ExrChromaticities, type ExrTimeCode } from '@vfxkit/exr';

/** The types `attr set` can write. */
export const SETTABLE_TYPES = [
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
  'box2i',
  'box2f',
  'm33f',
  'm33d',
  'm44f',
  'm44d',
  'floatvector',
  'stringvector',
  'timecode',
  'keycode',
  'chromaticities',
  'rational',
  'envmap',
  'deepImageState',
] as const;
export type SettableType = (typeof SETTABLE_TYPES)[number];

export function isSettableType(type: string): type is SettableType {
  return (SETTABLE_TYPES as readonly string[]).includes(type);
}

/** OpenEXR's standard attributes (ImfStandardAttributes.h) and a few common ones, by type. */
export const STANDARD_TYPES: Record<string, SettableType> = {
  chromaticities: 'chromaticities',
  whiteLuminance: 'float',
  adoptedNeutral: 'v2f',
  renderingTransform: 'string',
  lookModTransform: 'string',
  xDensity: 'float',
  owner: 'string',
  comments: 'string',
  capDate: 'string',
  utcOffset: 'float',
  longitude: 'float',
  latitude: 'float',
  altitude: 'float',
  focus: 'float',
  expTime: 'float',
  aperture: 'float',
  isoSpeed: 'float',
  envmap: 'envmap',
  keyCode: 'keycode',
  timeCode: 'timecode',
  wrapmodes: 'string',
  framesPerSecond: 'rational',
  multiView: 'stringvector',
  worldToCamera: 'm44f',
  worldToNDC: 'm44f',
  deepImageState: 'deepImageState',
  originalDataWindow: 'box2i',
  dwaCompressionLevel: 'float',
  view: 'string',
  reelName: 'string',
  imageCounter: 'int',
  cameraMake: 'string',
  cameraModel: 'string',
  cameraSerialNumber: 'string',
  cameraFirmwareVersion: 'string',
  cameraUuid: 'string',
  cameraLabel: 'string',
  lensMake: 'string',
  lensModel: 'string',
  lensSerialNumber: 'string',
  lensFirmwareVersion: 'string',
  nominalFocalLength: 'float',
  pinholeFocalLength: 'float',
  effectiveFocalLength: 'float',
  entrancePupilOffset: 'float',
  tStop: 'float',
  imageRotation: 'float',
  sensorCenterOffset: 'v2f',
  sensorOverallDimensions: 'v2f',
  sensorPhotositePitch: 'float',
  sensorAcquisitionRectangle: 'box2i',
  cameraCCTSetting: 'float',
  cameraTintSetting: 'float',
  cameraColorBalance: 'v2f',
  pixelAspectRatio: 'float',
  screenWindowCenter: 'v2f',
  screenWindowWidth: 'float',
  displayWindow: 'box2i',
  name: 'string',
};

/** Attributes that describe how the pixels are stored: changing them would need re-encoding. */
export const STRUCTURAL_ATTRIBUTES = new Set(['channels', 'compression', 'dataWindow', 'lineOrder', 'tiles', 'type', 'chunkCount', 'version', 'maxSamplesPerPixel']);

/** Attributes every part must have (besides the structural ones). */
export const REQUIRED_ATTRIBUTES = new Set(['displayWindow', 'pixelAspectRatio', 'screenWindowCenter', 'screenWindowWidth']);

function bad(name: string, type: string, value: string, expected: string): never {
  throw new VfxError('BAD_USAGE', `cannot read ${JSON.stringify(value)} as a ${type} for '${name}': expected ${expected}`);
}

const NUMBER = /[-+]?(?:inf(?:inity)?|nan)|[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi;

/** The numbers in `text` (separated by spaces, commas, brackets; `inf`/`nan` allowed); undefined
 *  when anything else is there. */
function numbersIn(text: string): number[] | undefined {
  const values: number[] = [];
  const rest = text.replace(NUMBER, (match) => {
    const lower = match.toLowerCase().replace(/^\+/, '');
    values.push(lower.endsWith('nan') ? NaN : lower.includes('inf') ? (lower.startsWith('-') ? -Infinity : Infinity) : Number(match));
    return ' ';
  });
  // Separators only: spaces, commas, brackets, and the dash of exrheader's '(0 0) - (9 9)'.
  if (/[^\s,;()[\]-]/.test(rest)) return undefined;
  return values;
}

function numbers(name: string, type: string, text: string, count: number | undefined, integers: boolean): number[] {
  const values = numbersIn(text);
  const kind = integers ? 'whole number' : 'number';
  const expected =
    count === 1
      ? `a ${kind}`
      : `${count ?? 'some'} ${kind}s${count !== undefined ? " separated by spaces or commas (e.g. '1 2' or '1,2')" : ''}`;
  if (values === undefined || (count !== undefined && values.length !== count) || values.length === 0) bad(name, type, text, expected);
  if (integers && !values.every((v) => Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff)) {
    bad(name, type, text, `${expected} within the 32-bit range`);
  }
  return values;
}

/** Named chromaticities (CIE xy of red, green, blue and white). */
const CHROMATICITIES: Record<string, number[]> = {
  rec709: [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329],
  srgb: [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329],
  rec2020: [0.708, 0.292, 0.17, 0.797, 0.131, 0.046, 0.3127, 0.329],
  p3d65: [0.68, 0.32, 0.265, 0.69, 0.15, 0.06, 0.3127, 0.329],
  dcip3: [0.68, 0.32, 0.265, 0.69, 0.15, 0.06, 0.314, 0.351],
  aces: [0.7347, 0.2653, 0, 1, 0.0001, -0.077, 0.32168, 0.33767],
  ap0: [0.7347, 0.2653, 0, 1, 0.0001, -0.077, 0.32168, 0.33767],
  acescg: [0.713, 0.293, 0.165, 0.83, 0.128, 0.044, 0.32168, 0.33767],
  ap1: [0.713, 0.293, 0.165, 0.83, 0.128, 0.044, 0.32168, 0.33767],
  xyz: [1, 0, 0, 1, 0, 0, 1 / 3, 1 / 3],
};

function chromaticities(name: string, text: string): ExrChromaticities {
  const named = CHROMATICITIES[text.trim().toLowerCase().replace(/[-_ ]/g, '')];
  const v = named ?? numbers(name, 'chromaticities', text, 8, false);
  if (v.length !== 8) bad(name, 'chromaticities', text, `8 numbers (red x y, green x y, blue x y, white x y) or a name (${Object.keys(CHROMATICITIES).join(', ')})`);
  return { redX: v[0]!, redY: v[1]!, greenX: v[2]!, greenY: v[3]!, blueX: v[4]!, blueY: v[5]!, whiteX: v[6]!, whiteY: v[7]! };
}

function bcd(value: number): number {
  return ((Math.floor(value / 10) & 0xf) << 4) | (value % 10);
}

/** `HH:MM:SS:FF` (`;` before the frame for drop frame), or exrstdattr's two hex words. */
function timecode(name: string, text: string): ExrTimeCode {
  const time = /^\s*(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2})\s*$/.exec(text);
  if (time !== null) {
    const [hours, minutes, seconds, frame] = [time[1], time[2], time[3], time[5]].map(Number) as [number, number, number, number];
    if (hours > 23 || minutes > 59 || seconds > 59 || frame > 59) bad(name, 'timecode', text, 'a time code within 23:59:59:59');
    const dropFrame = time[4] === ';' || time[4] === ',';
    const packed = (bcd(hours) << 24) | (bcd(minutes) << 16) | (bcd(seconds) << 8) | bcd(frame) | (dropFrame ? 0x40 : 0);
    return { timeAndFlags: packed >>> 0, userData: 0 };
  }
  const words = /^\s*(?:0x)?([0-9a-f]{1,8})[\s,]+(?:0x)?([0-9a-f]{1,8})\s*$/i.exec(text);
  if (words !== null) return { timeAndFlags: Number.parseInt(words[1]!, 16) >>> 0, userData: Number.parseInt(words[2]!, 16) >>> 0 };
  bad(name, 'timecode', text, "'HH:MM:SS:FF' (';' before the frame for drop frame) or two hex words as exrstdattr takes them");
}

/** `24`, `24000/1001`, or a decimal rate (`23.976` becomes 24000/1001). */
function rational(name: string, text: string): { numerator: number; denominator: number } {
  const fraction = /^\s*([-+]?\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (fraction !== null) return { numerator: Number(fraction[1]), denominator: Number(fraction[2]) };
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) bad(name, 'rational', text, "a ratio like '24000/1001', a whole number or a decimal");
  if (Number.isInteger(value)) return { numerator: value, denominator: 1 };
  const ntsc = Math.round(value * 1.001);
  if (Math.abs((ntsc * 1000) / 1001 - value) < 0.0006) return { numerator: ntsc * 1000, denominator: 1001 };
  const decimals = Math.min(6, (text.split('.')[1] ?? '').length);
  const denominator = 10 ** decimals;
  return { numerator: Math.round(value * denominator), denominator };
}

function stringList(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((s) => typeof s === 'string')) return parsed;
    } catch {
      // not JSON: fall through to commas
    }
  }
  return trimmed === '' ? [] : text.split(',').map((s) => s.trim());
}

function enumValue<T extends string>(name: string, type: string, text: string, values: readonly T[], aliases: Record<string, T> = {}): T {
  const key = text.trim();
  const found = values.find((v) => v.toLowerCase() === key.toLowerCase()) ?? aliases[key.toLowerCase()];
  if (found === undefined) bad(name, type, text, `one of ${values.join(', ')}`);
  return found;
}

const IDENTITY: Record<number, number[]> = {
  9: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  16: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
};

/** Parses `text` as a value of `type` for the attribute `name`. Throws BAD_USAGE with what was
 *  expected. */
export function parseAttribute(name: string, type: SettableType, text: string): ExrAttribute {
  switch (type) {
    case 'string':
      return { name, type, value: text };
    case 'int':
      return { name, type, value: numbers(name, type, text, 1, true)[0]! };
    case 'float':
    case 'double':
      return { name, type, value: numbers(name, type, text, 1, false)[0]! };
    case 'v2i':
      return { name, type, value: numbers(name, type, text, 2, true) as [number, number] };
    case 'v2f':
    case 'v2d':
      return { name, type, value: numbers(name, type, text, 2, false) as [number, number] };
    case 'v3i':
      return { name, type, value: numbers(name, type, text, 3, true) as [number, number, number] };
    case 'v3f':
    case 'v3d':
      return { name, type, value: numbers(name, type, text, 3, false) as [number, number, number] };
    case 'box2i':
    case 'box2f': {
      const v = numbers(name, type, text, 4, type === 'box2i');
      if (v[0]! > v[2]! || v[1]! > v[3]!) bad(name, type, text, "'xMin yMin xMax yMax' with min <= max");
      return { name, type, value: { xMin: v[0]!, yMin: v[1]!, xMax: v[2]!, yMax: v[3]! } };
    }
    case 'm33f':
    case 'm33d':
    case 'm44f':
    case 'm44d': {
      const size = type.startsWith('m33') ? 9 : 16;
      const value = text.trim().toLowerCase() === 'identity' ? IDENTITY[size]! : numbers(name, type, text, size, false);
      return { name, type, value };
    }
    case 'floatvector':
      return { name, type, value: text.trim() === '' ? [] : numbers(name, type, text, undefined, false) };
    case 'stringvector':
      return { name, type, value: stringList(text) };
    case 'timecode':
      return { name, type, value: timecode(name, text) };
    case 'keycode': {
      const [filmMfcCode, filmType, prefix, count, perfOffset, perfsPerFrame, perfsPerCount] = numbers(name, type, text, 7, true) as [
        number, number, number, number, number, number, number,
      ];
      return { name, type, value: { filmMfcCode, filmType, prefix, count, perfOffset, perfsPerFrame, perfsPerCount } };
    }
    case 'chromaticities':
      return { name, type, value: chromaticities(name, text) };
    case 'rational':
      return { name, type, value: rational(name, text) };
    case 'envmap':
      return { name, type, value: enumValue(name, type, text, EXR_ENVMAPS, { 'latitude-longitude': 'latlong', cubemap: 'cube' }) };
    case 'deepImageState':
      return { name, type, value: enumValue(name, type, text, EXR_DEEP_IMAGE_STATES) };
  }
}

