import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { floatToHalf, halfToFloat } from '@vfxkit/core';
import { readExr } from '@vfxkit/exr';
import {
  ImageErrorCode,
  encodeImage,
  readImage,
  readImageInfo,
  toInterleaved,
  transcodeImage,
  writeImage,
  type Image,
} from '@vfxkit/image';
import { floatImage, integerImage, missingTool, noFixtures, real, rejectsWithCode, repoRoot, tempDir } from './helpers.js';

const sixteenBitPng = join(repoRoot, 'fixtures/renders/beauty.1001.png');
const plate = join(repoRoot, 'fixtures/plates/shot010_plate.1001.jpg');
const noOiio = missingTool('iinfo');

function samples(image: Image): number[] {
  const interleaved = toInterleaved(image);
  return [...interleaved.pixels.data];
}

describe('reading', () => {
  it('reads JPEG as 8-bit interleaved sRGB and 16-bit PNG as 16-bit', async () => {
    const jpeg = await readImage(plate);
    assert.deepEqual([jpeg.width, jpeg.height, jpeg.channels.map((c) => `${c.name}:${c.type}`).join(' ')], [64, 36, 'R:uint8 G:uint8 B:uint8']);
    assert.equal(jpeg.colorSpace, 'sRGB');
    assert.equal(jpeg.pixels.layout, 'interleaved');
    const png = await readImage(sixteenBitPng);
    assert.deepEqual(png.channels.map((c) => `${c.name}:${c.type}`), ['R:uint16', 'G:uint16', 'B:uint16', 'A:uint16']);
    assert.ok(samples(png).some((v) => v % 257 !== 0), 'the 16-bit codes are real 16-bit values');
  });

  it('gives stable codes for what it cannot read, naming the file', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'notes.jpg'), 'hello, not an image');
      await rejectsWithCode(() => readImage(join(dir, 'notes.jpg')), ImageErrorCode.IMAGE_UNKNOWN_FORMAT, /not an image this tool reads/);
      const truncated = readFileSync(plate).subarray(0, 300);
      writeFileSync(join(dir, 'cut.jpg'), truncated);
      const error = await rejectsWithCode(() => readImage(join(dir, 'cut.jpg')), ImageErrorCode.IMAGE_CORRUPT);
      assert.equal((error as { file?: string }).file, join(dir, 'cut.jpg'));
      await rejectsWithCode(() => readImage(join(dir, 'missing.png')), 'NOT_FOUND');
    } finally {
      cleanup();
    }
  });

  it('reads real EXR files planar in their native types, with windows and colour space', { skip: noFixtures }, async () => {
    const carrots = await readImage(real('exr/openexr-images/ScanLines/Carrots.exr'));
    assert.deepEqual(carrots.channels.map((c) => `${c.name}:${c.type}`), ['R:half', 'G:half', 'B:half', 'A:half']);
    assert.equal(carrots.pixels.layout, 'planar');
    // Carrots.exr declares ACES AP0 chromaticities and the ACES white.
    assert.equal(carrots.colorSpace, 'ACES2065-1');
    assert.equal((await readImage(real('exr/openexr-images/Chromaticities/Rec709.exr'))).colorSpace, 'Linear Rec.709 (sRGB)');
    assert.equal(carrots.alpha, 'premultiplied');
    const window = await readImageInfo(real('exr/openexr-images/DisplayWindow/t07.exr'));
    assert.notDeepEqual(window.dataWindow, window.displayWindow);
    const float = await readImage(real('exr/openexr-images/TestImages/WideFloatRange.exr'));
    assert.equal(float.channels[0]!.type, 'float');
    await rejectsWithCode(() => readImage(real('exr/openexr-images/Chromaticities/Rec709_YC.exr')), ImageErrorCode.IMAGE_UNSUPPORTED, /subsampled/);
    await rejectsWithCode(() => readImage(real('exr/openexr/invalid/comp_short_decode_piz.exr')), 'EXR_TRUNCATED');
    await rejectsWithCode(() => readImage(real('exr/openexr/invalid/comp_early_eof_piz.exr')), 'EXR_BAD_HEADER');
  });

  it('turns pixels upright by the EXIF orientation when asked', { skip: noFixtures }, async () => {
    const stored = await readImage(real('exif/exif-py/orientation/landscape_6.jpg'));
    assert.deepEqual([stored.width, stored.height, stored.metadata.tags.Orientation], [450, 600, 6]);
    const upright = await readImage(real('exif/exif-py/orientation/landscape_6.jpg'), { autoOrient: true });
    assert.deepEqual([upright.width, upright.height, upright.metadata.tags.Orientation], [600, 450, 1]);
  });
});

