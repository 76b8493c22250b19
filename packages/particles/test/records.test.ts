/**
 * The record mover (formats/records.ts) against a plain DataView encoding of the same records: every
 * storage it has a fast path for and the others, both byte orders, aligned and unaligned starts,
 * strides that are and are not multiples of 4, records fed whole or in pieces of any size (the
 * way an inflating stream hands them over), and short or long input refused with the right code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import { createParticleSet, fflateZlib, getAttribute, readParticles, readParticlesAsync, writeParticles } from '@vfxkit/particles';
import type { AttributeData, StorageType, ZlibCodec } from '@vfxkit/particles';
import { RecordDecoder, readRecords, writeRecords } from '../src/formats/records.js';
import type { RecordField } from '../src/formats/records.js';
import { random } from './helpers.js';

interface Layout {
  name: string;
  stride: number;
  fields: { offset: number; width: number; storage: StorageType }[];
}

const LAYOUTS: Layout[] = [
  // Classic BGEO: P (with w) v id Cd, 44 bytes.
  { name: 'bgeo-like 44', stride: 44, fields: [{ offset: 0, width: 3, storage: 'float32' }, { offset: 16, width: 3, storage: 'float32' }, { offset: 28, width: 1, storage: 'int32' }, { offset: 32, width: 3, storage: 'float32' }] },
  // PLY with uchar colours: 31 bytes, nothing aligned after the first fields.
  { name: 'ply-like 31', stride: 31, fields: [{ offset: 0, width: 3, storage: 'float32' }, { offset: 12, width: 3, storage: 'float32' }, { offset: 24, width: 1, storage: 'int32' }, { offset: 28, width: 3, storage: 'uint8' }] },
  // Doubles and small types: 40 bytes.
  { name: 'doubles 40', stride: 40, fields: [{ offset: 0, width: 3, storage: 'float64' }, { offset: 24, width: 2, storage: 'int16' }, { offset: 28, width: 1, storage: 'float16' }, { offset: 30, width: 2, storage: 'uint8' }, { offset: 32, width: 1, storage: 'uint32' }, { offset: 36, width: 1, storage: 'int32' }] },
  // A double at an offset that is not a multiple of 4.
  { name: 'odd double 13', stride: 13, fields: [{ offset: 1, width: 1, storage: 'float64' }, { offset: 9, width: 1, storage: 'float32' }] },
];

const SIZE: Record<string, number> = { float16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, uint8: 1, uint16: 2, uint32: 4 };

function column(storage: StorageType, length: number): AttributeData {
  return storage === 'float32' || storage === 'float16' ? new Float32Array(length) : storage === 'float64' || storage === 'uint32' ? new Float64Array(length) : new Int32Array(length);
}

/** Columns of values each storage holds exactly (half floats on the half grid). */
function columns(layout: Layout, count: number, seed: number): RecordField[] {
  const next = random(seed);
  return layout.fields.map((f) => {
    const data = column(f.storage, count * f.width);
    for (let i = 0; i < data.length; i++) {
      const r = next();
      switch (f.storage) {
        case 'float32':
          data[i] = Math.fround((r - 0.5) * 1e6);
          break;
        case 'float64':
          data[i] = (r - 0.5) * 1e12;
          break;
        case 'float16':
          data[i] = Math.round((r - 0.5) * 512) / 4;
          break;
        case 'uint8':
          data[i] = Math.floor(r * 256);
          break;
        case 'int16':
          data[i] = Math.floor(r * 65536) - 32768;
          break;
        case 'uint32':
          data[i] = Math.floor(r * 2 ** 32);
          break;
        default:
          data[i] = Math.floor(r * 2 ** 32) - 2 ** 31;
      }
    }
    return { ...f, data };
  });
}

