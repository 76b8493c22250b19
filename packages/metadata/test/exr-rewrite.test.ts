/**
 * The EXR header rewrite: attributes set and deleted in every part, the chunks copied byte for
 * byte and every offset moved by the change in header size, checked on files written by
 * @vfxkit/exr and on the real OpenEXR sample files (decoded pixels compared, and `exrheader` when
 * it is installed).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isVfxError } from '@vfxkit/core';
import { readExrHeader, readExrParts, writeExr, type ExrWritePart } from '@vfxkit/exr';
import {
  ExifToolSession,
  editMetadata,
  offsetTablesEnd,
  parseExrValue,
  encodeExrValue,
  readExrHead,
  readMetadata,
  splitStoredAttributes,
  type MetadataEdit,
} from '@vfxkit/metadata';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const realExr = resolve(repoRoot, process.env.VFX_REAL_FIXTURES ?? '../shared/fixtures-real', 'exr');
const noReal = existsSync(realExr) ? false : `real fixtures not found at ${realExr} (set VFX_REAL_FIXTURES)`;
const noExrheader = spawnSync('exrheader', ['-h'], { encoding: 'utf8' }).error !== undefined ? "reference tool 'exrheader' is not installed" : false;

function ramp(count: number, scale: number): Float32Array {
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = (i % 97) * scale;
  return data;
}

function scanlinePart(name?: string): ExrWritePart {
  return {
    ...(name !== undefined ? { name } : {}),
    width: 40,
    height: 33,
    compression: 'zip',
    channels: [
      { name: 'R', type: 'half', data: ramp(40 * 33, 0.01) },
      { name: 'G', type: 'float', data: ramp(40 * 33, 0.5) },
    ],
    attributes: [
      { name: 'owner', type: 'string', value: 'First Owner' },
      { name: 'framesPerSecond', type: 'rational', value: { numerator: 24000, denominator: 1001 } },
      { name: 'timeCode', type: 'timecode', value: { timeAndFlags: 0x01020304, userData: 7 } },
    ],
  };
}

/** Checks `after` is `before` with only its headers changed: same chunk bytes, offsets moved. */
function assertChunksKept(beforeBytes: Uint8Array, afterBytes: Uint8Array): void {
  const a = readExrHeader(beforeBytes);
  const b = readExrHeader(afterBytes);
  const aEnd = offsetTablesEnd(a);
  const bEnd = offsetTablesEnd(b);
  assert.equal(a.parts.length, b.parts.length);
  assert.deepEqual(
    a.parts.map((p) => p.chunkCount),
    b.parts.map((p) => p.chunkCount),
  );
  assert.equal(Buffer.compare(Buffer.from(beforeBytes.subarray(aEnd)), Buffer.from(afterBytes.subarray(bEnd))), 0, 'chunks byte for byte');
  const delta = BigInt(bEnd - aEnd);
  const va = new DataView(beforeBytes.buffer, beforeBytes.byteOffset);
  const vb = new DataView(afterBytes.buffer, afterBytes.byteOffset);
  for (let i = 0; i < (aEnd - a.offsetTablesOffset) / 8; i++) {
    const old = va.getBigUint64(a.offsetTablesOffset + i * 8, true);
    const now = vb.getBigUint64(b.offsetTablesOffset + i * 8, true);
    assert.equal(now, old === 0n ? 0n : old + delta, `offset table entry ${i}`);
  }
}

function assertPixelsKept(beforeBytes: Uint8Array, afterBytes: Uint8Array): void {
  const a = readExrParts(beforeBytes);
  const b = readExrParts(afterBytes);
  assert.equal(a.length, b.length);
  for (let p = 0; p < a.length; p++) {
    assert.equal(a[p]!.channels.length, b[p]!.channels.length);
    for (let c = 0; c < a[p]!.channels.length; c++) {
      const x = a[p]!.channels[c]!.data;
      const y = b[p]!.channels[c]!.data;
      assert.ok(Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength)), `part ${p} channel ${c}`);
    }
    if (a[p]!.deep !== undefined) assert.deepEqual(b[p]!.deep!.sampleCounts, a[p]!.deep!.sampleCounts);
  }
}