describe('writing keeps depth, alpha and values', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('16-bit PNG stays 16-bit through PNG and TIFF, sample for sample', async () => {
    const png = await readImage(sixteenBitPng);
    for (const format of ['png', 'tiff'] as const) {
      const bytes = await encodeImage(png, format);
      const back = await readImage(bytes);
      assert.equal(back.channels[0]!.type, 'uint16', format);
      assert.deepEqual(samples(back), samples(png), format);
    }
    const resized = await transcodeImage(sixteenBitPng, { format: 'tiff', resize: { width: 24 } });
    assert.equal(resized.bitDepth, 16);
    assert.equal((await readImageInfo(resized.bytes)).bitDepth, 16);
  });

  it('16-bit PNG and TIFF keep a non-default density with their exact samples', async () => {
    const png = await readImage(sixteenBitPng);
    const dense = { ...png, metadata: { ...png.metadata, density: 300 } };
    for (const format of ['png', 'tiff'] as const) {
      const back = await readImage(await encodeImage(dense, format));
      assert.equal(back.channels[0]!.type, 'uint16', format);
      assert.equal(back.metadata.density, 300, format);
      assert.deepEqual(samples(back), samples(png), format);
    }
  });

  it('writes float and half TIFF that read back exactly (values above 1 and below 0 kept)', async () => {
    const values = [Float32Array.of(-0.5, 0, 1, 1000.25), Float32Array.of(0.1, 0.2, 0.3, 0.4), Float32Array.of(65504, 2, 3, 4), Float32Array.of(1, 0.5, 0.25, 0)];
    const image = floatImage(2, 2, ['R', 'G', 'B', 'A'], values);
    const float = await writeImage({ ...image, alpha: 'straight' }, join(dir, 'float.tif'));
    const back = await readImage(float);
    assert.equal(back.channels[0]!.type, 'float');
    assert.deepEqual(back.pixels.layout === 'interleaved' && [...back.pixels.data], [...toInterleaved({ ...image, alpha: 'straight' }).pixels.data]);
    const half = await readImage(await encodeImage({ ...image, alpha: 'straight' }, 'tiff', { bitDepth: 'half' }));
    assert.equal(half.channels[0]!.type, 'half');
    assert.deepEqual(samples(half).map(halfToFloat), [...toInterleaved({ ...image, alpha: 'straight' }).pixels.data].map((v) => halfToFloat(floatToHalf(v))));
    assert.equal((await readImageInfo(join(dir, 'float.tif'))).bitDepth, 'float');
  });

  it('writes float TIFF that OpenImageIO reads as float', { skip: noOiio }, async () => {
    const image = floatImage(3, 1, ['R', 'G', 'B'], [Float32Array.of(2, 0, 0), Float32Array.of(0, 2, 0), Float32Array.of(0, 0, 2)]);
    await writeImage({ ...image, alpha: 'straight' }, join(dir, 'oiio.tif'));
    await writeImage({ ...image, alpha: 'straight' }, join(dir, 'oiio-half.tif'), { bitDepth: 'half' });
    const info = spawnSync('iinfo', ['-v', join(dir, 'oiio.tif'), join(dir, 'oiio-half.tif')], { encoding: 'utf8' }).stdout;
    assert.match(info, /oiio\.tif\s+:\s+3 x\s+1, 3 channel, float tiff/);
    assert.match(info, /oiio-half\.tif\s+:\s+3 x\s+1, 3 channel, half tiff/);
    const stats = spawnSync('oiiotool', ['--stats', join(dir, 'oiio.tif')], { encoding: 'utf8' }).stdout;
    assert.match(stats, /Stats Max: 2\.000000 2\.000000 2\.000000/);
  });

  it('keeps grey + alpha as two channels', async () => {
    const image = integerImage(2, 1, ['Y', 'A'], Uint8Array.of(10, 255, 200, 128));
    const back = await readImage(await encodeImage(image, 'png'));
    assert.deepEqual(back.channels.map((c) => c.name), ['Y', 'A']);
    assert.deepEqual(samples(back), [10, 255, 200, 128]);
  });

  it('writes EXR half with ZIP and its colour space as chromaticities, read back the same', async () => {
    const image = floatImage(2, 1, ['R', 'G', 'B'], [Float32Array.of(0.5, 8), Float32Array.of(0.25, 0), Float32Array.of(0, -1)], 'ACEScg');
    const bytes = await encodeImage(image, 'exr', { bitDepth: 'half' });
    const exr = readExr(bytes);
    assert.equal(exr.compression, 'zip');
    assert.deepEqual(exr.channels.map((c) => `${c.name}:${c.type}`), ['B:half', 'G:half', 'R:half']);
    const back = await readImage(bytes);
    assert.equal(back.colorSpace, 'ACEScg');
    assert.deepEqual(back.channels.map((c) => c.name), ['R', 'G', 'B']);
    assert.deepEqual(back.pixels.layout === 'planar' && back.pixels.planes.map((p) => [...p].map(halfToFloat)), [[0.5, 8], [0.25, 0], [0, -1]]);
  });

  it('refuses depths a format cannot hold', async () => {
    await rejectsWithCode(() => encodeImage(integerImage(1, 1, ['Y'], Uint8Array.of(1)), 'jpeg', { bitDepth: 16 }), ImageErrorCode.IMAGE_UNSUPPORTED, /jpeg cannot store 16-bit samples \(it stores 8-bit\)/);
    await rejectsWithCode(() => encodeImage(integerImage(1, 1, ['Y'], Uint8Array.of(1)), 'heif'), ImageErrorCode.IMAGE_UNSUPPORTED, /read but not written/);
  });
});

describe('transcodeImage', () => {
  it('JPEG -> EXR is linear half with ZIP, and back to 8-bit gives every code back', async () => {
    const exr = await transcodeImage(plate, { format: 'exr' });
    assert.equal(exr.bitDepth, 'half');
    assert.equal(exr.route, 'decoded');
    const png = await transcodeImage(exr.bytes, { format: 'png', bitDepth: 8 });
    assert.deepEqual(samples(await readImage(png.bytes)), samples(await readImage(plate)));
  });

  it('takes the single sharp pipeline when no pixel arithmetic of ours is needed, keeping metadata', { skip: noFixtures }, async () => {
    const result = await transcodeImage(real('exif/exif-py/gps/DSCN0010.jpg'), { format: 'jpeg', resize: { width: 320, height: 320 } });
    assert.equal(result.route, 'sharp');
    assert.deepEqual([result.width, result.height], [320, 240]);
    const info = await readImageInfo(result.bytes);
    assert.equal(info.metadata.tags.Model, 'COOLPIX P6000');
    assert.ok(Math.abs(info.metadata.tags.GPSLatitude! - 43.4674483333333) < 1e-9, 'the GPS block is copied unchanged');
  });
});
