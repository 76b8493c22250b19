/**
 * The pixel pipeline: a colour space conversion, exposure, LUTs and a clamp, compiled once into a
 * list of stages and run over interleaved RGB/RGBA or planar float data.
 *
 * The order is fixed and is the order a compositor applies them in:
 *   1. decode the source transfer function (to linear light),
 *   2. one 3x3 matrix: source primaries -> target primaries (RP 177 through XYZ, Bradford where the
 *      whites differ) times the exposure gain 2^stops (a scale commutes with the matrix, so it
 *      costs nothing),
 *   3. encode the target transfer function,
 *   4. the LUT steps, in the target space's encoding (a show LUT made for ACEScct, a display LUT),
 *   5. the clamp.
 * Alpha (the fourth channel of RGBA) is copied unchanged. Steps 1-3 run fused, pixel by pixel in
 * one loop from input to output (pipeline/kernel.ts); LUTs and the clamp then run over blocks of
 * 2048 pixels in float64 scratch space. Nothing is allocated per pixel.
 */
import { ColorErrorCode, colorError } from './errors.js';
import type { AdaptationMethod } from './chromaticity.js';
import { rgbToRgbMatrix } from './convert.js';
import { lutSteps } from './lut/model.js';
import type { LutInput } from './lut/model.js';
import { IDENTITY_MATRIX3, isIdentityMatrix3, scaleMatrix3 } from './matrix.js';
import type { Matrix3, Vector3 } from './matrix.js';
import { compileCurve, frontStage, runFront } from './pipeline/kernel.js';
import type { Curve, Front } from './pipeline/kernel.js';
import { clampStage, lut1dStage, lut3dStage, matrixStage } from './pipeline/stages.js';
import type { LutInterpolation, NamedStage } from './pipeline/stages.js';
import { transferTable } from './pipeline/tables.js';
import { getColorSpace } from './spaces.js';
import type { ColorSpace } from './spaces.js';
import { exposureGain } from './transfer.js';
import type { TransferFunction } from './transfer.js';

export type { LutInterpolation } from './pipeline/stages.js';

export interface TransformOptions {
  /** Exposure in stops, applied to linear light (+1 doubles it). */
  exposure?: number;
  /** LUT steps applied after encoding to the target space (a parsed file, one step, or a list). */
  lut?: LutInput;
  /** How 3D LUTs interpolate: 'tetrahedral' (default) or 'trilinear'. */
  interpolation?: LutInterpolation;
  /** Clamp the result: true for [0, 1], or [low, high]. NaN is left as it is. */
  clamp?: boolean | readonly [number, number];
  /** White point adaptation between spaces with different whites (default 'bradford'). */
  adaptation?: AdaptationMethod;
  /** Compute transfer functions for every value instead of through lookup tables (slower; the
   *  tables' measured error is below 1e-7 relative, see pipeline/tables.ts). */
  exact?: boolean;
}

/** A compiled colour transform. Call it on interleaved data; use `planar` for separate channels. */
export interface ColorTransform {
  /**
   * Transforms interleaved RGB (`channels` 3) or RGBA (`channels` 4) floats into `output` (a new
   * array by default; pass the input itself to work in place). Alpha is copied unchanged.
   */
  (data: Float32Array, channels: 3 | 4, output?: Float32Array): Float32Array;
  /** Transforms three planes of equal length into `output` (new arrays by default; pass the inputs
   *  to work in place). */
  planar(red: Float32Array, green: Float32Array, blue: Float32Array, output?: readonly [Float32Array, Float32Array, Float32Array]): [Float32Array, Float32Array, Float32Array];
  /** Transforms one colour (in double precision). */
  color(rgb: Vector3): [number, number, number];
  readonly from: ColorSpace | null;
  readonly to: ColorSpace | null;
  /** The linear part: primaries conversion times the exposure gain. */
  readonly matrix: Matrix3;
  /** What each stage does, in order ("decode srgb (table: 65536 intervals, ...)", ...). */
  readonly steps: readonly string[];
}

const BLOCK = 2048;

