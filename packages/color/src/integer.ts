/**
 * Integer samples to linear floats and back, for the 8- and 16-bit image formats.
 *
 * Decoding maps code c of a b-bit sample to c / (2^b - 1) and decodes the space's transfer function
 * through a table of every code, so it is exact (to float32) and fast. Encoding runs a colour
 * transform to the display encoding, then quantises: round(v · (2^b - 1)) with v clamped to [0, 1],
 * NaN and negative infinity to 0, positive infinity to the maximum. Alpha is neither decoded nor
 * encoded, only scaled: it is coverage, not light.
 */
import { ColorErrorCode, colorError } from './errors.js';
import type { LutInput } from './lut/model.js';
import { getColorSpace } from './spaces.js';
import { linearTransfer } from './transfer.js';
import type { ColorSpace } from './spaces.js';
import { createLutTransform, createTransform } from './transform.js';
import type { ColorTransform, LutInterpolation } from './transform.js';

export type IntegerSamples = Uint8Array | Uint8ClampedArray | Uint16Array;

export interface SampleLayout {
  /** Samples per pixel, interleaved (default 1: every sample is a colour value, as in a plane). */
  channels?: number;
  /** Which sample of a pixel is alpha; default 3 for 4 channels, 1 for 2 channels, none otherwise.
   *  Pass null for no alpha. */
  alphaChannel?: number | null;
}

function alphaIndex(layout: SampleLayout, channels: number): number {
  if (layout.alphaChannel === null) return -1;
  if (layout.alphaChannel !== undefined) {
    if (!Number.isInteger(layout.alphaChannel) || layout.alphaChannel < 0 || layout.alphaChannel >= channels) {
      throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `alphaChannel ${layout.alphaChannel} is not a channel of a ${channels}-channel pixel`);
    }
    return layout.alphaChannel;
  }
  return channels === 4 ? 3 : channels === 2 ? 1 : -1;
}

function checkBitDepth(bitDepth: number, samples?: IntegerSamples): number {
  const limit = samples === undefined || samples instanceof Uint16Array ? 16 : 8;
  if (!Number.isInteger(bitDepth) || bitDepth < 1 || bitDepth > limit) {
    throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `bitDepth must be an integer from 1 to ${limit}${samples !== undefined ? ` for ${samples.constructor.name} samples` : ''}, found ${bitDepth}`);
  }
  return 2 ** bitDepth - 1;
}

function checkChannels(channels: number, length: number): void {
  if (!Number.isInteger(channels) || channels < 1) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `channels must be a positive integer, found ${channels}`);
  if (length % channels !== 0) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `${length} samples are not a whole number of ${channels}-channel pixels`);
}

export interface DecodeOptions extends SampleLayout {
  /** Where to write (a new Float32Array by default). */
  output?: Float32Array;
}

/**
 * Integer samples (8-bit, 16-bit, or any depth up to 16 in a Uint16Array) to linear floats by the
 * source space's transfer function; primaries are unchanged. Codes above the bit depth's maximum
 * read as the maximum.
 *
 * @example decodeToLinear(png.data, 8, 'sRGB', { channels: 4 })   // RGBA: alpha only scaled
 */
export function decodeToLinear(samples: IntegerSamples, bitDepth: number, colorSpace: string | ColorSpace, options: DecodeOptions = {}): Float32Array {
  const max = checkBitDepth(bitDepth, samples);
  const space = getColorSpace(colorSpace);
  const channels = options.channels ?? 1;
  checkChannels(channels, samples.length);
  const alpha = alphaIndex(options, channels);
  const out = options.output ?? new Float32Array(samples.length);
  if (out.length !== samples.length) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `the output holds ${out.length} values, the input ${samples.length}`);
  const table = new Float32Array(max + 1);
  const ramp = new Float32Array(max + 1);
  for (let code = 0; code <= max; code++) {
    ramp[code] = code / max;
    table[code] = space.isData ? code / max : space.transfer.decode(code / max);
  }
  if (alpha < 0) {
    for (let i = 0; i < samples.length; i++) {
      const code = samples[i]!;
      out[i] = table[code > max ? max : code]!;
    }
  } else {
    for (let i = 0; i < samples.length; i++) {
      const code = samples[i]!;
      out[i] = (i % channels === alpha ? ramp : table)[code > max ? max : code]!;
    }
  }
  return out;
}

export interface EncodeOptions extends SampleLayout {
  /** The space of the linear input (default: linear light with the display's own primaries, so only
   *  the display's transfer function applies). Ignored when `display` is a LUT. */
  from?: string | ColorSpace;
  /** Exposure in stops before the display transform. */
  exposure?: number;
  /** How 3D LUTs interpolate (default tetrahedral). */
  interpolation?: LutInterpolation;
  /** Where to write (a new array of the bit depth's type by default). */
  output?: Uint8Array | Uint16Array;
}

