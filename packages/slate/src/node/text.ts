/**
 * Text to coverage masks with sharp (libvips + Pango + the bundled Inter). A mask is 8-bit
 * coverage (0 = none, 255 = full), one byte per pixel, ready to composite in any colour.
 *
 * libvips crops a rendering to the ink of its glyphs, so "ace" and "Ag" would come out at
 * different heights and baselines. Each run therefore carries an invisible guard glyph (`|`, which
 * in Inter spans from above the accents to below the descenders, drawn at alpha 1/65535) at both
 * ends: every mask of one size has the same height and the same baseline, and rows line up.
 */
import sharp from 'sharp';
import { SlateErrorCode, slateError } from '../errors.js';
import type { Align, FontWeight } from '../template.js';
import { fontDescription, fontFile } from './font.js';

export interface TextMask {
  width: number;
  height: number;
  /** width * height coverage bytes, rows top to bottom. */
  data: Uint8Array;
  /** The row of the (first line's) baseline, from the top, for lining up texts of other sizes. */
  baseline: number;
}

export interface TextOptions {
  /** Em size in pixels. */
  size: number;
  weight: FontWeight;
  /** Extra letter spacing, a fraction of the em. */
  tracking?: number;
  /** Wrap lines at this width in pixels. */
  wrapWidth?: number;
  /** Alignment of the lines of a multi-line text. */
  align?: Align;
  /** Scale the text down until it fits this width (when not wrapping). */
  maxWidth?: number;
}

const GUARD = '<span alpha="1">|</span>';
const MAX_CACHED = 256;
const cache = new Map<string, Promise<TextMask>>();

/** Escapes text for Pango markup. */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Where the baseline sits in a guarded mask, as a fraction of its height (measured once per
 *  weight on a capital H, which ends on the baseline). */
const baselines = new Map<FontWeight, Promise<number>>();

function baselineFraction(weight: FontWeight): Promise<number> {
  let fraction = baselines.get(weight);
  if (fraction === undefined) {
    fraction = renderRaw(`${GUARD}H${GUARD}`, { size: 200, weight }).then((mask) => {
      let bottom = mask.height - 1;
      search: for (; bottom > 0; bottom--) {
        for (let x = 0; x < mask.width; x++) if (mask.data[bottom * mask.width + x]! >= 128) break search;
      }
      return (bottom + 1) / mask.height;
    });
    baselines.set(weight, fraction);
  }
  return fraction;
}

/** Drops the columns without coverage at both sides (the invisible guards, leading spaces). */
function trimColumns(mask: { width: number; height: number; data: Uint8Array }): { width: number; height: number; data: Uint8Array } {
  const { width, height, data } = mask;
  const used = (x: number) => {
    for (let y = 0; y < height; y++) if (data[y * width + x] !== 0) return true;
    return false;
  };
  let left = 0;
  while (left < width && !used(left)) left++;
  if (left === width) return { width: 0, height, data: new Uint8Array(0) };
  let right = width - 1;
  while (right > left && !used(right)) right--;
  const trimmed = right - left + 1;
  if (trimmed === width) return mask;
  const out = new Uint8Array(trimmed * height);
  for (let y = 0; y < height; y++) out.set(data.subarray(y * width + left, y * width + left + trimmed), y * trimmed);
  return { width: trimmed, height, data: out };
}

async function render(text: string, options: TextOptions): Promise<TextMask> {
  // One line: guards at both ends. Several lines: after the first line and at the very end, so
  // no line starts further in than the others.
  const escaped = escapeMarkup(text);
  const newline = escaped.indexOf('\n');
  const guarded = newline === -1 ? `${GUARD}${escaped}${GUARD}` : `${escaped.slice(0, newline)}${GUARD}${escaped.slice(newline)}${GUARD}`;
  const mask = trimColumns(await renderRaw(guarded, options));
  return { ...mask, baseline: Math.round(mask.height * (await baselineFraction(options.weight))) };
}

async function renderRaw(markup: string, options: TextOptions): Promise<{ width: number; height: number; data: Uint8Array }> {
  const tracking = options.tracking ?? 0;
  let body = markup;
  if (tracking !== 0) body = `<span letter_spacing="${Math.round(tracking * options.size * 1024)}">${body}</span>`;
  try {
    const { data, info } = await sharp({
      text: {
        text: body,
        fontfile: fontFile(options.weight),
        font: fontDescription(options.weight, options.size),
        dpi: 72,
        rgba: true,
        ...(options.wrapWidth !== undefined ? { width: Math.max(1, Math.round(options.wrapWidth)), wrap: 'word-char' as const } : {}),
        align: options.align === 'center' ? 'centre' : (options.align ?? 'left'),
      },
    })
      .extractChannel(3)
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, `cannot render the text '${markup.slice(0, 40)}': ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
  }
}

/**
 * The coverage mask of `text` (empty text gives a mask of zero width). Masks are cached by text and
 * options, so constant burn-in strings are rendered once per thread.
 */
export function textMask(text: string, options: TextOptions): Promise<TextMask> {
  if (!(options.size > 0) || options.size > 2000) throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, `text size must be above 0 and at most 2000 pixels, found ${options.size}`);
  const key = JSON.stringify([text, options.size, options.weight, options.tracking ?? 0, options.wrapWidth ?? 0, options.align ?? 'left', options.maxWidth ?? 0]);
  let mask = cache.get(key);
  if (mask === undefined) {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    mask = fitted(text, options);
    cache.set(key, mask);
    mask.catch(() => cache.delete(key));
  }
  return mask;
}

async function fitted(text: string, options: TextOptions): Promise<TextMask> {
  if (text.trim() === '') return { width: 0, height: 0, data: new Uint8Array(0), baseline: 0 };
  const mask = await render(text, options);
  const limit = options.maxWidth;
  if (limit === undefined || options.wrapWidth !== undefined || mask.width <= limit) return mask;
  // Too wide for its box: scale the em down (twice at most: widths are nearly proportional).
  let size = options.size * (limit / mask.width) * 0.98;
  for (let attempt = 0; attempt < 2; attempt++) {
    const smaller = await render(text, { ...options, size: Math.max(2, size) });
    if (smaller.width <= limit || size <= 2) return smaller;
    size *= (limit / smaller.width) * 0.98;
  }
  return render(text, { ...options, size: Math.max(2, size) });
}
