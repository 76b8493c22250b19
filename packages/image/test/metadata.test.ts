import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import {
  exrAttributesToTags,
  iccDescription,
  rational,
  readExifTags,
  readImage,
  readImageInfo,
  tagsToExrAttributes,
  tagsToSharpExif,
  type MetadataTags,
} from '@vfxkit/image';
import { noFixtures, real } from './helpers.js';

async function exifOf(path: string): Promise<Uint8Array> {
  const meta = await sharp(readFileSync(path)).metadata();
  assert.ok(meta.exif, `${path} has EXIF`);
  return new Uint8Array(meta.exif);
}

describe('EXIF key fields', { skip: noFixtures }, () => {
  // Expected values: `exiftool -n -j` on the same files (ExifTool 12.57).
  it('reads a little-endian EXIF block with GPS', async () => {
    const tags = readExifTags(await exifOf(real('exif/exif-py/gps/DSCN0010.jpg')));
    assert.equal(tags.Make, 'NIKON');
    assert.equal(tags.Model, 'COOLPIX P6000');
    assert.equal(tags.DateTimeOriginal, '2008:10:22 16:28:39');
    assert.ok(Math.abs(tags.ExposureTime! - 0.01333333333) < 1e-9);
    assert.equal(tags.FNumber, 5.9);
    assert.equal(tags.ISO, 64);
    assert.equal(tags.FocalLength, 24);
    assert.ok(Math.abs(tags.GPSLatitude! - 43.4674483333333) < 1e-9);
    assert.ok(Math.abs(tags.GPSLongitude! - 11.8851266666639) < 1e-9);
  });

  it('reads western longitudes as negative', async () => {
    const tags = readExifTags(await exifOf(real('exif/exiftool/GPS.jpg')));
    assert.ok(Math.abs(tags.GPSLatitude! - 54.9896666666667) < 1e-9);
    assert.ok(Math.abs(tags.GPSLongitude! + 1.91416666666667) < 1e-9);
  });

  it('reads a big-endian (Motorola) EXIF block', async () => {
    const tags = readExifTags(await exifOf(real('exif/exiftool/Apple.jpg')));
    assert.equal(tags.Make, 'Apple');
    assert.equal(tags.Model, 'iPhone 7');
    assert.equal(tags.ISO, 40);
    assert.equal(tags.FNumber, 1.8);
    assert.ok(tags.GPSLatitude! > 53.38 && tags.GPSLatitude! < 53.39, String(tags.GPSLatitude));
  });

  it('returns what it can from a damaged block and nothing from garbage', async () => {
    const exif = await exifOf(real('exif/exif-py/gps/DSCN0010.jpg'));
    assert.deepEqual(readExifTags(new Uint8Array([1, 2, 3])), {});
    assert.deepEqual(readExifTags(new Uint8Array(64)), {});
    const cut = readExifTags(exif.subarray(0, 200));
    assert.ok(typeof cut === 'object');
  });

  it('names ICC profiles', async () => {
    assert.equal((await readImageInfo(real('exif/exiftool/ExifTool.jpg'))).metadata.iccDescription, 'Adobe RGB (1998)');
    const srgb = await readImage(real('exif/exiftool/XMP.jpg'));
    assert.equal(iccDescription(srgb.metadata.icc!), 'sRGB IEC61966-2.1');
    assert.equal(iccDescription(new Uint8Array(100)), undefined);
  });
});

describe('metadata across formats', () => {
  const tags: MetadataTags = {
    Make: 'ARRI',
    Model: 'ALEXA 35',
    ExposureTime: 1 / 48,
    FNumber: 2.8,
    ISO: 800,
    FocalLength: 35,
    DateTimeOriginal: '2024:05:01 10:00:00',
    OffsetTimeOriginal: '+02:00',
    GPSLatitude: -33.8568,
    GPSLongitude: 151.2153,
    GPSAltitude: 12,
    Copyright: 'Studio',
  };

  it('writes OpenEXR standard attributes and reads them back', () => {
    const attributes = tagsToExrAttributes({ tags, xmp: '<x:xmpmeta/>' });
    const byName = Object.fromEntries(attributes.map((a) => [a.name, a]));
    assert.deepEqual(byName.cameraMake, { name: 'cameraMake', type: 'string', value: 'ARRI' });
    assert.deepEqual(byName.expTime, { name: 'expTime', type: 'float', value: 1 / 48 });
    assert.deepEqual(byName.owner, { name: 'owner', type: 'string', value: 'Studio' });
    // OpenEXR: UTC = local time + utcOffset, so local +02:00 is -7200 s.
    assert.deepEqual(byName.utcOffset, { name: 'utcOffset', type: 'float', value: -7200 });
    assert.deepEqual(byName.xmp, { name: 'xmp', type: 'string', value: '<x:xmpmeta/>' });
    const back = exrAttributesToTags(attributes);
    assert.deepEqual(back.tags, tags);
    assert.equal(back.xmp, '<x:xmpmeta/>');
  });

  it('writes EXIF entries sharp understands, rationals as cameras write them', () => {
    const exif = tagsToSharpExif(tags)!;
    assert.equal(exif.IFD0.Make, 'ARRI');
    assert.equal(exif.IFD2.ExposureTime, '1/48');
    assert.equal(exif.IFD2.FNumber, '14/5');
    assert.equal(exif.IFD2.ISOSpeedRatings, '800');
    assert.equal(exif.IFD3.GPSLatitudeRef, 'S');
    assert.equal(exif.IFD3.GPSLongitudeRef, 'E');
    assert.equal(tagsToSharpExif({}), undefined);
  });

  it('finds close rationals', () => {
    assert.equal(rational(0.005), '1/200');
    assert.equal(rational(9), '9/1');
    assert.equal(rational(5.9, 1000), '59/10');
    assert.equal(rational(Math.PI, 1000), '355/113');
  });

  it('carries EXIF and XMP through sharp and reads them back', async () => {
    const pixels = new Uint8Array(4 * 4 * 3).fill(100);
    const exif = tagsToSharpExif(tags)!;
    const jpeg = await sharp(pixels, { raw: { width: 4, height: 4, channels: 3 } }).withExif(exif).jpeg().toBuffer();
    const read = readExifTags(new Uint8Array((await sharp(jpeg).metadata()).exif!));
    assert.equal(read.Make, 'ARRI');
    assert.ok(Math.abs(read.ExposureTime! - 1 / 48) < 1e-12);
    assert.ok(Math.abs(read.GPSLatitude! - tags.GPSLatitude!) < 1e-6);
    assert.ok(Math.abs(read.GPSLongitude! - tags.GPSLongitude!) < 1e-6);
    assert.equal(read.GPSAltitude, 12);
    assert.equal(read.OffsetTimeOriginal, '+02:00');
  });
});
