/**
 * `vfx exr check`: whole files pass; truncated renders (a file cut short, a render killed before
 * its offset table was written) and corrupted chunks are found, named, and exit 1; sequences are
 * checked in parallel.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readExrHeader, writeExr } from '@vfxkit/exr';
import { runVfx, spawnVfxSync, tempDir } from './helpers.js';
import { generateExrs, hasTool, listExrs, realExrDir, skipReasons } from './exr-helpers.js';

const real = realExrDir();
const haveTools = hasTool('oiiotool') && hasTool('exrmaketiled') && hasTool('exrmultipart');
const skipTools = !haveTools ? skipReasons.oiiotool : false;

let scratch: string;
let cleanup: () => void;
let generated: Record<string, string> = {};
/** A smooth 96 x 200 half RGB image in ZIP: 13 chunks of 16 lines, each deflated (so a damaged
 *  byte shows: chunks of noise would be stored raw, and damage to raw samples cannot be seen). */
let gradient: string;

before(() => {
  ({ dir: scratch, cleanup } = tempDir('vfx-exr-check-'));
  if (haveTools) generated = generateExrs(scratch);
  const width = 96;
  const height = 200;
  const plane = (scale: number) => Float32Array.from({ length: width * height }, (_, i) => ((i % width) / width) * scale + Math.floor(i / width) / height);
  gradient = join(scratch, 'gradient.exr');
  writeFileSync(gradient, writeExr({ width, height, compression: 'zip', channels: ['R', 'G', 'B'].map((name, c) => ({ name, type: 'half' as const, data: plane(c + 1) })) }));
});
after(() => cleanup());

interface CheckJson {
  ok: boolean;
  checked: number;
  bad: number;
  files: { file: string; frame?: number; ok: boolean; chunks: number; missingChunks: number; badChunks: number; problems: { code: string; message: string; chunk?: number }[] }[];
}

/** The file offsets of the chunks of part 0. */
function chunkOffsets(bytes: Uint8Array): number[] {
  const header = readExrHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: header.parts[0]!.chunkCount }, (_, i) => Number(view.getBigUint64(header.offsetTablesOffset + i * 8, true)));
}

/** A render killed mid-write: OpenEXR fills the offset table in at the end, so it is all zeros,
 *  and the file stops inside the chunks. */
function killedRender(source: string, target: string, keep: number): void {
  const bytes = new Uint8Array(readFileSync(source));
  const header = readExrHeader(bytes);
  const entries = header.parts.reduce((n, p) => n + p.chunkCount, 0);
  bytes.fill(0, header.offsetTablesOffset, header.offsetTablesOffset + entries * 8);
  writeFileSync(target, bytes.subarray(0, Math.floor(bytes.length * keep)));
}

/** Overwrites the middle of chunk `index`'s packed data. */
function corruptChunk(source: string, target: string, index: number): void {
  const bytes = new Uint8Array(readFileSync(source));
  const offsets = chunkOffsets(bytes);
  const start = offsets[index]! + 8;
  const end = offsets[index + 1] ?? bytes.length;
  bytes.fill(0xa5, start + Math.floor((end - start) / 3), start + Math.floor((end - start) / 3) + 24);
  writeFileSync(target, bytes);
}

