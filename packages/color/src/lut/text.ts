/**
 * What the text LUT parsers share: splitting into numbered lines, strict number parsing, and the
 * error every parser throws (COLOR_LUT_PARSE, the message starting with `line N:`).
 */
import type { VfxError } from '@vfxkit/core';
import { ColorErrorCode, colorError } from '../errors.js';

export interface ParseOptions {
  /** The file name, for error messages (`VfxError.file`). */
  file?: string;
}

/** The lines of a text, without their line endings (\n, \r\n or \r); line N is `lines[N - 1]`. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  // A final line ending does not start another line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A decimal number as C's strtod reads one, without hex, infinities or NaN:
 *  [sign] digits [. digits] [exponent], or [sign] . digits [exponent]. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a token spells, or undefined when it is not a plain decimal number. */
export function parseNumber(token: string): number | undefined {
  return NUMBER.test(token) ? Number(token) : undefined;
}

/** A non-negative decimal integer, or undefined. */
export function parseInteger(token: string): number | undefined {
  return /^\+?\d+$/.test(token) ? Number(token) : undefined;
}

/** Tokens of a line, split on whitespace. */
export function tokens(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

/** Shortens a line for quoting in a message. */
export function quote(line: string): string {
  const trimmed = line.trim();
  return JSON.stringify(trimmed.length > 60 ? `${trimmed.slice(0, 57)}...` : trimmed);
}

/** COLOR_LUT_PARSE at a line: "<format>: line N: message". */
export function parseError(format: string, line: number, message: string, options: ParseOptions): VfxError {
  return colorError(ColorErrorCode.COLOR_LUT_PARSE, `line ${line}: ${message} (${format})`, options.file !== undefined ? { file: options.file } : {});
}

/** COLOR_LUT_UNSUPPORTED at a line. */
export function unsupportedError(format: string, line: number, message: string, options: ParseOptions): VfxError {
  return colorError(ColorErrorCode.COLOR_LUT_UNSUPPORTED, `line ${line}: ${message} (${format})`, options.file !== undefined ? { file: options.file } : {});
}

/**
 * Reads `count` numbers from `parts` (the tokens of line `line`), throwing a parse error that names
 * the first token that is not a number.
 */
export function readNumbers(parts: readonly string[], count: number, what: string, format: string, line: number, text: string, options: ParseOptions): number[] {
  if (parts.length !== count) {
    throw parseError(format, line, `expected ${what}, found ${parts.length} value${parts.length === 1 ? '' : 's'} in ${quote(text)}`, options);
  }
  const out: number[] = [];
  for (const part of parts) {
    const value = parseNumber(part);
    if (value === undefined) throw parseError(format, line, `${JSON.stringify(part)} is not a number (in ${quote(text)})`, options);
    out.push(value);
  }
  return out;
}
