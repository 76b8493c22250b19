/**
 * DWAA and DWAB against OpenEXR 3.1.5 (through oiiotool). Decoding is deterministic, so our decoded
 * values must equal OpenEXR's bit for bit (OpenEXR's AVX inverse DCT, reproduced in single
 * precision); our compressor must write files OpenEXR decodes to the values we decode, with about the
 * error and the size of OpenEXR's own compressor.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { floatToHalf, halfDecodeTable, halfToFloat, isVfxError } from '@vfxkit/core';
import { dwaDecompress, dwaa, dwaaMethod, dwab } from '../src/compression/dwa.js';
import { inverseDct8x8, inverseDct8x8FromHalves, prepareRowProducts, rowProductTable } from '../src/compression/dwa-dct.js';
import { decodeLossyDct, floatBitsToHalf } from '../src/compression/dwa-lossy.js';
import { ZIGZAG, dwaToLinearTable, dwaToNonlinearTable } from '../src/compression/dwa-tables.js';
import { PixelType } from '../src/compression/types.js';
import type { ChunkInfo, CompressionMethod } from '../src/compression/types.js';
import {
  decodeImage,
  encodeImage,
  findTable,
  firstDifference,
  haveTool,
  openexrImage,
  readExr,
  realFixture,
  runTool,
  tempFolder,
  testContext,
  uncompressedImage,
  writePatternExr,
} from './helpers/exr-scanline.js';
import type { ScanlineExr } from './helpers/exr-scanline.js';

const noOiio = haveTool('oiiotool') ? false : 'oiiotool (OpenImageIO) is not installed';
const OPENEXR_LIBRARY = '/usr/lib/x86_64-linux-gnu/libOpenEXR-3_1.so.30';

let folder: { path: string; remove: () => void };
before(() => {
  folder = tempFolder('vfx-dwa-');
});
after(() => folder.remove());

/** Every sample of a whole-image Xdr buffer as a number, in file order. */
function sampleValues(exr: ScanlineExr, image: Uint8Array): Float64Array {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const values: number[] = [];
  const width = exr.dataWindow.xMax - exr.dataWindow.xMin + 1;
  let at = 0;
  for (let y = exr.dataWindow.yMin; y <= exr.dataWindow.yMax; y++) {
    for (const channel of exr.channels) {
      for (let x = 0; x < width; x++) {
        if (channel.type === PixelType.HALF) values.push(halfToFloat(view.getUint16(at, true)));
        else if (channel.type === PixelType.FLOAT) values.push(view.getFloat32(at, true));
        else values.push(view.getUint32(at, true));
        at += channel.type === PixelType.HALF ? 2 : 4;
      }
    }
  }
  return Float64Array.from(values);
}

/** Root mean square of the error relative to max(1, |reference|). */
function relativeRms(values: Float64Array, reference: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const error = (values[i]! - reference[i]!) / Math.max(1, Math.abs(reference[i]!));
    sum += error * error;
  }
  return Math.sqrt(sum / values.length);
}

const packedSize = (exr: ScanlineExr): number => exr.chunks.reduce((sum, chunk) => sum + chunk.packed.length, 0);

