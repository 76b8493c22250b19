/**
 * Short runs of the VDB, particle and Alembic fuzzers (the full ones: npm run fuzz -- vdb|part|abc): every
 * mutated file must give a VfxError or read, never another error or a hang.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { realFixtures, repoRoot } from './helpers.js';

function fuzz(name: string, iterations: number): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts/fuzz.mjs'), name, '--iterations', String(iterations), '--seed', '20261126'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('format fuzzers, short runs', { timeout: 240_000 }, () => {
  it('vdb: 400 mutations of the real files', { skip: realFixtures() ? false : 'no real fixtures (set VFX_REAL_FIXTURES)' }, () => {
    const { status, output } = fuzz('vdb', 400);
    assert.equal(status, 0, output);
    assert.match(output, /400 iterations over \d+ seeds .*: 0 findings/);
  });

  it('abc: 400 mutations of the real archives', { skip: realFixtures() ? false : 'no real fixtures (set VFX_REAL_FIXTURES)' }, () => {
    const { status, output } = fuzz('abc', 400);
    assert.equal(status, 0, output);
    assert.match(output, /400 iterations over \d+ seeds .*: 0 findings/);
  });

  it('part: 400 mutations of every format', () => {
    const { status, output } = fuzz('part', 400);
    assert.equal(status, 0, output);
    assert.match(output, /400 iterations over \d+ seed files: 0 findings/);
  });
});
