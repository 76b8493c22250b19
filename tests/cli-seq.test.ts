import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { range, runVfx, tempDir, writeFrames } from './helpers.js';

const frameName = (base: string, pad = 4, ext = '.exr') => (frame: number) => `${base}${String(frame).padStart(pad, '0')}${ext}`;

function contents(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    if (statSync(join(dir, name)).isFile()) out.set(name, readFileSync(join(dir, name), 'utf8'));
  }
  return out;
}

describe('vfx seq ls', () => {
  it('lists the bundled plate with its gap, in the documented JSON shape', async () => {
    const result = await runVfx(['seq', 'ls', '--json', '--long', 'fixtures/plates']);
    assert.equal(result.code, 0, result.stderr);
    const items = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.deepEqual(items, [
      {
        kind: 'sequence',
        path: 'fixtures/plates/shot010_plate.1001-1005,1007-1010#.jpg',
        dir: 'fixtures/plates/',
        basename: 'shot010_plate.',
        extension: '.jpg',
        padding: 4,
        start: 1001,
        end: 1010,
        count: 9,
        frameSet: '1001-1005,1007-1010',
        missing: [1006],
        size: items[0]!.size,
      },
    ]);
    assert.ok(typeof items[0]!.size === 'number' && items[0]!.size > 0);
    // Without --long nothing is stat'ed and there is no size.
    const names = JSON.parse((await runVfx(['seq', 'ls', '--json', 'fixtures/plates'])).stdout) as Record<string, unknown>[];
    assert.equal(names[0]!.size, undefined);
    assert.equal(names[0]!.frameSet, '1001-1005,1007-1010');
  });

  it('prints one line per sequence, recursively, with files under --all', async () => {
    const result = await runVfx(['seq', 'ls', '-r', '--all', 'fixtures']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.ok(lines.includes('fixtures/plates/shot010_plate.1001-1005,1007-1010#.jpg  9 frames  missing 1006'), result.stdout);
    assert.ok(lines.includes('fixtures/renders/beauty.1001-1005#.png  5 frames'), result.stdout);
    assert.ok(lines.includes('fixtures/renders/beauty_v002.1001-1003#.png  3 frames'), result.stdout);
    assert.ok(lines.includes('fixtures/notes.txt'), result.stdout);
    const without = await runVfx(['seq', 'ls', '-r', 'fixtures']);
    assert.ok(!without.stdout.includes('notes.txt'));
  });

  it('reports a missing directory as vfx: <path>: <message> with exit 1 and goes on', async () => {
    const result = await runVfx(['seq', 'ls', 'no/such/dir', 'fixtures/renders']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^vfx: no\/such\/dir: /m);
    assert.match(result.stdout, /beauty\.1001-1005#\.png/);
  });

  it('rejects bad usage with exit 2', async () => {
    const result = await runVfx(['seq', 'ls', '--pad-style', 'hash9']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /hash4 or hash1/);
  });
});

describe('vfx seq check', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir());
    // 1..20 with 7 missing, 12 empty and 15 a tenth of its neighbours' size.
    writeFrames(dir, range(1, 20).filter((f) => f !== 7), frameName('render.'), (f) =>
      f === 12 ? '' : f === 15 ? 'x'.repeat(100) : 'x'.repeat(1000 + f),
    );
    writeFrames(dir, range(1, 5), frameName('clean.'));
  });
  after(() => cleanup());

  it('finds missing, zero-byte and odd-sized frames and exits 1', async () => {
    const result = await runVfx(['seq', 'check', '--json', dir]);
    assert.equal(result.code, 1);
    const items = JSON.parse(result.stdout) as Record<string, unknown>[];
    const render = items.find((i) => i.basename === 'render.')!;
    assert.deepEqual(render.missing, [7]);
    assert.deepEqual(render.zeroByte, [12]);
    assert.deepEqual(render.suspectSize, [15]);
    assert.equal(render.ok, false);
    const clean = items.find((i) => i.basename === 'clean.')!;
    assert.equal(clean.ok, true);
    assert.deepEqual(clean.zeroByte, []);
  });

  it('prints a human report', async () => {
    const result = await runVfx(['seq', 'check', dir]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /render\.1-6,8-20#\.exr: problems: missing 7; zero bytes 12; odd size 15/);
    assert.match(result.stdout, /clean\.1-5#\.exr: ok/);
    assert.match(result.stdout, /2 sequences checked, 1 with problems/);
  });

  it('exits 0 when every sequence is whole', async () => {
    const result = await runVfx(['seq', 'check', 'fixtures/renders']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });
});

describe('vfx seq copy', () => {
  it('copies to a directory keeping mtime and mode, verifies, and refuses to overwrite', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const src = join(dir, 'src');
      writeFrames(src, range(1001, 1010), frameName('plate.'));
      chmodSync(join(src, 'plate.1003.exr'), 0o640);
      utimesSync(join(src, 'plate.1004.exr'), new Date('2020-01-02T03:04:05Z'), new Date('2020-01-02T03:04:05Z'));
      const dst = join(dir, 'dst');
      const first = await runVfx(['seq', 'copy', join(src, 'plate.#.exr'), dst + '/', '--verify']);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /copied 10 frames/);
      assert.deepEqual(contents(dst), contents(src));
      assert.equal(statSync(join(dst, 'plate.1003.exr')).mode & 0o777, 0o640);
      assert.equal(statSync(join(dst, 'plate.1004.exr')).mtime.toISOString(), '2020-01-02T03:04:05.000Z');

      writeFileSync(join(dst, 'plate.1005.exr'), 'keep me');
      const again = await runVfx(['seq', 'copy', join(src, 'plate.#.exr'), dst]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exist .*nothing was changed: add --force/);
      assert.equal(readFileSync(join(dst, 'plate.1005.exr'), 'utf8'), 'keep me');

      const forced = await runVfx(['seq', 'copy', join(src, 'plate.#.exr'), dst, '--force']);
      assert.equal(forced.code, 0, forced.stderr);
      assert.equal(readFileSync(join(dst, 'plate.1005.exr'), 'utf8'), 'frame 1005\n');
    } finally {
      cleanup();
    }
  });

  it('copies to a new pattern with a new start frame, and --dry-run touches nothing', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFrames(dir, range(1, 5), frameName('shot.', 3, '.jpg'));
      const dry = await runVfx(['seq', 'copy', join(dir, 'shot.1-5@@@.jpg'), join(dir, 'out/new_v2.#.jpg'), '--start', '1001', '--dry-run']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /copy .*shot\.001\.jpg -> .*out\/new_v2\.1001\.jpg/);
      assert.ok(!existsSync(join(dir, 'out')));
      const real = await runVfx(['seq', 'copy', join(dir, 'shot.1-5@@@.jpg'), join(dir, 'out/new_v2.#.jpg'), '--start', '1001']);
      assert.equal(real.code, 0, real.stderr);
      assert.deepEqual([...contents(join(dir, 'out')).entries()], range(1001, 1005).map((f) => [`new_v2.${f}.jpg`, `frame ${f - 1000}\n`]));
    } finally {
      cleanup();
    }
  });

  it('names frames of the pattern that are not on disk', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFrames(dir, [1, 2, 4], frameName('a.'));
      const result = await runVfx(['seq', 'copy', join(dir, 'a.1-4#.exr'), join(dir, 'out/')]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /1 of the frames named are not on disk: 3/);
    } finally {
      cleanup();
    }
  });
});

