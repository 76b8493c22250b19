import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floatToHalf, halfToFloat } from '@vfxkit/core';
import { ImageErrorCode, fitInside, readImage, resamplePlanes, resizeImage, targetSize, toInterleaved, type Image } from '@vfxkit/image';
import { floatImage, integerImage, noFixtures, real, rejectsWithCode } from './helpers.js';

describe('resize sizes', () => {
  it('fits inside a box keeping the aspect ratio', () => {
    assert.deepEqual(fitInside(4000, 3000, 2048, 2048), { width: 2048, height: 1536 });
    assert.deepEqual(fitInside(3000, 4000, 2048, 2048), { width: 1536, height: 2048 });
    assert.deepEqual(fitInside(1920, 1080, 1000, undefined), { width: 1000, height: 563 });
    assert.deepEqual(fitInside(1920, 1080, undefined, 540), { width: 960, height: 540 });
    assert.deepEqual(fitInside(10000, 1, 100, 100), { width: 100, height: 1 });
  });

  it('leaves images alone when they fit and only larger ones are resized', () => {
    assert.equal(targetSize(1000, 800, { width: 2048, height: 2048, onlyLarger: true }), undefined);
    assert.deepEqual(targetSize(1000, 800, { width: 2048, height: 2048 }), { width: 2048, height: 1638 });
    assert.equal(targetSize(2048, 1536, { width: 2048, height: 2048 }), undefined);
  });
});

describe('the float resampler', () => {
  it('keeps a constant image constant, far above 1 and below 0 (weights sum to 1, float precision)', () => {
    for (const value of [1000.5, -0.125, 65504]) {
      for (const filter of ['lanczos3', 'mitchell', 'cubic', 'linear', 'lanczos2', 'nearest'] as const) {
        const [out] = resamplePlanes([new Float32Array(37 * 23).fill(value)], 37, 23, 11, 50, filter);
        for (const v of out!) assert.ok(Math.abs(v - value) <= Math.abs(value) * 1e-6, `${filter} ${value}: ${v}`);
      }
    }
  });

  it('halves a ramp with the triangle filter to the average of pixel pairs', () => {
    const ramp = Float32Array.from({ length: 8 }, (_, i) => i);
    const [out] = resamplePlanes([ramp], 8, 1, 4, 1, 'linear');
    // Output pixel 1 covers source pixels 2 and 3: centre 2.5, triangle of radius 2.
    assert.ok(Math.abs(out![1]! - 2.5) < 1e-6, String(out![1]));
    assert.ok(Math.abs(out![2]! - 4.5) < 1e-6, String(out![2]));
  });

  it('resizes a half EXR image in float, keeping half samples and highlights', async () => {
    const width = 64;
    const height = 32;
    const plane = new Uint16Array(width * height).map((_, i) => floatToHalf(i % width < 32 ? 0.01 : 4000));
    const image: Image = { ...floatImage(width, height, ['Y'], [new Float32Array(0)]), channels: [{ name: 'Y', type: 'half' }], pixels: { layout: 'planar', planes: [plane] } };
    const out = await resizeImage(image, { width: 16, height: 16, filter: 'lanczos3' });
    assert.equal(out.width, 16);
    assert.equal(out.height, 8);
    assert.equal(out.channels[0]!.type, 'half');
    assert.deepEqual(out.dataWindow, { xMin: 0, yMin: 0, xMax: 15, yMax: 7 });
    const values = out.pixels.layout === 'planar' ? [...out.pixels.planes[0]!].map(halfToFloat) : [];
    assert.equal(values[15], 4000);
    assert.ok(Math.abs(values[0]! - 0.01) < 1e-4);
  });

  it('resamples uint ID channels nearest-neighbour (never a blend of two IDs)', async () => {
    const ids = Uint32Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 7 : 1000));
    const image: Image = { ...floatImage(4, 4, ['id'], [new Float32Array(0)]), channels: [{ name: 'id', type: 'uint32' }], pixels: { layout: 'planar', planes: [ids] } };
    const out = await resizeImage(image, { width: 3, height: 3, fit: 'fill' });
    const values = out.pixels.layout === 'planar' ? [...out.pixels.planes[0]!] : [];
    assert.ok(values.every((v) => v === 7 || v === 1000), values.join(','));
  });

  it('fits the display window and scales the data window as OpenImageIO does', { skip: noFixtures }, async () => {
    // t15.exr: data (0 0) - (399 299) inside display (-40 -40) - (440 330). The windows expected are
    // those `oiiotool t15.exr --resize 200x154` writes: the display window keeps its origin, the
    // data window's offset and size scale with it.
    const image = await readImage(real('exr/openexr-images/DisplayWindow/t15.exr'));
    const out = await resizeImage(image, { width: 200, height: 200 });
    assert.deepEqual(out.displayWindow, { xMin: -40, yMin: -40, xMax: 159, yMax: 113 });
    assert.deepEqual(out.dataWindow, { xMin: -24, yMin: -24, xMax: 142, yMax: 100 });
    assert.deepEqual([out.width, out.height], [167, 125]);
  });

  it('refuses sharp-only filters on float images', async () => {
    await rejectsWithCode(() => resizeImage(floatImage(4, 4, ['Y'], [new Float32Array(16)]), { width: 2, filter: 'mks2021' }), ImageErrorCode.IMAGE_UNSUPPORTED, /sharp's own/);
  });
});

describe('integer resize through sharp', () => {
  it('keeps 16 bits and grey + alpha', async () => {
    const sixteen = integerImage(8, 8, ['R', 'G', 'B'], new Uint16Array(8 * 8 * 3).fill(40000));
    const out = toInterleaved(await resizeImage(sixteen, { width: 4, height: 4 }));
    assert.equal(out.channels[0]!.type, 'uint16');
    assert.ok(out.pixels.data.every((v) => Math.abs(v - 40000) <= 1));
    const greyAlpha = integerImage(8, 8, ['Y', 'A'], Uint8Array.from({ length: 128 }, (_, i) => (i % 2 === 0 ? 90 : 255)));
    const small = toInterleaved(await resizeImage(greyAlpha, { width: 4 }));
    assert.deepEqual(small.channels.map((c) => c.name), ['Y', 'A']);
    assert.equal(small.pixels.data.length, 4 * 4 * 2);
    assert.ok([...small.pixels.data].every((v, i) => (i % 2 === 0 ? Math.abs(v - 90) <= 1 : v === 255)));
  });
});
