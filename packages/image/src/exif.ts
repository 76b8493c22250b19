/**
 * The key EXIF fields out of an EXIF block, for carrying them into formats that cannot hold EXIF
 * itself (EXR attributes) and for `vfx img info`. Only the fields of `MetadataTags` are read;
 * everything else is left to @vfxkit/metadata (ExifTool).
 *
 * Spec: EXIF 2.32 (CIPA DC-008-2019) over TIFF 6.0 section 2: an 8-byte header (`II*\0` or
 * `MM\0*` and the offset of IFD0), then IFDs: a 2-byte entry count, 12-byte entries (tag, type,
 * count, value or offset when the value is longer than 4 bytes), a 4-byte next-IFD offset. IFD0
 * points to the EXIF IFD (tag 0x8769) and the GPS IFD (0x8825).
 *
 * Metadata never fails a conversion: an entry that points outside the block or has an unexpected
 * type is skipped, and the fields that could be read are returned.
 */
import type { MetadataTags } from './model.js';

/** TIFF field types and their sizes in bytes. */
const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

const IFD0_TAGS = {
  0x010e: 'ImageDescription',
  0x010f: 'Make',
  0x0110: 'Model',
  0x0112: 'Orientation',
  0x0131: 'Software',
  0x013b: 'Artist',
  0x8298: 'Copyright',
} as const;

const EXIF_TAGS = {
  0x829a: 'ExposureTime',
  0x829d: 'FNumber',
  0x8827: 'ISO',
  0x9003: 'DateTimeOriginal',
  0x9011: 'OffsetTimeOriginal',
  0x9206: 'SubjectDistance',
  0x920a: 'FocalLength',
  0xa431: 'SerialNumber',
  0xa433: 'LensMake',
  0xa434: 'LensModel',
  0xa435: 'LensSerialNumber',
} as const;

const EXIF_IFD_POINTER = 0x8769;
const GPS_IFD_POINTER = 0x8825;

type Value = string | number[];

const utf8 = new TextDecoder('utf-8', { fatal: true });

class TiffView {
  readonly view: DataView;
  readonly little: boolean;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.little = bytes[0] === 0x49;
  }
  fits(offset: number, length: number): boolean {
    return offset >= 0 && length >= 0 && offset + length <= this.bytes.length;
  }
  u16(offset: number): number {
    return this.view.getUint16(offset, this.little);
  }
  u32(offset: number): number {
    return this.view.getUint32(offset, this.little);
  }
  i32(offset: number): number {
    return this.view.getInt32(offset, this.little);
  }
}

/** The entries of the IFD at `offset`: tag -> value (strings for ASCII, numbers otherwise). */
function readIfd(tiff: TiffView, offset: number): Map<number, Value> {
  const entries = new Map<number, Value>();
  if (!tiff.fits(offset, 2)) return entries;
  const count = tiff.u16(offset);
  for (let i = 0; i < count; i++) {
    const at = offset + 2 + i * 12;
    if (!tiff.fits(at, 12)) break;
    const tag = tiff.u16(at);
    const type = tiff.u16(at + 2);
    const n = tiff.u32(at + 4);
    const size = TYPE_SIZES[type];
    if (size === undefined || n > 1 << 20) continue;
    const length = size * n;
    const valueAt = length <= 4 ? at + 8 : tiff.u32(at + 8);
    if (!tiff.fits(valueAt, length)) continue;
    entries.set(tag, readValue(tiff, type, n, valueAt));
  }
  return entries;
}

function readValue(tiff: TiffView, type: number, count: number, at: number): Value {
  if (type === 2 || type === 7) {
    // ASCII (and UNDEFINED, used by some writers for text): up to the first NUL, trimmed.
    let end = at;
    while (end < at + count && tiff.bytes[end] !== 0) end++;
    const raw = tiff.bytes.subarray(at, end);
    let text: string;
    try {
      text = utf8.decode(raw);
    } catch {
      // Not UTF-8: read it as Latin-1.
      text = String.fromCharCode(...raw);
    }
    return text.trim();
  }
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    switch (type) {
      case 1:
        values.push(tiff.bytes[at + i]!);
        break;
      case 3:
        values.push(tiff.u16(at + i * 2));
        break;
      case 4:
        values.push(tiff.u32(at + i * 4));
        break;
      case 9:
        values.push(tiff.i32(at + i * 4));
        break;
      case 5: {
        const d = tiff.u32(at + i * 8 + 4);
        values.push(d === 0 ? Number.NaN : tiff.u32(at + i * 8) / d);
        break;
      }
      case 10: {
        const d = tiff.i32(at + i * 8 + 4);
        values.push(d === 0 ? Number.NaN : tiff.i32(at + i * 8) / d);
        break;
      }
      default:
        return values;
    }
  }
  return values;
}

