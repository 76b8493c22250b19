import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VfxError } from '@vfxkit/core';
import { scanSequences, scanTree } from '@vfxkit/core/node';
import type { ScanDirectory, ScanOptions, ScanSequenceDirectory } from '@vfxkit/core/node';

async function collect(roots: string[], options?: ScanOptions): Promise<ScanDirectory[]> {
  const directories: ScanDirectory[] = [];
  for await (const directory of scanTree(roots, options)) directories.push(directory);
  return directories;
}

/** The scan as `{ 'dir relative to base': ['file', ...] }`, errors as `'!CODE'`, in yield order. */
function outline(directories: ScanDirectory[], base: string): Array<[string, string[] | string]> {
  return directories.map((directory) => [
    relative(base, directory.dir) || '.',
    directory.error !== undefined ? `!${directory.error.code}` : directory.files.map((file) => file.name),
  ]);
}

describe('scanTree', () => {
  let base: string;
  let tree: string;
  let outside: string;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'vfx-scan-'));
    tree = join(base, 'tree');
    outside = join(base, 'outside');
    // tree/
    //   a.0001.exr (10 B)  a.0002.EXR (20 B)  notes.txt  .hidden.exr  .cache/x.exr
    //   link-file.exr -> a.0001.exr   dangling.exr -> missing   link-sub -> sub   external -> ../outside/ext
    //   sub/ b.bgeo.sc  b.sc  deep/ c.exr  deep/loop -> ../..
    //   tmp/ d.exr
    // outside/ext/ e.exr  self -> .
    await mkdir(join(tree, 'sub', 'deep'), { recursive: true });
    await mkdir(join(tree, 'tmp'));
    await mkdir(join(tree, '.cache'));
    await mkdir(join(outside, 'ext'), { recursive: true });
    await writeFile(join(tree, 'a.0001.exr'), Buffer.alloc(10));
    await writeFile(join(tree, 'a.0002.EXR'), Buffer.alloc(20));
    await writeFile(join(tree, 'notes.txt'), 'notes');
    await writeFile(join(tree, '.hidden.exr'), '');
    await writeFile(join(tree, '.cache', 'x.exr'), '');
    await writeFile(join(tree, 'sub', 'b.bgeo.sc'), Buffer.alloc(3));
    await writeFile(join(tree, 'sub', 'b.sc'), '');
    await writeFile(join(tree, 'sub', 'deep', 'c.exr'), '');
    await writeFile(join(tree, 'tmp', 'd.exr'), '');
    await writeFile(join(outside, 'ext', 'e.exr'), '');
    await symlink('a.0001.exr', join(tree, 'link-file.exr'));
    await symlink('missing.exr', join(tree, 'dangling.exr'));
    await symlink('sub', join(tree, 'link-sub'));
    await symlink(join('..', 'outside', 'ext'), join(tree, 'external'));
    await symlink(join('..', '..'), join(tree, 'sub', 'deep', 'loop'));
    await symlink('.', join(outside, 'ext', 'self'));
  });

  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('lists a tree depth-first, sorted, leaving out hidden names, dangling links and linked directories', async () => {
    const directories = await collect([tree]);
    assert.deepEqual(outline(directories, tree), [
      ['.', ['a.0001.exr', 'a.0002.EXR', 'link-file.exr', 'notes.txt']],
      ['sub', ['b.bgeo.sc', 'b.sc']],
      ['sub/deep', ['c.exr']],
      ['tmp', ['d.exr']],
    ]);
    const [first, second, link] = directories[0]?.files ?? [];
    assert.deepEqual(
      { path: first?.path, size: first?.size, isSymlink: first?.isSymlink, isFile: ((first?.mode ?? 0) & 0o170000) === 0o100000 },
      { path: join(tree, 'a.0001.exr'), size: 10, isSymlink: false, isFile: true },
    );
    assert.equal(second?.size, 20);
    assert.ok((first?.mtimeMs ?? 0) > Date.now() - 60_000);
    // A link to a file is a file, with the size of its target.
    assert.deepEqual({ size: link?.size, isSymlink: link?.isSymlink }, { size: 10, isSymlink: true });
  });

  it('keeps relative roots relative', async () => {
    const directories = await collect([relative(process.cwd(), join(tree, 'sub'))]);
    assert.equal(directories[0]?.files[0]?.path, join(relative(process.cwd(), join(tree, 'sub')), 'b.bgeo.sc'));
    // A trailing separator is dropped from the directories it yields.
    const trailing = await collect([`${join(tree, 'tmp')}/`]);
    assert.deepEqual(trailing.map((directory) => [directory.dir, directory.files[0]?.path]), [[join(tree, 'tmp'), join(tree, 'tmp', 'd.exr')]]);
  });

  it('filters by extension: case-insensitive, with or without the dot, multi-part', async () => {
    const directories = await collect([tree], { extensions: ['exr', '.BGEO.SC'] });
    assert.deepEqual(outline(directories, tree), [
      ['.', ['a.0001.exr', 'a.0002.EXR', 'link-file.exr']],
      ['sub', ['b.bgeo.sc']],
      ['sub/deep', ['c.exr']],
      ['tmp', ['d.exr']],
    ]);
  });

  it('filters by include and exclude globs on the path relative to the root', async () => {
    // A glob without a slash matches names at any depth.
    assert.deepEqual(outline(await collect([tree], { include: ['*.exr'] }), tree), [
      ['.', ['a.0001.exr', 'link-file.exr']],
      ['sub', []],
      ['sub/deep', ['c.exr']],
      ['tmp', ['d.exr']],
    ]);
    assert.deepEqual(outline(await collect([tree], { include: ['sub/**'] }), tree), [
      ['.', []],
      ['sub', ['b.bgeo.sc', 'b.sc']],
      ['sub/deep', ['c.exr']],
      ['tmp', []],
    ]);
    // An excluded directory is not descended at all.
    assert.deepEqual(outline(await collect([tree], { exclude: ['tmp', 'sub/deep', '*.txt', 'a.*'] }), tree), [
      ['.', ['link-file.exr']],
      ['sub', ['b.bgeo.sc', 'b.sc']],
    ]);
  });

  it('lists hidden names when asked, and globs then match them', async () => {
    const directories = await collect([tree], { ignoreHidden: false, include: ['*.exr'] });
    assert.deepEqual(outline(directories, tree), [
      ['.', ['.hidden.exr', 'a.0001.exr', 'link-file.exr']],
      ['.cache', ['x.exr']],
      ['sub', []],
      ['sub/deep', ['c.exr']],
      ['tmp', ['d.exr']],
    ]);
  });

  it('stops at maxDepth, and lists only the root without recursion', async () => {
    assert.deepEqual(
      outline(await collect([tree], { maxDepth: 1, extensions: ['exr'] }), tree).map(([dir]) => dir),
      ['.', 'sub', 'tmp'],
    );
    assert.deepEqual(outline(await collect([tree], { recursive: false, extensions: ['exr'] }), tree), [['.', ['a.0001.exr', 'a.0002.EXR', 'link-file.exr']]]);
  });

  it('follows links to directories outside the root once, and never links back into it', async () => {
    const directories = await collect([tree], { followSymlinks: true, extensions: ['exr'] });
    // `external` leads out of the root: listed once (its `self` cycle is stopped by device and
    // inode). `link-sub` and `sub/deep/loop` lead back into the root: listed under their real path.
    assert.deepEqual(outline(directories, tree), [
      ['.', ['a.0001.exr', 'a.0002.EXR', 'link-file.exr']],
      ['external', ['e.exr']],
      ['sub', []],
      ['sub/deep', ['c.exr']],
      ['tmp', ['d.exr']],
    ]);
    assert.equal(directories[1]?.files[0]?.path, join(tree, 'external', 'e.exr'));
  });

  it('stops a cycle by device and inode when the cycle is the root itself', async () => {
    const directories = await collect([join(tree, 'external')], { followSymlinks: true });
    assert.deepEqual(outline(directories, tree), [['external', ['e.exr']]]);
    // Two roots naming one directory list it once.
    assert.equal((await collect([join(outside, 'ext'), join(tree, 'external')], { followSymlinks: true })).length, 1);
  });

  it('reports a missing root as NOT_FOUND and goes on with the next root', async () => {
    const missing = join(base, 'no-such-dir');
    const directories = await collect([missing, join(tree, 'tmp')]);
    assert.deepEqual(outline(directories, base), [
      ['no-such-dir', '!NOT_FOUND'],
      ['tree/tmp', ['d.exr']],
    ]);
    const error = directories[0]?.error;
    assert.ok(error instanceof VfxError);
    assert.equal(error.file, missing);
    assert.equal(error.category, 'io');
    assert.match(error.describe(), /no-such-dir: does not exist/);
  });

  it('takes file roots, grouping consecutive files of one directory', async () => {
    const directories = await collect([
      join(tree, 'a.0002.EXR'),
      join(tree, 'a.0001.exr'),
      join(tree, 'notes.txt'),
      join(tree, 'sub', 'b.sc'),
      join(tree, 'tmp'),
      join(tree, '.hidden.exr'),
    ], { extensions: ['exr', 'sc'] });
    // notes.txt is filtered out; a hidden file named explicitly is kept; files come sorted.
    assert.deepEqual(outline(directories, tree), [
      ['.', ['a.0001.exr', 'a.0002.EXR']],
      ['sub', ['b.sc']],
      ['tmp', ['d.exr']],
      ['.', ['.hidden.exr']],
    ]);
    assert.equal(directories[0]?.files[1]?.size, 20);
  });

  it('reports an unreadable directory as IO and goes on', async (context) => {
    if (process.getuid?.() === 0) {
      context.skip('running as root: chmod 000 does not stop root from reading a directory');
      return;
    }
    const locked = join(tree, 'locked');
    await mkdir(locked);
    await writeFile(join(locked, 'z.exr'), '');
    await chmod(locked, 0o000);
    try {
      const directories = await collect([tree], { extensions: ['exr'] });
      const entry = directories.find((directory) => directory.dir === locked);
      assert.equal(entry?.error?.code, 'IO');
      assert.equal(entry?.error?.file, locked);
      assert.deepEqual(entry?.files, []);
      assert.ok(directories.some((directory) => directory.dir === join(tree, 'tmp')), 'the scan goes on after the failure');
    } finally {
      await chmod(locked, 0o755);
      await rm(locked, { recursive: true });
    }
  });

  it('throws CANCELLED when its signal aborts', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const directory of scanTree([tree], { signal: controller.signal })) {
          seen.push(directory.dir);
          controller.abort();
        }
      })(),
      (error: unknown) => error instanceof VfxError && error.code === 'CANCELLED',
    );
    assert.deepEqual(seen, [tree]);
  });

  it('rejects bad options with BAD_USAGE', async () => {
    const usage = (error: unknown): boolean => error instanceof VfxError && error.code === 'BAD_USAGE';
    await assert.rejects(collect([tree], { concurrency: 0 }), usage);
    await assert.rejects(collect([tree], { maxDepth: -1 }), usage);
    await assert.rejects(collect([tree], { extensions: ['.'] }), usage);
    await assert.rejects(collect(['']), usage);
  });
});

