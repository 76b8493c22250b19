/**
 * The viewer's native pre-inflation of ZIP/ZIPS EXR chunks (viewers/src/decode/exr-inflate.ts):
 * it must serve every compressed chunk readExr asks for (or the speed-up is lost) and change
 * nothing about what readExr returns or refuses. DecompressionStream exists in Node 20 as in browsers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floatsToHalves } from '@vfxkit/core';
import { fflateZlib, readExr, readExrHeader, writeExr, type ExrCompression, type ExrImage } from '@vfxkit/exr';
import { inflateChunksNatively, preInflatedZlib } from '../viewers/src/decode/exr-inflate.js';

function image(width: number, height: number, compression: ExrCompression, tiles?: { xSize: number; ySize: number }) {
  const channel = (name: string, k: number) => {
    const values = new Float32Array(width * height);
    for (let i = 0; i < values.length; i++) values[i] = ((i * 7919 + k * 104729) % 1000) / 250 + (i % width) / width;
    return { name, type: 'half' as const, data: floatsToHalves(values) };
  };
  return { width, height, compression, channels: ['A', 'B', 'G', 'R'].map(channel), ...(tiles ? { tiles } : {}) };
}

const pixels = (image: ExrImage) => image.channels.map((c) => [c.name, c.type, Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength).toString('base64')]);

describe('viewer: EXR chunks pre-inflated by DecompressionStream', () => {
  for (const [label, compression, tiles] of [
    ['zip scanlines', 'zip', undefined],
    ['zips scanlines', 'zips', undefined],
    ['zip tiles', 'zip', { xSize: 32, ySize: 32 }],
  ] as const) {
    it(`${label}: the same pixels as readExr alone, every inflate served natively`, async () => {
      const bytes = writeExr(image(203, 97, compression, tiles));
      const header = readExrHeader(bytes);
      const native = await inflateChunksNatively(bytes, header, 0);
      assert.equal(native.size, header.parts[0]!.chunkCount);
      let asked = 0;
      let served = 0;
      const zlib = await preInflatedZlib(bytes, header, 0);
      const got = readExr(bytes, {
        zlib: {
          inflate(data, size) {
            asked++;
            if (native.get(data.byteOffset)?.byteLength === size) served++;
            return zlib.inflate(data, size);
          },
          deflate: fflateZlib.deflate,
        },
      });
      assert.deepEqual(pixels(got), pixels(readExr(bytes)));
      assert.ok(asked > 0);
      assert.equal(served, asked, 'every chunk readExr inflates comes from the native results');
    });
  }

  it('leaves a damaged chunk to readExr, which refuses it exactly as without pre-inflation', async () => {
    const bytes = writeExr(image(64, 48, 'zip'));
    const header = readExrHeader(bytes);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const offset = Number(view.getBigUint64(header.offsetTablesOffset + 8, true));
    bytes[offset + 8 + 20]! ^= 0x55; // inside the second chunk's deflate stream
    let plain: unknown;
    try {
      readExr(bytes);
    } catch (error) {
      plain = error;
    }
    assert.ok(plain instanceof Error, 'readExr refuses the damaged chunk');
    const zlib = await preInflatedZlib(bytes, header, 0);
    assert.throws(
      () => readExr(bytes, { zlib }),
      (error: unknown) => error instanceof Error && error.message === (plain as Error).message,
    );
  });
});
