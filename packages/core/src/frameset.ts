/**
 * Frame sets: ordered lists of unique frame numbers, written in the frame-range syntax of fileseq
 * (https://github.com/justinfx/fileseq, `FrameSet`), which pipeline tools, render farms and
 * OpenImageIO's `oiiotool` share.
 *
 * Syntax: comma-separated parts. Whitespace is allowed around each part and around the `-`, `x`,
 * `y` and `:` inside one (`1 - 10 x 2`, as fileseq), not inside a number.
 *
 *   `7`           one frame                        `-3`          a negative frame
 *   `1-100`       every frame from 1 to 100        `10-1`        counting down, 10 to 1
 *   `-10--1`      -10 to -1                        `-5-5`        -5 to 5
 *   `1-100x5`     every 5th frame: 1, 6, ..., 96   `10-1x2`      10, 8, 6, 4, 2 (`10-1x-2` too)
 *   `1-100y5`     the frames `1-100x5` skips: 2, 3, 4, 5, 7, ... (1-100 minus 1-100x5)
 *   `1-100:5`     staggered: the frames of 1-100x5, then those of x4, x3, x2 and x1 not yet
 *                 listed, in that order, so every frame appears once (render a coarse pass first)
 *   `1-2x0.25`    subframes: 1, 1.25, 1.5, 1.75, 2 (any number may have a decimal part)
 *
 * A frame repeated across parts is kept at its first position (`1-5,3` is 1, 2, 3, 4, 5). A step is
 * never 0; a negative step is accepted only when the range counts down (`10-1x-2`), as fileseq does;
 * `:` and `y` take whole-number steps. An end that the step does not reach is not included (`1-10x4`
 * is 1, 5, 9). The empty string is the empty set.
 *
 * Subframes are computed exactly: each part is read as integers scaled by a power of ten (its most
 * decimal places), so `0-1x0.1` gives 0.1, 0.2, 0.3 and never 0.30000000000000004. A frame is stored
 * as the JavaScript number nearest its decimal value, so the same decimal always gives the same
 * number; at most {@link MAX_DECIMAL_PLACES} decimal places are accepted.
 *
 * Limits: a set may hold at most `maxFrames` frames (default {@link DEFAULT_MAX_FRAMES}, fileseq's
 * MAX_FRAME_SIZE). Counts are computed arithmetically before any frame is produced, so
 * `1-1000000000` fails at once with LIMIT_EXCEEDED. As in fileseq, each part is checked as
 * "frames so far + this part's frames"; a part wholly inside an earlier one is skipped without
 * counting it.
 *
 * `toString()` writes the shortest canonical text of the frames sorted (fileseq's
 * `framesToFrameRange(sort=True)`): the frames are split into runs that are arithmetic
 * progressions, each written `a` (one frame), `a-b` (step 1, two or more frames) or `a-bxN` (step N,
 * three or more frames; two frames with a step other than 1 are written `a,b`). Among all such
 * splits it picks the one with the fewest characters, then the fewest parts, then the longest
 * first run, so `[1,2,3,5,7,9]` is `1-3,5-9x2` and `[1,3,5]` is `1-5x2`. fileseq splits greedily
 * instead, which can miss the shorter form (`[1,2,4,6,8]`: fileseq `1-2,4-8x2`, here `1,2-8x2`).
 */
import { ErrorCode, VfxError } from './errors.js';

/** The largest set `FrameSet.parse` builds unless told otherwise (fileseq's MAX_FRAME_SIZE). */
export const DEFAULT_MAX_FRAMES = 10_000_000;

/** The most decimal places a subframe may have. */
export const MAX_DECIMAL_PLACES = 9;

export interface FrameSetParseOptions {
  /** Refuse sets with more frames than this (LIMIT_EXCEEDED). Default {@link DEFAULT_MAX_FRAMES}. */
  maxFrames?: number;
}

export interface FrameSetFormatOptions {
  /** Sort the frames first (default true). With `false` the text lists the frames in their order. */
  sort?: boolean;
}