/** The curve of one direction of a transfer function, with its description. */
function transferCurve(transfer: TransferFunction, direction: 'encode' | 'decode', exact: boolean): { curve: Curve; description: string } {
  const fn = direction === 'encode' ? (x: number) => transfer.encode(x) : (x: number) => transfer.decode(x);
  const table = exact ? null : transferTable(transfer, direction);
  const how =
    table === null
      ? 'exact'
      : `table of ${table.intervals} intervals on [${table.start}, ${table.start + table.intervals / table.scale}], ` +
        `${table.exactIntervals} computed exactly, max error ${table.maxError.toExponential(1)}`;
  return { curve: compileCurve(fn, table), description: `${direction} ${transfer.name} (${how})` };
}

function lutStages(lut: LutInput, interpolation: LutInterpolation): NamedStage[] {
  return lutSteps(lut).map((step) => {
    if (step.kind === 'lut1d') return { run: lut1dStage(step), description: `1D LUT (${step.size} entries, ${step.channels} channel${step.channels === 1 ? '' : 's'})` };
    if (step.kind === 'lut3d') return { run: lut3dStage(step, interpolation), description: `3D LUT (${step.size}^3, ${interpolation})` };
    return { run: matrixStage(step.matrix, step.offset), description: `matrix with offset [${step.offset.join(', ')}]` };
  });
}

/** The stages after the front: LUT steps, then the clamp. */
function backStages(options: TransformOptions): NamedStage[] {
  const stages: NamedStage[] = [];
  if (options.lut !== undefined) stages.push(...lutStages(options.lut, options.interpolation ?? 'tetrahedral'));
  if (options.clamp !== undefined && options.clamp !== false) {
    const [low, high] = options.clamp === true ? [0, 1] : options.clamp;
    if (!(low <= high)) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `clamp needs low <= high, found [${low}, ${high}]`);
    stages.push({ run: clampStage(low, high), description: `clamp to [${low}, ${high}]` });
  }
  return stages;
}

/**
 * A transform from one colour space to another (names, aliases or ColorSpace objects), with
 * optional exposure, LUT and clamp. Transfer functions whose two directions cancel (same space, no
 * exposure) are skipped, as is an identity matrix.
 *
 * @example
 *   const toAcescg = createTransform('srgb_texture', 'ACEScg');
 *   toAcescg(rgbaPixels, 4, rgbaPixels);                // in place
 *   const view = createTransform('ACEScg', 'ACEScct', { lut: parseCube(showLutText), clamp: true });
 */
export function createTransform(from: string | ColorSpace, to: string | ColorSpace, options: TransformOptions = {}): ColorTransform {
  const source = getColorSpace(from);
  const target = getColorSpace(to);
  const gain = options.exposure === undefined ? 1 : exposureGain(options.exposure);
  const exact = options.exact === true;
  const steps: string[] = [];
  let decode: Curve | null = null;
  let encode: Curve | null = null;
  let matrix: Matrix3;
  if (source.isData || target.isData) {
    matrix = scaleMatrix3(IDENTITY_MATRIX3, gain);
  } else {
    matrix = scaleMatrix3(rgbToRgbMatrix(source, target, options.adaptation === undefined ? {} : { adaptation: options.adaptation }), gain);
    const cancels = isIdentityMatrix3(matrix) && source.transfer === target.transfer;
    if (!cancels && !source.transfer.isLinear) {
      const { curve, description } = transferCurve(source.transfer, 'decode', exact);
      decode = curve;
      steps.push(description);
    }
    if (!cancels && !target.transfer.isLinear) {
      const { curve, description } = transferCurve(target.transfer, 'encode', exact);
      encode = curve;
      steps.push(description);
    }
  }
  const identity = isIdentityMatrix3(matrix);
  if (!identity) {
    const what = source.isData || target.isData ? `exposure x${gain}` : `matrix ${source.name} -> ${target.name}${gain !== 1 ? ` with exposure x${gain}` : ''}`;
    steps.splice(decode === null ? 0 : 1, 0, what);
  }
  const front: Front = { decode, matrix: identity ? null : matrix, encode };
  return compile(front, backStages(options), steps, source, target, matrix);
}

/** A transform that only applies LUT steps (after the optional exposure, before the optional
 *  clamp): no colour conversion. */