describe('EXR header rewrite', () => {
  let dir: string;
  const session = new ExifToolSession();
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vfx-meta-exr-'));
  });
  after(async () => {
    await session.end();
    rmSync(dir, { recursive: true, force: true });
  });

  const edit = (file: string, change: MetadataEdit, backup = false) => editMetadata(session, file, change, { backup });

  it('sets, replaces and deletes attributes of a scanline file, keeping pixels, other attributes and their order', async () => {
    const file = join(dir, 'scanline.exr');
    writeFileSync(file, writeExr(scanlinePart()));
    chmodSync(file, 0o640);
    const original = readFileSync(file);
    const result = await edit(file, {
      kind: 'set',
      assignments: [
        { tag: 'exr:owner', operation: '=', value: 'Jane' },
        { tag: 'exr:comments', operation: '=', value: 'graded; ünïcode' },
        { tag: 'exr:cameraFocus:float', operation: '=', value: '2.5' },
        { tag: 'exr:count', operation: '=', value: '42' },
        { tag: 'exr:worldToCamera', operation: '=', value: '1,0,0,0,0,1,0,0,0,0,1,0,10,20,30,1' },
        { tag: 'exr:tags:stringvector', operation: '=', value: 'plate, approved' },
        { tag: 'Make', operation: '=', value: 'ARRI' },
        { tag: 'GPSLatitude', operation: '=', value: '-33.8568' },
        { tag: 'DateTimeOriginal', operation: '=', value: '2024-05-06T07:08:09' },
      ],
    });
    assert.equal(result.changed, true);
    const edited = readFileSync(file);
    assertChunksKept(original, edited);
    assertPixelsKept(original, edited);
    assert.equal(statSync(file).mode & 0o777, 0o640, 'permissions kept');
    const part = readExrHeader(edited).parts[0]!;
    const names = part.attributes.map((a) => a.name);
    const originalNames = readExrHeader(original).parts[0]!.attributes.map((a) => a.name);
    const value = (name: string) => part.attributes.find((a) => a.name === name);
    assert.deepEqual(value('owner'), { name: 'owner', type: 'string', value: 'Jane' });
    assert.equal(names.indexOf('owner'), originalNames.indexOf('owner'), 'a replaced attribute keeps its place');
    assert.deepEqual(names.slice(0, originalNames.length), originalNames, 'new attributes come after the old ones');
    assert.equal(value('comments')!.value, 'graded; ünïcode');
    assert.deepEqual(value('cameraFocus'), { name: 'cameraFocus', type: 'float', value: 2.5 });
    assert.deepEqual(value('count'), { name: 'count', type: 'int', value: 42 });
    assert.equal(value('worldToCamera')!.type, 'm44f');
    assert.deepEqual(value('tags')!.value, ['plate', 'approved']);
    assert.deepEqual(value('cameraMake'), { name: 'cameraMake', type: 'string', value: 'ARRI' });
    assert.equal(value('latitude')!.type, 'float');
    assert.equal(value('capDate')!.value, '2024:05:06 07:08:09');
    assert.deepEqual(value('framesPerSecond')!.value, { numerator: 24000, denominator: 1001 }, 'untouched attributes kept');
    assert.deepEqual(value('timeCode')!.value, { timeAndFlags: 0x01020304, userData: 7 });

    const { tags } = await readMetadata(session, file);
    assert.equal(tags.Make, 'ARRI');
    assert.equal(tags.GPSLatitude, -33.8568, 'read back as the shortest decimal of the float');
    assert.equal(tags.DateTimeOriginal, '2024:05:06 07:08:09');
    assert.equal(tags['exr:owner'], 'Jane');
    assert.deepEqual(tags['exr:framesPerSecond'], { numerator: 24000, denominator: 1001 });

    const deleted = await edit(file, { kind: 'delete', tags: ['exr:owner', 'GPS:all', 'Make'] });
    assert.equal(deleted.changed, true);
    const afterDelete = readFileSync(file);
    assertChunksKept(original, afterDelete);
    const left = readExrHeader(afterDelete).parts[0]!.attributes.map((a) => a.name);
    for (const gone of ['owner', 'latitude', 'cameraMake']) assert.ok(!left.includes(gone), gone);
    assert.ok(left.includes('capDate'));

    await edit(file, { kind: 'delete', tags: ['all'] });
    const bare = readExrHeader(readFileSync(file)).parts[0]!.attributes.map((a) => a.name);
    assert.deepEqual(bare.sort(), ['channels', 'compression', 'dataWindow', 'displayWindow', 'lineOrder', 'pixelAspectRatio', 'screenWindowCenter', 'screenWindowWidth'].sort());
    assertPixelsKept(original, readFileSync(file));
    assert.deepEqual(readdirSync(dir).sort(), ['scanline.exr'], 'no temporaries or backups left');
  });

  it('changes nothing, not even the modification time, when an edit has no effect', async () => {
    const file = join(dir, 'same.exr');
    writeFileSync(file, writeExr(scanlinePart()));
    const stats = statSync(file);
    const bytes = readFileSync(file);
    assert.equal((await edit(file, { kind: 'set', assignments: [{ tag: 'exr:owner', operation: '=', value: 'First Owner' }] })).changed, false);
    assert.equal((await edit(file, { kind: 'delete', tags: ['exr:nothingHere', 'XMP:all'] })).changed, false);
    assert.ok(readFileSync(file).equals(bytes));
    assert.equal(statSync(file).mtimeMs, stats.mtimeMs);
  });

  it('edits every part of a multi-part file and of a tiled file', async () => {
    const multi = join(dir, 'multi.exr');
    writeFileSync(multi, writeExr([scanlinePart('left'), { ...scanlinePart('right'), compression: 'piz' }]));
    const tiled = join(dir, 'tiled.exr');
    writeFileSync(tiled, writeExr({ ...scanlinePart(), tiles: { xSize: 16, ySize: 16, levelMode: 'mipmap', roundingMode: 'down' } }));
    for (const file of [multi, tiled]) {
      const original = readFileSync(file);
      await edit(file, { kind: 'set', assignments: [{ tag: 'exr:owner', operation: '=', value: 'Studio' }] });
      const edited = readFileSync(file);
      assertChunksKept(original, edited);
      assertPixelsKept(original, edited);
      for (const part of readExrHeader(edited).parts) assert.equal(part.attributes.find((a) => a.name === 'owner')!.value, 'Studio');
    }
    const { tags } = await readMetadata(session, multi);
    assert.equal(tags['exr:owner'], 'Studio');
    assert.equal(tags['exr:part1:owner'], 'Studio');
    assert.equal(tags['exr:part1:name'], 'right');
  });

  it('sets the long-names flag when a name passes 31 bytes', async () => {
    const file = join(dir, 'long.exr');
    writeFileSync(file, writeExr(scanlinePart()));
    assert.equal(readExrHeader(readFileSync(file)).flags.longNames, false);
    const long = 'com.example.pipeline.reviewStatusOfThisShot';
    await edit(file, { kind: 'set', assignments: [{ tag: `exr:${long}`, operation: '=', value: 'approved' }] });
    const header = readExrHeader(readFileSync(file));
    assert.equal(header.flags.longNames, true);
    assert.equal(header.parts[0]!.attributes.find((a) => a.name === long)!.value, 'approved');
  });

  it('keeps the original beside the file with backup, as ExifTool does', async () => {
    const file = join(dir, 'backup.exr');
    writeFileSync(file, writeExr(scanlinePart()));
    const original = readFileSync(file);
    const result = await edit(file, { kind: 'set', assignments: [{ tag: 'exr:owner', operation: '=', value: 'B' }] }, true);
    assert.equal(result.backup, `${file}_original`);
    assert.ok(readFileSync(`${file}_original`).equals(original));
    await edit(file, { kind: 'set', assignments: [{ tag: 'exr:owner', operation: '=', value: 'C' }] }, true);
    assert.ok(readFileSync(`${file}_original`).equals(original), 'an existing backup keeps the first original');
  });

  it('copies attributes from one EXR file to another, and the shared tags across formats', async () => {
    const source = join(dir, 'source.exr');
    writeFileSync(source, writeExr({ ...scanlinePart(), attributes: [...scanlinePart().attributes!, { name: 'capDate', type: 'string', value: '2023:02:03 04:05:06' }] }));
    const target = join(dir, 'target.exr');
    writeFileSync(target, writeExr({ ...scanlinePart(), attributes: [] }));
    await edit(target, { kind: 'copy', source });
    const copied = readExrHeader(readFileSync(target)).parts[0]!.attributes;
    assert.equal(copied.find((a) => a.name === 'owner')!.value, 'First Owner');
    assert.deepEqual(copied.find((a) => a.name === 'timeCode')!.value, { timeAndFlags: 0x01020304, userData: 7 }, 'types that cannot be written from text copy as stored');
    assert.equal(copied.find((a) => a.name === 'dataWindow')!.type, 'box2i');
    const only = join(dir, 'only.exr');
    writeFileSync(only, writeExr({ ...scanlinePart(), attributes: [] }));
    await edit(only, { kind: 'copy', source, tags: ['DateTimeOriginal'] });
    const names = readExrHeader(readFileSync(only)).parts[0]!.attributes.map((a) => a.name);
    assert.ok(names.includes('capDate') && !names.includes('owner'));
  });

  it('refuses to touch what describes the pixels, and values that do not fit the type', async () => {
    const file = join(dir, 'refuse.exr');
    writeFileSync(file, writeExr(scanlinePart()));
    const bytes = readFileSync(file);
    const attempts: [MetadataEdit, string][] = [
      [{ kind: 'set', assignments: [{ tag: 'exr:compression', operation: '=', value: 'piz' }] }, 'META_BAD_TAG'],
      [{ kind: 'delete', tags: ['exr:dataWindow'] }, 'META_BAD_TAG'],
      [{ kind: 'set', assignments: [{ tag: 'exr:framesPerSecond', operation: '=', value: 'fast' }] }, 'META_BAD_TAG'],
      [{ kind: 'set', assignments: [{ tag: 'exr:timeCode', operation: '=', value: '01:02:03:04' }] }, 'META_BAD_TAG'],
      [{ kind: 'set', assignments: [{ tag: 'exr:n:int', operation: '=', value: '1.5' }] }, 'META_BAD_TAG'],
      [{ kind: 'set', assignments: [{ tag: 'exr:v:v3f', operation: '=', value: '1,2' }] }, 'META_BAD_TAG'],
      [{ kind: 'set', assignments: [{ tag: 'Keywords', operation: '=', value: 'x' }] }, 'META_UNSUPPORTED'],
      [{ kind: 'set', assignments: [{ tag: 'exr:owner', operation: '+=', value: 'x' }] }, 'META_UNSUPPORTED'],
    ];
    for (const [change, code] of attempts) {
      await assert.rejects(edit(file, change), (error: unknown) => isVfxError(error) && error.code === code, JSON.stringify(change));
    }
    assert.ok(readFileSync(file).equals(bytes));
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('refuse')), ['refuse.exr']);
  });

  it('encodes values as OpenEXR lays them out', () => {
    const bytes = (type: Parameters<typeof parseExrValue>[1], text: string) => Array.from(encodeExrValue(parseExrValue('x', type, text)));
    assert.deepEqual(bytes('int', '-2'), [0xfe, 0xff, 0xff, 0xff]);
    assert.deepEqual(bytes('string', 'ab'), [0x61, 0x62]);
    assert.deepEqual(bytes('stringvector', 'a,bc'), [1, 0, 0, 0, 0x61, 2, 0, 0, 0, 0x62, 0x63]);
    assert.deepEqual(bytes('rational', '24000/1001'), [0xc0, 0x5d, 0, 0, 0xe9, 0x03, 0, 0]);
    assert.deepEqual(bytes('v2i', '1 2'), [1, 0, 0, 0, 2, 0, 0, 0]);
    assert.equal(bytes('m44d', Array(16).fill('1').join(',')).length, 128);
    assert.equal(bytes('box2i', '0,0,1919,1079').length, 16);
    assert.equal(bytes('chromaticities', '0.64,0.33,0.3,0.6,0.15,0.06,0.3127,0.329').length, 32);
  });

  it('reads only the header bytes of a big file', async () => {
    const file = join(dir, 'header-only.exr');
    const part = scanlinePart();
    const pixels = { width: 1000, height: 400, compression: 'none' as const, channels: [{ name: 'Y', type: 'float' as const, data: ramp(400_000, 1) }] };
    writeFileSync(file, writeExr({ ...pixels, attributes: [...part.attributes!, { name: 'big', type: 'string', value: 'x'.repeat(200_000) }] }));
    const head = await readExrHead(file);
    assert.equal(head.header.parts[0]!.attributes.find((a) => a.name === 'big')!.type, 'string');
    assert.ok(head.bytes.length < statSync(file).size);
    assert.equal(splitStoredAttributes(head.header.parts[0]!.raw).length, head.header.parts[0]!.attributes.length);
  });

  describe('on the real OpenEXR samples', { skip: noReal }, () => {
    const samples = [
      'openexr-images/Beachball/multipart.0001.exr',
      'openexr/v1.7.test.tiled.exr',
      'openexr-images/MultiResolution/ColorCodedLevels.exr',
      'openexr-images/Chromaticities/Rec709_YC.exr',
      'openexr-images/v2/LowResLeftView/Trunks.exr',
      'openexr/deep/11.deep.exr',
      'openexr/comp_dwab_v2.exr',
      'openexr/python-tests/unfinished_multipart.exr',
    ].filter((f) => !noReal && existsSync(join(realExr, f)));
    for (const sample of samples) {
      it(`keeps the chunks of ${sample}${noExrheader ? '' : ' (and exrheader reads the result)'}`, async () => {
        const file = join(dir, sample.replaceAll('/', '_'));
        copyFileSync(join(realExr, sample), file);
        chmodSync(file, 0o644);
        const original = readFileSync(file);
        await edit(file, {
          kind: 'set',
          assignments: [
            { tag: 'exr:owner', operation: '=', value: 'vfxkit test' },
            { tag: 'exr:com.example.aVeryLongAttributeNameIndeed', operation: '=', value: '1.5' },
          ],
        });
        const edited = readFileSync(file);
        assertChunksKept(original, edited);
        if (!sample.includes('unfinished')) assertPixelsKept(original, edited);
        if (!noExrheader) {
          const result = spawnSync('exrheader', [file], { encoding: 'utf8' });
          assert.equal(result.status, 0, result.stderr);
          assert.match(result.stdout, /owner \(type string\): "vfxkit test"/);
          assert.match(result.stdout, /com\.example\.aVeryLongAttributeNameIndeed \(type float\): 1\.5/);
        }
      });
    }
  });
});
