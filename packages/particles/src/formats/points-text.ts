/**
 * Point text files: one point per line, numbers separated by white space or commas.
 *
 * - `.pts` (Leica): a line with the point count (repeated before each scan when there are
 *   several), then `x y z [intensity] [r g b]` (colour 0-255).
 * - `.xyz`: `x y z` and optional more columns; a first line `//x y z red green blue` (as
 *   CloudCompare writes) names them.
 * - `.csv`: a header line naming the columns (`x,y,z,red,green,blue,...`), commas between values.
 *
 * Without names, columns are read by count: 3 `x y z`, 4 `x y z intensity`, 6 `x y z r g b` when
 * the last three are whole numbers 0-255 (else `x y z nx ny nz`), 7 `x y z intensity r g b`; other
 * counts `x y z column3 ...`, and `columns` in the read options overrides all of this. Named columns
 * group as in PLY (x y z -> P, ...). Lines starting with `#` are comments. Unlike partio's PTS
 * reader, y and z are not swapped: the file's axes are kept.
 *
 * Floats are kept as float64 (the text may hold more than float32); colour columns of whole
 * numbers 0-255 become integers with `normalizedMax` 255, whole-number `id` columns integers.
 */
import { decodeUtf8, encodeUtf8 } from '@vfxkit/core';
import { partError, PartErrorCode, withPartErrors } from '../errors.js';
import { gzipBytes } from '../io/compression.js';
import { formatFloat64, parseNumberToken } from '../io/text.js';
import { attributeInfo, createParticleSet, getAttribute, validateParticleSet } from '../model.js';
import type { AttributeInfo, ParticleAttribute, ParticleInfo, ParticleSet } from '../model.js';
import { checkCount, keepWritable } from './common.js';
import { columnNames, groupColumns } from './columns.js';
import type { ParticleFormat, ReadParticlesOptions, WriteParticlesOptions } from './types.js';

type Flavour = 'pts' | 'xyz' | 'csv';
const NAMES: Record<Flavour, string> = { pts: 'PTS', xyz: 'XYZ', csv: 'CSV' };

function splitLine(line: string): string[] {
  return line.split(/[\s,;]+/).filter((t) => t.length > 0);
}

function isNumeric(token: string): boolean {
  return !Number.isNaN(parseNumberToken(token)) || /^[+-]?nan$/i.test(token);
}

interface Table {
  names: string[];
  rows: number;
  /** Column-major values. */
  values: Float64Array[];
  notes: string[];
}

