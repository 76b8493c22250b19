/**
 * Sony Pictures Imageworks LUT formats: .spi1d, .spi3d and .spimtx.
 *
 * These formats have no published specification; OpenColorIO's readers (FileFormatSpi1D.cpp,
 * FileFormatSpi3D.cpp, FileFormatSpiMtx.cpp) define them, and we read what they read:
 * - .spi1d: header lines `Version 1`, `From min max`, `Length N`, `Components C` (1, 2 or 3), then
 *   `{`, N lines of C numbers, `}`. One component applies to all three channels; two give red and
 *   green with blue 0 (as OpenColorIO does). Inputs map from [min, max] and clamp to it. OCIO allows
 *   2 to 300000 entries.
 * - .spi3d: `SPILUT 1.0`, a line OCIO ignores (`3 3`), the lattice size `N N N`, then N^3 lines
 *   `r g b R G B` (lattice indices, then the output), in any order. Domain [0, 1].
 * - .spimtx: twelve numbers, a 3x4 matrix row by row; the fourth column is an offset in 16-bit code
 *   values, so OCIO divides it by 65535.
 * We are stricter than OCIO in one way: a malformed line is an error naming it (OCIO's spi3d
 * reader skips such lines silently).
 */
import { matrix3 } from '../matrix.js';
import type { Vector3 } from '../matrix.js';
import { createLut1D, createLut3D } from './model.js';
import type { LutFile } from './model.js';
import { parseError, parseInteger, parseNumber, quote, readNumbers, splitLines, tokens, unsupportedError } from './text.js';
import type { ParseOptions } from './text.js';

/** OpenColorIO's limit on .spi1d lengths. */
export const SPI1D_MAX_LENGTH = 300000;
/** The largest .spi3d lattice we read (the .cube limit; OCIO itself stops at 129). */
export const SPI3D_MAX_SIZE = 256;

/** Parses the text of an .spi1d file. */
export function parseSpi1d(text: string, options: ParseOptions = {}): LutFile {
  const FORMAT = '.spi1d';
  const lines = splitLines(text);
  let version: number | undefined;
  let from: [number, number] = [0, 1];
  let length: number | undefined;
  let lengthLine = 0;
  let components: number | undefined;

  // 1. The header, up to the line starting with '{'.
  let at = 0;
  for (; at < lines.length; at++) {
    const trimmed = lines[at]!.trim();
    const number = at + 1;
    if (trimmed.startsWith('{')) break;
    const parts = tokens(trimmed);
    if (parts.length === 0) continue;
    const tag = parts[0]!;
    const args = parts.slice(1);
    if (tag === 'Version') {
      version = args.length === 1 ? parseInteger(args[0]!) : undefined;
      if (version === undefined) throw parseError(FORMAT, number, `expected "Version 1", found ${quote(trimmed)}`, options);
      if (version !== 1) throw parseError(FORMAT, number, `only Version 1 exists, found ${quote(trimmed)}`, options);
    } else if (tag === 'From') {
      const values = readNumbers(args, 2, 'two numbers after From (min max)', FORMAT, number, trimmed, options);
      if (!(values[0]! < values[1]!)) throw parseError(FORMAT, number, `From needs min < max, found ${quote(trimmed)}`, options);
      from = [values[0]!, values[1]!];
    } else if (tag === 'Length') {
      length = args.length === 1 ? parseInteger(args[0]!) : undefined;
      if (length === undefined || length < 2 || length > SPI1D_MAX_LENGTH) {
        throw parseError(FORMAT, number, `Length must be one integer from 2 to ${SPI1D_MAX_LENGTH}, found ${quote(trimmed)}`, options);
      }
      lengthLine = number;
    } else if (tag === 'Components') {
      components = args.length === 1 ? parseInteger(args[0]!) : undefined;
      if (components === undefined || components < 1 || components > 3) {
        throw parseError(FORMAT, number, `Components must be 1, 2 or 3, found ${quote(trimmed)}`, options);
      }
    }
    // Other header lines are ignored, as OpenColorIO ignores them.
  }
  const headerEnd = Math.min(at + 1, Math.max(lines.length, 1));
  if (at >= lines.length) throw parseError(FORMAT, headerEnd, 'no "{" opening the table', options);
  if (version === undefined) throw parseError(FORMAT, headerEnd, 'no "Version 1" line before the table', options);
  if (length === undefined) throw parseError(FORMAT, headerEnd, 'no "Length N" line before the table', options);
  if (components === undefined) throw parseError(FORMAT, headerEnd, 'no "Components N" line before the table', options);
  if (length > lines.length - at) {
    throw parseError(FORMAT, lines.length, `the file ends after ${lines.length - at} lines, fewer than the Length ${length} declared on line ${lengthLine}`, options);
  }

  // 2. The table, one entry per line, up to '}'.
  const channels = components === 1 ? 1 : 3;
  const data = new Float32Array(length * channels);
  let count = 0;
  let closed = false;
  const opening = lines[at]!.trim().slice(1).trim();
  if (opening !== '') throw parseError(FORMAT, at + 1, `expected "{" alone on its line, found ${quote(lines[at]!)}`, options);
  for (at++; at < lines.length; at++) {
    const trimmed = lines[at]!.trim();
    const number = at + 1;
    if (trimmed === '') continue;
    if (trimmed === '}') {
      closed = true;
      break;
    }
    if (count >= length) throw parseError(FORMAT, number, `more entries than the Length ${length} declared on line ${lengthLine}`, options);
    const values = readNumbers(tokens(trimmed), components, `${components} number${components === 1 ? '' : 's'} per line (Components ${components})`, FORMAT, number, trimmed, options);
    if (channels === 1) data[count] = values[0]!;
    else data.set([values[0]!, values[1]!, components === 3 ? values[2]! : 0], count * 3);
    count++;
  }
  if (!closed) throw parseError(FORMAT, Math.max(lines.length, 1), `the file ends without the closing "}" (after ${count} of ${length} entries)`, options);
  if (count < length) throw parseError(FORMAT, at + 1, `the table closes after ${count} of the Length ${length} entries declared on line ${lengthLine}`, options);

  const lut = createLut1D({ size: length, channels, data, domainMin: [from[0], from[0], from[0]], domainMax: [from[1], from[1], from[1]] });
  return { format: 'spi1d', comments: [], steps: [lut] };
}

