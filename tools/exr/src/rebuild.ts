/**
 * Writing new EXR files from existing ones: recompress (every part, level and attribute kept),
 * extract (some parts, some channels) and merge (channels into one part, or parts into a
 * multi-part file). All pure: bytes in, bytes out; the commands do the file work.
 *
 * Images are decoded with every resolution level (`allLevels`), so mip- and rip-mapped parts keep
 * their levels as stored instead of having them recomputed.
 */
import { VfxError } from '@vfxkit/core';
import { toVfxError } from '@vfxkit/tool-common';
import {
  EXR_COMPRESSIONS,
  ExrErrorCode,
  readExr,
  readExrHeader,
  writeExr,
  type ExrAttribute,
  type ExrChannelData,
  type ExrCompression,
  type ExrImage,
  type ExrLevel,
  type ExrWritePart,
  type ZlibCodec,
} from '@vfxkit/exr';
import { boxText, partLabel } from './format.js';
import { matchChannels, selectPart, type PartSpec } from './files.js';
import { channelSuffix, layerOf } from './layers.js';

export interface CodecOptions {
  zlib?: ZlibCodec;
  /** zlib level for zip/zips/pxr24/dwa (default OpenEXR's 4). */
  zipLevel?: number;
}

const DEEP_COMPRESSIONS: readonly ExrCompression[] = ['none', 'rle', 'zips'];

export function isDeep(type: string): boolean {
  return type === 'deepscanline' || type === 'deeptile';
}

export function parseCompression(value: string): ExrCompression {
  const name = value.trim().toLowerCase();
  if (!(EXR_COMPRESSIONS as readonly string[]).includes(name)) {
    throw new VfxError('BAD_USAGE', `unknown compression '${value}' (expected one of ${EXR_COMPRESSIONS.join(', ')})`);
  }
  return name as ExrCompression;
}

/** Every part of `bytes`, decoded with all their levels (and only `channels` of part i when given). */
function readParts(bytes: Uint8Array, zlib: ZlibCodec | undefined, select?: (partIndex: number) => string[] | undefined): ExrImage[] {
  const header = readExrHeader(bytes);
  return header.parts.map((part) => {
    const channels = select?.(part.index);
    return readExr(bytes, {
      part: part.index,
      allLevels: true,
      ...(channels !== undefined ? { channels } : {}),
      ...(zlib !== undefined ? { zlib } : {}),
    });
  });
}

/** An image as read, ready to write: level 0 is in `channels`, so it is left out of `levels`. */
function toWritePart(image: ExrImage, compression?: ExrCompression): ExrWritePart {
  const part: ExrWritePart = {
    name: image.name,
    type: image.type,
    dataWindow: image.dataWindow,
    displayWindow: image.displayWindow,
    channels: image.channels,
    compression: compression ?? image.compression,
    lineOrder: image.lineOrder,
    tiles: image.tiles,
    attributes: image.attributes,
  };
  if (image.levels !== undefined) part.levels = image.levels.filter((l) => l.level.x !== 0 || l.level.y !== 0);
  if (image.deep !== undefined) part.deep = image.deep;
  return part;
}

function checkDeepCompression(image: ExrImage, compression: ExrCompression | undefined): void {
  if (compression === undefined || !isDeep(image.type) || DEEP_COMPRESSIONS.includes(compression)) return;
  throw new VfxError(
    ExrErrorCode.EXR_BAD_ARGUMENT,
    `${partLabel({ index: image.part, name: image.name })} holds deep data, which OpenEXR allows only with none, rle or zips compression, not ${compression}`,
    {},
    'usage',
  );
}

function write(parts: ExrWritePart[], options: CodecOptions): Uint8Array {
  return writeExr(parts, {
    ...(options.zlib !== undefined ? { zlib: options.zlib } : {}),
    ...(options.zipLevel !== undefined ? { zipLevel: options.zipLevel } : {}),
  });
}

/** The same file with every part in `compression`: every level, channel and attribute kept. */
export function recompress(bytes: Uint8Array, compression: ExrCompression, options: CodecOptions = {}): Uint8Array {
  const images = readParts(bytes, options.zlib);
  for (const image of images) checkDeepCompression(image, compression);
  return write(images.map((image) => toWritePart(image, compression)), options);
}

/** True when every part of the header already uses `compression`. */
export function alreadyCompressed(bytes: Uint8Array, compression: ExrCompression): boolean {
  return readExrHeader(bytes).parts.every((p) => p.compression === compression);
}

