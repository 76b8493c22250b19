/**
 * How EXR header values are shown: as JSON (typed, lossless where it matters) and as text in the
 * style of OpenEXR's `exrheader` (one `name (type T): value` line per attribute, multi-line values
 * indented). Float attributes are stored as 32-bit floats; they are printed with the fewest digits
 * that read back as the same float (35.9999, not 35.99990081787109).
 */
import type { Box2, ExrAttribute, ExrChannel, ExrCompression, ExrPartHeader, ExrTimeCode } from '@vfxkit/exr';

/** The shortest decimal that reads back as the same 32-bit float. */
export function shortFloat(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** A number for JSON: non-finite values become the strings `Infinity`, `-Infinity`, `NaN`
 *  (JSON has no such numbers; `Number()` reads these strings back). */
export function jsonNumber(value: number, float32 = false): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return float32 ? shortFloat(value) : value;
}

/** A number as text: `inf`, `-inf`, `nan` as exrheader prints them. */
export function numberText(value: number, float32 = false): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(float32 ? shortFloat(value) : value);
}

export function boxText(box: Box2, float32 = false): string {
  const n = (v: number) => numberText(v, float32);
  return `(${n(box.xMin)} ${n(box.yMin)}) - (${n(box.xMax)} ${n(box.yMax)})`;
}

export function boxJson(box: Box2, float32 = false): Record<'xMin' | 'yMin' | 'xMax' | 'yMax', number | string> {
  return {
    xMin: jsonNumber(box.xMin, float32),
    yMin: jsonNumber(box.yMin, float32),
    xMax: jsonNumber(box.xMax, float32),
    yMax: jsonNumber(box.yMax, float32),
  };
}

export function boxSize(box: Box2): { width: number; height: number } {
  return { width: box.xMax - box.xMin + 1, height: box.yMax - box.yMin + 1 };
}

/** What each compression method is, in a few words (exrheader's wording, plus block sizes). */
export const compressionDescriptions: Record<ExrCompression, string> = {
  none: 'no compression',
  rle: 'run-length encoding',
  zips: 'zip, individual scanlines',
  zip: 'zip, multi-scanline blocks of 16',
  piz: 'piz wavelet, blocks of 32 scanlines',
  pxr24: 'pxr24, lossy for float, blocks of 16 scanlines',
  b44: 'b44, lossy for half, blocks of 32 scanlines',
  b44a: 'b44a, lossy for half, blocks of 32 scanlines',
  dwaa: 'dwa, lossy, blocks of 32 scanlines',
  dwab: 'dwa, lossy, blocks of 256 scanlines',
  htj2k256: 'high-throughput JPEG 2000, blocks of 256 scanlines',
  htj2k32: 'high-throughput JPEG 2000, blocks of 32 scanlines',
};

const pixelTypeText = { half: '16-bit floating-point', float: '32-bit floating-point', uint: '32-bit unsigned integer' } as const;

export function channelText(channel: ExrChannel): string {
  return `${channel.name}, ${pixelTypeText[channel.type]}, sampling ${channel.xSampling} ${channel.ySampling}${channel.pLinear ? ', plinear' : ''}`;
}

export function channelJson(channel: ExrChannel): Record<string, unknown> {
  return { name: channel.name, type: channel.type, xSampling: channel.xSampling, ySampling: channel.ySampling, pLinear: channel.pLinear };
}

/** SMPTE time code fields as OpenEXR's `TimeCode` packs them (TV60 packing). */
export interface TimeCodeFields {
  hours: number;
  minutes: number;
  seconds: number;
  frame: number;
  dropFrame: boolean;
  colorFrame: boolean;
  fieldPhase: boolean;
  bgf0: boolean;
  bgf1: boolean;
  bgf2: boolean;
}

function bcd(value: number, shift: number, tensBits: number): number {
  const units = (value >>> shift) & 0xf;
  const tens = (value >>> (shift + 4)) & ((1 << tensBits) - 1);
  return tens * 10 + units;
}

export function decodeTimeCode(timeAndFlags: number): TimeCodeFields {
  const t = timeAndFlags >>> 0;
  const bit = (n: number) => ((t >>> n) & 1) === 1;
  return {
    frame: bcd(t, 0, 2),
    dropFrame: bit(6),
    colorFrame: bit(7),
    seconds: bcd(t, 8, 3),
    fieldPhase: bit(15),
    minutes: bcd(t, 16, 3),
    bgf0: bit(23),
    hours: bcd(t, 24, 2),
    bgf1: bit(30),
    bgf2: bit(31),
  };
}

