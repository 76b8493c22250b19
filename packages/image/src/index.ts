/**
 * @vfxkit/image: the raster model shared by vfxkit's tools (node). One image model for every
 * format — planar or interleaved typed arrays in the native sample type, data and display windows,
 * named channels, colour space, metadata — read and written through sharp (JPEG, PNG, TIFF, WebP,
 * GIF, AVIF/HEIF) and @vfxkit/exr (EXR); colour-managed depth conversion (@vfxkit/color); resize
 * (sharp for 8/16-bit, a float resampler in linear light for half/float).
 */
export { ImageErrorCode, imageError, type ImageErrorCode as ImageErrorCodeValue } from './errors.js';
export {
  allocateSamples,
  alphaIndex,
  bitDepthOf,
  boxOfSize,
  channelPlane,
  displayChannels,
  imageBitDepth,
  isFloatType,
  sampleTypeOf,
  toInterleaved,
  toPlanar,
  validateImage,
  type BitDepth,
  type Box2,
  type Image,
  type ImageChannel,
  type ImageFormat,
  type ImageMetadata,
  type ImagePixels,
  type ImageSource,
  type InterleavedPixels,
  type MetadataTags,
  type PlanarPixels,
  type SampleArray,
  type SampleType,
} from './model.js';
export { IMAGE_FORMATS, bitDepthText, checkBitDepth, detectImageFormat, formatForFileName, formatInfo, parseFormat, type FormatInfo } from './formats.js';
export { LINEAR_REC709, SRGB, chromaticitiesFor, colorSpaceForChromaticities, colorSpaceForIcc } from './colorspace.js';
export { readExifTags, tiffSampleLayout } from './exif.js';
export { describeTags, exposureText } from './describe.js';
export { EXR_TAG_ATTRIBUTES, EXR_XMP_ATTRIBUTE, exrAttributesToTags, iccDescription, rational, tagsToExrAttributes, tagsToSharpExif } from './metadata.js';
export { DEFAULT_MAX_PIXELS, readImage, readImageInfo, type ImageInfo, type ReadImageOptions } from './read.js';
export { convertImage, type ConvertOptions } from './convert.js';
export { RESIZE_FILTERS, resamplePlanes, type AxisMapping, type ResizeFilter } from './resample.js';
export { checkFilter, fitInside, resizeImage, targetSize, type ResizeOptions } from './resize.js';
export { writeFloatTiff, type FloatTiffInput } from './tiff-float.js';
export { encodeImage, prepareForFormat, storedBitDepth, writeImage, type WriteImageOptions } from './write.js';
export { transcodeImage, type TranscodeOptions, type TranscodeResult } from './transcode.js';
