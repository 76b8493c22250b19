import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VfxError } from '@vfxkit/core';
import { copyFileSafe, removeStaleTemps, writeFileAtomic } from '@vfxkit/core/node';
import { listTree, makeTemporaryDirectory } from './fixtures/frames.js';

/** An assert.rejects predicate: a VfxError with this code, naming `file`, whose message matches. */
function vfxError(code: string, file?: string, message?: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof VfxError, `expected a VfxError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (file !== undefined) assert.equal(error.file, file);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  };
}

describe('writeFileAtomic', () => {
  let root: string;
  before(async () => {
    root = await makeTemporaryDirectory('atomic');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes a new file and leaves no temporary', async () => {
    const dir = join(root, 'new');
    await mkdir(dir);
    await writeFileAtomic(join(dir, 'a.json'), '{"a":1}');
    await writeFileAtomic(join(dir, 'b.bin'), new Uint8Array([1, 2, 3]));
    assert.deepEqual(await listTree(dir), { 'a.json': '{"a":1}', 'b.bin': '\u0001\u0002\u0003' });
  });

  it('refuses to replace an existing file without force, and replaces it with force', async () => {
    const dir = join(root, 'existing');
    await mkdir(dir);
    const path = join(dir, 'plate.json');
    await writeFile(path, 'old');
    await assert.rejects(writeFileAtomic(path, 'new'), vfxError('WOULD_OVERWRITE', path, /already exists/));
    assert.deepEqual(await listTree(dir), { 'plate.json': 'old' });
    await writeFileAtomic(path, 'new', { force: true, mode: 0o600 });
    assert.deepEqual(await listTree(dir), { 'plate.json': 'new' });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  it('lets exactly one of many concurrent writers create the file (no check-then-write race)', async () => {
    const dir = join(root, 'race');
    await mkdir(dir);
    const path = join(dir, 'once.txt');
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, index) => writeFileAtomic(path, `writer ${index}`)));
    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    assert.equal(winners.length, 1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') assert.equal((outcome.reason as VfxError).code, 'WOULD_OVERWRITE');
    }
    const listing = await listTree(dir);
    assert.deepEqual(Object.keys(listing), ['once.txt']);
    assert.match(listing['once.txt'] ?? '', /^writer \d+$/);
  });

  it('reports a missing directory as NOT_FOUND naming the file', async () => {
    const path = join(root, 'missing', 'a.json');
    await assert.rejects(writeFileAtomic(path, 'x'), vfxError('NOT_FOUND', path, /directory .*missing does not exist/));
  });
});

describe('copyFileSafe', () => {
  let root: string;
  before(async () => {
    root = await makeTemporaryDirectory('copy');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('copies, preserving mode and times, and verifies by size or hash', async () => {
    const dir = join(root, 'plain');
    await mkdir(dir);
    const source = join(dir, 'a.0001.exr');
    await writeFile(source, 'frame 1 pixels');
    await chmod(source, 0o640);
    const mtime = new Date('2020-02-03T04:05:06Z');
    await utimes(source, mtime, mtime);

    const sized = await copyFileSafe(source, join(dir, 'b.0001.exr'));
    assert.deepEqual(sized, { bytes: 14 });
    const hashed = await copyFileSafe(source, join(dir, 'c.0001.exr'), { verify: 'hash' });
    assert.equal(hashed.hash, createHash('sha256').update('frame 1 pixels').digest('hex'));
    for (const name of ['b.0001.exr', 'c.0001.exr']) {
      const copied = await stat(join(dir, name));
      assert.equal(copied.mode & 0o777, 0o640);
      assert.equal(copied.mtime.getTime(), mtime.getTime());
    }
    const unpreserved = await copyFileSafe(source, join(dir, 'd.0001.exr'), { preserve: false });
    assert.equal(unpreserved.bytes, 14);
    assert.notEqual((await stat(join(dir, 'd.0001.exr'))).mtime.getTime(), mtime.getTime());
    assert.deepEqual(Object.keys(await listTree(dir)), ['a.0001.exr', 'b.0001.exr', 'c.0001.exr', 'd.0001.exr']);
  });

  it('refuses to overwrite without force, replaces with force', async () => {
    const dir = join(root, 'overwrite');
    await mkdir(dir);
    await writeFile(join(dir, 'from'), 'new');
    await writeFile(join(dir, 'to'), 'old');
    await assert.rejects(copyFileSafe(join(dir, 'from'), join(dir, 'to')), vfxError('WOULD_OVERWRITE', join(dir, 'to'), /--force/));
    assert.equal(await readFile(join(dir, 'to'), 'utf8'), 'old');
    await copyFileSafe(join(dir, 'from'), join(dir, 'to'), { force: true });
    assert.deepEqual(await listTree(dir), { from: 'new', to: 'new' });
  });

  it('names the file in every error: missing source, directory source, directory destination', async () => {
    const dir = join(root, 'errors');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'file'), 'x');
    await assert.rejects(copyFileSafe(join(dir, 'nope'), join(dir, 'out')), vfxError('NOT_FOUND', join(dir, 'nope'), /does not exist/));
    await assert.rejects(copyFileSafe(join(dir, 'sub'), join(dir, 'out')), vfxError('BAD_USAGE', join(dir, 'sub'), /not a regular file/));
    await assert.rejects(copyFileSafe(join(dir, 'file'), join(dir, 'sub'), { force: true }), vfxError('BAD_USAGE', join(dir, 'sub'), /is a directory/));
    await assert.rejects(copyFileSafe(join(dir, 'file'), join(dir, 'no-dir', 'out')), vfxError('NOT_FOUND'));
    assert.deepEqual(Object.keys(await listTree(dir)), ['file']);
  });

  it('is cancelled by a signal, before or during the copy, leaving no temporary', async () => {
    const dir = join(root, 'cancel');
    await mkdir(dir);
    const big = join(dir, 'big.exr');
    await writeFile(big, new Uint8Array(24 * 1024 * 1024));
    await assert.rejects(copyFileSafe(big, join(dir, 'early.exr'), { signal: AbortSignal.abort() }), vfxError('CANCELLED', big));
    const controller = new AbortController();
    const copying = copyFileSafe(big, join(dir, 'late.exr'), { signal: controller.signal, verify: 'hash' });
    setImmediate(() => controller.abort());
    await assert.rejects(copying, vfxError('CANCELLED', big, /cancelled/));
    assert.deepEqual(Object.keys(await listTree(dir)), ['big.exr']);
  });
});

describe('removeStaleTemps', () => {
  it('removes vfx temporaries (recent ones only when told), never journal temporaries or other files', async () => {
    const dir = await makeTemporaryDirectory('stale');
    try {
      await writeFile(join(dir, 'a.0001.exr'), 'frame 1');
      await writeFile(join(dir, '.a.0002.exr.vfx-tmp-0123456789ab'), 'partial');
      await writeFile(join(dir, '.a.0003.exr.vfx-move-lz0-0a0b0c0d-3'), 'frame 3, held by a journal');
      await writeFile(join(dir, '.a.0004.exr.vfx-tmp-not-ours'), 'not ours');
      // Written after this process started: possibly a live write, so kept by default.
      assert.deepEqual(await removeStaleTemps(dir), []);
      assert.deepEqual(await removeStaleTemps(dir, { all: true }), [join(dir, '.a.0002.exr.vfx-tmp-0123456789ab')]);
      assert.deepEqual(Object.keys(await listTree(dir)), ['.a.0003.exr.vfx-move-lz0-0a0b0c0d-3', '.a.0004.exr.vfx-tmp-not-ours', 'a.0001.exr']);
      await assert.rejects(removeStaleTemps(join(dir, 'missing')), vfxError('NOT_FOUND', join(dir, 'missing')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