describe('vfx seq move and renumber', () => {
  it('renumbers 1-100 to 1001-1100 and back through overlapping offsets, keeping every frame', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFrames(dir, range(1, 100), frameName('plate.'));
      let result = await runVfx(['seq', 'renumber', join(dir, 'plate.#.exr'), '--offset', '1']);
      assert.equal(result.code, 0, result.stderr);
      let files = contents(dir);
      assert.equal(files.size, 100);
      for (let f = 2; f <= 101; f++) assert.equal(files.get(`plate.${String(f).padStart(4, '0')}.exr`), `frame ${f - 1}\n`);

      result = await runVfx(['seq', 'renumber', join(dir, 'plate.#.exr'), '--start', '1001']);
      assert.equal(result.code, 0, result.stderr);
      files = contents(dir);
      for (let f = 1001; f <= 1100; f++) assert.equal(files.get(`plate.${f}.exr`), `frame ${f - 1000}\n`);

      result = await runVfx(['seq', 'renumber', join(dir, 'plate.1001.exr'), '--offset', '-1000', '--pad', '3', '--basename', 'shot020_plate.']);
      assert.equal(result.code, 0, result.stderr);
      files = contents(dir);
      assert.equal(files.size, 100);
      for (let f = 1; f <= 100; f++) assert.equal(files.get(`shot020_plate.${String(f).padStart(3, '0')}.exr`), `frame ${f}\n`);
    } finally {
      cleanup();
    }
  });

  it('refuses to overwrite frames outside the batch and changes nothing', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFrames(dir, range(1, 10), frameName('a.'));
      writeFileSync(join(dir, 'a.0011.exr'), 'someone else');
      const before = contents(dir);
      const result = await runVfx(['seq', 'renumber', join(dir, 'a.1-10#.exr'), '--offset', '5']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /vfx: .*a\.0011\.exr: .*exist/);
      assert.deepEqual(contents(dir), before);
    } finally {
      cleanup();
    }
  });

  it('moves a sequence to another directory under a new name and says what it did', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFrames(join(dir, 'a'), range(1, 20), frameName('beauty.'));
      const result = await runVfx(['seq', 'move', join(dir, 'a/beauty.#.exr'), join(dir, 'b/beauty_v003.#.exr'), '--start', '1001', '--json']);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout) as { operation: string; ok: number; pairs: unknown[] };
      assert.equal(report.operation, 'move');
      assert.equal(report.ok, 20);
      assert.equal(readdirSync(join(dir, 'a')).filter((n) => !n.startsWith('.')).length, 0);
      const moved = contents(join(dir, 'b'));
      for (let f = 1; f <= 20; f++) assert.equal(moved.get(`beauty_v003.${1000 + f}.exr`), `frame ${f}\n`);
    } finally {
      cleanup();
    }
  });

  it('renumber without a change is a usage error', async () => {
    const result = await runVfx(['seq', 'renumber', 'fixtures/renders/beauty.#.png']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /nothing to change/);
  });

  it('recover on a clean directory says there is nothing to do', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const result = await runVfx(['seq', 'recover', dir]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /no interrupted move or renumber in /);
    } finally {
      cleanup();
    }
  });
});
