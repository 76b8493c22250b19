/**
 * The Abc layer read from hand-made blocks: archive root, versions, metadata, time samplings,
 * property and object headers, sample blocks, and the limits, each malformed case with its code,
 * message and location.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AbcErrorCode,
  AlembicWriter,
  MetaData,
  openAlembic,
  ScalarProperty,
  TimeSampling,
  ACYCLIC_TIME_PER_CYCLE,
  murmur3x64,
  hexDigest,
  writeOgawa,
} from '@vfxkit/alembic';
import { errorOf } from './helpers/fixtures.js';
import { bytes, f64, handMade, info, int32, scalarHeader, u32 } from './helpers/handmade.js';

describe('metadata', () => {
  it('parses key=value pairs as the C++ TokenMap does, and serialises sorted without empty values', () => {
    assert.deepEqual(MetaData.parse('b=2;a=1;a=3').toObject(), { a: '1', b: '2' });
    assert.deepEqual(MetaData.parse('a=1;junk;b=2').toObject(), { a: '1' }, 'a pair without = ends the parse');
    assert.deepEqual(MetaData.parse('x=a=b').toObject(), { x: 'a=b' });
    assert.equal(MetaData.parse('').size, 0);
    assert.equal(new MetaData({ z: '1', a: '', m: 'x' }).serialize(), 'm=x;z=1');
    assert.equal(MetaData.parse('k=v').get('missing'), '');
  });
});

describe('time sampling', () => {
  it('uniform, cyclic and acyclic sample times and floor/ceil/near lookups (TimeSampling.cpp)', () => {
    const uniform = new TimeSampling(1 / 24, [1 / 24]);
    assert.equal(uniform.kind, 'uniform');
    assert.equal(uniform.samplesPerSecond, 24);
    assert.deepEqual(uniform.floorIndex(0.5, 100), { index: 11, time: 0.5 });
    assert.equal(uniform.indexAt(0.5 - 1e-7, 100), 11, 'within epsilon of a sample is that sample');
    assert.equal(uniform.indexAt(-5, 100), 0);
    assert.equal(uniform.indexAt(50, 10), 9);
    const cyclic = new TimeSampling(1, [0, 0.25]);
    assert.equal(cyclic.kind, 'cyclic');
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => cyclic.sampleTime(i)), [0, 0.25, 1, 1.25, 2]);
    assert.deepEqual([cyclic.indexAt(1.1, 10), cyclic.indexAt(1.1, 10, 'ceil'), cyclic.indexAt(1.2, 10, 'near')], [2, 3, 3]);
    const acyclic = new TimeSampling(ACYCLIC_TIME_PER_CYCLE, [0, 1, 5]);
    assert.equal(acyclic.kind, 'acyclic');
    assert.deepEqual([acyclic.indexAt(4, 3), acyclic.indexAt(4, 3, 'ceil'), acyclic.indexAt(2, 3, 'near'), acyclic.indexAt(4, 3, 'near')], [1, 2, 1, 2]);
    assert.deepEqual(acyclic.bracket(3, 3), { floor: 1, ceil: 2, alpha: 0.5 });
    assert.deepEqual(acyclic.bracket(1, 3), { floor: 1, ceil: 1, alpha: 0 });
  });
});

describe('hashes', () => {
  it('MurmurHash3 x64 128 of nothing is zero (so empty samples share the empty block)', () => {
    assert.equal(hexDigest(murmur3x64(new Uint8Array(0))), '0'.repeat(32));
    // Tails of every length take the byte-wise path; blocks the 16-byte one.
    const seen = new Set<string>();
    for (let n = 0; n <= 40; n++) seen.add(hexDigest(murmur3x64(Uint8Array.from({ length: n }, (_, i) => i))));
    assert.equal(seen.size, 41);
  });
});

describe('archive root', () => {
  it('reads a hand-made empty archive', () => {
    const archive = openAlembic(handMade({ metadata: new TextEncoder().encode('_ai_Application=hand;_ai_DCC_FPS=25') }));
    assert.deepEqual([archive.fileVersion, archive.libraryVersion], [0, 10811]);
    assert.equal(archive.info.application, 'hand');
    assert.equal(archive.info.dccFps, 25);
    assert.equal(archive.root.children.length, 0);
    assert.deepEqual(archive.timeRange, { start: 0, end: 0 });
  });

  it('refuses a root group of the wrong shape', () => {
    const error = errorOf(() => openAlembic(writeOgawa([int32(0), int32(10811), [], new Uint8Array(0), new Uint8Array(8)])));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.match(error.message, /expected at least 6/);
  });

  it('refuses archives older than Alembic 1.0 and reads newer file versions with a warning', () => {
    assert.equal(errorOf(() => openAlembic(handMade({ libraryVersion: int32(9000) }))).code, AbcErrorCode.ABC_UNSUPPORTED_VERSION);
    const newer = openAlembic(handMade({ fileVersion: int32(3) }));
    assert.match(newer.warnings[0]!, /file version 3 is newer/);
    assert.equal(errorOf(() => openAlembic(handMade({ fileVersion: new Uint8Array(2) }))).code, AbcErrorCode.ABC_CORRUPT);
  });

  it('refuses malformed time sampling tables', () => {
    const noTimes = bytes(u32(1), f64(1), u32(0));
    assert.match(errorOf(() => openAlembic(handMade({ timeSamplings: noTimes }))).message, /stores no times/);
    const descending = bytes(u32(1), f64(1), u32(2), f64(1), f64(0));
    assert.match(errorOf(() => openAlembic(handMade({ timeSamplings: descending }))).message, /is not after/);
    const lying = bytes(u32(1), f64(1), u32(1 << 20), f64(0));
    const error = errorOf(() => openAlembic(handMade({ timeSamplings: lying })));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.match(error.message, /stores 1048576 times, more than the block holds/);
    assert.equal(errorOf(() => openAlembic(handMade({ timeSamplings: bytes(u32(1), f64(0), u32(1), f64(0)) }))).code, AbcErrorCode.ABC_CORRUPT);
  });
});

describe('property headers', () => {
  const sample = (pod: number, payload: number[]): Uint8Array => bytes(new Uint8Array(16), payload);

  it('reads a scalar from hand-made blocks', () => {
    const archive = openAlembic(handMade({ topProperties: [[sample(6, u32(42))], scalarHeader('answer', 6, 1, 1)] }));
    const p = archive.root.properties.get('answer') as ScalarProperty;
    assert.deepEqual([p.pod, p.extent, p.sampleCount, p.getValue(0)], ['int32', 1, 1, 42]);
  });

  it('reports each malformed header as ABC_CORRUPT at the object', () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['POD 14', bytes(u32(info({ type: 1, pod: 14, extent: 1 })), [1], [1], 'x'), /POD type 14/],
      ['hint 3', bytes(u32(info({ type: 1, pod: 6, extent: 1, hint: 3 })), [1], [1], 'x'), /size hint 3/],
      ['empty name', bytes(u32(info({ type: 1, pod: 6, extent: 1 })), [1], [0]), /empty name/],
      ['name past the end', bytes(u32(info({ type: 1, pod: 6, extent: 1 })), [1], [200], 'x'), /name needs 200 bytes/],
      ['time sampling 7', bytes(u32(info({ type: 1, pod: 6, extent: 1, hasTimeSampling: true })), [1], [7], [1], 'x'), /time sampling 7; the archive has 1/],
      ['extent 0', bytes(u32(info({ type: 1, pod: 6, extent: 0 })), [1], [1], 'x'), /extent 0/],
      ['changed indices', bytes(u32(info({ type: 1, pod: 6, extent: 1, firstLast: true })), [3], [2], [1], [1], 'x'), /changed indices 2\.\.1/],
      ['metadata index', bytes(u32(info({ type: 1, pod: 6, extent: 1, metadataIndex: 9 })), [1], [1], 'x'), /indexed metadata 9/],
    ];
    for (const [what, header, message] of cases) {
      const archive = openAlembic(handMade({ topProperties: [[sample(6, u32(1))], header] }));
      const error = errorOf(() => archive.root.properties.properties);
      assert.equal(error.code, AbcErrorCode.ABC_CORRUPT, what);
      assert.match(error.message, message, what);
      assert.equal(error.location, '/', what);
    }
  });

  it('checks sample blocks against the header before decoding', () => {
    // 3 samples declared, one block present.
    const short = openAlembic(handMade({ topProperties: [[sample(6, u32(1))], bytes(u32(info({ type: 1, pod: 6, extent: 1 })), [3], [1], 'x')] }));
    const p = short.root.properties.get('x') as ScalarProperty;
    const error = errorOf(() => p.getSample(0));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.match(error.message, /declares 3 samples \(3 stored\) but its group holds 1 blocks/);
    // A scalar block of the wrong size.
    const wrong = openAlembic(handMade({ topProperties: [[sample(6, [1, 2])], scalarHeader('y', 6, 1, 1)] }));
    assert.match(errorOf(() => (wrong.root.properties.get('y') as ScalarProperty).getSample(0)).message, /not a whole number of 4-byte values/);
    // Out-of-range sample index: usage error.
    assert.equal(errorOf(() => p.storedIndex(5)).code, AbcErrorCode.ABC_BAD_ARGUMENT);
  });

  it('refuses array dimensions that disagree with the data, without allocating for them', () => {
    const dims = new Uint8Array(8);
    new DataView(dims.buffer).setBigUint64(0, 1n << 40n, true);
    const archive = openAlembic(
      handMade({ topProperties: [[sample(10, [0, 0, 128, 63]), dims], bytes(u32(info({ type: 2, pod: 10, extent: 1 })), [1], [1], 'a')] }),
    );
    const error = errorOf(() => archive.root.properties.getArray('a')!.getSample(0));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.match(error.message, /dimensions \[1099511627776\] make 1099511627776 values but its data holds 1/);
  });

  it('refuses object headers that list more children than the group holds', () => {
    const headers = bytes(u32(1), 'a', [0], u32(1), 'b', [0]);
    const archive = openAlembic(handMade({ children: [[[], new Uint8Array(32)]], childHeaders: headers }));
    const error = errorOf(() => archive.root.children);
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.match(error.message, /lists 2 children but its group holds 1/);
  });
});

describe('limits', () => {
  it('maxDepth, maxChildren and maxProperties stop a walk with ABC_LIMIT', () => {
    const writer = new AlembicWriter();
    let parent = writer.root;
    for (let i = 0; i < 20; i++) parent = parent.addChild(`level${i}`);
    for (let i = 0; i < 5; i++) writer.root.addChild(`sibling${i}`).properties.addScalar(`p`, { pod: 'uint8', extent: 1 }).addSample([i]);
    const props = writer.root.addChild('many').properties;
    for (let i = 0; i < 10; i++) props.addScalar(`p${i}`, { pod: 'uint8', extent: 1 }).addSample([i]);
    const bytesOut = writer.finish();
    const deep = openAlembic(bytesOut, { limits: { maxDepth: 10 } });
    const error = errorOf(() => [...deep.objects()]);
    assert.equal(error.code, AbcErrorCode.ABC_LIMIT);
    assert.match(error.message, /deeper than 10 levels/);
    assert.equal(errorOf(() => openAlembic(bytesOut, { limits: { maxChildren: 3 } }).root.children).code, AbcErrorCode.ABC_LIMIT);
    assert.equal(errorOf(() => openAlembic(bytesOut, { limits: { maxProperties: 5 } }).findObject('/many')!.properties.properties).code, AbcErrorCode.ABC_LIMIT);
  });
});
