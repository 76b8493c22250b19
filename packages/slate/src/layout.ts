/**
 * From relative template geometry to pixels on a canvas of a given size: boxes, text sizes, the
 * placement of a text block inside its box, and fitting a picture inside a box.
 */
import type { Align, RelativeBox, VAlign } from './template.js';

/** A box in pixels: left, top, width, height (whole numbers). */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A relative box on a `width` x `height` canvas (rounded outward to whole pixels, at least 1). */
export function pixelBox(box: RelativeBox, width: number, height: number): PixelBox {
  const x0 = Math.round(box.x * width);
  const y0 = Math.round(box.y * height);
  const x1 = Math.round((box.x + box.w) * width);
  const y1 = Math.round((box.y + box.h) * height);
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

/** A text em size (fraction of the height) in pixels, at least 4. */
export function textPixels(size: number, canvasHeight: number): number {
  return Math.max(4, size * canvasHeight);
}

/** Where a block of `width` x `height` goes inside `box` with the given alignment. */
export function placeInBox(box: PixelBox, width: number, height: number, align: Align, valign: VAlign): { x: number; y: number } {
  const x = align === 'left' ? box.x : align === 'right' ? box.x + box.width - width : box.x + Math.round((box.width - width) / 2);
  const y = valign === 'top' ? box.y : valign === 'bottom' ? box.y + box.height - height : box.y + Math.round((box.height - height) / 2);
  return { x, y };
}

/** The largest `width` x `height` picture fitting in `box`, aspect kept, centred (or aligned). */
export function fitPicture(box: PixelBox, width: number, height: number, align: Align = 'center'): PixelBox {
  const scale = Math.min(box.width / width, box.height / height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const { x, y } = placeInBox(box, w, h, align, 'middle');
  return { x, y, width: w, height: h };
}

/** `count` equal cells side by side in `box`, `gap` pixels apart. */
export function splitRow(box: PixelBox, count: number, gap: number): PixelBox[] {
  const cell = (box.width - gap * (count - 1)) / count;
  return Array.from({ length: count }, (_, i) => {
    const x0 = Math.round(box.x + i * (cell + gap));
    const x1 = Math.round(box.x + i * (cell + gap) + cell);
    return { x: x0, y: box.y, width: Math.max(1, x1 - x0), height: box.height };
  });
}

/** The letterbox bars (top and bottom, or left and right) that mask a `width` x `height` frame to
 *  `aspect`; none when the frame already is that aspect or narrower/wider the other way. */
export function letterboxBars(width: number, height: number, aspect: number): PixelBox[] {
  const frameAspect = width / height;
  if (Math.abs(frameAspect - aspect) < 1e-3) return [];
  if (aspect > frameAspect) {
    const visible = Math.round(width / aspect);
    const top = Math.floor((height - visible) / 2);
    const bottom = height - visible - top;
    return [
      { x: 0, y: 0, width, height: top },
      { x: 0, y: height - bottom, width, height: bottom },
    ].filter((b) => b.height > 0);
  }
  const visible = Math.round(height * aspect);
  const left = Math.floor((width - visible) / 2);
  const right = width - visible - left;
  return [
    { x: 0, y: 0, width: left, height },
    { x: width - right, y: 0, width: right, height },
  ].filter((b) => b.width > 0);
}
