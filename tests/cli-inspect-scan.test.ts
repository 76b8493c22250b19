import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundledFixtures, range, runVfx, tempDir, writeFrames } from './helpers.js';

describe('vfx inspect', () => {
  // The committed fixtures alone (not what `npm run fixtures` renders into fixtures/out/).
  let fixtures: { cwd: string; cleanup: () => void };
  before(() => (fixtures = bundledFixtures()));
  after(() => fixtures.cleanup());

  it('summarises the bundled fixtures by type, with gaps, sizes and image headers (the README example)', async () => {
    const result = await runVfx(['inspect', 'fixtures'], { cwd: fixtures.cwd });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.match(lines[0]!, /^fixtures {2}19 files: 3 sequences, 2 single files, /);
    assert.ok(lines.some((l) => /^images \(3 sequences of 17 frames, /.test(l)), result.stdout);
    const plate = lines.find((l) => l.includes('shot010_plate'))!;
    assert.match(plate, /fixtures\/plates\/shot010_plate\.1001-1005,1007-1010#\.jpg +\S+ KiB +9 frames +1001-1005,1007-1010 +missing 1006 +64x36 jpeg 8-bit RGB$/);
    const beauty = lines.find((l) => l.includes('beauty.1001'))!;
    assert.match(beauty, /5 frames +1001-1005 +48x27 png 16-bit RGBA$/);
    assert.ok(lines.some((l) => /^other \(2 files, /.test(l)), result.stdout);
    assert.ok(lines.some((l) => /^ {2}fixtures\/notes\.txt +61 B$/.test(l)), result.stdout);
  });

  it('prints the documented JSON items', async () => {
    const result = await runVfx(['inspect', '--json', 'fixtures'], { cwd: fixtures.cwd });
    assert.equal(result.code, 0, result.stderr);
    const items = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.equal(items.length, 5);
    for (const item of items) {
      assert.equal(typeof item.path, 'string');
      assert.ok(item.kind === 'sequence' || item.kind === 'file');
      assert.equal(typeof item.size, 'number');
      assert.ok(['image', 'other'].includes(item.type as string));
    }
    const plate = items.find((i) => i.basename === 'shot010_plate.')!;
    assert.equal(plate.frameSet, '1001-1005,1007-1010');
    assert.deepEqual(plate.missing, [1006]);
    assert.deepEqual(
      { ...(plate.summary as object) },
      {
        format: 'jpeg',
        width: 64,
        height: 36,
        channels: 3,
        channelNames: 'RGB',
        bitDepth: 8,
        sampleType: 'uchar',
        colorSpace: 'srgb',
        hasAlpha: false,
        hasIccProfile: false,
        density: 72,
        hasExif: false,
        hasXmp: false,
      },
    );
  });

  it('gives a one-screen summary of a file and of a sequence pattern', async () => {
    const file = await runVfx(['inspect', 'fixtures/renders/beauty.1003.png']);
    assert.equal(file.code, 0, file.stderr);
    assert.match(file.stdout, /dimensions +48 x 27/);
    assert.match(file.stdout, /channels +4 \(RGBA\)/);
    assert.match(file.stdout, /bit depth +16-bit integer/);
    const sequence = await runVfx(['inspect', 'fixtures/plates/shot010_plate.#.jpg']);
    assert.equal(sequence.code, 0, sequence.stderr);
    assert.match(sequence.stdout, /^fixtures\/plates\/shot010_plate\.1001-1005,1007-1010#\.jpg$/m);
    assert.match(sequence.stdout, /frames +9 \(1001-1005,1007-1010\)/);
    assert.match(sequence.stdout, /missing +1006/);
    assert.match(sequence.stdout, /dimensions +64 x 36/);
  });

  it('fails with exit 1 and vfx: <file>: <message> on unreadable input, and goes on to the next path', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'broken.jpg'), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a]));
      writeFileSync(join(dir, 'empty.png'), '');
      const result = await runVfx(['inspect', join(dir, 'broken.jpg'), 'nope.exr', 'fixtures/notes.txt']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^vfx: .*broken\.jpg: cannot read the image header/m);
      assert.match(result.stderr, /^vfx: nope\.exr: no such file or directory, and not a sequence pattern$/m);
      assert.match(result.stdout, /fixtures\/notes\.txt/);
      const empty = await runVfx(['inspect', join(dir, 'empty.png')]);
      assert.equal(empty.code, 1);
      assert.match(empty.stderr, /empty\.png: the file is empty \(0 bytes\)/);
    } finally {
      cleanup();
    }
  });
});

describe('vfx scan', () => {
  it('counts by type with sizes, and filters by extension and glob', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFrames(join(dir, 'renders'), range(1, 10), (f) => `beauty.${String(f).padStart(4, '0')}.exr`, () => new Uint8Array([0x76, 0x2f, 0x31, 0x01]));
      writeFrames(join(dir, 'fx'), range(1, 4), (f) => `smoke.${f}.vdb`, () => 'v');
      writeFrames(join(dir, 'fx/tmp'), range(1, 2), (f) => `junk.${f}.bgeo.sc`, () => 'jj');
      writeFileSync(join(dir, 'readme.md'), 'hello');
      writeFileSync(join(dir, '.hidden.exr'), 'x');
      const result = await runVfx(['scan', '-r', '--json', dir]);
      assert.equal(result.code, 0, result.stderr);
      const items = JSON.parse(result.stdout) as Record<string, unknown>[];
      const byType = (t: string) => items.filter((i) => i.type === t);
      assert.equal(byType('exr').length, 1);
      assert.equal(byType('exr')[0]!.count, 10);
      assert.equal(byType('exr')[0]!.size, 40);
      assert.equal(byType('volume')[0]!.count, 4);
      assert.equal(byType('particles')[0]!.extension, '.bgeo.sc');
      assert.equal(byType('other')[0]!.path, join(dir, 'readme.md'));
      assert.ok(!items.some((i) => String(i.path).includes('.hidden')));

      const filtered = await runVfx(['scan', '-r', '--json', '--ext', 'vdb,.bgeo.sc', '--exclude', '**/tmp/**', dir]);
      const kept = JSON.parse(filtered.stdout) as Record<string, unknown>[];
      assert.deepEqual(
        kept.map((i) => i.type),
        ['volume'],
      );

      const table = await runVfx(['scan', '-r', dir]);
      assert.match(table.stdout, /^EXR +1 +10 +0 +40 B$/m);
      assert.match(table.stdout, /^volumes +1 +4 +0 +4 B$/m);
      assert.match(table.stdout, /^total +3 +16 +1 +53 B$/m);
    } finally {
      cleanup();
    }
  });

  it('does not descend without -r', async () => {
    const result = await runVfx(['scan', '--json', 'fixtures']);
    const items = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.deepEqual(items.map((i) => i.path).sort(), ['fixtures/generate.mjs', 'fixtures/notes.txt']);
  });
});
