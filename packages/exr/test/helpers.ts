/**
 * Shared test helpers: where the real fixtures are, which reference tools exist, and parsers for
 * the text `exrheader` and `oiiotool --stats` print, so tests can compare our reading with theirs
 * at test time.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VfxError, halfToFloat } from '@vfxkit/core';
import type { ExrAttribute, ExrCompression, ExrImage } from '@vfxkit/exr';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const fixturesRoot = resolve(repoRoot, process.env['VFX_REAL_FIXTURES'] ?? '../shared/fixtures-real');
export const exrFixtures = join(fixturesRoot, 'exr');
/** Why real-fixture tests are skipped, or false when the fixtures are there. */
export const noFixtures: string | false = existsSync(exrFixtures) ? false : `real fixtures not found at ${exrFixtures} (set VFX_REAL_FIXTURES)`;

/** Every .exr under fixtures-real/exr, as paths relative to that folder. */
export function listFixtures(): string[] {
  if (noFixtures) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.exr')) out.push(relative(exrFixtures, path));
    }
  };
  walk(exrFixtures);
  return out;
}

/** Files the format itself makes unreadable (invalid/ holds the deliberately broken ones). */
export const BROKEN_FIXTURES: Record<string, string> = {
  'openexr/tiled.exr': 'EXR_CORRUPT_CHUNK', // 480-byte cut of a tiled file: its tile leaders are garbage (oiiotool fails too)
  'openexr/python-tests/unfinished_multipart.exr': 'EXR_TRUNCATED', // parts 2 and 3 were never written
};

const toolCache = new Map<string, boolean>();
/** Why a tool-based test is skipped, or false when the tool runs. */
export function missingTool(tool: string): string | false {
  if (!toolCache.has(tool)) {
    const result = spawnSync(tool, ['--help'], { encoding: 'utf8' });
    toolCache.set(tool, result.error === undefined);
  }
  return toolCache.get(tool) ? false : `reference tool '${tool}' is not installed`;
}

