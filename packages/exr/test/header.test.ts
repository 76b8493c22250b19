import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ByteWriter, VfxError } from '@vfxkit/core';
import { attributeValue, hasCompression, readExr, readExrHeader, writeExr } from '@vfxkit/exr';
import type { ExrAttribute, ExrHeader } from '@vfxkit/exr';
import {
  expectCode,
  exrFixtures,
  formatLikeExrheader,
  listFixtures,
  missingTool,
  noFixtures,
  parseExrheader,
  run,
  tempDir,
} from './helpers.js';

/** An attribute of every standard type (values exactly representable where stored as float). */
const everyType: ExrAttribute[] = [
  { name: 'aBox2i', type: 'box2i', value: { xMin: -3, yMin: 4, xMax: 50, yMax: 60 } },
  { name: 'aBox2f', type: 'box2f', value: { xMin: -1.5, yMin: 0.25, xMax: 2, yMax: 3.75 } },
  { name: 'aBytes', type: 'bytes', value: { typeHint: 'application/json', data: new Uint8Array([123, 125]) } },
  { name: 'aChlist', type: 'chlist', value: [{ name: 'q', type: 'uint', pLinear: true, xSampling: 2, ySampling: 1 }] },
  {
    name: 'chromaticities',
    type: 'chromaticities',
    value: { redX: 0.640000045, redY: 0.33, greenX: 0.3, greenY: 0.6, blueX: 0.15, blueY: 0.06, whiteX: 0.3127, whiteY: 0.329 },
  },
  { name: 'aCompression', type: 'compression', value: 'dwab' },
  { name: 'aDouble', type: 'double', value: Math.PI },
  { name: 'envmap', type: 'envmap', value: 'cube' },
  { name: 'aFloat', type: 'float', value: 1.5 },
  { name: 'aFloatVector', type: 'floatvector', value: [1, -2.5, 1e10] },
  { name: 'aInt', type: 'int', value: -123456 },
  {
    name: 'keyCode',
    type: 'keycode',
    value: { filmMfcCode: 1, filmType: 2, prefix: 3, count: 4, perfOffset: 5, perfsPerFrame: 6, perfsPerCount: 20 },
  },
  { name: 'aLineOrder', type: 'lineOrder', value: 'randomY' },
  { name: 'aM33f', type: 'm33f', value: [1, 0, 0, 0, 1, 0, 0.5, 0.25, 1] },
  { name: 'aM33d', type: 'm33d', value: [1, 2, 3, 4, 5, 6, 7, 8, Math.E] },
  { name: 'worldToCamera', type: 'm44f', value: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 10, 20, 30, 1] },
  { name: 'aM44d', type: 'm44d', value: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0.1, 0.2, 0.3, 1] },
  { name: 'preview', type: 'preview', value: { width: 2, height: 1, pixels: new Uint8Array([1, 2, 3, 255, 4, 5, 6, 128]) } },
  { name: 'framesPerSecond', type: 'rational', value: { numerator: 24000, denominator: 1001 } },
  { name: 'owner', type: 'string', value: 'vfxkit test — ünïcode' },
  { name: 'multiView', type: 'stringvector', value: ['left', 'right', ''] },
  { name: 'aTiledesc', type: 'tiledesc', value: { xSize: 32, ySize: 16, levelMode: 'ripmap', roundingMode: 'up' } },
  { name: 'timeCode', type: 'timecode', value: { timeAndFlags: 0x12345678, userData: 0xdeadbeef } },
  { name: 'aV2i', type: 'v2i', value: [1, -2] },
  { name: 'aV2f', type: 'v2f', value: [0.5, -0.125] },
  { name: 'aV2d', type: 'v2d', value: [0.1, 0.2] },
  { name: 'aV3i', type: 'v3i', value: [1, 2, 3] },
  { name: 'aV3f', type: 'v3f', value: [1.5, 2.5, 3.5] },
  { name: 'aV3d', type: 'v3d', value: [0.1, 0.2, 0.3] },
  { name: 'deepImageState', type: 'deepImageState', value: 'tidy' },
  { name: 'aCustom', type: 'myStudioType', value: new Uint8Array([9, 8, 7, 6, 5]), opaque: true },
];

function withEveryType(): Uint8Array {
  return writeExr({
    width: 3,
    height: 2,
    compression: 'none',
    channels: [{ name: 'Y', type: 'half', data: new Float32Array(6).fill(0.5) }],
    attributes: everyType,
  });
}

