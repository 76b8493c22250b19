/**
 * convertImage: bit depth, colour space, exposure, LUT and alpha association, with the colour
 * management done where it belongs:
 *
 * - integer -> integer with nothing else asked: codes are rescaled, not re-encoded (8 -> 16 is
 *   c * 257, exact; 16 -> 8 is round(c / 257)), so a plain depth change never touches the curve;
 * - integer -> float: each colour code is decoded to linear light by the source space's transfer
 *   function (sRGB by default, or the declared one), alpha and other channels scale to [0, 1];
 * - float -> integer: a display transform (sRGB by default, a named space, or a LUT applied to
 *   the linear values) then round(v * (2^bits - 1)), v clamped to [0, 1], NaN and -Inf to 0, +Inf
 *   to the maximum (the rule of @vfxkit/color's encodeForDisplay);
 * - float -> float: a colour transform only when asked (another space, an exposure).
 *
 * Alpha: EXR stores colour premultiplied by alpha, every sharp format straight colour. The target
 * association (`alpha`) is applied in linear light: premultiply after decoding, unpremultiply
 * (where alpha > 0) before encoding.
 */
import { createLutTransform, createTransform, getColorSpace, linearTransfer } from '@vfxkit/color';
import type { ColorSpace, ColorTransform, LutInput } from '@vfxkit/color';
import { floatsToHalves, halfDecodeTable } from '@vfxkit/core';
import { LINEAR_REC709, SRGB, linearTwinName } from './colorspace.js';
import { ImageErrorCode, imageError } from './errors.js';
import {
  allocateSamples,
  displayChannels,
  imageBitDepth,
  isFloatType,
  sampleTypeOf,
  toPlanar,
  type BitDepth,
  type Image,
  type ImageChannel,
  type SampleArray,
  type SampleType,
} from './model.js';

export interface ConvertOptions {
  /** Target bit depth (default: the source's). */
  bitDepth?: BitDepth;
  /**
   * Target colour space. Default: the source's for integer -> integer, its linear twin for
   * integer -> float (sRGB -> `Linear Rec.709 (sRGB)`), sRGB for float -> integer (the display
   * transform), the source's for float -> float.
   */
  colorSpace?: string;
  /** A LUT applied in the target encoding (after the colour transform); with no `colorSpace` and a
   *  float -> integer conversion, applied to the linear values as they are (a display LUT). */
  lut?: LutInput;
  /** Exposure in stops, applied to linear light. */
  exposure?: number;
  /** Target alpha association (default: the source's). */
  alpha?: 'straight' | 'premultiplied';
  /** Keep only the display channels (R, G, B, A or Y, A). Default: true for integer targets, false
   *  for float ones. */
  displayOnly?: boolean;
  /** For formats without alpha (JPEG): composite over black in linear light (colour times alpha,
   *  before any curve) and leave the alpha channel out. */
  dropAlpha?: boolean;
}

/** The colour space of an image as a ColorSpace, with the defaults for what says nothing. */
function sourceSpace(image: Image, floatSource: boolean): ColorSpace {
  return getColorSpace(image.colorSpace ?? (floatSource ? LINEAR_REC709 : SRGB));
}

/** The same space with linear light (what decoded samples are in). */
function linearVersion(space: ColorSpace): ColorSpace {
  if (space.transfer.isLinear) return space;
  const twin = linearTwinName(space);
  return twin !== undefined ? getColorSpace(twin) : { ...space, name: `${space.name} (linear)`, aliases: [], transfer: linearTransfer, encoding: 'scene-linear' };
}

function maxCode(type: SampleType): number {
  return type === 'uint8' ? 255 : 65535;
}

/** A plane as linear-or-not Float32 values: integer codes / max, half decoded, float copied. */
function planeToFloat(plane: SampleArray, type: SampleType, table?: Float32Array): Float32Array {
  const out = new Float32Array(plane.length);
  if (type === 'half') {
    const halves = halfDecodeTable();
    for (let i = 0; i < plane.length; i++) out[i] = halves[plane[i]!]!;
  } else if (type === 'float') {
    out.set(plane as Float32Array);
  } else if (type === 'uint32') {
    for (let i = 0; i < plane.length; i++) out[i] = plane[i]!;
  } else if (table !== undefined) {
    for (let i = 0; i < plane.length; i++) out[i] = table[plane[i]!]!;
  } else {
    const scale = 1 / maxCode(type);
    for (let i = 0; i < plane.length; i++) out[i] = plane[i]! * scale;
  }
  return out;
}