function readTable(text: string, flavour: Flavour, options: ReadParticlesOptions | undefined, decode: boolean): Table {
  const name = NAMES[flavour];
  const lines = text.split(/\r?\n/);
  let names: string[] | undefined = options?.columns;
  const notes: string[] = [];
  let first = 0;
  // A header line: `//names`, or (csv) a first line that is not all numbers.
  while (first < lines.length && lines[first]!.trim() === '') first++;
  const head = lines[first]?.trim() ?? '';
  if (head.startsWith('//') || (head.length > 0 && !head.startsWith('#') && !splitLine(head).every(isNumeric))) {
    names ??= splitLine(head.replace(/^\/\/\s*/, '')).map((n) => n.replace(/^"|"$/g, ''));
    first++;
  }
  // Data lines: skip comments and (pts) count lines.
  const data: string[][] = [];
  let width = names?.length ?? -1;
  let countLines = 0;
  const limit = options?.maxParticles ?? 2 ** 28;
  for (let i = first; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//')) continue;
    const tokens = splitLine(line);
    if (tokens.length === 1 && width !== 1 && /^[0-9]+$/.test(tokens[0]!)) {
      countLines++;
      continue;
    }
    if (width < 0) width = tokens.length;
    if (tokens.length < width) {
      throw partError(PartErrorCode.PART_CORRUPT, `${name}: line ${i + 1} has ${tokens.length} values, ${width} expected`);
    }
    data.push(tokens);
    if (data.length > limit) checkCount(data.length, options, name);
  }
  if (countLines > 0) notes.push(flavour === 'pts' ? `${countLines} point count line${countLines === 1 ? '' : 's'} skipped` : `${countLines} single-number lines skipped`);
  if (width < 0) width = names?.length ?? 3;
  if (names === undefined) {
    const sample = data.slice(0, 1000);
    const isByte = (k: number) => sample.every((row) => /^[0-9]+$/.test(row[k]!) && Number(row[k]) <= 255);
    switch (width) {
      case 3:
        names = ['x', 'y', 'z'];
        break;
      case 4:
        names = ['x', 'y', 'z', 'intensity'];
        break;
      case 6:
        names = isByte(3) && isByte(4) && isByte(5) ? ['x', 'y', 'z', 'red', 'green', 'blue'] : ['x', 'y', 'z', 'nx', 'ny', 'nz'];
        break;
      case 7:
        names = ['x', 'y', 'z', 'intensity', 'red', 'green', 'blue'];
        break;
      default:
        names = Array.from({ length: width }, (_, k) => (k < 3 ? 'xyz'[k]! : `column${k}`));
    }
  }
  if (names.length !== width) throw partError(PartErrorCode.PART_CORRUPT, `${name}: ${names.length} column names for ${width} values per line`);
  checkCount(data.length, options, name);
  const values = decode ? names.map(() => new Float64Array(data.length)) : [];
  if (decode) {
    for (let r = 0; r < data.length; r++) {
      const row = data[r]!;
      for (let k = 0; k < width; k++) values[k]![r] = parseNumberToken(row[k]!);
    }
  }
  return { names, rows: data.length, values, notes };
}

function parse(bytes: Uint8Array, flavour: Flavour, options: ReadParticlesOptions | undefined, decode: boolean): { set?: ParticleSet; info: ParticleInfo } {
  const table = readTable(decodeUtf8(bytes), flavour, options, true);
  const name = NAMES[flavour];
  const columns = table.names.map((n, k) => {
    const column = table.values[k]!;
    let whole = true;
    let byte = true;
    for (let i = 0; i < column.length; i++) {
      const v = column[i]!;
      if (!Number.isInteger(v)) whole = byte = false;
      else if (v < 0 || v > 255) byte = false;
    }
    const lower = n.toLowerCase();
    const isColour = ['red', 'green', 'blue', 'r', 'g', 'b', 'alpha'].includes(lower);
    const storage: 'uint8' | 'int32' | 'float64' = isColour && byte && column.length > 0 ? 'uint8' : whole && /(^|_)id$/.test(lower) ? 'int32' : 'float64';
    return { name: n, storage };
  });
  const groups = groupColumns(columns);
  const infos: AttributeInfo[] = groups.map((g) => {
    const info: AttributeInfo = { name: g.name, type: g.type, width: g.columns.length, storage: g.storage };
    if (g.interpretation !== undefined) info.interpretation = g.interpretation;
    return info;
  });
  const info: ParticleInfo = { format: flavour, formatName: name, count: table.rows, attributes: infos, fixed: [], notes: table.notes };
  if (!decode) return { info };
  const set = createParticleSet(table.rows);
  set.format = flavour;
  set.notes = table.notes;
  for (const group of groups) {
    const width = group.columns.length;
    const data = group.storage === 'float64' ? new Float64Array(table.rows * width) : new Int32Array(table.rows * width);
    group.columns.forEach((c, k) => {
      const column = table.values[c]!;
      for (let i = 0; i < table.rows; i++) data[i * width + k] = column[i]!;
    });
    const attribute: ParticleAttribute = { name: group.name, type: group.type, width, data, storage: group.storage };
    if (group.normalizedMax !== undefined) attribute.normalizedMax = group.normalizedMax;
    if (group.interpretation !== undefined) attribute.interpretation = group.interpretation;
    set.attributes.push(attribute);
  }
  info.attributes = set.attributes.map(attributeInfo);
  return { set, info };
}

