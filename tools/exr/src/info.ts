/**
 * `vfx exr info`: every header attribute of every part, typed. The JSON contract (README, "JSON
 * output"): `{ file, parts: [{ name?, type, compression, dataWindow, displayWindow, channels, tiles?,
 * attributes: { NAME: { type, value } } }] }`; the text form follows OpenEXR's exrheader.
 */
import type { ExrHeader, ExrPartHeader } from '@vfxkit/exr';
import { attributeJson, attributeLines, boxJson, boxSize, channelJson } from './format.js';

export interface PartJson {
  name?: string;
  type: string;
  compression: string;
  dataWindow: Record<string, number | string>;
  displayWindow: Record<string, number | string>;
  channels: Record<string, unknown>[];
  tiles?: Record<string, unknown>;
  chunkCount: number;
  attributes: Record<string, { type: string; value: unknown }>;
}

export interface HeaderJson {
  file: string;
  version: number;
  flags: { tiled: boolean; longNames: boolean; nonImage: boolean; multipart: boolean };
  parts: PartJson[];
}

export function partJson(part: ExrPartHeader): PartJson {
  const attributes: PartJson['attributes'] = {};
  for (const attribute of part.attributes) attributes[attribute.name] = { type: attribute.type, value: attributeJson(attribute) };
  return {
    ...(part.name !== undefined ? { name: part.name } : {}),
    type: part.type,
    compression: part.compression,
    dataWindow: boxJson(part.dataWindow),
    displayWindow: boxJson(part.displayWindow),
    channels: part.channels.map(channelJson),
    ...(part.tiles !== undefined ? { tiles: { ...part.tiles } } : {}),
    chunkCount: part.chunkCount,
    attributes,
  };
}

export function headerJson(file: string, header: ExrHeader): HeaderJson {
  return { file, version: header.version, flags: { ...header.flags }, parts: header.parts.map(partJson) };
}

function versionFlags(header: ExrHeader): number {
  return (header.flags.tiled ? 0x200 : 0) | (header.flags.longNames ? 0x400 : 0) | (header.flags.nonImage ? 0x800 : 0) | (header.flags.multipart ? 0x1000 : 0);
}

/** The header as exrheader prints it (attributes sorted by name, as OpenEXR writes them). */
export function headerLines(file: string, header: ExrHeader): string[] {
  const lines = [`file ${file}:`, '', `file format version: ${header.version}, flags 0x${versionFlags(header).toString(16)}`];
  const multipart = header.parts.length > 1 || header.flags.multipart;
  for (const part of header.parts) {
    if (multipart) lines.push('', ` part ${part.index}:`);
    const sorted = [...part.attributes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const attribute of sorted) lines.push(...attributeLines(attribute));
    const data = boxSize(part.dataWindow);
    const display = boxSize(part.displayWindow);
    lines.push(
      `(${part.type}, ${data.width} x ${data.height} pixels of data in a ${display.width} x ${display.height} display window, ${part.channels.length} channel${part.channels.length === 1 ? '' : 's'}, ${part.chunkCount} chunk${part.chunkCount === 1 ? '' : 's'})`,
    );
  }
  return lines;
}

/** The attributes of one frame's header, keyed `part/name` (or `name` in single-part files), as
 *  comparable strings. */
function flatten(header: ExrHeader): Map<string, string> {
  const out = new Map<string, string>();
  const multipart = header.parts.length > 1;
  for (const part of header.parts) {
    const prefix = multipart ? `part ${part.index} ${part.name !== undefined ? `'${part.name}' ` : ''}` : '';
    for (const attribute of part.attributes) out.set(`${prefix}${attribute.name}`, `${attribute.type}:${JSON.stringify(attributeJson(attribute))}`);
  }
  out.set('(parts)', String(header.parts.length));
  return out;
}

/**
 * How the headers of a sequence's frames differ from the first frame's: groups of frames by the
 * set of attributes that differ (`[]` for identical headers), in frame order of first appearance.
 */
export function headerDifferences(frames: readonly { frame: number; header: ExrHeader }[]): { attributes: string[]; frames: number[] }[] {
  if (frames.length === 0) return [];
  const base = flatten(frames[0]!.header);
  const groups = new Map<string, { attributes: string[]; frames: number[] }>();
  for (const { frame, header } of frames) {
    const flat = flatten(header);
    const differing = new Set<string>();
    for (const [key, value] of flat) if (base.get(key) !== value) differing.add(key);
    for (const key of base.keys()) if (!flat.has(key)) differing.add(key);
    const attributes = [...differing].sort();
    const key = attributes.join('\u0000');
    const group = groups.get(key) ?? { attributes, frames: [] };
    group.frames.push(frame);
    groups.set(key, group);
  }
  return [...groups.values()];
}
