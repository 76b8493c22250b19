/**
 * The crash test of issue 2: a real `vfx seq renumber` of a few thousand frames, with an overlapping
 * range, killed with SIGKILL at different points; `vfx seq recover` must then complete or roll back
 * the operation with every frame's content where it belongs, none lost and none duplicated.
 */
import assert from 'node:assert/strict';
import { watch, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { range, spawnVfx, spawnVfxSync, tempDir, writeFrames } from './helpers.js';

const FRAMES = 3000;
const name = (frame: number): string => `plate.${String(frame).padStart(4, '0')}.exr`;

/**
 * Spawns the renumber and SIGKILLs it `delayMs` after its journal appears (`phase: 1`, the sources
 * being set aside) or after the journal records that phase 1 is done (`phase: 2`, the files going to
 * their new names). Resolves 'finished' when the renumber ended before the kill.
 */
function renumberAndKill(dir: string, phase: 1 | 2, delayMs: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawnVfx(['seq', 'renumber', join(dir, 'plate.#.exr'), '--offset', '7']);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let armed = false;
    const watcher = watch(dir, (_event, file) => {
      if (armed || !file || !/^\.vfx-journal-.*\.json$/.test(String(file))) return;
      if (phase === 2) {
        let text = '';
        try {
          text = readFileSync(join(dir, String(file)), 'utf8');
        } catch {
          return; // replaced or removed between the event and the read
        }
        if (!text.includes('"phase1-done"')) return;
      }
      armed = true;
      watcher.close();
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      watcher.close();
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`renumber exited ${code}: ${stderr}`));
    });
  });
}

/** Every original frame's content is at exactly one place: its old name or its new name. */
function assertEveryFrameOnce(dir: string, expect: 'old' | 'new' | 'either'): 'old' | 'new' {
  const visible = readdirSync(dir).filter((n) => !n.startsWith('.'));
  const hidden = readdirSync(dir).filter((n) => n.startsWith('.'));
  assert.deepEqual(hidden, [], 'no temporary files or journals left');
  assert.equal(visible.length, FRAMES, 'no frame lost or duplicated');
  const content = (frame: number): string => readFileSync(join(dir, name(frame)), 'utf8');
  const oldLayout = visible.includes(name(1)) && visible.includes(name(2));
  const layout = oldLayout ? 'old' : 'new';
  if (expect !== 'either') assert.equal(layout, expect);
  const shift = layout === 'old' ? 0 : 7;
  for (let frame = 1; frame <= FRAMES; frame++) {
    assert.equal(content(frame + shift), `frame ${frame}\n`, `frame ${frame} at ${name(frame + shift)}`);
  }
  return layout;
}

describe('crash safety of vfx seq renumber', { timeout: 180_000 }, () => {
  it('recovers from SIGKILL at any point with every frame intact', async () => {
    const outcomes: string[] = [];
    const kills: [1 | 2, number][] = [
      [1, 0],
      [1, 5],
      [1, 40],
      [2, 0],
      [2, 5],
      [2, 30],
    ];
    for (const [phase, delayMs] of kills) {
      const { dir, cleanup } = tempDir('vfx-crash-');
      try {
        writeFrames(dir, range(1, FRAMES), name);
        const result = await renumberAndKill(dir, phase, delayMs);
        const recover = spawnVfxSync(['seq', 'recover', dir]);
        assert.equal(recover.code, 0, recover.stderr);
        const layout = assertEveryFrameOnce(dir, 'either');
        if (result === 'finished') assert.equal(layout, 'new');
        outcomes.push(`phase ${phase} + ${delayMs} ms: ${result}; recover: ${recover.stdout.trim().split('\n').pop()}; frames now ${layout}`);
        if (phase === 2 && result === 'killed') assert.equal(layout, 'new', 'a kill in phase 2 is completed');
      } finally {
        cleanup();
      }
    }
    console.log(outcomes.join('\n'));
  });
});
