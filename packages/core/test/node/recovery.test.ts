/**
 * Recovery from every state: each batch is stopped after k file operations (the `_stopAfter` hook
 * throws where a kill would land, with no rollback), for every k from "before the journal exists"
 * to "done", and recovered in each mode. Then the whole tree must be exactly the state before the
 * batch (rolled back) or exactly the state after it (completed): every frame once, with its own
 * content, and no temporary, journal or lock marker left.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findJournals, readJournal, recoverJournal } from '@vfxkit/core/node';
import type { RecoveryDirection } from '@vfxkit/core/node';
import { expectedFrames, listTree } from './fixtures/frames.js';
import { createBench, run, scenarios, snapshot } from './fixtures/scenarios.js';
import type { Bench, Scenario } from './fixtures/scenarios.js';

let bench: Bench;
before(async () => {
  bench = await createBench('recovery');
});
after(async () => {
  await bench.dispose();
});

describe('recovery after a stop at every file operation', () => {
  for (const scenario of scenarios) {
    it(scenario.name, async (context) => {
      if (scenario.needsOtherDevice === true && bench.otherRoot === undefined) {
        context.skip('no second file system (/dev/shm) here');
        return;
      }
      const reference = await bench.referenceStates(scenario);
      const expected = (direction: RecoveryDirection): Record<string, string> => (direction === 'back' ? reference.before : reference.after);
      const statesSeen = new Set<string>();
      const modesSeen = new Set<string>();
      let stops = 0;
      // For each stop: recover with 'auto', then (on a second copy of the scene) with the explicit
      // mode that differs from what auto chose in that state. The explicit mode that equals auto's
      // choice runs the very same code, so it is not repeated.
      for (let stopAfter = 0; ; stopAfter++) {
        let completed = false;
        let modes: Array<'auto' | 'forward' | 'back'> = ['auto'];
        for (let index = 0; index < modes.length; index++) {
          const mode = modes[index] ?? 'auto';
          const { dir, other } = await bench.freshScene(scenario);
          if (await run(scenario, dir, other, { _stopAfter: stopAfter })) {
            completed = true;
            break;
          }
          stops++;
          const unique = [...new Set([...(await findJournals(dir)), ...(await findJournals(other))])];
          if (unique.length === 0) {
            statesSeen.add('no journal');
            assert.deepEqual(await snapshot(dir, other), reference.before, `stop after ${stopAfter}: no journal, so nothing may have changed`);
            continue;
          }
          assert.equal(unique.length, 1);
          const journal = unique[0] as string;
          const state = (await readJournal(journal)).state;
          statesSeen.add(state);
          if (mode === 'auto') {
            if (state === 'phase2-done') {
              // Complete: rolling back is refused (and changes nothing); auto then finishes it.
              await assert.rejects(recoverJournal(journal, { mode: 'back' }), /already completed/);
              modesSeen.add('back (refused)');
            } else {
              modes = ['auto', state === 'prepared' ? 'forward' : 'back'];
            }
          }
          const recovery = await recoverJournal(journal, { mode });
          modesSeen.add(`${mode} from ${state}`);
          assert.deepEqual(recovery.problems, []);
          assert.equal(recovery.direction, mode !== 'auto' ? mode : state === 'prepared' ? 'back' : 'forward');
          assert.deepEqual(await snapshot(dir, other), expected(recovery.direction), `stop after ${stopAfter}, state ${state}, recovered ${mode}`);
        }
        if (completed) break;
      }
      for (const mode of ['auto from prepared', 'forward from prepared', 'auto from phase1-done', 'back from phase1-done']) {
        assert.ok(modesSeen.has(mode), `never recovered ${mode}`);
      }
      assert.ok(stops > 10);
      // A batch with nothing to clean up (no replaced file, no cross-device source) has no phase2-done.
      const cleansUp = scenario.options?.force === true || scenario.needsOtherDevice === true;
      const states = ['no journal', 'prepared', 'phase1-done', ...(cleansUp ? ['phase2-done'] : [])];
      assert.deepEqual([...statesSeen].sort(), states.sort());
    });
  }
});

// A file appearing after the journal was written, in a place the batch will not use, is left alone.
describe('recovery leaves unrelated files alone', () => {
  it('keeps a file written beside an interrupted batch', async () => {
    const scenario = scenarios[0] as Scenario;
    const { dir, other } = await bench.freshScene(scenario);
    assert.equal(await run(scenario, dir, other, { _stopAfter: 10 }), false);
    await writeFile(join(dir, 'notes.txt'), 'unrelated');
    const [journal] = await findJournals(dir);
    assert.ok(journal !== undefined);
    const result = await recoverJournal(journal);
    assert.deepEqual(await listTree(dir), { ...expectedFrames('', 'a', 1, 6, result.direction === 'back' ? 0 : 1), 'notes.txt': 'unrelated' });
  });
});
