/**
 * Unit tests of the pieces of `vfx exr` that need no reference tool: value parsing for `attr set`,
 * header rewriting (chunk bytes untouched), channel globs, layers, statistics and `check` on files
 * written here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isVfxError } from '@vfxkit/core';
import { readExr, readExrHeader, writeExr, type ExrWritePart } from '@vfxkit/exr';
import { parseAttribute } from '../src/attribute-values.js';
import { checkExr } from '../src/check.js';
import { channelMatcher } from '../src/files.js';
import { decodeTimeCode, shortFloat } from '../src/format.js';
import { editHeader } from '../src/header-edit.js';
import { groupLayers } from '../src/layers.js';
import { channelStats } from '../src/stats.js';

function usage(work: () => unknown, pattern: RegExp): void {
  assert.throws(work, (error: unknown) => isVfxError(error) && error.code === 'BAD_USAGE' && pattern.test(error.message));
}

const image = (compression: ExrWritePart['compression'] = 'zip'): ExrWritePart => ({
  width: 40,
  height: 37,
  compression,
  channels: ['R', 'G', 'B'].map((name, c) => ({ name, type: 'half' as const, data: Float32Array.from({ length: 40 * 37 }, (_, i) => (i % 40) / 40 + c) })),
});

describe('attr set values', () => {
  it('parses numbers, vectors, boxes and matrices leniently', () => {
    assert.deepEqual(parseAttribute('a', 'v2i', '(1920 1080)').value, [1920, 1080]);
    assert.deepEqual(parseAttribute('a', 'v3f', '1, -2.5, 3e2').value, [1, -2.5, 300]);
    assert.deepEqual(parseAttribute('a', 'box2i', '(0 0) - (1919 1079)').value, { xMin: 0, yMin: 0, xMax: 1919, yMax: 1079 });
    assert.deepEqual(parseAttribute('a', 'm33f', 'identity').value, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.equal(parseAttribute('a', 'float', 'inf').value, Infinity);
    usage(() => parseAttribute('a', 'int', '1.5'), /expected a whole number/);
    usage(() => parseAttribute('a', 'v2f', '1 2 3'), /expected 2 numbers/);
    usage(() => parseAttribute('a', 'float', 'information'), /expected a number/);
    usage(() => parseAttribute('a', 'box2i', '10 10 0 0'), /min <= max/);
  });

  it('parses time codes, rates, chromaticities, string lists', () => {
    const tc = parseAttribute('t', 'timecode', '10:59:58;23').value as { timeAndFlags: number };
    assert.deepEqual({ ...decodeTimeCode(tc.timeAndFlags) }, {
      hours: 10, minutes: 59, seconds: 58, frame: 23, dropFrame: true, colorFrame: false, fieldPhase: false, bgf0: false, bgf1: false, bgf2: false,
    });
    assert.deepEqual(parseAttribute('t', 'timecode', '01020304 0000abcd').value, { timeAndFlags: 0x01020304, userData: 0xabcd });
    assert.deepEqual(parseAttribute('f', 'rational', '29.97').value, { numerator: 30000, denominator: 1001 });
    assert.deepEqual(parseAttribute('f', 'rational', '25').value, { numerator: 25, denominator: 1 });
    assert.deepEqual(parseAttribute('f', 'rational', '12.5').value, { numerator: 125, denominator: 10 });
    assert.equal((parseAttribute('c', 'chromaticities', 'ACEScg').value as { redX: number }).redX, 0.713);
    assert.deepEqual(parseAttribute('v', 'stringvector', '["a,b", "c"]').value, ['a,b', 'c']);
    assert.deepEqual(parseAttribute('v', 'stringvector', 'left, right').value, ['left', 'right']);
    usage(() => parseAttribute('t', 'timecode', '25:00:00:00'), /23:59:59:59/);
  });
});

describe('header edits', () => {
  it('rewrites the header and shifts the offset tables; chunk bytes are untouched', () => {
    const bytes = writeExr(image());
    const before = readExrHeader(bytes);
    const tablesEnd = (h: ReturnType<typeof readExrHeader>) => h.offsetTablesOffset + h.parts.reduce((n, p) => n + p.chunkCount * 8, 0);
    const long = 'a.very.long.attribute.name.beyond.31.bytes';
    const { bytes: edited } = editHeader(bytes, [
      { kind: 'set', attribute: { name: 'owner', type: 'string', value: 'me' } },
      { kind: 'set', attribute: { name: long, type: 'int', value: 7 } },
    ]);
    const after = readExrHeader(edited);
    assert.ok(after.flags.longNames, 'a long name sets the long-names flag');
    assert.deepEqual(edited.subarray(tablesEnd(after)), bytes.subarray(tablesEnd(before)));
    assert.deepEqual(readExr(edited).channels.map((c) => Array.from(c.data)), readExr(bytes).channels.map((c) => Array.from(c.data)));
    // Attributes stay in name order, as OpenEXR writes them.
    const names = after.parts[0]!.attributes.map((a) => a.name);
    assert.deepEqual(names, [...names].sort());
    const { bytes: back } = editHeader(edited, [{ kind: 'delete', name: 'owner' }, { kind: 'delete', name: long }]);
    assert.equal(back.byteLength, bytes.byteLength);
    usage(() => editHeader(bytes, [{ kind: 'delete', name: 'screenWindowWidth' }]), /required attribute/);
    usage(() => editHeader(bytes, [{ kind: 'set', attribute: { name: 'lineOrder', type: 'lineOrder', value: 'decreasingY' } }]), /how the pixels are stored/);
  });

  it('edits one part of a multi-part file', () => {
    const bytes = writeExr([{ ...image(), name: 'a' }, { ...image('piz'), name: 'b' }]);
    const { bytes: edited, reports } = editHeader(bytes, [{ kind: 'set', attribute: { name: 'view', type: 'string', value: 'left' } }], [1]);
    assert.deepEqual(reports, [{ part: 1, name: 'b', changes: ['added view (string)'] }]);
    const header = readExrHeader(edited);
    assert.equal(header.parts[0]!.attributes.find((a) => a.name === 'view'), undefined);
    assert.equal(header.parts[1]!.attributes.find((a) => a.name === 'view')!.value, 'left');
    assert.deepEqual(readExr(edited, { part: 1 }).channels[2]!.data, readExr(bytes, { part: 1 }).channels[2]!.data);
  });
});

describe('channels and statistics', () => {
  it('matches globs and groups layers', () => {
    const matches = channelMatcher(['diffuse.*,A', 'spec?lar.[RG]']);
    assert.deepEqual(['A', 'R', 'diffuse.R', 'diffuse.sub.B', 'specular.R', 'specular.B'].filter(matches), ['A', 'diffuse.R', 'diffuse.sub.B', 'specular.R']);
    const layers = groupLayers(['B', 'A', 'G', 'R', 'n.Z', 'n.X', 'n.Y'].map((name) => ({ name, type: 'half' as const, pLinear: false, xSampling: 1, ySampling: 1 })));
    assert.deepEqual(layers.map((l) => [l.name, l.channels.map((c) => c.name)]), [['', ['R', 'G', 'B', 'A']], ['n', ['n.X', 'n.Y', 'n.Z']]]);
  });

  it('averages huge values without drowning in rounding, and counts NaN and Inf apart', () => {
    const values = new Float32Array(100_001);
    for (let i = 0; i < 100_000; i += 2) {
      values[i] = 3e38;
      values[i + 1] = -3e38;
    }
    values[100_000] = 1;
    const stats = channelStats('Z', 'float', values);
    assert.ok(Math.abs(stats.mean! - 1 / 100_001) < 1e-9, String(stats.mean));
    const half = channelStats('R', 'half', new Uint16Array([0x3c00, 0x7c00, 0xfc00, 0x7e00, 0x4000]));
    assert.deepEqual({ min: half.min, max: half.max, mean: half.mean, nan: half.nanCount, inf: half.infCount }, { min: 1, max: 2, mean: 1.5, nan: 1, inf: 2 });
    assert.equal(shortFloat(Math.fround(35.9999)), 35.9999);
  });
});

describe('check', () => {
  it('passes a whole file and counts the chunks a truncation lost', () => {
    const bytes = writeExr(image('zips'));
    assert.deepEqual({ ...checkExr(bytes), problems: [] }, { ok: true, size: bytes.byteLength, parts: 1, chunks: 37, missingChunks: 0, badChunks: 0, problems: [], unchecked: 0 });
    const cut = checkExr(bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
    assert.equal(cut.ok, false);
    assert.ok(cut.missingChunks > 10 && cut.missingChunks < 37, String(cut.missingChunks));
    assert.equal(cut.problems[0]!.code, 'EXR_TRUNCATED');
    const notExr = checkExr(new TextEncoder().encode('hello'));
    assert.equal(notExr.problems[0]!.code, 'EXR_BAD_MAGIC');
  });
});