describe('attributes', () => {
  it('reads back every standard attribute type, and unknown types as raw bytes', () => {
    const header = readExrHeader(withEveryType());
    const attributes = header.parts[0]!.attributes;
    for (const expected of everyType) {
      const found = attributes.find((a) => a.name === expected.name);
      assert.ok(found, `attribute ${expected.name} missing`);
      assert.equal(found.type, expected.type);
      if (expected.type === 'chromaticities' && found.opaque !== true && found.type === 'chromaticities') {
        assert.ok(Math.abs(found.value.redX - 0.64) < 1e-6);
        continue;
      }
      assert.deepEqual(found.value, expected.value, expected.name);
    }
  });

  it('exrheader prints the same values for every type it knows', { skip: missingTool('exrheader') }, () => {
    const dir = tempDir();
    try {
      const path = join(dir.path, 'every-type.exr');
      writeFileSync(path, withEveryType());
      const result = run('exrheader', [path]);
      assert.equal(result.status, 0, result.stderr);
      const theirs = parseExrheader(result.stdout).parts[0]!.attributes;
      const ours = readExrHeader(readFileSync(path)).parts[0]!.attributes;
      for (const attribute of ours) {
        const printed = theirs.find((a) => a.name === attribute.name);
        assert.ok(printed, `exrheader does not list ${attribute.name}`);
        assert.equal(printed.type, attribute.type, attribute.name);
        const text = formatLikeExrheader(attribute);
        if (text !== undefined) assert.equal(printed.text, text, attribute.name);
      }
    } finally {
      dir.remove();
    }
  });

  it('writes names longer than 31 bytes with the long-names flag', () => {
    const long = 'crypto_material00.this_is_a_long_channel_name';
    const bytes = writeExr({ width: 1, height: 1, channels: [{ name: long, data: new Float32Array([1]) }] });
    const header = readExrHeader(bytes);
    assert.equal(header.flags.longNames, true);
    assert.equal(header.parts[0]!.channels[0]!.name, long);
    const short = readExrHeader(writeExr({ width: 1, height: 1, channels: [{ name: 'R', data: new Float32Array([1]) }] }));
    assert.equal(short.flags.longNames, false);
  });
});

/** A file from raw attributes, to build headers the writer would refuse. */
function rawExr(attributes: [string, string, Uint8Array][], versionField = 2, extra = new Uint8Array(0)): Uint8Array {
  const w = new ByteWriter();
  w.i32(20000630).u32(versionField);
  for (const [name, type, value] of attributes) w.cstring(name).cstring(type).i32(value.byteLength).bytes(value);
  w.u8(0).bytes(extra);
  return w.toBytes();
}
const i32s = (...values: number[]) => {
  const w = new ByteWriter();
  for (const v of values) w.i32(v);
  return w.toBytes();
};
const f32s = (...values: number[]) => {
  const w = new ByteWriter();
  for (const v of values) w.f32(v);
  return w.toBytes();
};
const chlist = (...channels: [string, number, number, number][]) => {
  const w = new ByteWriter();
  for (const [name, type, xs, ys] of channels) w.cstring(name).i32(type).u8(0).u8(0).u8(0).u8(0).i32(xs).i32(ys);
  return w.u8(0).toBytes();
};
function minimalAttributes(overrides: Record<string, [string, Uint8Array] | null> = {}): [string, string, Uint8Array][] {
  const base: Record<string, [string, Uint8Array]> = {
    channels: ['chlist', chlist(['Y', 1, 1, 1])],
    compression: ['compression', new Uint8Array([0])],
    dataWindow: ['box2i', i32s(0, 0, 3, 2)],
    displayWindow: ['box2i', i32s(0, 0, 3, 2)],
    lineOrder: ['lineOrder', new Uint8Array([0])],
    pixelAspectRatio: ['float', f32s(1)],
    screenWindowCenter: ['v2f', f32s(0, 0)],
    screenWindowWidth: ['float', f32s(1)],
  };
  const out: [string, string, Uint8Array][] = [];
  for (const [name, value] of Object.entries({ ...base, ...overrides })) if (value !== null) out.push([name, value[0], value[1]]);
  return out;
}