export interface FrameSetLimitOptions {
  /** Refuse results with more frames than this (LIMIT_EXCEEDED). Default {@link DEFAULT_MAX_FRAMES}. */
  maxFrames?: number;
}

/** One part of a frame-range text: `start-end`, `start-endxN`, `start-endyN`, `start-end:N`. */
const PART_PATTERN = /^(-?\d+(?:\.\d+)?)(?:\s*-\s*(-?\d+(?:\.\d+)?)(?:\s*([:xy])\s*(-?\d+(?:\.\d+)?))?)?$/;

const POWERS_OF_TEN: readonly number[] = Array.from({ length: MAX_DECIMAL_PLACES + 1 }, (_, index) => 10 ** index);

/**
 * The shortest decimal text of a frame, never in exponent notation: `1.25`, `-0.5`, `0.0000001`.
 */
export function formatFrame(frame: number): string {
  if (Number.isInteger(frame)) return frame === 0 ? '0' : String(frame);
  const text = String(frame);
  const exponentAt = text.indexOf('e');
  if (exponentAt < 0) return text;
  // Only numbers below 1e-6 reach here (every number from 2^53 up is an integer, and JavaScript
  // writes non-integers below 1e21 plainly): move the decimal point left by hand.
  const exponent = Number(text.slice(exponentAt + 1));
  let mantissa = text.slice(0, exponentAt);
  const negative = mantissa.startsWith('-');
  if (negative) mantissa = mantissa.slice(1);
  const pointAt = mantissa.indexOf('.');
  const digits = pointAt < 0 ? mantissa : mantissa.slice(0, pointAt) + mantissa.slice(pointAt + 1);
  const integerDigits = (pointAt < 0 ? mantissa.length : pointAt) + exponent;
  return `${negative ? '-' : ''}0.${'0'.repeat(-integerDigits)}${digits}`;
}

/** How many decimal places the shortest text of `frame` has. */
function decimalPlacesOf(frame: number): number {
  if (Number.isInteger(frame)) return 0;
  const text = formatFrame(frame);
  return text.length - text.indexOf('.') - 1;
}

/** `frame` times 10^places as an exact integer, computed on its decimal text. */
function toScaled(frame: number, places: number, context: string): number {
  if (places === 0) return frame;
  const text = formatFrame(frame);
  const pointAt = text.indexOf('.');
  const integerPart = pointAt < 0 ? text : text.slice(0, pointAt);
  const fraction = pointAt < 0 ? '' : text.slice(pointAt + 1);
  const scaled = Number(integerPart + fraction.padEnd(places, '0')) + 0;
  if (!Number.isSafeInteger(scaled)) {
    throw new VfxError(
      ErrorCode.BAD_FRAME_SET,
      `${context}: frame ${text} is too large to combine with ${places} decimal places (at most ${Number.MAX_SAFE_INTEGER} in units of 10^-${places})`,
    );
  }
  return scaled;
}

/** The decimal text of `scaled / 10^places` without trailing zeros. */
function formatScaled(scaled: number, places: number): string {
  if (places === 0) return scaled === 0 ? '0' : String(scaled);
  const negative = scaled < 0;
  const digits = String(Math.abs(scaled)).padStart(places + 1, '0');
  const integerPart = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places).replace(/0+$/, '');
  return `${negative ? '-' : ''}${integerPart}${fraction === '' ? '' : `.${fraction}`}`;
}

const DIGIT_LIMITS: readonly number[] = Array.from({ length: 16 }, (_, index) => 10 ** (index + 1));

/** The length of `formatScaled(scaled, places)`, without building the text for whole numbers. */
function scaledTextLength(scaled: number, places: number): number {
  if (places > 0) return formatScaled(scaled, places).length;
  const magnitude = Math.abs(scaled);
  let digits = 1;
  while (digits < 16 && magnitude >= (DIGIT_LIMITS[digits - 1] as number)) digits++;
  return scaled < 0 ? digits + 1 : digits;
}

