#!/usr/bin/env node
// npm run bench -- NAME [ARGS...]: runs bench/NAME.ts (TypeScript, through tsx, against package
// sources). Benchmarks print figures for us and for the reference tool side by side; they are not
// tests and assert nothing about time.
// They run under `tsx/esm`, never plain `tsx`: tsx's CommonJS hooks detach an ArrayBuffer whenever a
// CommonJS module (commander, sharp) loads, and in Node 20's V8 a single detach anywhere in a process
// makes every later typed-array loop in it up to 45% slower. The compiled `vfx` never detaches, so a
// benchmark under plain tsx would understate what users get. Child processes follow the same rule.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, 'bench');
// Benchmarks that live beside their package, by the name the issues give them.
const packageBenches = {
  part: 'packages/particles/bench/formats.ts',
  vdb: 'packages/vdb/bench/read.ts',
  abc: 'packages/alembic/bench/read.ts',
  codecs: 'packages/exr/bench/codecs.ts',
  color: 'packages/color/bench/transform.ts',
};
const available = [
  ...readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3)),
  ...Object.keys(packageBenches),
].sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME [ARGS...]\nbenchmarks: ${available.join(', ')}`);
  process.exit(name ? 2 : 0);
}
const script = packageBenches[name] ? join(root, packageBenches[name]) : join(benchDir, `${name}.ts`);
if (!existsSync(script)) process.exit(2);
const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx/esm', '--expose-gc', script, ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_NO_WARNINGS: '1' },
});
process.exit(result.status ?? 1);
