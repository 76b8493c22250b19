import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteReader, ByteWriter, VfxError, floatToHalf, halfToFloat, halvesToFloats } from '@vfxkit/core';

describe('ByteReader', () => {
  it('reads little-endian values and strings', () => {
    const w = new ByteWriter(4);
    w.u8(7).u16(0x1234).i32(-5).u64(2 ** 40).f32(1.5).f64(-2.25).cstring('abc').utf8('é');
    const r = new ByteReader(w.toBytes());
    assert.equal(r.u8(), 7);
    assert.equal(r.u16(), 0x1234);
    assert.equal(r.i32(), -5);
    assert.equal(r.u64(), 2 ** 40);
    assert.equal(r.f32(), 1.5);
    assert.equal(r.f64(), -2.25);
    assert.equal(r.cstring(), 'abc');
    assert.equal(r.utf8(2), 'é');
    assert.equal(r.remaining, 0);
  });

  it('throws TRUNCATED with the offset at the end of the bytes', () => {
    const r = new ByteReader(new Uint8Array([1, 2, 3]));
    r.u16();
    assert.throws(
      () => r.u32('tile count'),
      (e: unknown) => e instanceof VfxError && e.code === 'TRUNCATED' && e.offset === 2 && /tile count/.test(e.message),
    );
    assert.throws(() => new ByteReader(new Uint8Array([65, 66])).cstring(), (e: unknown) => e instanceof VfxError && e.code === 'TRUNCATED');
    assert.throws(() => r.seek(10), (e: unknown) => e instanceof VfxError && e.code === 'TRUNCATED');
  });

  it('refuses 64-bit offsets no file can hold', () => {
    const w = new ByteWriter();
    w.u64(2n ** 60n);
    assert.throws(() => new ByteReader(w.toBytes()).u64('offset'), (e: unknown) => e instanceof VfxError && e.code === 'CORRUPT');
  });
});

describe('half floats', () => {
  it('decodes the reference bit patterns', () => {
    // Values from the IEEE 754 binary16 definition.
    assert.equal(halfToFloat(0x3c00), 1);
    assert.equal(halfToFloat(0xc000), -2);
    assert.equal(halfToFloat(0x7bff), 65504);
    assert.equal(halfToFloat(0x0400), 2 ** -14);
    assert.equal(halfToFloat(0x0001), 2 ** -24);
    assert.equal(halfToFloat(0x7c00), Infinity);
    assert.equal(halfToFloat(0xfc00), -Infinity);
    assert.ok(Number.isNaN(halfToFloat(0x7e00)));
    assert.ok(Object.is(halfToFloat(0x8000), -0));
    assert.equal(halfToFloat(0x3555), 0.333251953125);
  });

  it('encodes with round-to-nearest-even and round-trips every finite half', () => {
    assert.equal(floatToHalf(1), 0x3c00);
    assert.equal(floatToHalf(65504), 0x7bff);
    assert.equal(floatToHalf(65520), 0x7c00); // rounds up to infinity
    assert.equal(floatToHalf(1e-8), 0); // below half the smallest denormal
    assert.equal(floatToHalf(2 ** -25 * 1.0001), 1);
    assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00); // tie to even
    assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02); // tie to even, upwards
    assert.equal(floatToHalf(NaN) & 0x7c00, 0x7c00);
    const all = new Uint16Array(65536).map((_, i) => i);
    const floats = halvesToFloats(all);
    for (let i = 0; i < 65536; i++) {
      const exponent = (i >> 10) & 0x1f;
      if (exponent === 31 && (i & 0x3ff) !== 0) continue; // NaN payloads
      assert.equal(floatToHalf(floats[i]!), i, `half ${i.toString(16)}`);
    }
  });
});