/** Reads a decimal literal of a frame-range part as an integer scaled by 10^places. */
function literalToScaled(literal: string, places: number): number {
  const pointAt = literal.indexOf('.');
  const integerPart = pointAt < 0 ? literal : literal.slice(0, pointAt);
  const fraction = pointAt < 0 ? '' : literal.slice(pointAt + 1);
  return Number(integerPart + fraction.padEnd(places, '0')) + 0;
}

/**
 * One part of a frame-range text, with every number an integer in units of 10^-places:
 * `step` parts list start, start ± step, ... up to end; `fill` parts list the unit frames from start
 * to end whose index is not a multiple of `chunk`; `stagger` parts list every unit frame from start
 * to end, by passes of chunk, chunk - 1, ..., 1.
 */
interface RangePart {
  readonly text: string;
  readonly kind: 'step' | 'fill' | 'stagger';
  readonly start: number;
  readonly end: number;
  /** +1 counting up, -1 counting down. */
  readonly direction: number;
  /** For `step`: the scaled step. For `fill` and `stagger`: one frame in scaled units (10^places). */
  readonly step: number;
  /** For `fill` and `stagger`: the whole-number step N. */
  readonly chunk: number;
  readonly places: number;
  readonly scale: number;
  /** Lowest and highest frame (unscaled). */
  readonly low: number;
  readonly high: number;
  /** How many frames the part lists. */
  readonly count: number;
}

/**
 * Whether every frame of `inner` is a frame of `outer`. An inner part's frames all lie on the grid
 * start, start ± step, ... (for `fill` and `stagger` parts the grid of whole frames), so it is
 * enough that the outer part is a whole grid (`step` or `stagger`) holding that one.
 */
function partCovers(outer: RangePart, inner: RangePart): boolean {
  if (outer.kind === 'fill' || inner.low < outer.low || inner.high > outer.high) return false;
  const places = Math.max(outer.places, inner.places);
  const outerFactor = POWERS_OF_TEN[places - outer.places] ?? 1;
  const innerFactor = POWERS_OF_TEN[places - inner.places] ?? 1;
  const outerStep = outer.step * outerFactor;
  const innerStep = inner.step * innerFactor;
  const offset = inner.start * innerFactor - outer.start * outerFactor;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(innerStep) || offset % outerStep !== 0) return false;
  return inner.count <= 1 || innerStep % outerStep === 0;
}

function badPart(text: string, part: string, why: string): VfxError {
  return new VfxError(ErrorCode.BAD_FRAME_SET, `Frame set "${text}": "${part}" ${why}`);
}

function parsePart(text: string, part: string): RangePart {
  const match = PART_PATTERN.exec(part);
  if (match === null) {
    throw badPart(text, part, 'is not a frame or range (expected forms: 7, 1-100, 1-100x5, 1-100y5, 1-100:5, 1-2x0.25)');
  }
  const startText = match[1] ?? '';
  const endText = match[2] ?? startText;
  const modifier = match[3] ?? 'x';
  const stepText = match[4] ?? '1';
  let places = 0;
  for (const literal of [startText, endText, stepText]) {
    const pointAt = literal.indexOf('.');
    if (pointAt >= 0) places = Math.max(places, literal.length - pointAt - 1);
  }
  if (places > MAX_DECIMAL_PLACES) {
    throw badPart(text, part, `has more than ${MAX_DECIMAL_PLACES} decimal places`);
  }
  if (modifier !== 'x' && stepText.includes('.')) {
    throw badPart(text, part, `uses a decimal step with "${modifier}", which takes whole-number steps only`);
  }
  const scale = POWERS_OF_TEN[places] ?? 1;
  const start = literalToScaled(startText, places);
  const end = literalToScaled(endText, places);
  const signedStep = literalToScaled(stepText, places);
  for (const value of [start, end, signedStep]) {
    if (!Number.isSafeInteger(value)) throw badPart(text, part, `has a number beyond ${Number.MAX_SAFE_INTEGER}`);
  }
  if (signedStep === 0) throw badPart(text, part, 'has a step of 0');
  if (signedStep < 0 && end > start) {
    throw badPart(text, part, 'has a negative step on a range counting up (write the step without its sign)');
  }
  const direction = end >= start ? 1 : -1;
  const span = Math.abs(end - start);
  const low = Math.min(start, end) / scale + 0;
  const high = Math.max(start, end) / scale + 0;
  if (modifier === 'x') {
    const step = Math.abs(signedStep);
    return { text: part, kind: 'step', start, end, direction, step, chunk: 1, places, scale, low, high, count: Math.floor(span / step) + 1 };
  }
  const chunk = Math.abs(signedStep) / scale;
  const unitCount = Math.floor(span / scale) + 1;
  if (modifier === 'y') {
    const count = unitCount - (Math.floor((unitCount - 1) / chunk) + 1);
    return { text: part, kind: 'fill', start, end, direction, step: scale, chunk, places, scale, low, high, count };
  }
  return { text: part, kind: 'stagger', start, end, direction, step: scale, chunk, places, scale, low, high, count: unitCount };
}