/** Code -> linear value for every code of an integer type, by a transfer function. */
function decodeTable(type: SampleType, space: ColorSpace): Float32Array {
  const max = maxCode(type);
  const table = new Float32Array(max + 1);
  for (let code = 0; code <= max; code++) table[code] = space.isData ? code / max : space.transfer.decode(code / max);
  return table;
}

/** Float values to samples of an integer type: round to nearest, clamp, NaN and -Inf to 0. */
function quantise(values: Float32Array, type: 'uint8' | 'uint16'): Uint8Array | Uint16Array {
  const max = maxCode(type);
  const out = type === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = v > 0 ? (v < 1 ? Math.floor(v * max + 0.5) : max) : 0;
  }
  return out;
}

function floatToType(values: Float32Array, type: SampleType): SampleArray {
  switch (type) {
    case 'float':
      return values;
    case 'half':
      return floatsToHalves(values);
    case 'uint32': {
      const out = new Uint32Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        out[i] = v > 0 ? (v < 4294967295 ? Math.round(v) : 4294967295) : 0;
      }
      return out;
    }
    default:
      return quantise(values, type);
  }
}

/** Integer codes from one depth to another without re-encoding. */
function rescaleCodes(plane: SampleArray, from: SampleType, to: SampleType): SampleArray {
  if (from === to) return plane;
  const out = allocateSamples(to, plane.length);
  if (from === 'uint8' && to === 'uint16') for (let i = 0; i < plane.length; i++) out[i] = plane[i]! * 257;
  else for (let i = 0; i < plane.length; i++) out[i] = Math.floor((plane[i]! + 128) / 257);
  return out;
}

function premultiply(colour: Float32Array[], alpha: Float32Array): void {
  for (const plane of colour) for (let i = 0; i < plane.length; i++) plane[i]! *= alpha[i]!;
}

function unpremultiply(colour: Float32Array[], alpha: Float32Array): void {
  for (const plane of colour) {
    for (let i = 0; i < plane.length; i++) {
      const a = alpha[i]!;
      if (a > 0) plane[i]! /= a;
    }
  }
}

interface Plan {
  /** Indices into the source channels, in output order. */
  keep: number[];
  /** Positions in `keep` of the colour channels (3 for RGB, 1 for Y) and of alpha (-1 if none). */
  colour: number[];
  alpha: number;
}

function planChannels(channels: readonly ImageChannel[], displayOnly: boolean): Plan {
  const display = displayChannels(channels);
  if (displayOnly) {
    if (display === undefined) {
      throw imageError(
        ImageErrorCode.IMAGE_UNSUPPORTED,
        `no R, G, B or Y channels to make a picture from (channels: ${channels.map((c) => c.name).join(', ')})`,
      );
    }
    const keep = [...display.colour, ...(display.alpha !== -1 ? [display.alpha] : [])];
    return { keep, colour: display.colour.map((_, i) => i), alpha: display.alpha !== -1 ? keep.length - 1 : -1 };
  }
  const keep = channels.map((_, i) => i);
  return { keep, colour: display?.colour ?? [], alpha: display?.alpha ?? -1 };
}

/**
 * Converts an image's depth, colour space, exposure and alpha association; returns a new image
 * (planar, except that an interleaved integer image rescaled to another integer depth stays
 * interleaved). Throws IMAGE_UNSUPPORTED when an integer target is asked of an image with no
 * R, G, B or Y channel, and the COLOR_* errors of @vfxkit/color for unknown spaces.
 *
 * @example
 * const linear = convertImage(jpeg, { bitDepth: 'half', alpha: 'premultiplied' }); // sRGB -> linear half
 * const jpegReady = convertImage(exr, { bitDepth: 8, alpha: 'straight' });          // sRGB display transform
 */
