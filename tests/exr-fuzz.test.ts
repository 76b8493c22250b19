/**
 * A short run of the EXR fuzzer (fuzz/exr.ts; `npm run fuzz -- exr` runs long ones): 300 mutations
 * of the real files (and of files written here in every compression and layout), with a fixed seed,
 * each decoded in a worker thread with a time bound. Any failure that is not a VfxError, any hang
 * and any crash fails the test, with its reproducer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatedSeeds, realSeeds, runExrFuzz } from '../fuzz/exr.js';
import { realExrDir, skipReasons } from './exr-helpers.js';

const real = realExrDir();

describe('exr fuzz (short run)', () => {
  it('300 mutated files: every failure is a VfxError, none hangs or crashes', { skip: !real ? skipReasons.real : false, timeout: 120_000 }, async () => {
    // Files up to 200 kB keep the run short; `npm run fuzz -- exr` takes every file.
    const seeds = [...realSeeds(real!, 200_000), ...generatedSeeds()];
    assert.ok(seeds.length > 40, `${seeds.length} seed files`);
    const summary = await runExrFuzz({ iterations: 300, seed: 20240611, seeds, workers: 2, timeoutMs: 15_000 });
    const report = summary.findings
      .map((f) => `${f.kind}${f.step ? ` in ${f.step}` : ''}: ${f.message}\n  file: ${f.file}\n  mutation: ${f.mutation}\n  reproduce: ${f.reproduce}\n${f.stack ?? ''}`)
      .join('\n');
    assert.equal(summary.findings.length, 0, report);
    assert.equal(summary.iterations, 300);
    // The mutations reached past the header checks: chunks were read and rejected too.
    assert.ok((summary.codes.EXR_CORRUPT_CHUNK ?? 0) > 0 && (summary.codes.EXR_TRUNCATED ?? 0) > 0, JSON.stringify(summary.codes));
    assert.ok(Object.keys(summary.mutations).length >= 8, JSON.stringify(summary.mutations));
  });
});