/** Calls `emit` with each frame of a part, in the part's order. */
function forEachFrame(part: RangePart, emit: (frame: number) => void): void {
  const { start, direction, step, scale } = part;
  if (part.kind === 'step') {
    const signedStep = step * direction;
    for (let index = 0; index < part.count; index++) emit((start + signedStep * index) / scale + 0);
    return;
  }
  const unitCount = Math.floor(Math.abs(part.end - start) / scale) + 1;
  const unit = scale * direction;
  if (part.kind === 'fill') {
    for (let index = 0; index < unitCount; index++) {
      if (index % part.chunk !== 0) emit((start + unit * index) / scale + 0);
    }
    return;
  }
  // Stagger: passes with steps above the span list only the start frame, so begin at the span.
  const listed = new Uint8Array(unitCount);
  for (let pass = Math.min(part.chunk, Math.max(unitCount - 1, 1)); pass >= 1; pass--) {
    for (let index = 0; index < unitCount; index += pass) {
      if (listed[index] === 0) {
        listed[index] = 1;
        emit((start + unit * index) / scale + 0);
      }
    }
  }
}

/** Appends the frames of a part to `out` (the loop of `forEachFrame` without a call per frame). */
function appendFrames(part: RangePart, out: number[]): void {
  if (part.kind !== 'step') {
    forEachFrame(part, (frame) => out.push(frame));
    return;
  }
  const { start, scale, count } = part;
  const signedStep = part.step * part.direction;
  if (scale === 1) {
    for (let index = 0; index < count; index++) out.push(start + signedStep * index);
  } else {
    for (let index = 0; index < count; index++) out.push((start + signedStep * index) / scale + 0);
  }
}

/** What the FrameSet constructor learns in one pass over its frames. */
interface FrameFacts {
  ascending: boolean;
  integers: boolean;
  min: number;
  max: number;
}

function frameFacts(frames: readonly number[]): FrameFacts {
  let ascending = true;
  let integers = true;
  let min = Infinity;
  let max = -Infinity;
  let previous = -Infinity;
  for (let index = 0; index < frames.length; index++) {
    const frame = frames[index] as number;
    if (frame <= previous) ascending = false;
    if (frame < min) min = frame;
    if (frame > max) max = frame;
    if (integers && !Number.isInteger(frame)) integers = false;
    previous = frame;
  }
  return { ascending, integers, min, max };
}

/** LIMIT_EXCEEDED: `what` is the start of the message, e.g. `Frame set "1-1000000000" has`. */
function limitError(what: string, count: number, maxFrames: number): VfxError {
  return new VfxError(
    ErrorCode.LIMIT_EXCEEDED,
    `${what} ${count} frames, more than the limit of ${maxFrames} (pass a larger maxFrames to allow it)`,
  );
}