/**
 * Linear floats to integer samples through a display transform: a colour space (its transfer
 * function encodes, after converting primaries from `options.from` if given) or a LUT applied to the
 * linear values as they are. Colour channels are processed as RGB triples, so `channels` must hold
 * 3 or 4 (RGBA), or 1 or 2 for grey (grey g is taken as RGB (g, g, g) and the red output kept).
 * Rounds to nearest; clamps to [0, 2^bits - 1]; NaN and -Inf give 0, +Inf the maximum.
 */
export function encodeForDisplay(linear: Float32Array, bitDepth: 8, display: string | ColorSpace | LutInput, options?: EncodeOptions): Uint8Array;
export function encodeForDisplay(linear: Float32Array, bitDepth: 16, display: string | ColorSpace | LutInput, options?: EncodeOptions): Uint16Array;
export function encodeForDisplay(linear: Float32Array, bitDepth: number, display: string | ColorSpace | LutInput, options?: EncodeOptions): Uint8Array | Uint16Array;
export function encodeForDisplay(linear: Float32Array, bitDepth: number, display: string | ColorSpace | LutInput, options: EncodeOptions = {}): Uint8Array | Uint16Array {
  const max = checkBitDepth(bitDepth);
  const channels = options.channels ?? 3;
  checkChannels(channels, linear.length);
  if (channels > 4) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `encodeForDisplay handles 1 to 4 channels, found ${channels}`);
  const alpha = alphaIndex(options, channels);
  const colorChannels = channels - (alpha >= 0 ? 1 : 0);
  if (colorChannels !== 1 && colorChannels !== 3) {
    throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `a pixel needs 1 (grey) or 3 (RGB) colour channels besides alpha, found ${colorChannels}`);
  }
  const out = options.output ?? (bitDepth <= 8 ? new Uint8Array(linear.length) : new Uint16Array(linear.length));
  if (out.length !== linear.length) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `the output holds ${out.length} values, the input ${linear.length}`);
  if (bitDepth > 8 && out instanceof Uint8Array) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `a ${bitDepth}-bit output needs a Uint16Array`);

  const transform = displayTransform(display, options);
  const colorIndex = alpha === 0 ? 1 : 0;
  const pixels = linear.length / channels;
  const block = 4096;
  const rgb = new Float32Array(block * 3);
  const quantise = (v: number): number => (v > 0 ? (v < 1 ? Math.floor(v * max + 0.5) : max) : 0);
  for (let first = 0; first < pixels; first += block) {
    const count = Math.min(block, pixels - first);
    const view = rgb.subarray(0, count * 3);
    // Gather the colour channels as RGB triples (grey as g, g, g).
    for (let p = 0; p < count; p++) {
      const at = (first + p) * channels;
      if (colorChannels === 3) {
        let c = 0;
        for (let k = 0; k < channels; k++) if (k !== alpha) view[p * 3 + c++] = linear[at + k]!;
      } else {
        const grey = linear[at + colorIndex]!;
        view[p * 3] = grey;
        view[p * 3 + 1] = grey;
        view[p * 3 + 2] = grey;
      }
    }
    transform(view, 3, view);
    for (let p = 0; p < count; p++) {
      const at = (first + p) * channels;
      if (colorChannels === 3) {
        let c = 0;
        for (let k = 0; k < channels; k++) out[at + k] = quantise(k === alpha ? linear[at + k]! : view[p * 3 + c++]!);
      } else {
        out[at + colorIndex] = quantise(view[p * 3]!);
        if (alpha >= 0) out[at + alpha] = quantise(linear[at + alpha]!);
      }
    }
  }
  return out;
}

function displayTransform(display: string | ColorSpace | LutInput, options: EncodeOptions): ColorTransform {
  const interpolation = options.interpolation ?? 'tetrahedral';
  if (typeof display === 'string' || 'transfer' in display) {
    const target = getColorSpace(display as string | ColorSpace);
    const source = options.from !== undefined ? getColorSpace(options.from) : linearTwin(target);
    return createTransform(source, target, { ...(options.exposure !== undefined ? { exposure: options.exposure } : {}), interpolation });
  }
  return createLutTransform(display, { interpolation, ...(options.exposure !== undefined ? { exposure: options.exposure } : {}) });
}

/** The space with the same primaries and white but linear light (the input `encodeForDisplay`
 *  assumes when no `from` is given). */
function linearTwin(space: ColorSpace): ColorSpace {
  return { ...space, name: `${space.name} (linear)`, aliases: [], transfer: linearTransfer };
}
