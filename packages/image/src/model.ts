/**
 * The one raster model of vfxkit, for every format: an image is a data window of pixels inside a
 * display window (as in OpenEXR; the two are equal for every other format), named channels whose
 * samples keep their native type (8-bit, 16-bit, half floats as their Uint16Array bits, float,
 * 32-bit uint), laid out planar (one array per channel, as EXR stores them) or interleaved (one
 * array, pixel after pixel, as sharp hands them over), a colour space and metadata.
 *
 * Nothing here converts: readers keep what the file holds, and `convertImage`, `resizeImage` and
 * the writers do the arithmetic, each documenting its rounding.
 */
import type { Box2, ExrAttribute, ExrCompression } from '@vfxkit/exr';
import { ImageErrorCode, imageError } from './errors.js';

export type { Box2 } from '@vfxkit/exr';

/** How one sample is stored. `half` is IEEE binary16, kept as its bits in a Uint16Array. */
export type SampleType = 'uint8' | 'uint16' | 'half' | 'float' | 'uint32';

/** The bit depth as tools print it and `--bit-depth` takes it: 8 and 16 are unsigned integer
 *  codes, `half` and `float` are 16- and 32-bit floats, `uint` is EXR's 32-bit unsigned integer. */
export type BitDepth = 8 | 16 | 'half' | 'float' | 'uint';

export type SampleArray = Uint8Array | Uint16Array | Float32Array | Uint32Array;

/** The formats read and written here: sharp's and EXR. */
export type ImageFormat = 'jpeg' | 'png' | 'tiff' | 'webp' | 'gif' | 'avif' | 'heif' | 'exr';

export interface ImageChannel {
  /** `R`, `G`, `B`, `A`, `Y` for the usual channels; EXR layers keep their full names (`diffuse.R`). */
  name: string;
  type: SampleType;
}

/** Every channel's samples in one array, pixel after pixel (all channels share one sample type). */
export interface InterleavedPixels {
  layout: 'interleaved';
  data: SampleArray;
}

/** One array per channel, in channel order, each `width * height` samples, rows top to bottom. */
export interface PlanarPixels {
  layout: 'planar';
  planes: SampleArray[];
}

export type ImagePixels = InterleavedPixels | PlanarPixels;

/**
 * The metadata fields carried across formats, named as ExifTool names them, with plain values:
 * numbers in SI units (seconds, millimetres, metres, signed decimal degrees), strings as written.
 */
export interface MetadataTags {
  Make?: string;
  Model?: string;
  SerialNumber?: string;
  LensMake?: string;
  LensModel?: string;
  LensSerialNumber?: string;
  /** `YYYY:MM:DD hh:mm:ss`, as EXIF and OpenEXR's `capDate` write it. */
  DateTimeOriginal?: string;
  /** `+hh:mm` or `-hh:mm`. */
  OffsetTimeOriginal?: string;
  /** Seconds. */
  ExposureTime?: number;
  FNumber?: number;
  ISO?: number;
  /** Millimetres. */
  FocalLength?: number;
  /** Metres. */
  SubjectDistance?: number;
  /** Signed decimal degrees (south and west negative). */
  GPSLatitude?: number;
  GPSLongitude?: number;
  /** Metres (below sea level negative). */
  GPSAltitude?: number;
  ImageDescription?: string;
  Artist?: string;
  Copyright?: string;
  Software?: string;
  /** EXIF orientation 1-8 (1: rows top to bottom, columns left to right). */
  Orientation?: number;
}

export interface ImageMetadata {
  /** The key fields, read from EXIF (sharp formats) or from OpenEXR's standard attributes. */
  tags: MetadataTags;
  /** The whole EXIF block as the file holds it (TIFF structure, without the `Exif\0\0` prefix). */
  exif?: Uint8Array;
  /** The XMP packet. */
  xmp?: string;
  /** The embedded ICC profile and its description. */
  icc?: Uint8Array;
  iccDescription?: string;
  /** Pixels per inch. */
  density?: number;
  /** EXR only: the header attributes other than the structural ones, typed as read, so that an
   *  EXR written back keeps them. */
  exrAttributes?: ExrAttribute[];
}