describe('header checks', () => {
  it('accepts a minimal hand-made header', () => {
    const header = readExrHeader(rawExr(minimalAttributes()));
    assert.equal(header.parts[0]!.type, 'scanlineimage');
    assert.equal(header.parts[0]!.chunkCount, 3);
    assert.deepEqual(header.parts[0]!.dataWindow, { xMin: 0, yMin: 0, xMax: 3, yMax: 2 });
  });

  const cases: [string, Uint8Array, string, RegExp][] = [
    ['bad magic', new TextEncoder().encode('GIF89a....'), 'EXR_BAD_MAGIC', /not an OpenEXR file/],
    ['version 1', rawExr(minimalAttributes(), 1), 'EXR_UNSUPPORTED_VERSION', /version 1/],
    ['unknown flag bits', rawExr(minimalAttributes(), 2 | 0x10000), 'EXR_UNSUPPORTED', /unknown version flags/],
    ['tiled and multipart flags', rawExr(minimalAttributes(), 2 | 0x200 | 0x1000), 'EXR_BAD_HEADER', /single-part tiled/],
    ['missing channels', rawExr(minimalAttributes({ channels: null })), 'EXR_BAD_HEADER', /'channels'.*missing/],
    ['dataWindow of the wrong type', rawExr(minimalAttributes({ dataWindow: ['box2f', f32s(0, 0, 3, 2)] })), 'EXR_BAD_HEADER', /dataWindow.*box2f.*box2i/],
    ['box2i of the wrong size', rawExr(minimalAttributes({ dataWindow: ['box2i', i32s(0, 0, 3)] })), 'EXR_BAD_HEADER', /declares 12 bytes/],
    ['negative attribute size', rawExr([['owner', 'string', new Uint8Array(0)]]).map((b, i) => (i === 24 ? 0x80 : b)), 'EXR_BAD_HEADER', /invalid size field/],
    ['inverted data window', rawExr(minimalAttributes({ dataWindow: ['box2i', i32s(5, 0, 3, 2)] })), 'EXR_BAD_HEADER', /invalid data window/],
    ['huge coordinates', rawExr(minimalAttributes({ dataWindow: ['box2i', i32s(0, 0, 2 ** 30, 2)] })), 'EXR_BAD_HEADER', /invalid data window/],
    ['unknown compression code', rawExr(minimalAttributes({ compression: ['compression', new Uint8Array([12])] })), 'EXR_BAD_HEADER', /invalid value 12/],
    ['unknown pixel type', rawExr(minimalAttributes({ channels: ['chlist', chlist(['Y', 3, 1, 1])] })), 'EXR_BAD_HEADER', /pixel type 3/],
    ['zero sampling', rawExr(minimalAttributes({ channels: ['chlist', chlist(['Y', 1, 0, 1])] })), 'EXR_BAD_HEADER', /invalid sampling/],
    ['odd width with x sampling 2', rawExr(minimalAttributes({ channels: ['chlist', chlist(['Y', 1, 2, 1])], dataWindow: ['box2i', i32s(0, 0, 2, 2)] })), 'EXR_BAD_HEADER', /multiple of the sampling/],
    ['empty channel list', rawExr(minimalAttributes({ channels: ['chlist', new Uint8Array([0])] })), 'EXR_BAD_HEADER', /channel list is empty/],
    ['duplicate channel', rawExr(minimalAttributes({ channels: ['chlist', chlist(['Y', 1, 1, 1], ['Y', 1, 1, 1])] })), 'EXR_BAD_HEADER', /appears twice/],
    ['zero pixel aspect ratio', rawExr(minimalAttributes({ pixelAspectRatio: ['float', f32s(0)] })), 'EXR_BAD_HEADER', /pixel aspect ratio/],
    ['tiled flag without tiles', rawExr(minimalAttributes(), 2 | 0x200), 'EXR_BAD_HEADER', /no 'tiles' attribute/],
    ['deep part with zip', rawExr([...minimalAttributes({ compression: ['compression', new Uint8Array([3])] }), ['type', 'string', new TextEncoder().encode('deepscanline')]], 2 | 0x800), 'EXR_BAD_HEADER', /not allowed for deep data/],
    ['multipart part without a name', rawExr([...minimalAttributes(), ['type', 'string', new TextEncoder().encode('scanlineimage')]], 2 | 0x1000, new Uint8Array([0])), 'EXR_BAD_HEADER', /'name' is missing/],
    ['cut inside the magic number', new Uint8Array([0x76, 0x2f]), 'EXR_TRUNCATED', /magic number/],
    ['cut inside the headers', rawExr(minimalAttributes()).subarray(0, 60), 'EXR_TRUNCATED', /file ends/],
  ];
  for (const [what, bytes, code, pattern] of cases) {
    it(`${what}: ${code}`, () => {
      assert.throws(() => readExrHeader(bytes), expectCode(code, pattern));
      assert.throws(() => readExr(bytes), expectCode(code));
    });
  }

  it('keeps the first unknown part type readable as a header, refuses its pixels', () => {
    const attributes = minimalAttributes();
    attributes.push(['type', 'string', new TextEncoder().encode('volumeimage')], ['name', 'string', new TextEncoder().encode('v')]);
    attributes.push(['chunkCount', 'int', i32s(0)]);
    const bytes = rawExr(attributes, 2 | 0x1000, new Uint8Array([0]));
    const header = readExrHeader(bytes);
    assert.equal(header.parts[0]!.type, 'unknown');
    assert.throws(() => readExr(bytes), expectCode('EXR_UNSUPPORTED', /unknown type 'volumeimage'/));
  });
});

