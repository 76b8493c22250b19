/**
 * Houdini's classic ASCII geometry, `.geo` before Houdini 12 (`.hclassic` today): "PGEOMETRY V5",
 * as partio reads and writes it (partio `src/lib/io/GEO.cpp`).
 *
 *   1. `PGEOMETRY V5`, then `NPoints n NPrims n NPointGroups n NPrimGroups n NPointAttrib n
 *      NVertexAttrib n NPrimAttrib n NAttrib n`
 *   2. `PointAttrib`, then one line per attribute: `name size type defaults...` (type float, int,
 *      vector) or `name size index count "string" ...`
 *   3. one line per point: `x y z w (values...)`, the parenthesis only when there are attributes
 *   4. primitives and groups (skipped), then `DetailAttrib` with its definitions and one
 *      `(values...)` line: the fixed attributes; `beginExtra` / `endExtra` close the file
 */
import { partError, PartErrorCode, withPartErrors } from '../errors.js';
import { gzipBytes } from '../io/compression.js';
import { formatFloat32, TextScanner } from '../io/text.js';
import { attributeInfo, createParticleSet, getAttribute, validateParticleSet } from '../model.js';
import type { AttributeInfo, AttributeType, ParticleAttribute, ParticleInfo, ParticleSet } from '../model.js';
import { checkCount, newAttribute, withFloatColours } from './common.js';
import type { ParticleFormat, ReadParticlesOptions, WriteParticlesOptions } from './types.js';
import { startsWith } from './types.js';
import { encodeUtf8 } from '@vfxkit/core';

const NAME = 'classic GEO';

interface Definition {
  name: string;
  size: number;
  type: AttributeType;
  strings?: string[];
}

const HEADER_KEYS = ['NPoints', 'NPrims', 'NPointGroups', 'NPrimGroups', 'NPointAttrib', 'NVertexAttrib', 'NPrimAttrib', 'NAttrib'] as const;

function readDefinitions(scanner: TextScanner, count: number, what: string): Definition[] {
  const out: Definition[] = [];
  for (let i = 0; i < count; i++) {
    const name = scanner.need(`${what} name`);
    const size = scanner.integer(`size of ${what} '${name}'`);
    if (size < 1 || size > 0xffff) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: ${what} '${name}' has size ${size}`);
    const typeName = scanner.need(`type of ${what} '${name}'`);
    if (typeName === 'index') {
      const count = scanner.integer(`string count of '${name}'`);
      if (count < 0 || count > scanner.text.length) throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: '${name}' declares ${count} strings`);
      const strings: string[] = [];
      for (let s = 0; s < count; s++) strings.push(scanner.stringToken(`string ${s} of '${name}'`));
      out.push({ name, size, type: 'indexedString', strings });
      continue;
    }
    const type: AttributeType | undefined = typeName === 'float' ? 'float' : typeName === 'int' ? 'int' : typeName === 'vector' ? 'vector' : undefined;
    if (type === undefined) {
      if (typeName === 'string') throw partError(PartErrorCode.PART_UNSUPPORTED, `${NAME}: ${what} '${name}' has the old 'string' type, which partio does not read either`);
      throw partError(PartErrorCode.PART_UNKNOWN_TYPE, `${NAME}: ${what} '${name}' has type '${typeName}'; known types are float, int, vector, index`);
    }
    for (let k = 0; k < size; k++) scanner.number(`default of '${name}'`);
    out.push({ name, size, type });
  }
  return out;
}

function toAttribute(definition: Definition, elements: number): ParticleAttribute {
  const storage = definition.type === 'float' || definition.type === 'vector' ? 'float32' : 'int32';
  const attribute = newAttribute(definition.name, definition.type, definition.size, elements, storage);
  if (definition.strings !== undefined) attribute.strings = definition.strings;
  return attribute;
}