describe('scanTree on a wide tree', () => {
  let base: string;
  const wideCount = 20_000;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'vfx-scan-wide-'));
    // base/big/ holds 20,000 files; base/d00 ... base/d39 hold one file each.
    await mkdir(join(base, 'big'));
    const names = Array.from({ length: wideCount }, (_, index) => `plate.${String(index + 1).padStart(5, '0')}.exr`);
    for (let start = 0; start < names.length; start += 500) {
      await Promise.all(names.slice(start, start + 500).map((name, offset) => writeFile(join(base, 'big', name), Buffer.alloc((start + offset) % 7))));
    }
    for (let index = 0; index < 40; index++) {
      const dir = join(base, `d${String(index).padStart(2, '0')}`);
      await mkdir(dir);
      await writeFile(join(dir, 'one.exr'), '');
    }
  });

  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('lists a 20,000-file directory completely and in order', async () => {
    const began = performance.now();
    const directories = await collect([join(base, 'big')]);
    const elapsed = performance.now() - began;
    console.log(`scanned ${wideCount} files in one directory in ${elapsed.toFixed(0)} ms`);
    assert.equal(directories.length, 1);
    const files = directories[0]?.files ?? [];
    assert.equal(files.length, wideCount);
    assert.equal(files[0]?.name, 'plate.00001.exr');
    assert.equal(files[wideCount - 1]?.name, `plate.${wideCount}.exr`);
    assert.ok(files.every((file, index) => index === 0 || (files[index - 1]?.name ?? '') < file.name));
    assert.equal(files[12]?.size, 12 % 7);
  });

  it('streams: later directories are read after earlier ones are yielded', async () => {
    // A file created once the scan has yielded its first directories must be seen in a directory
    // the scan has not reached yet: proof that the tree is not read up front.
    const late = join(base, 'd39', 'late.exr');
    const order: string[] = [];
    let lateSeen = false;
    try {
      for await (const directory of scanTree([base], { concurrency: 2 })) {
        order.push(relative(base, directory.dir) || '.');
        if (order.length === 2) {
          assert.equal(order[1], 'big');
          await writeFile(late, '');
        }
        if (directory.dir === join(base, 'd39')) lateSeen = directory.files.some((file) => file.name === 'late.exr');
      }
    } finally {
      await rm(late, { force: true });
    }
    assert.equal(order.length, 42);
    assert.ok(lateSeen, 'a file created mid-scan in a directory not yet reached is listed');
  });
});

