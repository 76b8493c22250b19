/**
 * Helpers for the `vfx meta` tests: the sample photos copied to a temporary directory (the real
 * fixtures are never edited in place), Debian's exiftool as the reference reader, and the image
 * data of a JPEG (everything but its metadata segments) to prove an edit left the pixels alone.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, sep } from 'node:path';
import { realFixtures } from './helpers.js';

const real = realFixtures();
/** The sample photos (fixtures-real/exif), when present. */
export const exifFixtures: string | undefined = real !== undefined && existsSync(join(real, 'exif')) ? join(real, 'exif') : undefined;
export const noExifFixtures: string | false =
  exifFixtures === undefined ? 'real fixtures not found (../shared/fixtures-real or VFX_REAL_FIXTURES): no sample photos' : false;
/**
 * The reference ExifTool: VFX_REFERENCE_EXIFTOOL, else the first `exiftool` on PATH outside
 * node_modules (npm puts exiftool-vendored's own copy on PATH under `npm test`, and comparing it
 * with itself would prove nothing).
 */
export function findReferenceExiftool(): string | undefined {
  const candidates = [
    process.env.VFX_REFERENCE_EXIFTOOL,
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => dir !== '' && !dir.split(sep).includes('node_modules'))
      .map((dir) => join(dir, 'exiftool')),
  ];
  return candidates.find((c): c is string => c !== undefined && c !== '' && spawnSync(c, ['-ver'], { encoding: 'utf8' }).status === 0);
}
export const referenceExiftool: string | undefined = findReferenceExiftool();
export const hasExiftool: boolean = referenceExiftool !== undefined;
export const noExiftool: string | false = hasExiftool ? false : "Debian's exiftool is not installed (apt-get install libimage-exiftool-perl)";

/** Copies sample photos (paths relative to fixtures-real/exif) into `dir`, writable, keeping names. */
export function copySamples(dir: string, files: readonly string[]): string[] {
  return files.map((file) => {
    const target = join(dir, file.split('/').pop()!);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(exifFixtures!, file), target);
    chmodSync(target, 0o644);
    return target;
  });
}

/** What Debian's exiftool reads from files (`exiftool -j -n [ARGS] FILES`). */
export function exiftoolRead(files: readonly string[], args: readonly string[] = []): Record<string, unknown>[] {
  const result = spawnSync(referenceExiftool!, ['-j', '-n', ...args, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(result.status === 0 || result.status === 1, result.stderr);
  return JSON.parse(result.stdout || '[]') as Record<string, unknown>[];
}

/**
 * A JPEG's image data: every segment but APPn and COM (so the quantisation and Huffman tables, the
 * frame header), then the entropy-coded scans up to and including EOI. Metadata edits must leave
 * it byte for byte.
 */
export function jpegImageData(bytes: Uint8Array): Buffer {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.ok(data[0] === 0xff && data[1] === 0xd8, 'a JPEG starts with SOI');
  const parts: Buffer[] = [];
  let at = 2;
  while (at < data.length) {
    assert.equal(data[at], 0xff, `a marker at byte ${at}`);
    while (data[at + 1] === 0xff) at++;
    const marker = data[at + 1]!;
    if (marker === 0xda) {
      const end = data.indexOf(Buffer.from([0xff, 0xd9]), at);
      assert.ok(end > at, 'the scan ends with EOI');
      parts.push(data.subarray(at, end + 2));
      break;
    }
    const length = data.readUInt16BE(at + 2);
    const metadata = (marker >= 0xe0 && marker <= 0xef) || marker === 0xfe;
    if (!metadata) parts.push(data.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  return Buffer.concat(parts);
}

export function readBytes(path: string): Buffer {
  return readFileSync(path);
}
