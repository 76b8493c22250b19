/**
 * @vfxkit/color: colour spaces, transfer functions, RP 177 matrices with Bradford adaptation, a fast
 * pixel transform, and .cube/.spi1d/.spi3d/.spimtx LUTs. Pure TypeScript (no `node:` imports):
 * LUT parsers take text and writers return text.
 */
export { ColorErrorCode, colorError } from './errors.js';
export {
  IDENTITY_MATRIX3,
  chainMatrix3,
  determinant3,
  diagonalMatrix3,
  invertMatrix3,
  isIdentityMatrix3,
  matricesClose,
  matrix3,
  multiplyMatrix3,
  scaleMatrix3,
  transformVector3,
  transposeMatrix3,
} from './matrix.js';
export type { Matrix3, Vector3 } from './matrix.js';
export {
  BRADFORD,
  CAT02,
  PRIMARIES,
  WHITE_POINTS,
  chromaticAdaptationMatrix,
  rgbToXyzMatrix,
  sameWhite,
  xyToXyz,
  xyzToRgbMatrix,
  xyzToXy,
} from './chromaticity.js';
export type { AdaptationMethod, Chromaticity, Primaries } from './chromaticity.js';
export {
  ACESCCT_CONSTANTS,
  SRGB_CONSTANTS,
  TRANSFER_FUNCTIONS,
  acesccTransfer,
  acescctTransfer,
  bt1886Transfer,
  exposureGain,
  gammaTransfer,
  linearTransfer,
  rec2020Transfer,
  rec709Transfer,
  srgbTransfer,
} from './transfer.js';
export type { Bt1886Options, NegativeStyle, TransferFunction } from './transfer.js';
export {
  COLOR_SPACES,
  createColorSpaceRegistry,
  defineColorSpace,
  findColorSpace,
  getColorSpace,
  normalizeColorSpaceName,
} from './spaces.js';
export type { ColorEncoding, ColorSpace, ColorSpaceInit, ColorSpaceRegistry } from './spaces.js';
export { rgbToRgbMatrix } from './convert.js';
export type { MatrixOptions } from './convert.js';
export { createLutTransform, createTransform } from './transform.js';
export type { ColorTransform, LutInterpolation, TransformOptions } from './transform.js';
export { TABLE_TOLERANCE } from './pipeline/tables.js';
export { createLut1D, createLut3D, identityLut3D, lutSteps } from './lut/model.js';
export type { Lut1D, Lut1DInit, Lut3D, Lut3DInit, LutFile, LutFormat, LutInput, LutMatrix, LutStep } from './lut/model.js';
export { CUBE_MAX_1D_SIZE, CUBE_MAX_3D_SIZE, formatFloat32, parseCube, writeCube } from './lut/cube.js';
export type { WriteCubeOptions } from './lut/cube.js';
export { SPI1D_MAX_LENGTH, SPI3D_MAX_SIZE, parseSpi1d, parseSpi3d, parseSpimtx } from './lut/spi.js';
export { LUT_FORMATS, lutFormatOf, parseLut } from './lut/parse.js';
export type { ParseOptions } from './lut/text.js';
export { bakeLut1D, bakeLut3D } from './lut/bake.js';
export type { BakeOptions, RgbFunction } from './lut/bake.js';
export { decodeToLinear, encodeForDisplay } from './integer.js';
export type { DecodeOptions, EncodeOptions, IntegerSamples, SampleLayout } from './integer.js';
