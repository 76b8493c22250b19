/**
 * File sequences: `shot.1001-1100#.exr` names the files `shot.1001.exr` ... `shot.1100.exr`.
 * The model and the pattern syntax follow fileseq (https://github.com/justinfx/fileseq), the tool
 * pipeline TDs use; frame sets are described in `frameset.ts`.
 *
 * ## Padding
 * A pattern writes the frame's width with padding characters. The default pad style is fileseq's
 * PAD_STYLE_HASH4, which OpenImageIO's `oiiotool` shares: `#` stands for 4 digits and `@` for 1, so
 * `#` and `@@@@` are 4 digits, `##` is 8, `@@@` is 3. The `hash1` style (Nuke, pyseq, fileseq's
 * PAD_STYLE_HASH1) counts every `#` and `@` as one digit, so `####` is 4. Every function that reads
 * or writes padding characters takes `padStyle`. Written back, hash4 uses `#` for each 4 digits when
 * the width is a multiple of 4 (4 -> `#`, 8 -> `##`) and `@` per digit otherwise (3 -> `@@@`), as
 * fileseq's `getPaddingChars`; hash1 uses one `#` per digit.
 *
 * Other padding forms read by {@link parseSequence}: printf `%04d` (`%d` is unpadded), Houdini `$F4`
 * (`$F` is unpadded), UDIM `<UDIM>` or `%(UDIM)d` (4-digit tiles from 1001). Subframes take a second
 * padding after a dot, the decimal places: `shot.1-2x0.25#.#.exr` writes 1.25 as `shot.0001.2500.exr`.
 * A sequence keeps the width, not the characters: `toString()` writes the canonical characters of
 * its pad style and `format()` writes the other forms.
 *
 * ## Frame numbers in names
 * A frame is zero-filled to the padding the way Python's `str.zfill` does it, which is what fileseq
 * writes: the minus sign counts toward the width, so -1 at padding 4 is `-001` and -10 is `-010`. A
 * frame wider than the padding is written in full (10000 at padding 4 is `10000`). A subframe's
 * integer part is zero-filled the same way (-0.5 at padding 4 with 4 decimal places is `-000.5000`);
 * its decimal part is rounded half-to-even to the decimal places (fileseq), or, when the sequence has
 * no decimal places, written with the digits it has (fileseq rounds to a whole frame there, which
 * makes different subframes one file name).
 *
 * ## Finding the frame in a file name ({@link parseFrameFileName}, also used to group names)
 * 1. The extension is the trailing run of dot-components that each contain a letter (an ASCII letter
 *    or any non-ASCII character): `.exr`, `.bgeo.sc`, `.tar.gz`, `.a.ext`. A component of digits only
 *    (`.1001`) ends the run, so does a component without a letter (`._1`), the stem of a hidden file
 *    (`.DS_Store`, `.bar1000` in `.bar1000.exr`: a dot at the start of the name is not an extension
 *    dot) and a directory separator.
 * 2. The frame is the run of ASCII digits that ends directly before the extension: `comp_v012.1001.exr`
 *    is basename `comp_v012.`, frame 1001, extension `.exr`; `shot1001.exr` is `shot` + 1001;
 *    `shot.0001` is frame 1 with no extension. A name whose stem does not end in a digit has no frame
 *    (`foo_0001_extra.exr`, `.DS_Store`, `clip.mp4`), as in fileseq; pyseq would take the 0001.
 * 3. A `-` directly before the digits is a minus sign only when the character before it is not a
 *    letter or digit (or there is none): `shot.-010.exr` is -10, `shot_-5.exr` is -5, but in
 *    `shot-0001.exr` and `2024-01-31.exr` the dash belongs to the basename. fileseq takes every such
 *    dash as a sign, reading `shot-0001.exr` as frame -1. A dash before zeros only (`shot.-000.exr`)
 *    is not a sign either: -0 is not a frame of its own (fileseq keeps a "negative zero" flag).
 * 4. Numbers above 2^53 - 1 are not frames (the name is a plain file).
 * Subframe names (`foo.0001.2500.exr`) are read as their last number, like fileseq's default
 * (allow_subframes=False).
 */
import { ErrorCode, VfxError } from './errors.js';
import { FrameSet, formatFrame, MAX_DECIMAL_PLACES } from './frameset.js';