export interface ExtractOptions extends CodecOptions {
  /** Parts to keep (default all). */
  parts?: PartSpec[];
  /** Channel globs (default all). */
  channels?: string[];
  /** Drop the layer prefix of the channels kept (`diffuse.R` -> `R`). */
  stripLayer?: boolean;
  /** New compression (default each part's own). */
  compression?: ExrCompression;
}

function renameChannels<T extends { name: string }>(channels: readonly T[], rename: (name: string) => string): T[] {
  return channels.map((c) => ({ ...c, name: rename(c.name) }));
}

/** Strips layer prefixes, refusing when two channels would get the same name. */
function stripLayers(image: ExrImage, file: string): ExrImage {
  const rename = (name: string) => channelSuffix(name);
  const names = [...image.channels.map((c) => c.name), ...(image.deep?.channels.map((c) => c.name) ?? [])];
  const seen = new Map<string, string>();
  for (const name of names) {
    const short = rename(name);
    const other = seen.get(short);
    if (other !== undefined) {
      throw new VfxError(
        'BAD_USAGE',
        `--strip-layer would give '${other}' and '${name}' the same name '${short}' (layers ${JSON.stringify(layerOf(other))} and ${JSON.stringify(layerOf(name))}); extract one layer at a time`,
        { file },
      );
    }
    seen.set(short, name);
  }
  const out: ExrImage = { ...image, channels: renameChannels(image.channels, rename) };
  if (image.levels !== undefined) out.levels = image.levels.map((l): ExrLevel => ({ ...l, channels: renameChannels(l.channels, rename) }));
  if (image.deep !== undefined) out.deep = { ...image.deep, channels: renameChannels(image.deep.channels, rename) };
  return out;
}

/** A new file holding the chosen parts and channels. */
export function extract(bytes: Uint8Array, file: string, options: ExtractOptions): Uint8Array {
  const header = readExrHeader(bytes);
  const parts = options.parts !== undefined ? [...new Set(options.parts.map((spec) => selectPart(header, spec, file)))] : header.parts;
  const wanted: { index: number; channels: string[] }[] = [];
  for (const part of parts) {
    const channels = matchChannels(part.channels, options.channels).map((c) => c.name);
    if (channels.length > 0) wanted.push({ index: part.index, channels });
  }
  if (wanted.length === 0) {
    const available = parts.flatMap((p) => p.channels.map((c) => c.name));
    throw new VfxError(
      'BAD_USAGE',
      `no channel matches ${(options.channels ?? []).map((p) => `'${p}'`).join(', ')} in ${parts.length === 1 ? partLabel(parts[0]!) : `the ${parts.length} parts chosen`} (channels: ${available.slice(0, 20).join(', ')}${available.length > 20 ? ', ...' : ''})`,
      { file },
    );
  }
  const writeParts = wanted.map(({ index, channels }) => {
    let image = readExr(bytes, { part: index, channels, allLevels: true, ...(options.zlib !== undefined ? { zlib: options.zlib } : {}) });
    checkDeepCompression(image, options.compression);
    if (options.stripLayer === true) image = stripLayers(image, file);
    return toWritePart(image, options.compression);
  });
  if (writeParts.length > 1) ensureUniqueNames(writeParts, [file]);
  return write(writeParts, options);
}

export interface MergeInput {
  file: string;
  bytes: Uint8Array;
}

export interface MergeOptions extends CodecOptions {
  /** Each input part becomes a part of a multi-part file (default: channels into one part). */
  multipart?: boolean;
  compression?: ExrCompression;
}

/** A part name from a file name: `beauty.1001.exr` -> `beauty`. */
function nameFromFile(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.exr$/i, '');
  return base.replace(/[._]?\d+$/, '') || base || 'part';
}

/** Parts of a multi-part file need unique names: keep theirs, else name them after their files. */
function ensureUniqueNames(parts: ExrWritePart[], files: string[]): void {
  const used = new Set<string>();
  parts.forEach((part, i) => {
    let name = part.name !== undefined && part.name !== '' ? part.name : nameFromFile(files[i] ?? files[0]!);
    if (used.has(name)) {
      let n = 1;
      while (used.has(`${name}.${n}`)) n++;
      name = `${name}.${n}`;
    }
    used.add(name);
    part.name = name;
  });
}

function attributeOf(image: ExrImage, name: string): ExrAttribute | undefined {
  return image.attributes.find((a) => a.name === name);
}

