/**
 * A separable resampler over Float32Array planes, for float images (half, float), which sharp
 * cannot resize without losing precision: libvips takes raw float input as 16-bit RGB and converts
 * it to 8 or 16 bits on output, so values above 1 and below 0 are lost.
 *
 * The arithmetic is the classic one (and OpenImageIO's `resize`): output pixel centre x + 0.5 maps
 * to source position (x + 0.5) / scale - 0.5; when shrinking, the filter is stretched by 1 / scale
 * so it covers every source pixel that falls in the output pixel; weights are normalised to sum to
 * 1; pixels beyond the edges repeat the edge pixel. Rows first, then columns, in float32.
 */
import { ImageErrorCode, imageError } from './errors.js';

/** Filters, by the names sharp uses for its kernels (`linear` is the triangle filter, `cubic` the
 *  Catmull-Rom spline). */
export const RESIZE_FILTERS = ['nearest', 'linear', 'cubic', 'mitchell', 'lanczos2', 'lanczos3', 'mks2013', 'mks2021'] as const;
export type ResizeFilter = (typeof RESIZE_FILTERS)[number];

interface Kernel {
  radius: number;
  weight: (x: number) => number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const p = Math.PI * x;
  return Math.sin(p) / p;
}

/** Mitchell-Netravali cubic with parameters B and C (Mitchell & Netravali 1988, eq. 8). */
function cubic(b: number, c: number): (x: number) => number {
  return (t) => {
    const x = Math.abs(t);
    if (x < 1) return ((12 - 9 * b - 6 * c) * x ** 3 + (-18 + 12 * b + 6 * c) * x ** 2 + (6 - 2 * b)) / 6;
    if (x < 2) return ((-b - 6 * c) * x ** 3 + (6 * b + 30 * c) * x ** 2 + (-12 * b - 48 * c) * x + (8 * b + 24 * c)) / 6;
    return 0;
  };
}

const KERNELS: Partial<Record<ResizeFilter, Kernel>> = {
  linear: { radius: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
  cubic: { radius: 2, weight: cubic(0, 0.5) },
  mitchell: { radius: 2, weight: cubic(1 / 3, 1 / 3) },
  lanczos2: { radius: 2, weight: (x) => (Math.abs(x) < 2 ? sinc(x) * sinc(x / 2) : 0) },
  lanczos3: { radius: 3, weight: (x) => (Math.abs(x) < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

/** How output positions map to source positions along one axis: output pixel o's centre is at
 *  source position (o + 0.5) / scale - 0.5 + shift (default: the sizes' ratio, no shift). */
export interface AxisMapping {
  scale: number;
  shift: number;
}

/** For each output position, the source indices (clamped to the edges) and normalised weights. */
interface Taps {
  count: number;
  index: Int32Array;
  weight: Float32Array;
}

function computeTaps(sourceSize: number, targetSize: number, filter: ResizeFilter, mapping?: AxisMapping): Taps {
  const scale = mapping?.scale ?? targetSize / sourceSize;
  const shift = mapping?.shift ?? 0;
  if (filter === 'nearest') {
    const index = new Int32Array(targetSize);
    for (let o = 0; o < targetSize; o++) index[o] = Math.min(sourceSize - 1, Math.max(0, Math.floor((o + 0.5) / scale + shift)));
    return { count: 1, index, weight: new Float32Array(targetSize).fill(1) };
  }
  const kernel = KERNELS[filter];
  if (kernel === undefined) {
    throw imageError(ImageErrorCode.IMAGE_UNSUPPORTED, `the ${filter} filter is sharp's own and only resizes 8- and 16-bit images; float images take nearest, linear, cubic, mitchell, lanczos2 or lanczos3`);
  }
  const stretch = scale < 1 ? 1 / scale : 1;
  const support = kernel.radius * stretch;
  const count = 2 * Math.ceil(support) + 1;
  const index = new Int32Array(targetSize * count);
  const weight = new Float32Array(targetSize * count);
  for (let o = 0; o < targetSize; o++) {
    const centre = (o + 0.5) / scale - 0.5 + shift;
    const first = Math.ceil(centre - support);
    let total = 0;
    for (let k = 0; k < count; k++) {
      const i = first + k;
      const w = kernel.weight((i - centre) / stretch);
      index[o * count + k] = i < 0 ? 0 : i >= sourceSize ? sourceSize - 1 : i;
      weight[o * count + k] = w;
      total += w;
    }
    if (total !== 0) for (let k = 0; k < count; k++) weight[o * count + k]! /= total;
  }
  return { count, index, weight };
}

/**
 * Resamples planes of `width` x `height` float samples to `targetWidth` x `targetHeight`. Every
 * plane is filtered the same way (colour, alpha and other channels alike: EXR colour is
 * premultiplied, so filtering each channel on its own is right).
 */
export function resamplePlanes(
  planes: readonly Float32Array[],
  width: number,
  height: number,
  targetWidth: number,
  targetHeight: number,
  filter: ResizeFilter,
  mapping?: { x: AxisMapping; y: AxisMapping },
): Float32Array[] {
  if (!Number.isInteger(targetWidth) || !Number.isInteger(targetHeight) || targetWidth < 1 || targetHeight < 1) {
    throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, `the target size must be at least 1 x 1, found ${targetWidth} x ${targetHeight}`);
  }
  const columns = computeTaps(width, targetWidth, filter, mapping?.x);
  const rows = computeTaps(height, targetHeight, filter, mapping?.y);
  return planes.map((plane) => {
    if (plane.length !== width * height) throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, `a plane holds ${plane.length} samples, expected ${width * height}`);
    // Rows: width -> targetWidth, for every source row.
    const across = new Float32Array(targetWidth * height);
    const cn = columns.count;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      const out = y * targetWidth;
      for (let o = 0; o < targetWidth; o++) {
        let sum = 0;
        const base = o * cn;
        for (let k = 0; k < cn; k++) sum += plane[row + columns.index[base + k]!]! * columns.weight[base + k]!;
        across[out + o] = sum;
      }
    }
    // Columns: height -> targetHeight, a whole output row at a time (contiguous reads).
    const result = new Float32Array(targetWidth * targetHeight);
    const rn = rows.count;
    for (let o = 0; o < targetHeight; o++) {
      const out = o * targetWidth;
      const base = o * rn;
      for (let k = 0; k < rn; k++) {
        const w = rows.weight[base + k]!;
        if (w === 0) continue;
        const source = rows.index[base + k]! * targetWidth;
        for (let x = 0; x < targetWidth; x++) result[out + x]! += across[source + x]! * w;
      }
    }
    return result;
  });
}
