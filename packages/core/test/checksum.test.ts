import assert from 'node:assert/strict';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { adler32, crc32, verifyGzipChecksum, verifyZlibChecksum, VfxError } from '@vfxkit/core';

describe('checksums', () => {
  it('match the published check values and node:zlib', () => {
    const text = new TextEncoder().encode('123456789');
    assert.equal(crc32(text), 0xcbf43926); // the CRC-32 check value
    assert.equal(adler32(new TextEncoder().encode('Wikipedia')), 0x11e60398); // RFC 1950's example, as widely quoted
    const big = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) & 0xff);
    verifyZlibChecksum(deflateSync(big), big);
    verifyGzipChecksum(gzipSync(big), big);
  });

  it('reject damaged data', () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const wrong = data.slice();
    wrong[500] ^= 1;
    assert.throws(() => verifyZlibChecksum(deflateSync(data), wrong, 'ZIP chunk'), (e: unknown) => e instanceof VfxError && e.code === 'CORRUPT' && /ZIP chunk: zlib checksum mismatch/.test(e.message));
    assert.throws(() => verifyGzipChecksum(gzipSync(data), wrong), (e: unknown) => e instanceof VfxError && e.code === 'CORRUPT');
  });
});
