#!/usr/bin/env node
// npm run fuzz -- NAME [ARGS...]: runs fuzz/NAME.ts (TypeScript, through tsx, against package
// sources). A fuzzer mutates sample files and reports any failure that is not a VfxError, with a
// reproducer; it exits 1 when it found something.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fuzzDir = join(root, 'fuzz');
// Fuzzers that live beside their package, by the name the issues give them.
const packageFuzzers = { part: 'packages/particles/fuzz/particles.ts' };
const available = [
  ...readdirSync(fuzzDir)
    .filter((f) => f.endsWith('.ts') && !f.includes('-'))
    .map((f) => f.slice(0, -3)),
  ...Object.keys(packageFuzzers),
].sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run fuzz -- NAME [--iterations N] [--seed S] [--iteration I]\nfuzzers: ${available.join(', ')}`);
  process.exit(name ? 2 : 0);
}
const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx/esm', packageFuzzers[name] ? join(root, packageFuzzers[name]) : join(fuzzDir, `${name}.ts`), ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_NO_WARNINGS: '1' },
});
process.exit(result.status ?? 1);
