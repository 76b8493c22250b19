/**
 * Houdini JSON geometry: the binary and ASCII encodings agree, the paged value layouts decode as
 * SideFX's hgeo.py describes them, and our synchronous Blosc/LZ4 decoding matches numcodecs'.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Blosc from 'numcodecs/blosc';
import { getAttribute, getFixedAttribute, inspectParticles, readParticles, readParticlesAsync, writeParticles } from '@vfxkit/particles';
import { bloscDecodeSync, readBloscHeader } from '../src/io/blosc.js';
import { lz4DecodeBlock } from '../src/io/lz4.js';
import { parseBinaryJson, writeBinaryJson, UniformArray } from '../src/houdini/bjson.js';
import { decodeBlock } from '../src/houdini/geometry.js';
import { fixture, listFiles, noFixtures, particleFixtures, random, syntheticSet, values } from './helpers.js';

const encoder = new TextEncoder();

describe('binary and ASCII JSON geometry agree', { skip: noFixtures }, () => {
  const files = listFiles(particleFixtures).filter((f) => f.startsWith('sidefxlabs/'));
  for (const file of files) {
    it(`${file}: binary -> ASCII .geo -> binary .bgeo keeps every point and global attribute`, () => {
      const original = readParticles(fixture(particleFixtures, file), { fileName: file });
      const ascii = readParticles(writeParticles(original, 'geo'));
      const binary = readParticles(writeParticles(ascii, 'bgeo'));
      for (const back of [ascii, binary]) {
        assert.deepEqual(back.attributes.map((a) => [a.name, a.type, a.width, a.storage]), original.attributes.map((a) => [a.name, a.type, a.width, a.storage]));
        for (const a of original.attributes) assert.deepEqual(Array.from(getAttribute(back, a.name)!.data), Array.from(a.data), a.name);
        for (const a of original.fixed) assert.deepEqual(Array.from(getFixedAttribute(back, a.name)!.data), Array.from(a.data), a.name);
        for (const a of original.attributes) if (a.strings) assert.deepEqual(getAttribute(back, a.name)!.strings, a.strings);
      }
    });
  }
});

describe('value blocks (hgeo.py layouts)', () => {
  it('tuples, arrays and rawpagedata give the same values', () => {
    const expected = [10, 20, 30, 11, 21, 31, 12, 22, 32, 13, 23, 33, 14, 24, 34];
    const tuples = ['size', 3, 'storage', 'int32', 'tuples', [[10, 20, 30], [11, 21, 31], [12, 22, 32], [13, 23, 33], [14, 24, 34]]];
    const arrays = ['size', 3, 'storage', 'int32', 'arrays', [[10, 11, 12, 13, 14], [20, 21, 22, 23, 24], [30, 31, 32, 33, 34]]];
    const interleaved = ['size', 3, 'storage', 'int32', 'pagesize', 2, 'packing', [3], 'rawpagedata', expected];
    const componentMajor = ['size', 3, 'storage', 'int32', 'pagesize', 2, 'packing', [1, 1, 1], 'rawpagedata', [10, 11, 20, 21, 30, 31, 12, 13, 22, 23, 32, 33, 14, 24, 34]];
    for (const block of [tuples, arrays, interleaved, componentMajor]) assert.deepEqual(Array.from(decodeBlock(block, 5, 3, 'int32', 'test')), expected);
  });

  it('constant pages hold one tuple per subvector', () => {
    const mixed = ['size', 3, 'storage', 'int32', 'pagesize', 2, 'packing', [1, 2], 'constantpageflags', [[true, false, true], [false, true, false]], 'rawpagedata', [10, 20, 30, 21, 31, 12, 13, 22, 32, 14, 24, 34]];
    assert.deepEqual(Array.from(decodeBlock(mixed, 5, 3, 'int32', 'test')), [10, 20, 30, 10, 21, 31, 12, 22, 32, 13, 22, 32, 14, 24, 34]);
    const short = ['size', 3, 'storage', 'int32', 'pagesize', 2, 'rawpagedata', [1, 2, 3]];
    assert.throws(() => decodeBlock(short, 5, 3, 'int32', 'test'), { code: 'PART_TRUNCATED' });
    assert.throws(() => decodeBlock(['size', 3, 'pagesize', 2, 'packing', [1, 1], 'rawpagedata', []], 5, 3, 'int32', 'test'), { code: 'PART_CORRUPT' });
  });

  it('an ASCII .geo with tuples, a string attribute and a detail attribute reads', () => {
    const geo = JSON.stringify([
      'fileversion', '19.5.303', 'pointcount', 3, 'vertexcount', 0, 'primitivecount', 0,
      'topology', ['pointref', ['indices', []]],
      'attributes', [
        'pointattributes', [
          [['scope', 'public', 'type', 'numeric', 'name', 'P', 'options', { type: { type: 'string', value: 'point' } }], ['size', 3, 'storage', 'fpreal32', 'values', ['size', 3, 'storage', 'fpreal32', 'tuples', [[0, 1, 2], [3, 4, 5], [6, 7, 8]]]]],
          [['scope', 'public', 'type', 'numeric', 'name', 'id', 'options', {}], ['size', 1, 'storage', 'int32', 'values', ['size', 1, 'storage', 'int32', 'arrays', [[7, 8, 9]]]]],
          [['scope', 'public', 'type', 'string', 'name', 'name', 'options', {}], ['size', 1, 'storage', 'int32', 'strings', ['a', 'b'], 'indices', ['size', 1, 'storage', 'int32', 'arrays', [[1, 0, 1]]]]],
        ],
        'globalattributes', [[['scope', 'public', 'type', 'numeric', 'name', 'fps', 'options', {}], ['size', 1, 'storage', 'fpreal64', 'values', ['size', 1, 'storage', 'fpreal64', 'arrays', [[24]]]]]],
      ],
      'primitives', [],
    ]);
    const set = readParticles(encoder.encode(geo), { fileName: 'hand.geo' });
    assert.equal(set.format, 'geo');
    assert.deepEqual(values(set, 'P'), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(getAttribute(set, 'P')!.type, 'vector');
    assert.deepEqual(values(set, 'id'), [7, 8, 9]);
    assert.deepEqual(getAttribute(set, 'name')!.strings, ['a', 'b']);
    assert.deepEqual(Array.from(getFixedAttribute(set, 'fps')!.data), [24]);
    assert.equal(inspectParticles(encoder.encode(geo)).version, '19.5.303');
  });
});

describe('binary JSON encoding', () => {
  it('writes what it reads: tokens, uniform arrays (views, not copies), booleans, nesting', () => {
    const value = ['a', 1, -70000, 2.5, true, false, null, { key: 'value', list: [1, 2] }, new Float32Array([1, 2, 3]), new Int32Array([4, 5])];
    const bytes = writeBinaryJson(value);
    const back = parseBinaryJson(bytes) as unknown[];
    assert.deepEqual(back.slice(0, 7), ['a', 1, -70000, 2.5, true, false, null]);
    assert.deepEqual({ ...(back[7] as object) }, { key: 'value', list: [1, 2] });
    assert.ok(back[8] instanceof UniformArray);
    assert.deepEqual(Array.from((back[8] as UniformArray).typed() as Float32Array), [1, 2, 3]);
    assert.deepEqual(Array.from((back[9] as UniformArray).typed() as Int32Array), [4, 5]);
  });

  it('rejects undefined tokens, bad lengths and deep nesting with PART_CORRUPT', () => {
    const magic = [0x7f, 0x4e, 0x53, 0x4a, 0x62];
    assert.throws(() => parseBinaryJson(Uint8Array.from([...magic, 0x99])), { code: 'PART_CORRUPT' });
    assert.throws(() => parseBinaryJson(Uint8Array.from([...magic, 0x27, 0xf3])), { code: 'PART_CORRUPT' });
    assert.throws(() => parseBinaryJson(Uint8Array.from([...magic, 0x26, 0x05])), /undefined token/);
    assert.throws(() => parseBinaryJson(Uint8Array.from([...magic, ...new Array(1000).fill(0x5b)])), { code: 'PART_CORRUPT' });
    assert.throws(() => parseBinaryJson(Uint8Array.from([...magic, 0x40, 0x19, 0xf4, 0xff, 0xff, 0xff, 0x7f])), { code: 'PART_TRUNCATED' });
  });
});

/** An scf1 container around Blosc chunks (header, chunks, an index, the reversed magic). */
function scf(chunks: Uint8Array[]): Uint8Array {
  const size = 12 + chunks.reduce((s, c) => s + c.length, 0) + 28;
  const out = new Uint8Array(size);
  out.set(encoder.encode('scf1'));
  let at = 12;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  out.set(encoder.encode('1fcs'), size - 4);
  return out;
}

