/**
 * The byte split and delta predictor of RLE and ZIP/ZIPS (predictor.ts): decoding, which works on
 * 32-bit words where the buffers allow it, against the plain definition, for every small length,
 * for buffers at 4-byte offsets inside larger ones (the word path) and for outputs at odd byte
 * offsets (the byte-by-byte path).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reorderAndPredict, unpredictAndReorder } from '../src/compression/predictor.js';

/** OpenEXR's definition, step by step: undo the deltas over the whole buffer, then interleave the halves. */
function reference(packed: Uint8Array): Uint8Array {
  const deltas = packed.slice();
  for (let i = 1; i < deltas.length; i++) deltas[i] = (deltas[i - 1]! + deltas[i]! - 128) & 0xff;
  const out = new Uint8Array(deltas.length);
  const half = (deltas.length + 1) >> 1;
  for (let i = 0; i < deltas.length; i++) out[i] = i % 2 === 0 ? deltas[i >> 1]! : deltas[half + (i >> 1)]!;
  return out;
}

function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

describe('ZIP/RLE predictor', () => {
  it('decodes like the definition for every length from 0 to 200, into aligned and odd-offset outputs', () => {
    for (let length = 0; length <= 200; length++) {
      const packed = randomBytes(length, length + 1);
      const expected = reference(packed);
      assert.deepEqual(unpredictAndReorder(packed.slice()), expected, `length ${length}`);
      const backing = new Uint8Array(length + 1);
      const odd = backing.subarray(1);
      unpredictAndReorder(packed.slice(), odd);
      assert.deepEqual(odd, expected, `length ${length}, output at an odd offset`);
    }
  });

  it('decodes like the definition four bytes at a time, from and into buffers inside larger ones', () => {
    // Lengths whose half is a multiple of 4 (the word path), with tails of 0-3 pairs and an odd byte.
    for (const length of [7, 8, 15, 16, 23, 24, 40, 1000, 4096, 4104, 65_537, 524_288]) {
      const packed = randomBytes(length, 7 * length + 3);
      const expected = reference(packed);
      const input = new Uint8Array(length + 8);
      input.set(packed, 4);
      const output = new Uint8Array(length + 12);
      output.fill(0xa5);
      unpredictAndReorder(input.subarray(4, 4 + length), output.subarray(8, 8 + length));
      assert.deepEqual(output.subarray(8, 8 + length), expected, `length ${length}`);
      assert.ok(output.subarray(0, 8).every((b) => b === 0xa5) && output.subarray(8 + length).every((b) => b === 0xa5), `length ${length}: nothing written outside the output`);
    }
    // Every byte value after every byte value (the carries between lanes).
    const all = new Uint8Array(2 * 65_536);
    for (let i = 0; i < 65_536; i++) all[2 * i] = i >> 8, all[2 * i + 1] = i & 0xff;
    assert.deepEqual(unpredictAndReorder(all.slice()), reference(all));
  });

  it('round-trips with the encoder', () => {
    for (const length of [1, 2, 3, 1000, 1001, 65_537]) {
      const raw = randomBytes(length, 99);
      assert.deepEqual(unpredictAndReorder(reorderAndPredict(raw)), raw, `length ${length}`);
    }
  });
});
