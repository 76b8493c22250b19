/**
 * Reading metadata, one view for every format: JPEG, TIFF, PNG, HEIF, WebP, raw and everything
 * else ExifTool reads, through `ExifToolSession` (`exiftool -j -n`); OpenEXR headers through
 * @vfxkit/exr's `readExrHeader` (only the header bytes are read).
 *
 * The tags are ExifTool's names as `exiftool -j -n` prints them without groups (`Make`, `ISO`,
 * `DateTimeOriginal`, `GPSLatitude` as signed decimal degrees, ...), minus `SourceFile` and
 * `ExifToolVersion`, with `Directory` as the caller named the file. An EXR file has ExifTool's File
 * tags, `ImageWidth`/`ImageHeight` of its data window (as ExifTool reports them), the shared
 * vocabulary (`vocabulary.ts`), and every attribute as `exr:NAME` (`exr:partN:NAME` for the parts
 * after the first of a multi-part file).
 */
import { open } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { formatForBytes } from '@vfxkit/core';
import type { ExrAttribute, ExrHeader } from '@vfxkit/exr';
import { exrAttributeJson, formatExrAttribute, shortFloat } from './exr/values.js';
import { exrAttributesByTag, readExrHeadFrom } from './exr/file.js';
import type { ExifToolSession, RawTags } from './exiftool.js';
import { exrVocabulary } from './vocabulary.js';

export type MetadataFormat = 'exr' | 'exiftool';

export interface ReadMetadataOptions {
  /** Resolve relative paths against this directory (default: the process's). */
  cwd?: string;
  /** ExifTool's `-fast`: do not read past the image data (faster; skips JPEG trailers). */
  fast?: boolean;
}

export interface FileMetadata {
  /** The path as the caller gave it. */
  path: string;
  format: MetadataFormat;
  /** Tags as `exiftool -j -n` names them (see the module notes). */
  tags: Record<string, unknown>;
}

/** One tag of the grouped view (`exiftool -G`). */
export interface GroupedTag {
  /** ExifTool's family-0 group (`EXIF`, `XMP`, `IPTC`, `ICC_Profile`, `File`, `Composite`,
   *  `MakerNotes`, ...), or `EXR` (`EXR:partN` for later parts of a multi-part file). */
  group: string;
  name: string;
  value: unknown;
  /** The EXR attribute type, for EXR attributes. */
  type?: string;
  /** The value as text for people, where it differs from the JSON value (EXR attributes). */
  text?: string;
}

export interface GroupedMetadata {
  path: string;
  format: MetadataFormat;
  tags: GroupedTag[];
}

