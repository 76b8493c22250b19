/**
 * readImage / readImageInfo: any supported file or bytes into the image model. sharp decodes JPEG,
 * PNG, TIFF, WebP, GIF and AVIF/HEIF; @vfxkit/exr decodes EXR (with node:zlib). Samples keep their
 * depth: 8-bit stays Uint8Array, 16-bit Uint16Array, float TIFF Float32Array, EXR half stays half.
 */
import { open, readFile } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { VfxError, floatsToHalves, isVfxError } from '@vfxkit/core';
import { ExrErrorCode, attributeValue, readExr, readExrHeader, type ExrAttribute, type ExrChannel, type ExrHeader, type ExrImage } from '@vfxkit/exr';
import { nodeZlib } from '@vfxkit/exr/node';
import { LINEAR_REC709, SRGB, colorSpaceForChromaticities, colorSpaceForIcc } from './colorspace.js';
import { ImageErrorCode, imageError, sharpReason } from './errors.js';
import { readExifTags, tiffSampleLayout } from './exif.js';
import { detectImageFormat } from './formats.js';
import { exrAttributesToTags, iccDescription } from './metadata.js';
import { boxOfSize, imageBitDepth, type BitDepth, type Box2, type Image, type ImageChannel, type ImageFormat, type ImageMetadata, type SampleArray, type SampleType } from './model.js';

/** Default limit on width x height (the same as @vfxkit/exr's 2^30 would allow 4 GiB planes; 2^28
 *  is 16k x 16k, and what sharp itself allows by default). */
export const DEFAULT_MAX_PIXELS = 2 ** 28;

export interface ReadImageOptions {
  /** EXR: the part to read, by index or name (default 0). */
  part?: number | string;
  /** EXR: the channels to read (default all). */
  channels?: readonly string[];
  /** sharp formats: turn the pixels as the EXIF orientation says, so the result is upright and
   *  `tags.Orientation` is 1. Default false (pixels as stored). */
  autoOrient?: boolean;
  /** The colour space to take the pixels as, instead of what the file declares. */
  colorSpace?: string;
  /** Largest width x height to decode (default 2^28). */
  maxPixels?: number;
  /** sharp formats: when a decoder warning fails the read: `warning` (default: a truncated JPEG
   *  fails), `error`, or `none`. */
  failOn?: 'none' | 'truncated' | 'error' | 'warning';
  /** The name errors give the input (default: the path, or nothing for bytes). */
  file?: string;
}

/** What a file holds, from its header only (no pixels decoded). */
export interface ImageInfo {
  format: ImageFormat;
  /** The display window's size (the data window's for every format but EXR). */
  width: number;
  height: number;
  dataWindow: Box2;
  displayWindow: Box2;
  channels: ImageChannel[];
  bitDepth: BitDepth;
  colorSpace: string | undefined;
  hasAlpha: boolean;
  /** EXR compression, or the TIFF/PNG/... compression sharp reports. */
  compression?: string;
  /** Pages or frames when more than one. */
  pages?: number;
  metadata: ImageMetadata;
}

