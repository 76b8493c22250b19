import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { halfToFloat } from '@vfxkit/core';
import { readExr } from '@vfxkit/exr';
import { readImage, readImageInfo, toInterleaved } from '@vfxkit/image';
import { bundledFixtures, realFixtures, repoRoot, runVfx, spawnVfxSync, tempDir } from './helpers.js';

const real = realFixtures();
const noReal = real === undefined ? 'real fixtures not found (../shared/fixtures-real or VFX_REAL_FIXTURES)' : false;
if (noReal) console.log(`# skipping real-file tests: ${noReal}`);

const plateFrames = [1001, 1002, 1003, 1004, 1005, 1007, 1008, 1009, 1010];

async function samples(path: string): Promise<number[]> {
  return [...toInterleaved(await readImage(path)).pixels.data];
}

describe('vfx img info', () => {
  it('prints the documented JSON for a JPEG and a 16-bit PNG', async () => {
    const result = await runVfx(['img', 'info', '--json', 'fixtures/plates/shot010_plate.1001.jpg', 'fixtures/renders/beauty.1001.png']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [
      {
        path: 'fixtures/plates/shot010_plate.1001.jpg',
        format: 'jpeg',
        width: 64,
        height: 36,
        channels: 3,
        channelNames: ['R', 'G', 'B'],
        bitDepth: 8,
        colorSpace: 'sRGB',
        hasAlpha: false,
        density: 72,
        hasExif: false,
        hasXmp: false,
        metadata: {},
      },
      {
        path: 'fixtures/renders/beauty.1001.png',
        format: 'png',
        width: 48,
        height: 27,
        channels: 4,
        channelNames: ['R', 'G', 'B', 'A'],
        bitDepth: 16,
        colorSpace: 'sRGB',
        hasAlpha: true,
        hasExif: false,
        hasXmp: false,
        metadata: {},
      },
    ]);
  });

  it('describes real photos and EXR renders: key metadata, windows, half', { skip: noReal }, async () => {
    const result = await runVfx(['img', 'info', '--json', join(real!, 'exif/exif-py/Nikon_D70.jpg'), join(real!, 'exr/openexr-images/DisplayWindow/t07.exr')]);
    assert.equal(result.code, 0, result.stderr);
    const [photo, exr] = JSON.parse(result.stdout) as Record<string, any>[];
    assert.equal(photo!.colorSpace, 'sRGB');
    assert.equal(photo!.iccProfile, 'sRGB IEC61966-2.1');
    assert.deepEqual(
      { Make: photo!.metadata.Make, Model: photo!.metadata.Model, ExposureTime: photo!.metadata.ExposureTime, FNumber: photo!.metadata.FNumber, ISO: photo!.metadata.ISO },
      { Make: 'NIKON CORPORATION', Model: 'NIKON D70', ExposureTime: 0.005, FNumber: 9, ISO: 200 },
    );
    assert.equal(exr!.format, 'exr');
    assert.equal(exr!.bitDepth, 'half');
    assert.equal(exr!.colorSpace, 'Linear Rec.709 (sRGB)');
    assert.ok(exr!.dataWindow && exr!.displayWindow);
    const human = await runVfx(['img', 'info', join(real!, 'exif/exif-py/gps/DSCN0010.jpg')]);
    assert.match(human.stdout, /camera\s+NIKON COOLPIX P6000, 24 mm, f\/5\.9, 1\/75 s, ISO 64/);
    assert.match(human.stdout, /location\s+43\.467448, 11\.885127/);
  });

  it('reports unreadable files as vfx: <file>: <message>, exit 1, and describes the rest', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'bad.png'), 'not a png');
      const result = await runVfx(['img', 'info', join(dir, 'bad.png'), 'fixtures/plates/shot010_plate.1001.jpg']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`^vfx: ${join(dir, 'bad.png')}: not an image this tool reads`, 'm'));
      assert.match(result.stdout, /shot010_plate\.1001\.jpg\n\s+format\s+jpeg/);
    } finally {
      cleanup();
    }
  });
});

