/**
 * OpenEXR's Huffman coder (PIZ, DWA): round trips over very different distributions, the stream
 * layout, and hostile streams that must fail with EXR_CORRUPT_CHUNK quickly (never a hang).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isVfxError } from '@vfxkit/core';
import { huffmanDecode, huffmanEncode } from '../src/compression/huffman.js';

function decode(packed: Uint8Array, count: number): Uint16Array {
  const out = new Uint16Array(count);
  huffmanDecode(packed, 0, packed.length, out, 0, count, 'test');
  return out;
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

const isCorrupt = (pattern: RegExp) => (error: unknown) => isVfxError(error) && error.code === 'EXR_CORRUPT_CHUNK' && pattern.test(error.message);

/** MSB-first bits, for hand-made streams. */
class Bits {
  private bytes: number[] = [];
  private buffer = 0;
  private count = 0;
  bitLength = 0;
  write(length: number, value: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.buffer = (this.buffer << 1) | (i >= 31 ? 0 : (value >>> i) & 1);
      this.count++;
      this.bitLength++;
      if (this.count === 8) {
        this.bytes.push(this.buffer & 0xff);
        this.buffer = 0;
        this.count = 0;
      }
    }
  }
  finish(): Uint8Array {
    if (this.count > 0) this.bytes.push((this.buffer << (8 - this.count)) & 0xff);
    return Uint8Array.from(this.bytes);
  }
}

/** A stream: header, a packed table of `lengths` for symbols min..max, then `data`. */
function stream(min: number, max: number, lengths: number[], data: Uint8Array, nBits: number): Uint8Array {
  const table = new Bits();
  for (const length of lengths) table.write(6, length);
  const tableBytes = table.finish();
  const out = new Uint8Array(20 + tableBytes.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, min, true);
  view.setUint32(4, max, true);
  view.setUint32(8, tableBytes.length, true);
  view.setUint32(12, nBits, true);
  out.set(tableBytes, 20);
  out.set(data, 20 + tableBytes.length);
  return out;
}

describe('Huffman coding', () => {
  const distributions: [string, () => Uint16Array][] = [
    [
      'uniform over all 65,536 values (codes of 16-17 bits)',
      () => {
        const next = random(1);
        return Uint16Array.from({ length: 200000 }, () => Math.floor(next() * 65536));
      },
    ],
    ['one value repeated (run codes)', () => new Uint16Array(100000).fill(4321)],
    ['a single value', () => Uint16Array.of(65535)],
    [
      'runs of every length around 255',
      () => {
        const values: number[] = [];
        for (let run = 1; run < 600; run += 37) for (let i = 0; i < run; i++) values.push(run % 5);
        return Uint16Array.from(values);
      },
    ],
    [
      'Fibonacci frequencies (codes up to 26 bits)',
      () => {
        const values: number[] = [];
        let a = 1;
        let b = 1;
        for (let symbol = 0; symbol < 26; symbol++) {
          for (let i = 0; i < a; i++) values.push(symbol * 977);
          [a, b] = [b, a + b];
        }
        const next = random(2);
        for (let i = values.length - 1; i > 0; i--) {
          const j = Math.floor(next() * (i + 1));
          [values[i], values[j]] = [values[j]!, values[i]!];
        }
        return Uint16Array.from(values);
      },
    ],
  ];
  for (const [name, make] of distributions) {
    it(`round-trips ${name}`, () => {
      const values = make();
      const packed = huffmanEncode(values, values.length);
      assert.deepEqual(decode(packed, values.length), values);
      // Decoding inside a larger buffer, at an offset.
      const shifted = new Uint8Array(packed.length + 7);
      shifted.set(packed, 3);
      const out = new Uint16Array(values.length + 5);
      huffmanDecode(shifted, 3, packed.length, out, 2, values.length, 'test');
      assert.deepEqual(out.subarray(2, 2 + values.length), values);
    });
  }

  it('round-trips every length from 1 to 300 values of short codes (codes decoded two at a time up to the last bits)', () => {
    // A few symbols with 1- to 6-bit codes, some repeated (run codes): the stream ends at every bit offset.
    const next = random(11);
    for (let count = 1; count <= 300; count++) {
      const values = new Uint16Array(count);
      for (let i = 0; i < count; i++) {
        const r = next();
        values[i] = r < 0.5 ? 7 : r < 0.75 ? 9 : r < 0.9 ? 1000 + Math.floor(next() * 4) : i > 0 && r < 0.95 ? values[i - 1]! : 40000;
      }
      const packed = huffmanEncode(values, count);
      assert.deepEqual(decode(packed, count), values, `${count} values`);
      // One value fewer or more than coded is refused, not decoded short or padded.
      assert.throws(() => decode(packed, count + 1), (error: unknown) => isVfxError(error) && error.code === 'EXR_CORRUPT_CHUNK');
      if (count > 1) assert.throws(() => decode(packed, count - 1), (error: unknown) => isVfxError(error) && error.code === 'EXR_CORRUPT_CHUNK');
    }
  });

  it('writes the OpenEXR header: symbol range, table length, bit count', () => {
    const packed = huffmanEncode(Uint16Array.of(7, 7, 9, 7), 4);
    const view = new DataView(packed.buffer);
    assert.equal(view.getUint32(0, true), 7); // smallest symbol
    assert.equal(view.getUint32(4, true), 10); // largest + 1: the run-length symbol
    const tableLength = view.getUint32(8, true);
    const nBits = view.getUint32(12, true);
    assert.equal(view.getUint32(16, true), 0);
    assert.equal(packed.length, 20 + tableLength + Math.ceil(nBits / 8));
  });

  it('encodes nothing as nothing, and decodes nothing from a short buffer', () => {
    assert.equal(huffmanEncode(new Uint16Array(0), 0).length, 0);
    assert.deepEqual(decode(new Uint8Array(0), 0), new Uint16Array(0));
    assert.throws(() => decode(new Uint8Array(10), 3), isCorrupt(/too short for its 20-byte header/));
  });
});

