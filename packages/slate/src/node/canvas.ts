/**
 * The slate canvas: three float planes (R, G, B) holding either display values 0-1 (for 8/16-bit
 * output: blending there is what sharp's composite and every 8-bit compositor do) or linear light
 * in the sequence's colour space (for float output: white text is 1.0, display white). Every draw
 * is clipped to the canvas.
 */
import { findColorSpace, rgbToRgbMatrix } from '@vfxkit/color';
import { LINEAR_REC709 } from '@vfxkit/image';
import type { Rgb } from '../color.js';
import type { PixelBox } from '../layout.js';
import type { TextMask } from './text.js';

export type CanvasEncoding = 'display' | 'linear';

/** RGB planes of a picture, in the canvas' encoding. */
export interface Picture {
  width: number;
  height: number;
  planes: [Float32Array, Float32Array, Float32Array];
  /** Coverage 0-1 per pixel (a logo's alpha), none for opaque pictures. */
  alpha?: Float32Array;
}

export class Canvas {
  readonly width: number;
  readonly height: number;
  readonly encoding: CanvasEncoding;
  /** For a linear canvas whose working space is not linear Rec.709: the matrix that takes template
   *  colours (linear Rec.709 after the sRGB decode) into it. */
  readonly fromRec709: readonly number[] | undefined;
  readonly planes: [Float32Array, Float32Array, Float32Array];

  constructor(width: number, height: number, encoding: CanvasEncoding, fromRec709?: readonly number[]) {
    this.width = width;
    this.height = height;
    this.encoding = encoding;
    this.fromRec709 = fromRec709;
    const size = width * height;
    this.planes = [new Float32Array(size), new Float32Array(size), new Float32Array(size)];
  }

  private clip(box: PixelBox): { x0: number; y0: number; x1: number; y1: number } {
    return {
      x0: Math.max(0, box.x),
      y0: Math.max(0, box.y),
      x1: Math.min(this.width, box.x + box.width),
      y1: Math.min(this.height, box.y + box.height),
    };
  }

  /** Fills a box with a colour at an opacity (1 replaces). */
  fillRect(box: PixelBox, color: Rgb, opacity = 1): void {
    const { x0, y0, x1, y1 } = this.clip(box);
    for (let c = 0; c < 3; c++) {
      const plane = this.planes[c]!;
      const value = color[c]!;
      for (let y = y0; y < y1; y++) {
        const row = y * this.width;
        if (opacity >= 1) plane.fill(value, row + x0, row + x1);
        else for (let x = x0; x < x1; x++) plane[row + x] = plane[row + x]! + (value - plane[row + x]!) * opacity;
      }
    }
  }

  /** Outlines a box with lines `lineWidth` pixels wide, inside the box. */
  strokeRect(box: PixelBox, lineWidth: number, color: Rgb, opacity = 1): void {
    const w = Math.max(1, Math.round(lineWidth));
    this.fillRect({ x: box.x, y: box.y, width: box.width, height: w }, color, opacity);
    this.fillRect({ x: box.x, y: box.y + box.height - w, width: box.width, height: w }, color, opacity);
    this.fillRect({ x: box.x, y: box.y + w, width: w, height: box.height - 2 * w }, color, opacity);
    this.fillRect({ x: box.x + box.width - w, y: box.y + w, width: w, height: box.height - 2 * w }, color, opacity);
  }

  /** Composites a coverage mask in a colour with its top-left at (x, y). */
  drawMask(mask: TextMask, x: number, y: number, color: Rgb, opacity = 1): void {
    const { x0, y0, x1, y1 } = this.clip({ x, y, width: mask.width, height: mask.height });
    const scale = opacity / 255;
    for (let c = 0; c < 3; c++) {
      const plane = this.planes[c]!;
      const value = color[c]!;
      for (let py = y0; py < y1; py++) {
        const maskRow = (py - y) * mask.width - x;
        const row = py * this.width;
        for (let px = x0; px < x1; px++) {
          const coverage = mask.data[maskRow + px]!;
          if (coverage === 0) continue;
          const a = coverage * scale;
          plane[row + px] = plane[row + px]! + (value - plane[row + px]!) * a;
        }
      }
    }
  }

  /** Draws a picture with its top-left at (x, y), over what is there by its alpha if it has one. */
  drawPicture(picture: Picture, x: number, y: number): void {
    const { x0, y0, x1, y1 } = this.clip({ x, y, width: picture.width, height: picture.height });
    for (let c = 0; c < 3; c++) {
      const plane = this.planes[c]!;
      const source = picture.planes[c]!;
      for (let py = y0; py < y1; py++) {
        const sourceRow = (py - y) * picture.width - x;
        const row = py * this.width;
        for (let px = x0; px < x1; px++) {
          const value = source[sourceRow + px]!;
          const a = picture.alpha === undefined ? 1 : picture.alpha[sourceRow + px]!;
          plane[row + px] = a >= 1 ? value : plane[row + px]! + (value - plane[row + px]!) * a;
        }
      }
    }
  }
}

/** The matrix from linear Rec.709 to a linear working space's primaries, or undefined when they are
 *  the same (or the space is not one @vfxkit/color knows: colours are then taken as its RGB). */
export function matrixFromRec709(space: string | undefined): readonly number[] | undefined {
  if (space === undefined) return undefined;
  const target = findColorSpace(space);
  if (target === undefined) return undefined;
  let matrix: readonly number[];
  try {
    matrix = rgbToRgbMatrix(LINEAR_REC709, target);
  } catch {
    return undefined; // a space without primaries (raw, data): colours are taken as its RGB
  }
  const identity = matrix.every((v, i) => Math.abs(v - (i % 4 === 0 ? 1 : 0)) < 1e-9);
  return identity ? undefined : matrix;
}
