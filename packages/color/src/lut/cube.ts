/**
 * The .cube LUT format: read and write.
 *
 * Read first: Adobe "Cube LUT Specification, Version 1.0" (2013): keywords TITLE "text",
 * LUT_1D_SIZE N (2..65536) or LUT_3D_SIZE N (2..256), DOMAIN_MIN r g b and DOMAIN_MAX r g b
 * (default 0 0 0 and 1 1 1, min < max), '#' comment lines, then the table as lines of three numbers;
 * 3D entries with red changing fastest; input outside the domain clamped to it. DaVinci Resolve's
 * variant (described in OpenColorIO's FileFormatResolveCube.cpp) adds LUT_1D_INPUT_RANGE min max
 * and LUT_3D_INPUT_RANGE min max, and lets one file hold a 1D "shaper" (listed first, applied
 * first) followed by a 3D LUT.
 *
 * Reading is lenient where the two variants differ (TITLE and both kinds of range are accepted in
 * either; comments may appear anywhere; keywords are case-insensitive; unknown keywords before the
 * data are ignored) and strict about the table: every data line holds exactly three numbers, and
 * the count must match the sizes declared.
 */
import { ColorErrorCode, colorError } from '../errors.js';
import type { Vector3 } from '../matrix.js';
import { createLut1D, createLut3D, lutSteps } from './model.js';
import type { Lut1D, Lut3D, LutFile, LutInput, LutStep } from './model.js';
import { parseError, parseInteger, quote, readNumbers, splitLines, tokens, unsupportedError } from './text.js';
import type { ParseOptions } from './text.js';

const FORMAT = '.cube';
/** The Adobe specification's size limits. */
export const CUBE_MAX_1D_SIZE = 65536;
export const CUBE_MAX_3D_SIZE = 256;

const KEYWORDS = new Set(['TITLE', 'LUT_1D_SIZE', 'LUT_2D_SIZE', 'LUT_3D_SIZE', 'DOMAIN_MIN', 'DOMAIN_MAX', 'LUT_1D_INPUT_RANGE', 'LUT_3D_INPUT_RANGE']);

interface Declared<T> {
  value: T;
  line: number;
}

/** Parses the text of a .cube file. Throws COLOR_LUT_PARSE (message `line N: ...`) or
 *  COLOR_LUT_UNSUPPORTED (LUT_2D_SIZE). */