describe('vfx img convert', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('converts a JPEG sequence to linear half EXR (ZIP) named by a pattern', async () => {
    const out = join(dir, 'exr');
    const result = await runVfx(['img', 'convert', 'fixtures/plates/shot010_plate.1001-1005,1007-1010#.jpg', '-o', join(out, 'plate.%04d.exr'), '-j', '2'], { cwd: repoRoot });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^converted 9 files/m);
    assert.deepEqual(readdirSync(out).sort(), plateFrames.map((f) => `plate.${f}.exr`));
    const exr = readExr(new Uint8Array(readFileSync(join(out, 'plate.1001.exr'))));
    assert.equal(exr.compression, 'zip');
    assert.deepEqual(exr.channels.map((c) => `${c.name}:${c.type}`), ['B:half', 'G:half', 'R:half']);
    // And back: 8-bit codes identical to the JPEG's decoded pixels (the EXR leg loses nothing).
    const png = join(dir, 'back.png');
    const back = await runVfx(['img', 'convert', join(out, 'plate.1001.exr'), '-o', png, '--bit-depth', '8']);
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(await samples(png), await samples('fixtures/plates/shot010_plate.1001.jpg'));
  });

  it('never overwrites without --force, and a refused batch writes nothing', async () => {
    const out = join(dir, 'force');
    mkdirSync(out);
    writeFileSync(join(out, 'shot010_plate.1003.exr'), 'keep me');
    const refused = await runVfx(['img', 'convert', 'fixtures/plates/', '--format', 'exr', '-o', out]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /1 output file exists \(.*shot010_plate\.1003\.exr\); nothing was written: add --force/);
    assert.deepEqual(readdirSync(out), ['shot010_plate.1003.exr']);
    const forced = await runVfx(['img', 'convert', 'fixtures/plates/', '--format', 'exr', '-o', out, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readdirSync(out).length, 9);
    assert.notEqual(readFileSync(join(out, 'shot010_plate.1003.exr'), 'utf8'), 'keep me');
    assert.ok(!readdirSync(out).some((name) => name.includes('vfx-tmp')), 'no temporary left behind');
  });

  it('prints the plan with --dry-run and writes nothing', async () => {
    const out = join(dir, 'dry');
    const result = await runVfx(['img', 'convert', 'fixtures/plates/shot010_plate.#.jpg', '-o', join(out, 'p.#.exr'), '--dry-run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^convert fixtures\/plates\/shot010_plate\.1001\.jpg -> .*dry\/p\.1001\.exr  exr, half/m);
    assert.match(result.stdout, /\(dry run: 9 files, nothing written\)/);
    assert.equal(existsSync(out), false);
    const json = await runVfx(['img', 'convert', 'fixtures/plates/shot010_plate.1001.jpg', '-o', join(out, 'one.png'), '--dry-run', '--json']);
    const plan = JSON.parse(json.stdout);
    assert.equal(plan.dryRun, true);
    assert.equal(plan.items[0].format, 'png');
  });

  it('rejects bad usage with exit 2 before touching anything', async () => {
    const cases: [string[], RegExp][] = [
      [['img', 'convert', 'fixtures/plates/', '-o', join(dir, 'nowhere')], /is a directory: name the format with --format/],
      [['img', 'convert', 'fixtures/plates/', '-o', join(dir, 'one.exr')], /is one file but there are 9 inputs/],
      [['img', 'convert', 'fixtures/notes.txt', '-o', join(dir, 'x.#.exr')], /has no frame number for the output pattern/],
      [['img', 'convert', 'fixtures/plates/', '--format', 'exr', '--to', 'Martian RGB', '-o', dir], /unknown colour space 'Martian RGB'/],
      [['img', 'convert', 'fixtures/plates/', '--format', 'heic', '-o', dir], /read but not written/],
      [['img', 'convert', 'fixtures/plates/', '--format', 'exr', '--bit-depth', '12', '-o', dir], /expected 8, 16, half, float or uint/],
    ];
    for (const [args, message] of cases) {
      const result = await runVfx(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });

  it('goes on past a bad file: vfx: <file>: <message>, exit 1, the rest converted', async () => {
    const input = join(dir, 'mixed');
    mkdirSync(input);
    copyFileSync('fixtures/plates/shot010_plate.1001.jpg', join(input, 'a.jpg'));
    writeFileSync(join(input, 'b.jpg'), readFileSync('fixtures/plates/shot010_plate.1002.jpg').subarray(0, 300));
    copyFileSync('fixtures/renders/beauty.1001.png', join(input, 'c.png'));
    const out = join(dir, 'mixed-out');
    const result = await runVfx(['img', 'convert', input, '--format', 'tif', '-o', out, '-j', '1']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^vfx: ${join(input, 'b.jpg').replace(/[.]/g, '\\.')}: cannot .*premature end of JPEG`, 'm'));
    assert.deepEqual(readdirSync(out).sort(), ['a.tif', 'c.tif']);
    assert.match(result.stdout, /converted 2 files .*1 failed/);
    // 16-bit PNG -> TIFF stays 16-bit.
    assert.equal((await readImageInfo(join(out, 'c.tif'))).bitDepth, 16);
    const missing = await runVfx(['img', 'convert', 'no/such/plate.#.jpg', 'fixtures/plates/shot010_plate.1001.jpg', '-o', join(dir, 'single.png')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^vfx: no\/such\/plate\.#\.jpg: /m);
    assert.ok(existsSync(join(dir, 'single.png')));
  });

  it('applies the display transform, exposure and --to from EXR to 8 bits', async () => {
    const exr = join(dir, 'exr', 'plate.1001.exr');
    const brighter = join(dir, 'brighter.png');
    const result = await runVfx(['img', 'convert', exr, '-o', brighter, '--bit-depth', '8', '--exposure', '1']);
    assert.equal(result.code, 0, result.stderr);
    const base = await samples('fixtures/plates/shot010_plate.1001.jpg');
    const up = await samples(brighter);
    const srgb = (v: number) => (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055);
    const lin = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    for (let i = 0; i < base.length; i += 97) {
      const expected = Math.round(Math.min(1, srgb(Math.min(1, 2 * lin(base[i]! / 255)))) * 255);
      assert.ok(Math.abs(up[i]! - expected) <= 1, `sample ${i}: ${up[i]} vs ${expected}`);
    }
  });

  it('carries EXIF and XMP into EXR attributes and back into JPEG', { skip: noReal }, async () => {
    const exr = join(dir, 'gps.exr');
    const photo = join(real!, 'exif/exif-py/gps/DSCN0010.jpg');
    assert.equal((await runVfx(['img', 'convert', photo, '-o', exr])).code, 0);
    const attributes = Object.fromEntries(readExr(new Uint8Array(readFileSync(exr))).attributes.map((a) => [a.name, a.value]));
    assert.equal(attributes.cameraMake, 'NIKON');
    assert.equal(attributes.cameraModel, 'COOLPIX P6000');
    assert.equal(attributes.capDate, '2008:10:22 16:28:39');
    assert.ok(Math.abs((attributes.latitude as number) - 43.4674483) < 1e-5);
    assert.ok(Math.abs((attributes.expTime as number) - 1 / 75) < 1e-7);
    assert.match(String(attributes.xmp), /<x:xmpmeta/);
    const jpeg = join(dir, 'gps-back.jpg');
    assert.equal((await runVfx(['img', 'convert', exr, '-o', jpeg])).code, 0);
    const info = await readImageInfo(jpeg);
    assert.equal(info.metadata.tags.Model, 'COOLPIX P6000');
    assert.equal(info.metadata.tags.ExposureTime, 1 / 75);
    assert.ok(Math.abs(info.metadata.tags.GPSLongitude! - 11.8851267) < 1e-5);
    assert.match(info.metadata.xmp ?? '', /RatingPercent|Rating/);
  });

  it('expands globs the shell left alone and directories with --ext', async () => {
    const out = join(dir, 'glob');
    const result = await runVfx(['img', 'convert', 'fixtures/*/beauty.100[12].png', '-o', out, '--format', 'jpg']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['beauty.1001.jpg', 'beauty.1002.jpg']);
    const tree = join(dir, 'tree');
    const fixtures = bundledFixtures(); // without fixtures/out/ from `npm run fixtures`
    const recursive = await runVfx(['img', 'convert', 'fixtures', '-r', '--ext', '.png', '-o', tree, '--format', 'webp', '--dry-run'], { cwd: fixtures.cwd });
    fixtures.cleanup();
    assert.match(recursive.stdout, /renders\/beauty_v002\.1003\.png -> .*tree\/renders\/beauty_v002\.1003\.webp/);
    assert.match(recursive.stdout, /\(dry run: 8 files, nothing written\)/);
  });

  it('runs as a real process, EXR work in worker threads', () => {
    const out = join(dir, 'process');
    const result = spawnVfxSync(['img', 'convert', 'fixtures/plates/shot010_plate.#.jpg', '-o', join(out, 'p.#.exr'), '-j', '2']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readdirSync(out).length, 9);
  });
});

describe('vfx img resize', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('refuses to replace inputs without --in-place, and needs an output otherwise', async () => {
    const result = await runVfx(['img', 'resize', 'fixtures/plates/', '--max', '32x32']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /give -o OUT .*or --in-place to replace the inputs/);
    const onto = await runVfx(['img', 'resize', 'fixtures/plates/shot010_plate.1001.jpg', '--max', '32', '-o', 'fixtures/plates/shot010_plate.1001.jpg']);
    assert.equal(onto.code, 2);
    assert.match(onto.stderr, /the output is the input itself/);
  });

  it('resizes in place atomically, keeping the mode, and skips what already fits', async () => {
    const work = join(dir, 'inplace');
    mkdirSync(work);
    copyFileSync('fixtures/plates/shot010_plate.1001.jpg', join(work, 'big.jpg'));
    copyFileSync('fixtures/renders/beauty.1001.png', join(work, 'small.png'));
    chmodSync(join(work, 'big.jpg'), 0o640);
    const result = await runVfx(['img', 'resize', work, '--max', '48x48', '--only-larger', '--in-place']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /resized 1 file .*, 1 skipped \(already small enough\)/);
    const big = await readImageInfo(join(work, 'big.jpg'));
    assert.deepEqual([big.width, big.height], [48, 27]);
    assert.equal(statSync(join(work, 'big.jpg')).mode & 0o777, 0o640);
    assert.deepEqual(readFileSync(join(work, 'small.png')), readFileSync('fixtures/renders/beauty.1001.png'));
    assert.deepEqual(readdirSync(work).sort(), ['big.jpg', 'small.png']);
  });

  it('keeps 16-bit PNGs 16-bit and copies images that fit to the output unchanged', async () => {
    const out = join(dir, 'out');
    const result = await runVfx(['img', 'resize', 'fixtures/renders/beauty.1001-1002#.png', 'fixtures/plates/shot010_plate.1001.jpg', '--max', '50x50', '--only-larger', '-o', out, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.items.map((i: { route: string }) => i.route), ['copy', 'copy', 'sharp']);
    const small = await runVfx(['img', 'resize', 'fixtures/renders/beauty.1001.png', '--max', '24x24', '-o', join(dir, 'b.png')]);
    assert.equal(small.code, 0, small.stderr);
    const info = await readImageInfo(join(dir, 'b.png'));
    assert.deepEqual([info.width, info.height, info.bitDepth, info.channels.length], [24, 14, 16, 4]);
  });

  it('resizes EXR in float, keeping half and values above 1', { skip: noReal }, async () => {
    const out = join(dir, 'rings.exr');
    const result = await runVfx(['img', 'resize', join(real!, 'exr/openexr-images/TestImages/BrightRings.exr'), '--max', '200x200', '-o', out]);
    assert.equal(result.code, 0, result.stderr);
    const exr = readExr(new Uint8Array(readFileSync(out)));
    assert.deepEqual([exr.width, exr.height, exr.channels[0]!.type], [200, 200, 'half']);
    const max = Math.max(...[...(exr.channels[0]!.data as Uint16Array)].map(halfToFloat));
    assert.ok(max > 100, `highlights kept: max ${max}`);
  });
});
