/**
 * A real kill: a child process renumbers 3,000 frames with an overlapping offset (1-3000 -> 2-3001,
 * then back) and is SIGKILLed at chosen delays, so that kills land before the journal exists, in
 * phase 1, in phase 2 and after completion (the first, uninterrupted run). After each kill, recoverJournal (auto) must leave every
 * frame exactly once, with its own content, and nothing else but what a kill may leave behind
 * (a torn write of the journal, which removeStaleTemps removes).
 *
 * Each kill comes a random few milliseconds after an event the parent observes (the child's "ready"
 * line, the journal appearing, the first file landing), so every phase is reached on a fast or a
 * slow machine. The uninterrupted first run is the "after completion" case.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { findJournals, readJournal, recoverJournal, removeStaleTemps } from '@vfxkit/core/node';
import { expectedFrames, listTree, makeTemporaryDirectory, writeFrames } from './fixtures/frames.js';

const driver = fileURLToPath(new URL('./fixtures/renumber-driver.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const frameCount = 3000;

interface DriverRun {
  /** ms after "ready" when phase 2 began / the batch returned, when the child got that far. */
  phase2: number | undefined;
  done: number | undefined;
  killed: boolean;
}

/**
 * When to kill: `delay` ms after an anchor the parent can observe. `ready`: the child is about to
 * call moveFiles (validation comes first, so a short delay lands before the journal exists).
 * `journal`: the journal file appeared in the directory (fs.watch), i.e. phase 1 is starting.
 * `phase2`: the child reported the first file landing. Anchors make the phases reachable whatever
 * the speed of the machine; the delays are random.
 */
interface Kill {
  anchor: 'ready' | 'journal' | 'phase2';
  delay: number;
}

/** Runs the driver on frames `first..first+2999` with `offset`, killing it as `kill` says. */
function runDriver(dir: string, first: number, offset: number, kill: Kill | undefined): Promise<DriverRun> {
  return new Promise((resolve, reject) => {
    const run: DriverRun = { phase2: undefined, done: undefined, killed: false };
    let timer: NodeJS.Timeout | undefined;
    let watcher: FSWatcher | undefined;
    const killLater = (): void => {
      timer ??= setTimeout(() => {
        run.killed = child.kill('SIGKILL');
      }, kill?.delay ?? 0);
    };
    if (kill?.anchor === 'journal') {
      watcher = watch(dir, (_event, name) => {
        if (typeof name === 'string' && /^\.vfx-journal-.*\.json$/.test(name)) {
          watcher?.close();
          killLater();
        }
      });
    }
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', driver, dir, String(first), String(first + frameCount - 1), String(offset)],
      { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
    let output = '';
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      let newline: number;
      while ((newline = output.indexOf('\n')) >= 0) {
        const [word, value] = output.slice(0, newline).split(' ');
        output = output.slice(newline + 1);
        if (word === 'phase2') run.phase2 = Number(value);
        if (word === 'done') run.done = Number(value);
        if (word === kill?.anchor) killLater();
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      watcher?.close();
      run.killed = signal === 'SIGKILL';
      if (!run.killed && code !== 0) reject(new Error(`driver exited with ${String(code)}: ${errors}`));
      else resolve(run);
    });
  });
}

/** Which of the two layouts the frames are in: 0 (frame N at N) or 1 (frame N at N+1). */
function layoutOf(listing: Record<string, string>): 0 | 1 | undefined {
  for (const position of [0, 1] as const) {
    const expected = expectedFrames('', 'f', 1, frameCount, position);
    if (Object.keys(listing).length === frameCount && Object.entries(expected).every(([name, content]) => listing[name] === content)) return position;
  }
  return undefined;
}

describe('a real kill -9 during moveFiles', () => {
  let dir: string;
  before(async () => {
    dir = await makeTemporaryDirectory('crash');
    await writeFrames(dir, 'f', 1, frameCount);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('recovers every frame after SIGKILL in each phase', { timeout: 60_000 }, async (context) => {
    let layout: 0 | 1 = 0;
    const runNext = (kill: Kill | undefined): Promise<DriverRun> => (layout === 0 ? runDriver(dir, 1, 1, kill) : runDriver(dir, 2, -1, kill));

    // One uninterrupted run, for the timings.
    const calibration = await runNext(undefined);
    assert.equal(calibration.killed, false);
    layout = 1;
    assert.equal(layoutOf(await listTree(dir)), 1);

    /** The state each kill found: 'none' (no journal, nothing moved), the journal's state, or
     *  'completed' (no journal, everything moved; the kill came too late). */
    const outcomes: Array<{ kill: Kill; state: string }> = [];
    const killAt = async (kill: Kill): Promise<void> => {
      const before = layout;
      const run = await runNext(kill);
      const journals = await findJournals(dir);
      let state: string;
      if (journals.length === 0) {
        const found = layoutOf(await listTree(dir));
        assert.ok(found !== undefined, `killed ${kill.delay} ms after ${kill.anchor} without a journal, and the frames are mixed`);
        state = found === before ? 'none' : 'completed';
      } else {
        assert.equal(journals.length, 1);
        const journal = journals[0] as string;
        state = (await readJournal(journal)).state;
        const recovered = await recoverJournal(journal);
        assert.deepEqual(recovered.problems, []);
      }
      // A kill can leave a torn journal write (a .vfx-tmp- file); nothing else may remain.
      for (const removed of await removeStaleTemps(dir, { all: true })) assert.match(removed, /\.vfx-journal-.*\.json\.vfx-tmp-/);
      const found = layoutOf(await listTree(dir));
      assert.ok(found !== undefined, `killed ${kill.delay} ms after ${kill.anchor}, state ${state} (${run.killed ? 'killed' : 'finished'}): frames lost, duplicated or mixed after recovery`);
      if (state === 'prepared') assert.equal(found, before, 'a batch killed in phase 1 is rolled back');
      if (state === 'phase1-done') assert.notEqual(found, before, 'a batch killed in phase 2 is completed');
      layout = found;
      outcomes.push({ kill, state });
    };

    const random = (limit: number): number => Math.floor(Math.random() * limit);
    for (let round = 0; round < 2; round++) {
      await killAt({ anchor: 'ready', delay: random(5) });
      await killAt({ anchor: 'journal', delay: random(3) });
      await killAt({ anchor: 'phase2', delay: random(15) });
    }
    // A very fast or a very loaded machine may let a phase slip past its kill: try the missing
    // ones again with no delay at all.
    const anchors = { none: 'ready', prepared: 'journal', 'phase1-done': 'phase2' } as const;
    for (const [state, anchor] of Object.entries(anchors)) {
      for (let attempt = 0; attempt < 3 && !outcomes.some((outcome) => outcome.state === state); attempt++) {
        await killAt({ anchor, delay: 0 });
      }
    }

    const seen = new Set(outcomes.map((outcome) => outcome.state));
    const summary = outcomes.map((outcome) => `${outcome.kill.anchor}+${outcome.kill.delay}ms:${outcome.state}`).join(' ');
    context.diagnostic(`uninterrupted: phase 2 at ${calibration.phase2 ?? '?'} ms, done at ${calibration.done ?? '?'} ms after ready; kills: ${summary}`);
    for (const state of ['none', 'prepared', 'phase1-done']) assert.ok(seen.has(state), `no kill landed in ${state}: ${summary}`);
  });
});