function asBytes(buffer: Buffer | Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

async function readInput(input: string | Uint8Array): Promise<Uint8Array> {
  if (typeof input !== 'string') return input;
  return asBytes(await readFile(input));
}

function unknownFormat(file: string | undefined): VfxError {
  return imageError(ImageErrorCode.IMAGE_UNKNOWN_FORMAT, 'not an image this tool reads (JPEG, PNG, TIFF, WebP, GIF, AVIF/HEIF or EXR)', file !== undefined ? { file } : {});
}

function checkPixels(width: number, height: number, limit: number, file: string | undefined): void {
  if (width * height > limit) {
    throw imageError(ImageErrorCode.IMAGE_LIMIT, `${width} x ${height} pixels exceed the limit of ${limit} (option maxPixels)`, file !== undefined ? { file } : {});
  }
}

/**
 * Reads an image file (a path) or image bytes into the model. Throws VfxError: IMAGE_UNKNOWN_FORMAT,
 * IMAGE_CORRUPT (the decoder's reason in the message), IMAGE_UNSUPPORTED (deep or subsampled EXR),
 * IMAGE_LIMIT, the EXR codes of @vfxkit/exr, NOT_FOUND/IO for a path that cannot be read.
 *
 * @example
 * const plate = await readImage('plate.1001.jpg');          // 8-bit interleaved RGB, sRGB
 * const beauty = await readImage('beauty.exr', { channels: ['R', 'G', 'B', 'A'] }); // planar half
 */
export async function readImage(input: string | Uint8Array, options: ReadImageOptions = {}): Promise<Image> {
  const file = options.file ?? (typeof input === 'string' ? input : undefined);
  try {
    const bytes = await readInput(input);
    const format = detectImageFormat(bytes.subarray(0, 32));
    if (format === undefined) throw unknownFormat(file);
    const image = format === 'exr' ? decodeExr(bytes, options) : await decodeWithSharp(bytes, format, options);
    if (options.colorSpace !== undefined) image.colorSpace = options.colorSpace;
    return image;
  } catch (error) {
    throw withFile(error, file);
  }
}

function withFile(error: unknown, file: string | undefined): unknown {
  if (isVfxError(error)) return file !== undefined ? (error as VfxError).withFile(file) : error;
  const errno = (error as NodeJS.ErrnoException).code;
  if (errno === 'ENOENT') return new VfxError('NOT_FOUND', 'no such file or directory', { file, cause: error });
  if (errno === 'EISDIR') return new VfxError('IO', 'is a directory', { file, cause: error });
  if (errno !== undefined) return new VfxError('IO', `cannot read it (${errno})`, { file, cause: error });
  return error;
}

// ---------------------------------------------------------------------------------------------
// sharp formats

function sharpInput(bytes: Uint8Array, options: ReadImageOptions): Sharp {
  return sharp(bytes, {
    failOn: options.failOn ?? 'warning',
    limitInputPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
    pages: 1,
  });
}

/** The metadata fields of a sharp header. */
function sharpMetadata(meta: Metadata): ImageMetadata {
  const metadata: ImageMetadata = { tags: {} };
  if (meta.exif !== undefined) {
    metadata.exif = asBytes(meta.exif);
    metadata.tags = readExifTags(metadata.exif);
  }
  if (meta.orientation !== undefined) metadata.tags.Orientation = meta.orientation;
  if (meta.xmp !== undefined) metadata.xmp = new TextDecoder().decode(meta.xmp).replace(/\0+$/, '');
  if (meta.icc !== undefined) {
    metadata.icc = asBytes(meta.icc);
    const description = iccDescription(metadata.icc);
    if (description !== undefined) metadata.iccDescription = description;
  }
  if (meta.density !== undefined) metadata.density = meta.density;
  return metadata;
}

interface SharpLayout {
  type: SampleType;
  names: string[];
  depth: BitDepth;
}

/** How sharp's header reads in the model: sample type and channel names. */
function sharpLayout(meta: Metadata, file: string | undefined): SharpLayout {
  const grey = meta.space === 'b-w' || meta.space === 'grey16';
  const alpha = meta.hasAlpha === true;
  const names = grey ? (alpha ? ['Y', 'A'] : ['Y']) : alpha ? ['R', 'G', 'B', 'A'] : ['R', 'G', 'B'];
  switch (meta.depth) {
    case 'uchar':
    case 'char':
      return { type: 'uint8', names, depth: 8 };
    case 'ushort':
    case 'short':
      return { type: 'uint16', names, depth: 16 };
    case 'float':
    case 'double':
      // Float TIFF: sharp hands it over as scRGB (3 or 4 channels); grey float becomes RGB.
      return { type: 'float', names: alpha ? ['R', 'G', 'B', 'A'] : ['R', 'G', 'B'], depth: 'float' };
    default:
      throw imageError(ImageErrorCode.IMAGE_UNSUPPORTED, `${meta.depth ?? 'unknown'} samples are not supported (8-bit, 16-bit and float are)`, file !== undefined ? { file } : {});
  }
}

function sharpColorSpace(layout: SharpLayout, metadata: ImageMetadata): string {
  if (layout.type === 'float') return LINEAR_REC709;
  // sharp converts 8-bit pixels from an embedded ICC profile to sRGB as it decodes; 16-bit pixels
  // are handed over as stored, in the profile's space.
  if (layout.type === 'uint8') return SRGB;
  return colorSpaceForIcc(metadata.iccDescription) ?? SRGB;
}

async function decodeWithSharp(bytes: Uint8Array, format: ImageFormat, options: ReadImageOptions): Promise<Image> {
  let meta: Metadata;
  try {
    meta = await sharpInput(bytes, options).metadata();
  } catch (error) {
    throw imageError(ImageErrorCode.IMAGE_CORRUPT, `cannot read the ${format} header: ${sharpReason(error)}`, { cause: error });
  }
  const file = options.file;
  const layout = sharpLayout(meta, file);
  const oriented = options.autoOrient === true && meta.orientation !== undefined && meta.orientation > 4;
  const width = oriented ? meta.height : meta.width;
  const height = oriented ? meta.width : meta.height;
  checkPixels(width, height, options.maxPixels ?? DEFAULT_MAX_PIXELS, file);

  let pipeline = sharpInput(bytes, options);
  if (options.autoOrient === true) pipeline = pipeline.autoOrient();
  const greyWithAlpha = layout.names.length === 2;
  // sharp's raw output keeps only the first band of an 8-bit grey image, so grey with alpha is
  // decoded as RGBA and Y taken from R.
  if (layout.type === 'uint8') pipeline = pipeline.toColourspace(layout.names.length === 1 ? 'b-w' : 'srgb');
  else if (layout.type === 'uint16') pipeline = pipeline.toColourspace(layout.names[0] === 'Y' ? 'grey16' : 'rgb16');
  else pipeline = pipeline.toColourspace('scrgb');
  const depth = layout.type === 'uint8' ? 'uchar' : layout.type === 'uint16' ? 'ushort' : 'float';
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await pipeline.raw({ depth }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw imageError(ImageErrorCode.IMAGE_CORRUPT, `cannot decode the ${format} pixels: ${sharpReason(error)}`, { cause: error });
  }
  const count = raw.info.width * raw.info.height;
  let data: SampleArray = typedView(raw.data, layout.type);
  if (layout.type === 'uint8' && greyWithAlpha && raw.info.channels === 4) {
    const grey = new Uint8Array(count * 2);
    for (let p = 0; p < count; p++) {
      grey[p * 2] = data[p * 4]!;
      grey[p * 2 + 1] = data[p * 4 + 3]!;
    }
    data = grey;
  }
  // A half TIFF comes out of sharp as float32: store it back as the half it was (exactly).
  let type = layout.type;
  if (type === 'float' && format === 'tiff' && tiffSampleLayout(bytes)?.bitsPerSample === 16) {
    data = floatsToHalves(data as Float32Array);
    type = 'half';
  }
  const channels = layout.names.map((name) => ({ name, type }));
  if (data.length !== count * channels.length) {
    throw imageError(ImageErrorCode.IMAGE_CORRUPT, `sharp returned ${raw.info.channels} channels, expected ${channels.length}`);
  }
  const metadata = sharpMetadata(meta);
  if (options.autoOrient === true && metadata.tags.Orientation !== undefined) metadata.tags.Orientation = 1;
  const box = boxOfSize(raw.info.width, raw.info.height);
  return {
    width: raw.info.width,
    height: raw.info.height,
    dataWindow: box,
    displayWindow: { ...box },
    channels,
    pixels: { layout: 'interleaved', data },
    colorSpace: sharpColorSpace(layout, metadata),
    alpha: 'straight',
    metadata,
    source: { format, ...(meta.pages !== undefined && meta.pages > 1 ? { pages: meta.pages } : {}) },
  };
}

/** A typed view of sharp's output buffer (copied when its offset is not aligned for the type). */
function typedView(buffer: Buffer, type: SampleType): SampleArray {
  if (type === 'uint8') return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const size = type === 'uint16' ? 2 : 4;
  const aligned = buffer.byteOffset % size === 0 ? buffer : Buffer.from(buffer);
  if (type === 'uint16') return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
  return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
}

// ---------------------------------------------------------------------------------------------
// EXR

/** The header attributes a writer derives from the image itself; the rest are metadata. */
const STRUCTURAL_ATTRIBUTES = new Set([
  'channels',
  'compression',
  'dataWindow',
  'displayWindow',
  'lineOrder',
  'tiles',
  'type',
  'name',
  'chunkCount',
  'version',
  'maxSamplesPerPixel',
]);

/** R, G, B, A first, then the other channels in file order (as OpenImageIO lists them). */
function orderChannels<T extends { name: string }>(channels: readonly T[]): T[] {
  const rank = (name: string) => {
    const i = ['R', 'G', 'B', 'A'].indexOf(name);
    return i === -1 ? 4 : i;
  };
  return channels.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c.name) - rank(b.c.name) || a.i - b.i).map(({ c }) => c);
}

