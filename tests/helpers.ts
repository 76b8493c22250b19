/**
 * Helpers for the cross-package tests: run the CLI in-process or as a real process, make temporary
 * trees of frames, and find the real-world fixtures.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureContext } from '@vfxkit/tool-common';
import { main } from '@vfxkit/vfx';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const fixturesDir = join(repoRoot, 'fixtures');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `vfx ARGS` in this process (fast; what most tests use). */
export async function runVfx(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  const { context, stdout, stderr } = captureContext({ cwd: options.cwd ?? repoRoot, env: options.env ?? { NO_COLOR: '1' } });
  const code = await main(args, context);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** The command that starts the real `vfx` binary from its sources. */
export function vfxCommand(): { command: string; args: string[] } {
  return {
    command: process.execPath,
    // tsx by absolute URL, so the process may run in any directory.
    args: ['--conditions=source', '--import', import.meta.resolve('tsx/esm'), join(repoRoot, 'tools/vfx/src/bin.ts')],
  };
}

/** Runs `vfx ARGS` as a real process and waits for it. */
export function spawnVfxSync(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliResult {
  const { command, args: prefix } = vfxCommand();
  const result = spawnSync(command, [...prefix, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...options.env },
    encoding: 'utf8',
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function spawnVfx(args: string[], options: { cwd?: string } = {}): ReturnType<typeof spawn> {
  const { command, args: prefix } = vfxCommand();
  return spawn(command, [...prefix, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'vfx-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A copy of the committed sample files as `<cwd>/fixtures`, without what `npm run fixtures` renders
 * into fixtures/out/ (ignored by git): tests that walk the whole fixtures tree run with this cwd.
 */
export function bundledFixtures(): { cwd: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir('vfx-fixtures-');
  cpSync(fixturesDir, join(dir, 'fixtures'), { recursive: true, filter: (source) => source !== join(fixturesDir, 'out') });
  return { cwd: dir, cleanup };
}

/** Writes frames `name(frame)` into `dir` with content `content(frame)` (default `frame N\n`). */
export function writeFrames(
  dir: string,
  frames: Iterable<number>,
  name: (frame: number) => string,
  content: (frame: number) => string | Uint8Array = (frame) => `frame ${frame}\n`,
): void {
  mkdirSync(dir, { recursive: true });
  for (const frame of frames) writeFileSync(join(dir, name(frame)), content(frame));
}

export function range(first: number, last: number): number[] {
  const out: number[] = [];
  for (let f = first; f <= last; f++) out.push(f);
  return out;
}

/** The real-world sample files, or undefined (tests then skip with a printed reason). */
export function realFixtures(): string | undefined {
  const dir = resolve(repoRoot, process.env.VFX_REAL_FIXTURES ?? '../shared/fixtures-real');
  return existsSync(dir) ? dir : undefined;
}