function text(value: Value | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function number(value: Value | undefined): number | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const n = value[0]!;
  return Number.isFinite(n) ? n : undefined;
}

/** Degrees, minutes, seconds to signed decimal degrees. */
function degrees(value: Value | undefined, ref: Value | undefined, negative: string): number | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => !Number.isFinite(v))) return undefined;
  const [d = 0, m = 0, s = 0] = value;
  const decimal = d + m / 60 + s / 3600;
  return typeof ref === 'string' && ref.toUpperCase().startsWith(negative) ? -decimal : decimal;
}

/** Strips the `Exif\0\0` APP1 prefix sharp and JPEG files put before the TIFF header. */
export function exifTiffBytes(exif: Uint8Array): Uint8Array {
  const prefixed = exif.length >= 6 && exif[0] === 0x45 && exif[1] === 0x78 && exif[2] === 0x69 && exif[3] === 0x66 && exif[4] === 0 && exif[5] === 0;
  return prefixed ? exif.subarray(6) : exif;
}

/** The key fields of an EXIF block (with or without its `Exif\0\0` prefix); {} when it is not one. */
export function readExifTags(exif: Uint8Array): MetadataTags {
  const bytes = exifTiffBytes(exif);
  if (bytes.length < 8) return {};
  const little = bytes[0] === 0x49 && bytes[1] === 0x49;
  const big = bytes[0] === 0x4d && bytes[1] === 0x4d;
  if (!little && !big) return {};
  const tiff = new TiffView(bytes);
  if (tiff.u16(2) !== 42) return {};
  const tags: MetadataTags = {};
  const set = (name: keyof MetadataTags, value: string | number | undefined): void => {
    if (value !== undefined) (tags as Record<string, string | number>)[name] = value;
  };
  const ifd0 = readIfd(tiff, tiff.u32(4));
  for (const [tag, name] of Object.entries(IFD0_TAGS)) {
    const value = ifd0.get(Number(tag));
    set(name, name === 'Orientation' ? number(value) : text(value));
  }
  const exifOffset = number(ifd0.get(EXIF_IFD_POINTER));
  if (exifOffset !== undefined) {
    const exifIfd = readIfd(tiff, exifOffset);
    for (const [tag, name] of Object.entries(EXIF_TAGS)) {
      const value = exifIfd.get(Number(tag));
      set(name, typeof value === 'string' ? text(value) : number(value));
    }
  }
  const gpsOffset = number(ifd0.get(GPS_IFD_POINTER));
  if (gpsOffset !== undefined) {
    const gps = readIfd(tiff, gpsOffset);
    set('GPSLatitude', degrees(gps.get(2), gps.get(1), 'S'));
    set('GPSLongitude', degrees(gps.get(4), gps.get(3), 'W'));
    const altitude = number(gps.get(6));
    if (altitude !== undefined) set('GPSAltitude', number(gps.get(5)) === 1 ? -altitude : altitude);
  }
  return tags;
}

/** A TIFF file's first image: bits per sample and sample format (1 unsigned, 2 signed, 3 float),
 *  from IFD0 (TIFF 6.0 tags 258 and 339); undefined when the bytes are not TIFF. sharp reports half
 *  TIFF as 32-bit float, so this is how a half TIFF is known. */
export function tiffSampleLayout(bytes: Uint8Array): { bitsPerSample: number; sampleFormat: number } | undefined {
  if (bytes.length < 8) return undefined;
  const little = bytes[0] === 0x49 && bytes[1] === 0x49;
  const big = bytes[0] === 0x4d && bytes[1] === 0x4d;
  if (!little && !big) return undefined;
  const tiff = new TiffView(bytes);
  if (tiff.u16(2) !== 42) return undefined;
  const ifd0 = readIfd(tiff, tiff.u32(4));
  return { bitsPerSample: number(ifd0.get(258)) ?? 1, sampleFormat: number(ifd0.get(339)) ?? 1 };
}