function exrSampleType(type: ExrChannel['type']): SampleType {
  return type === 'uint' ? 'uint32' : type;
}

function exrMetadata(attributes: readonly ExrAttribute[]): ImageMetadata {
  const { tags, xmp } = exrAttributesToTags(attributes);
  return { tags, ...(xmp !== undefined ? { xmp } : {}), exrAttributes: attributes.filter((a) => !STRUCTURAL_ATTRIBUTES.has(a.name)) };
}

function exrColorSpace(attributes: readonly ExrAttribute[]): string | undefined {
  const chromaticities = attributeValue(attributes, 'chromaticities', 'chromaticities');
  return chromaticities === undefined ? LINEAR_REC709 : colorSpaceForChromaticities(chromaticities);
}

function checkFlatChannels(channels: readonly ExrChannel[], location: string): void {
  const subsampled = channels.filter((c) => c.xSampling !== 1 || c.ySampling !== 1);
  if (subsampled.length > 0) {
    throw imageError(
      ImageErrorCode.IMAGE_UNSUPPORTED,
      `${location}: channels ${subsampled.map((c) => `${c.name} (sampled every ${c.xSampling} x ${c.ySampling})`).join(', ')} are subsampled (luminance/chroma): not supported here; read them with vfx exr`,
    );
  }
}

