#!/usr/bin/env node
import { processContext } from '@vfxkit/tool-common';
import { main } from './index.js';

const context = processContext();

// `vfx seq ls | head` closes stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// First Ctrl-C: stop starting new work and let in-flight items finish or roll back cleanly.
// Second Ctrl-C: leave at once (journals and atomic writes keep files safe either way).
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  context.note('interrupting: finishing the items in flight (Ctrl-C again to quit at once)');
  context.abort.abort();
});
process.on('SIGTERM', () => context.abort.abort());

process.exitCode = await main(process.argv.slice(2), context);