function parse(bytes: Uint8Array, options: ReadParticlesOptions | undefined, decode: boolean): { set?: ParticleSet; info: ParticleInfo } {
  const scanner = new TextScanner(bytes, NAME);
  // Step 1: header.
  scanner.expect('PGEOMETRY', 'magic');
  const version = scanner.need('version');
  if (version !== 'V5') throw partError(PartErrorCode.PART_UNSUPPORTED_VERSION, `${NAME}: version ${version}; only V5 is readable`);
  const header: Record<string, number> = {};
  for (const key of HEADER_KEYS) {
    scanner.expect(key, 'header');
    header[key] = scanner.integer(key);
  }
  const count = header['NPoints']!;
  checkCount(count, options, NAME);
  // Step 2: point attribute definitions.
  const pointAttributes = header['NPointAttrib']!;
  let definitions: Definition[] = [];
  if (pointAttributes > 0) {
    scanner.expect('PointAttrib', 'point attribute section');
    definitions = readDefinitions(scanner, pointAttributes, 'point attribute');
  }
  const notes: string[] = [];
  const info: ParticleInfo = {
    format: 'hclassic',
    formatName: NAME,
    count,
    attributes: [{ name: 'P', type: 'vector', width: 3, storage: 'float32' }, ...definitions.map((d): AttributeInfo => {
      const info: AttributeInfo = { name: d.name, type: d.type, width: d.size, storage: d.type === 'float' || d.type === 'vector' ? 'float32' : 'int32' };
      if (d.strings) info.stringCount = d.strings.length;
      return info;
    })],
    fixed: [],
    version: 5,
    notes,
  };
  if (!decode) return { info };
  // Each point takes at least 8 characters ("0 0 0 1\n"): a count the text cannot hold is a lie.
  if (count * 8 > bytes.length) {
    throw partError(PartErrorCode.PART_TRUNCATED, `${NAME}: the header declares ${count} points but the file has ${bytes.length} bytes`);
  }
  // Step 3: points.
  const position = newAttribute('P', 'vector', 3, count, 'float32');
  const attributes = [position, ...definitions.map((d) => toAttribute(d, count))];
  const p = position.data;
  for (let i = 0; i < count; i++) {
    p[3 * i] = scanner.number(`x of point ${i}`);
    p[3 * i + 1] = scanner.number(`y of point ${i}`);
    p[3 * i + 2] = scanner.number(`z of point ${i}`);
    scanner.number(`w of point ${i}`);
    if (definitions.length === 0) continue;
    scanner.skipSpace();
    if (scanner.text[scanner.pos] === '(') scanner.pos++;
    else throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: expected '(' before the attributes of point ${i}`, { offset: scanner.pos });
    for (let a = 1; a < attributes.length; a++) {
      const attribute = attributes[a]!;
      const base = i * attribute.width;
      for (let k = 0; k < attribute.width; k++) {
        let token = scanner.need(`attribute '${attribute.name}' of point ${i}`);
        if (a === attributes.length - 1 && k === attribute.width - 1 && token.endsWith(')')) {
          token = token.slice(0, -1);
          scanner.pos--;
        }
        attribute.data[base + k] = Number(token);
      }
    }
    scanner.skipSpace();
    if (scanner.text[scanner.pos] === ')') scanner.pos++;
    else throw partError(PartErrorCode.PART_CORRUPT, `${NAME}: expected ')' after the attributes of point ${i}`, { offset: scanner.pos });
  }
  const set = createParticleSet(count);
  set.attributes = attributes;
  set.format = 'hclassic';
  set.notes = notes;
  if (header['NPrims']! > 0) notes.push(`${header['NPrims']} primitive${header['NPrims'] === 1 ? '' : 's'} skipped (points are read as particles)`);
  // Step 4: detail attributes, after whatever primitives and groups there are.
  const detailCount = header['NAttrib']!;
  if (detailCount > 0) {
    const at = scanner.text.indexOf('DetailAttrib', scanner.pos);
    if (at < 0) {
      notes.push('the header declares detail attributes but there is no DetailAttrib section');
    } else {
      scanner.pos = at + 'DetailAttrib'.length;
      const fixedDefinitions = readDefinitions(scanner, detailCount, 'detail attribute');
      scanner.skipSpace();
      if (scanner.text[scanner.pos] === '(') scanner.pos++;
      for (const definition of fixedDefinitions) {
        const attribute = toAttribute(definition, 1);
        for (let k = 0; k < definition.size; k++) {
          const token = scanner.need(`detail attribute '${definition.name}'`).replace(/[()]/g, '');
          attribute.data[k] = Number(token);
        }
        set.fixed.push(attribute);
      }
      info.fixed = set.fixed.map(attributeInfo);
    }
  }
  return { set, info };
}

export function readHclassic(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleSet {
  return withPartErrors(() => parse(bytes, options, true).set!, NAME);
}

export function inspectHclassic(bytes: Uint8Array, options?: ReadParticlesOptions): ParticleInfo {
  return withPartErrors(() => parse(bytes, options, false).info, NAME);
}

function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function definitionLine(attribute: ParticleAttribute): string {
  if (attribute.type === 'indexedString') {
    const strings = attribute.strings ?? [];
    return `${attribute.name} ${attribute.width} index ${strings.length}${strings.map((s) => ` ${quote(s)}`).join('')}`;
  }
  const typeName = attribute.type === 'int' ? 'int' : attribute.type;
  return `${attribute.name} ${attribute.width} ${typeName}${' 0'.repeat(attribute.width)}`;
}

function valueText(attribute: ParticleAttribute, index: number): string {
  const parts: string[] = [];
  const base = index * attribute.width;
  const isFloat = attribute.type === 'float' || attribute.type === 'vector';
  for (let k = 0; k < attribute.width; k++) {
    const value = attribute.data[base + k]!;
    parts.push(isFloat ? formatFloat32(value) : String(Math.trunc(value)));
  }
  return parts.join(' ');
}

/** Writes the set as classic ASCII GEO V5 (points, no primitives, detail attributes). */
export function writeHclassic(set: ParticleSet, options: WriteParticlesOptions = {}): Uint8Array {
  validateParticleSet(set);
  set = { ...set, attributes: withFloatColours(set.attributes), fixed: withFloatColours(set.fixed) };
  const position = getAttribute(set, 'P');
  if (position === undefined || position.width !== 3 || position.type === 'int' || position.type === 'indexedString') {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `${NAME}: the set needs a float 'P' attribute of width 3`);
  }
  const others = set.attributes.filter((a) => a !== position);
  const lines: string[] = [
    'PGEOMETRY V5',
    `NPoints ${set.count} NPrims 0`,
    'NPointGroups 0 NPrimGroups 0',
    `NPointAttrib ${others.length} NVertexAttrib 0 NPrimAttrib 0 NAttrib ${set.fixed.length}`,
  ];
  if (others.length > 0) {
    lines.push('PointAttrib');
    for (const attribute of others) lines.push(definitionLine(attribute));
  }
  const p = position.data;
  for (let i = 0; i < set.count; i++) {
    let line = `${formatFloat32(p[3 * i]!)} ${formatFloat32(p[3 * i + 1]!)} ${formatFloat32(p[3 * i + 2]!)} 1`;
    if (others.length > 0) line += ` (${others.map((a) => valueText(a, i)).join('\t')})`;
    lines.push(line);
  }
  if (set.fixed.length > 0) {
    lines.push('DetailAttrib');
    for (const attribute of set.fixed) lines.push(definitionLine(attribute));
    lines.push(` (${set.fixed.map((a) => valueText(a, 0)).join(' ')})`);
  }
  lines.push('beginExtra', 'endExtra', '');
  const bytes = encodeUtf8(lines.join('\n'));
  return options.gzip ? gzipBytes(bytes, options.level) : bytes;
}

export const hclassicFormat: ParticleFormat = {
  id: 'hclassic',
  name: 'Houdini classic ASCII geometry (GEO V5)',
  family: 'houdini',
  extensions: ['hclassic', 'geo'],
  mimeTypes: ['text/plain'],
  binary: false,
  magic: (head) => startsWith(head, 'PGEOMETRY'),
  inspect: inspectHclassic,
  read: readHclassic,
  write: writeHclassic,
};