export function parseCube(text: string, options: ParseOptions = {}): LutFile {
  const lines = splitLines(text);
  const comments: string[] = [];
  let title: string | undefined;
  let size1d: Declared<number> | undefined;
  let size3d: Declared<number> | undefined;
  let domainMin: Declared<Vector3> | undefined;
  let domainMax: Declared<Vector3> | undefined;
  let range1d: Declared<{ min: Vector3; max: Vector3 }> | undefined;
  let range3d: Declared<{ min: Vector3; max: Vector3 }> | undefined;

  // 1. The header: keywords and comments up to the first data line.
  let at = 0;
  for (; at < lines.length; at++) {
    const line = lines[at]!;
    const number = at + 1;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      comments.push(trimmed.slice(1).trim());
      continue;
    }
    const parts = tokens(trimmed);
    const keyword = parts[0]!.toUpperCase();
    if (!/^[A-Z_][A-Z0-9_]*$/.test(keyword) || /^(?:NAN|INF)/.test(keyword)) break; // the first data line
    const args = parts.slice(1);
    switch (keyword) {
      case 'TITLE': {
        const match = /^\S+\s+"(.*)"\s*$/.exec(trimmed);
        title = match !== null ? match[1]! : args.join(' ');
        break;
      }
      case 'LUT_1D_SIZE':
      case 'LUT_3D_SIZE': {
        const is1d = keyword === 'LUT_1D_SIZE';
        const max = is1d ? CUBE_MAX_1D_SIZE : CUBE_MAX_3D_SIZE;
        const size = args.length === 1 ? parseInteger(args[0]!) : undefined;
        if (size === undefined || size < 2 || size > max) {
          throw parseError(FORMAT, number, `${keyword} must be one integer from 2 to ${max}, found ${quote(args.join(' '))}`, options);
        }
        if (is1d) size1d = { value: size, line: number };
        else size3d = { value: size, line: number };
        break;
      }
      case 'LUT_2D_SIZE':
        throw unsupportedError(FORMAT, number, '2D LUTs (LUT_2D_SIZE) are not supported', options);
      case 'DOMAIN_MIN':
      case 'DOMAIN_MAX': {
        const values = readNumbers(args, 3, `three numbers after ${keyword}`, FORMAT, number, trimmed, options);
        const triple: Vector3 = [values[0]!, values[1]!, values[2]!];
        if (keyword === 'DOMAIN_MIN') domainMin = { value: triple, line: number };
        else domainMax = { value: triple, line: number };
        break;
      }
      case 'LUT_1D_INPUT_RANGE':
      case 'LUT_3D_INPUT_RANGE': {
        const values = readNumbers(args, 2, `two numbers (min max) after ${keyword}`, FORMAT, number, trimmed, options);
        const lo = values[0]!;
        const hi = values[1]!;
        if (!(lo < hi)) throw parseError(FORMAT, number, `${keyword} needs min < max, found ${lo} ${hi}`, options);
        const range = { value: { min: [lo, lo, lo] as Vector3, max: [hi, hi, hi] as Vector3 }, line: number };
        if (keyword === 'LUT_1D_INPUT_RANGE') range1d = range;
        else range3d = range;
        break;
      }
      default:
        // Vendors' additions (LUT_IN_VIDEO_RANGE, ...) are ignored; anything else is an error.
        if (!/^[A-Z][A-Z0-9]*_[A-Z0-9_]*$/.test(parts[0]!)) {
          throw parseError(FORMAT, number, `unknown keyword ${JSON.stringify(parts[0])} (expected TITLE, LUT_1D_SIZE, LUT_3D_SIZE, DOMAIN_MIN, DOMAIN_MAX or the table)`, options);
        }
        break;
    }
  }

  // 2. What the header declares.
  if (size1d === undefined && size3d === undefined) {
    throw parseError(FORMAT, Math.min(at + 1, Math.max(lines.length, 1)), 'no LUT_1D_SIZE or LUT_3D_SIZE before the data', options);
  }
  if (domainMin !== undefined || domainMax !== undefined) {
    const min = domainMin?.value ?? [0, 0, 0];
    const max = domainMax?.value ?? [1, 1, 1];
    for (let c = 0; c < 3; c++) {
      if (!(min[c]! < max[c]!)) {
        const line = Math.max(domainMin?.line ?? 0, domainMax?.line ?? 0);
        throw parseError(FORMAT, line, `DOMAIN_MIN must be below DOMAIN_MAX in every channel, found [${min.join(' ')}] and [${max.join(' ')}]`, options);
      }
    }
  }
  const entries1d = size1d?.value ?? 0;
  const entries3d = size3d === undefined ? 0 : size3d.value ** 3;
  const total = entries1d + entries3d;
  const declaredAt = Math.max(size1d?.line ?? 0, size3d?.line ?? 0);
  // Check the declared count against the lines present before allocating.
  if (total > lines.length - at) {
    throw parseError(
      FORMAT,
      lines.length,
      `the file ends after ${lines.length - at} lines of data, fewer than the ${total} entries declared on line ${declaredAt}`,
      options,
    );
  }

  // 3. The table: 1D entries first, then the 3D lattice.
  const data1d = new Float32Array(entries1d * 3);
  const data3d = new Float32Array(entries3d * 3);
  let count = 0;
  for (; at < lines.length; at++) {
    const line = lines[at]!;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const number = at + 1;
    const parts = tokens(trimmed);
    if (KEYWORDS.has(parts[0]!.toUpperCase())) {
      throw parseError(FORMAT, number, `the keyword ${parts[0]} comes after the table has started; keywords belong in the header`, options);
    }
    if (count >= total) {
      throw parseError(FORMAT, number, `more entries than the ${total} declared on line ${declaredAt}`, options);
    }
    const values = readNumbers(parts, 3, 'three numbers (red green blue)', FORMAT, number, trimmed, options);
    if (count < entries1d) data1d.set(values, count * 3);
    else data3d.set(values, (count - entries1d) * 3);
    count++;
  }
  if (count < total) {
    throw parseError(FORMAT, Math.max(lines.length, 1), `the file ends after ${count} of the ${total} entries declared on line ${declaredAt}`, options);
  }

  // 4. The steps, with their domains: *_INPUT_RANGE where given, else DOMAIN_MIN/MAX for the first
  // (input) LUT, else [0, 1].
  const steps: LutStep[] = [];
  const domain = (range: Declared<{ min: Vector3; max: Vector3 }> | undefined, first: boolean): { domainMin?: Vector3; domainMax?: Vector3 } => {
    if (range !== undefined) return { domainMin: range.value.min, domainMax: range.value.max };
    if (first) return { ...(domainMin !== undefined ? { domainMin: domainMin.value } : {}), ...(domainMax !== undefined ? { domainMax: domainMax.value } : {}) };
    return {};
  };
  if (size1d !== undefined) steps.push(createLut1D({ size: size1d.value, channels: 3, data: data1d, ...domain(range1d, true) }));
  if (size3d !== undefined) steps.push(createLut3D({ size: size3d.value, data: data3d, ...domain(range3d, size1d === undefined) }));
  return { format: 'cube', ...(title !== undefined ? { title } : {}), comments, steps };
}