/** How padding characters count: `hash4` (`#` = 4 digits, `@` = 1; the default) or `hash1`. */
export type PadStyle = 'hash4' | 'hash1';

/** The ways {@link FileSequence.format} can write the padding of a pattern. */
export type SequenceFormatStyle = 'hash' | 'printf' | 'houdini' | 'udim';

export interface SequenceParseOptions {
  /** How `#` and `@` count. Default `hash4`. */
  padStyle?: PadStyle;
  /** Passed to {@link FrameSet.parse} for the frame range. */
  maxFrames?: number;
}

export interface FileSequenceInit {
  /** The directory, '' for none; a separator is added at its end when missing. */
  dir?: string;
  /** Everything before the frame, with its separator: `comp_v012.`. */
  basename: string;
  /** Digits the frame is zero-filled to; 1 is unpadded. */
  padding: number;
  /** Everything after the frame: `.exr`, `.bgeo.sc`, or ''. */
  extension?: string;
  frameSet?: FrameSet | undefined;
  /** Frames are UDIM tiles (written `<UDIM>`; padding 4). */
  udim?: boolean;
  /** Subframe digits after the decimal point; 0 for whole frames. */
  decimalPlaces?: number;
  padStyle?: PadStyle;
}

const CODE_0 = 48;
const CODE_9 = 57;
const CODE_DOT = 46;
const CODE_DASH = 45;
const CODE_SLASH = 47;
const CODE_BACKSLASH = 92;

function isDigit(code: number): boolean {
  return code >= CODE_0 && code <= CODE_9;
}

/** ASCII letters and every non-ASCII character (so accented and non-Latin letters count). */
function isLetter(code: number): boolean {
  const lower = code | 32;
  return (lower >= 97 && lower <= 122) || code >= 128;
}

function isSeparator(code: number): boolean {
  return code === CODE_SLASH || code === CODE_BACKSLASH;
}

/**
 * Where the frame is in a file name, filled by {@link locateFrame} without allocating. Positions
 * are string indices: the name is `basename = name[0, numberStart)`, the frame text
 * `name[numberStart, extensionStart)` (with its sign) and `extension = name[extensionStart, end)`.
 */
export class FrameLocation {
  /** Start of the frame text, at its minus sign when it has one. */
  numberStart = 0;
  /** Start of the frame's digits. */
  digitsStart = 0;
  /** Start of the extension; the name's length when it has none. */
  extensionStart = 0;
  frame = 0;
  /** The frame text starts with a 0 and has more than one digit (`0042`, `-010`): its width is
   *  exactly its padding. Otherwise it fits any padding up to its width. */
  padded = false;
}

/**
 * Finds the frame of a file name by the rules at the top of this file, scanning from the end.
 * Returns false (with `into.extensionStart` still set) when the name has no frame.
 */
export function locateFrame(name: string, into: FrameLocation): boolean {
  const length = name.length;
  // 1. The extension: dot-components with a letter, from the end.
  let extensionStart = length;
  scan: for (;;) {
    let hasLetter = false;
    let index = extensionStart - 1;
    for (; index >= 0; index--) {
      const code = name.charCodeAt(index);
      if (code === CODE_DOT) break;
      if (isSeparator(code)) break scan;
      if (!hasLetter && isLetter(code)) hasLetter = true;
    }
    if (!hasLetter || index <= 0 || isSeparator(name.charCodeAt(index - 1))) break;
    extensionStart = index;
  }
  into.extensionStart = extensionStart;
  // 2. The digits right before it.
  let digitsStart = extensionStart;
  while (digitsStart > 0 && isDigit(name.charCodeAt(digitsStart - 1))) digitsStart--;
  if (digitsStart === extensionStart) return false;
  let value = 0;
  let significant = 0;
  for (let index = digitsStart; index < extensionStart; index++) {
    const digit = name.charCodeAt(index) - CODE_0;
    if (significant > 0 || digit !== 0) significant++;
    value = value * 10 + digit;
  }
  if (significant > 16 || value > Number.MAX_SAFE_INTEGER) return false;
  // 3. A minus sign: a dash after a non-alphanumeric character (or at the start), before non-zero digits.
  let numberStart = digitsStart;
  if (digitsStart > 0 && value !== 0 && name.charCodeAt(digitsStart - 1) === CODE_DASH) {
    const before = digitsStart >= 2 ? name.charCodeAt(digitsStart - 2) : -1;
    if (before < 0 || !(isDigit(before) || isLetter(before))) {
      numberStart = digitsStart - 1;
      value = -value;
    }
  }
  into.numberStart = numberStart;
  into.digitsStart = digitsStart;
  into.frame = value;
  into.padded = extensionStart - digitsStart > 1 && name.charCodeAt(digitsStart) === CODE_0;
  return true;
}