function decodeExr(bytes: Uint8Array, options: ReadImageOptions): Image {
  const header = readExrHeader(bytes);
  const part = typeof options.part === 'string' ? header.parts.find((p) => p.name === options.part) : header.parts[options.part ?? 0];
  if (part !== undefined) {
    if (part.type === 'deepscanline' || part.type === 'deeptile') {
      throw imageError(ImageErrorCode.IMAGE_UNSUPPORTED, `part ${part.index} holds deep data (samples per pixel), which has no flat image: use vfx exr`);
    }
    const wanted = options.channels === undefined ? part.channels : part.channels.filter((c) => options.channels!.includes(c.name));
    checkFlatChannels(wanted, `part ${part.index}`);
    const w = part.dataWindow.xMax - part.dataWindow.xMin + 1;
    const h = part.dataWindow.yMax - part.dataWindow.yMin + 1;
    checkPixels(w, h, options.maxPixels ?? DEFAULT_MAX_PIXELS, options.file);
  }
  const exr: ExrImage = readExr(bytes, {
    zlib: nodeZlib,
    maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
    ...(options.part !== undefined ? { part: options.part } : {}),
    ...(options.channels !== undefined ? { channels: options.channels } : {}),
  });
  if (exr.channels.length === 0) throw imageError(ImageErrorCode.IMAGE_UNSUPPORTED, `part ${exr.part} has no channels to read`);
  const ordered = orderChannels(exr.channels);
  return {
    width: exr.width,
    height: exr.height,
    dataWindow: { ...exr.dataWindow },
    displayWindow: { ...exr.displayWindow },
    channels: ordered.map((c) => ({ name: c.name, type: exrSampleType(c.type) })),
    pixels: { layout: 'planar', planes: ordered.map((c) => c.data) },
    colorSpace: exrColorSpace(exr.attributes),
    alpha: 'premultiplied',
    metadata: exrMetadata(exr.attributes),
    source: { format: 'exr', compression: exr.compression },
  };
}

// ---------------------------------------------------------------------------------------------
// Header only

/** How much of an EXR is read first for its headers; more only while the headers are longer. */
const EXR_HEADER_PREFIX = 64 * 1024;