function formatValue(attribute: ParticleAttribute, value: number, asByte: boolean): string {
  if (asByte) return String(Math.max(0, Math.min(255, Math.round(value * 255))));
  if (attribute.type === 'int' || attribute.type === 'indexedString') return String(Math.trunc(value));
  // Text is read back as float64: print the exact value (a float32 too) so it round-trips.
  return formatFloat64(value);
}

function write(set: ParticleSet, flavour: Flavour, options: WriteParticlesOptions): Uint8Array {
  validateParticleSet(set);
  const name = NAMES[flavour];
  keepWritable(set.fixed, () => false, options, name, 'fixed attributes');
  let attributes: ParticleAttribute[];
  if (flavour === 'pts') {
    // x y z [intensity] [r g b]: nothing else has a place.
    const allowed = (a: ParticleAttribute) => (a.name === 'P' && a.width === 3) || (a.name === 'intensity' && a.width === 1) || (a.name === 'Cd' && a.width === 3);
    keepWritable(set.attributes, allowed, options, name, 'attributes (PTS holds x y z, intensity and r g b)');
    attributes = ['P', 'intensity', 'Cd'].map((n) => getAttribute(set, n)).filter((a): a is ParticleAttribute => a !== undefined && allowed(a));
    if (attributes[0]?.name !== 'P') throw partError(PartErrorCode.PART_BAD_ARGUMENT, `${name}: the set needs a 'P' attribute of width 3`);
  } else {
    attributes = keepWritable(set.attributes, (a) => a.type !== 'indexedString', options, name, 'attributes (numbers only)');
    const position = attributes.find((a) => a.name === 'P');
    if (position !== undefined) attributes = [position, ...attributes.filter((a) => a !== position)];
  }
  // Float colours are written 0-255 in PTS (the format's convention); elsewhere as stored.
  const asByte = (a: ParticleAttribute) => flavour === 'pts' && a.name === 'Cd' && (a.type === 'float' || a.type === 'vector');
  const separator = flavour === 'csv' ? ',' : ' ';
  const lines: string[] = [];
  if (flavour === 'pts') lines.push(String(set.count));
  else lines.push(`${flavour === 'xyz' ? '//' : ''}${attributes.flatMap(columnNames).join(separator)}`);
  for (let i = 0; i < set.count; i++) {
    const parts: string[] = [];
    for (const a of attributes) {
      const byte = asByte(a);
      for (let k = 0; k < a.width; k++) parts.push(formatValue(a, a.data[i * a.width + k]!, byte));
    }
    lines.push(parts.join(separator));
  }
  lines.push('');
  const out = encodeUtf8(lines.join('\n'));
  return options.gzip ? gzipBytes(out, options.level) : out;
}

function makeFormat(flavour: Flavour, fullName: string, mimeTypes: string[]): ParticleFormat {
  return {
    id: flavour,
    name: fullName,
    family: 'text',
    extensions: [flavour, ...(flavour === 'xyz' ? ['txt', 'asc'] : [])],
    mimeTypes,
    binary: false,
    inspect: (bytes, options) => withPartErrors(() => parse(bytes, flavour, options, false).info, NAMES[flavour]),
    read: (bytes, options) => withPartErrors(() => parse(bytes, flavour, options, true).set!, NAMES[flavour]),
    write: (set, options) => write(set, flavour, options ?? {}),
  };
}

export const ptsFormat = makeFormat('pts', 'Leica point text (PTS)', ['text/plain']);
export const xyzFormat = makeFormat('xyz', 'XYZ point text', ['text/plain']);
export const csvFormat = makeFormat('csv', 'CSV point table', ['text/csv']);

export const readPts = ptsFormat.read;
export const readXyz = xyzFormat.read;
export const readCsv = csvFormat.read;