export function convertImage(image: Image, options: ConvertOptions = {}): Image {
  const sourceDepth = imageBitDepth(image.channels);
  const targetDepth = options.bitDepth ?? sourceDepth;
  const targetType = sampleTypeOf(targetDepth);
  const floatSource = isFloatType(sampleTypeOf(sourceDepth));
  const floatTarget = isFloatType(targetType) || targetType === 'uint32';
  const displayOnly = options.displayOnly ?? !floatTarget;
  const plan = planChannels(image.channels, displayOnly);
  const source = sourceSpace(image, floatSource);
  const targetAlpha = options.alpha ?? image.alpha;
  const drop = options.dropAlpha === true && plan.alpha !== -1;
  const alphaChanges = plan.alpha !== -1 && (targetAlpha !== image.alpha || drop);
  const keptChannels = plan.keep.map((i) => image.channels[i]!);

  // Integer to integer with nothing but a depth change: rescale codes.
  const colourWork = options.lut !== undefined || (options.exposure ?? 0) !== 0 || (options.colorSpace !== undefined && getColorSpace(options.colorSpace).name !== source.name);
  if (!floatSource && !floatTarget && !colourWork && !alphaChanges && keptChannels.every((c) => !isFloatType(c.type) && c.type !== 'uint32')) {
    const planar = toPlanar(image);
    const planes = plan.keep.map((i) => rescaleCodes(planar.pixels.planes[i]!, image.channels[i]!.type, targetType));
    return {
      ...image,
      channels: keptChannels.map((c) => ({ name: c.name, type: targetType })),
      pixels: { layout: 'planar', planes },
      colorSpace: image.colorSpace ?? SRGB,
    };
  }

  // Everything else goes through linear float.
  const planar = toPlanar(image);
  const linearSource = linearVersion(source);
  const exposure = options.exposure !== undefined && options.exposure !== 0 ? { exposure: options.exposure } : {};

  // The transform from linear light to the target: for float targets the target space (a matrix
  // when it is linear), for integer targets a display transform (a space's curve or a LUT).
  let transform: ColorTransform | undefined;
  let outputSpace: string | undefined;
  let linearResult: boolean;
  if (floatTarget) {
    const target = options.colorSpace !== undefined ? getColorSpace(options.colorSpace) : linearSource;
    if (options.lut !== undefined || target.name !== linearSource.name || 'exposure' in exposure) {
      transform = createTransform(linearSource, target, { ...exposure, ...(options.lut !== undefined ? { lut: options.lut } : {}) });
    }
    outputSpace = target.name;
    linearResult = target.transfer.isLinear && options.lut === undefined;
  } else if (options.lut !== undefined && options.colorSpace === undefined) {
    transform = createLutTransform(options.lut, exposure);
    outputSpace = undefined;
    linearResult = false;
  } else {
    const display = getColorSpace(options.colorSpace ?? (floatSource ? SRGB : source.name));
    transform = createTransform(linearSource, display, { ...exposure, ...(options.lut !== undefined ? { lut: options.lut } : {}) });
    outputSpace = display.name;
    linearResult = false;
  }

  // Half samples to integer codes through a curve only: one table over the 65536 half values.
  const codeTable = !floatTarget && transform !== undefined ? halfCodeTable(image, plan, planar.pixels.planes, transform, options, targetType as 'uint8' | 'uint16', drop) : undefined;
  if (codeTable !== undefined) {
    const codes = plan.keep.map((index, k) => {
      const bits = planar.pixels.planes[index] as Uint16Array;
      const lookup = plan.colour.includes(k) ? codeTable.colour : codeTable.linear;
      const out = allocateSamples(targetType, bits.length);
      for (let i = 0; i < bits.length; i++) out[i] = lookup[bits[i]!]!;
      return out;
    });
    return withoutAlpha(
      {
        ...image,
        channels: keptChannels.map((c) => ({ name: c.name, type: targetType })),
        pixels: { layout: 'planar', planes: codes },
        colorSpace: outputSpace,
        alpha: plan.alpha !== -1 ? targetAlpha : image.alpha,
      },
      drop ? plan.alpha : -1,
    );
  }

  const colourSet = new Set(plan.colour.map((k) => plan.keep[k]!));
  const table = new Map<SampleType, Float32Array>();
  const linearPlanes = plan.keep.map((index) => {
    const channel = image.channels[index]!;
    const plane = planar.pixels.planes[index]!;
    if (colourSet.has(index) && (channel.type === 'uint8' || channel.type === 'uint16')) {
      if (!table.has(channel.type)) table.set(channel.type, decodeTable(channel.type, source));
      return planeToFloat(plane, channel.type, table.get(channel.type));
    }
    return planeToFloat(plane, channel.type);
  });
  const colourPlanes = plan.colour.map((k) => linearPlanes[k]!);
  const alphaPlane = plan.alpha !== -1 ? linearPlanes[plan.alpha] : undefined;

  // Curves and LUTs act on straight colour; matrices and exposure on either.
  let association = image.alpha;
  if (alphaPlane !== undefined && drop) {
    // Over black, in linear light: the premultiplied colour is the answer.
    if (association === 'straight') premultiply(colourPlanes, alphaPlane);
  } else if (alphaPlane !== undefined && association === 'premultiplied' && (!linearResult || targetAlpha === 'straight')) {
    unpremultiply(colourPlanes, alphaPlane);
    association = 'straight';
  }
  if (transform !== undefined && colourPlanes.length > 0) applyTransform(transform, colourPlanes);
  if (alphaPlane !== undefined && !drop && targetAlpha === 'premultiplied' && association === 'straight') premultiply(colourPlanes, alphaPlane);

  const planes = linearPlanes.map((plane, k) => {
    const channel = keptChannels[k]!;
    // uint32 channels (IDs) stay uint32 in float targets; everything else takes the target type.
    if (channel.type === 'uint32' && floatTarget) return planar.pixels.planes[plan.keep[k]!]!;
    return floatToType(plane, targetType);
  });
  return withoutAlpha(
    {
      ...image,
      channels: keptChannels.map((c) => ({ name: c.name, type: c.type === 'uint32' && floatTarget ? 'uint32' : targetType })),
      pixels: { layout: 'planar', planes },
      colorSpace: outputSpace,
      alpha: plan.alpha !== -1 ? targetAlpha : image.alpha,
    },
    drop ? plan.alpha : -1,
  );
}

