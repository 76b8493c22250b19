/**
 * PXR24 against OpenEXR 3.1.5 (through oiiotool): lossless for HALF and UINT, FLOAT rounded to 24
 * bits exactly as OpenEXR rounds it.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isVfxError } from '@vfxkit/core';
import { floatToFloat24, pxr24 } from '../src/compression/pxr24.js';
import { PixelType } from '../src/compression/types.js';
import type { ChunkInfo } from '../src/compression/types.js';
import {
  Compression,
  decodeImage,
  encodeImage,
  firstDifference,
  haveTool,
  openexrImage,
  readExr,
  realFixture,
  tempFolder,
  testContext,
  uncompressedImage,
  writePatternExr,
} from './helpers/exr-scanline.js';

const noOiio = haveTool('oiiotool') ? false : 'oiiotool (OpenImageIO) is not installed';

let folder: { path: string; remove: () => void };
before(() => {
  folder = tempFolder('vfx-pxr24-');
});
after(() => folder.remove());

/** The image with every FLOAT sample of `exr` rounded to 24 bits, as PXR24 stores it. */
function roundFloats(image: Uint8Array, exr: ReturnType<typeof readExr>): Uint8Array {
  const out = image.slice();
  const view = new DataView(out.buffer);
  let at = 0;
  const width = exr.dataWindow.xMax - exr.dataWindow.xMin + 1;
  for (let y = exr.dataWindow.yMin; y <= exr.dataWindow.yMax; y++) {
    for (const channel of exr.channels) {
      for (let x = 0; x < width; x++) {
        if (channel.type === PixelType.FLOAT) view.setUint32(at, (floatToFloat24(view.getUint32(at, true)) << 8) >>> 0, true);
        at += channel.type === PixelType.HALF ? 2 : 4;
      }
    }
  }
  return out;
}

describe('PXR24', () => {
  const cases = [
    { name: 'HALF RGBAZ 67x43', width: 67, height: 43, types: ['half'] },
    { name: 'HALF + FLOAT Z 200x150', width: 200, height: 150, types: ['half', 'Z=float'], scale: 300 },
    { name: 'HALF + UINT Z + FLOAT A 61x37', width: 61, height: 37, types: ['half', 'Z=uint', 'A=float'] },
    { name: 'FLOAT 5x1', width: 5, height: 1, types: ['float'] },
  ];
  for (const testCase of cases) {
    it(`decodes ${testCase.name} (data window at -5,+3) as OpenEXR does, and OpenEXR decodes ours`, { skip: noOiio }, () => {
      const path = join(folder.path, `${testCase.width}x${testCase.height}.exr`);
      writePatternExr(path, { ...testCase, channels: ['R', 'G', 'B', 'A', 'Z'], compression: 'pxr24', origin: '-5+3' });
      const exr = readExr(path);
      assert.equal(exr.compression, Compression.PXR24);
      assert.ok(exr.chunks.some((chunk) => chunk.packed.length < chunk.info.unpackedSize), 'some chunks are compressed');
      const theirs = openexrImage(path, folder.path);
      assert.equal(firstDifference(decodeImage(exr, pxr24), theirs), -1, 'decode');

      // Compressing OpenEXR's decoded values is lossless (FLOATs are already 24-bit), and OpenEXR
      // decodes our chunks to the same values.
      const ours = join(folder.path, `ours-${testCase.width}x${testCase.height}.exr`);
      writeFileSync(ours, encodeImage(exr, theirs, pxr24));
      assert.equal(firstDifference(decodeImage(readExr(ours), pxr24), theirs), -1, 'our round trip');
      assert.equal(firstDifference(openexrImage(ours, folder.path), theirs), -1, 'OpenEXR decoding our file');
    });
  }

  it('rounds FLOAT full-precision values to 24 bits like OpenEXR', { skip: noOiio }, () => {
    // Full 32-bit floats: written uncompressed, compressed by us and by OpenEXR.
    const path = join(folder.path, 'float-none.exr');
    writePatternExr(path, { width: 40, height: 20, channels: ['R', 'Z'], types: ['float'], compression: 'none', scale: 1000 });
    const source = readExr(path);
    const image = uncompressedImage(source);
    const expected = roundFloats(image, source);
    assert.notEqual(firstDifference(expected, image), -1, 'the test image has bits that PXR24 drops');
    const ours = join(folder.path, 'float-ours.exr');
    writeFileSync(ours, encodeImage(source, image, pxr24));
    assert.equal(firstDifference(decodeImage(readExr(ours), pxr24), expected), -1, 'our round trip');
    assert.equal(firstDifference(openexrImage(ours, folder.path), expected), -1, 'OpenEXR decoding our file');
  });

  it('rounds special floats like OpenEXR: ties, overflow to FLT_MAX, NaN payloads, infinities', () => {
    assert.equal(floatToFloat24(0x3f800080), 0x3f8001); // halfway: rounds up (adds bit 7)
    assert.equal(floatToFloat24(0x3f80007f), 0x3f8000);
    assert.equal(floatToFloat24(0x7f7fffff), 0x7f7fff); // would round to infinity: truncated
    assert.equal(floatToFloat24(0x7f800000), 0x7f8000); // +infinity
    assert.equal(floatToFloat24(0xff800000), 0xff8000); // -infinity
    assert.equal(floatToFloat24(0x7f800001), 0x7f8001); // NaN whose payload is below bit 8 stays NaN
    assert.equal(floatToFloat24(0x7fc00000), 0x7fc000);
  });

  const invalid = realFixture('exr/openexr/invalid/comp_bad_pos_bounds_pxr24.exr');
  it("rejects the chunk of OpenEXR's invalid/comp_bad_pos_bounds_pxr24.exr with EXR_CORRUPT_CHUNK", { skip: invalid ? false : 'OpenEXR test images not found' }, () => {
    const exr = readExr(invalid!, { lenient: true });
    assert.ok(exr.chunks.length > 0);
    for (const chunk of exr.chunks) {
      assert.throws(
        () => pxr24.decompress(chunk.packed, chunk.info, testContext),
        (error: unknown) => isVfxError(error) && error.code === 'EXR_CORRUPT_CHUNK' && /pxr24: cannot inflate/.test(error.message),
      );
    }
  });

  it('rejects a zlib stream that inflates short', () => {
    const info: ChunkInfo = {
      channels: [{ name: 'R', type: PixelType.HALF, xSampling: 1, ySampling: 1, pLinear: false }],
      xMin: 0,
      yMin: 0,
      width: 8,
      height: 2,
      unpackedSize: 32,
    };
    const packed = testContext.zlib.deflate(new Uint8Array(20));
    assert.throws(
      () => pxr24.decompress(packed, info, testContext),
      (error: unknown) => isVfxError(error) && error.code === 'EXR_CORRUPT_CHUNK' && /inflates to 20 bytes, expected 32/.test(error.message),
    );
  });
});