export interface Image {
  /** Size of the data window (the pixels held). */
  width: number;
  height: number;
  /** Where the pixels are, inclusive: (0, 0) - (width - 1, height - 1) except for EXR. */
  dataWindow: Box2;
  /** The frame the image is shown in (EXR's display window; the data window elsewhere). */
  displayWindow: Box2;
  channels: ImageChannel[];
  pixels: ImagePixels;
  /**
   * A colour space name of @vfxkit/color's registry (`sRGB`, `Linear Rec.709 (sRGB)`, `ACEScg`,
   * ...), the description of an embedded ICC profile that is not one of them, or undefined when
   * nothing says (raw data).
   */
  colorSpace: string | undefined;
  /** Whether colour is multiplied by alpha: EXR stores premultiplied ("associated") alpha, every
   *  sharp format straight alpha. Meaningless without an alpha channel. */
  alpha: 'straight' | 'premultiplied';
  metadata: ImageMetadata;
  /** Where the image came from, when it was read from a file. */
  source?: ImageSource;
}

export interface ImageSource {
  format: ImageFormat;
  /** EXR: the compression of the part read. */
  compression?: ExrCompression;
  /** Pages or frames of a multi-page TIFF / animated GIF or WebP (only the first is read). */
  pages?: number;
}

/** The sample type a bit depth stores in. */
export function sampleTypeOf(depth: BitDepth): SampleType {
  switch (depth) {
    case 8:
      return 'uint8';
    case 16:
      return 'uint16';
    case 'half':
      return 'half';
    case 'float':
      return 'float';
    case 'uint':
      return 'uint32';
  }
}

/** The bit depth a sample type stands for. */
export function bitDepthOf(type: SampleType): BitDepth {
  switch (type) {
    case 'uint8':
      return 8;
    case 'uint16':
      return 16;
    case 'half':
      return 'half';
    case 'float':
      return 'float';
    case 'uint32':
      return 'uint';
  }
}

export function isFloatType(type: SampleType): boolean {
  return type === 'half' || type === 'float';
}

/** A new array of `length` samples of `type`. */
export function allocateSamples(type: SampleType, length: number): SampleArray {
  switch (type) {
    case 'uint8':
      return new Uint8Array(length);
    case 'uint16':
    case 'half':
      return new Uint16Array(length);
    case 'float':
      return new Float32Array(length);
    case 'uint32':
      return new Uint32Array(length);
  }
}

function arrayMatches(type: SampleType, array: SampleArray): boolean {
  switch (type) {
    case 'uint8':
      return array instanceof Uint8Array;
    case 'uint16':
    case 'half':
      return array instanceof Uint16Array;
    case 'float':
      return array instanceof Float32Array;
    case 'uint32':
      return array instanceof Uint32Array;
  }
}

/** A box from (0, 0) of the given size. */
export function boxOfSize(width: number, height: number, xMin = 0, yMin = 0): Box2 {
  return { xMin, yMin, xMax: xMin + width - 1, yMax: yMin + height - 1 };
}

/** The bit depth of the image as one value: that of its colour channels (R, G, B, A or Y), else
 *  of its first channel. Other channels (an EXR's Z in float beside half RGB) may differ. */
export function imageBitDepth(channels: readonly ImageChannel[]): BitDepth {
  const colour = channels.find((c) => ['R', 'G', 'B', 'A', 'Y'].includes(c.name)) ?? channels[0];
  if (colour === undefined) throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, 'the image has no channels');
  return bitDepthOf(colour.type);
}

/**
 * Checks that an image's fields agree (window sizes, array types and lengths) and throws
 * IMAGE_BAD_ARGUMENT naming the first that does not. Writers call it before encoding.
 */
