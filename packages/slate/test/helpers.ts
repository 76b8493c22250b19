/**
 * Small real sequences for the slate tests, written with sharp (JPEG/PNG) and @vfxkit/image's EXR
 * writer into a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { floatsToHalves, halfToFloat } from '@vfxkit/core';
import type { ExrAttribute } from '@vfxkit/exr';
import { boxOfSize, type Image } from '@vfxkit/image';
import { writeFileSync } from 'node:fs';
import { encodeExrImage, type SequenceSource } from '@vfxkit/slate/node';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vfx-slate-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A gradient whose blue channel says the frame, so every frame differs. */
export function gradientPixels(width: number, height: number, frame: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.round((x / (width - 1)) * 255);
      data[i + 1] = Math.round((y / (height - 1)) * 255);
      data[i + 2] = (frame * 37) % 256;
    }
  }
  return data;
}

/** `name.FRAME.jpg` (or .png) frames of a gradient. */
export async function writeJpegSequence(dir: string, name: string, frames: number[], width: number, height: number, format: 'jpg' | 'png' = 'jpg'): Promise<SequenceSource> {
  const paths: string[] = [];
  for (const frame of frames) {
    const path = join(dir, `${name}.${frame}.${format}`);
    const pipeline = sharp(gradientPixels(width, height, frame), { raw: { width, height, channels: 3 } });
    await (format === 'jpg' ? pipeline.jpeg({ quality: 95 }) : pipeline.png()).toFile(path);
    paths.push(path);
  }
  return { paths, frames, name, pattern: `${name}.${frames[0]}-${frames[frames.length - 1]}#.${format}` };
}

/** The flat linear colour of EXR frame `frame`. */
export function exrFrameColor(frame: number): [number, number, number] {
  return [0.05 + (frame % 7) * 0.1, 0.18, 0.5 + (frame % 3) * 0.2];
}

/** Flat-colour half RGBA EXR frames with a float Z channel and a few attributes. */
export async function writeExrSequence(
  dir: string,
  name: string,
  frames: number[],
  width: number,
  height: number,
  attributes: ExrAttribute[] = [],
  compression = 'zip',
  colorSpace = 'Linear Rec.709 (sRGB)',
): Promise<SequenceSource> {
  const paths: string[] = [];
  for (const frame of frames) {
    const size = width * height;
    const [r, g, b] = exrFrameColor(frame);
    const image: Image = {
      width,
      height,
      dataWindow: boxOfSize(width, height),
      displayWindow: boxOfSize(width, height),
      channels: [
        { name: 'A', type: 'half' },
        { name: 'B', type: 'half' },
        { name: 'G', type: 'half' },
        { name: 'R', type: 'half' },
        { name: 'Z', type: 'float' },
      ],
      pixels: {
        layout: 'planar',
        planes: [
          floatsToHalves(new Float32Array(size).fill(1)),
          floatsToHalves(new Float32Array(size).fill(b)),
          floatsToHalves(new Float32Array(size).fill(g)),
          floatsToHalves(new Float32Array(size).fill(r)),
          new Float32Array(size).fill(7.5),
        ],
      },
      colorSpace,
      alpha: 'premultiplied',
      metadata: { tags: {}, exrAttributes: attributes },
    };
    const path = join(dir, `${name}.${frame}.exr`);
    writeFileSync(path, encodeExrImage(image, compression));
    paths.push(path);
  }
  return { paths, frames, name, pattern: `${name}.${frames[0]}-${frames[frames.length - 1]}#.exr` };
}

/** The value of a half sample as a float. */
export const half = (bits: number): number => halfToFloat(bits);

/** RGB of pixel (x, y) of raw interleaved data. */
export function pixel(data: Uint8Array | Uint16Array, width: number, channels: number, x: number, y: number): number[] {
  const i = (y * width + x) * channels;
  return Array.from(data.subarray(i, i + 3));
}
