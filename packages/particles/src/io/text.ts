/**
 * A small scanner for the ASCII formats (classic .geo, .pda, point text files, ASCII PLY):
 * whitespace-separated tokens, numbers, quoted strings and lines, with the format's error codes
 * and the byte position of what failed.
 */
import { decodeUtf8 } from '@vfxkit/core';
import { partError, PartErrorCode } from '../errors.js';

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
}

export function parseNumberToken(token: string): number {
  const value = Number(token);
  if (!Number.isNaN(value) || token === 'NaN') return value;
  const lower = token.toLowerCase();
  if (lower === 'nan' || lower === '-nan' || lower === '+nan' || lower === 'nan(ind)' || lower === '-nan(ind)') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '1.#inf') return Infinity;
  if (lower === '-inf' || lower === '-infinity' || lower === '-1.#inf') return -Infinity;
  return NaN;
}

export class TextScanner {
  readonly text: string;
  pos: number;
  constructor(
    source: string | Uint8Array,
    readonly formatName: string,
    pos = 0,
  ) {
    this.text = typeof source === 'string' ? source : decodeUtf8(source);
    this.pos = pos;
  }

  get atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    const text = this.text;
    let pos = this.pos;
    while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
    this.pos = pos;
  }

  /** The next whitespace-delimited token, or undefined at the end. */
  token(): string | undefined {
    this.skipSpace();
    const text = this.text;
    const start = this.pos;
    if (start >= text.length) return undefined;
    let pos = start;
    while (pos < text.length && !isSpace(text.charCodeAt(pos))) pos++;
    this.pos = pos;
    return text.slice(start, pos);
  }

  /** The next token; PART_TRUNCATED if the text ends first. */
  need(what: string): string {
    const token = this.token();
    if (token === undefined) throw partError(PartErrorCode.PART_TRUNCATED, `${this.formatName}: file ends before ${what}`, { offset: this.pos });
    return token;
  }

  /** The next token as a number; PART_CORRUPT if it is not one. */
  number(what: string): number {
    const token = this.need(what);
    const value = parseNumberToken(token);
    if (Number.isNaN(value) && !/nan/i.test(token)) {
      throw partError(PartErrorCode.PART_CORRUPT, `${this.formatName}: expected a number for ${what}, found '${token.slice(0, 40)}'`, {
        offset: this.pos - token.length,
      });
    }
    return value;
  }

  /** The next token as an integer. */
  integer(what: string): number {
    const token = this.need(what);
    const value = Number(token);
    if (!Number.isInteger(value)) {
      throw partError(PartErrorCode.PART_CORRUPT, `${this.formatName}: expected an integer for ${what}, found '${token.slice(0, 40)}'`, {
        offset: this.pos - token.length,
      });
    }
    return value;
  }

  /** The next token, which must be `expected`. */
  expect(expected: string, context: string): void {
    const token = this.need(`'${expected}' (${context})`);
    if (token !== expected) {
      throw partError(PartErrorCode.PART_CORRUPT, `${this.formatName}: expected '${expected}' (${context}), found '${token.slice(0, 40)}'`, {
        offset: this.pos - token.length,
      });
    }
  }

  /** A double-quoted string with backslash escapes, or a plain token. */
  stringToken(what: string): string {
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== 34) return this.need(what);
    let out = '';
    let pos = this.pos + 1;
    const text = this.text;
    while (pos < text.length) {
      const c = text[pos]!;
      if (c === '\\' && pos + 1 < text.length) {
        out += text[pos + 1];
        pos += 2;
      } else if (c === '"') {
        this.pos = pos + 1;
        return out;
      } else {
        out += c;
        pos++;
      }
    }
    throw partError(PartErrorCode.PART_TRUNCATED, `${this.formatName}: file ends inside the quoted string of ${what}`, { offset: this.pos });
  }

  /** The rest of the current line (without the line break), or undefined at the end. */
  line(): string | undefined {
    const text = this.text;
    if (this.pos >= text.length) return undefined;
    let end = text.indexOf('\n', this.pos);
    if (end < 0) end = text.length;
    let stop = end;
    if (stop > this.pos && text.charCodeAt(stop - 1) === 13) stop--;
    const line = text.slice(this.pos, stop);
    this.pos = end + 1;
    return line;
  }

  /** Skips to the character after `char` (or the end). */
  skipPast(char: string): void {
    const at = this.text.indexOf(char, this.pos);
    this.pos = at < 0 ? this.text.length : at + 1;
  }
}

/** Formats a number the way the ASCII writers print floats: shortest round-trip text for float32
 *  values (so a float written and read back is the same float). */
export function formatFloat32(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const asFloat = Math.fround(value);
  // Shortest decimal that rounds back to the same float32.
  for (let digits = 6; digits <= 9; digits++) {
    const text = asFloat.toPrecision(digits);
    if (Math.fround(Number(text)) === asFloat) return trimNumber(text);
  }
  return String(asFloat);
}

/** Formats a double so it reads back exactly. */
export function formatFloat64(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  return Object.is(value, -0) ? '-0' : String(value);
}

function trimNumber(text: string): string {
  if (text.includes('e')) {
    const [mantissa, exponent] = text.split('e') as [string, string];
    return `${trimNumber(mantissa)}e${exponent}`;
  }
  if (!text.includes('.')) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  if (text.charCodeAt(end - 1) === 46) end--;
  return text.slice(0, end);
}
