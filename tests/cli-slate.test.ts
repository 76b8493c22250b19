/**
 * `vfx slate` and `vfx burnin` end to end: output names and frame numbers, overwrite refusal,
 * field errors as usage errors, templates from files with line numbers, burn-ins over JPEG and EXR
 * sequences (EXR through worker threads), the JSON reports, and real files from other tools
 * (a Canon JPEG with EXIF, OpenEXR's Beachball with 20 channels and a data window).
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { floatsToHalves, halfToFloat } from '@vfxkit/core';
import { boxOfSize, readImage, readImageInfo, toPlanar, type Image } from '@vfxkit/image';
import { DEFAULT_BURNIN } from '@vfxkit/slate';
import { encodeExrImage, runBurninJob } from '@vfxkit/slate/node';
import { fixturesDir, realFixtures, runVfx, spawnVfxSync, tempDir } from './helpers.js';

const real = realFixtures();
const noReal = real === undefined ? 'real fixtures not found (../shared/fixtures-real or VFX_REAL_FIXTURES)' : false;
if (noReal) console.log(`# skipping real-file tests: ${noReal}`);

const plateFrames = [1001, 1002, 1003, 1004, 1005, 1007, 1008, 1009, 1010];
const SET = ['--set', 'show=NIGHTFALL', '--set', 'shot=SH010', '--set', 'version=v001'];

function copyPlates(dir: string): void {
  for (const frame of plateFrames) copyFileSync(join(fixturesDir, 'plates', `shot010_plate.${frame}.jpg`), join(dir, `shot010_plate.${frame}.jpg`));
}

async function writeHdJpegs(dir: string, frames: number[]): Promise<void> {
  for (const frame of frames) {
    const width = 640;
    const height = 360;
    const data = Buffer.alloc(width * height * 3, 0);
    for (let i = 0; i < data.length; i += 3) data[i + 2] = 60 + frame - 1001; // a dark blue frame
    await sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 }).toFile(join(dir, `plate.${frame}.jpg`));
  }
}

function writeExrFrames(dir: string, frames: number[], width: number, height: number): void {
  for (const frame of frames) {
    const size = width * height;
    const image: Image = {
      width,
      height,
      dataWindow: boxOfSize(width, height),
      displayWindow: boxOfSize(width, height),
      channels: ['R', 'G', 'B', 'A'].map((name) => ({ name, type: 'half' as const })),
      pixels: { layout: 'planar', planes: [0.18, 0.18, 0.18, 1].map((v) => floatsToHalves(new Float32Array(size).fill(v))) },
      colorSpace: 'ACEScg',
      alpha: 'premultiplied',
      metadata: {
        tags: {},
        exrAttributes: [
          { name: 'owner', type: 'string', value: `owner-${frame}` },
          { name: 'framesPerSecond', type: 'rational', value: { numerator: 30000, denominator: 1001 } },
        ],
      },
    };
    writeFileSync(join(dir, `render.${String(frame).padStart(4, '0')}.exr`), encodeExrImage(image, 'piz'));
  }
}

describe('vfx slate', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir('vfx-slate-'));
    copyPlates(dir);
  });
  after(() => cleanup());

  it('writes the slate beside the frames as frame first-1, and refuses to overwrite it', async () => {
    const first = await runVfx(['slate', 'shot010_plate.1001-1010#.jpg', ...SET], { cwd: dir });
    // Frame 1006 is missing: the pattern names it, so the sequence is named by its directory instead.
    assert.equal(first.code, 1);
    assert.match(first.stderr, /1006/);
    const result = await runVfx(['slate', '.', ...SET, '--json'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.slate, 'shot010_plate.1000.jpg');
    assert.equal(report.frame, 1000);
    assert.deepEqual([report.format, report.width, report.height, report.sampleType], ['jpeg', 64, 36, 'uint8']);
    assert.deepEqual(report.thumbnails, [1005]);
    assert.equal(report.fields.frame_range, '1001-1010');
    assert.equal(report.fields.frame_count, '9');
    const info = await readImageInfo(join(dir, 'shot010_plate.1000.jpg'));
    assert.deepEqual([info.format, info.width, info.height], ['jpeg', 64, 36]);

    const again = await runVfx(['slate', 'shot010_plate.1001.jpg', ...SET], { cwd: dir });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /shot010_plate\.1000\.jpg: the slate exists already; nothing was written: add --force/);
    // With --force: the existing slate is recognised (not taken for frame 1000 of the shot).
    const forced = await runVfx(['slate', 'shot010_plate.1001.jpg', ...SET, '--force'], { cwd: dir });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /wrote shot010_plate\.1000\.jpg: slate frame 1000/);
    assert.ok(!existsSync(join(dir, 'shot010_plate.0999.jpg')));
  });

  it('reports missing fields, unknown fields and bad templates as usage errors', async () => {
    const missing = await runVfx(['slate', '.', '--set', 'shot=SH010', '-o', 'out/'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /needs the fields show, version, .*--set show=\.\.\. --set version=\.\.\./);
    writeFileSync(join(dir, 'bad.yaml'), 'name: bad\nelements:\n  - type: text\n    box: [0, 0, 1, 0.2]\n    text: "{shoot}"\n    align: middle\n');
    const bad = await runVfx(['slate', '.', ...SET, '--template', 'bad.yaml', '-o', 'out/'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.yaml: line 6: elements\[0\]\.align: expected one of left, center, right, found 'middle'/);
    writeFileSync(join(dir, 'typo.yaml'), 'name: typo\nelements:\n  - { type: text, box: [0, 0, 1, 0.2], text: "{shoot}" }\n');
    const typo = await runVfx(['slate', '.', ...SET, '--template', 'typo.yaml', '-o', 'out/'], { cwd: dir });
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /uses \{shoot\}, which is not a field/);
    const frame = await runVfx(['slate', '.', ...SET, '--thumb-frame', '1006', '-o', 'out/'], { cwd: dir });
    assert.equal(frame.code, 2);
    assert.match(frame.stderr, /thumbnail frame 1006 is not in the sequence/);
    const noTemplate = await runVfx(['slate', '.', ...SET, '--template', 'nope.yaml'], { cwd: dir });
    assert.equal(noTemplate.code, 1);
    assert.match(noTemplate.stderr, /nope\.yaml: no such template file/);
  });

  it('renders a custom template at another size into another format', async () => {
    writeFileSync(
      join(dir, 'mine.json'),
      JSON.stringify({ name: 'mine', background: '#000000', required: ['shot'], elements: [{ type: 'text', box: [0, 0, 1, 1], text: '{shot} {frame_count}', size: 0.2, align: 'center', color: '#ff0000' }] }),
    );
    const result = await runVfx(['slate', '.', '--set', 'shot=AB', '--template', 'mine.json', '--size', '400x200', '-o', 'custom/slate.png'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const { data, info } = await sharp(join(dir, 'custom/slate.png')).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [400, 200]);
    let red = 0;
    let other = 0;
    for (let i = 0; i < data.length; i += info.channels) {
      if (data[i]! > 0 && data[i + 1] === 0 && data[i + 2] === 0) red++;
      else if (data[i] !== 0 || data[i + 1] !== 0 || data[i + 2] !== 0) other++;
    }
    assert.ok(red > 500, `red text pixels: ${red}`);
    assert.equal(other, 0);
    // Text in the middle of the frame, black at the corners.
    assert.equal(data[0], 0);
  });

  it('makes an EXR slate of an EXR sequence: same size and channels, linear bars, frame first-1', async () => {
    const exrDir = join(dir, 'exr');
    mkdirSync(exrDir);
    writeExrFrames(exrDir, [1001, 1002, 1003], 320, 180);
    const result = await runVfx(['slate', 'exr/render.#.exr', ...SET, '--json'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.slate, 'exr/render.1000.exr');
    assert.equal(report.fields.fps, '29.97');
    assert.equal(report.fields.duration, '00:00:00;03');
    assert.equal(report.fields.artist, 'owner-1001');
    const info = await readImageInfo(join(exrDir, 'render.1000.exr'));
    assert.deepEqual([info.width, info.height, info.compression, info.colorSpace], [320, 180, 'piz', 'ACEScg']);
    assert.deepEqual(info.channels.map((c) => `${c.name}:${c.type}`), ['R:half', 'G:half', 'B:half', 'A:half']);
    // The classic template's bars: [0.53, 0.83, 0.43, 0.05] of the frame; the first (white) bar is 0.75.
    const image = toPlanar(await readImage(join(exrDir, 'render.1000.exr')));
    const x = Math.round(0.53 * 320) + 3;
    const y = Math.round(0.83 * 180) + 3;
    assert.deepEqual([0, 1, 2].map((c) => halfToFloat(image.pixels.planes[c]![y * 320 + x]!)), [0.75, 0.75, 0.75]);
  });

  it('reads camera fields from a real Canon JPEG', { skip: noReal }, async () => {
    const camDir = join(dir, 'canon');
    mkdirSync(camDir);
    for (const frame of [1, 2]) copyFileSync(join(real!, 'exif/exif-py/Canon_40D.jpg'), join(camDir, `cam.${frame}.jpg`));
    const result = await runVfx(['slate', 'canon/cam.1.jpg', ...SET, '--json'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.slate, 'canon/cam.0.jpg');
    assert.match(report.fields.camera, /Canon EOS 40D/);
    assert.match(report.fields.capture_date, /^2008-05-30/);
  });

  it("keeps every channel of OpenEXR's Beachball and draws in its display window", { skip: noReal }, async () => {
    const beachDir = join(dir, 'beach');
    mkdirSync(beachDir);
    copyFileSync(join(real!, 'exr/openexr-images/Beachball/singlepart.0001.exr'), join(beachDir, 'beach.0001.exr'));
    const result = await runVfx(['slate', 'beach/beach.0001.exr', ...SET, '--template', 'minimal', '--json'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const source = await readImageInfo(join(beachDir, 'beach.0001.exr'));
    const slate = await readImageInfo(join(beachDir, 'beach.0000.exr'));
    assert.deepEqual([slate.width, slate.height], [2048, 1556]);
    assert.deepEqual(slate.channels.map((c) => c.name).sort(), source.channels.map((c) => c.name).sort());
    assert.equal(slate.channels.length, 20);
  });
});

describe('vfx burnin', () => {
  let dir: string;
  let cleanup: () => void;
  before(async () => {
    ({ dir, cleanup } = tempDir('vfx-burnin-'));
    await writeHdJpegs(dir, [1001, 1002, 1003, 1004]);
    writeExrFrames(dir, [1, 2, 3], 256, 144);
  });
  after(() => cleanup());

  it('burns text into every JPEG frame, per frame, and refuses to overwrite', async () => {
    const args = ['burnin', 'plate.#.jpg', '-o', 'out/', '--set', 'shot=SH010', '--top-left', '{shot}', '--bottom-right', '{frame}', '--text-size', '0.08', '-j', '2'];
    const dry = await runVfx([...args, '--dry-run'], { cwd: dir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /burnin plate\.1001\.jpg -> out\/plate\.1001\.jpg/);
    assert.ok(!existsSync(join(dir, 'out')));
    const result = await runVfx(args, { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /burnt in 4 frames/);
    assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['plate.1001.jpg', 'plate.1002.jpg', 'plate.1003.jpg', 'plate.1004.jpg']);
    // Glyphs in the top-left and bottom-right corners; the middle is the frame.
    const brightIn = async (file: string, left: number, top: number, width: number, height: number) => {
      const { data } = await sharp(join(dir, file)).extract({ left, top, width, height }).raw().toBuffer({ resolveWithObject: true });
      let n = 0;
      for (let i = 0; i < data.length; i += 3) if (data[i]! > 200 && data[i + 1]! > 200) n++;
      return n;
    };
    assert.ok((await brightIn('out/plate.1001.jpg', 0, 0, 200, 60)) > 100);
    assert.ok((await brightIn('out/plate.1001.jpg', 440, 300, 200, 60)) > 100);
    assert.equal(await brightIn('out/plate.1001.jpg', 200, 120, 240, 120), 0);
    // {frame} differs from frame to frame.
    const corner = async (file: string) => sharp(join(dir, file)).extract({ left: 440, top: 300, width: 200, height: 60 }).greyscale().raw().toBuffer();
    assert.notDeepEqual(await corner('out/plate.1001.jpg'), await corner('out/plate.1002.jpg'));
    const again = await runVfx(args, { cwd: dir });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /4 output files exist .*add --force/);
  });

  it('burns EXR frames in worker threads with per-frame attributes and drop-frame timecode', async () => {
    const result = await runVfx(
      ['burnin', 'render.#.exr', '-o', 'burnt/render.#.exr', '--top-left', '{attr:owner}', '--bottom-right', '{timecode}', '--start-timecode', '01:00:00;00', '--text-size', '0.1', '-j', '2', '--json'],
      { cwd: dir },
    );
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.ok, 3);
    assert.deepEqual(report.items.map((item: { to: string }) => item.to), ['burnt/render.0001.exr', 'burnt/render.0002.exr', 'burnt/render.0003.exr']);
    const info = await readImageInfo(join(dir, 'burnt/render.0002.exr'));
    assert.deepEqual([info.compression, info.colorSpace, info.channels.length], ['piz', 'ACEScg', 4]);
    const image = toPlanar(await readImage(join(dir, 'burnt/render.0002.exr')));
    let max = 0;
    for (let i = 0; i < 256 * 40; i++) max = Math.max(max, halfToFloat(image.pixels.planes[0]![i]!));
    assert.equal(max, 1); // white text = 1.0 linear
    assert.equal(halfToFloat(image.pixels.planes[0]![72 * 256 + 128]!), halfToFloat(floatsToHalves([0.18])[0]!));
  });

  it('refuses text fields without values, one-file outputs and writing over the input', async () => {
    const missing = await runVfx(['burnin', 'plate.#.jpg', '-o', 'x/', '--top-left', '{shot}'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /the burn-in text needs the field shot/);
    const one = await runVfx(['burnin', 'plate.#.jpg', '-o', 'single.jpg'], { cwd: dir });
    assert.equal(one.code, 2);
    assert.match(one.stderr, /give a pattern \('single\.#\.jpg'\) or a directory/);
    const self = await runVfx(['burnin', 'plate.#.jpg', '-o', '.', '--force'], { cwd: dir });
    assert.equal(self.code, 2);
    assert.match(self.stderr, /is one of the input frames/);
  });

  it("burns OpenEXR's Beachball (ZIPS, data window inside the display window) chunk by chunk as a full re-encode would", { skip: noReal }, async () => {
    const input = join(dir, 'beach.0001.exr');
    copyFileSync(join(real!, 'exr/openexr-images/Beachball/singlepart.0001.exr'), input);
    const base = {
      input,
      shown: 'beach.0001.exr',
      frame: 1,
      template: { ...DEFAULT_BURNIN, text: { 'top-left': 'SH010 {frame}', 'bottom-right': '{timecode}' }, letterbox: 2.39 },
      fields: {},
      clock: { fps: 24, startCount: 0, firstFrame: 1 },
      force: false,
    };
    const spliced = await runBurninJob({ ...base, output: join(dir, 'beach_spliced.0001.exr') });
    const full = await runBurninJob({ ...base, output: join(dir, 'beach_full.0001.exr'), splice: false });
    assert.deepEqual([spliced.route, full.route, spliced.width, spliced.height], ['spliced', 'decoded', 2048, 1556]);
    const [a, b] = [toPlanar(await readImage(join(dir, 'beach_spliced.0001.exr'))), toPlanar(await readImage(join(dir, 'beach_full.0001.exr')))];
    assert.equal(a.channels.length, 20);
    assert.deepEqual(a.dataWindow, b.dataWindow);
    a.channels.forEach((c, i) => assert.deepEqual(a.pixels.planes[i], b.pixels.planes[i], c.name));
    // The letterbox darkened rows inside the data window: the first row of the data window is black.
    const r = a.pixels.planes[a.channels.findIndex((c) => c.name === 'R')]!;
    assert.equal(halfToFloat(r[Math.floor(a.width / 2)]!), 0);
  });

  it('reports a corrupt frame by name and burns in the others', async () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    for (const frame of [1, 2, 3]) copyFileSync(join(dir, `plate.${1000 + frame}.jpg`), join(broken, `b.000${frame}.jpg`));
    writeFileSync(join(broken, 'b.0002.jpg'), readFileSync(join(broken, 'b.0002.jpg')).subarray(0, 300));
    const result = await runVfx(['burnin', 'broken/b.#.jpg', '-o', 'broken-out/'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /broken\/b\.0002\.jpg: cannot burn in this frame: /);
    assert.match(result.stdout, /burnt in 2 frames .*, 1 failed/);
    assert.deepEqual(readdirSync(join(dir, 'broken-out')).sort(), ['b.0001.jpg', 'b.0003.jpg']);
  });

  it('runs as a real process with the letterbox', () => {
    const result = spawnVfxSync(['burnin', 'plate.#.jpg', '-o', 'boxed/', '--letterbox', '2.39', '--set', 'shot=SH010'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readdirSync(join(dir, 'boxed')).length, 4);
  });
});