export interface WriteCubeOptions {
  /** TITLE (defaults to the LUT file's title, if any). */
  title?: string;
  /** Comment lines written at the top (defaults to the LUT file's comments). */
  comments?: readonly string[];
}

/**
 * The shortest decimal that reads back as the same 32-bit float, so a written LUT parses back to
 * exactly the values it was written from.
 */
export function formatFloat32(value: number): string {
  const target = Math.fround(value);
  if (target === 0) return '0';
  if (!Number.isFinite(target)) return String(target);
  const fits = (digits: number): string | undefined => {
    const text = target.toPrecision(digits);
    return Math.fround(Number(text)) === target ? text : undefined;
  };
  // Computed values mostly need 7 to 9 significant digits and short ones (0.5) fewer: try 6 first,
  // then search down or up from there.
  let best = fits(6);
  if (best !== undefined) {
    for (let digits = 5; digits >= 1; digits--) {
      const shorter = fits(digits);
      if (shorter === undefined) break;
      best = shorter;
    }
  } else {
    for (let digits = 7; digits <= 9 && best === undefined; digits++) best = fits(digits);
  }
  const text = best ?? target.toPrecision(9);
  return text.includes('e') ? Number(text).toString() : text;
}

function isUnitDomain(min: Vector3, max: Vector3): boolean {
  return min.every((v) => v === 0) && max.every((v) => v === 1);
}

function sameInAllChannels(v: Vector3): boolean {
  return v[0] === v[1] && v[1] === v[2];
}

/**
 * Writes a .cube file: one 1D LUT, one 3D LUT (Adobe form, with DOMAIN_MIN/MAX when the domain is
 * not [0, 1]), or a 1D shaper followed by a 3D LUT (Resolve form, with LUT_1D_INPUT_RANGE and
 * LUT_3D_INPUT_RANGE, which need the same range in every channel). Values are written with the
 * fewest digits that read back as the same 32-bit float, so `parseCube(writeCube(lut))` returns
 * exactly the same data.
 */