/** Parses the text of an .spi3d file. */
export function parseSpi3d(text: string, options: ParseOptions = {}): LutFile {
  const FORMAT = '.spi3d';
  const lines = splitLines(text);
  // 1. "SPILUT 1.0", an ignored line, the lattice size.
  if (lines.length === 0 || !/^spilut/i.test(lines[0]!.trim())) {
    throw parseError(FORMAT, 1, `expected "SPILUT 1.0", found ${quote(lines[0] ?? '')}`, options);
  }
  if (lines.length < 3) throw parseError(FORMAT, lines.length, 'the file ends before the lattice size (line 3)', options);
  const sizeParts = tokens(lines[2]!);
  const sizes = sizeParts.length === 3 ? sizeParts.map(parseInteger) : [];
  if (sizes.length !== 3 || sizes.some((s) => s === undefined)) {
    throw parseError(FORMAT, 3, `expected the lattice size as three integers ("32 32 32"), found ${quote(lines[2]!)}`, options);
  }
  const [rSize, gSize, bSize] = sizes as [number, number, number];
  if (rSize !== gSize || rSize !== bSize) {
    throw unsupportedError(FORMAT, 3, `only cubic lattices are supported (as in OpenColorIO), found ${rSize}x${gSize}x${bSize}`, options);
  }
  const size = rSize;
  if (size < 2 || size > SPI3D_MAX_SIZE) throw parseError(FORMAT, 3, `the lattice size must be from 2 to ${SPI3D_MAX_SIZE}, found ${size}`, options);
  const total = size * size * size;
  if (total > lines.length - 3) {
    throw parseError(FORMAT, lines.length, `the file ends after ${lines.length - 3} lines, fewer than the ${total} entries of a ${size}^3 lattice`, options);
  }

  // 2. The entries, in any order; once every lattice point is set the rest of the file is ignored
  // (OpenColorIO stops reading there too).
  const data = new Float32Array(total * 3);
  const seen = new Uint8Array(total);
  let remaining = total;
  let at = 3;
  for (; at < lines.length && remaining > 0; at++) {
    const trimmed = lines[at]!.trim();
    if (trimmed === '') continue;
    const number = at + 1;
    const parts = tokens(trimmed);
    if (parts.length !== 6) throw parseError(FORMAT, number, `expected "r g b R G B" (three lattice indices, three values), found ${quote(trimmed)}`, options);
    const index: number[] = [];
    for (let i = 0; i < 3; i++) {
      const value = parseInteger(parts[i]!);
      if (value === undefined) throw parseError(FORMAT, number, `the lattice index ${JSON.stringify(parts[i])} is not an integer (in ${quote(trimmed)})`, options);
      if (value >= size) throw parseError(FORMAT, number, `the lattice index ${value} is outside the ${size}^3 lattice (in ${quote(trimmed)})`, options);
      index.push(value);
    }
    const values = readNumbers(parts.slice(3), 3, 'three values after the indices', FORMAT, number, trimmed, options);
    const entry = (index[2]! * size + index[1]!) * size + index[0]!;
    data.set(values, entry * 3);
    if (seen[entry] === 0) {
      seen[entry] = 1;
      remaining--;
    }
  }
  if (remaining > 0) {
    const missing = seen.indexOf(0);
    const r = missing % size;
    const g = Math.floor(missing / size) % size;
    const b = Math.floor(missing / (size * size));
    throw parseError(FORMAT, Math.max(lines.length, 1), `the file ends with ${remaining} of the ${total} lattice entries missing (the first: ${r} ${g} ${b})`, options);
  }
  return { format: 'spi3d', comments: [], steps: [createLut3D({ size, data })] };
}

/** Parses the text of an .spimtx file. */
export function parseSpimtx(text: string, options: ParseOptions = {}): LutFile {
  const FORMAT = '.spimtx';
  const lines = splitLines(text);
  const values: number[] = [];
  for (let at = 0; at < lines.length; at++) {
    for (const part of tokens(lines[at]!)) {
      const value = parseNumber(part);
      if (value === undefined) throw parseError(FORMAT, at + 1, `${JSON.stringify(part)} is not a number (in ${quote(lines[at]!)})`, options);
      if (values.length === 12) throw parseError(FORMAT, at + 1, 'more than the 12 numbers of a 3x4 matrix', options);
      values.push(value);
    }
  }
  if (values.length !== 12) {
    throw parseError(FORMAT, Math.max(lines.length, 1), `expected 12 numbers (a 3x4 matrix, row by row), found ${values.length}`, options);
  }
  // Values are read as 32-bit floats, as OpenColorIO reads them; the offset column is in 16-bit code
  // values.
  const f = values.map(Math.fround);
  const offset: Vector3 = [f[3]! / 65535, f[7]! / 65535, f[11]! / 65535];
  return {
    format: 'spimtx',
    comments: [],
    steps: [{ kind: 'matrix', matrix: matrix3([f[0]!, f[1]!, f[2]!, f[4]!, f[5]!, f[6]!, f[8]!, f[9]!, f[10]!]), offset }],
  };
}
