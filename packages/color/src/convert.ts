/**
 * Conversions between colour spaces: the one matrix that takes linear RGB of one space to linear RGB
 * of another, through CIE XYZ, adapting the white point where the spaces' whites differ.
 */
import { chromaticAdaptationMatrix } from './chromaticity.js';
import type { AdaptationMethod } from './chromaticity.js';
import { IDENTITY_MATRIX3, chainMatrix3, isIdentityMatrix3 } from './matrix.js';
import type { Matrix3 } from './matrix.js';
import { getColorSpace } from './spaces.js';
import type { ColorSpace } from './spaces.js';

export interface MatrixOptions {
  /** How to adapt between different white points (ACES white to D65, ...): 'bradford' (default,
   *  as OpenColorIO's ACES configs and colour-science do), 'cat02', or 'none'. */
  adaptation?: AdaptationMethod;
}

/**
 * The linear RGB to linear RGB matrix from one space to another:
 *   M = XYZ->RGB(to) · CAT(white(from) -> white(to)) · RGB->XYZ(from)
 * with RGB->XYZ the SMPTE RP 177 normalised primary matrix of each space and CAT the chromatic
 * adaptation (Bradford by default), left out when the whites are the same. Transfer functions are
 * not part of it: this acts on linear values. Raw data converts by the identity. A result within
 * 1e-12 of the identity is returned as the exact identity, so pipelines can skip it.
 */
export function rgbToRgbMatrix(from: string | ColorSpace, to: string | ColorSpace, options: MatrixOptions = {}): Matrix3 {
  const source = getColorSpace(from);
  const target = getColorSpace(to);
  if (source.isData || target.isData || source === target) return IDENTITY_MATRIX3;
  const adaptation = chromaticAdaptationMatrix(source.whitePoint!, target.whitePoint!, options.adaptation ?? 'bradford');
  const matrix = chainMatrix3(source.toXyz!, adaptation, target.fromXyz!);
  return isIdentityMatrix3(matrix) ? IDENTITY_MATRIX3 : matrix;
}
