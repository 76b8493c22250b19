/**
 * Baking: sampling a transform on a lattice (3D) or a ramp (1D) to make a LUT of it, ready for
 * `writeCube`.
 */
import { ColorErrorCode, colorError } from '../errors.js';
import type { Vector3 } from '../matrix.js';
import { createLut1D, createLut3D, identityLut3D } from './model.js';
import type { Lut1D, Lut3D } from './model.js';

/** Anything that maps interleaved RGB floats: a `ColorTransform`, or your own function. */
export type RgbFunction = (data: Float32Array, channels: 3) => Float32Array;

export interface BakeOptions {
  /** The input range sampled, per channel (default [0, 0, 0] to [1, 1, 1]). */
  domainMin?: Vector3;
  domainMax?: Vector3;
}

/** A size^3 3D LUT of `transform` over the domain (the lattice in .cube order, red fastest). */
export function bakeLut3D(transform: RgbFunction, size: number, options: BakeOptions = {}): Lut3D {
  if (!Number.isInteger(size) || size < 2 || size > 256) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `a 3D LUT size must be an integer from 2 to 256, found ${size}`);
  const identity = identityLut3D(size, options.domainMin, options.domainMax);
  const data = transform(identity.data, 3);
  return createLut3D({ size, data: data === identity.data ? data : Float32Array.from(data), domainMin: identity.domainMin, domainMax: identity.domainMax });
}

/** A 1D LUT of `transform` applied to grey ramps (r = g = b) over the domain, one curve per channel. */
export function bakeLut1D(transform: RgbFunction, size: number, options: BakeOptions = {}): Lut1D {
  if (!Number.isInteger(size) || size < 2 || size > 65536) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `a 1D LUT size must be an integer from 2 to 65536, found ${size}`);
  const min = options.domainMin ?? [0, 0, 0];
  const max = options.domainMax ?? [1, 1, 1];
  const ramp = new Float32Array(size * 3);
  for (let i = 0; i < size; i++) {
    for (let c = 0; c < 3; c++) ramp[i * 3 + c] = min[c]! + ((max[c]! - min[c]!) * i) / (size - 1);
  }
  const data = transform(ramp, 3);
  return createLut1D({ size, channels: 3, data: data === ramp ? data : Float32Array.from(data), domainMin: min, domainMax: max });
}