/** Index of the first element of the ascending `sorted` that is >= `frame`. */
function lowerBound(sorted: ArrayLike<number>, frame: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < frame) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The shortest canonical text of `values` (integers in units of 10^-places, unique) in their order;
 * see the file comment for the rules. Dynamic programming from the end: `characters[i]` and
 * `parts[i]` measure the best text for values i..n-1 and `choice[i]` is where its first run ends.
 * A run from i may end anywhere along the arithmetic run that starts at i; walking left through
 * one arithmetic run, those ends only grow by one candidate per step, so the best end is kept as a
 * running minimum and the whole pass is linear.
 */
function formatRuns(values: ArrayLike<number>, places: number): string {
  const count = values.length;
  if (count === 0) return '';
  const lengths = new Uint8Array(count);
  for (let index = 0; index < count; index++) lengths[index] = scaledTextLength(values[index] as number, places);
  const unit = POWERS_OF_TEN[places] ?? 1;
  const parts = new Float64Array(count + 1);
  const characters = new Float64Array(count + 1);
  const choice = new Int32Array(count);
  // The best run end among the candidates of the current arithmetic run (see below).
  let windowParts = Infinity;
  let windowCharacters = Infinity;
  let windowEnd = -1;
  let runStep = NaN;
  for (let index = count - 1; index >= 0; index--) {
    const length = lengths[index]!;
    // One frame alone.
    let bestParts = 1 + parts[index + 1]!;
    let bestCharacters = length + (index + 1 < count ? 1 : 0) + characters[index + 1]!;
    let bestEnd = index;
    if (index + 1 < count) {
      const step = (values[index + 1] as number) - (values[index] as number);
      const unitStep = Math.abs(step) === unit;
      const firstCandidate = index + (unitStep ? 1 : 2);
      if (step !== runStep) {
        // A new arithmetic run starts here: it reaches index + 1 only, so far.
        runStep = step;
        windowParts = Infinity;
        windowCharacters = Infinity;
        windowEnd = -1;
      }
      // The run ending at `firstCandidate` is now possible; ends further right were already
      // considered while walking left through this run. Ties keep the further end.
      if (firstCandidate < count && (firstCandidate === index + 1 || (values[firstCandidate] as number) - (values[firstCandidate - 1] as number) === step)) {
        const candidateParts = parts[firstCandidate + 1]!;
        const candidateCharacters =
          lengths[firstCandidate]! + (firstCandidate + 1 < count ? 1 : 0) + characters[firstCandidate + 1]!;
        if (candidateCharacters < windowCharacters || (candidateCharacters === windowCharacters && candidateParts < windowParts)) {
          windowParts = candidateParts;
          windowCharacters = candidateCharacters;
          windowEnd = firstCandidate;
        }
      }
      if (windowEnd >= 0) {
        const stepLength = unitStep ? 0 : 1 + formatScaled(Math.abs(step), places).length;
        const runParts = 1 + windowParts;
        const runCharacters = length + 1 + stepLength + windowCharacters;
        if (runCharacters < bestCharacters || (runCharacters === bestCharacters && runParts <= bestParts)) {
          bestParts = runParts;
          bestCharacters = runCharacters;
          bestEnd = windowEnd;
        }
      }
    }
    parts[index] = bestParts;
    characters[index] = bestCharacters;
    choice[index] = bestEnd;
  }
  const out: string[] = [];
  for (let index = 0; index < count; ) {
    const end = choice[index]!;
    const startText = formatScaled(values[index] as number, places);
    if (end === index) out.push(startText);
    else {
      const step = Math.abs((values[index + 1] as number) - (values[index] as number));
      const endText = formatScaled(values[end] as number, places);
      out.push(`${startText}-${endText}${step === unit ? '' : `x${formatScaled(step, places)}`}`);
    }
    index = end + 1;
  }
  return out.join(',');
}

/**
 * An ordered list of unique frames. Immutable; set operations return new sets, sorted.
 *
 * @example
 *   FrameSet.parse('1-10x2,20').frames()   // [1, 3, 5, 7, 9, 20]
 *   FrameSet.fromFrames([5, 1, 2, 3]).toString()   // '1-3,5'
 */
