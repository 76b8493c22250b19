/**
 * Display-resolution proxies of image channels, made while a large EXR decodes: at fit, a
 * 4096x2160 frame covers about 1280x675 canvas pixels, so the first paint uploads and draws the
 * means of 3x3 pixel boxes (a 1366x720 float texture, 4 MB a channel instead of 18 MB of half
 * floats), and the full-resolution texture follows. The image shader samples a proxy as a channel
 * subsampled by `factor` (texel = pixel / factor), so nothing else changes for it.
 *
 * Shared (src/shared/, built by tsconfig.shared.json as `@vfxkit/viewers/shared`): the decode
 * worker makes proxies in its decode pass, and the `vfx view` server (tools/view) makes the same
 * ones from a whole decoded frame for the page's first paint. One implementation for both.
 */
import { floatToHalf, halfDecodeTable } from '@vfxkit/core';

export interface Box {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** A channel's box-filtered proxy: texel (i, j) is the mean of data-window pixels
 *  [i*factor, (i+1)*factor) x [j*factor, (j+1)*factor) (fewer at the right and bottom edges),
 *  rounded to the nearest half float (so that the server sends it in 2 bytes, exactly, and the
 *  worker's proxies are the same values: normalizeProxy). */
export interface ProxyChannel {
  factor: number;
  width: number;
  height: number;
  data: Float32Array;
  /** Sums of one band's rows, not yet means (the decoder joins the bands, then divides). */
  partial?: boolean;
}

/** Asks for display-resolution proxies of the channels a first view shows. */
export interface ProxyRequest {
  /** The most device pixels the image can cover (the canvas at most): the factor is the largest
   *  integer not above the image pixels per device pixel at fit; below 2 there is no proxy. */
  width: number;
  height: number;
  /** The `layer` and `channel` options of the view (which channels it draws). */
  layer: string;
  channel: string;
}

/** The integer box size for an image whose display window is `display` shown at fit in `target`
 *  device pixels (1 when a proxy would not be smaller than the screen's share of it). */
export function proxyFactor(display: Box, pixelAspectRatio: number, target: Pick<ProxyRequest, 'width' | 'height'>): number {
  const w = (display.xMax - display.xMin + 1) * (pixelAspectRatio > 0 ? pixelAspectRatio : 1);
  const h = display.yMax - display.yMin + 1;
  if (!(target.width > 0) || !(target.height > 0) || !(w > 0) || !(h > 0)) return 1;
  // Device pixels per image pixel at fit; image pixels per device pixel is its inverse (both axes).
  const scale = Math.min(target.width / w, target.height / h);
  const perPixel = 1 / (scale * Math.max(1, pixelAspectRatio > 0 ? pixelAspectRatio : 1));
  return Math.max(1, Math.min(64, Math.floor(perPixel)));
}

/** Sums rows of one channel (data-window width `width`, `height` rows) into factor x factor boxes. */
export class ProxyBuilder {
  readonly width: number;
  readonly height: number;
  private readonly sums: Float32Array;
  private readonly column: Int32Array;

  constructor(
    private readonly imageWidth: number,
    private readonly imageHeight: number,
    readonly factor: number,
  ) {
    this.width = Math.ceil(imageWidth / factor);
    this.height = Math.ceil(imageHeight / factor);
    this.sums = new Float32Array(this.width * this.height);
    this.column = new Int32Array(imageWidth);
    for (let x = 0; x < imageWidth; x++) this.column[x] = Math.floor(x / factor);
  }

  /** Adds `rows` rows starting at data-window row `y0` (samples in the channel's own type). */
  add(data: Uint16Array | Float32Array | Uint32Array, half: boolean, y0: number, rows: number): void {
    const w = this.imageWidth;
    const sums = this.sums;
    const column = this.column;
    const table = half ? halfDecodeTable() : undefined;
    for (let r = 0; r < rows; r++) {
      const y = y0 + r;
      if (y < 0 || y >= this.imageHeight) continue;
      const base = Math.floor(y / this.factor) * this.width;
      const at = r * w;
      const f = this.factor;
      const whole = Math.floor(w / f); // boxes with f samples in this row
      let x = at;
      if (table !== undefined && f === 2) {
        for (let i = 0; i < whole; i++, x += 2) sums[base + i]! += table[data[x]!]! + table[data[x + 1]!]!;
      } else if (table !== undefined && f === 3) {
        for (let i = 0; i < whole; i++, x += 3) sums[base + i]! += table[data[x]!]! + table[data[x + 1]!]! + table[data[x + 2]!]!;
      } else if (table !== undefined && f === 4) {
        for (let i = 0; i < whole; i++, x += 4) sums[base + i]! += table[data[x]!]! + table[data[x + 1]!]! + table[data[x + 2]!]! + table[data[x + 3]!]!;
      } else {
        for (let i = 0; i < whole; i++) {
          let sum = 0;
          for (let k = 0; k < f; k++, x++) sum += table !== undefined ? table[data[x]!]! : data[x]!;
          sums[base + i]! += sum;
        }
      }
      // The last, narrower box.
      for (let i = whole * f; i < w; i++, x++) sums[base + column[i]!]! += table !== undefined ? table[data[x]!]! : data[x]!;
    }
  }

  /** The means (the sums divided by each box's pixel count); the builder is spent. */
  finish(): ProxyChannel {
    normalizeProxy(this.sums, this.imageWidth, this.imageHeight, this.factor);
    return { factor: this.factor, width: this.width, height: this.height, data: this.sums };
  }

  /** The sums of the rows added so far (a band of the image: the page adds the bands' sums and
   *  calls normalizeProxy); the builder is spent. */
  partial(): ProxyChannel {
    return { factor: this.factor, width: this.width, height: this.height, data: this.sums, partial: true };
  }
}

/** Divides box sums (an image of `imageWidth` x `imageHeight` in `factor` boxes) by each box's
 *  pixel count, in place, and rounds the means to half floats (roundToHalves). */
export function normalizeProxy(sums: Float32Array, imageWidth: number, imageHeight: number, factor: number): void {
  const f = factor;
  const width = Math.ceil(imageWidth / f);
  const height = Math.ceil(imageHeight / f);
  const lastW = imageWidth - (width - 1) * f;
  const lastH = imageHeight - (height - 1) * f;
  for (let j = 0; j < height; j++) {
    const rows = j === height - 1 ? lastH : f;
    const base = j * width;
    const full = 1 / (rows * f);
    for (let i = 0; i < width - 1; i++) sums[base + i]! *= full;
    sums[base + width - 1]! /= rows * lastW;
  }
  roundToHalves(sums.subarray(0, width * height));
}

/**
 * Rounds each value to the nearest half float (ties to even; beyond the half range to infinity), in
 * place: values in the half's normal range by rounding the float32 bits' mantissa to 10 bits, the
 * others (tiny, huge, NaN) through floatToHalf.
 */
export function roundToHalves(values: Float32Array): void {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const table = halfDecodeTable();
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    const exponent = (b >>> 23) & 0xff;
    // 2^-14 to below 2^15: a carry out of the mantissa lands at most on 2^15, still a half.
    if (exponent >= 113 && exponent <= 141) bits[i] = (b + 0xfff + ((b >>> 13) & 1)) & 0xffffe000;
    else values[i] = table[floatToHalf(values[i]!)]!;
  }
}

/** The half-float bits of values already rounded to halves (roundToHalves), into `out`. */
export function halvesOf(values: Float32Array, out: Uint16Array): void {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    const exponent = (b >>> 23) & 0xff;
    out[i] = exponent >= 113 && exponent <= 142 ? ((b >>> 16) & 0x8000) | ((exponent - 112) << 10) | ((b >>> 13) & 0x3ff) : floatToHalf(values[i]!);
  }
}