/** The records written the slow, obvious way: one DataView call per value. */
function reference(layout: Layout, fields: RecordField[], count: number, little: boolean, pad: number): Uint8Array {
  const out = new Uint8Array(pad + count * layout.stride);
  const view = new DataView(out.buffer);
  for (const f of fields) {
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < f.width; k++) {
        const at = pad + i * layout.stride + f.offset + k * SIZE[f.storage]!;
        const v = f.data[i * f.width + k]!;
        switch (f.storage) {
          case 'float32':
            view.setFloat32(at, v, little);
            break;
          case 'float64':
            view.setFloat64(at, v, little);
            break;
          case 'float16': {
            // Values on the quarter grid below 128: exact in half precision.
            const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
            const a = Math.abs(v);
            let bits = 0;
            if (a !== 0) {
              const e = Math.floor(Math.log2(a));
              bits = ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
            }
            view.setUint16(at, sign | bits, little);
            break;
          }
          case 'uint8':
            view.setUint8(at, v);
            break;
          case 'int16':
            view.setInt16(at, v, little);
            break;
          case 'uint32':
            view.setUint32(at, v, little);
            break;
          default:
            view.setInt32(at, v, little);
        }
      }
    }
  }
  return out;
}

function emptyLike(fields: RecordField[]): RecordField[] {
  return fields.map((f) => ({ ...f, data: column(f.storage, f.data.length) }));
}

function assertSameColumns(actual: RecordField[], expected: RecordField[], what: string): void {
  actual.forEach((f, i) => assert.deepEqual(f.data, expected[i]!.data, `${what}: field at ${f.offset} (${f.storage})`));
}

describe('records <-> columns', () => {
  const count = 3001; // more than one 64 KiB block for every layout, and not a multiple of one
  for (const layout of LAYOUTS) {
    for (const little of [true, false]) {
      for (const pad of [0, 1, 2, 3, 4]) {
        it(`${layout.name}, ${little ? 'little' : 'big'}-endian, records at byte ${pad}`, () => {
          const fields = columns(layout, count, 7 + pad);
          const expected = reference(layout, fields, count, little, pad);
          // Writing matches the DataView encoding byte for byte.
          const written = new Uint8Array(pad + count * layout.stride);
          writeRecords(written, pad, count, layout.stride, fields, little);
          assert.deepEqual(written, expected);
          // Reading whole gives the columns back.
          const read = emptyLike(fields);
          readRecords(expected, pad, count, layout.stride, read, little);
          assertSameColumns(read, fields, 'whole');
          // Reading in pieces of awkward sizes gives the same.
          for (const piece of [1, 7, 31, 4096, 65537]) {
            const pieces = emptyLike(fields);
            const decoder = new RecordDecoder(count, layout.stride, pieces, little);
            const body = expected.subarray(pad);
            for (let at = 0; at < body.length; at += piece) decoder.push(body.subarray(at, Math.min(body.length, at + piece)));
            decoder.finish();
            assert.equal(decoder.records, count);
            assertSameColumns(pieces, fields, `pieces of ${piece}`);
          }
        });
      }
    }
  }

  it('keeps NaN payloads and negative zero bit for bit (words move as integers)', () => {
    const bits = new Uint32Array([0x7fc00001, 0xffa00000, 0x80000000, 0x7f800000, 0x00000001]);
    const data = new Float32Array(bits.buffer);
    const fields: RecordField[] = [{ offset: 0, width: 1, storage: 'float32', data }];
    for (const little of [true, false]) {
      const records = new Uint8Array(4 * bits.length);
      writeRecords(records, 0, bits.length, 4, fields, little);
      const back = new Float32Array(bits.length);
      readRecords(records, 0, bits.length, 4, [{ offset: 0, width: 1, storage: 'float32', data: back }], little);
      assert.deepEqual(new Uint32Array(back.buffer), bits);
    }
  });

  it('writes a repeated field (classic BGEO w) into every record and leaves uncovered bytes alone', () => {
    const records = new Uint8Array(9 * 5).fill(0xee);
    writeRecords(records, 1, 4, 11, [{ offset: 3, width: 1, storage: 'float32', data: new Float32Array([1]), repeat: true }], false);
    for (let i = 0; i < 4; i++) {
      assert.deepEqual([...records.subarray(1 + i * 11, 1 + (i + 1) * 11)], [0xee, 0xee, 0xee, 0x3f, 0x80, 0, 0, 0xee, 0xee, 0xee, 0xee]);
    }
  });

  it('refuses records beyond the count and reports missing ones as truncated', () => {
    const fields = (n: number): RecordField[] => [{ offset: 0, width: 1, storage: 'int32', data: new Int32Array(n) }];
    const short = new RecordDecoder(10, 8, fields(10), true);
    short.push(new Uint8Array(79));
    assert.throws(() => short.finish('PRT particle data'), (e: Error & { code?: string }) => e.code === 'PART_TRUNCATED' && /PRT particle data ends after 79 of 80 bytes/.test(e.message));
    const long = new RecordDecoder(10, 8, fields(10), true);
    long.push(new Uint8Array(40));
    assert.throws(() => long.push(new Uint8Array(41)), (e: Error & { code?: string }) => e.code === 'PART_CORRUPT');
  });
});