/** EXR when the file starts with OpenEXR's magic number; ExifTool for everything else. */
export async function detectMetadataFormat(absolutePath: string): Promise<MetadataFormat> {
  const handle = await open(absolutePath, 'r');
  try {
    const head = new Uint8Array(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    return formatForBytes(head.subarray(0, bytesRead))?.id === 'exr' ? 'exr' : 'exiftool';
  } finally {
    await handle.close();
  }
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** A date as ExifTool prints file dates: `YYYY:MM:DD HH:MM:SS+HH:MM`, local time. */
export function formatExifDateTime(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${date.getFullYear()}:${two(date.getMonth() + 1)}:${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
  );
}

function shownDirectory(path: string): string {
  return dirname(path);
}

/** ExifTool's File group for a file we read ourselves. */
function fileTags(path: string, stats: Stats): [string, unknown][] {
  return [
    ['FileName', basename(path)],
    ['Directory', shownDirectory(path)],
    ['FileSize', stats.size],
    ['FileModifyDate', formatExifDateTime(stats.mtime)],
    ['FileAccessDate', formatExifDateTime(stats.atime)],
    ['FileInodeChangeDate', formatExifDateTime(stats.ctime)],
    ['FilePermissions', Number((stats.mode & 0o777777).toString(8))],
  ];
}

function exrEntries(path: string, stats: Stats, header: ExrHeader): { file: [string, unknown][]; composite: [string, unknown][]; shared: [string, unknown][]; exr: { key: string; part: number; attribute: ExrAttribute }[] } {
  const first = header.parts[0]!;
  const width = first.dataWindow.xMax - first.dataWindow.xMin + 1;
  const height = first.dataWindow.yMax - first.dataWindow.yMin + 1;
  const file: [string, unknown][] = [
    ...fileTags(path, stats),
    ['FileType', 'EXR'],
    ['FileTypeExtension', 'EXR'],
    ['MIMEType', 'image/x-exr'],
    ['ImageWidth', width],
    ['ImageHeight', height],
  ];
  const composite: [string, unknown][] = [
    ['ImageSize', `${width} ${height}`],
    ['Megapixels', (width * height) / 1e6],
  ];
  const shared: [string, unknown][] = [];
  for (const entry of exrVocabulary) {
    const attribute = first.attributes.find((a) => a.name === entry.exr);
    if (attribute === undefined || attribute.opaque === true) continue;
    if (entry.type === 'string' && attribute.type === 'string') shared.push([entry.tag, attribute.value]);
    else if (entry.type === 'float' && (attribute.type === 'float' || attribute.type === 'double' || attribute.type === 'int')) {
      shared.push([entry.tag, attribute.type === 'float' ? shortFloat(attribute.value) : attribute.value]);
    }
  }
  return { file, composite, shared, exr: exrAttributesByTag(header) };
}

async function readExrFile(absolute: string): Promise<{ stats: Stats; header: ExrHeader }> {
  const handle = await open(absolute, 'r');
  try {
    const stats = await handle.stat();
    const { header } = await readExrHeadFrom(handle);
    return { stats, header };
  } finally {
    await handle.close();
  }
}

function cleanExifToolTags(raw: RawTags, path: string, grouped: boolean): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'SourceFile' || key === 'ExifToolVersion' || key === 'ExifTool:ExifToolVersion') continue;
    if (key === 'Directory' || key === 'File:Directory' || (grouped && key.endsWith(':Directory') && key.startsWith('System'))) {
      out.push([key, shownDirectory(path)]);
      continue;
    }
    out.push([key, value]);
  }
  return out;
}

/** Reads one file's tags (see the module notes). Errors carry no file name: the caller adds the
 *  one it shows. */
export async function readMetadata(session: ExifToolSession, path: string, options: ReadMetadataOptions = {}): Promise<FileMetadata> {
  const absolute = resolve(options.cwd ?? process.cwd(), path);
  const format = await detectMetadataFormat(absolute);
  if (format === 'exr') {
    const { stats, header } = await readExrFile(absolute);
    const entries = exrEntries(path, stats, header);
    const tags: Record<string, unknown> = {};
    for (const [key, value] of [...entries.file, ...entries.composite, ...entries.shared]) tags[key] = value;
    for (const { key, attribute } of entries.exr) tags[`exr:${key}`] = exrAttributeJson(attribute);
    return { path, format, tags };
  }
  const raw = await session.read(absolute, { fast: options.fast ?? false });
  return { path, format, tags: Object.fromEntries(cleanExifToolTags(raw, path, false)) };
}

/** Reads one file's tags with their groups, as `exiftool -G -j -n` prints them. */
export async function readGroupedMetadata(session: ExifToolSession, path: string, options: ReadMetadataOptions = {}): Promise<GroupedMetadata> {
  const absolute = resolve(options.cwd ?? process.cwd(), path);
  const format = await detectMetadataFormat(absolute);
  if (format === 'exr') {
    const { stats, header } = await readExrFile(absolute);
    const entries = exrEntries(path, stats, header);
    const tags: GroupedTag[] = [
      ...entries.file.map(([name, value]) => ({ group: 'File', name, value })),
      ...entries.composite.map(([name, value]) => ({ group: 'Composite', name, value })),
      ...entries.exr.map(({ part, attribute }) => ({
        group: part === 0 ? 'EXR' : `EXR:part${part}`,
        name: attribute.name,
        value: exrAttributeJson(attribute),
        type: attribute.type,
        text: formatExrAttribute(attribute),
      })),
    ];
    return { path, format, tags };
  }
  const raw = await session.read(absolute, { grouped: true, fast: options.fast ?? false });
  const tags: GroupedTag[] = cleanExifToolTags(raw, path, true).map(([key, value]) => {
    const colon = key.indexOf(':');
    return colon === -1 ? { group: '', name: key, value } : { group: key.slice(0, colon), name: key.slice(colon + 1), value };
  });
  return { path, format, tags };
}
