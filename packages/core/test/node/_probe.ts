import { moveFiles, copyFiles } from '@vfxkit/core/node';
import { framePairs, makeTemporaryDirectory, writeFrames } from './fixtures/frames.js';
import { rm } from 'node:fs/promises';
const dir = await makeTemporaryDirectory('probe');
await writeFrames(dir, 'f', 1, 3000);
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  await moveFiles(framePairs(dir, 'f', dir, 'f', 1, 3000, 1), { dryRun: true });
  const dry = performance.now() - t;
  t = performance.now();
  let first = 0;
  await moveFiles(framePairs(dir, 'f', dir, 'f', 1, 3000, 1), { onProgress: () => { if (!first) first = performance.now() - t; } });
  const full = performance.now() - t;
  t = performance.now();
  await moveFiles(framePairs(dir, 'f', dir, 'f', 2, 3001, -1));
  console.log(`dryRun ${dry.toFixed(0)} ms, move: phase2 starts ${first.toFixed(0)} ms, total ${full.toFixed(0)} ms; back ${(performance.now() - t).toFixed(0)} ms`);
}
let t = performance.now();
await copyFiles(framePairs(dir, 'f', dir + '/copy', 'f', 1, 3000, 0));
console.log(`copyFiles 3000: ${(performance.now() - t).toFixed(0)} ms`);
await rm(dir, { recursive: true });
