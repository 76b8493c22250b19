/**
 * The option values of `vfx img` that need the libraries to check (colour spaces, formats, filters,
 * compressions), checked when a command runs (usage errors, exit 2), so that starting `vfx` for any
 * other command does not load sharp or @vfxkit/color.
 */
import { findColorSpace } from '@vfxkit/color';
import { EXR_COMPRESSIONS } from '@vfxkit/exr';
import { RESIZE_FILTERS, parseFormat, type FormatInfo, type ResizeFilter } from '@vfxkit/image';
import { usageError } from '@vfxkit/tool-common';

export function checkFilterOption(value: string): ResizeFilter {
  const text = value.trim().toLowerCase();
  if (!(RESIZE_FILTERS as readonly string[]).includes(text)) throw usageError(`--filter: expected one of ${RESIZE_FILTERS.join(', ')}, got '${value}'`);
  return text as ResizeFilter;
}

/** A colour space name @vfxkit/color knows (any case or punctuation, OCIO ACES config names). */
export function checkColorSpaceOption(option: string, value: string): string {
  const space = findColorSpace(value);
  if (space === undefined) {
    throw usageError(`${option}: unknown colour space '${value}' (e.g. sRGB, 'Linear Rec.709 (sRGB)', ACEScg, ACEScct, 'Display P3', Rec.709, Raw)`);
  }
  return space.name;
}

const TIFF_COMPRESSIONS = ['deflate', 'lzw', 'none'];

export function checkCompressionOption(value: string): string {
  const text = value.trim().toLowerCase();
  if (!(EXR_COMPRESSIONS as readonly string[]).includes(text) && !TIFF_COMPRESSIONS.includes(text)) {
    throw usageError(`--compression: expected an EXR compression (${EXR_COMPRESSIONS.join(', ')}) or a TIFF one (deflate, lzw, none), got '${value}'`);
  }
  return text;
}

export function checkFormatOption(value: string): FormatInfo {
  const format = parseFormat(value);
  if (format === undefined) throw usageError(`--format: expected exr, jpg, png, tif, webp, gif or avif, got '${value}'`);
  if (format.bitDepths.length === 0) throw usageError(`--format: ${format.id} is read but not written (sharp's libheif encodes AV1 only): use avif`);
  return format;
}