describe('Blosc and LZ4', () => {
  it('LZ4 blocks: literals, matches, overlapping matches, long lengths; hostile blocks throw', () => {
    // "abcabcabcabc" + 300 x "z": literals "abc", a match of 9 at offset 3, literal "z", a long overlapping match.
    const block = Uint8Array.from([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x1f, 0x7a, 0x01, 0x00, 0xff, 0x0f, 0x00]);
    const out = new Uint8Array(12 + 1 + 15 + 4 + 255 + 15);
    const n = lz4DecodeBlock(block, 0, block.length - 1, out, 0, out.length);
    assert.equal(new TextDecoder().decode(out.subarray(0, 12)), 'abcabcabcabc');
    assert.ok(n > 12 && out.subarray(12, n).every((b) => b === 0x7a));
    assert.throws(() => lz4DecodeBlock(Uint8Array.from([0x10, 0x61, 0x09, 0x00]), 0, 4, new Uint8Array(64), 0, 64), { code: 'PART_CORRUPT' });
    assert.throws(() => lz4DecodeBlock(Uint8Array.from([0xf0, 0xff]), 0, 2, new Uint8Array(64), 0, 64), { code: 'PART_CORRUPT' });
  });

  it('the .bgeo.sc fixtures decode to the same bytes as numcodecs', { skip: noFixtures }, async () => {
    const codec = Blosc.fromConfig({ id: 'blosc' });
    for (const file of listFiles(particleFixtures).filter((f) => f.endsWith('.sc'))) {
      const bytes = fixture(particleFixtures, file);
      const header = readBloscHeader(bytes, 12);
      const chunk = bytes.subarray(12, 12 + header.compressedSize);
      assert.equal(header.codec, 'lz4');
      assert.deepEqual(bloscDecodeSync(chunk), await codec.decode(chunk), file);
    }
  });

  it('synchronous decoding matches numcodecs for LZ4 and zlib with and without shuffle; other codecs need readParticlesAsync', async () => {
    const next = random(3);
    const data = new Uint8Array(200_003);
    for (let i = 0; i < data.length; i++) data[i] = i % 7 === 0 ? Math.floor(next() * 256) : (i >> 3) & 0xff;
    for (const cname of ['lz4', 'zlib']) {
      for (const shuffle of [0, 1]) {
        const encoded = await Blosc.fromConfig({ id: 'blosc', cname, clevel: 5, shuffle, blocksize: 0 }).encode(data);
        assert.deepEqual(bloscDecodeSync(encoded), data, `${cname} shuffle ${shuffle}`);
      }
    }
    // Smooth values compress (random ones would be stored raw, which decodes synchronously).
    const set = syntheticSet(3000, { life: true });
    for (const a of set.attributes) for (let i = 0; i < a.data.length; i++) a.data[i] = Math.floor(i / 16);
    const geometry = writeParticles(set, 'bgeo');
    for (const [cname, shuffle] of [['zstd', 1], ['blosclz', 1], ['lz4', 2]] as const) {
      const chunk = await Blosc.fromConfig({ id: 'blosc', cname, clevel: 5, shuffle, blocksize: 0 }).encode(geometry.slice());
      assert.equal(chunk[2]! & 0x02, 0, 'compressed, not stored');
      const sc = scf([chunk]);
      assert.throws(() => readParticles(sc, { fileName: 'x.bgeo.sc' }), { code: 'PART_ASYNC_REQUIRED' });
      const back = await readParticlesAsync(sc, { fileName: 'x.bgeo.sc' });
      assert.deepEqual(values(back, 'P'), values(set, 'P'), `${cname} shuffle ${shuffle}`);
    }
    // Several LZ4 chunks in one container, as Houdini writes big files.
    const codec = Blosc.fromConfig({ id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 });
    const parts = [geometry.subarray(0, 10_000), geometry.subarray(10_000, 50_000), geometry.subarray(50_000)];
    const multi = scf(await Promise.all(parts.map((p) => codec.encode(p.slice()))));
    assert.deepEqual(values(readParticles(multi, { fileName: 'y.bgeo.sc' }), 'life'), values(set, 'life'));
    assert.equal(inspectParticles(multi).compression, 'blosc');
  });

  it('a cut .bgeo.sc is PART_TRUNCATED', { skip: noFixtures }, () => {
    const bytes = fixture(particleFixtures, 'sidefxlabs/star_demoscene.1.bgeo.sc');
    for (const cut of [8, 40, 600, bytes.length - 10]) assert.throws(() => readParticles(bytes.subarray(0, cut), { fileName: 'star.bgeo.sc' }), { code: 'PART_TRUNCATED' });
  });
});

