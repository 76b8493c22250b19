/**
 * B44 and B44A against OpenEXR 3.1.5: decoding gives OpenEXR's values bit for bit, compressing gives
 * OpenEXR's bytes, and the pLinear transfer tables equal OpenEXR's.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { floatToHalf, halfToFloat, isVfxError } from '@vfxkit/core';
import { b44, b44PLinearTables, b44a } from '../src/compression/b44.js';
import { PixelType } from '../src/compression/types.js';
import type { ChunkInfo } from '../src/compression/types.js';
import {
  decodeImage,
  encodeImage,
  findTable,
  firstDifference,
  haveTool,
  openexrImage,
  rawChunks,
  readExr,
  realFixture,
  runTool,
  tempFolder,
  testContext,
  uncompressedImage,
  writePatternExr,
} from './helpers/exr-scanline.js';

const noOiio = haveTool('oiiotool') ? false : 'oiiotool (OpenImageIO) is not installed';
const OPENEXR_LIBRARY = '/usr/lib/x86_64-linux-gnu/libOpenEXR-3_1.so.30';

let folder: { path: string; remove: () => void };
before(() => {
  folder = tempFolder('vfx-b44-');
});
after(() => folder.remove());

describe('B44 and B44A', () => {
  for (const method of [b44, b44a]) {
    const cases = [
      { name: 'HALF RGBAZ 67x43', width: 67, height: 43, types: ['half'] },
      { name: 'HALF + UINT Z + FLOAT A 61x37', width: 61, height: 37, types: ['half', 'Z=uint', 'A=float'] },
    ];
    if (method === b44) {
      cases.push({ name: 'HALF + FLOAT Z 203x150', width: 203, height: 150, types: ['half', 'Z=float'] });
      cases.push({ name: 'HALF 2x35', width: 2, height: 35, types: ['half'] });
    }
    for (const testCase of cases) {
      it(`${method.name}: ${testCase.name} decodes as OpenEXR does and compresses to OpenEXR's bytes`, { skip: noOiio }, () => {
        // The source, uncompressed; OpenEXR's compression of it; ours.
        const sourcePath = join(folder.path, `${method.name}-${testCase.width}x${testCase.height}-none.exr`);
        writePatternExr(sourcePath, { ...testCase, channels: ['R', 'G', 'B', 'A', 'Z'], compression: 'none', origin: '-5+3' });
        const source = readExr(sourcePath);
        const sourceImage = uncompressedImage(source);
        const theirsPath = join(folder.path, `${method.name}-${testCase.width}x${testCase.height}.exr`);
        runTool('oiiotool', [sourcePath, '-d', 'half', ...testCase.types.filter((t) => t.includes('=')).flatMap((t) => ['-d', t]), '--compression', method.name, '-o', theirsPath]);
        const theirs = readExr(theirsPath);
        assert.equal(theirs.compression, method.code);
        assert.ok(theirs.chunks.some((chunk) => chunk.packed.length < chunk.info.unpackedSize), 'some chunks are compressed');

        // 1. Decoding.
        const decoded = openexrImage(theirsPath, folder.path);
        assert.equal(firstDifference(decodeImage(theirs, method), decoded), -1, 'decode');
        // 2. Compressing the same source: the same bytes, chunk for chunk.
        const ours = rawChunks(source, sourceImage, method.linesPerChunk).map((chunk) => method.compress!(chunk.raw, chunk.info, testContext));
        ours.forEach((packed, i) => {
          const chunk = theirs.chunks[i]!;
          if (chunk.packed.length < chunk.info.unpackedSize) assert.deepEqual(packed, chunk.packed, `chunk at y=${chunk.y}`);
        });
        // 3. OpenEXR decodes our file to the values we decode.
        const oursPath = join(folder.path, `${method.name}-${testCase.width}x${testCase.height}-ours.exr`);
        writeFileSync(oursPath, encodeImage(source, sourceImage, method));
        assert.equal(firstDifference(openexrImage(oursPath, folder.path), decoded), -1, 'OpenEXR decoding our file');
      });
    }
  }

  const comp_b44 = realFixture('exr/openexr/comp_b44.exr');
  it("decodes OpenEXR's comp_b44.exr (pLinear 2x2-subsampled RY, BY) to OpenEXR's values", { skip: comp_b44 ? false : 'OpenEXR test images not found (set VFX_REAL_FIXTURES)' }, () => {
    // OpenImageIO cannot read subsampled channels; the digest was checked against OpenEXR Core
    // 3.1.5's own decoding of every compressed chunk (exr_decoding_run, one-off C harness).
    const exr = readExr(comp_b44!);
    assert.deepEqual(
      exr.channels.map((channel) => [channel.name, channel.xSampling, channel.pLinear]),
      [
        ['BY', 2, true],
        ['RY', 2, true],
        ['Y', 1, false],
      ],
    );
    const image = decodeImage(exr, b44);
    assert.equal(image.length, 1184892);
    assert.equal(createHash('sha256').update(image).digest('hex'), '09bbc2581fd995cdc210dc89e145dca2099ae62e9c7b17b848eb8feeea31a1b3');
  });

  it('keeps flat 4x4 blocks in 3 bytes (B44A only) and FLOAT and UINT channels raw', () => {
    const info: ChunkInfo = {
      channels: [
        { name: 'A', type: PixelType.FLOAT, xSampling: 1, ySampling: 1, pLinear: false },
        { name: 'B', type: PixelType.HALF, xSampling: 1, ySampling: 1, pLinear: false },
        { name: 'C', type: PixelType.UINT, xSampling: 1, ySampling: 1, pLinear: false },
      ],
      xMin: 0,
      yMin: 0,
      width: 8,
      height: 4,
      unpackedSize: 8 * 4 * 10,
    };
    const raw = new Uint8Array(info.unpackedSize);
    for (let line = 0; line < 4; line++) {
      const base = line * 80;
      for (let x = 0; x < 8; x++) {
        new DataView(raw.buffer).setFloat32(base + 4 * x, line + x / 8, true);
        raw[base + 32 + 2 * x] = 0x00;
        raw[base + 32 + 2 * x + 1] = 0x3c; // 1.0
        new DataView(raw.buffer).setUint32(base + 48 + 4 * x, line * 1000 + x, true);
      }
    }
    const flat = b44a.compress!(raw, info, testContext);
    assert.equal(flat.length, 8 * 4 * 4 + 2 * 3 + 8 * 4 * 4);
    const blocky = b44.compress!(raw, info, testContext);
    assert.equal(blocky.length, 8 * 4 * 4 + 2 * 14 + 8 * 4 * 4);
    assert.deepEqual(b44a.decompress(flat, info, testContext), raw);
    assert.deepEqual(b44.decompress(blocky, info, testContext), raw);
  });

  it('keeps every value of a 4x4 block within half a quantization step, and the largest exact', () => {
    const info: ChunkInfo = {
      channels: [{ name: 'Y', type: PixelType.HALF, xSampling: 1, ySampling: 1, pLinear: false }],
      xMin: 0,
      yMin: 0,
      width: 4,
      height: 4,
      unpackedSize: 32,
    };
    // B44 works on halves as ordered integers: t = bits | 0x8000 for positives, ~bits for negatives.
    const ordered = (bits: number): number => (bits & 0x8000 ? ~bits & 0xffff : bits | 0x8000);
    const values = [0.1, 0.5, 2, 100, 0.001, -3, 7.5, 1, 0, 0.25, 40000, 0.75, 3, 3.5, -0.5, 9];
    const raw = new Uint8Array(32);
    const view = new DataView(raw.buffer);
    values.forEach((value, i) => view.setUint16(2 * i, floatToHalf(value), true));
    const packed = b44.compress!(raw, info, testContext);
    assert.equal(packed.length, 14);
    const shift = packed[2]! >> 2;
    const back = new DataView(b44.decompress(packed, info, testContext).buffer);
    assert.equal(halfToFloat(back.getUint16(2 * 10, true)), 40000, 'the largest value is exact');
    for (let i = 0; i < 16; i++) {
      const error = Math.abs(ordered(back.getUint16(2 * i, true)) - ordered(view.getUint16(2 * i, true)));
      assert.ok(error <= 2 ** shift / 2, `value ${i}: off by ${error} with shift ${shift}`);
    }
  });

  it('pLinear tables equal the ones compiled into OpenEXR 3.1', { skip: existsSync(OPENEXR_LIBRARY) ? false : `${OPENEXR_LIBRARY} not found` }, () => {
    const library = new Uint8Array(readFileSync(OPENEXR_LIBRARY));
    const { encode, decode } = b44PLinearTables();
    const theirEncode = findTable(library, encode, 20000);
    const theirDecode = findTable(library, decode, 20000);
    assert.ok(theirEncode && theirDecode, 'both tables found in the library');
    assert.equal(firstDifference(new Uint8Array(encode.buffer), new Uint8Array(theirEncode.buffer)), -1);
    assert.equal(firstDifference(new Uint8Array(decode.buffer), new Uint8Array(theirDecode.buffer)), -1);
  });

  it('rejects chunks too short for their blocks with EXR_CORRUPT_CHUNK', () => {
    const info: ChunkInfo = {
      channels: [{ name: 'Y', type: PixelType.HALF, xSampling: 1, ySampling: 1, pLinear: false }],
      xMin: 0,
      yMin: 0,
      width: 9,
      height: 5,
      unpackedSize: 90,
    };
    // 6 blocks: at least 18 bytes; 20 bytes whose first block claims 14.
    const packed = new Uint8Array(20);
    assert.throws(
      () => b44.decompress(packed, info, testContext),
      (error: unknown) => isVfxError(error) && error.code === 'EXR_CORRUPT_CHUNK' && /channel Y runs past the end of the chunk/.test(error.message),
    );
    assert.throws(
      () => b44.decompress(new Uint8Array(10), info, testContext),
      (error: unknown) => isVfxError(error) && error.code === 'EXR_CORRUPT_CHUNK' && /need at least 18/.test(error.message),
    );
  });
});