export function run(tool: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

export function tempDir(prefix = 'vfxkit-exr-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The compressions each file needs decoded (all parts). */
export function compressionsOf(header: { parts: { compression: ExrCompression }[] }): ExrCompression[] {
  return [...new Set(header.parts.map((p) => p.compression))];
}

// ---------------------------------------------------------------------------------------------
// exrheader

export interface ExrheaderAttribute {
  name: string;
  type: string;
  /** The text after "name (type t)", continuation lines included ('' when none). */
  text: string;
}
export interface ExrheaderPart {
  incomplete: boolean;
  attributes: ExrheaderAttribute[];
}
export interface ExrheaderOutput {
  incomplete: boolean;
  version: number;
  flags: number;
  parts: ExrheaderPart[];
}

const ATTRIBUTE_LINE = /^(\S(?:.*?\S)?) \(type (.*?)\)(?::(.*))?$/;

/** Parses exrheader's output for one file. */
export function parseExrheader(text: string): ExrheaderOutput {
  const lines = text.split('\n');
  const out: ExrheaderOutput = { incomplete: false, version: 0, flags: 0, parts: [] };
  let part: ExrheaderPart | undefined;
  let attribute: ExrheaderAttribute | undefined;
  for (const line of lines) {
    let m: RegExpMatchArray | null;
    if ((m = /^file .*?( \(incomplete\))?:$/.exec(line)) !== null && out.parts.length === 0 && part === undefined) {
      out.incomplete = m[1] !== undefined;
    } else if ((m = /^file format version: (\d+), flags 0x([0-9a-f]+)$/.exec(line)) !== null) {
      out.version = Number(m[1]);
      out.flags = parseInt(m[2]!, 16);
      part = { incomplete: false, attributes: [] };
      out.parts.push(part);
    } else if ((m = /^ part (\d+)( \(incomplete\))?:$/.exec(line)) !== null) {
      if (Number(m[1]) > 0) {
        part = { incomplete: m[2] !== undefined, attributes: [] };
        out.parts.push(part);
      } else if (part !== undefined) part.incomplete = m[2] !== undefined;
      attribute = undefined;
    } else if (part !== undefined && (m = ATTRIBUTE_LINE.exec(line)) !== null) {
      attribute = { name: m[1]!, type: m[2]!, text: (m[3] ?? '').replace(/^ /, '') };
      part.attributes.push(attribute);
    } else if (attribute !== undefined && line !== '') {
      attribute.text += `\n${line}`;
    }
  }
  return out;
}

/** C++ iostream's default formatting of a double (printf %g, 6 significant digits). */
export function formatG(value: number, precision = 6): string {
  if (Number.isNaN(value)) return value < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exponential = value.toExponential(precision - 1);
  const exponent = Number(exponential.split('e')[1]);
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exponent < -4 || exponent >= precision) {
    const [mantissa, e] = exponential.split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    return `${strip(mantissa)}e${sign}${e.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return strip(value.toFixed(precision - 1 - exponent));
}

const COMPRESSION_TEXT: Record<string, string> = {
  none: 'none',
  rle: 'run-length encoding',
  zips: 'zip, individual scanlines',
  zip: 'zip, multi-scanline blocks',
  piz: 'piz',
  pxr24: 'pxr24',
  b44: 'b44',
  b44a: 'b44a',
  dwaa: 'dwa, small scanline blocks',
  dwab: 'dwa, medium scanline blocks',
};
const PIXEL_TEXT = { uint: '32-bit unsigned integer', half: '16-bit floating-point', float: '32-bit floating-point' };
const LINE_ORDER_TEXT = { increasingY: 'increasing y', decreasingY: 'decreasing y', randomY: 'random y' };

/** Our attribute as exrheader would print it after "(type t)", or undefined for types it prints no
 *  value for (double-precision vectors and matrices, floatvector, deepImageState, unknown types). */
export function formatLikeExrheader(attribute: ExrAttribute): string | undefined {
  const g = (v: number) => formatG(v);
  const v2 = (v: readonly number[]) => `(${v.map(g).join(' ')})`;
  if (attribute.opaque === true) return undefined;
  switch (attribute.type) {
    case 'box2i':
    case 'box2f': {
      const b = attribute.value;
      return `(${g(b.xMin)} ${g(b.yMin)}) - (${g(b.xMax)} ${g(b.yMax)})`;
    }
    case 'chlist':
      return attribute.value
        .map((c) => `\n    ${c.name}, ${PIXEL_TEXT[c.type]}, sampling ${c.xSampling} ${c.ySampling}${c.pLinear ? ', plinear' : ''}`)
        .join('');
    case 'chromaticities': {
      const c = attribute.value;
      return `\n    red   (${g(c.redX)} ${g(c.redY)})\n    green (${g(c.greenX)} ${g(c.greenY)})\n    blue  (${g(c.blueX)} ${g(c.blueY)})\n    white (${g(c.whiteX)} ${g(c.whiteY)})`;
    }
    case 'compression':
      return COMPRESSION_TEXT[attribute.value];
    case 'double':
    case 'float':
      return g(attribute.value);
    case 'envmap':
      return attribute.value === 'latlong' ? 'latitude-longitude map' : 'cube-face map';
    case 'int':
      return String(attribute.value);
    case 'keycode': {
      const k = attribute.value;
      return `\n    film manufacturer code ${k.filmMfcCode}\n    film type code ${k.filmType}\n    prefix ${k.prefix}\n    count ${k.count}\n    perf offset ${k.perfOffset}\n    perfs per frame ${k.perfsPerFrame}\n    perfs per count ${k.perfsPerCount}`;
    }
    case 'lineOrder':
      return LINE_ORDER_TEXT[attribute.value];
    case 'm33f': {
      const m = attribute.value.map(g);
      return `\n   (${m.slice(0, 3).join(' ')}\n    ${m.slice(3, 6).join(' ')}\n    ${m.slice(6, 9).join(' ')})`;
    }
    case 'm44f': {
      const m = attribute.value.map(g);
      return `\n   (${m.slice(0, 4).join(' ')}\n    ${m.slice(4, 8).join(' ')}\n    ${m.slice(8, 12).join(' ')}\n    ${m.slice(12, 16).join(' ')})`;
    }
    case 'preview':
      return `${attribute.value.width} by ${attribute.value.height} pixels`;
    case 'rational':
      return `${attribute.value.numerator}/${attribute.value.denominator} (${g(attribute.value.numerator / attribute.value.denominator)})`;
    case 'string':
      return `"${attribute.value}"`;
    case 'stringvector':
      return attribute.value.map((s) => `\n    "${s}"`).join('');
    case 'tiledesc': {
      const t = attribute.value;
      const mode = { one: 'single level', mipmap: 'mip-map', ripmap: 'rip-map' }[t.levelMode];
      return `\n    ${mode}\n    tile size ${t.xSize} by ${t.ySize} pixels${t.levelMode === 'one' ? '' : `\n    level sizes rounded ${t.roundingMode}`}`;
    }
    case 'timecode': {
      // ImfTimeCode's TV60 packing: BCD frame/seconds/minutes/hours with flag bits between.
      const t = attribute.value.timeAndFlags >>> 0;
      const bits = (from: number, to: number) => (t >>> from) & ((1 << (to - from + 1)) - 1);
      const bcd = (v: number) => String((v & 0x0f) + 10 * ((v >> 4) & 0x0f)).padStart(2, '0');
      const bit = (n: number) => (t >>> n) & 1;
      return (
        `\n    time ${bcd(bits(24, 29))}:${bcd(bits(16, 22))}:${bcd(bits(8, 14))}:${bcd(bits(0, 5))}` +
        `\n    drop frame ${bit(6)}, color frame ${bit(7)}, field/phase ${bit(15)}` +
        `\n    bgf0 ${bit(23)}, bgf1 ${bit(30)}, bgf2 ${bit(31)}` +
        `\n    user data 0x${(attribute.value.userData >>> 0).toString(16)}`
      );
    }
    case 'v2i':
    case 'v2f':
    case 'v3i':
    case 'v3f':
      return v2(attribute.value);
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// oiiotool --stats

export interface ChannelStats {
  min: number;
  max: number;
  avg: number;
  nan: number;
  inf: number;
  finite: number;
}

/** Stats per subimage, per MIP level, per channel name. */
export type OiioStats = Map<number, Map<number, Map<string, ChannelStats>>>;

/** Runs `oiiotool -a --stats -v --info file` and parses per-channel statistics. */
export function oiioStats(file: string): { stats: OiioStats; error: string | undefined } {
  const result = run('oiiotool', ['-a', '--stats', '-v', '--info', file]);
  const stats: OiioStats = new Map();
  if (result.status !== 0) return { stats, error: (result.stderr || result.stdout).trim() };
  let subimage = 0;
  let mip = 0;
  let channels: string[] = [];
  const pending: Partial<Record<'min' | 'max' | 'avg' | 'nan' | 'inf' | 'finite', number[]>> = {};
  const flush = () => {
    if (pending.finite === undefined) return;
    const levels = stats.get(subimage) ?? new Map<number, Map<string, ChannelStats>>();
    stats.set(subimage, levels);
    const byName = new Map<string, ChannelStats>();
    channels.forEach((name, i) => {
      byName.set(name, {
        min: pending.min![i]!,
        max: pending.max![i]!,
        avg: pending.avg![i]!,
        nan: pending.nan![i]!,
        inf: pending.inf![i]!,
        finite: pending.finite![i]!,
      });
    });
    levels.set(mip, byName);
    for (const key of Object.keys(pending)) delete pending[key as keyof typeof pending];
  };
  for (const raw of result.stdout.split('\n')) {
    const line = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = /^subimage\s+(\d+):/.exec(line)) !== null) {
      flush();
      subimage = Number(m[1]);
      mip = 0;
    } else if ((m = /^MIP (\d+) of \d+/.exec(line)) !== null) {
      flush();
      mip = Number(m[1]);
    } else if ((m = /^channel list: (.*)$/.exec(line)) !== null) {
      channels = m[1]!.split(', ').map((c) => c.replace(/ \((half|float|uint)\)$/, ''));
    } else if ((m = /^Stats (Min|Max|Avg|NanCount|InfCount|FiniteCount): (.*?)(\(float\))?$/.exec(line)) !== null) {
      const key = ({ Min: 'min', Max: 'max', Avg: 'avg', NanCount: 'nan', InfCount: 'inf', FiniteCount: 'finite' } as const)[
        m[1] as 'Min'
      ];
      pending[key] = m[2]!.trim().split(/\s+/).map(Number);
    }
  }
  flush();
  return { stats, error: undefined };
}

/** Values of a channel as OIIO sees them: floats, UINT scaled to [0, 1]. */
export function channelValues(data: Uint16Array | Float32Array | Uint32Array, type: 'half' | 'float' | 'uint'): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = type === 'half' ? halfToFloat(v) : type === 'uint' ? v / 4294967295 : v;
  }
  return out;
}

export function statsOf(values: Float64Array): ChannelStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nan = 0;
  let inf = 0;
  let finite = 0;
  for (const v of values) {
    if (Number.isNaN(v)) nan++;
    else if (!Number.isFinite(v)) inf++;
    else {
      finite++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { min: finite ? min : 0, max: finite ? max : 0, avg: finite ? sum / finite : 0, nan, inf, finite };
}

/** Whether our stats agree with oiiotool's printed ones (printed with 6 decimals). */
export function statsAgree(ours: ChannelStats, theirs: ChannelStats): string | undefined {
  const close = (a: number, b: number) => Math.abs(a - b) <= 2e-6 + 2e-5 * Math.abs(b);
  for (const key of ['nan', 'inf', 'finite'] as const) if (ours[key] !== theirs[key]) return `${key} ${ours[key]} vs ${theirs[key]}`;
  if (ours.finite === 0) return undefined;
  for (const key of ['min', 'max'] as const) if (!close(ours[key], theirs[key])) return `${key} ${ours[key]} vs ${theirs[key]}`;
  // Averages of values near +-1e38 (WideFloatRange.exr) lose digits to cancellation in any order of
  // summation: allow an error relative to the range as well.
  const range = Math.max(Math.abs(theirs.min), Math.abs(theirs.max));
  if (!(Math.abs(ours.avg - theirs.avg) <= 2e-6 + 2e-5 * Math.abs(theirs.avg) + 1e-6 * range)) return `avg ${ours.avg} vs ${theirs.avg}`;
  return undefined;
}

/** Stats of every channel of a flat image, by name. */
export function imageStats(image: Pick<ExrImage, 'channels'>): Map<string, ChannelStats> {
  return new Map(image.channels.map((c) => [c.name, statsOf(channelValues(c.data, c.type))]));
}

/** An assert.throws checker: a VfxError with `code` (and a message matching `pattern`). */
export function expectCode(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof VfxError, `expected a VfxError, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    if (pattern !== undefined) assert.match(error.message, pattern);
    return true;
  };
}

/** oiiotool arguments that make a 67x43 RGBA test image: corner gradients (values above 1 and below
 *  0 included) plus noise; the files other tools write for the conformance tests start from it. */
export const OIIO_PATTERN = [
  '--pattern',
  'fill:topleft=0.1,0.2,0.3,1:topright=0.9,0.1,0.2,0.5:bottomleft=0.3,0.9,0.1,0.25:bottomright=4.5,-0.5,0.9,1',
  '67x43',
  '4',
  '--pattern',
  'noise:type=uniform:min=0:max=0.3:seed=1',
  '67x43',
  '4',
  '--add',
];
