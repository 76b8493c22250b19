/**
 * Conformance with ExifTool itself: `vfx meta show --json` on the real sample photos (exif-py's and
 * ExifTool's own test images) must print what Debian's `exiftool -j -n` (12.57) prints, run at test
 * time on the same files, for every tag both print. vfxkit runs the ExifTool that
 * exiftool-vendored bundles (13.x), so the differences that newer ExifTool versions bring are
 * listed here, each with its reason; anything else fails. The key tags of the contract must be
 * present and equal whenever Debian's exiftool prints them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExifToolSession, readGroupedMetadata } from '@vfxkit/metadata';
import { realFixtures, runVfx } from './helpers.js';
import { noExiftool, referenceExiftool } from './meta-helpers.js';

const real = realFixtures();
const exifDir = real === undefined ? undefined : join(real, 'exif');
const exrDir = real === undefined ? undefined : join(real, 'exr');
const skip =
  exifDir === undefined || !existsSync(exifDir)
    ? 'real fixtures not found (../shared/fixtures-real or VFX_REAL_FIXTURES): no sample photos to compare'
    : noExiftool
      ? `${noExiftool}: nothing to compare with`
      : false;
if (skip) console.log(`# skipped: ${skip}`);

/** The tags every photo's metadata must match on, whenever exiftool prints them. */
const KEY_TAGS = [
  'Make',
  'Model',
  'DateTimeOriginal',
  'ISO',
  'ExposureTime',
  'FNumber',
  'FocalLength',
  'Orientation',
  'ImageWidth',
  'ImageHeight',
  'GPSLatitude',
  'GPSLongitude',
  'GPSAltitude',
  'Keywords',
  'ProfileDescription',
  'Title',
  'Subject',
];

/** Tags whose value depends on when they are read, not on the file's content (the inode change time
 *  moves whenever anyone links or chmods the shared fixtures). */
const VOLATILE = new Set(['FileAccessDate', 'FileInodeChangeDate']);

/**
 * Tags Debian's ExifTool 12.57 prints that the bundled 13.x does not, each with the reason.
 * A value that differs because 13.x reads a whole group of metadata that 12.57 does not (MIE and
 * CanonVRD trailers, PhotoMechanic, FotoStation) is recognised from the groups themselves, below.
 */
const RENAMED_IN_NEWER_EXIFTOOL: Record<string, string> = {
  FlashActivity: 'ExifTool 13 decodes Canon FlashActivity as FlashModel, FlashOutput and FlashBatteryLevel',
};

function listImages(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(jpe?g|tiff?)$/i.test(name)) out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out;
}

