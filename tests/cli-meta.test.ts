import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { writeExr } from '@vfxkit/exr';
import { fixturesDir, runVfx, tempDir } from './helpers.js';
import { copySamples, exiftoolRead, jpegImageData, noExifFixtures, noExiftool } from './meta-helpers.js';

const plate = join(fixturesDir, 'plates', 'shot010_plate.1001.jpg');
const needsPhotos = noExifFixtures || noExiftool;
if (needsPhotos) console.log(`# some vfx meta tests skipped: ${needsPhotos}`);

function writeTestExr(path: string, attributes: { name: string; type: 'string'; value: string }[] = []): void {
  const width = 8;
  const height = 4;
  writeFileSync(
    path,
    writeExr({ width, height, compression: 'zip', channels: [{ name: 'Y', type: 'float', data: new Float32Array(width * height).fill(0.5) }], attributes }),
  );
}

describe('vfx meta and vfx catalog help', () => {
  it('has examples in every leaf command', async () => {
    for (const command of [['meta', 'show'], ['meta', 'set'], ['meta', 'delete'], ['meta', 'copy'], ['meta', 'find'], ['catalog', 'index'], ['catalog', 'stats']]) {
      const result = await runVfx([...command, '--help']);
      assert.equal(result.code, 0, command.join(' '));
      assert.match(result.stdout, /Examples:\n  \$ vfx /, command.join(' '));
    }
    const top = await runVfx(['--help']);
    assert.match(top.stdout, /^  meta /m);
    assert.match(top.stdout, /^  catalog /m);
  });
});

