/**
 * Damaged packed chunks, thousands of them: truncations, bit flips and overwritten header bytes of
 * valid PIZ, PXR24, B44, B44A, DWAA and DWAB chunks (written by our compressors, and OpenEXR's own
 * test images when present). Each decode must either succeed with a buffer of the right size or
 * throw a VfxError with code EXR_CORRUPT_CHUNK, quickly: never another error, never a hang.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floatToHalf, isVfxError } from '@vfxkit/core';
import { b44, b44a } from '../src/compression/b44.js';
import { dwaa, dwab } from '../src/compression/dwa.js';
import { piz } from '../src/compression/piz.js';
import { pxr24 } from '../src/compression/pxr24.js';
import { PixelType } from '../src/compression/types.js';
import type { ChunkInfo, CompressionMethod } from '../src/compression/types.js';
import { readExr, realFixture, testContext } from './helpers/exr-scanline.js';

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

/** A chunk of R, G, B (HALF), A (HALF), Z (FLOAT) and id (UINT): smooth, with edges and noise. */
function syntheticChunk(method: CompressionMethod, width: number, seed: number): { info: ChunkInfo; raw: Uint8Array } {
  const channels = [
    { name: 'A', type: PixelType.HALF },
    { name: 'B', type: PixelType.HALF },
    { name: 'G', type: PixelType.HALF },
    { name: 'R', type: PixelType.HALF },
    { name: 'Z', type: PixelType.FLOAT },
    { name: 'id', type: PixelType.UINT },
  ].map((channel) => ({ ...channel, xSampling: 1, ySampling: 1, pLinear: false }));
  const height = Math.min(method.linesPerChunk, 40);
  const bytesPerPixel = 4 * 2 + 4 + 4;
  const info: ChunkInfo = { channels, xMin: -3, yMin: 5, width, height, unpackedSize: width * height * bytesPerPixel };
  const raw = new Uint8Array(info.unpackedSize);
  const view = new DataView(raw.buffer);
  const next = random(seed);
  let at = 0;
  for (let y = 0; y < height; y++) {
    for (const channel of channels) {
      for (let x = 0; x < width; x++) {
        const smooth = Math.sin(x / 9 + channel.name.length) * Math.cos(y / 7) + ((x >> 3) & 1) * 0.5 + next() * 0.01;
        if (channel.type === PixelType.HALF) {
          view.setUint16(at, floatToHalf(channel.name === 'A' ? (x > width / 2 ? 1 : 0) : smooth), true);
          at += 2;
        } else if (channel.type === PixelType.FLOAT) {
          view.setFloat32(at, 100 + smooth * 10, true);
          at += 4;
        } else {
          view.setUint32(at, ((x >> 2) * 31 + y) >>> 0, true);
          at += 4;
        }
      }
    }
  }
  return { info, raw };
}

interface Target {
  name: string;
  method: CompressionMethod;
  chunks: { info: ChunkInfo; packed: Uint8Array }[];
}

function targets(): Target[] {
  const list: Target[] = [];
  for (const method of [piz, pxr24, b44, b44a, dwaa, dwab]) {
    const chunks = [37, 64].map((width, i) => {
      const { info, raw } = syntheticChunk(method, width, i + 1);
      const packed = method.compress!(raw, info, testContext);
      assert.ok(packed.length < raw.length, `${method.name} compresses the synthetic chunk`);
      assert.equal(method.decompress(packed, info, testContext).length, info.unpackedSize);
      return { info, packed };
    });
    list.push({ name: `${method.name} (ours)`, method, chunks });
  }
  const methods: Record<number, CompressionMethod> = { 4: piz, 5: pxr24, 6: b44, 7: b44a, 8: dwaa, 9: dwab };
  for (const name of ['comp_piz.exr', 'comp_b44.exr', 'comp_dwaa_v2.exr', 'comp_dwab_v2.exr']) {
    const path = realFixture(`exr/openexr/${name}`);
    if (path === undefined) continue;
    const exr = readExr(path);
    // The two smallest compressed chunks keep the run short.
    const chunks = exr.chunks
      .filter((chunk) => chunk.packed.length < chunk.info.unpackedSize)
      .sort((a, b) => a.packed.length - b.packed.length)
      .slice(0, 2)
      .map((chunk) => ({ info: chunk.info, packed: chunk.packed }));
    list.push({ name: `${name} (OpenEXR)`, method: methods[exr.compression]!, chunks });
  }
  return list;
}

/** A damaged copy of `packed`. */
function mutate(packed: Uint8Array, next: () => number): Uint8Array {
  const kind = next();
  if (kind < 0.25) return packed.slice(0, Math.floor(next() * packed.length));
  const copy = packed.slice();
  if (kind < 0.65) {
    const flips = 1 + Math.floor(next() * 4);
    for (let i = 0; i < flips; i++) copy[Math.floor(next() * copy.length)]! ^= 1 << Math.floor(next() * 8);
  } else if (kind < 0.9) {
    // Headers, bitmaps, counters and tables sit at the start.
    const at = Math.floor(next() * Math.min(copy.length, 128));
    copy[at] = kind < 0.8 ? Math.floor(next() * 256) : 0xff;
  } else {
    const start = Math.floor(next() * copy.length);
    copy.fill(next() < 0.5 ? 0 : 0xff, start, start + 1 + Math.floor(next() * 64));
  }
  return copy;
}

describe('decoding damaged chunks', () => {
  const all = targets();
  const perTarget = Math.floor(4000 / all.length);
  for (const target of all) {
    it(`${target.name}: ${perTarget} mutations give the chunk or EXR_CORRUPT_CHUNK, quickly`, () => {
      const next = random(target.name.length * 7919);
      let decoded = 0;
      let rejected = 0;
      let slowest = 0;
      for (let i = 0; i < perTarget; i++) {
        const chunk = target.chunks[i % target.chunks.length]!;
        const damaged = mutate(chunk.packed, next);
        if (damaged.length === chunk.info.unpackedSize) continue; // would be stored raw, never decoded
        const started = performance.now();
        try {
          const out = target.method.decompress(damaged, chunk.info, testContext);
          assert.equal(out.length, chunk.info.unpackedSize);
          decoded++;
        } catch (error) {
          if (!isVfxError(error) || error.code !== 'EXR_CORRUPT_CHUNK') {
            throw new Error(`mutation ${i} threw ${String(error)}`, { cause: error });
          }
          assert.ok(error.message.startsWith(`${target.method.name}: `), error.message);
          rejected++;
        }
        slowest = Math.max(slowest, performance.now() - started);
      }
      assert.ok(rejected > perTarget / 10, `${rejected} rejected, ${decoded} decoded`);
      assert.ok(slowest < 1000, `slowest decode ${slowest.toFixed(0)} ms`);
    });
  }
});