describe('DWAA and DWAB decoding', () => {
  for (const name of ['comp_dwaa_v2.exr', 'comp_dwab_v2.exr']) {
    const path = realFixture(`exr/openexr/${name}`);
    it(`decodes OpenEXR's ${name} to OpenEXR's values, bit for bit`, { skip: path ? noOiio : 'OpenEXR test images not found (set VFX_REAL_FIXTURES)' }, () => {
      const exr = readExr(path!);
      const method = exr.compression === dwaa.code ? dwaa : dwab;
      assert.equal(firstDifference(decodeImage(exr, method), openexrImage(path!, folder.path)), -1);
    });
  }

  for (const method of [dwaa, dwab]) {
    it(`${method.name}: decodes R,G,B (Y'CbCr), A (RLE), Z (zlib) and a diffuse.R,G,B layer with a FLOAT channel, 203x157 at -7,+3`, { skip: noOiio }, () => {
      const path = join(folder.path, `${method.name}-layers.exr`);
      writePatternExr(path, {
        width: 203,
        height: 157,
        channels: ['R', 'G', 'B', 'A', 'Z', 'diffuse.R', 'diffuse.G', 'diffuse.B'],
        types: ['half', 'Z=float', 'diffuse.G=float'],
        compression: method.name,
        origin: '-7+3',
        scale: 4,
      });
      const exr = readExr(path);
      assert.equal(exr.compression, method.code);
      assert.equal(firstDifference(decodeImage(exr, method), openexrImage(path, folder.path)), -1);
    });
  }

  for (const method of [dwaa, dwab]) {
    it(`${method.name}: decodes into a reused output array that holds other bytes, to the same bytes as into a new one`, { skip: noOiio }, () => {
      // The chunk reader passes one scratch array for every chunk: each byte must be written.
      const path = join(folder.path, `${method.name}-scratch.exr`);
      writePatternExr(path, {
        width: 77,
        height: 300,
        channels: ['R', 'G', 'B', 'A', 'Z', 'Y', 'diffuse.R', 'diffuse.G', 'diffuse.B'],
        types: ['half', 'Z=float', 'diffuse.B=float'],
        compression: method.name,
        scale: 4,
      });
      const exr = readExr(path);
      const scratch = new Uint8Array(Math.max(...exr.chunks.map((chunk) => chunk.info.unpackedSize)) + 8);
      let decoded = 0;
      for (const chunk of exr.chunks) {
        if (chunk.packed.length === chunk.info.unpackedSize) continue;
        scratch.fill(decoded % 2 === 0 ? 0xa5 : 0x5a);
        const fresh = method.decompress(chunk.packed, chunk.info, testContext);
        const reused = method.decompress(chunk.packed, chunk.info, testContext, scratch);
        assert.equal(reused.buffer, scratch.buffer, 'decoded into the scratch array');
        assert.equal(firstDifference(reused, fresh), -1);
        decoded++;
      }
      assert.ok(decoded > 0);
    });
  }

  // Full blocks take the inverse DCT whose row pass reads its products from a table by half; blocks
  // with a NaN or an infinite coefficient take the float path instead, blocks with trailing zero rows
  // the shortcuts of OpenEXR's AVX code.
  for (const name of ['BrightRingsNanInf.exr', 'AllHalfValues.exr']) {
    const source = realFixture(`exr/openexr-images/TestImages/${name}`);
    it(`decodes OpenEXR's ${name} compressed with DWAA by OpenEXR to OpenEXR's values, bit for bit`, { skip: source ? noOiio : 'OpenEXR test images not found (set VFX_REAL_FIXTURES)' }, () => {
      const path = join(folder.path, `dwaa-${name}`);
      runTool('oiiotool', [source!, '--compression', 'dwaa:45', '-o', path]);
      const exr = readExr(path);
      assert.equal(exr.compression, dwaa.code);
      assert.equal(firstDifference(decodeImage(exr, dwaa), openexrImage(path, folder.path)), -1);
    });
  }

  it('decodes version 1 chunks (legacy, case-insensitive rules) like version 2', { skip: noOiio }, () => {
    const path = join(folder.path, 'legacy.exr');
    writePatternExr(path, { width: 40, height: 20, channels: ['R', 'G', 'B', 'A'], types: ['half'], compression: 'dwaa' });
    const exr = readExr(path);
    for (const chunk of exr.chunks) {
      // Version 2 -> 1: drop the rules block (its u16 size is right after the 88-byte header).
      const ruleSize = chunk.packed[88]! | (chunk.packed[89]! << 8);
      const legacy = new Uint8Array(chunk.packed.length - ruleSize);
      legacy.set(chunk.packed.subarray(0, 88));
      legacy.set(chunk.packed.subarray(88 + ruleSize), 88);
      legacy[0] = 1;
      assert.deepEqual(dwaa.decompress(legacy, chunk.info, testContext), dwaa.decompress(chunk.packed, chunk.info, testContext));
    }
  });

  it('its transfer tables equal the ones compiled into OpenEXR 3.1', { skip: existsSync(OPENEXR_LIBRARY) ? false : `${OPENEXR_LIBRARY} not found` }, () => {
    const library = new Uint8Array(readFileSync(OPENEXR_LIBRARY));
    for (const [table, probe] of [
      [dwaToLinearTable(), 15000],
      [dwaToNonlinearTable(), 20000],
    ] as const) {
      const theirs = findTable(library, table, probe);
      assert.ok(theirs, 'table found in the library');
      assert.equal(firstDifference(new Uint8Array(table.buffer), new Uint8Array(theirs.buffer)), -1);
    }
  });
});

