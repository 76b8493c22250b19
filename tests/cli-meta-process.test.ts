/**
 * `vfx meta` as a real process: it must exit by itself once its work is done (a running ExifTool
 * left behind would keep it alive), leave no ExifTool process behind, and stop cleanly on Ctrl-C
 * with every file either untouched or completely written.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixturesDir, spawnVfx, spawnVfxSync, tempDir } from './helpers.js';
import { jpegImageData } from './meta-helpers.js';

const plate = join(fixturesDir, 'plates', 'shot010_plate.1001.jpg');

/** The ExifTool exiftool-vendored bundles, behind a wrapper that records the PID of each process. */
function recordingExiftool(dir: string): { path: string; pids: () => number[] } {
  const require = createRequire(import.meta.url);
  const vendored = join(dirname(require.resolve('exiftool-vendored.pl/package.json')), 'bin', 'exiftool');
  const pidFile = join(dir, 'exiftool.pids');
  const path = join(dir, 'exiftool-recording');
  writeFileSync(path, `#!/bin/sh\necho $$ >> '${pidFile}'\nexec perl '${vendored}' "$@"\n`);
  chmodSync(path, 0o755);
  return {
    path,
    pids: () => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim().split('\n').filter(Boolean).map(Number) : []),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('vfx meta as a process', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir('vfx-meta-process-'));
  });
  after(() => cleanup());

  it('exits by itself after show, set and find, and leaves no ExifTool running', () => {
    const exiftool = recordingExiftool(dir);
    for (let i = 0; i < 6; i++) copyFileSync(plate, join(dir, `p${i}.jpg`));
    const env = { VFX_EXIFTOOL: exiftool.path, NO_COLOR: '1' };
    for (const args of [
      ['meta', 'show', '--json', '-j', '2', '.'],
      ['meta', 'set', '-j', '2', '.', 'Artist=Process'],
      ['meta', 'find', '--where', 'Artist=Process', '.'],
    ]) {
      const started = Date.now();
      const result = spawnVfxSync(args, { cwd: dir, env });
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.ok(Date.now() - started < 30_000, `${args.join(' ')} took ${Date.now() - started} ms`);
    }
    const pids = exiftool.pids();
    assert.ok(pids.length >= 3, `ExifTool ran (${pids.length} processes)`);
    assert.deepEqual(pids.filter(alive), [], 'every ExifTool process ended with the command');
  });

  it('stops on Ctrl-C: no temporaries, every file untouched or completely written', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `frame.${String(i).padStart(4, '0')}.jpg`);
    for (const name of names) copyFileSync(plate, join(dir, name));
    const original = readFileSync(plate);
    const child = spawnVfx(['meta', 'set', '-j', '2', ...names, 'Artist=Interrupted'], { cwd: dir });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt once the first files are written.
    const originalSize = original.length;
    for (let waited = 0; waited < 30_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (names.slice(0, 8).some((n) => statSync(join(dir, n)).size !== originalSize)) break;
    }
    child.kill('SIGINT');
    const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await exited;
    clearTimeout(timeout);
    assert.ok(code === 130 || code === 0, `exit ${code}: ${stderr}`);
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.vfx-tmp-') || n.endsWith('_original')), []);
    let written = 0;
    for (const name of names) {
      const bytes = readFileSync(join(dir, name));
      if (bytes.equals(original)) continue;
      written++;
      assert.ok(bytes.includes(Buffer.from('Interrupted')), `${name} is complete`);
      assert.ok(jpegImageData(bytes).equals(jpegImageData(original)), `${name} keeps its image data`);
    }
    if (code === 130) {
      assert.ok(written < names.length, 'interrupted before the end');
      assert.match(stderr, /interrupt/);
    }
    console.log(`# Ctrl-C after the first files: exit ${code}, ${written} of ${names.length} files written`);
  });
});