describe('real files', { skip: noFixtures }, () => {
  const fixtures = listFixtures();

  /** exrheader's known differences from the file: it adds `type` to single-part headers (fixing a
   *  wrong one), and OpenEXR 3.1.5 misreads `idmanifest` attributes by 4 bytes, printing a phantom
   *  attribute named after the next one minus its first 4 characters. */
  function allowedExtra(ours: ExrHeader, partIndex: number, name: string): boolean {
    const part = ours.parts[partIndex]!;
    if (name === 'type' && !ours.flags.multipart) return true;
    const index = part.attributes.findIndex((a) => a.type === 'idmanifest');
    return index >= 0 && part.attributes[index + 1]?.name.slice(4) === name;
  }

  for (const file of fixtures) {
    const path = join(exrFixtures, file);
    let header: ExrHeader | undefined;
    try {
      header = readExrHeader(readFileSync(path));
    } catch {
      header = undefined; // the invalid files: checked below
    }
    if (header === undefined) continue;

    it(`${file}: header equals exrheader's`, { skip: missingTool('exrheader') }, () => {
      const result = run('exrheader', [path]);
      assert.equal(result.status, 0, result.stderr);
      const theirs = parseExrheader(result.stdout);
      assert.equal(theirs.version, header.version);
      const flags = (header.flags.tiled ? 0x200 : 0) | (header.flags.longNames ? 0x400 : 0) | (header.flags.nonImage ? 0x800 : 0) | (header.flags.multipart ? 0x1000 : 0);
      assert.equal(theirs.flags, flags, 'version flags');
      assert.equal(theirs.parts.length, header.parts.length, 'parts');
      header.parts.forEach((part, p) => {
        const printed = theirs.parts[p]!.attributes;
        const byName = new Map(printed.map((a) => [a.name, a]));
        for (const attribute of part.attributes) {
          const entry = byName.get(attribute.name);
          assert.ok(entry, `part ${p}: exrheader does not list '${attribute.name}'`);
          assert.equal(entry.type, attribute.type, `part ${p}: type of '${attribute.name}'`);
          const text = formatLikeExrheader(attribute);
          if (text === undefined) continue;
          if (attribute.name === 'type' && !header.flags.multipart && !header.flags.nonImage) continue; // fixed by exrheader
          assert.equal(entry.text, text, `part ${p}: value of '${attribute.name}'`);
        }
        for (const entry of printed) {
          if (!part.attributes.some((a) => a.name === entry.name)) {
            assert.ok(allowedExtra(header, p, entry.name), `part ${p}: exrheader lists '${entry.name}', we do not`);
          }
        }
      });
    });

    it(`${file}: header reads from a prefix holding just the headers`, () => {
      const bytes = readFileSync(path);
      const prefix = bytes.slice(0, header.offsetTablesOffset);
      assert.deepEqual(readExrHeader(prefix), header);
      assert.throws(() => readExrHeader(prefix.subarray(0, prefix.byteLength - 1)), expectCode('EXR_TRUNCATED'));
    });
  }

  it('reads the headers of 1,000 frames from their header bytes alone (timed by npm run bench -- exr)', () => {
    const bytes = readFileSync(join(exrFixtures, 'openexr-images/Beachball/multipart.0001.exr'));
    const prefix = bytes.slice(0, readExrHeader(bytes).offsetTablesOffset);
    const frames = Array.from({ length: 1000 }, () => prefix.slice());
    let parts = 0;
    for (const frame of frames) parts += readExrHeader(frame).parts.length;
    assert.equal(parts, 10_000);
  });

  it('decodes the structural attributes', () => {
    const multi = readExrHeader(readFileSync(join(exrFixtures, 'openexr-images/Beachball/multipart.0001.exr')));
    assert.equal(multi.flags.multipart, true);
    assert.equal(multi.parts.length, 10);
    assert.equal(multi.parts[0]!.name, 'rgba_right');
    assert.deepEqual(multi.parts[0]!.dataWindow, { xMin: 654, yMin: 245, xMax: 1530, yMax: 1120 });
    assert.deepEqual(multi.parts[0]!.displayWindow, { xMin: 0, yMin: 0, xMax: 2047, yMax: 1555 });
    assert.equal(multi.parts[1]!.channels[0]!.name, 'Z');
    assert.equal(multi.parts[0]!.attributes.find((a) => a.name === 'view')?.value, 'right');

    const crypto = readExrHeader(readFileSync(join(exrFixtures, 'cryptomatte/debug_images/multichannel.exr')));
    assert.equal(crypto.flags.longNames, true);
    assert.equal(crypto.parts[0]!.lineOrder, 'randomY');
    assert.deepEqual(crypto.parts[0]!.tiles, { xSize: 64, ySize: 64, levelMode: 'one', roundingMode: 'down' });
    assert.equal(crypto.parts[0]!.channels.length, 56);

    const deep = readExrHeader(readFileSync(join(exrFixtures, 'openexr/deep/11.deep.exr')));
    assert.equal(deep.flags.nonImage, true);
    assert.equal(deep.parts[0]!.type, 'deepscanline');
    assert.deepEqual(
      deep.parts[0]!.channels.map((c) => `${c.name}:${c.type}`),
      ['A:half', 'B:half', 'G:half', 'R:half', 'Z:half', 'id:uint', 'particleid:uint'],
    );
    const manifest = deep.parts[0]!.attributes.find((a) => a.name === 'idManifest');
    assert.equal(manifest?.opaque, true, 'idmanifest is kept as raw bytes');

    const cube = readExrHeader(readFileSync(join(exrFixtures, 'openexr-images/MultiResolution/WavyLinesCube.exr')));
    assert.equal(cube.parts[0]!.attributes.find((a) => a.name === 'envmap')?.value, 'cube');
    assert.equal(cube.parts[0]!.tiles?.levelMode, 'mipmap');
    assert.equal(cube.parts[0]!.chunkCount, 4 * 24 + 2 * 12 + 6 + 3 + 2 + 1 + 1 + 1 + 1 + 1 + 1);

    const wide = readExrHeader(readFileSync(join(exrFixtures, 'openexr-images/TestImages/WideColorGamut.exr')));
    const chroma = attributeValue(wide.parts[0]!.attributes, 'chromaticities', 'chromaticities');
    assert.ok(chroma !== undefined && Math.abs(chroma.whiteX - 0.3127) < 1e-6);
  });
});