export class FrameSet implements Iterable<number> {
  readonly #frames: readonly number[];
  readonly #ascending: boolean;
  readonly #min: number | undefined;
  readonly #max: number | undefined;
  #sortedCache: Float64Array | undefined;
  #placesCache: number | undefined;

  /**
   * `frames` must be unique, finite and within the decimal-place limit (the factories check).
   * `facts`, when the caller already knows them, saves a pass over the frames.
   */
  private constructor(frames: readonly number[], facts?: FrameFacts) {
    this.#frames = frames;
    const known = facts ?? frameFacts(frames);
    this.#ascending = known.ascending;
    this.#min = frames.length === 0 ? undefined : known.min;
    this.#max = frames.length === 0 ? undefined : known.max;
    if (known.integers) this.#placesCache = 0;
  }

  /**
   * Reads fileseq frame-range text (see the file comment): `1-100`, `1-100x5`, `10-1`, `1,5,9`,
   * `1-2x0.25`. Throws BAD_FRAME_SET naming the part that does not parse, LIMIT_EXCEEDED for sets
   * larger than `maxFrames`.
   */
  static parse(text: string, options: FrameSetParseOptions = {}): FrameSet {
    const maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES;
    if (text.trim() === '') return new FrameSet([]);
    const ranges = text.split(',').map((piece) => {
      const part = piece.trim();
      if (part === '') throw badPart(text, piece, 'is an empty part (two commas in a row, or a comma at an end)');
      return parsePart(text, part);
    });
    const frames: number[] = [];
    // While every part lies wholly above (or wholly below) all the parts before it, no frame can
    // repeat and frames go straight to the list; after that, a set of the frames so far weeds out
    // repeats.
    let disjointUp = true;
    let disjointDown = true;
    let lowest = Infinity;
    let highest = -Infinity;
    let seen: Set<number> | undefined;
    let widest: RangePart | undefined;
    let listedWithRepeats = 0;
    const context = `Frame set "${text}"`;
    for (const part of ranges) {
      disjointUp &&= part.low > highest;
      disjointDown &&= part.high < lowest;
      const disjoint = disjointUp || disjointDown;
      // A part wholly inside the widest part so far adds nothing (`1-100,5-50`, a repeated part).
      if (!disjoint && widest !== undefined && partCovers(widest, part)) continue;
      if (part.count + frames.length > maxFrames) {
        const what = frames.length === 0 ? `${context} has` : `${context}: part "${part.text}" would bring it to`;
        throw limitError(what, part.count + frames.length, maxFrames);
      }
      // Repeats cost time though not memory: bound the work too.
      listedWithRepeats += part.count;
      if (listedWithRepeats > 4 * maxFrames) {
        throw limitError(`${context} lists, counting repeated frames,`, listedWithRepeats, 4 * maxFrames);
      }
      if (disjoint) {
        appendFrames(part, frames);
      } else {
        const known = (seen ??= new Set(frames));
        forEachFrame(part, (frame) => {
          if (!known.has(frame)) {
            known.add(frame);
            frames.push(frame);
          }
        });
      }
      lowest = Math.min(lowest, part.low);
      highest = Math.max(highest, part.high);
      if (widest === undefined || part.high - part.low > widest.high - widest.low) widest = part;
    }
    // Frames from parts with different decimal places must still share one scale.
    const set = new FrameSet(frames);
    set.#scaledValues(context);
    return set;
  }