describe('PRT inflates and deflates its particles in pieces', () => {
  const count = 50_000;
  const next = random(3);
  const P = new Float32Array(count * 3).map(() => next() * 10 - 5);
  const id = new Int32Array(count).map((_, i) => i * 7);
  const set = createParticleSet(count, [
    { name: 'P', type: 'vector', width: 3, data: P },
    { name: 'id', type: 'int', width: 1, data: id },
  ]);
  const prt = writeParticles(set, 'prt');

  it('reads the same set streaming (fflate) as through a codec that inflates whole', () => {
    const streamed = readParticles(prt, { format: 'prt' });
    const whole = readParticles(prt, { format: 'prt', zlib: { inflate: fflateZlib.inflate, deflate: fflateZlib.deflate } });
    for (const read of [streamed, whole]) {
      assert.equal(read.count, count);
      assert.deepEqual(getAttribute(read, 'P')!.data, P);
      assert.deepEqual(getAttribute(read, 'id')!.data, id);
    }
  });

  it('writes its zlib stream piece by piece (fflate) into a stream node:zlib reads too', async () => {
    // node:zlib, an independent inflater, checks the stream and its Adler-32.
    const nodeZlib: ZlibCodec = {
      inflate: (data, size) => new Uint8Array(inflateSync(data, { maxOutputLength: Math.max(1, size) })),
      deflate: (data, level) => new Uint8Array(deflateSync(data, { level: level ?? 6 })),
    };
    const viaNode = await readParticlesAsync(prt, { format: 'prt', zlib: nodeZlib });
    assert.deepEqual(getAttribute(viaNode, 'P')!.data, P);
    assert.deepEqual(getAttribute(viaNode, 'id')!.data, id);
    // The same set deflated in one piece (a codec without deflateStream) reads the same.
    const whole = writeParticles(set, 'prt', { zlib: { inflate: fflateZlib.inflate, deflate: fflateZlib.deflate } });
    assert.deepEqual(getAttribute(readParticles(whole), 'P')!.data, P);
    const empty = writeParticles(createParticleSet(0, [{ name: 'P', type: 'vector', width: 3, data: new Float32Array(0) }]), 'prt');
    assert.equal((await readParticlesAsync(empty, { format: 'prt', zlib: nodeZlib })).count, 0);
    assert.equal(readParticles(empty).count, 0);
  });

  it('a damaged Adler-32 is PART_CORRUPT naming the checksum', () => {
    const bad = prt.slice();
    bad[bad.length - 1] ^= 0xff;
    assert.throws(() => readParticles(bad, { format: 'prt' }), (e: Error & { code?: string }) => e.code === 'PART_CORRUPT' && /checksum mismatch/.test(e.message));
  });

  it('a cut stream is PART_TRUNCATED or PART_CORRUPT, never a partial set', () => {
    for (const cut of [prt.length - 5, prt.length - 1000, Math.floor(prt.length * 0.6)]) {
      assert.throws(
        () => readParticles(prt.subarray(0, cut), { format: 'prt' }),
        (e: Error & { code?: string }) => e.code === 'PART_TRUNCATED' || e.code === 'PART_CORRUPT',
      );
    }
  });
});