describe('vfx exr check', () => {
  it('passes whole files: scanline, tiled with MIP levels, multi-part, every compression made here', { skip: skipTools }, async () => {
    const result = await runVfx(['exr', 'check', ...Object.values(generated)]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^${Object.keys(generated).length} files checked: all ok$`, 'm'));
  });

  it('finds a truncated render and says how much is missing (exit 1)', async () => {
    const cut = join(scratch, 'cut.exr');
    const bytes = readFileSync(gradient);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.55)));
    const result = await runVfx(['exr', 'check', cut]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^vfx: ${cut}: \\d+ of 13 chunks are missing \\(offset table entries that are 0 or past the end of the file, from chunk \\d+\\): the file is incomplete`, 'm'));
    assert.match(result.stdout, /1 file checked: 1 bad/);

    const killed = join(scratch, 'killed.exr');
    killedRender(gradient, killed, 0.7);
    const json = await runVfx(['exr', 'check', '--json', killed]);
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout) as CheckJson;
    assert.equal(report.ok, false);
    assert.equal(report.bad, 1);
    assert.equal(report.files[0]!.missingChunks, 13);
    assert.equal(report.files[0]!.problems[0]!.code, 'EXR_TRUNCATED');
    assert.match(report.files[0]!.problems[0]!.message, /13 of 13 chunks are missing/);

    // Cut inside the headers or the offset table.
    for (const length of [3, 40, readExrHeader(new Uint8Array(bytes)).offsetTablesOffset + 20]) {
      const short = join(scratch, `short-${length}.exr`);
      writeFileSync(short, bytes.subarray(0, length));
      const shortResult = await runVfx(['exr', 'check', '--json', short]);
      assert.equal(shortResult.code, 1, `${length} bytes`);
      assert.equal((JSON.parse(shortResult.stdout) as CheckJson).files[0]!.problems[0]!.code, 'EXR_TRUNCATED', `${length} bytes`);
    }
  });

  it('finds a corrupted chunk and names it', async () => {
    const damaged = join(scratch, 'damaged.exr');
    corruptChunk(gradient, damaged, 3);
    const result = await runVfx(['exr', 'check', '--json', damaged]);
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout) as CheckJson;
    const file = report.files[0]!;
    assert.equal(file.ok, false);
    assert.equal(file.missingChunks, 0);
    assert.equal(file.badChunks, 1);
    assert.equal(file.problems[0]!.code, 'EXR_CORRUPT_CHUNK');
    assert.equal(file.problems[0]!.chunk, 3);
    assert.match(file.problems[0]!.message, /scanline block at y 48 \(chunk 3\)/);
    const human = await runVfx(['exr', 'check', damaged]);
    assert.match(human.stderr, new RegExp(`^vfx: ${damaged}: scanline block at y 48 \\(chunk 3\\): .*\\(1 chunks unreadable\\)$`, 'm'));
  });

  it('checks a sequence in parallel and lists the bad frames', async () => {
    const dir = join(scratch, 'render');
    mkdirSync(dir);
    for (let frame = 1001; frame <= 1012; frame++) copyFileSync(gradient, join(dir, `beauty.${frame}.exr`));
    killedRender(gradient, join(dir, 'beauty.1004.exr'), 0.4);
    corruptChunk(gradient, join(dir, 'beauty.1009.exr'), 5);
    const result = await runVfx(['exr', 'check', '-j', '3', join(dir, 'beauty.#.exr')]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^.*beauty\.1001-1012#\.exr: bad frames 1004,1009$/m);
    assert.match(result.stdout, /^12 files checked: 2 bad$/m);
    assert.match(result.stderr, /beauty\.1004\.exr: 13 of 13 chunks are missing/);
    assert.match(result.stderr, /beauty\.1009\.exr: scanline block at y 80 \(chunk 5\)/);
    const json = JSON.parse((await runVfx(['exr', 'check', '--json', '-j', '2', join(dir, 'beauty.1003-1005#.exr')])).stdout) as CheckJson;
    assert.deepEqual(
      json.files.map((f) => [f.frame, f.ok]),
      [
        [1003, true],
        [1004, false],
        [1005, true],
      ],
    );
    assert.equal(json.checked, 3);
    // The same as a real process (worker threads started by the CLI itself).
    const spawned = spawnVfxSync(['exr', 'check', '-j', '2', join(dir, 'beauty.1001-1005#.exr')]);
    assert.equal(spawned.code, 1, spawned.stderr);
    assert.match(spawned.stdout, /bad frames 1004$/m);
  });

  it('flags the broken real files and passes the others', { skip: !real ? skipReasons.real : false }, async () => {
    const { valid, invalid } = listExrs(real!);
    const result = await runVfx(['exr', 'check', '--json', '-j', '4', ...valid, ...invalid]);
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout) as CheckJson;
    const bad = report.files.filter((f) => !f.ok).map((f) => f.file.slice(real!.length + 1));
    // Every file of invalid/ but one is bad; scanline_with_deeptiled_type.exr has a contradicting
    // `type` attribute, which OpenEXR itself ignores for single-part files (the version flags say
    // scanline), and its pixels are whole. Of the others, two are incomplete on purpose.
    const expected = [
      ...invalid.map((f) => f.slice(real!.length + 1)).filter((f) => !f.endsWith('scanline_with_deeptiled_type.exr')),
      'openexr/python-tests/unfinished_multipart.exr',
      'openexr/tiled.exr',
    ].sort();
    assert.deepEqual(bad.sort(), expected);
    const unfinished = report.files.find((f) => f.file.endsWith('unfinished_multipart.exr'))!;
    assert.match(unfinished.problems[0]!.message, /part 2 \('Part2'\): 1 of 1 chunks are missing/);
  });
});
