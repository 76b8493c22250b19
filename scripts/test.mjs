#!/usr/bin/env node
// Runs every test file of the monorepo with Node's own test runner. Tests are TypeScript, loaded
// through tsx, and resolve workspace packages to their sources (the "source" export condition), so
// a test always runs the code beside it.
//   node scripts/test.mjs [FILTER...]   only files whose path contains one of the filters
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const roots = ['packages', 'tools', 'viewers', 'tests'];
const files = [];

function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (/\.test\.(ts|mts)$/.test(entry.name)) files.push(relative(root, path));
  }
}
for (const name of roots) walk(join(root, name));
files.sort();

const filters = process.argv.slice(2);
const selected = filters.length === 0 ? files : files.filter((f) => filters.some((x) => f.includes(x)));
if (selected.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

const concurrency = process.env.VFX_TEST_CONCURRENCY ?? String(Math.max(2, Math.min(4, statSync(root) ? 2 : 2)));
const result = spawnSync(
  process.execPath,
  ['--conditions=source', '--import', 'tsx/esm', '--test', `--test-concurrency=${concurrency}`, ...selected],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
);
process.exit(result.status ?? 1);
