import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExrLoader, fflateZlib, readExr, writeExr } from '@vfxkit/exr';
import { nodeZlib } from '@vfxkit/exr/node';
import { layouts, patternPart } from './patterns.js';

const part = patternPart({ compression: 'zip', layout: layouts[1]!, lineOrder: 'increasingY', types: ['half', 'float'] });

describe('ExrLoader', () => {
  it('has the loaders.gl loader shape', () => {
    assert.equal(ExrLoader.id, 'exr');
    assert.equal(ExrLoader.module, 'exr');
    assert.deepEqual(ExrLoader.extensions, ['exr']);
    assert.deepEqual(ExrLoader.mimeTypes, ['image/x-exr']);
    assert.equal(ExrLoader.binary, true);
    assert.equal(typeof ExrLoader.parse, 'function');
    assert.equal(typeof ExrLoader.parseSync, 'function');
  });

  it('parses like readExr, with options under `exr`', async () => {
    const bytes = writeExr(part);
    const buffer = bytes.slice().buffer as ArrayBuffer;
    const direct = readExr(bytes, { channels: ['Z'] });
    assert.deepEqual((await ExrLoader.parse(buffer, { exr: { channels: ['Z'] } })).channels, direct.channels);
    assert.deepEqual(ExrLoader.parseSync(buffer, { exr: { channels: ['Z'] } }).channels, direct.channels);
    assert.equal(ExrLoader.tests[0]!(buffer), true);
    assert.equal(ExrLoader.tests[0]!(new TextEncoder().encode('GIF89a').buffer as ArrayBuffer), false);
  });
});

describe('zlib implementations', () => {
  it('node:zlib and fflate read and write the same pixels', () => {
    const withNode = writeExr(part, { zlib: nodeZlib });
    const withFflate = writeExr(part, { zlib: fflateZlib });
    const a = readExr(withNode, { zlib: fflateZlib });
    const b = readExr(withFflate, { zlib: nodeZlib });
    assert.deepEqual(a.channels, b.channels);
    assert.deepEqual(a.channels, readExr(withFflate).channels);
  });

  it('zip level changes the size, not the pixels', () => {
    const fast = writeExr(part, { zipLevel: 1 });
    const best = writeExr(part, { zipLevel: 9 });
    assert.ok(best.byteLength <= fast.byteLength);
    assert.deepEqual(readExr(fast).channels, readExr(best).channels);
  });
});
