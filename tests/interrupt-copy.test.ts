/**
 * Ctrl-C during a batch leaves no partial output: a real `vfx seq copy` of large frames gets SIGINT
 * mid-way; it must exit 130, and every file in the destination must be a complete copy of its
 * source, with no temporary files left behind.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { range, spawnVfx, tempDir, writeFrames } from './helpers.js';

describe('interrupting vfx seq copy', { timeout: 120_000 }, () => {
  it('exits 130 and leaves only complete copies', async () => {
    const { dir, cleanup } = tempDir('vfx-sigint-');
    try {
      const frame = (n: number): Uint8Array => new Uint8Array(8 * 1024 * 1024).fill(n & 0xff);
      writeFrames(join(dir, 'src'), range(1, 40), (f) => `big.${String(f).padStart(4, '0')}.raw`, frame);
      const out = join(dir, 'out');
      const child = spawnVfx(['seq', 'copy', join(dir, 'src/big.#.raw'), out + '/', '-j', '2']);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // Interrupt as soon as the first copy has landed in the destination.
      const interrupted = new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          let names: string[] = [];
          try {
            names = readdirSync(out).filter((n) => !n.startsWith('.'));
          } catch {
            return;
          }
          if (names.length > 0) {
            clearInterval(poll);
            child.kill('SIGINT');
            resolve();
          }
        }, 5);
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      await interrupted;
      assert.equal(code, 130, stderr);
      assert.match(stderr, /interrupt/);
      const names = readdirSync(out);
      assert.deepEqual(names.filter((n) => n.startsWith('.')), [], 'no temporary files left');
      assert.ok(names.length > 0 && names.length < 40, `some but not all frames copied (${names.length})`);
      for (const name of names) {
        const n = Number(name.split('.')[1]);
        const copy = readFileSync(join(out, name));
        assert.equal(copy.length, 8 * 1024 * 1024, `${name} is complete`);
        assert.ok(copy.every((b) => b === (n & 0xff)), `${name} has its source's bytes`);
      }
    } finally {
      cleanup();
    }
  });
});