describe('binary JSON attributes are views of the input where they can be', () => {
  const set = syntheticSet(1000, { doubles: true, life: true, strings: true });
  const bytes = writeParticles(set, 'bgeo');
  /** The same bytes at `offset` of a larger buffer. */
  const at = (offset: number) => {
    const out = new Uint8Array(new ArrayBuffer(bytes.length + offset + 8), offset, bytes.length);
    out.set(bytes);
    return out;
  };

  it('the writer places every uniform array at a multiple of its element size (longer integer and length encodings)', () => {
    const back = readParticles(bytes, { format: 'bgeo' });
    for (const a of back.attributes) {
      assert.equal(a.data.buffer, bytes.buffer, `${a.name} is a view of the input`);
      assert.equal((a.data.byteOffset - bytes.byteOffset) % a.data.BYTES_PER_ELEMENT, 0, a.name);
    }
    assert.ok(back.attributes.some((a) => a.data instanceof Float64Array), 'doubles are viewed too');
    for (const a of set.attributes) assert.deepEqual(Array.from(getAttribute(back, a.name)!.data), Array.from(a.data), a.name);
    // The document parses to the same values as the minimal encodings would give.
    const document = parseBinaryJson(bytes);
    assert.ok(Array.isArray(document));
  });

  it('views when aligned, one copy when not, and copies everything with copy: true', () => {
    for (const offset of [0, 1, 2, 3, 4, 8]) {
      const input = at(offset);
      for (const copy of [false, true]) {
        const back = readParticles(input, { format: 'bgeo', copy });
        for (const a of back.attributes) {
          const aligned = (offset % a.data.BYTES_PER_ELEMENT) === 0;
          assert.equal(a.data.buffer === input.buffer, aligned && !copy, `${a.name} at offset ${offset}, copy ${copy}`);
          assert.deepEqual(Array.from(a.data), Array.from(getAttribute(set, a.name)!.data), `${a.name} at offset ${offset}`);
        }
      }
    }
  });

  it('a viewed set follows its input; a copied one does not', () => {
    const input = at(0);
    const viewed = readParticles(input, { format: 'bgeo' });
    const copied = readParticles(input, { format: 'bgeo', copy: true });
    const P = getAttribute(viewed, 'P')!.data;
    const first = new Uint8Array(P.buffer, P.byteOffset, 8);
    first.fill(0);
    assert.equal(getAttribute(viewed, 'P')!.data[0], 0);
    assert.equal(getAttribute(copied, 'P')!.data[0], getAttribute(set, 'P')!.data[0]);
    // Views survive a write: writing a viewed set gives the same file.
    assert.deepEqual(writeParticles(copied, 'bgeo'), bytes);
  });

  it('aligns arrays of every element size whatever precedes them', () => {
    for (let prefix = 0; prefix < 9; prefix++) {
      // As in a geometry values block: integers (and keys) before each array.
      const document = ['x'.repeat(prefix), 1, 'size', 3, 'pagesize', 1024, 'a', new Float64Array([1.5, -2]), 'size', 1, 'b', new Int16Array([7, -8, 9]), 'n', 2, 'c', new Int32Array([1 << 30]), 'k', 5, 'd', new Float32Array([0.25])];
      const written = writeBinaryJson(document);
      const parsed = parseBinaryJson(written) as unknown[];
      for (const [i, expected] of [[7, [1.5, -2]], [11, [7, -8, 9]], [15, [1 << 30]], [19, [0.25]]] as const) {
        const array = parsed[i] as UniformArray;
        assert.ok(array instanceof UniformArray);
        assert.equal((array.bytes.byteOffset - written.byteOffset) % array.elementSize, 0, `prefix ${prefix}, element ${i}`);
        assert.deepEqual(Array.from(array.typed() as ArrayLike<number>), expected);
      }
      assert.deepEqual(parsed.slice(0, 7), document.slice(0, 7));
    }
  });
});