/** A file name split around its frame. */
export interface FrameFileName {
  /** Everything before the frame (a directory in the name stays here). */
  basename: string;
  /** The frame as written, with its sign and zeros: `-010`, `0042`. */
  frameText: string;
  frame: number;
  extension: string;
}

/**
 * Splits a file name around its frame by the rules at the top of this file, or undefined when it
 * has none: `comp_v012.1001.exr` -> `comp_v012.` + 1001 + `.exr`.
 */
export function parseFrameFileName(name: string): FrameFileName | undefined {
  const location = new FrameLocation();
  if (!locateFrame(name, location)) return undefined;
  return {
    basename: name.slice(0, location.numberStart),
    frameText: name.slice(location.numberStart, location.extensionStart),
    frame: location.frame,
    extension: name.slice(location.extensionStart),
  };
}

function checkWidth(what: string, value: number, low: number, high: number): void {
  if (!Number.isInteger(value) || value < low || value > high) {
    throw new VfxError(ErrorCode.BAD_USAGE, `${what} must be a whole number from ${low} to ${high}, got ${String(value)}`);
  }
}

/** Python `str.zfill`: zeros after the sign until the text is `width` long. */
function zeroFill(text: string, width: number): string {
  if (text.length >= width) return text;
  if (text.startsWith('-')) return `-${text.slice(1).padStart(width - 1, '0')}`;
  return text.padStart(width, '0');
}

/** `text` (a decimal) rounded half-to-even to `places` decimal places, as integer and fraction digits. */
function roundDecimal(text: string, places: number): { integer: string; fraction: string } {
  const negative = text.startsWith('-');
  const unsigned = negative ? text.slice(1) : text;
  const pointAt = unsigned.indexOf('.');
  const integerDigits = pointAt < 0 ? unsigned : unsigned.slice(0, pointAt);
  const fractionDigits = pointAt < 0 ? '' : unsigned.slice(pointAt + 1);
  let scaled: bigint;
  if (fractionDigits.length <= places) {
    scaled = BigInt(integerDigits + fractionDigits.padEnd(places, '0'));
  } else {
    const exact = BigInt(integerDigits + fractionDigits);
    const divisor = 10n ** BigInt(fractionDigits.length - places);
    scaled = exact / divisor;
    const twiceRemainder = (exact % divisor) * 2n;
    if (twiceRemainder > divisor || (twiceRemainder === divisor && scaled % 2n === 1n)) scaled += 1n;
  }
  const digits = scaled.toString().padStart(places + 1, '0');
  const integer = digits.slice(0, digits.length - places);
  const sign = negative && scaled !== 0n ? '-' : '';
  return { integer: sign + integer, fraction: digits.slice(digits.length - places) };
}

/**
 * A frame as it appears in a file name: zero-filled to `padding` with the sign counting toward the
 * width (`padFrame(-1, 4)` is `-001`, as fileseq and Python's zfill), in full when wider. With
 * `decimalPlaces`, subframes get that many decimals (`padFrame(1.25, 4, 4)` is `0001.2500`).
 */
export function padFrame(frame: number, padding: number, decimalPlaces = 0): string {
  if (Number.isInteger(frame) && decimalPlaces === 0) return zeroFill(frame === 0 ? '0' : String(frame), padding);
  const text = formatFrame(frame);
  if (decimalPlaces === 0) {
    const pointAt = text.indexOf('.');
    return `${zeroFill(text.slice(0, pointAt), padding)}${text.slice(pointAt)}`;
  }
  // -0.5 keeps its sign on the zero integer part: `-000.5000`.
  const { integer, fraction } = roundDecimal(text, decimalPlaces);
  return `${zeroFill(integer, padding)}.${fraction}`;
}

