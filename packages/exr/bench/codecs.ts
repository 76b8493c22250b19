/**
 * Decode (and encode) speed of the PIZ, PXR24, B44, B44A, DWAA and DWAB methods on a synthetic
 * 1920x1080 RGBA HALF image (smooth gradients, a checker and noise), chunk by chunk, in MB/s of
 * uncompressed Xdr data. Run from the repository root:
 *
 *   node --conditions=source --import tsx packages/exr/bench/codecs.ts [method...]
 */
import { floatToHalf } from '@vfxkit/core';
import { unzlibSync, zlibSync } from 'fflate';
import { b44, b44a } from '../src/compression/b44.js';
import { dwaa, dwab } from '../src/compression/dwa.js';
import { piz } from '../src/compression/piz.js';
import { pxr24 } from '../src/compression/pxr24.js';
import { PixelType } from '../src/compression/types.js';
import type { ChunkChannel, ChunkInfo, CodecContext, CompressionMethod } from '../src/compression/types.js';

const WIDTH = 1920;
const HEIGHT = 1080;
const channels: ChunkChannel[] = ['A', 'B', 'G', 'R'].map((name) => ({ name, type: PixelType.HALF, xSampling: 1, ySampling: 1, pLinear: false }));
const context: CodecContext = {
  zlib: {
    inflate: (data, size) => unzlibSync(data, { out: new Uint8Array(size) }),
    deflate: (data, level) => zlibSync(data, { level: (level ?? 4) as 4 }),
  },
};

/** A deterministic test image, one Xdr line after another. */
function makeImage(): Uint8Array {
  const out = new Uint8Array(WIDTH * HEIGHT * channels.length * 2);
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  let at = 0;
  for (let y = 0; y < HEIGHT; y++) {
    for (let c = 0; c < channels.length; c++) {
      for (let x = 0; x < WIDTH; x++) {
        const checker = ((x >> 5) + (y >> 5)) & 1 ? 0.25 : 0;
        const value = c === 0 ? 1 : (x / WIDTH) * (1 + c) + (y / HEIGHT) * 0.5 + checker + (random() - 0.5) * 0.02;
        const bits = floatToHalf(value);
        out[at++] = bits & 0xff;
        out[at++] = bits >>> 8;
      }
    }
  }
  return out;
}

function chunkInfo(y: number, lines: number): ChunkInfo {
  const height = Math.min(lines, HEIGHT - y);
  return { channels, xMin: 0, yMin: y, width: WIDTH, height, unpackedSize: WIDTH * height * channels.length * 2 };
}

function bench(method: CompressionMethod, image: Uint8Array): void {
  const lineBytes = WIDTH * channels.length * 2;
  const chunks: { info: ChunkInfo; packed: Uint8Array }[] = [];
  let start = performance.now();
  for (let y = 0; y < HEIGHT; y += method.linesPerChunk) {
    const info = chunkInfo(y, method.linesPerChunk);
    const raw = image.subarray(y * lineBytes, y * lineBytes + info.unpackedSize);
    chunks.push({ info, packed: method.compress!(raw, info, context) });
  }
  const encodeMs = performance.now() - start;
  const packedBytes = chunks.reduce((sum, chunk) => sum + chunk.packed.length, 0);
  // Warm up, then take the best of a few runs.
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    start = performance.now();
    for (const chunk of chunks) method.decompress(chunk.packed, chunk.info, context);
    best = Math.min(best, performance.now() - start);
  }
  const megabytes = image.length / 1e6;
  console.log(
    `${method.name.padEnd(6)} decode ${(megabytes / (best / 1000)).toFixed(1).padStart(7)} MB/s  encode ${(megabytes / (encodeMs / 1000)).toFixed(1).padStart(6)} MB/s  ratio ${(image.length / packedBytes).toFixed(2)}`,
  );
}

const all: CompressionMethod[] = [piz, pxr24, b44, b44a, dwaa, dwab];
const wanted = process.argv.slice(2);
const image = makeImage();
console.log(`1920x1080 RGBA HALF, ${(image.length / 1e6).toFixed(1)} MB uncompressed, Node ${process.version}`);
for (const method of all) if (wanted.length === 0 || wanted.includes(method.name)) bench(method, image);