describe('vfx meta show', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir('vfx-meta-show-'));
    copyFileSync(plate, join(dir, 'plate.jpg'));
    writeFileSync(join(dir, 'notes.txt'), 'not an image\n');
    writeTestExr(join(dir, 'render.exr'), [
      { name: 'owner', type: 'string', value: 'Studio' },
      { name: 'capDate', type: 'string', value: '2024:05:06 07:08:09' },
    ]);
  });
  after(() => cleanup());

  it('prints one JSON object per file: path first, then the tags as exiftool -j -n names them', async () => {
    const result = await runVfx(['meta', 'show', '--json', 'plate.jpg', 'render.exr'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const [jpeg, exr] = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.equal(Object.keys(jpeg!)[0], 'path');
    assert.equal(jpeg!.path, 'plate.jpg');
    assert.equal(jpeg!.FileType, 'JPEG');
    assert.equal(jpeg!.MIMEType, 'image/jpeg');
    assert.equal(jpeg!.ImageWidth, 64);
    assert.equal(jpeg!.ImageHeight, 36);
    assert.equal(jpeg!.Directory, '.');
    assert.equal(jpeg!.SourceFile, undefined, 'path replaces SourceFile');
    assert.equal(jpeg!.ExifToolVersion, undefined);
    assert.equal(exr!.path, 'render.exr');
    assert.equal(exr!.FileType, 'EXR');
    assert.equal(exr!.ImageWidth, 8);
    assert.equal(exr!['exr:owner'], 'Studio');
    assert.equal(exr!['exr:compression'], 'zip');
    assert.deepEqual(exr!['exr:dataWindow'], { xMin: 0, yMin: 0, xMax: 7, yMax: 3 });
    assert.equal(exr!.DateTimeOriginal, '2024:05:06 07:08:09', 'EXR standard attributes also under the shared name');
  });

  it('groups tags for people as exiftool -G does, with EXR attribute types', async () => {
    const result = await runVfx(['meta', 'show', dir], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^======== .*plate\.jpg$/m);
    assert.match(result.stdout, /^\[File\]\s+FileType\s+: JPEG$/m);
    assert.match(result.stdout, /^\[EXR\]\s+owner\s+: Studio\s+\(string\)$/m);
    assert.match(result.stdout, /^\[EXR\]\s+dataWindow\s+: \(0 0\) - \(7 3\)\s+\(box2i\)$/m);
    assert.doesNotMatch(result.stdout, /notes\.txt/, 'directories yield their images only');
  });

  it('shows only the tags asked for', async () => {
    const result = await runVfx(['meta', 'show', '--json', '-t', 'Image*', '-t', 'exr:owner', 'plate.jpg', 'render.exr'], { cwd: dir });
    const objects = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(objects[0]!), ['path', 'ImageWidth', 'ImageHeight', 'ImageSize']);
    assert.deepEqual(Object.keys(objects[1]!), ['path', 'ImageWidth', 'ImageHeight', 'ImageSize', 'exr:owner']);
  });

  it('reports unreadable and missing files as vfx: <file>: <message>, exit 1, and goes on', async () => {
    writeFileSync(join(dir, 'empty.jpg'), '');
    const result = await runVfx(['meta', 'show', '--json', 'missing.jpg', 'empty.jpg', 'plate.jpg'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^vfx: missing\.jpg: no such file or directory$/m);
    assert.match(result.stderr, /^vfx: empty\.jpg: ExifTool cannot read it: File is empty$/m);
    const objects = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      objects.map((o) => o.path),
      ['empty.jpg', 'plate.jpg'],
    );
    assert.equal(typeof objects[0]!.error, 'string', 'a file that could not be read has an error, not tags');
  });

  it('reads sample photos: EXIF, GPS in signed decimal degrees, IPTC, XMP and ICC', { skip: noExifFixtures }, async () => {
    const { dir: photos, cleanup: done } = tempDir('vfx-meta-photos-');
    try {
      copySamples(photos, ['exiftool/GPS.jpg', 'exiftool/XMP.jpg', 'exif-py/Canon_40D.jpg']);
      const result = await runVfx(['meta', 'show', '--json', '-r', '.'], { cwd: photos });
      assert.equal(result.code, 0, result.stderr);
      const byName = new Map((JSON.parse(result.stdout) as Record<string, unknown>[]).map((o) => [o.FileName, o]));
      const gps = byName.get('GPS.jpg')!;
      assert.equal(gps.path, 'GPS.jpg');
      assert.equal(gps.Make, 'FUJIFILM');
      assert.equal(gps.DateTimeOriginal, '2002:07:13 15:58:28');
      assert.ok(Math.abs((gps.GPSLatitude as number) - 54.9896666666667) < 1e-9);
      assert.ok(Math.abs((gps.GPSLongitude as number) + 1.91416666666667) < 1e-9);
      assert.equal(gps.Keywords, 'Communications', 'IPTC');
      const xmp = byName.get('XMP.jpg')!;
      assert.equal(xmp.Title, 'Test IPTC picture');
      assert.deepEqual(xmp.Subject, ['ExifTool', 'Test', 'XMP']);
      assert.equal(xmp.ProfileDescription, 'sRGB IEC61966-2.1', 'ICC description');
      const canon = byName.get('Canon_40D.jpg')!;
      assert.equal(canon.Model, 'Canon EOS 40D');
      assert.equal(canon.ISO, 100);
      assert.equal(canon.FNumber, 7.1);
      const grouped = await runVfx(['meta', 'show', 'GPS.jpg'], { cwd: photos });
      assert.match(grouped.stdout, /^\[EXIF\]\s+Make\s+: FUJIFILM$/m);
      assert.match(grouped.stdout, /^\[IPTC\]\s+Keywords\s+: Communications$/m);
      assert.match(grouped.stdout, /^\[Composite\]\s+GPSLatitude\s+: 54\.98966/m);
    } finally {
      done();
    }
  });
});