function exiftoolJson(cwd: string, args: string[]): Record<string, unknown>[] {
  const result = spawnSync(referenceExiftool!, ['-j', '-n', ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

describe('vfx meta show --json against exiftool -j -n', { skip }, () => {
  const session = new ExifToolSession({ maxProcs: 2 });
  const files = skip ? [] : listImages(exifDir!);
  let ours = new Map<string, Record<string, unknown>>();
  before(async () => {
    const result = await runVfx(['meta', 'show', '--json', ...files], { cwd: exifDir! });
    assert.equal(result.code, 0, result.stderr);
    ours = new Map((JSON.parse(result.stdout) as Record<string, unknown>[]).map((o) => [o.path as string, o]));
  });
  after(() => session.end());

  it('compares with an ExifTool other than the one vfxkit runs', () => {
    const version = spawnSync(referenceExiftool!, ['-ver'], { encoding: 'utf8' }).stdout.trim();
    console.log(`# reference: ${referenceExiftool} ${version}`);
    assert.ok(!referenceExiftool!.includes('node_modules'));
  });

  it('reads every sample photo', () => {
    assert.ok(files.length >= 20, `${files.length} photos`);
    assert.deepEqual([...ours.keys()], files, 'one object per file, in the order given, path first');
    for (const object of ours.values()) assert.equal(Object.keys(object)[0], 'path');
  });

  for (const file of files) {
    it(`prints what exiftool prints for ${file}`, async () => {
      const [theirs] = exiftoolJson(exifDir!, [file]);
      const mine = ours.get(file)!;
      const differences: string[] = [];
      const explained: string[] = [];
      let theirGroups: Set<string> | undefined;
      let ourGroups: Map<string, string[]> | undefined;
      const groupsExplain = async (tag: string): Promise<boolean> => {
        theirGroups ??= new Set(Object.keys(exiftoolJson(exifDir!, ['-G', file])[0]!).map((k) => k.split(':')[0]!));
        ourGroups ??= (await readGroupedMetadata(session, file, { cwd: exifDir! })).tags.reduce(
          (map, t) => map.set(t.name, [...(map.get(t.name) ?? []), t.group]),
          new Map<string, string[]>(),
        );
        return (ourGroups.get(tag) ?? []).some((group) => !theirGroups!.has(group));
      };
      let compared = 0;
      for (const [tag, value] of Object.entries(theirs!)) {
        if (tag === 'SourceFile' || tag === 'ExifToolVersion' || VOLATILE.has(tag)) continue;
        if (!(tag in mine)) {
          if (RENAMED_IN_NEWER_EXIFTOOL[tag] !== undefined) explained.push(`${tag}: ${RENAMED_IN_NEWER_EXIFTOOL[tag]}`);
          else differences.push(`${tag} is missing (exiftool: ${JSON.stringify(value)})`);
          continue;
        }
        compared++;
        if (JSON.stringify(mine[tag]) === JSON.stringify(value)) continue;
        if (!KEY_TAGS.includes(tag) && (await groupsExplain(tag))) {
          explained.push(`${tag}: newer ExifTool also reads a group 12.57 does not, and prefers its value`);
          continue;
        }
        differences.push(`${tag}: ours ${JSON.stringify(mine[tag])}, exiftool ${JSON.stringify(value)}`);
      }
      for (const tag of KEY_TAGS) {
        if (tag in theirs!) assert.deepEqual(mine[tag], theirs![tag], `key tag ${tag}`);
      }
      if (explained.length > 0) console.log(`# ${file}: ${explained.length} known version differences: ${explained.join('; ')}`);
      assert.deepEqual(differences, [], `${file}: ${compared} tags compared`);
      assert.ok(compared >= 20, `${file}: only ${compared} tags compared`);
    });
  }

  it('prints GPS positions as signed decimal degrees (south and west negative)', () => {
    const gps = ours.get('exiftool/GPS.jpg')!;
    assert.ok(Math.abs((gps.GPSLatitude as number) - 54.9896666666667) < 1e-12);
    assert.ok(Math.abs((gps.GPSLongitude as number) + 1.91416666666667) < 1e-12, 'west is negative');
    const apple = ours.get('exiftool/Apple.jpg')!;
    assert.ok((apple.GPSLongitude as number) < 0 && (apple.GPSLatitude as number) > 53);
  });
});

describe('EXR files against exiftool', { skip: skip || (exrDir === undefined || !existsSync(exrDir) ? 'no EXR fixtures' : false) }, () => {
  const samples = ['exiftool/OpenEXR.exr', 'openexr-images/DisplayWindow/t08.exr', 'openexr-images/Beachball/multipart.0001.exr', 'openexr/v1.7.test.tiled.exr'];
  it('report the same image size and file tags, and every header attribute as exr:NAME', async () => {
    const present = samples.filter((s) => existsSync(join(exrDir!, s)));
    const result = await runVfx(['meta', 'show', '--json', ...present], { cwd: exrDir! });
    assert.equal(result.code, 0, result.stderr);
    const objects = JSON.parse(result.stdout) as Record<string, unknown>[];
    for (const [index, file] of present.entries()) {
      const [theirs] = exiftoolJson(exrDir!, [file]);
      const mine = objects[index]!;
      for (const tag of ['FileName', 'Directory', 'FileSize', 'FileModifyDate', 'FilePermissions', 'FileType', 'FileTypeExtension', 'MIMEType', 'ImageWidth', 'ImageHeight', 'ImageSize', 'Megapixels']) {
        assert.deepEqual(mine[tag], theirs![tag], `${file}: ${tag}`);
      }
      assert.deepEqual(mine['exr:dataWindow'], Object.fromEntries(['xMin', 'yMin', 'xMax', 'yMax'].map((k, i) => [k, Number(String(theirs!.DataWindow).split(' ')[i])])));
      assert.equal(mine['exr:compression'], ['none', 'rle', 'zips', 'zip', 'piz', 'pxr24', 'b44', 'b44a', 'dwaa', 'dwab'][theirs!.Compression as number]);
    }
  });
});
