/**
 * The data model of @vfxkit/exr: headers with every attribute typed as OpenEXR types it, and images
 * as planar typed arrays per channel in their native type (half as Uint16Array bits, float as
 * Float32Array, uint as Uint32Array). Nothing is converted to RGBA and nothing is flipped: the pixel
 * at data-window coordinate (x, y) of a channel sampled every (xs, ys) pixels is element
 * `((y - yMin) / ys) * width + (x - xMin) / xs` of that channel's array.
 */
import type { ZlibCodec } from './compression/types.js';

/** An integer or float rectangle, inclusive on both ends (OpenEXR's box2i / box2f). */
export interface Box2 {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

export type ExrPixelType = 'uint' | 'half' | 'float';

/** Compression methods by OpenEXR's own names; the index in this list is the numeric code. */
export const EXR_COMPRESSIONS = [
  'none',
  'rle',
  'zips',
  'zip',
  'piz',
  'pxr24',
  'b44',
  'b44a',
  'dwaa',
  'dwab',
  'htj2k256',
  'htj2k32',
] as const;
export type ExrCompression = (typeof EXR_COMPRESSIONS)[number];

export const EXR_LINE_ORDERS = ['increasingY', 'decreasingY', 'randomY'] as const;
export type ExrLineOrder = (typeof EXR_LINE_ORDERS)[number];

export const EXR_ENVMAPS = ['latlong', 'cube'] as const;
export type ExrEnvmap = (typeof EXR_ENVMAPS)[number];

export const EXR_DEEP_IMAGE_STATES = ['messy', 'sorted', 'nonOverlapping', 'tidy'] as const;
export type ExrDeepImageState = (typeof EXR_DEEP_IMAGE_STATES)[number];

export const EXR_LEVEL_MODES = ['one', 'mipmap', 'ripmap'] as const;
export type ExrLevelMode = (typeof EXR_LEVEL_MODES)[number];

export const EXR_ROUNDING_MODES = ['down', 'up'] as const;
export type ExrRoundingMode = (typeof EXR_ROUNDING_MODES)[number];

/** The four part types of OpenEXR 2 (the `type` attribute's values). */
export type ExrPartType = 'scanlineimage' | 'tiledimage' | 'deepscanline' | 'deeptile';

/** One entry of a channel list (`chlist`). */
export interface ExrChannel {
  name: string;
  type: ExrPixelType;
  /** Perceptually linear hint for lossy codecs (B44, DWA). */
  pLinear: boolean;
  xSampling: number;
  ySampling: number;
}

export interface ExrTileDescription {
  xSize: number;
  ySize: number;
  levelMode: ExrLevelMode;
  roundingMode: ExrRoundingMode;
}

export interface ExrChromaticities {
  redX: number;
  redY: number;
  greenX: number;
  greenY: number;
  blueX: number;
  blueY: number;
  whiteX: number;
  whiteY: number;
}

export interface ExrKeyCode {
  filmMfcCode: number;
  filmType: number;
  prefix: number;
  count: number;
  perfOffset: number;
  perfsPerFrame: number;
  perfsPerCount: number;
}

/** SMPTE time code as stored: packed time-and-flags word and user data word. */
export interface ExrTimeCode {
  timeAndFlags: number;
  userData: number;
}

export interface ExrRational {
  numerator: number;
  denominator: number;
}

/** An 8-bit RGBA preview image (`preview`), rows top to bottom. */
export interface ExrPreview {
  width: number;
  height: number;
  /** width * height * 4 bytes, R G B A per pixel. */
  pixels: Uint8Array;
}

/** The `bytes` attribute type (OpenEXR 3.4): opaque bytes with a type hint. */
export interface ExrBytes {
  typeHint: string;
  data: Uint8Array;
}

/** The value of each standard attribute type, by type name. */
export interface ExrAttributeTypes {
  box2i: Box2;
  box2f: Box2;
  bytes: ExrBytes;
  chlist: ExrChannel[];
  chromaticities: ExrChromaticities;
  compression: ExrCompression;
  deepImageState: ExrDeepImageState;
  double: number;
  envmap: ExrEnvmap;
  float: number;
  floatvector: number[];
  int: number;
  keycode: ExrKeyCode;
  lineOrder: ExrLineOrder;
  /** 3x3 matrices row by row (9 values). */
  m33f: number[];
  m33d: number[];
  /** 4x4 matrices row by row (16 values). */
  m44f: number[];
  m44d: number[];
  preview: ExrPreview;
  rational: ExrRational;
  string: string;
  stringvector: string[];
  tiledesc: ExrTileDescription;
  timecode: ExrTimeCode;
  v2i: [number, number];
  v2f: [number, number];
  v2d: [number, number];
  v3i: [number, number, number];
  v3f: [number, number, number];
  v3d: [number, number, number];
}

export type ExrAttributeType = keyof ExrAttributeTypes;

/** A standard attribute: its name, its EXR type and the decoded value. */
export type ExrKnownAttribute = {
  [T in ExrAttributeType]: { name: string; type: T; value: ExrAttributeTypes[T]; opaque?: false };
}[ExrAttributeType];

/** An attribute of a type this library does not know, kept as its raw value bytes and written
 *  back unchanged. */
export interface ExrOpaqueAttribute {
  name: string;
  type: string;
  value: Uint8Array;
  opaque: true;
}

export type ExrAttribute = ExrKnownAttribute | ExrOpaqueAttribute;

/** Version field flags (the 24 high bits of the second int of the file). */
export interface ExrVersionFlags {
  /** Bit 9: a single-part tiled file. */
  tiled: boolean;
  /** Bit 10: names may be up to 255 bytes (otherwise 31). */
  longNames: boolean;
  /** Bit 11: at least one part holds deep data. */
  nonImage: boolean;
  /** Bit 12: more than one part (chunks carry a part number). */
  multipart: boolean;
}

/** One part's header: the structural attributes decoded for convenience, plus every attribute in
 *  file order (including the structural ones) and the header's raw bytes. */
export interface ExrPartHeader {
  index: number;
  /** The `name` attribute (required in multi-part and deep files). */
  name: string | undefined;
  /** The part's storage: from the `type` attribute in multi-part and deep files, from the version
   *  flags otherwise (as OpenEXR does). `unknown` for future types (header readable, pixels not). */
  type: ExrPartType | 'unknown';
  channels: ExrChannel[];
  compression: ExrCompression;
  dataWindow: Box2;
  displayWindow: Box2;
  lineOrder: ExrLineOrder;
  pixelAspectRatio: number;
  screenWindowCenter: [number, number];
  screenWindowWidth: number;
  tiles: ExrTileDescription | undefined;
  /** Number of chunks (entries in this part's offset table), computed from the layout. */
  chunkCount: number;
  /** Every attribute in file order. */
  attributes: ExrAttribute[];
  /** Byte offset of this header in the file and its bytes (attributes and terminating NUL). */
  offset: number;
  raw: Uint8Array;
}

export interface ExrHeader {
  /** File format version (2). */
  version: number;
  flags: ExrVersionFlags;
  parts: ExrPartHeader[];
  /** Byte offset where the offset tables start (the end of the headers). */
  offsetTablesOffset: number;
}

/** Pixel data of one channel: the channel-list entry plus its samples. */
export interface ExrChannelData extends ExrChannel {
  /** Samples per row and rows (fewer than the image's when subsampled). */
  width: number;
  height: number;
  data: Uint16Array | Float32Array | Uint32Array;
}

/** One resolution level of a tiled multi-resolution part. */
export interface ExrLevel {
  level: { x: number; y: number };
  dataWindow: Box2;
  width: number;
  height: number;
  channels: ExrChannelData[];
}

/** Deep pixels: a sample count per pixel and, per channel, all samples of all pixels (row-major
 *  pixel order, samples of one pixel contiguous). */
export interface ExrDeepData {
  /** width * height counts. */
  sampleCounts: Uint32Array;
  /** width * height + 1 prefix sums: pixel i's samples are [sampleOffsets[i], sampleOffsets[i+1]). */
  sampleOffsets: Uint32Array;
  totalSamples: number;
  channels: { name: string; type: ExrPixelType; pLinear: boolean; data: Uint16Array | Float32Array | Uint32Array }[];
}

/** One part as read (and as `writeExr` takes it back). */
export interface ExrImage {
  /** Index of the part in the file. */
  part: number;
  name: string | undefined;
  type: ExrPartType;
  /** The window of the pixels returned (the part's data window, or the level's, or the region). */
  dataWindow: Box2;
  displayWindow: Box2;
  width: number;
  height: number;
  compression: ExrCompression;
  lineOrder: ExrLineOrder;
  tiles: ExrTileDescription | undefined;
  /** Resolution level read (0, 0 unless a level was asked for). */
  level: { x: number; y: number };
  /** Flat channels in channel-list order (empty for deep parts). */
  channels: ExrChannelData[];
  /** Every header attribute of the part, in file order. */
  attributes: ExrAttribute[];
  /** Deep samples (deep parts only). */
  deep?: ExrDeepData;
  /** All resolution levels, when read with `allLevels` (level 0 is also in `channels`). */
  levels?: ExrLevel[];
}

/** Resource limits checked before allocating. */
export interface ExrLimits {
  /** Largest number of pixels (width * height of what is read). Default 2^30. */
  maxPixels?: number;
  /** Largest number of deep samples in one read. Default 2^28. */
  maxSamples?: number;
}

export interface ExrReadOptions extends ExrLimits {
  /** Part index or name (default 0). */
  part?: number | string;
  /** Channel names to read (default all). */
  channels?: readonly string[];
  /** A window in pixel coordinates (of the level read) to read instead of the whole data window. */
  region?: Box2;
  /** Resolution level of a tiled part: a number for mip-maps, {x, y} for rip-maps. */
  level?: number | { x: number; y: number };
  /** A range of tile indices (inclusive) of the level to read, as an alternative to `region`. */
  tiles?: Box2;
  /** Also return every resolution level in `levels` (tiled multi-resolution parts). */
  allLevels?: boolean;
  /** zlib implementation (default: fflate; `@vfxkit/exr/node` offers node:zlib). */
  zlib?: ZlibCodec;
}

/** A channel to write: the type is that of the data array unless given (then converted). */
export interface ExrWriteChannel {
  name: string;
  type?: ExrPixelType;
  data: Uint16Array | Float32Array | Uint32Array | readonly number[];
  pLinear?: boolean;
  xSampling?: number;
  ySampling?: number;
}

/** A part to write. An `ExrImage` as read is a valid `ExrWritePart`. */
export interface ExrWritePart {
  name?: string | undefined;
  /** Default: `tiledimage` when `tiles` is given, `deepscanline`/`deeptile` when `deep` is. */
  type?: ExrPartType;
  /** Pixel window; default (0, 0) - (width - 1, height - 1). */
  dataWindow?: Box2;
  width?: number;
  height?: number;
  /** Default: the data window. */
  displayWindow?: Box2;
  channels: readonly (ExrWriteChannel | ExrChannelData)[];
  compression?: ExrCompression;
  lineOrder?: ExrLineOrder;
  tiles?: Partial<ExrTileDescription> & { xSize: number; ySize: number } | undefined;
  /** Resolution levels other than level 0 (missing ones are computed with a box filter). */
  levels?: readonly ExrLevel[] | undefined;
  /** Other header attributes, written unchanged (structural ones are derived from the fields above). */
  attributes?: readonly ExrAttribute[];
  deep?: ExrDeepData | undefined;
}

export interface ExrWriteOptions {
  /** Compression for parts that do not name one (default `zip`). */
  compression?: ExrCompression;
  /** zlib level 1-9 for zip/zips/pxr24/dwa (default 4, OpenEXR's default). */
  zipLevel?: number;
  zlib?: ZlibCodec;
}