describe('invalid files', { skip: noFixtures }, () => {
  const invalid = (name: string) => readFileSync(join(exrFixtures, 'openexr/invalid', name));
  const expectations: [string, string, RegExp][] = [
    ['invalid.exr', 'EXR_BAD_MAGIC', /not an OpenEXR file/],
    ['comp_bad_pos_bounds_pxr24.exr', 'EXR_TRUNCATED', /attribute 'channels'.*808464432 bytes/],
    ['comp_early_eof_piz.exr', 'EXR_BAD_HEADER', /'dataWindow'.*invalid size field -4080/],
    ['comp_invalid_unknown.exr', 'EXR_BAD_HEADER', /'displayWindow' \(box2i\) declares 32528 bytes/],
    ['comp_short_decode_piz.exr', 'EXR_TRUNCATED', /attribute 'channels'/],
    ['invalid_shared_attrs_multipart.exr', 'EXR_BAD_HEADER', /part 3 \('0_newHeader'\).*pixelAspectRatio/],
  ];
  for (const [name, code, pattern] of expectations) {
    it(`${name}: ${code}`, () => {
      assert.throws(() => readExrHeader(invalid(name)), expectCode(code, pattern));
      assert.throws(() => readExr(invalid(name)), expectCode(code, pattern));
    });
  }

  it('scanline_with_deeptiled_type.exr: a scanline file whose bad type attribute is ignored, as OpenEXR does', () => {
    const bytes = invalid('scanline_with_deeptiled_type.exr');
    const header = readExrHeader(bytes);
    assert.equal(header.parts[0]!.type, 'scanlineimage');
    assert.equal(header.parts[0]!.attributes.find((a) => a.name === 'type')?.value, 'deeptiled');
    if (hasCompression('piz')) assert.equal(readExr(bytes).channels.length, 4);
    else assert.throws(() => readExr(bytes), expectCode('UNSUPPORTED_COMPRESSION', /PIZ/));
  });
});
