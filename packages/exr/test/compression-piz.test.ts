/**
 * PIZ against OpenEXR 3.1.5 (through OpenImageIO's oiiotool): decoding OpenEXR's test images and
 * freshly written odd-sized images must give exactly the bytes OpenEXR decodes; compressing must
 * give exactly OpenEXR's bytes (same bitmap, wavelet and Huffman tables) and decode in OpenEXR.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { floatToHalf, isVfxError } from '@vfxkit/core';
import { piz } from '../src/compression/piz.js';
import { PixelType } from '../src/compression/types.js';
import type { ChunkInfo } from '../src/compression/types.js';
import {
  Compression,
  assembleScanlineExr,
  decodeImage,
  encodeImage,
  firstDifference,
  haveTool,
  openexrImage,
  readExr,
  realFixture,
  runTool,
  tempFolder,
  testContext,
  writePatternExr,
} from './helpers/exr-scanline.js';

const noOiio = haveTool('oiiotool') ? false : 'oiiotool (OpenImageIO) is not installed';
const fixture = (name: string): string | undefined => realFixture(`exr/openexr/${name}`);
const noFixtures = fixture('comp_piz.exr') ? noOiio : 'OpenEXR test images not found (set VFX_REAL_FIXTURES)';

let folder: { path: string; remove: () => void };
before(() => {
  folder = tempFolder('vfx-piz-');
});
after(() => folder.remove());

describe('PIZ decoding', () => {
  for (const name of ['comp_piz.exr', 'comp_b44_piz.exr', 'comp_dwaa_piz.exr']) {
    it(`decodes OpenEXR's ${name} exactly as OpenEXR does`, { skip: noFixtures }, () => {
      const path = fixture(name)!;
      const exr = readExr(path);
      assert.equal(exr.compression, Compression.PIZ);
      assert.ok(exr.chunks.some((chunk) => chunk.packed.length < chunk.info.unpackedSize), 'some chunks are compressed');
      const ours = decodeImage(exr, piz);
      const theirs = openexrImage(path, folder.path);
      assert.equal(firstDifference(ours, theirs), -1);
    });
  }

  it('decodes into a reused output array that holds other bytes, to the same bytes as into a new one', { skip: noOiio }, () => {
    // The chunk reader passes one scratch array for every chunk, and the reverse lookup table is
    // shared from chunk to chunk: each byte must be written, whatever the chunk before held.
    const path = join(folder.path, 'piz-scratch.exr');
    writePatternExr(path, { width: 77, height: 300, channels: ['R', 'G', 'B', 'A', 'Z'], types: ['half', 'Z=float'], compression: 'piz', scale: 4 });
    const exr = readExr(path);
    const scratch = new Uint8Array(Math.max(...exr.chunks.map((chunk) => chunk.info.unpackedSize)) + 8);
    let decoded = 0;
    for (const chunk of [...exr.chunks].reverse()) {
      if (chunk.packed.length === chunk.info.unpackedSize) continue;
      scratch.fill(decoded % 2 === 0 ? 0xa5 : 0x5a);
      const reused = piz.decompress(chunk.packed, chunk.info, testContext, scratch);
      assert.equal(reused.buffer, scratch.buffer, 'decoded into the scratch array');
      const fresh = piz.decompress(chunk.packed, chunk.info, testContext);
      assert.equal(firstDifference(reused, fresh), -1);
      decoded++;
    }
    assert.ok(decoded > 1);
    assert.equal(firstDifference(decodeImage(exr, piz), openexrImage(path, folder.path)), -1);
  });

  const cases = [
    { name: 'HALF RGBAZ 67x43', width: 67, height: 43, types: ['half'] },
    { name: 'HALF + FLOAT Z 200x150', width: 200, height: 150, types: ['half', 'Z=float'] },
    { name: 'HALF + UINT Z + FLOAT A 61x37', width: 61, height: 37, types: ['half', 'Z=uint', 'A=float'], extra: ['--mulc', '1,1,1,1,0.0000001'] },
    { name: 'HALF 1x1', width: 1, height: 1, types: ['half'] },
    { name: 'HALF 3x70 (one-column chunks)', width: 3, height: 70, types: ['half'] },
  ];
  for (const testCase of cases) {
    it(`decodes and re-encodes ${testCase.name} (data window at -5,+3) bit-exactly`, { skip: noOiio }, () => {
      const path = join(folder.path, `${testCase.width}x${testCase.height}.exr`);
      writePatternExr(path, { ...testCase, channels: ['R', 'G', 'B', 'A', 'Z'], compression: 'piz', origin: '-5+3' });
      const exr = readExr(path);
      const theirs = openexrImage(path, folder.path);
      assert.equal(firstDifference(decodeImage(exr, piz), theirs), -1, 'decode');
      // Our compressor writes OpenEXR's bytes, chunk for chunk.
      for (const chunk of exr.chunks) {
        if (chunk.packed.length === chunk.info.unpackedSize) continue;
        const raw = piz.decompress(chunk.packed, chunk.info, testContext);
        assert.deepEqual(piz.compress!(raw, chunk.info, testContext), chunk.packed, `chunk at y=${chunk.y}`);
      }
      // And OpenEXR reads what we write.
      const ours = join(folder.path, `ours-${testCase.width}x${testCase.height}.exr`);
      writeFileSync(ours, encodeImage(exr, theirs, piz));
      assert.equal(firstDifference(openexrImage(ours, folder.path), theirs), -1, 'OpenEXR decoding our file');
    });
  }
});

describe('PIZ Huffman codes longer than 14 bits', () => {
  // One line of 514,228 HALF samples: with a single line there is no wavelet step, so the values go
  // straight to the Huffman coder; 28 values with Fibonacci frequencies get codes up to 27 bits.
  const width = 514228;
  function fibonacciLine(): Uint8Array {
    const counts: number[] = [1, 1];
    while (counts.length < 27) counts.push(counts[counts.length - 1]! + counts[counts.length - 2]!);
    const values: number[] = [];
    counts.forEach((count, i) => {
      for (let k = 0; k < count; k++) values.push(floatToHalf(0.5 + i * 0.125));
    });
    while (values.length < width) values.push(floatToHalf(0.5));
    // Shuffle deterministically so that runs stay short.
    let seed = 99;
    for (let i = values.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const j = seed % (i + 1);
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    const bytes = new Uint8Array(width * 2);
    values.forEach((value, i) => {
      bytes[2 * i] = value & 0xff;
      bytes[2 * i + 1] = value >>> 8;
    });
    return bytes;
  }

  it('round-trips, and matches OpenEXR both ways', { skip: noOiio }, () => {
    const line = fibonacciLine();
    const info: ChunkInfo = {
      channels: [{ name: 'Y', type: PixelType.HALF, xSampling: 1, ySampling: 1, pLinear: false }],
      xMin: 0,
      yMin: 0,
      width,
      height: 1,
      unpackedSize: line.length,
    };
    const packed = piz.compress!(line, info, testContext);
    assert.ok(packed.length < line.length / 2);
    assert.deepEqual(piz.decompress(packed, info, testContext), line);

    // A one-line uncompressed template from oiiotool, filled with our line.
    const template = join(folder.path, 'line-template.exr');
    runTool('oiiotool', ['--create', `${width}x1`, '1', '--chnames', 'Y', '-d', 'half', '--compression', 'none', '-o', template]);
    const source = readExr(template);
    const uncompressed = join(folder.path, 'line-none.exr');
    writeFileSync(uncompressed, assembleScanlineExr(source, Compression.NONE, [{ y: 0, stored: line }]));
    // OpenEXR compresses it to the same bytes, and decodes ours.
    const theirs = join(folder.path, 'line-piz.exr');
    runTool('oiiotool', [uncompressed, '-d', 'half', '--compression', 'piz', '-o', theirs]);
    assert.deepEqual(readExr(theirs).chunks[0]!.packed, packed);
    const ours = join(folder.path, 'line-ours.exr');
    writeFileSync(ours, assembleScanlineExr(source, Compression.PIZ, [{ y: 0, stored: packed }]));
    assert.equal(firstDifference(openexrImage(ours, folder.path), line), -1);
  });
});

describe('PIZ on damaged data', () => {
  for (const name of ['comp_early_eof_piz.exr', 'comp_short_decode_piz.exr']) {
    const path = fixture(`invalid/${name}`);
    it(`rejects the chunks of OpenEXR's invalid/${name} with EXR_CORRUPT_CHUNK`, { skip: path ? false : 'OpenEXR test images not found' }, () => {
      const exr = readExr(path!, { lenient: true });
      assert.ok(exr.chunks.length > 0);
      for (const chunk of exr.chunks) {
        assert.throws(
          () => piz.decompress(chunk.packed, chunk.info, testContext),
          (error: unknown) => isVfxError(error) && error.code === 'EXR_CORRUPT_CHUNK' && /piz: /.test(error.message),
        );
      }
    });
  }

  it('refuses a chunk whose Huffman data cannot hold the values before allocating them', () => {
    const info: ChunkInfo = {
      channels: [{ name: 'R', type: PixelType.HALF, xSampling: 1, ySampling: 1, pLinear: false }],
      xMin: 0,
      yMin: 0,
      width: 100000,
      height: 32,
      unpackedSize: 100000 * 32 * 2,
    };
    // An empty bitmap range, then 30 bytes of "Huffman data".
    const packed = new Uint8Array(4 + 4 + 30);
    packed[0] = 0xff;
    packed[1] = 0x1f;
    packed[4] = 30;
    assert.throws(
      () => piz.decompress(packed, info, testContext),
      (error: unknown) => isVfxError(error) && error.code === 'EXR_CORRUPT_CHUNK' && /cannot hold the 3200000 values/.test(error.message),
    );
  });

  it('names the mismatch when the unpacked size does not fit the channels', () => {
    const info: ChunkInfo = {
      channels: [{ name: 'R', type: PixelType.HALF, xSampling: 1, ySampling: 1, pLinear: false }],
      xMin: 0,
      yMin: 0,
      width: 4,
      height: 2,
      unpackedSize: 17,
    };
    assert.throws(
      () => piz.decompress(new Uint8Array(10), info, testContext),
      (error: unknown) => isVfxError(error) && error.code === 'EXR_CORRUPT_CHUNK' && /should hold 16 bytes/.test(error.message),
    );
  });
});
