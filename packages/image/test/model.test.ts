import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImageErrorCode, bitDepthOf, channelPlane, imageBitDepth, sampleTypeOf, toInterleaved, toPlanar, validateImage, type Image } from '@vfxkit/image';
import { integerImage, rejectsWithCode } from './helpers.js';

describe('image model', () => {
  it('maps bit depths and sample types both ways', () => {
    for (const depth of [8, 16, 'half', 'float', 'uint'] as const) assert.equal(bitDepthOf(sampleTypeOf(depth)), depth);
    assert.equal(sampleTypeOf('half'), 'half');
    assert.equal(sampleTypeOf('uint'), 'uint32');
  });

  it('turns interleaved pixels planar and back without changing a sample', () => {
    const data = Uint16Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 1000);
    const image = integerImage(3, 2, ['R', 'G', 'B', 'A'], data);
    const planar = toPlanar(image);
    assert.equal(planar.pixels.layout, 'planar');
    assert.deepEqual([...planar.pixels.planes[1]!], [1000, 5000, 9000, 13000, 17000, 21000]);
    const back = toInterleaved(planar);
    assert.deepEqual(back.pixels.layout === 'interleaved' && [...back.pixels.data], [...data]);
    assert.deepEqual([...channelPlane(image, 'A')!], [3000, 7000, 11000, 15000, 19000, 23000]);
    assert.equal(channelPlane(image, 'Z'), undefined);
  });

  it('takes the bit depth of the colour channels when others differ', () => {
    assert.equal(imageBitDepth([{ name: 'Z', type: 'float' }, { name: 'R', type: 'half' }]), 'half');
    assert.equal(imageBitDepth([{ name: 'id', type: 'uint32' }]), 'uint');
  });

  it('rejects images whose fields disagree, naming what is wrong', async () => {
    const image = integerImage(2, 2, ['R', 'G', 'B'], new Uint8Array(12));
    validateImage(image);
    await rejectsWithCode(() => validateImage({ ...image, pixels: { layout: 'interleaved', data: new Uint8Array(11) } }), ImageErrorCode.IMAGE_BAD_ARGUMENT, /holds 11 samples, expected 4 pixels x 3 channels/);
    await rejectsWithCode(() => validateImage({ ...image, pixels: { layout: 'interleaved', data: new Uint16Array(12) } }), ImageErrorCode.IMAGE_BAD_ARGUMENT, /uint8 samples cannot be held in a Uint16Array/);
    const mixed: Image = { ...image, channels: [{ name: 'R', type: 'half' }, { name: 'Z', type: 'float' }], pixels: { layout: 'interleaved', data: new Uint16Array(8) } };
    await rejectsWithCode(() => validateImage(mixed), ImageErrorCode.IMAGE_BAD_ARGUMENT, /one sample type/);
    await rejectsWithCode(() => validateImage({ ...image, dataWindow: { xMin: 0, yMin: 0, xMax: 2, yMax: 1 } }), ImageErrorCode.IMAGE_BAD_ARGUMENT, /is not 2 x 2/);
  });
});