  /** A set of the given frames in their order; a repeated frame is kept at its first position. */
  static fromFrames(frames: Iterable<number>): FrameSet {
    const list = Array.isArray(frames) ? (frames as readonly number[]).slice() : Array.from(frames);
    // One pass checks the frames and learns what the constructor needs.
    let ascending = true;
    let integers = true;
    let previous = -Infinity;
    for (let index = 0; index < list.length; index++) {
      let frame = list[index] as number;
      if (!(frame >= -Number.MAX_SAFE_INTEGER && frame <= Number.MAX_SAFE_INTEGER)) {
        throw new VfxError(ErrorCode.BAD_FRAME_SET, `Frame ${String(frame)} is not a number from -(2^53 - 1) to 2^53 - 1`);
      }
      if (frame === 0) list[index] = frame = 0;
      if (frame <= previous) ascending = false;
      if (integers && !Number.isInteger(frame)) integers = false;
      previous = frame;
    }
    let set: FrameSet;
    if (ascending) {
      set = new FrameSet(list, { ascending, integers, min: list[0] ?? 0, max: previous });
    } else {
      const seen = new Set<number>();
      const unique: number[] = [];
      for (const frame of list) {
        if (!seen.has(frame)) {
          seen.add(frame);
          unique.push(frame);
        }
      }
      set = new FrameSet(unique);
    }
    if (!integers) {
      for (const frame of set.#frames) {
        if (!Number.isInteger(frame) && decimalPlacesOf(frame) > MAX_DECIMAL_PLACES) {
          throw new VfxError(
            ErrorCode.BAD_FRAME_SET,
            `Frame ${formatFrame(frame)} has more than ${MAX_DECIMAL_PLACES} decimal places (round subframes first)`,
          );
        }
      }
      set.#scaledValues('Frame set');
    }
    return set;
  }

  static empty(): FrameSet {
    return new FrameSet([]);
  }

  get size(): number {
    return this.#frames.length;
  }

  get isEmpty(): boolean {
    return this.#frames.length === 0;
  }

  /** The frames in their order. */
  frames(): readonly number[] {
    return this.#frames;
  }

  [Symbol.iterator](): Iterator<number> {
    return this.#frames[Symbol.iterator]();
  }

  get first(): number | undefined {
    return this.#frames[0];
  }

  get last(): number | undefined {
    return this.#frames[this.#frames.length - 1];
  }

  get min(): number | undefined {
    return this.#min;
  }

  get max(): number | undefined {
    return this.#max;
  }

  /** Whether any frame has a decimal part. */
  get hasSubframes(): boolean {
    return this.#decimalPlaces() > 0;
  }