describe('scanSequences', () => {
  let base: string;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'vfx-scan-seq-'));
    // base/shot/ comp.1001-1005 without 1003 (sizes 1001 % 10 ...), matte.0001.exr alone, notes.txt
    // base/shot/sub/ fx.1.bgeo.sc ... fx.3.bgeo.sc
    await mkdir(join(base, 'shot', 'sub'), { recursive: true });
    for (const frame of [1001, 1002, 1004, 1005]) await writeFile(join(base, 'shot', `comp.${frame}.exr`), Buffer.alloc(frame % 10));
    await writeFile(join(base, 'shot', 'matte.0001.exr'), Buffer.alloc(7));
    await writeFile(join(base, 'shot', 'notes.txt'), 'abc');
    for (const frame of [1, 2, 3]) await writeFile(join(base, 'shot', 'sub', `fx.${frame}.bgeo.sc`), Buffer.alloc(100));
  });

  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('groups each directory into sequences with per-frame sizes, and single files', async () => {
    const directories: ScanSequenceDirectory[] = [];
    for await (const directory of scanSequences([base])) directories.push(directory);
    assert.deepEqual(
      directories.map((directory) => relative(base, directory.dir) || '.'),
      ['.', 'shot', 'shot/sub'],
    );
    const shot = directories[1];
    assert.ok(shot !== undefined);
    assert.equal(shot.bytes, 1 + 2 + 4 + 5 + 7 + 3);
    const [comp, matte, notes] = shot.groups;
    assert.ok(comp?.kind === 'sequence');
    assert.equal(String(comp.sequence), join(base, 'shot', 'comp.1001-1002,1004-1005#.exr'));
    assert.deepEqual(comp.frames, [1001, 1002, 1004, 1005]);
    assert.deepEqual(comp.missing, [1003]);
    assert.deepEqual(comp.frameSizes, [1, 2, 4, 5]);
    assert.equal(comp.bytes, 12);
    assert.deepEqual(comp.files.map((file) => file.name), ['comp.1001.exr', 'comp.1002.exr', 'comp.1004.exr', 'comp.1005.exr']);
    assert.deepEqual(matte && { kind: matte.kind, name: matte.kind === 'file' ? matte.name : '', bytes: matte.bytes }, { kind: 'file', name: 'matte.0001.exr', bytes: 7 });
    assert.deepEqual(notes && { kind: notes.kind, bytes: notes.bytes, path: notes.kind === 'file' ? notes.file.path : '' }, { kind: 'file', bytes: 3, path: join(base, 'shot', 'notes.txt') });
    const fx = directories[2]?.groups[0];
    assert.ok(fx?.kind === 'sequence');
    assert.deepEqual({ frames: fx.frames, bytes: fx.bytes, padding: fx.sequence.padding }, { frames: [1, 2, 3], bytes: 300, padding: 1 });
  });

  it('passes the scan filters and minFrames through', async () => {
    const directories: ScanSequenceDirectory[] = [];
    for await (const directory of scanSequences([join(base, 'shot')], { extensions: ['exr'], recursive: false, minFrames: 5 })) directories.push(directory);
    assert.equal(directories.length, 1);
    // Four frames are too few for minFrames 5: they come as single files, with their frames.
    assert.deepEqual(
      directories[0]?.groups.map((group) => (group.kind === 'file' ? [group.name, group.frame] : group.kind)),
      [
        ['comp.1001.exr', 1001],
        ['comp.1002.exr', 1002],
        ['comp.1004.exr', 1004],
        ['comp.1005.exr', 1005],
        ['matte.0001.exr', 1],
      ],
    );
  });
});