/** The image without the channel at `index` (planar), or the image itself for -1. */
function withoutAlpha(image: Image, index: number): Image {
  if (index === -1 || image.pixels.layout !== 'planar') return image;
  return {
    ...image,
    channels: image.channels.filter((_, i) => i !== index),
    pixels: { layout: 'planar', planes: image.pixels.planes.filter((_, i) => i !== index) },
  };
}

/** A scalar matrix (the same gain on every channel, nothing mixed). */
function isScalar(matrix: readonly number[]): boolean {
  return matrix[1] === 0 && matrix[2] === 0 && matrix[3] === 0 && matrix[5] === 0 && matrix[6] === 0 && matrix[7] === 0 && matrix[0] === matrix[4] && matrix[4] === matrix[8];
}

/**
 * For half images going to integer codes through a per-channel curve (no matrix mixing channels, no
 * LUT): the code of each of the 65536 half values, computed once, for colour and for alpha (which
 * is only scaled). Undefined when the image needs the general path: other sample types, a
 * transform mixing channels, or premultiplied colour with alpha below 1 somewhere (colour must be
 * divided by alpha before the curve).
 */
function halfCodeTable(
  image: Image,
  plan: Plan,
  planes: readonly SampleArray[],
  transform: ColorTransform,
  options: ConvertOptions,
  type: 'uint8' | 'uint16',
  dropAlpha: boolean,
): { colour: Uint8Array | Uint16Array; linear: Uint8Array | Uint16Array } | undefined {
  if (options.lut !== undefined || !isScalar(transform.matrix)) return undefined;
  if (plan.keep.some((index) => image.channels[index]!.type !== 'half')) return undefined;
  // Over black, premultiplied colour is encoded as it is; straight colour needs multiplying first.
  if (dropAlpha && plan.alpha !== -1 && image.alpha === 'straight') return undefined;
  if (!dropAlpha && plan.alpha !== -1 && image.alpha === 'premultiplied') {
    const alpha = planes[plan.keep[plan.alpha]!] as Uint16Array;
    const one = 0x3c00;
    for (let i = 0; i < alpha.length; i++) if (alpha[i] !== one) return undefined;
  }
  const values = Float32Array.from(halfDecodeTable());
  const linear = quantise(values, type);
  const encoded = Float32Array.from(values);
  transform.planar(encoded, Float32Array.from(values), Float32Array.from(values), [encoded, new Float32Array(values.length), new Float32Array(values.length)]);
  return { colour: quantise(encoded, type), linear };
}

/** Runs a colour transform over 3 colour planes (RGB), or over one grey plane as (g, g, g). */
function applyTransform(transform: ColorTransform, planes: Float32Array[]): void {
  if (planes.length === 3) {
    transform.planar(planes[0]!, planes[1]!, planes[2]!, [planes[0]!, planes[1]!, planes[2]!]);
    return;
  }
  const grey = planes[0]!;
  const green = Float32Array.from(grey);
  const blue = Float32Array.from(grey);
  transform.planar(grey, green, blue, [grey, green, blue]);
}

/** The bit depth integer formats get for an image of this depth: 8 and 16 stay, floats go to 16
 *  when the format holds it, else 8. */
export function integerDepthFor(depth: BitDepth, available: readonly BitDepth[]): BitDepth {
  if (available.includes(depth)) return depth;
  if (depth !== 8 && available.includes(16)) return 16;
  return available[0]!;
}