describe('vfx meta set, delete and copy', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir('vfx-meta-edit-'));
  });
  after(() => cleanup());

  function freshPlate(name: string): string {
    const path = join(dir, name);
    copyFileSync(plate, path);
    chmodSync(path, 0o640);
    return path;
  }

  it('sets tags atomically: image data unchanged, permissions kept, nothing left beside the file', { skip: noExiftool }, async () => {
    const file = freshPlate('set.jpg');
    const before = readFileSync(file);
    const pixels = await sharp(before).raw().toBuffer();
    const result = await runVfx(
      ['meta', 'set', 'set.jpg', 'Artist=Jane Doe', 'Copyright=(c) 2025 "Studio" & Co', 'GPSLatitude=-33.8568', 'GPSLongitude=151.2153', 'GPSAltitude=-12.5', 'Orientation=6', 'ExposureTime=1/250', 'DateTimeOriginal=2024:05:06 07:08:09', 'Keywords+=approved', 'Keywords+=plate'],
      { cwd: dir },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /1 changed/);
    const [tags] = exiftoolRead([file]);
    assert.equal(tags!.Artist, 'Jane Doe');
    assert.equal(tags!.Copyright, '(c) 2025 "Studio" & Co');
    assert.equal(tags!.GPSLatitude, -33.8568, 'south is negative: GPSLatitudeRef was set too');
    assert.equal(tags!.GPSLatitudeRef, 'S');
    assert.equal(tags!.GPSLongitude, 151.2153);
    assert.equal(tags!.GPSAltitude, -12.5);
    assert.equal(tags!.Orientation, 6);
    assert.equal(tags!.ExposureTime, 0.004);
    assert.equal(tags!.DateTimeOriginal, '2024:05:06 07:08:09');
    assert.deepEqual(tags!.Keywords, ['approved', 'plate']);
    const after = readFileSync(file);
    assert.ok(jpegImageData(after).equals(jpegImageData(before)), 'the JPEG image data is byte-identical');
    assert.ok((await sharp(after).raw().toBuffer()).equals(pixels), 'and decodes to the same pixels');
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('set.jpg')), ['set.jpg'], 'no temporary, no _original');
    // And we read back what we wrote.
    const shown = JSON.parse((await runVfx(['meta', 'show', '--json', 'set.jpg'], { cwd: dir })).stdout) as Record<string, unknown>[];
    assert.equal(shown[0]!.GPSLatitude, -33.8568);
    assert.equal(shown[0]!.Artist, 'Jane Doe');
  });

  it('deletes tags, groups and everything, leaving the image data alone', { skip: needsPhotos }, async () => {
    const [gps, xmp, all] = copySamples(dir, ['exiftool/GPS.jpg', 'exiftool/XMP.jpg', 'exif-py/Canon_40D.jpg']);
    const images = [gps!, xmp!, all!].map((f) => jpegImageData(readFileSync(f)));
    assert.equal((await runVfx(['meta', 'delete', 'GPS.jpg', 'GPS:all', 'Artist'], { cwd: dir })).code, 0);
    const [afterGps] = exiftoolRead([gps!], ['-G']);
    assert.deepEqual(Object.keys(afterGps!).filter((k) => k.includes('GPS')), []);
    assert.equal(afterGps!['EXIF:Artist'], undefined);
    assert.equal(afterGps!['EXIF:Make'], 'FUJIFILM', 'other tags stay');
    assert.equal((await runVfx(['meta', 'delete', 'XMP.jpg', 'XMP:all'], { cwd: dir })).code, 0);
    const [afterXmp] = exiftoolRead([xmp!], ['-G']);
    assert.deepEqual(Object.keys(afterXmp!).filter((k) => k.startsWith('XMP')), []);
    assert.equal(afterXmp!['ICC_Profile:ProfileDescription'], 'sRGB IEC61966-2.1');
    const stripped = await runVfx(['meta', 'delete', '--all', 'Canon_40D.jpg'], { cwd: dir });
    assert.equal(stripped.code, 0, stripped.stderr);
    assert.match(stripped.stderr, /^vfx: warning: Canon_40D\.jpg: ICC_Profile deleted/m, "exiftool's warnings are passed on");
    const [bare] = exiftoolRead([all!], ['-G']);
    assert.deepEqual(
      Object.keys(bare!).filter((k) => /^(EXIF|XMP|IPTC|MakerNotes|ICC_Profile|Photoshop):/.test(k)),
      [],
    );
    [gps!, xmp!, all!].forEach((f, i) => assert.ok(jpegImageData(readFileSync(f)).equals(images[i]!), `${f}: image data kept`));
  });

  it('copies metadata from one file to others', { skip: needsPhotos }, async () => {
    const [source] = copySamples(dir, ['exiftool/Apple.jpg']);
    freshPlate('copy-all.jpg');
    freshPlate('copy-gps.jpg');
    assert.equal((await runVfx(['meta', 'copy', 'Apple.jpg', 'copy-all.jpg'], { cwd: dir })).code, 0);
    assert.equal((await runVfx(['meta', 'copy', '-t', 'GPS:all', 'Apple.jpg', 'copy-gps.jpg'], { cwd: dir })).code, 0);
    const [src, everything, gpsOnly] = exiftoolRead([source!, join(dir, 'copy-all.jpg'), join(dir, 'copy-gps.jpg')]);
    for (const tag of ['Make', 'Model', 'DateTimeOriginal', 'GPSLatitude', 'GPSLongitude', 'ExposureTime']) assert.deepEqual(everything![tag], src![tag], tag);
    assert.equal(gpsOnly!.GPSLatitude, src!.GPSLatitude);
    assert.equal(gpsOnly!.Make, undefined, 'only GPS was asked for');
    assert.equal(everything!.ImageWidth, 64, 'the image stays the destination image');
  });

  it('copies the shared tags between EXR and other files', { skip: noExiftool }, async () => {
    freshPlate('from-exr.jpg');
    writeTestExr(join(dir, 'cam.exr'), [
      { name: 'cameraMake', type: 'string', value: 'ARRI' },
      { name: 'capDate', type: 'string', value: '2023:02:03 04:05:06' },
    ]);
    assert.equal((await runVfx(['meta', 'copy', 'cam.exr', 'from-exr.jpg'], { cwd: dir })).code, 0);
    const [tags] = exiftoolRead([join(dir, 'from-exr.jpg')]);
    assert.equal(tags!.Make, 'ARRI');
    assert.equal(tags!.DateTimeOriginal, '2023:02:03 04:05:06');
    writeTestExr(join(dir, 'to.exr'));
    assert.equal((await runVfx(['meta', 'copy', 'from-exr.jpg', 'to.exr'], { cwd: dir })).code, 0);
    const shown = JSON.parse((await runVfx(['meta', 'show', '--json', 'to.exr'], { cwd: dir })).stdout) as Record<string, unknown>[];
    assert.equal(shown[0]!['exr:cameraMake'], 'ARRI');
    assert.equal(shown[0]!['exr:capDate'], '2023:02:03 04:05:06');
  });

  it('keeps <name>_original with --backup, as exiftool does', { skip: noExiftool }, async () => {
    const file = freshPlate('backup.jpg');
    const original = readFileSync(file);
    const result = await runVfx(['meta', 'set', '--backup', '--json', 'backup.jpg', 'Artist=A'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { files: { path: string; outcome: string; backup?: string }[] };
    assert.equal(report.files[0]!.outcome, 'changed');
    assert.ok(readFileSync(`${file}_original`).equals(original));
    await runVfx(['meta', 'set', '--backup', 'backup.jpg', 'Artist=B'], { cwd: dir });
    assert.ok(readFileSync(`${file}_original`).equals(original), 'an existing _original is kept');
    assert.equal(exiftoolRead([file])[0]!.Artist, 'B');
  });

  it('prints the plan with --dry-run and touches nothing', async () => {
    const file = freshPlate('dry.jpg');
    const before = readFileSync(file);
    const mtime = statSync(file).mtimeMs;
    const result = await runVfx(['meta', 'set', '--dry-run', 'dry.jpg', 'Artist=Nobody', 'ImageWidth=12'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^dry\.jpg: Artist: \(none\) -> "Nobody"$/m);
    assert.match(result.stdout, /^dry\.jpg: ImageWidth: "64" -> "12"$/m);
    assert.match(result.stdout, /dry run: 1 file, nothing changed/);
    const json = JSON.parse((await runVfx(['meta', 'delete', '-n', '--json', 'dry.jpg', 'FileType'], { cwd: dir })).stdout) as Record<string, unknown>;
    assert.deepEqual(json, { operation: 'delete', dryRun: true, files: [{ path: 'dry.jpg', changes: [{ tag: 'FileType', from: 'JPEG' }] }] });
    assert.ok(readFileSync(file).equals(before));
    assert.equal(statSync(file).mtimeMs, mtime);
  });

  it('runs over many files in parallel, reports each failure and exits 1, leaving failed files as they were', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `many.${String(i).padStart(2, '0')}.jpg`);
    for (const name of names) freshPlate(name);
    writeFileSync(join(dir, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 2, 1, 2, 3]));
    const brokenBytes = readFileSync(join(dir, 'broken.jpg'));
    const result = await runVfx(['meta', 'set', '-j', '3', '--json', ...names, 'broken.jpg', 'missing.jpg', 'Artist=Batch'], { cwd: dir });
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout) as { ok: number; failed: number; files: { path: string; outcome: string; error?: string }[] };
    assert.equal(report.ok, 12);
    assert.equal(report.failed, 1);
    assert.match(result.stderr, /^vfx: missing\.jpg: no such file or directory$/m);
    assert.match(result.stderr, /^vfx: broken\.jpg: /m);
    assert.equal(report.files.find((f) => f.path === 'broken.jpg')!.outcome, 'failed');
    assert.ok(readFileSync(join(dir, 'broken.jpg')).equals(brokenBytes));
    for (const tags of exiftoolRead(names.map((n) => join(dir, n)), ['-Artist'])) assert.equal(tags.Artist, 'Batch');
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('vfx-tmp')), [], 'no temporaries left');
  });

  it('fails a tag exiftool cannot write, and changes nothing', async () => {
    const file = freshPlate('bad-tag.jpg');
    const before = readFileSync(file);
    const result = await runVfx(['meta', 'set', 'bad-tag.jpg', 'NoSuchTagAnywhere=1'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^vfx: bad-tag\.jpg: ExifTool: .*NoSuchTagAnywhere.*not defined/m);
    assert.ok(readFileSync(file).equals(before));
    const exrOnly = await runVfx(['meta', 'set', 'bad-tag.jpg', 'exr:owner=x'], { cwd: dir });
    assert.equal(exrOnly.code, 1);
    assert.match(exrOnly.stderr, /exr: attributes exist only in EXR files/);
  });

  it('reports unchanged files when there is nothing to delete', async () => {
    freshPlate('nothing.jpg');
    const result = await runVfx(['meta', 'delete', '--json', 'nothing.jpg', 'XMP:all'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { unchanged: number; files: { outcome: string }[] };
    assert.equal(report.unchanged, 1);
    assert.equal(report.files[0]!.outcome, 'unchanged');
  });

  it('writes PNG, WebP, TIFF and HEIF (AVIF) through exiftool', { skip: noExiftool }, async () => {
    const image = sharp({ create: { width: 16, height: 8, channels: 3, background: { r: 200, g: 40, b: 10 } } });
    const files = { 'a.png': image.clone().png(), 'a.webp': image.clone().webp(), 'a.tif': image.clone().tiff(), 'a.avif': image.clone().avif() };
    for (const [name, pipeline] of Object.entries(files)) await pipeline.toFile(join(dir, name));
    const pixels = await Promise.all(Object.keys(files).map((n) => sharp(join(dir, n)).raw().toBuffer()));
    const result = await runVfx(['meta', 'set', ...Object.keys(files), 'Artist=Jane', 'GPSLatitude=48.8584', 'GPSLongitude=2.2945'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    for (const tags of exiftoolRead(Object.keys(files).map((n) => join(dir, n)))) {
      assert.equal(tags.Artist, 'Jane', String(tags.SourceFile));
      assert.equal(tags.GPSLatitude, 48.8584, String(tags.SourceFile));
      assert.equal(tags.GPSLongitude, 2.2945, String(tags.SourceFile));
    }
    const after = await Promise.all(Object.keys(files).map((n) => sharp(join(dir, n)).raw().toBuffer()));
    after.forEach((p, i) => assert.ok(p.equals(pixels[i]!), `${Object.keys(files)[i]}: same pixels`));
  });

  it('sets EXR attributes and exrheader reads them', async () => {
    writeTestExr(join(dir, 'shot.exr'));
    const result = await runVfx(['meta', 'set', 'shot.exr', 'exr:owner=Studio', 'exr:focusDistance:float=2.5', 'GPSLatitude=48.8584'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const shown = JSON.parse((await runVfx(['meta', 'show', '--json', 'shot.exr'], { cwd: dir })).stdout) as Record<string, unknown>[];
    assert.equal(shown[0]!['exr:owner'], 'Studio');
    assert.equal(shown[0]!['exr:focusDistance'], 2.5);
    assert.equal(shown[0]!['exr:latitude'], 48.8584);
    assert.equal(shown[0]!.GPSLatitude, 48.8584);
    const refused = await runVfx(['meta', 'set', 'shot.exr', 'exr:compression=piz'], { cwd: dir });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /describes how the pixels are stored/);
  });

  it('rejects bad usage with exit 2', async () => {
    freshPlate('usage.jpg');
    for (const args of [
      ['meta', 'set', 'usage.jpg'],
      ['meta', 'set', 'Artist=x'],
      ['meta', 'delete', 'usage.jpg'],
      ['meta', 'find', '--radius', '5km', '.'],
      ['meta', 'find', '--near', '100,0', '.'],
      ['meta', 'find', '--where', 'ISO>>5', '.'],
      ['meta', 'find', '--near', '1,2', '--radius', '5 lightyears', '.'],
    ]) {
      const result = await runVfx(args, { cwd: dir });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^vfx: /m);
    }
  });
});

describe('vfx meta find and vfx catalog', { skip: noExifFixtures }, () => {
  let dir: string;
  let cleanup: () => void;
  let photos: string;
  before(() => {
    ({ dir, cleanup } = tempDir('vfx-meta-find-'));
    photos = join(dir, 'photos');
    copySamples(join(photos, 'uk'), ['exiftool/GPS.jpg', 'exiftool/Apple.jpg']);
    copySamples(join(photos, 'italy'), ['exif-py/gps/DSCN0010.jpg', 'exif-py/gps/DSCN0042.jpg']);
    copySamples(join(photos, 'other'), ['exif-py/Canon_40D.jpg', 'exiftool/Canon1DmkIII.jpg', 'exiftool/Nikon.jpg']);
    writeTestExr(join(photos, 'other', 'render.exr'), [{ name: 'owner', type: 'string', value: 'Studio' }]);
  });
  after(() => cleanup());

  const env = () => ({ NO_COLOR: '1', XDG_DATA_HOME: join(dir, 'xdg') });
  const sheffield = '53.3828,-1.4567';

  it('finds photos near a point, nearest first, within a radius', async () => {
    const result = await runVfx(['meta', 'find', '--json', 'photos', '--near', sheffield, '--radius', '200km'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const found = JSON.parse(result.stdout) as { path: string; distanceKm: number }[];
    assert.deepEqual(
      found.map((f) => f.path),
      ['photos/uk/Apple.jpg', 'photos/uk/GPS.jpg'],
    );
    assert.ok(found[0]!.distanceKm < 0.01);
    assert.ok(Math.abs(found[1]!.distanceKm - 181.137) < 0.01, String(found[1]!.distanceKm));
    const near = await runVfx(['meta', 'find', 'photos', '--near', sheffield, '--radius', '50mi'], { cwd: dir });
    assert.match(near.stdout, /^photos\/uk\/Apple\.jpg  \d+ m$/m);
    assert.doesNotMatch(near.stdout, /GPS\.jpg/);
    const everything = JSON.parse((await runVfx(['meta', 'find', '--json', 'photos', '--near', '43.4,11.8'], { cwd: dir })).stdout) as { path: string; distanceKm: number }[];
    assert.deepEqual(
      everything.map((f) => f.path.split('/').pop()),
      ['DSCN0042.jpg', 'DSCN0010.jpg', 'Apple.jpg', 'GPS.jpg'],
      'without a radius: every file with a position, nearest first',
    );
    for (let i = 1; i < everything.length; i++) assert.ok(everything[i - 1]!.distanceKm <= everything[i]!.distanceKm);
  });

  it('finds photos in a box and by where-clauses on numbers, text and dates', async () => {
    const find = async (...args: string[]) => {
      const result = await runVfx(['meta', 'find', '--json', 'photos', ...args], { cwd: dir });
      assert.equal(result.code, 0, result.stderr);
      return (JSON.parse(result.stdout) as { path: string }[]).map((f) => f.path.split('/').pop()).sort();
    };
    assert.deepEqual(await find('--bbox', '43,11,44,12'), ['DSCN0010.jpg', 'DSCN0042.jpg']);
    assert.deepEqual(await find('--where', 'Make=canon'), ['Canon1DmkIII.jpg', 'Canon_40D.jpg']);
    assert.deepEqual(await find('--where', 'ISO>=3200'), ['Canon1DmkIII.jpg']);
    assert.deepEqual(await find('--where', 'Make=Canon', '--where', 'DateTimeOriginal>=2008-01-01'), ['Canon_40D.jpg']);
    assert.deepEqual(await find('--where', 'DateTimeOriginal=2008-10'), ['DSCN0010.jpg', 'DSCN0042.jpg']);
    assert.deepEqual(await find('--where', 'Model~coolpix'), ['DSCN0010.jpg', 'DSCN0042.jpg']);
    assert.deepEqual(await find('--where', 'exr:owner=Studio'), ['render.exr']);
    assert.deepEqual(await find('--where', 'GPSLatitude', '--where', 'Make!=Apple'), ['DSCN0010.jpg', 'DSCN0042.jpg', 'GPS.jpg']);
  });

  it('indexes into a catalog, answers the same from it, and re-indexes only what changed', async () => {
    const catalog = join(dir, 'catalog.sqlite');
    const first = await runVfx(['catalog', 'index', '--json', '--catalog', catalog, 'photos'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as Record<string, number | string>;
    assert.equal(summary.catalog, 'catalog.sqlite');
    assert.deepEqual({ ...summary, elapsedMs: 0 }, { catalog: 'catalog.sqlite', files: 8, added: 8, updated: 0, unchanged: 0, removed: 0, failed: 0, elapsedMs: 0 });

    for (const args of [
      ['--near', sheffield, '--radius', '200km'],
      ['--bbox', '43,11,44,12'],
      ['--where', 'Make=Canon', '--where', 'ISO>=100'],
      ['--where', 'DateTimeOriginal<2005'],
      ['--near', '43.4,11.8'],
    ]) {
      const live = await runVfx(['meta', 'find', '--json', 'photos', ...args], { cwd: dir });
      const stored = await runVfx(['meta', 'find', '--json', '--catalog', catalog, ...args], { cwd: dir });
      assert.equal(stored.code, 0, stored.stderr);
      assert.deepEqual(JSON.parse(stored.stdout), JSON.parse(live.stdout), args.join(' '));
    }
    const under = JSON.parse((await runVfx(['meta', 'find', '--json', '--catalog', catalog, 'photos/italy'], { cwd: dir })).stdout) as { path: string }[];
    assert.deepEqual(under.map((u) => u.path), ['photos/italy/DSCN0010.jpg', 'photos/italy/DSCN0042.jpg']);

    // Change one file, remove one, add one.
    assert.equal((await runVfx(['meta', 'set', 'photos/other/Nikon.jpg', 'GPSLatitude=53.38', 'GPSLongitude=-1.46'], { cwd: dir })).code, 0);
    const { rmSync } = await import('node:fs');
    rmSync(join(photos, 'uk', 'GPS.jpg'));
    copyFileSync(plate, join(photos, 'other', 'plate.jpg'));
    const again = JSON.parse((await runVfx(['catalog', 'index', '--json', '--catalog', catalog, 'photos'], { cwd: dir })).stdout) as Record<string, number>;
    assert.deepEqual({ ...again, elapsedMs: 0 }, { catalog: 'catalog.sqlite', files: 8, added: 1, updated: 1, unchanged: 6, removed: 1, failed: 0, elapsedMs: 0 });
    const nearNow = JSON.parse((await runVfx(['meta', 'find', '--json', '--catalog', catalog, '--near', sheffield, '--radius', '200km'], { cwd: dir })).stdout) as { path: string }[];
    assert.deepEqual(nearNow.map((n) => n.path), ['photos/uk/Apple.jpg', 'photos/other/Nikon.jpg']);

    const stats = JSON.parse((await runVfx(['catalog', 'stats', '--json', '--catalog', catalog], { cwd: dir })).stdout) as Record<string, unknown>;
    assert.equal(stats.files, 8);
    assert.equal(stats.withPosition, 4);
    assert.deepEqual(stats.byType, [{ type: 'JPEG', files: 7 }, { type: 'EXR', files: 1 }]);
    const human = await runVfx(['catalog', 'stats', '--catalog', catalog], { cwd: dir });
    assert.match(human.stdout, /^files\s+8 /m);
  });

  it('uses the default catalog under XDG_DATA_HOME, and says when there is none', async () => {
    const missing = await runVfx(['meta', 'find', '--catalog', '--where', 'Make=Canon'], { cwd: dir, env: env() });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /xdg\/vfxkit\/catalog\.sqlite: no catalog here: build one with vfx catalog index/);
    const indexed = await runVfx(['catalog', 'index', 'photos/other'], { cwd: dir, env: env() });
    assert.equal(indexed.code, 0, indexed.stderr);
    assert.match(indexed.stdout, /^xdg\/vfxkit\/catalog\.sqlite: \d+ files: \d+ added/m);
    const found = await runVfx(['meta', 'find', '--catalog', '--where', 'Make=Canon'], { cwd: dir, env: env() });
    assert.equal(found.code, 0, found.stderr);
    assert.deepEqual(found.stdout.trim().split('\n').sort(), ['photos/other/Canon1DmkIII.jpg', 'photos/other/Canon_40D.jpg']);
    // A directory right after --catalog is a directory, not the catalog file.
    const under = await runVfx(['meta', 'find', '--catalog', 'photos/other', '--where', 'ISO>=3200'], { cwd: dir, env: env() });
    assert.equal(under.code, 0, under.stderr);
    assert.equal(under.stdout, 'photos/other/Canon1DmkIII.jpg\n');
  });
});
