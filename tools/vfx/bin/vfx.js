#!/usr/bin/env node
// The `vfx` executable. A committed file, so npm links it at install time (npm skips a bin whose
// target does not exist yet, and dist/ is only built by the install's prepare step).
try {
  await import('../dist/bin.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin.js')) {
    process.stderr.write('vfx: not built yet: run `npm install` (or `npm run build`) in the vfxkit checkout\n');
    process.exit(1);
  }
  throw error;
}