export function validateImage(image: Image): void {
  const bad = (message: string): never => {
    throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, message);
  };
  const { width, height, channels, pixels, dataWindow } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) bad(`the image size must be at least 1 x 1, found ${width} x ${height}`);
  if (dataWindow.xMax - dataWindow.xMin + 1 !== width || dataWindow.yMax - dataWindow.yMin + 1 !== height) {
    bad(`the data window (${dataWindow.xMin} ${dataWindow.yMin}) - (${dataWindow.xMax} ${dataWindow.yMax}) is not ${width} x ${height}`);
  }
  if (channels.length === 0) bad('the image has no channels');
  const count = width * height;
  if (pixels.layout === 'interleaved') {
    const type = channels[0]!.type;
    if (channels.some((c) => c.type !== type)) bad('interleaved pixels need one sample type for every channel; use planar pixels for mixed types');
    if (!arrayMatches(type, pixels.data)) bad(`${type} samples cannot be held in a ${pixels.data.constructor.name}`);
    if (pixels.data.length !== count * channels.length) bad(`interleaved data holds ${pixels.data.length} samples, expected ${count} pixels x ${channels.length} channels`);
  } else {
    if (pixels.planes.length !== channels.length) bad(`${pixels.planes.length} planes for ${channels.length} channels`);
    pixels.planes.forEach((plane, i) => {
      const channel = channels[i]!;
      if (!arrayMatches(channel.type, plane)) bad(`channel ${channel.name}: ${channel.type} samples cannot be held in a ${plane.constructor.name}`);
      if (plane.length !== count) bad(`channel ${channel.name} holds ${plane.length} samples, expected ${count}`);
    });
  }
}

/** The image with planar pixels (the same arrays when it already is). */
export function toPlanar(image: Image): Image & { pixels: PlanarPixels } {
  if (image.pixels.layout === 'planar') return image as Image & { pixels: PlanarPixels };
  const { data } = image.pixels;
  const stride = image.channels.length;
  const count = image.width * image.height;
  const planes = image.channels.map((channel, c) => {
    const plane = allocateSamples(channel.type, count);
    for (let p = 0, i = c; p < count; p++, i += stride) plane[p] = data[i]!;
    return plane;
  });
  return { ...image, pixels: { layout: 'planar', planes } };
}

/** The image with interleaved pixels (IMAGE_BAD_ARGUMENT when its channels mix sample types). */
export function toInterleaved(image: Image): Image & { pixels: InterleavedPixels } {
  if (image.pixels.layout === 'interleaved') return image as Image & { pixels: InterleavedPixels };
  const type = image.channels[0]!.type;
  if (image.channels.some((c) => c.type !== type)) {
    throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, `channels of mixed sample types (${[...new Set(image.channels.map((c) => c.type))].join(', ')}) cannot be interleaved`);
  }
  const stride = image.channels.length;
  const count = image.width * image.height;
  const data = allocateSamples(type, count * stride);
  image.pixels.planes.forEach((plane, c) => {
    for (let p = 0, i = c; p < count; p++, i += stride) data[i] = plane[p]!;
  });
  return { ...image, pixels: { layout: 'interleaved', data } };
}

/** The samples of the channel named `name` as a plane (a copy out of interleaved data), or undefined. */
export function channelPlane(image: Image, name: string): SampleArray | undefined {
  const index = image.channels.findIndex((c) => c.name === name);
  if (index === -1) return undefined;
  if (image.pixels.layout === 'planar') return image.pixels.planes[index];
  const { data } = image.pixels;
  const stride = image.channels.length;
  const count = image.width * image.height;
  const out = allocateSamples(image.channels[index]!.type, count);
  for (let p = 0, i = index; p < count; p++, i += stride) out[p] = data[i]!;
  return out;
}

/** Index of the alpha channel (`A`, or a layer's `.A` when it is the only one), or -1. */
export function alphaIndex(channels: readonly ImageChannel[]): number {
  return channels.findIndex((c) => c.name === 'A');
}

/** The channels a display image is made of: R, G, B (and A), or Y (and A), by index; undefined when
 *  the image has neither. */
export function displayChannels(channels: readonly ImageChannel[]): { colour: number[]; alpha: number } | undefined {
  const find = (name: string) => channels.findIndex((c) => c.name === name);
  const alpha = find('A');
  const [r, g, b] = [find('R'), find('G'), find('B')];
  if (r !== -1 && g !== -1 && b !== -1) return { colour: [r, g, b], alpha };
  const y = find('Y');
  if (y !== -1) return { colour: [y], alpha };
  return undefined;
}
