/**
 * The first-paint proxies' means are rounded to half floats (viewers/src/shared/proxy.ts
 * `roundToHalves`, applied by `normalizeProxy`), so the server's answer carries them exactly in
 * 2 bytes each (`encodeProxyPayload` / `decodeProxyPayload`). Checked against @vfxkit/core's
 * floatToHalf (round to nearest, ties to even) on every half value, every midpoint between two
 * neighbouring halves, and the edges of the half range.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floatToHalf, halfToFloat } from '@vfxkit/core';
import { decodeProxyPayload, encodeProxyPayload, type ExrViewInfo } from '../viewers/src/shared/exr-proxy.js';
import { halvesOf, normalizeProxy, roundToHalves, type ProxyChannel } from '../viewers/src/shared/proxy.js';

/** What rounding to a half means: the half nearest to the value, as a float. */
const nearestHalf = (value: number): number => halfToFloat(floatToHalf(value));

function sameValues(actual: Float32Array, expected: Float32Array, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) assert.fail(`${what}: value ${i} is ${a}, expected ${e}`);
  }
}

describe('first-paint proxies in half floats', () => {
  it('rounds like floatToHalf: every half, every midpoint between neighbours, and values around them', () => {
    const values: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = halfToFloat(bits);
      values.push(value);
      if (!Number.isFinite(value)) continue;
      const next = halfToFloat(bits + 1);
      if (Number.isFinite(next) && Math.sign(next) === Math.sign(value) && next !== value) {
        const mid = (value + next) / 2; // a tie: to the even one
        values.push(mid, Math.fround(mid + Math.abs(mid) * 2 ** -20), Math.fround(mid - Math.abs(mid) * 2 ** -20));
      }
    }
    values.push(65504, 65519.99, 65520, 1e6, -1e6, 2 ** -14, 2 ** -15, 2 ** -24, 2 ** -25, 2 ** -26, 1e-10, -0, Infinity, -Infinity, NaN);
    const floats = Float32Array.from(values);
    const expected = Float32Array.from(floats, nearestHalf);
    const rounded = floats.slice();
    roundToHalves(rounded);
    sameValues(rounded, expected, 'roundToHalves');
    // Their half bits, read back, are the same values.
    const bits = new Uint16Array(rounded.length);
    halvesOf(rounded, bits);
    sameValues(Float32Array.from(bits, halfToFloat), expected, 'halvesOf');
  });

  it('normalizeProxy divides the sums and rounds the means', () => {
    // A 5x4 image in 2x2 boxes: 3x2 boxes, the last column 1 pixel wide.
    const sums = Float32Array.from([4 * 0.1, 4 * 0.2, 2 * 0.3, 4 * 1.0001, 4 * 3, 2 * 1e-7]);
    normalizeProxy(sums, 5, 4, 2);
    const expected = Float32Array.from([0.1, 0.2, 0.3, 1.0001, 3, 1e-7].map((v) => nearestHalf(Math.fround(v))));
    sameValues(sums, expected, 'means');
  });

  it('the payload carries the rounded means exactly, in 2 bytes each', () => {
    const width = 7;
    const height = 5;
    const info: ExrViewInfo = {
      width,
      height,
      dataWindow: { xMin: 0, yMin: 0, xMax: width - 1, yMax: height - 1 },
      displayWindow: { xMin: 0, yMin: 0, xMax: width - 1, yMax: height - 1 },
      pixelAspectRatio: 1,
      part: 0,
      parts: [],
      summary: {},
    };
    const plane = (seed: number): ProxyChannel => {
      const data = Float32Array.from({ length: 4 * 3 }, (_, i) => Math.sin(seed + i) * 10 ** ((i % 7) - 3));
      roundToHalves(data);
      return { factor: 2, width: 4, height: 3, data };
    };
    const proxies = new Map([['R', plane(1)], ['G', plane(2)], ['B', plane(3)]]);
    const channels = ['B', 'G', 'R'].map((name) => ({ name, type: 'half' as const, xSampling: 1, ySampling: 1, width, height }));
    const bytes = encodeProxyPayload(info, channels, proxies);
    const headLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
    assert.equal(bytes.byteLength, ((8 + headLength + 3) & ~3) + 3 * 12 * 2, 'three planes of 12 halves after the padded head');
    const decoded = decodeProxyPayload(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    assert.deepEqual(decoded.head.channels, channels);
    for (const [name, proxy] of proxies) sameValues(decoded.proxies.get(name)!.data, proxy.data, `plane ${name}`);
    // A cut answer names the plane it ends in.
    assert.throws(() => decodeProxyPayload(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - 2) as ArrayBuffer), /ends inside plane B/);
  });
});
