/**
 * One entry point for every LUT format we read, chosen by the file name's extension.
 */
import { ColorErrorCode, colorError } from '../errors.js';
import { parseCube } from './cube.js';
import type { LutFile, LutFormat } from './model.js';
import { parseSpi1d, parseSpi3d, parseSpimtx } from './spi.js';
import type { ParseOptions } from './text.js';

const PARSERS: Record<LutFormat, (text: string, options?: ParseOptions) => LutFile> = {
  cube: parseCube,
  spi1d: parseSpi1d,
  spi3d: parseSpi3d,
  spimtx: parseSpimtx,
};

/** The LUT formats we read, by extension (without the dot). */
export const LUT_FORMATS: readonly LutFormat[] = ['cube', 'spi1d', 'spi3d', 'spimtx'];

/** The format of a file name ('grade.cube' -> 'cube'), or undefined when we do not read it. */
export function lutFormatOf(fileName: string): LutFormat | undefined {
  const match = /\.([A-Za-z0-9]+)$/.exec(fileName);
  const extension = match?.[1]?.toLowerCase();
  return LUT_FORMATS.find((format) => format === extension);
}

/**
 * Parses a LUT from its text. `formatOrFileName` is a format ('cube', 'spi1d', 'spi3d', 'spimtx')
 * or a file name whose extension names it (the file name is then used in error messages too).
 */
export function parseLut(text: string, formatOrFileName: string, options: ParseOptions = {}): LutFile {
  const format = (LUT_FORMATS as readonly string[]).includes(formatOrFileName.toLowerCase())
    ? (formatOrFileName.toLowerCase() as LutFormat)
    : lutFormatOf(formatOrFileName);
  if (format === undefined) {
    throw colorError(
      ColorErrorCode.COLOR_LUT_UNSUPPORTED,
      `unknown LUT format for ${JSON.stringify(formatOrFileName)}: we read ${LUT_FORMATS.map((f) => `.${f}`).join(', ')}`,
    );
  }
  const file = options.file ?? (format === formatOrFileName.toLowerCase() ? undefined : formatOrFileName);
  return PARSERS[format](text, file !== undefined ? { file } : {});
}
