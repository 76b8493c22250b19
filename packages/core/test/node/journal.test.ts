import assert from 'node:assert/strict';
import { stat as fsStat, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { VfxError } from '@vfxkit/core';
import type { ProgressEvent } from '@vfxkit/core';
import { copyFiles, findJournals, moveFiles, readJournal, recoverJournal } from '@vfxkit/core/node';
import { expectedFrames, framePairs, frameName, isSimulatedCrash, listDirectories, listTree, makeTemporaryDirectory, writeFrames } from './fixtures/frames.js';

function vfxError(code: string, file?: string, message?: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof VfxError, `expected a VfxError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (file !== undefined) assert.equal(error.file, file);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  };
}

let root: string;
let serial = 0;
/** A fresh directory for one test. */
async function scene(): Promise<string> {
  const dir = join(root, `scene-${serial++}`);
  await mkdir(dir);
  return dir;
}

before(async () => {
  root = await makeTemporaryDirectory('journal');
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('moveFiles validation (nothing is touched when a check fails)', () => {
  it('lists missing sources with NOT_FOUND', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 3);
    const before = await listTree(dir);
    const pairs = framePairs(dir, 'a', dir, 'b', 1, 10, 0);
    await assert.rejects(
      moveFiles(pairs),
      vfxError('NOT_FOUND', join(dir, frameName('a', 4)), /^7 source files do not exist: .*a\.0004\.exr, .*a\.0008\.exr \(and 2 more\)$/),
    );
    assert.deepEqual(await listTree(dir), before);
  });

  it('refuses a source or a destination named in two pairs', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 2);
    const [one, two] = [join(dir, frameName('a', 1)), join(dir, frameName('a', 2))];
    await assert.rejects(
      moveFiles([{ from: one, to: join(dir, 'x') }, { from: two, to: join(dir, 'x') }]),
      vfxError('BAD_USAGE', join(dir, 'x'), /destination appears in two pairs/),
    );
    await assert.rejects(
      moveFiles([{ from: one, to: join(dir, 'x') }, { from: one, to: join(dir, 'y') }]),
      vfxError('BAD_USAGE', one, /source appears in two pairs \(to .*x and to .*y\)/),
    );
    await assert.rejects(moveFiles([{ from: one, to: '' }]), vfxError('BAD_USAGE', undefined, /pair 0 needs a "from" and a "to"/));
    assert.deepEqual(Object.keys(await listTree(dir)), [frameName('a', 1), frameName('a', 2)]);
  });

  it('refuses sources that are not regular files and destinations that are directories', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 1);
    await mkdir(join(dir, 'folder'));
    await symlink(frameName('a', 1), join(dir, 'link.exr'));
    await assert.rejects(moveFiles([{ from: join(dir, 'folder'), to: join(dir, 'x') }]), vfxError('BAD_USAGE', undefined, /1 source is not a regular file: .*folder \(a directory\)/));
    await assert.rejects(moveFiles([{ from: join(dir, 'link.exr'), to: join(dir, 'x') }]), vfxError('BAD_USAGE', undefined, /link\.exr \(a symbolic link\)/));
    await assert.rejects(
      moveFiles([{ from: join(dir, frameName('a', 1)), to: join(dir, 'folder') }], { force: true }),
      vfxError('BAD_USAGE', join(dir, 'folder'), /1 destination is a directory/),
    );
    await assert.rejects(
      moveFiles([{ from: join(dir, frameName('a', 1)), to: join(dir, frameName('a', 1), 'inside.exr') }]),
      vfxError('BAD_USAGE', join(dir, frameName('a', 1)), /is a file, not a directory/),
    );
  });

  it('lists existing destinations with WOULD_OVERWRITE, unless they are sources of the batch', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 10);
    await writeFrames(dir, 'b', 1, 7);
    const before = await listTree(dir);
    // a.1-10 -> a.2-11 is fine (each destination but 11 is vacated by the batch) ...
    await moveFiles(framePairs(dir, 'a', dir, 'a', 1, 10, 1), { dryRun: true });
    // ... a.1-10 -> b.1-10 is not: b.1-7 exist outside the batch.
    await assert.rejects(
      moveFiles(framePairs(dir, 'a', dir, 'b', 1, 10, 0)),
      vfxError('WOULD_OVERWRITE', join(dir, frameName('b', 1)), /^7 destinations exist and would be overwritten: .*b\.0001\.exr, .*b\.0005\.exr \(and 2 more\); nothing was changed\. Use force \(--force\)/),
    );
    await assert.rejects(moveFiles(framePairs(dir, 'a', dir, 'b', 1, 1, 0)), vfxError('WOULD_OVERWRITE', undefined, /^1 destination exists/));
    assert.deepEqual(await listTree(dir), before);
  });

  it('refuses with LOCKED while a directory holds a pending journal', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 5);
    await assert.rejects(moveFiles(framePairs(dir, 'a', dir, 'a', 1, 5, 1), { _stopAfter: 4 }), isSimulatedCrash);
    const [journal] = await findJournals(dir);
    assert.ok(journal !== undefined);
    await assert.rejects(
      moveFiles(framePairs(dir, 'a', join(dir, 'other'), 'a', 1, 2, 0)),
      vfxError('LOCKED', journal, /pending journal .*run 'vfx seq recover .*scene-\d+'/),
    );
    await recoverJournal(journal);
    assert.deepEqual(await listTree(dir), expectedFrames('', 'a', 1, 5));
  });

  it('never runs two batches at once in one directory (the second, or both, get LOCKED)', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 30);
    const outcomes = await Promise.allSettled([
      moveFiles(framePairs(dir, 'a', dir, 'a', 1, 30, 1)),
      moveFiles(framePairs(dir, 'a', join(dir, 'elsewhere'), 'b', 1, 30, 0)),
    ]);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') assert.equal((outcome.reason as VfxError).code, 'LOCKED');
    }
    assert.ok(outcomes.some((outcome) => outcome.status === 'rejected'));
    const after = await listTree(dir);
    const possible = [expectedFrames('', 'a', 1, 30), expectedFrames('', 'a', 1, 30, 1), expectedFrames('elsewhere', 'b', 1, 30)];
    assert.ok(possible.some((state) => isDeepStrictEqual(state, after)), `unexpected state: ${Object.keys(after).slice(0, 5).join(', ')}`);
  });

  it('dryRun returns the plan and touches nothing (not even the directories to create)', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 3);
    await writeFile(join(dir, 'c.0001.exr'), 'old c 1');
    const before = await listTree(dir);
    const pairs = [...framePairs(dir, 'a', join(dir, 'new', 'deeper'), 'b', 1, 2, 0), { from: join(dir, frameName('a', 3)), to: join(dir, 'c.0001.exr') }];
    const result = await moveFiles(pairs, { dryRun: true, force: true });
    assert.equal(result.dryRun, true);
    assert.equal(result.files, 0);
    assert.equal(result.replaced, 1);
    assert.deepEqual(result.createdDirectories, [join(dir, 'new'), join(dir, 'new', 'deeper')]);
    assert.deepEqual(
      result.plan.map((pair) => [basename(pair.from), basename(pair.to), pair.replaces]),
      [['a.0001.exr', 'b.0001.exr', false], ['a.0002.exr', 'b.0002.exr', false], ['a.0003.exr', 'c.0001.exr', true]],
    );
    assert.match(result.journal ?? '', /\.vfx-journal-[0-9a-z]+-[0-9a-f]{8}\.json$/);
    assert.deepEqual(await listTree(dir), before);
    assert.deepEqual(await listDirectories(dir), []);
  });
});

describe('moveFiles', () => {
  it('renumbers 1-100 to 2-101 and back (overlapping pairs), reporting progress', async () => {
    const dir = await scene();
    await writeFrames(dir, 'shot', 1, 100);
    const events: ProgressEvent[] = [];
    const forward = await moveFiles(framePairs(dir, 'shot', dir, 'shot', 1, 100, 1), { onProgress: (event) => events.push(event) });
    assert.equal(forward.files, 100);
    assert.deepEqual(await listTree(dir), expectedFrames('', 'shot', 1, 100, 1));
    assert.equal(events.length, 100);
    assert.deepEqual(events.at(-1), { completed: 100, total: 100, bytes: 0, item: events.at(-1)?.item, outcome: 'ok' });
    const back = await moveFiles(framePairs(dir, 'shot', dir, 'shot', 2, 101, -1));
    assert.equal(back.files, 100);
    assert.deepEqual(await listTree(dir), expectedFrames('', 'shot', 1, 100));
  });

  it('swaps two files and rotates a cycle of three', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 5);
    const path = (frame: number) => join(dir, frameName('a', frame));
    await moveFiles([{ from: path(1), to: path(2) }, { from: path(2), to: path(1) }]);
    await moveFiles([{ from: path(3), to: path(4) }, { from: path(4), to: path(5) }, { from: path(5), to: path(3) }]);
    assert.deepEqual(await listTree(dir), {
      [frameName('a', 1)]: 'frame 2',
      [frameName('a', 2)]: 'frame 1',
      [frameName('a', 3)]: 'frame 5',
      [frameName('a', 4)]: 'frame 3',
      [frameName('a', 5)]: 'frame 4',
    });
  });

  it('renames the base name, moves to a new directory, and counts unchanged pairs', async () => {
    const dir = await scene();
    await writeFrames(dir, 'old', 1, 20);
    const renamed = await moveFiles(framePairs(dir, 'old', dir, 'new', 1, 20, 0));
    assert.equal(renamed.files, 20);
    assert.deepEqual(await listTree(dir), expectedFrames('', 'new', 1, 20));
    const target = join(dir, 'comp', 'v002');
    const moved = await moveFiles([...framePairs(dir, 'new', target, 'new', 1, 19, 100), { from: join(dir, frameName('new', 20)), to: join(dir, frameName('new', 20)) }]);
    assert.equal(moved.files, 19);
    assert.equal(moved.unchanged, 1);
    assert.deepEqual(moved.createdDirectories, [join(dir, 'comp'), target]);
    assert.deepEqual(await listTree(dir), { ...expectedFrames(join('comp', 'v002'), 'new', 1, 19, 100), [frameName('new', 20)]: 'frame 20' });
  });

  it('replaces existing files with force, and a rollback restores them', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 6);
    await writeFrames(dir, 'b', 1, 3, (frame) => `old b ${frame}`);
    const before = await listTree(dir);
    // Stop in phase 2 (after the journal, 3 asides, 6 renames, the phase marker and 2 placements),
    // then roll back: the replaced b frames come back.
    await assert.rejects(moveFiles(framePairs(dir, 'a', dir, 'b', 1, 6, 0), { force: true, _stopAfter: 13 }), isSimulatedCrash);
    const [journal] = await findJournals(dir);
    assert.ok(journal !== undefined);
    assert.equal((await readJournal(journal)).state, 'phase1-done');
    const recovered = await recoverJournal(journal, { mode: 'back' });
    assert.equal(recovered.direction, 'back');
    assert.deepEqual(recovered.problems, []);
    assert.deepEqual(await listTree(dir), before);

    const result = await moveFiles(framePairs(dir, 'a', dir, 'b', 1, 6, 0), { force: true });
    assert.equal(result.replaced, 3);
    assert.deepEqual(await listTree(dir), expectedFrames('', 'b', 1, 6));
  });

  it('undoes everything when cancelled part way, and throws CANCELLED', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 50);
    const before = await listTree(dir);
    await assert.rejects(moveFiles(framePairs(dir, 'a', dir, 'a', 1, 50, 1), { signal: AbortSignal.abort() }), vfxError('CANCELLED', undefined, /cancelled/));
    const controller = new AbortController();
    await assert.rejects(
      moveFiles(framePairs(dir, 'a', join(dir, 'sub'), 'a', 1, 50, 1), {
        signal: controller.signal,
        onProgress: (event) => {
          if (event.completed === 10) controller.abort();
        },
      }),
      vfxError('CANCELLED', undefined, /the batch was undone/),
    );
    assert.deepEqual(await listTree(dir), before);
    assert.deepEqual(await listDirectories(dir), []);
  });

  it('rolls back when a file appears at a destination while it runs', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 40);
    const before = await listTree(dir);
    const intruder = join(dir, frameName('b', 40));
    await assert.rejects(
      moveFiles(framePairs(dir, 'a', dir, 'b', 1, 40, 0), {
        onProgress: (event) => {
          // A renderer writes b.0040 while phase 2 runs.
          if (event.completed === 1) void writeFile(intruder, 'rendered meanwhile');
        },
      }),
      vfxError('WOULD_OVERWRITE', intruder, /the batch was undone/),
    );
    assert.deepEqual(await listTree(dir), { ...before, [frameName('b', 40)]: 'rendered meanwhile' });
  });

  it('finds a journal through the lock marker of another directory', async () => {
    const dir = await scene();
    await writeFrames(join(dir, 'from'), 'a', 1, 4);
    await assert.rejects(moveFiles(framePairs(join(dir, 'from'), 'a', join(dir, 'to'), 'a', 1, 4, 0), { _stopAfter: 8 }), isSimulatedCrash);
    const [journal] = await findJournals(join(dir, 'to'));
    assert.ok(journal !== undefined);
    assert.equal(journal.startsWith(join(dir, 'from')), true);
    assert.deepEqual(await findJournals(journal), [journal]);
    // The lock is reported before anything else (here, before the missing source).
    await assert.rejects(moveFiles([{ from: join(dir, 'x'), to: join(dir, 'to', 'x') }]), vfxError('LOCKED', journal));
    await writeFile(join(dir, 'x'), 'x');
    await assert.rejects(moveFiles([{ from: join(dir, 'x'), to: join(dir, 'to', 'x') }]), vfxError('LOCKED', journal));
    const result = await recoverJournal(join(dir, 'to', '..', 'from', basename(journal)));
    assert.equal(result.state, 'phase1-done');
    assert.equal(result.direction, 'forward');
    assert.deepEqual(await findJournals(join(dir, 'to')), []);
    assert.deepEqual(await listTree(dir), { ...expectedFrames('to', 'a', 1, 4), x: 'x' });
  });
});

describe('moveFiles across file systems', () => {
  let other: string | undefined;
  before(async () => {
    // /dev/shm is a tmpfs on Linux, another device than the temporary directory's.
    try {
      const [shm, tmp] = await Promise.all([fsStat('/dev/shm'), fsStat(root)]);
      if (shm.dev !== tmp.dev) other = await makeTemporaryDirectory('journal-device', '/dev/shm');
    } catch {
      other = undefined;
    }
  });
  after(async () => {
    if (other !== undefined) await rm(other, { recursive: true, force: true });
  });

  it('copies, verifies and deletes the sources when every copy landed; or refuses with crossDevice: fail', async (context) => {
    if (other === undefined) {
      context.skip('no second file system (/dev/shm) here');
      return;
    }
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 12);
    await assert.rejects(moveFiles(framePairs(dir, 'a', other, 'a', 1, 12, 0), { crossDevice: 'fail' }), vfxError('BAD_USAGE', join(dir, frameName('a', 1)), /another file system/));
    const result = await moveFiles(framePairs(dir, 'a', other, 'a', 1, 12, 0), { verify: 'hash' });
    assert.equal(result.crossDevice, 12);
    assert.equal(result.bytes, 12 * 7 + 3 * 1);
    assert.deepEqual(await listTree(dir), {});
    assert.deepEqual(await listTree(other), expectedFrames('', 'a', 1, 12));
    // And back, stopped in the middle of phase 2, then rolled back and completed.
    await assert.rejects(moveFiles(framePairs(other, 'a', dir, 'a', 1, 12, 0), { _stopAfter: 22 }), isSimulatedCrash);
    const [journal] = await findJournals(dir);
    assert.ok(journal !== undefined);
    await recoverJournal(journal, { mode: 'back' });
    assert.deepEqual(await listTree(other), expectedFrames('', 'a', 1, 12));
    assert.deepEqual(await listTree(dir), {});
    await moveFiles(framePairs(other, 'a', dir, 'a', 1, 12, 0));
    assert.deepEqual(await listTree(dir), expectedFrames('', 'a', 1, 12));
    assert.deepEqual(await listTree(other), {});
  });
});

describe('copyFiles', () => {
  it('copies a sequence to another directory, one frame to many names, and refuses to overwrite', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 10);
    const result = await copyFiles(framePairs(dir, 'a', join(dir, 'copy'), 'a', 1, 10, 0));
    assert.equal(result.files, 10);
    assert.equal(result.bytes, 9 * 7 + 8);
    const hold = Array.from({ length: 3 }, (_, index) => ({ from: join(dir, frameName('a', 1)), to: join(dir, frameName('hold', index + 1)) }));
    await copyFiles(hold);
    assert.deepEqual(await listTree(dir), {
      ...expectedFrames('', 'a', 1, 10),
      ...expectedFrames('copy', 'a', 1, 10),
      ...expectedFrames('', 'hold', 1, 3, 0, () => 'frame 1'),
    });
    await assert.rejects(copyFiles(framePairs(dir, 'a', dir, 'a', 1, 10, 1)), vfxError('WOULD_OVERWRITE', undefined, /^9 destinations exist/));
  });

  it('copies onto its own overlapping sources with force (all reads come first)', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 10);
    const result = await copyFiles(framePairs(dir, 'a', dir, 'a', 1, 10, 1), { force: true });
    assert.equal(result.replaced, 9);
    assert.deepEqual(await listTree(dir), { [frameName('a', 1)]: 'frame 1', ...expectedFrames('', 'a', 1, 10, 1) });
  });

  it('recovers a stopped copy batch back (copies removed) or forward (copies completed)', async () => {
    for (const mode of ['back', 'forward'] as const) {
      const dir = await scene();
      await writeFrames(dir, 'a', 1, 8);
      await assert.rejects(copyFiles(framePairs(dir, 'a', join(dir, 'out'), 'b', 1, 8, 0), { _stopAfter: 6 }), isSimulatedCrash);
      const [journal] = await findJournals(dir);
      assert.ok(journal !== undefined);
      assert.equal((await readJournal(journal)).operation, 'copy');
      const result = await recoverJournal(journal, { mode });
      assert.equal(result.state, 'prepared');
      const copies = mode === 'forward' ? expectedFrames('out', 'b', 1, 8) : {};
      assert.deepEqual(await listTree(dir), { ...expectedFrames('', 'a', 1, 8), ...copies });
      assert.deepEqual(await listDirectories(dir), mode === 'forward' ? ['out'] : []);
    }
  });
});

describe('recoverJournal', () => {
  it('rejects a corrupt or unknown journal with BAD_JOURNAL naming it, touching nothing', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 3);
    await assert.rejects(moveFiles(framePairs(dir, 'a', dir, 'a', 1, 3, 1), { _stopAfter: 3 }), isSimulatedCrash);
    const [journal] = await findJournals(dir);
    assert.ok(journal !== undefined);
    const good = await readFile(journal, 'utf8');
    const before = await listTree(dir);
    const corruptions: Array<[string, RegExp]> = [
      [good.slice(0, good.length / 2), /not valid JSON/],
      [good.replace('"version":1', '"version":9'), /version 9, this vfxkit reads version 1/],
      [good.replace('"operation":"move"', '"operation":"shred"'), /unknown operation "shred"/],
      [good.replace(/"temporary":"[^"]*"/, '"temporary":"/etc/passwd"'), /not a temporary name of this journal/],
      [JSON.stringify({ hello: 'world' }), /"format" is not "vfxkit-journal"/],
    ];
    for (const [text, message] of corruptions) {
      await writeFile(journal, text);
      await assert.rejects(recoverJournal(journal), vfxError('BAD_JOURNAL', journal, message));
      assert.deepEqual(await listTree(dir), { ...before, [basename(journal)]: text });
    }
    await writeFile(journal, good);
    await recoverJournal(journal);
    assert.deepEqual(await listTree(dir), expectedFrames('', 'a', 1, 3));
    await assert.rejects(recoverJournal(journal), vfxError('NOT_FOUND', journal, /already recovered/));
  });

  it('refuses (LOCKED) to recover a journal whose owner is still running, unless taken over', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 3);
    await assert.rejects(moveFiles(framePairs(dir, 'a', dir, 'a', 1, 3, 1), { _stopAfter: 3 }), isSimulatedCrash);
    const [journal] = await findJournals(dir);
    assert.ok(journal !== undefined);
    // Make the parent of this test process (alive for sure) the owner.
    const text = await readFile(journal, 'utf8');
    await writeFile(journal, text.replace(/"pid":\d+/, `"pid":${process.ppid}`));
    await assert.rejects(recoverJournal(journal), vfxError('LOCKED', journal, new RegExp(`process ${process.ppid} .* may still be running`)));
    const result = await recoverJournal(journal, { takeOver: true });
    assert.equal(result.direction, 'back');
    assert.deepEqual(await listTree(dir), expectedFrames('', 'a', 1, 3));
  });

  it('refuses to roll back a batch that completed, and finishes it forward', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 3);
    await writeFrames(dir, 'b', 1, 3, (frame) => `old b ${frame}`);
    // journal, 3 asides, 3 renames, marker, 3 placements, marker: then stop before the clean-up.
    await assert.rejects(moveFiles(framePairs(dir, 'a', dir, 'b', 1, 3, 0), { force: true, _stopAfter: 12 }), isSimulatedCrash);
    const [journal] = await findJournals(dir);
    assert.ok(journal !== undefined);
    assert.equal((await readJournal(journal)).state, 'phase2-done');
    await assert.rejects(recoverJournal(journal, { mode: 'back' }), vfxError('BAD_USAGE', journal, /already completed/));
    const result = await recoverJournal(journal);
    assert.equal(result.direction, 'forward');
    assert.deepEqual(await listTree(dir), expectedFrames('', 'b', 1, 3));
  });

  it('leaves a file that took a needed name alone, keeps the journal, and succeeds once it is moved away', async () => {
    const dir = await scene();
    await writeFrames(dir, 'a', 1, 4);
    // Stop in phase 1, then something new appears at a.0002 (vacated by the batch).
    await assert.rejects(moveFiles(framePairs(dir, 'a', dir, 'a', 1, 4, 1), { _stopAfter: 4 }), isSimulatedCrash);
    const [journal] = await findJournals(dir);
    assert.ok(journal !== undefined);
    const blocked = await readJournal(journal);
    const held = blocked.entries.filter((entry) => entry.temporary !== undefined).map((entry) => entry.from);
    const intruder = held[0];
    assert.ok(intruder !== undefined);
    await writeFile(intruder, 'intruder');
    await assert.rejects(recoverJournal(journal, { mode: 'back' }), vfxError('WOULD_OVERWRITE', undefined, /cannot take their names .* journal .* was kept/));
    assert.deepEqual(await findJournals(dir), [journal]);
    await rm(intruder);
    await recoverJournal(journal);
    assert.deepEqual(await listTree(dir), expectedFrames('', 'a', 1, 4));
  });
});