describe('DWA inverse DCT from halves', () => {
  // Half values like a DWA chunk's coefficients: a few hundred distinct, some zero, any sign.
  function randomHalves(seed: number): Uint16Array {
    let state = seed;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 8;
    };
    const halves = new Uint16Array(64);
    for (let i = 0; i < 64; i++) {
      const kind = next() % 8;
      const magnitude = i === 0 ? next() % 0x7c00 : kind === 0 ? 0 : kind === 1 ? next() % 0x400 : 0x3000 + (next() % 0x1c00);
      halves[i] = magnitude | (next() % 2 === 0 ? 0x8000 : 0);
    }
    return halves;
  }

  it("gives inverseDct8x8's floats bit for bit, its row pass reading products from the table", () => {
    const table = rowProductTable();
    const floats = new Float32Array(64);
    const fromHalves = new Float32Array(64);
    const halfFloats = halfDecodeTable();
    for (let seed = 1; seed <= 3000; seed++) {
      const halves = randomHalves(seed);
      for (let i = 1; i < 64; i++) prepareRowProducts(table, halves[i]!);
      for (let i = 0; i < 64; i++) floats[i] = halfFloats[halves[i]!]!;
      inverseDct8x8(floats, 0);
      inverseDct8x8FromHalves(halves, halfFloats[halves[0]!]!, table.products, fromHalves);
      assert.deepEqual(new Uint32Array(fromHalves.buffer), new Uint32Array(floats.buffer), `block ${seed}`);
    }
  });

  it('decodes blocks with an infinite or NaN AC coefficient through the float path', () => {
    const table = rowProductTable();
    const halfFloats = halfDecodeTable();
    for (const special of [0x7c00, 0xfc00, 0x7e00, 0x7c01]) {
      const halves = randomHalves(special);
      halves[1] = special; // zig-zag 1 is row-major 1
      // The AC values of the block in zig-zag order (ZIGZAG: row-major -> zig-zag; none is a run code).
      const values = new Uint16Array(63);
      for (let i = 1; i < 64; i++) {
        if ((halves[i]! & 0xff00) === 0xff00) halves[i] = 0x3c00;
        values[ZIGZAG[i]! - 1] = halves[i]!;
      }
      for (const value of values) prepareRowProducts(table, value);
      const out = new Uint8Array(8 * 8 * 2);
      decodeLossyDct(
        [{ type: PixelType.HALF, rows: [0, 16, 32, 48, 64, 80, 96, 112] }],
        8,
        8,
        { values, position: 0, end: 63 },
        { values: Uint16Array.of(halves[0]!), position: 0, end: 1 },
        undefined,
        out,
        'dwaa',
      );
      const floats = new Float32Array(64);
      for (let i = 0; i < 64; i++) floats[i] = halfFloats[halves[i]!]!;
      inverseDct8x8(floats, 0);
      const expected = Array.from(new Uint32Array(floats.buffer), (bits) => floatBitsToHalf(bits));
      assert.deepEqual(Array.from(new Uint16Array(out.buffer)), expected, `coefficient ${special.toString(16)}`);
    }
  });
});