export function createLutTransform(lut: LutInput, options: Pick<TransformOptions, 'interpolation' | 'clamp' | 'exposure'> = {}): ColorTransform {
  const gain = options.exposure === undefined ? 1 : exposureGain(options.exposure);
  const matrix = scaleMatrix3(IDENTITY_MATRIX3, gain);
  const identity = gain === 1;
  const front: Front = { decode: null, matrix: identity ? null : matrix, encode: null };
  return compile(front, backStages({ ...options, lut }), identity ? [] : [`exposure x${gain}`], null, null, matrix);
}

function compile(front: Front, back: readonly NamedStage[], frontSteps: readonly string[], from: ColorSpace | null, to: ColorSpace | null, matrix: Matrix3): ColorTransform {
  const hasFront = front.decode !== null || front.matrix !== null || front.encode !== null;
  const backRuns = back.map((stage) => stage.run);
  // Planar data and single colours run the front as a block stage too: the same arithmetic.
  const blockRuns = hasFront ? [frontStage(front), ...backRuns] : backRuns;
  const scratch = new Float64Array(BLOCK * 3);

  const interleaved = (data: Float32Array, channels: 3 | 4, output?: Float32Array): Float32Array => {
    if (channels !== 3 && channels !== 4) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `channels must be 3 (RGB) or 4 (RGBA), found ${String(channels)}`);
    if (data.length % channels !== 0) {
      throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `${data.length} values are not a whole number of ${channels}-channel pixels`);
    }
    const out = output ?? new Float32Array(data.length);
    if (out.length !== data.length) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `the output holds ${out.length} values, the input ${data.length}`);
    const pixels = data.length / channels;
    if (backRuns.length === 0) {
      // One fused pass from input to output.
      if (hasFront) runFront(front, data, channels, 0, pixels, out, null);
      else if (out !== data) out.set(data);
      return out;
    }
    for (let first = 0; first < pixels; first += BLOCK) {
      const count = Math.min(BLOCK, pixels - first);
      runFront(front, data, channels, first, count, out, scratch);
      for (const stage of backRuns) stage(scratch, count);
      const begin = first * channels;
      const end = begin + count * channels;
      let j = 0;
      for (let d = begin; d < end; d += channels) {
        if (channels === 4) out[d + 3] = data[d + 3]!;
        out[d] = scratch[j]!;
        out[d + 1] = scratch[j + 1]!;
        out[d + 2] = scratch[j + 2]!;
        j += 3;
      }
    }
    return out;
  };

  const planar = (
    red: Float32Array,
    green: Float32Array,
    blue: Float32Array,
    output?: readonly [Float32Array, Float32Array, Float32Array],
  ): [Float32Array, Float32Array, Float32Array] => {
    const length = red.length;
    if (green.length !== length || blue.length !== length) {
      throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `planes of different lengths: ${red.length}, ${green.length}, ${blue.length}`);
    }
    const out: [Float32Array, Float32Array, Float32Array] = output
      ? [output[0], output[1], output[2]]
      : [new Float32Array(length), new Float32Array(length), new Float32Array(length)];
    if (out.some((plane) => plane.length !== length)) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `output planes must hold ${length} values each`);
    const [outR, outG, outB] = out;
    for (let first = 0; first < length; first += BLOCK) {
      const count = Math.min(BLOCK, length - first);
      for (let p = 0, j = 0; p < count; p++, j += 3) {
        scratch[j] = red[first + p]!;
        scratch[j + 1] = green[first + p]!;
        scratch[j + 2] = blue[first + p]!;
      }
      for (const stage of blockRuns) stage(scratch, count);
      for (let p = 0, j = 0; p < count; p++, j += 3) {
        outR[first + p] = scratch[j]!;
        outG[first + p] = scratch[j + 1]!;
        outB[first + p] = scratch[j + 2]!;
      }
    }
    return out;
  };

  const color = (rgb: Vector3): [number, number, number] => {
    const one = Float64Array.of(rgb[0], rgb[1], rgb[2]);
    for (const stage of blockRuns) stage(one, 1);
    return [one[0]!, one[1]!, one[2]!];
  };

  const steps = [...frontSteps, ...back.map((stage) => stage.description)];
  return Object.assign(interleaved, { planar, color, from, to, matrix, steps });
}