async function readHead(path: string, length: number): Promise<{ bytes: Uint8Array; size: number }> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const buffer = new Uint8Array(Math.min(length, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { bytes: buffer.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

/** BitsPerSample (TIFF tag 258) of a TIFF file's first image, reading only the header, IFD0 and
 *  the tag's value wherever they are in the file (libtiff writes the IFD after the pixels). */
async function tiffBitsPerSample(path: string): Promise<number | undefined> {
  const handle = await open(path, 'r');
  try {
    const read = async (offset: number, length: number): Promise<DataView | undefined> => {
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return bytesRead === length ? new DataView(buffer.buffer) : undefined;
    };
    const header = await read(0, 8);
    if (header === undefined) return undefined;
    const little = header.getUint16(0) === 0x4949;
    const ifd = header.getUint32(4, little);
    const count = (await read(ifd, 2))?.getUint16(0, little);
    if (count === undefined) return undefined;
    const entries = await read(ifd + 2, count * 12);
    if (entries === undefined) return undefined;
    for (let i = 0; i < count; i++) {
      if (entries.getUint16(i * 12, little) !== 258) continue;
      const n = entries.getUint32(i * 12 + 4, little);
      if (n <= 2) return entries.getUint16(i * 12 + 8, little);
      return (await read(entries.getUint32(i * 12 + 8, little), 2))?.getUint16(0, little);
    }
    return 1;
  } finally {
    await handle.close();
  }
}

async function exrHeaderOf(input: string | Uint8Array): Promise<ExrHeader> {
  if (typeof input !== 'string') return readExrHeader(input);
  let length = EXR_HEADER_PREFIX;
  for (;;) {
    const { bytes, size } = await readHead(input, length);
    try {
      return readExrHeader(bytes);
    } catch (error) {
      const truncated = isVfxError(error) && (error as VfxError).code === ExrErrorCode.EXR_TRUNCATED;
      if (!truncated || bytes.length >= size) throw error;
      length *= 4;
    }
  }
}

/**
 * What an image file holds (format, size, channels, bit depth, colour space, key metadata) from its
 * header, without decoding pixels. Same errors as `readImage`.
 */
export async function readImageInfo(input: string | Uint8Array, options: Pick<ReadImageOptions, 'part' | 'file'> = {}): Promise<ImageInfo> {
  const file = options.file ?? (typeof input === 'string' ? input : undefined);
  try {
    const head = typeof input === 'string' ? (await readHead(input, 32)).bytes : input.subarray(0, 32);
    const format = detectImageFormat(head);
    if (format === undefined) throw unknownFormat(file);
    if (format === 'exr') return exrInfo(await exrHeaderOf(input), options.part);
    let meta: Metadata;
    try {
      meta = await sharp(input, { failOn: 'none', limitInputPixels: false }).metadata();
    } catch (error) {
      throw imageError(ImageErrorCode.IMAGE_CORRUPT, `cannot read the ${format} header: ${sharpReason(error)}`, { cause: error });
    }
    let layout = sharpLayout(meta, file);
    if (layout.type === 'float' && format === 'tiff') {
      const bits = typeof input === 'string' ? await tiffBitsPerSample(input) : tiffSampleLayout(input)?.bitsPerSample;
      if (bits === 16) layout = { ...layout, type: 'half', depth: 'half' };
    }
    const metadata = sharpMetadata(meta);
    const box = boxOfSize(meta.width, meta.height);
    const channels = meta.depth === 'float' && (meta.space === 'b-w' || meta.channels === 1 || meta.channels === 2)
      ? (meta.hasAlpha ? ['Y', 'A'] : ['Y'])
      : layout.names;
    return {
      format,
      width: meta.width,
      height: meta.height,
      dataWindow: box,
      displayWindow: { ...box },
      channels: channels.map((name) => ({ name, type: layout.type })),
      bitDepth: layout.depth,
      colorSpace: layout.type === 'uint8' ? (colorSpaceForIcc(metadata.iccDescription) ?? metadata.iccDescription ?? SRGB) : sharpColorSpace(layout, metadata),
      hasAlpha: meta.hasAlpha === true,
      ...(meta.compression !== undefined ? { compression: meta.compression } : {}),
      ...(meta.pages !== undefined && meta.pages > 1 ? { pages: meta.pages } : {}),
      metadata,
    };
  } catch (error) {
    throw withFile(error, file);
  }
}

function exrInfo(header: ExrHeader, partSpec: number | string | undefined): ImageInfo {
  const part = typeof partSpec === 'string' ? header.parts.find((p) => p.name === partSpec) : header.parts[partSpec ?? 0];
  if (part === undefined) {
    throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, `no part ${typeof partSpec === 'string' ? `named '${partSpec}'` : String(partSpec)} (the file has ${header.parts.length})`);
  }
  const channels = orderChannels(part.channels).map((c) => ({ name: c.name, type: exrSampleType(c.type) }));
  const display = part.displayWindow;
  return {
    format: 'exr',
    width: display.xMax - display.xMin + 1,
    height: display.yMax - display.yMin + 1,
    dataWindow: { ...part.dataWindow },
    displayWindow: { ...display },
    channels,
    bitDepth: channels.length > 0 ? imageBitDepth(channels) : 'half',
    colorSpace: exrColorSpace(part.attributes),
    hasAlpha: channels.some((c) => c.name === 'A'),
    compression: part.compression,
    ...(header.parts.length > 1 ? { pages: header.parts.length } : {}),
    metadata: exrMetadata(part.attributes),
  };
}