describe('DWA float -> half conversion', () => {
  it("rounds like @vfxkit/core's floatToHalf (ties to even, denormals, overflow, NaN)", () => {
    const bits = new Uint32Array(1);
    const float = new Float32Array(bits.buffer);
    const check = (value: number): void => {
      bits[0] = value >>> 0;
      assert.equal(floatBitsToHalf(bits[0]!), floatToHalf(float[0]!), `float bits 0x${bits[0]!.toString(16)}`);
    };
    // Every exponent with mantissas around the rounding points, both signs.
    for (let exponent = 0; exponent < 256; exponent++) {
      for (const mantissa of [0, 1, 0xfff, 0x1000, 0x1001, 0x2000, 0x3000, 0x7fe000, 0x7ff000, 0x7fffff, 0x400000, 0x401000]) {
        check((exponent << 23) | mantissa);
        check(0x80000000 | (exponent << 23) | mantissa);
      }
    }
    let seed = 5;
    for (let i = 0; i < 200000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      check(seed ^ (seed << 13));
    }
  });
});

describe('DWAA and DWAB compression', () => {
  for (const method of [dwaa, dwab]) {
    it(`${method.name}: OpenEXR decodes our file to our values, with OpenEXR's own error and size`, { skip: noOiio }, () => {
      const sourcePath = join(folder.path, `${method.name}-source.exr`);
      const types = ['half', 'Z=float', 'diffuse.G=float'];
      writePatternExr(sourcePath, {
        width: 203,
        height: 157,
        channels: ['R', 'G', 'B', 'A', 'Z', 'diffuse.R', 'diffuse.G', 'diffuse.B'],
        types,
        compression: 'none',
        origin: '-7+3',
        scale: 4,
      });
      const source = readExr(sourcePath);
      const sourceImage = uncompressedImage(source);
      const oursPath = join(folder.path, `${method.name}-ours.exr`);
      writeFileSync(oursPath, encodeImage(source, sourceImage, method));
      const ours = readExr(oursPath);
      const oursDecoded = decodeImage(ours, method);
      assert.equal(firstDifference(openexrImage(oursPath, folder.path), oursDecoded), -1, 'OpenEXR decodes our file to our values');

      const theirsPath = join(folder.path, `${method.name}-theirs.exr`);
      runTool('oiiotool', [sourcePath, ...types.flatMap((type) => ['-d', type]), '--compression', method.name, '-o', theirsPath]);
      const theirs = readExr(theirsPath);
      const reference = sampleValues(source, sourceImage);
      const ourError = relativeRms(sampleValues(ours, oursDecoded), reference);
      const theirError = relativeRms(sampleValues(theirs, decodeImage(theirs, method)), reference);
      assert.ok(ourError > 0 && ourError <= theirError * 1.1 + 1e-6, `our error ${ourError} vs OpenEXR's ${theirError}`);
      const ratio = packedSize(ours) / packedSize(theirs);
      assert.ok(ratio > 0.9 && ratio < 1.1, `our size ${packedSize(ours)} vs OpenEXR's ${packedSize(theirs)}`);
    });
  }

  it('round-trips within the codec error; a lower level gives a smaller error', () => {
    const width = 37;
    const height = 29;
    const channels = ['B', 'G', 'R'].map((name) => ({ name, type: PixelType.HALF, xSampling: 1, ySampling: 1, pLinear: false }));
    const info: ChunkInfo = { channels, xMin: 0, yMin: 0, width, height, unpackedSize: width * height * 6 };
    const raw = new Uint8Array(info.unpackedSize);
    const view = new DataView(raw.buffer);
    let at = 0;
    for (let y = 0; y < height; y++) {
      for (let c = 0; c < 3; c++) {
        for (let x = 0; x < width; x++, at += 2) view.setUint16(at, floatToHalf(0.2 + 0.5 * Math.sin(x / 7 + c) * Math.cos(y / 5) + 0.3 * c), true);
      }
    }
    const errorAt = (method: CompressionMethod): number => {
      const back = new DataView(method.decompress(method.compress!(raw, info, testContext), info, testContext).buffer);
      let worst = 0;
      for (let i = 0; i < raw.length; i += 2) {
        const original = halfToFloat(view.getUint16(i, true));
        worst = Math.max(worst, Math.abs(halfToFloat(back.getUint16(i, true)) - original) / Math.max(0.1, Math.abs(original)));
      }
      return worst;
    };
    const standard = errorAt(dwaa);
    const fine = errorAt(dwaaMethod({ level: 5 }));
    assert.ok(standard < 0.05, `level 45: worst relative error ${standard}`);
    assert.ok(fine < standard, `level 5: ${fine} < ${standard}`);
  });

  it('codes a pLinear channel without the nonlinear curve', () => {
    const width = 16;
    const height = 8;
    const info: ChunkInfo = {
      channels: [{ name: 'Y', type: PixelType.HALF, xSampling: 1, ySampling: 1, pLinear: true }],
      xMin: 0,
      yMin: 0,
      width,
      height,
      unpackedSize: width * height * 2,
    };
    const raw = new Uint8Array(info.unpackedSize);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < width * height; i++) view.setUint16(2 * i, floatToHalf(0.25 + (i % width) / 64), true);
    const back = new DataView(dwaa.decompress(dwaa.compress!(raw, info, testContext), info, testContext).buffer);
    for (let i = 0; i < width * height; i++) {
      assert.ok(Math.abs(halfToFloat(back.getUint16(2 * i, true)) - halfToFloat(view.getUint16(2 * i, true))) < 0.01);
    }
  });
});