  /** Whether the frames, sorted, are every integer from `min` to `max` (false when empty). */
  get isConsecutive(): boolean {
    if (this.isEmpty || this.hasSubframes) return false;
    return (this.#max as number) - (this.#min as number) + 1 === this.size;
  }

  has(frame: number): boolean {
    const sorted = this.#sorted();
    const at = lowerBound(sorted, frame);
    return at < sorted.length && sorted[at] === frame;
  }

  /** The same frames in ascending order. */
  sorted(): FrameSet {
    if (this.#ascending) return this;
    return new FrameSet(Array.from(this.#sorted()));
  }

  /** Frames in either set, sorted. */
  union(other: FrameSet): FrameSet {
    const left = this.#sorted();
    const right = other.#sorted();
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < left.length && j < right.length) {
      const a = left[i] as number;
      const b = right[j] as number;
      if (a < b) {
        out.push(a);
        i++;
      } else if (b < a) {
        out.push(b);
        j++;
      } else {
        out.push(a);
        i++;
        j++;
      }
    }
    while (i < left.length) out.push(left[i++] as number);
    while (j < right.length) out.push(right[j++] as number);
    return FrameSet.#checked(out);
  }

  /** Frames of this set that are not in `other`, sorted. */
  difference(other: FrameSet): FrameSet {
    const right = other.#sorted();
    const out: number[] = [];
    for (const frame of this.#sorted()) {
      const at = lowerBound(right, frame);
      if (!(at < right.length && right[at] === frame)) out.push(frame);
    }
    return new FrameSet(out);
  }

  /** Frames in both sets, sorted. */
  intersection(other: FrameSet): FrameSet {
    const right = other.#sorted();
    const out: number[] = [];
    for (const frame of this.#sorted()) {
      const at = lowerBound(right, frame);
      if (at < right.length && right[at] === frame) out.push(frame);
    }
    return new FrameSet(out);
  }

  /**
   * The integer frames from `min` to `max` that are not in the set, sorted (for subframe sets, the
   * integers between them that are not frames). LIMIT_EXCEEDED if there are more than `maxFrames`.
   */
  missing(options: FrameSetLimitOptions = {}): FrameSet {
    if (this.isEmpty) return new FrameSet([]);
    const maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES;
    const sorted = this.#sorted();
    const low = Math.ceil(this.#min as number);
    const high = Math.floor(this.#max as number);
    if (high < low) return new FrameSet([]);
    let integerFrames = 0;
    for (const frame of sorted) if (Number.isInteger(frame)) integerFrames++;
    const count = high - low + 1 - integerFrames;
    if (count > maxFrames) throw limitError(`The gaps from frame ${formatFrame(low)} to ${formatFrame(high)} hold`, count, maxFrames);
    const out: number[] = [];
    let next = low;
    for (const frame of sorted) {
      if (!Number.isInteger(frame)) continue;
      for (; next < frame; next++) out.push(next);
      next = frame + 1;
    }
    for (; next <= high; next++) out.push(next);
    return new FrameSet(out);
  }

  /** Every frame moved by `amount` (exact for subframes), in the same order. */
  offset(amount: number): FrameSet {
    if (!Number.isFinite(amount)) throw new VfxError(ErrorCode.BAD_USAGE, `Cannot offset frames by ${String(amount)}`);
    const places = Math.max(this.#decimalPlaces(), decimalPlacesOf(amount));
    if (places > MAX_DECIMAL_PLACES) {
      throw new VfxError(ErrorCode.BAD_FRAME_SET, `Offset ${formatFrame(amount)} has more than ${MAX_DECIMAL_PLACES} decimal places`);
    }
    const scale = POWERS_OF_TEN[places] ?? 1;
    const shift = toScaled(amount, places, 'Offset');
    const out = this.#frames.map((frame) => {
      const moved = toScaled(frame, places, 'Offset') + shift;
      if (!Number.isSafeInteger(moved)) {
        throw new VfxError(ErrorCode.BAD_FRAME_SET, `Frame ${formatFrame(frame)} offset by ${formatFrame(amount)} is out of range`);
      }
      return moved / scale + 0;
    });
    return new FrameSet(out);
  }

  /** Whether both sets hold the same frames, in any order. */
  equals(other: FrameSet): boolean {
    if (this.size !== other.size) return false;
    const left = this.#sorted();
    const right = other.#sorted();
    for (let index = 0; index < left.length; index++) if (left[index] !== right[index]) return false;
    return true;
  }

  /**
   * The shortest canonical frame-range text (see the file comment); `{ sort: false }` keeps the
   * frames' order (`10-1`). The empty set is ''.
   */
  toString(options: FrameSetFormatOptions = {}): string {
    const places = this.#decimalPlaces();
    const ordered = options.sort === false ? this.#frames : this.#sorted();
    const values = places === 0 ? ordered : Array.from(ordered, (frame) => toScaled(frame, places, 'Frame set'));
    return formatRuns(values, places);
  }

  /** The frames in ascending order, computed once. */
  #sorted(): readonly number[] | Float64Array {
    if (this.#ascending) return this.#frames;
    if (this.#sortedCache === undefined) this.#sortedCache = Float64Array.from(this.#frames).sort();
    return this.#sortedCache;
  }

  /** The most decimal places of any frame, computed once. */
  #decimalPlaces(): number {
    if (this.#placesCache === undefined) {
      let places = 0;
      for (const frame of this.#frames) {
        if (!Number.isInteger(frame)) places = Math.max(places, decimalPlacesOf(frame));
      }
      this.#placesCache = places;
    }
    return this.#placesCache;
  }

  /** Checks that every frame can be written on the set's common decimal scale. */
  #scaledValues(context: string): void {
    const places = this.#decimalPlaces();
    if (places === 0) return;
    for (const frame of this.#frames) toScaled(frame, places, context);
  }

  static #checked(frames: number[]): FrameSet {
    const set = new FrameSet(frames);
    set.#scaledValues('Frame set');
    return set;
  }
}