export function timeCodeText(value: ExrTimeCode): string {
  const f = decodeTimeCode(value.timeAndFlags);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(f.hours)}:${two(f.minutes)}:${two(f.seconds)}${f.dropFrame ? ';' : ':'}${two(f.frame)}`;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const float32Types = new Set(['float', 'v2f', 'v3f', 'box2f', 'm33f', 'm44f', 'floatvector', 'chromaticities']);

/** An attribute's value for `--json`: typed, numbers as numbers (float attributes at 32-bit
 *  precision), enums by OpenEXR's names, unknown types as `{ size, base64 }` of their raw bytes. */
export function attributeJson(attribute: ExrAttribute): unknown {
  if (attribute.opaque === true) return { size: attribute.value.byteLength, base64: base64(attribute.value) };
  const f32 = float32Types.has(attribute.type);
  const numbers = (values: readonly number[]) => values.map((v) => jsonNumber(v, f32));
  switch (attribute.type) {
    case 'box2i':
    case 'box2f':
      return boxJson(attribute.value, f32);
    case 'bytes':
      return { typeHint: attribute.value.typeHint, size: attribute.value.data.byteLength, base64: base64(attribute.value.data) };
    case 'chlist':
      return attribute.value.map(channelJson);
    case 'chromaticities': {
      const c = attribute.value;
      const out: Record<string, number | string> = {};
      for (const key of ['redX', 'redY', 'greenX', 'greenY', 'blueX', 'blueY', 'whiteX', 'whiteY'] as const) out[key] = jsonNumber(c[key], true);
      return out;
    }
    case 'double':
    case 'float':
    case 'int':
      return jsonNumber(attribute.value, f32);
    case 'floatvector':
    case 'm33f':
    case 'm33d':
    case 'm44f':
    case 'm44d':
    case 'v2i':
    case 'v2f':
    case 'v2d':
    case 'v3i':
    case 'v3f':
    case 'v3d':
      return numbers(attribute.value);
    case 'keycode':
      return { ...attribute.value };
    case 'preview':
      // The pixels are left out: width * height * 4 bytes of thumbnail are not metadata.
      return { width: attribute.value.width, height: attribute.value.height };
    case 'rational':
      return { ...attribute.value };
    case 'tiledesc':
      return { ...attribute.value };
    case 'timecode': {
      const f = decodeTimeCode(attribute.value.timeAndFlags);
      return { time: timeCodeText(attribute.value), dropFrame: f.dropFrame, timeAndFlags: attribute.value.timeAndFlags >>> 0, userData: attribute.value.userData >>> 0 };
    }
    default:
      // string, stringvector, compression, lineOrder, envmap, deepImageState
      return attribute.value;
  }
}

const lineOrderText = { increasingY: 'increasing y', decreasingY: 'decreasing y', randomY: 'random y' } as const;
const envmapText = { latlong: 'latitude-longitude map', cube: 'cube-face map' } as const;
const levelModeText = { one: 'single level', mipmap: 'mip-map', ripmap: 'rip-map' } as const;

function matrixLines(values: readonly number[], size: number, f32: boolean): string[] {
  const lines: string[] = [];
  for (let row = 0; row < size; row++) {
    const cells = values.slice(row * size, row * size + size).map((v) => numberText(v, f32));
    lines.push(`${row === 0 ? '   (' : '    '}${cells.join(' ')}${row === size - 1 ? ')' : ''}`);
  }
  return lines;
}

/** An attribute as exrheader prints it: the text after `name (type T):`, and indented lines below. */
export function attributeText(attribute: ExrAttribute): { inline: string; lines: string[] } {
  if (attribute.opaque === true) return { inline: `(${attribute.value.byteLength} bytes of an unknown type)`, lines: [] };
  const f32 = float32Types.has(attribute.type);
  const n = (v: number) => numberText(v, f32);
  const pair = (values: readonly number[]) => `(${values.map(n).join(' ')})`;
  switch (attribute.type) {
    case 'box2i':
    case 'box2f':
      return { inline: boxText(attribute.value, f32), lines: [] };
    case 'bytes':
      return { inline: `${attribute.value.data.byteLength} bytes${attribute.value.typeHint ? ` (${attribute.value.typeHint})` : ''}`, lines: [] };
    case 'chlist':
      return { inline: '', lines: attribute.value.map((c) => `    ${channelText(c)}`) };
    case 'chromaticities': {
      const c = attribute.value;
      return {
        inline: '',
        lines: [
          `    red   ${pair([c.redX, c.redY])}`,
          `    green ${pair([c.greenX, c.greenY])}`,
          `    blue  ${pair([c.blueX, c.blueY])}`,
          `    white ${pair([c.whiteX, c.whiteY])}`,
        ],
      };
    }
    case 'compression':
      return { inline: `${attribute.value} (${compressionDescriptions[attribute.value]})`, lines: [] };
    case 'deepImageState':
      return { inline: attribute.value, lines: [] };
    case 'double':
    case 'float':
    case 'int':
      return { inline: n(attribute.value), lines: [] };
    case 'envmap':
      return { inline: envmapText[attribute.value], lines: [] };
    case 'floatvector':
      return { inline: `[${attribute.value.map(n).join(', ')}]`, lines: [] };
    case 'keycode': {
      const k = attribute.value;
      return {
        inline: '',
        lines: [
          `    film manufacturer code ${k.filmMfcCode}`,
          `    film type code ${k.filmType}`,
          `    prefix ${k.prefix}`,
          `    count ${k.count}`,
          `    perf offset ${k.perfOffset}`,
          `    perfs per frame ${k.perfsPerFrame}`,
          `    perfs per count ${k.perfsPerCount}`,
        ],
      };
    }
    case 'lineOrder':
      return { inline: lineOrderText[attribute.value], lines: [] };
    case 'm33f':
    case 'm33d':
      return { inline: '', lines: matrixLines(attribute.value, 3, f32) };
    case 'm44f':
    case 'm44d':
      return { inline: '', lines: matrixLines(attribute.value, 4, f32) };
    case 'preview':
      return { inline: `${attribute.value.width} by ${attribute.value.height} pixels`, lines: [] };
    case 'rational': {
      const r = attribute.value;
      const ratio = r.denominator === 0 ? '' : ` (${Number((r.numerator / r.denominator).toPrecision(6))})`;
      return { inline: `${r.numerator}/${r.denominator}${ratio}`, lines: [] };
    }
    case 'string':
      return { inline: JSON.stringify(attribute.value), lines: [] };
    case 'stringvector':
      return { inline: '', lines: attribute.value.map((s) => `    ${JSON.stringify(s)}`) };
    case 'tiledesc': {
      const t = attribute.value;
      const lines = [`    ${levelModeText[t.levelMode]}`, `    tile size ${t.xSize} by ${t.ySize} pixels`];
      if (t.levelMode !== 'one') lines.push(`    level sizes rounded ${t.roundingMode}`);
      return { inline: '', lines };
    }
    case 'timecode': {
      const f = decodeTimeCode(attribute.value.timeAndFlags);
      const b = (v: boolean) => (v ? 1 : 0);
      return {
        inline: '',
        lines: [
          `    time ${timeCodeText(attribute.value)}`,
          `    drop frame ${b(f.dropFrame)}, color frame ${b(f.colorFrame)}, field/phase ${b(f.fieldPhase)}`,
          `    bgf0 ${b(f.bgf0)}, bgf1 ${b(f.bgf1)}, bgf2 ${b(f.bgf2)}`,
          `    user data 0x${(attribute.value.userData >>> 0).toString(16)}`,
        ],
      };
    }
    case 'v2i':
    case 'v2f':
    case 'v2d':
    case 'v3i':
    case 'v3f':
    case 'v3d':
      return { inline: pair(attribute.value), lines: [] };
  }
}

/** One attribute as exrheader's lines. */
export function attributeLines(attribute: ExrAttribute): string[] {
  const { inline, lines } = attributeText(attribute);
  return [`${attribute.name} (type ${attribute.type}):${inline ? ` ${inline}` : ''}`, ...lines];
}

/** Pixel types of a channel list in a few characters: `half`, `half/float`. */
export function pixelTypesText(channels: readonly ExrChannel[]): string {
  const types = [...new Set(channels.map((c) => c.type))];
  return types.join('/');
}

/** A short name for a part, for messages: `part 2 ('depth_left')`. */
export function partLabel(part: Pick<ExrPartHeader, 'index' | 'name'>): string {
  return part.name !== undefined && part.name !== '' ? `part ${part.index} ('${part.name}')` : `part ${part.index}`;
}
