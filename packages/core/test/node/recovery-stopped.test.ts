/**
 * Recovery is itself safe to kill: batches stopped in each phase are recovered, the recovery is
 * stopped after every one of its file operations (the `_stopAfter` hook), and a second, plain
 * recovery must still leave exactly the state before or after the batch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findJournals, readJournal, recoverJournal } from '@vfxkit/core/node';
import { isSimulatedCrash } from './fixtures/frames.js';
import { createBench, run, scenarios, snapshot } from './fixtures/scenarios.js';
import type { Bench } from './fixtures/scenarios.js';

let bench: Bench;
before(async () => {
  bench = await createBench('recovery-stopped');
});
after(async () => {
  await bench.dispose();
});

describe('recovery that is itself stopped, then run again', () => {
  for (const scenario of scenarios) {
    it(scenario.name, async (context) => {
      if (scenario.needsOtherDevice === true && bench.otherRoot === undefined) {
        context.skip('no second file system (/dev/shm) here');
        return;
      }
      const reference = await bench.referenceStates(scenario);
      const total = await bench.countOperations(scenario);
      // Four places spread over the batch, from inside phase 1 to the clean-up.
      const stops = [...new Set(Array.from({ length: 4 }, (_, index) => Math.max(1, Math.round(((index + 0.5) * total) / 4))))];
      let checked = 0;
      for (const stopAfter of stops) {
        for (const mode of ['auto', 'back'] as const) {
          for (let recoveryStop = 0; ; recoveryStop++) {
            const { dir, other } = await bench.freshScene(scenario);
            assert.equal(await run(scenario, dir, other, { _stopAfter: stopAfter }), false);
            const [journal] = await findJournals(dir);
            if (journal === undefined) break;
            const state = (await readJournal(journal)).state;
            if (mode === 'back' && state === 'phase2-done') break;
            try {
              await recoverJournal(journal, { mode, _stopAfter: recoveryStop });
              break;
            } catch (error) {
              if (!isSimulatedCrash(error)) throw error;
            }
            // Run again, as a user would after the recovery was killed: plain auto, which goes on
            // in the direction the first recovery chose.
            const chosen = (await readJournal(journal)).recovering;
            const again = await recoverJournal(journal);
            assert.deepEqual(again.problems, []);
            if (chosen !== undefined) assert.equal(again.direction, chosen);
            const expected = again.direction === 'back' ? reference.before : reference.after;
            assert.deepEqual(await snapshot(dir, other), expected, `batch stopped after ${stopAfter}, ${mode} recovery after ${recoveryStop}`);
            checked++;
          }
        }
      }
      assert.ok(checked > 20, `only ${checked} interrupted recoveries checked`);
    });
  }
});