/** Multi-part files need one display window, pixel aspect ratio, time code and chromaticities. */
function checkShared(images: { file: string; image: ExrImage }[]): void {
  const [first, ...rest] = images;
  if (first === undefined) return;
  for (const other of rest) {
    const a = first.image;
    const b = other.image;
    const differs = (what: string, x: string, y: string) => {
      throw new VfxError(
        'BAD_USAGE',
        `the parts differ in ${what} (${first.file}: ${x}; ${other.file}: ${y}); every part of a multi-part file must share it`,
        { file: other.file },
      );
    };
    if (boxText(a.displayWindow) !== boxText(b.displayWindow)) differs('display window', boxText(a.displayWindow), boxText(b.displayWindow));
    for (const name of ['pixelAspectRatio', 'timeCode', 'chromaticities']) {
      const x = attributeOf(a, name);
      const y = attributeOf(b, name);
      if (x === undefined || y === undefined) continue;
      const text = (attribute: ExrAttribute) => JSON.stringify(attribute.value);
      if (text(x) !== text(y)) differs(name, text(x), text(y));
    }
  }
}

/** Adds the attributes of `extra` that `base` lacks (the first input's metadata wins). */
function unionAttributes(base: readonly ExrAttribute[], extra: readonly ExrAttribute[]): ExrAttribute[] {
  const names = new Set(base.map((a) => a.name));
  return [...base, ...extra.filter((a) => !names.has(a.name))];
}

/** Merges channels of single-part inputs into one part, or every part into a multi-part file. */
export function merge(inputs: readonly MergeInput[], options: MergeOptions): Uint8Array {
  if (inputs.length < 2) throw new VfxError('BAD_USAGE', 'merge needs at least two input files');
  const decoded = inputs.map((input) => {
    try {
      return { file: input.file, images: readParts(input.bytes, options.zlib) };
    } catch (error) {
      throw toVfxError(error, input.file);
    }
  });

  if (options.multipart === true) {
    const all = decoded.flatMap(({ file, images }) => images.map((image) => ({ file, image })));
    checkShared(all);
    const parts = all.map(({ image }) => {
      checkDeepCompression(image, options.compression);
      return toWritePart(image, options.compression);
    });
    ensureUniqueNames(
      parts,
      all.map(({ file }) => file),
    );
    return write(parts, options);
  }

  for (const { file, images } of decoded) {
    if (images.length > 1) {
      throw new VfxError('BAD_USAGE', `the file has ${images.length} parts: merge them with --multipart, or extract one part first`, { file });
    }
    if (isDeep(images[0]!.type)) {
      throw new VfxError('BAD_USAGE', 'the file holds deep data, whose channels cannot be merged with others into one part: use --multipart', { file });
    }
  }
  const first = decoded[0]!;
  const base = first.images[0]!;
  const owners = new Map<string, string>();
  const channels: ExrChannelData[] = [];
  let attributes: ExrAttribute[] = [...base.attributes];
  for (const { file, images } of decoded) {
    const image = images[0]!;
    if (boxText(image.dataWindow) !== boxText(base.dataWindow)) {
      throw new VfxError(
        'BAD_USAGE',
        `its data window ${boxText(image.dataWindow)} differs from ${first.file}'s ${boxText(base.dataWindow)}: channels can only be merged over one data window (crop or pad first, or use --multipart)`,
        { file },
      );
    }
    for (const channel of image.channels) {
      const owner = owners.get(channel.name);
      if (owner !== undefined) {
        throw new VfxError('BAD_USAGE', `channel '${channel.name}' is in ${owner} too: rename it or extract the other channels first`, { file });
      }
      owners.set(channel.name, file);
      channels.push(channel);
    }
    if (image !== base) attributes = unionAttributes(attributes, image.attributes);
  }

  // Tiled output only when every input has the same tiling; levels are merged level by level.
  const sameTiles = decoded.every(({ images }) => JSON.stringify(images[0]!.tiles) === JSON.stringify(base.tiles));
  const part: ExrWritePart = {
    name: base.name,
    type: sameTiles ? base.type : 'scanlineimage',
    dataWindow: base.dataWindow,
    displayWindow: base.displayWindow,
    channels,
    compression: options.compression ?? base.compression,
    lineOrder: base.lineOrder,
    tiles: sameTiles ? base.tiles : undefined,
    attributes: attributes.filter((a) => a.name !== 'tiles' || sameTiles),
  };
  if (sameTiles && base.levels !== undefined) {
    part.levels = base.levels
      .filter((l) => l.level.x !== 0 || l.level.y !== 0)
      .map((level) => ({
        ...level,
        channels: decoded.flatMap(({ images }) => images[0]!.levels?.find((l) => l.level.x === level.level.x && l.level.y === level.level.y)?.channels ?? []),
      }));
  }
  return write([part], options);
}