describe('Huffman coding of hostile streams', () => {
  const values = Uint16Array.from({ length: 3000 }, (_, i) => (i * 7919) % 300);
  const packed = huffmanEncode(values, values.length);
  const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  it('rejects a symbol range beyond 65,536', () => {
    const bad = packed.slice();
    view(bad).setUint32(4, 70000, true);
    assert.throws(() => decode(bad, values.length), isCorrupt(/symbol range 0\.\.70000/));
  });
  it('rejects a bit count beyond the data', () => {
    const bad = packed.slice();
    view(bad).setUint32(12, 8 * packed.length, true);
    assert.throws(() => decode(bad, values.length), isCorrupt(/declares \d+ bits but only/));
  });
  it('rejects a truncated code table', () => {
    assert.throws(() => decode(packed.subarray(0, 24), values.length), isCorrupt(/declares|code table runs past/));
  });
  it('rejects a run of unused symbols past the last symbol', () => {
    // Symbols 0..3, first entry "63 + 8 bits": a run of at least 6.
    const table = new Bits();
    table.write(6, 63);
    table.write(8, 0);
    const bytes = table.finish();
    const bad = new Uint8Array(20 + bytes.length);
    view(bad).setUint32(4, 3, true);
    bad.set(bytes, 20);
    assert.throws(() => decode(bad, 1), isCorrupt(/goes past the last symbol/));
  });
  it('rejects lengths that do not form a prefix code', () => {
    // Three codes of 1 bit cannot exist.
    const bad = stream(0, 2, [1, 1, 1], new Uint8Array(1), 8);
    assert.throws(() => decode(bad, 8), isCorrupt(/do not form a prefix code/));
  });
  it('rejects more values than expected, fewer, and a stream that starts with a run', () => {
    assert.throws(() => decode(packed, values.length - 1), isCorrupt(/more than the 2999 expected values|run goes past/));
    assert.throws(() => decode(packed, values.length + 1), isCorrupt(/decodes to 3000 values, expected 3001/));
    // Symbols 0 and 1 (1 is the run code, "1"), data "1" + 8 bits: a run first.
    const data = new Bits();
    data.write(1, 1);
    data.write(8, 3);
    const bad = stream(0, 1, [1, 1], data.finish(), data.bitLength);
    assert.throws(() => decode(bad, 4), isCorrupt(/starts with a run/));
  });

  it('round-trips long codes (found by the table under their 14-bit prefix) ending at every bit offset', () => {
    // 16 frequent symbols and 3,000 seen once: the rare ones get codes of 16 or 17 bits, found by a
    // table of the bits after their 14-bit prefix (codes too long for one, as in the Fibonacci and
    // 29-bit cases here, are searched).
    const next = random(5);
    const pool: number[] = [];
    for (let symbol = 0; symbol < 16; symbol++) for (let i = 0; i < 6000; i++) pool.push(symbol * 2999);
    for (let symbol = 0; symbol < 3000; symbol++) pool.push(50000 + symbol);
    // Shuffled, so that the encoder's run-length coding does not fold the repeats away.
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    for (let count = 1; count <= 40; count++) {
      const values = Uint16Array.from({ length: count }, (_, i) => (i % 3 === 2 ? 50000 + Math.floor(next() * 3000) : Math.floor(next() * 16) * 2999));
      const all = Uint16Array.from([...pool, ...values]);
      const packed = huffmanEncode(all, all.length);
      assert.deepEqual(decode(packed, all.length).subarray(pool.length), values, `${count} values`);
    }
  });

  it('decodes a million 29-bit codes sharing one 14-bit prefix without searching them all', () => {
    // Symbols 0..32767 get 29-bit codes (all under prefix 0), symbols 32768..32781 lengths 14..1:
    // a complete prefix code where OpenEXR's list search would try up to 32,768 codes per value.
    const lengths = [...new Array<number>(32768).fill(29), 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    // Canonical codes: the 29-bit ones are 0..32767 in symbol order, so symbol 32767 has code 32767.
    const data = new Bits();
    const count = 1_000_000;
    for (let i = 0; i < count; i++) data.write(29, 32767);
    const bytes = data.finish();
    const hostile = stream(0, 32781, lengths, bytes, data.bitLength);
    const started = performance.now();
    const out = decode(hostile, count);
    assert.ok(performance.now() - started < 5000, 'decoded in under 5 s');
    assert.equal(out[0], 32767);
    assert.equal(out[count - 1], 32767);
  });
});