/** Padding characters for a width: hash4 `#` per 4 digits when the width is a multiple of 4, else `@` per digit; hash1 `#` per digit. */
export function paddingChars(padding: number, padStyle: PadStyle = 'hash4'): string {
  const width = Math.max(1, padding);
  if (padStyle === 'hash1') return '#'.repeat(width);
  return width % 4 === 0 ? '#'.repeat(width / 4) : '@'.repeat(width);
}

/**
 * The width a padding text stands for: `#`/`@` runs by the pad style, `%04d`, `%d`, `$F4`, `$F`,
 * `<UDIM>`, `%(UDIM)d`; undefined for anything else.
 */
export function paddingWidth(text: string, padStyle: PadStyle = 'hash4'): number | undefined {
  if (text === '<UDIM>' || text === '%(UDIM)d') return 4;
  const printf = /^%(\d*)d$/.exec(text) ?? /^\$F(\d*)$/.exec(text);
  if (printf !== null) return Math.max(1, Number(printf[1] ?? '') || 1);
  if (!/^[#@]+$/.test(text)) return undefined;
  let width = 0;
  for (const character of text) width += character === '#' && padStyle === 'hash4' ? 4 : 1;
  return width;
}

/**
 * A file sequence: directory, basename, frame padding, extension and (optionally) its frames.
 * Immutable; the `with*` methods return changed copies.
 *
 * @example
 *   const sequence = parseSequence('/shots/a/comp_v012.1001-1100#.exr');
 *   sequence.framePath(1001)          // '/shots/a/comp_v012.1001.exr'
 *   sequence.format('printf')         // '/shots/a/comp_v012.%04d.exr'
 */
export class FileSequence {
  readonly dir: string;
  readonly basename: string;
  readonly padding: number;
  readonly extension: string;
  readonly frameSet: FrameSet | undefined;
  readonly udim: boolean;
  readonly decimalPlaces: number;
  readonly padStyle: PadStyle;

  constructor(init: FileSequenceInit) {
    checkWidth('Sequence padding', init.padding, 1, 64);
    const decimalPlaces = init.decimalPlaces ?? 0;
    checkWidth('Sequence decimal places', decimalPlaces, 0, MAX_DECIMAL_PLACES);
    const udim = init.udim ?? false;
    if (udim && (init.padding !== 4 || decimalPlaces !== 0)) {
      throw new VfxError(ErrorCode.BAD_USAGE, `A UDIM sequence has padding 4 and whole frames, got padding ${init.padding}`);
    }
    this.dir = withSeparator(init.dir ?? '');
    this.basename = init.basename;
    this.padding = init.padding;
    this.extension = init.extension ?? '';
    this.frameSet = init.frameSet;
    this.udim = udim;
    this.decimalPlaces = decimalPlaces;
    this.padStyle = init.padStyle ?? 'hash4';
  }

  /** The file name of a frame: `comp_v012.1001.exr`. */
  frameName(frame: number): string {
    return this.basename + padFrame(frame, this.padding, this.decimalPlaces) + this.extension;
  }

  /** The directory and file name of a frame: `/shots/a/comp_v012.1001.exr`. */
  framePath(frame: number): string {
    return this.dir + this.frameName(frame);
  }

  /** The paths of every frame of the frame set, in its order (none without one). */
  framePaths(): string[] {
    return this.frameSet === undefined ? [] : this.frameSet.frames().map((frame) => this.framePath(frame));
  }

  /** The padding as this sequence's pad style writes it: `#`, `@@@`, `#.#`, `<UDIM>`. */
  paddingText(): string {
    if (this.udim) return '<UDIM>';
    const frame = paddingChars(this.padding, this.padStyle);
    return this.decimalPlaces === 0 ? frame : `${frame}.${paddingChars(this.decimalPlaces, this.padStyle)}`;
  }

  /**
   * fileseq's form: `dir/basename` + frame range (in the frames' order) + padding + extension, e.g.
   * `/shots/comp_v012.1001-1100#.exr`; without frames (or with none) `/shots/comp_v012.#.exr`.
   * {@link parseSequence} reads it back, unless the basename ends in a digit (`v2` + `1-3` is
   * `v21-3`, which reads as basename `v` and frames 21 to 3).
   */
  toString(): string {
    const frames = this.frameSet === undefined || this.frameSet.isEmpty ? '' : this.frameSet.toString({ sort: false });
    return this.dir + this.basename + frames + this.paddingText() + this.extension;
  }

  /**
   * The pattern without its frame range, in one of the common forms: `hash` (`shot.#.exr` in hash4,
   * `shot.####.exr` in hash1), `printf` (`shot.%04d.exr`), `houdini` (`shot.$F4.exr`) or `udim`
   * (`tex.<UDIM>.exr`, for padding 4). BAD_PATTERN when the form cannot express the sequence.
   */
  format(style: SequenceFormatStyle): string {
    let padding: string;
    switch (style) {
      case 'hash':
        padding = this.udim ? paddingChars(4, this.padStyle) : this.paddingText();
        break;
      case 'printf':
        this.#wholeFramesOnly(style);
        padding = this.padding === 1 ? '%d' : `%0${this.padding}d`;
        break;
      case 'houdini':
        this.#wholeFramesOnly(style);
        padding = this.padding === 1 ? '$F' : `$F${this.padding}`;
        break;
      case 'udim':
        this.#wholeFramesOnly(style);
        if (this.padding !== 4) {
          throw new VfxError(ErrorCode.BAD_PATTERN, `${this.toString()}: UDIM tiles have 4 digits, this sequence has padding ${this.padding}`);
        }
        padding = '<UDIM>';
        break;
      default:
        throw new VfxError(ErrorCode.BAD_USAGE, `Unknown sequence format style "${String(style)}" (hash, printf, houdini, udim)`);
    }
    return this.dir + this.basename + padding + this.extension;
  }

  withFrameSet(frameSet: FrameSet | undefined): FileSequence {
    return new FileSequence({ ...this.#init(), frameSet });
  }

  withBasename(basename: string): FileSequence {
    return new FileSequence({ ...this.#init(), basename });
  }

  withPadding(padding: number): FileSequence {
    return new FileSequence({ ...this.#init(), padding, udim: this.udim && padding === 4 });
  }

  withDir(dir: string): FileSequence {
    return new FileSequence({ ...this.#init(), dir });
  }

  withExtension(extension: string): FileSequence {
    return new FileSequence({ ...this.#init(), extension });
  }

  #init(): FileSequenceInit {
    return {
      dir: this.dir,
      basename: this.basename,
      padding: this.padding,
      extension: this.extension,
      frameSet: this.frameSet,
      udim: this.udim,
      decimalPlaces: this.decimalPlaces,
      padStyle: this.padStyle,
    };
  }

  #wholeFramesOnly(style: SequenceFormatStyle): void {
    if (this.decimalPlaces > 0) {
      throw new VfxError(ErrorCode.BAD_PATTERN, `${this.toString()}: the ${style} form cannot write subframes`);
    }
  }
}

/** A directory with a separator at its end ('/' unless it uses only backslashes). */
function withSeparator(dir: string): string {
  if (dir === '' || dir.endsWith('/') || dir.endsWith('\\')) return dir;
  return dir.includes('\\') && !dir.includes('/') ? `${dir}\\` : `${dir}/`;
}

/** The padding forms of a pattern; the last one in the file name is the frame's. */
const PADDING_PATTERN = /<UDIM>|%\(UDIM\)d|%\d*d|\$F\d*|[#@]+(?:\.[#@]+)?/g;

/** Characters a frame range can be made of. */
function isRangeCharacter(code: number): boolean {
  return isDigit(code) || code === 44 /* , */ || code === 58 /* : */ || code === 120 /* x */ || code === 121 /* y */ || code === CODE_DASH || code === CODE_DOT;
}

/**
 * Splits the text before a pattern's padding into basename and frame range. The range is the
 * longest tail that parses as a frame set, starts with a digit or a minus sign (a dash after a
 * non-alphanumeric character), does not split a number, and has no decimal point in its first
 * number (so `v2.1-10` is `v2.` + `1-10`, not 2.1 to 10).
 */
function splitFrameRange(
  head: string,
  text: string,
  maxFrames: number | undefined,
): { basename: string; frameSet: FrameSet | undefined } {
  let spanStart = head.length;
  while (spanStart > 0 && isRangeCharacter(head.charCodeAt(spanStart - 1))) spanStart--;
  for (let start = spanStart; start < head.length; start++) {
    const code = head.charCodeAt(start);
    const before = start > 0 ? head.charCodeAt(start - 1) : -1;
    if (before >= 0 && isDigit(before)) continue;
    if (code === CODE_DASH) {
      if (before >= 0 && isLetter(before)) continue;
      if (start + 1 >= head.length || !isDigit(head.charCodeAt(start + 1))) continue;
    } else if (!isDigit(code)) continue;
    const candidate = head.slice(start);
    const firstNumber = /^-?\d+(\.\d*)?/.exec(candidate);
    if (firstNumber?.[1] !== undefined) continue;
    try {
      return { basename: head.slice(0, start), frameSet: FrameSet.parse(candidate, maxFrames === undefined ? {} : { maxFrames }) };
    } catch (error) {
      if (error instanceof VfxError && error.code === ErrorCode.BAD_FRAME_SET) continue;
      if (error instanceof VfxError) throw new VfxError(error.code, `Sequence pattern "${text}": ${error.message}`, { cause: error });
      throw error;
    }
  }
  return { basename: head, frameSet: undefined };
}

/**
 * Reads a sequence pattern: `shot.1001-1100#.exr`, `shot.1-10,20@@@.exr`, `shot.#.exr`,
 * `shot.####.exr`, `shot.%04d.exr`, `shot.$F4.exr`, `tex.<UDIM>.exr`, `/a/b/shot.#.exr`,
 * `C:\shots\a.#.exr`, `shot.1-2x0.25#.#.exr`; a single file name with a frame (`shot.1001.exr`) is a
 * one-frame sequence padded to its width. BAD_PATTERN when the text has neither padding nor frame.
 */
export function parseSequence(text: string, options: SequenceParseOptions = {}): FileSequence {
  const padStyle = options.padStyle ?? 'hash4';
  const separatorAt = Math.max(text.lastIndexOf('/'), text.lastIndexOf('\\'));
  const dir = text.slice(0, separatorAt + 1);
  const name = text.slice(separatorAt + 1);
  let padding: RegExpExecArray | undefined;
  PADDING_PATTERN.lastIndex = 0;
  for (let match = PADDING_PATTERN.exec(name); match !== null; match = PADDING_PATTERN.exec(name)) padding = match;
  if (padding === undefined) {
    const location = new FrameLocation();
    if (name === '' || !locateFrame(name, location)) {
      throw new VfxError(
        ErrorCode.BAD_PATTERN,
        `Sequence pattern "${text}" has no frame padding (#, @, %04d, $F4, <UDIM>) and no frame number`,
      );
    }
    return new FileSequence({
      dir,
      basename: name.slice(0, location.numberStart),
      padding: location.extensionStart - location.numberStart,
      extension: name.slice(location.extensionStart),
      frameSet: FrameSet.fromFrames([location.frame]),
      padStyle,
    });
  }
  const paddingText = padding[0];
  const head = name.slice(0, padding.index);
  const extension = name.slice(padding.index + paddingText.length);
  const udim = paddingText === '<UDIM>' || paddingText === '%(UDIM)d';
  let width: number;
  let decimalPlaces = 0;
  const pointAt = paddingText.indexOf('.');
  if (pointAt > 0) {
    width = paddingWidth(paddingText.slice(0, pointAt), padStyle) ?? 1;
    decimalPlaces = paddingWidth(paddingText.slice(pointAt + 1), padStyle) ?? 0;
    if (decimalPlaces > MAX_DECIMAL_PLACES) {
      throw new VfxError(ErrorCode.BAD_PATTERN, `Sequence pattern "${text}" asks for ${decimalPlaces} decimal places, at most ${MAX_DECIMAL_PLACES}`);
    }
  } else {
    width = paddingWidth(paddingText, padStyle) ?? 1;
  }
  if (width > 64) throw new VfxError(ErrorCode.BAD_PATTERN, `Sequence pattern "${text}" asks for ${width} digits, at most 64`);
  const { basename, frameSet } = splitFrameRange(head, text, options.maxFrames);
  return new FileSequence({ dir, basename, padding: width, extension, frameSet, udim, decimalPlaces, padStyle });
}