describe('DWA on damaged data', () => {
  const info: ChunkInfo = {
    channels: ['B', 'G', 'R'].map((name) => ({ name, type: PixelType.HALF, xSampling: 1, ySampling: 1, pLinear: false })),
    xMin: 0,
    yMin: 0,
    width: 16,
    height: 16,
    unpackedSize: 16 * 16 * 6,
  };
  const valid = (): Uint8Array => {
    const raw = new Uint8Array(info.unpackedSize);
    for (let i = 0; i < raw.length; i += 2) raw[i + 1] = 0x38 + ((i >> 4) & 3);
    return dwaa.compress!(raw, info, testContext);
  };
  const rejects = (packed: Uint8Array, pattern: RegExp): void => {
    assert.throws(
      () => dwaDecompress(packed, info, testContext),
      (error: unknown) => isVfxError(error) && error.code === 'EXR_CORRUPT_CHUNK' && pattern.test(error.message),
    );
  };
  const withField = (index: number, low: number, high = 0): Uint8Array => {
    const packed = valid().slice();
    const view = new DataView(packed.buffer);
    view.setUint32(index * 8, low, true);
    view.setUint32(index * 8 + 4, high, true);
    return packed;
  };

  it('decodes the valid chunk these cases start from', () => {
    assert.equal(dwaDecompress(valid(), info, testContext).length, info.unpackedSize);
  });
  it('rejects a chunk shorter than its header', () => rejects(new Uint8Array(87), /shorter than its 88-byte header/));
  it('rejects an unknown version', () => rejects(withField(0, 3), /unknown DWA version 3/));
  it('rejects 64-bit sizes', () => rejects(withField(3, 0, 1), /far more than a chunk can hold/));
  it('rejects section sizes beyond the chunk', () => rejects(withField(3, 1 << 20), /declares \d+ bytes of data but the chunk has/));
  it('rejects more AC values than the blocks can have', () => rejects(withField(8, 100000), /more than 3 DCT channels can have/));
  it('rejects fewer DC values than the blocks need', () => rejects(withField(9, 5), /inflates to|DC data has 5 values left/));
  it('rejects an unknown AC compression', () => rejects(withField(10, 7), /unknown AC compression 7/));
  it('rejects a zlib section for channels that have none', () => rejects(withField(1, 10), /zlib section/));
  it('rejects rules that claim less than their own size', () => {
    const packed = valid().slice();
    packed[88] = 1;
    packed[89] = 0;
    rejects(packed, /channel rules declare 1 bytes/);
  });
  it('rejects a rule with an unknown pixel type', () => {
    const packed = valid().slice();
    // The first rule: "R\0", flags, type.
    const nul = packed.indexOf(0, 90);
    packed[nul + 2] = 9;
    rejects(packed, /pixel type 9/);
  });
});