export function writeCube(lut: LutInput, options: WriteCubeOptions = {}): string {
  const steps = lutSteps(lut);
  const file = !Array.isArray(lut) && 'steps' in (lut as LutFile) ? (lut as LutFile) : undefined;
  const title = options.title ?? file?.title;
  const comments = options.comments ?? file?.comments ?? [];
  const bad = (message: string) => colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `cannot write .cube: ${message}`);
  const kinds = steps.map((step) => step.kind).join(',');
  let lut1d: Lut1D | undefined;
  let lut3d: Lut3D | undefined;
  if (kinds === 'lut1d') lut1d = steps[0] as Lut1D;
  else if (kinds === 'lut3d') lut3d = steps[0] as Lut3D;
  else if (kinds === 'lut1d,lut3d') {
    lut1d = steps[0] as Lut1D;
    lut3d = steps[1] as Lut3D;
  } else throw bad(`a .cube holds a 1D LUT, a 3D LUT, or a 1D shaper then a 3D LUT; found [${kinds}]`);
  if (lut1d !== undefined && lut1d.size > CUBE_MAX_1D_SIZE) throw bad(`LUT_1D_SIZE ${lut1d.size} is above the format's ${CUBE_MAX_1D_SIZE}`);
  if (lut3d !== undefined && lut3d.size > CUBE_MAX_3D_SIZE) throw bad(`LUT_3D_SIZE ${lut3d.size} is above the format's ${CUBE_MAX_3D_SIZE}`);

  const out: string[] = [];
  for (const comment of comments) out.push(comment === '' ? '#' : `# ${comment}`);
  if (title !== undefined) out.push(`TITLE "${title.replaceAll('"', "'")}"`);
  const triple = (v: Vector3) => `${formatFloat32(v[0])} ${formatFloat32(v[1])} ${formatFloat32(v[2])}`;
  const shaper = lut1d !== undefined && lut3d !== undefined;
  if (lut1d !== undefined) {
    out.push(`LUT_1D_SIZE ${lut1d.size}`);
    if (shaper) {
      if (!sameInAllChannels(lut1d.domainMin) || !sameInAllChannels(lut1d.domainMax)) throw bad('LUT_1D_INPUT_RANGE needs the same range in every channel');
      out.push(`LUT_1D_INPUT_RANGE ${formatFloat32(lut1d.domainMin[0])} ${formatFloat32(lut1d.domainMax[0])}`);
    } else if (!isUnitDomain(lut1d.domainMin, lut1d.domainMax)) {
      out.push(`DOMAIN_MIN ${triple(lut1d.domainMin)}`, `DOMAIN_MAX ${triple(lut1d.domainMax)}`);
    }
  }
  if (lut3d !== undefined) {
    out.push(`LUT_3D_SIZE ${lut3d.size}`);
    if (shaper) {
      if (!sameInAllChannels(lut3d.domainMin) || !sameInAllChannels(lut3d.domainMax)) throw bad('LUT_3D_INPUT_RANGE needs the same range in every channel');
      out.push(`LUT_3D_INPUT_RANGE ${formatFloat32(lut3d.domainMin[0])} ${formatFloat32(lut3d.domainMax[0])}`);
    } else if (!isUnitDomain(lut3d.domainMin, lut3d.domainMax)) {
      out.push(`DOMAIN_MIN ${triple(lut3d.domainMin)}`, `DOMAIN_MAX ${triple(lut3d.domainMax)}`);
    }
  }
  out.push('');
  if (lut1d !== undefined) {
    const { data, channels } = lut1d;
    for (let i = 0; i < lut1d.size; i++) {
      const at = i * channels;
      const r = data[at]!;
      out.push(channels === 1 ? `${formatFloat32(r)} ${formatFloat32(r)} ${formatFloat32(r)}` : `${formatFloat32(r)} ${formatFloat32(data[at + 1]!)} ${formatFloat32(data[at + 2]!)}`);
    }
  }
  if (lut3d !== undefined) {
    const { data } = lut3d;
    for (let at = 0; at < data.length; at += 3) out.push(`${formatFloat32(data[at]!)} ${formatFloat32(data[at + 1]!)} ${formatFloat32(data[at + 2]!)}`);
  }
  return `${out.join('\n')}\n`;
}
