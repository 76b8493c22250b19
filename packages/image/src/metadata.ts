/**
 * Carrying metadata across formats. The key fields (`MetadataTags`, ExifTool's names) map to
 * OpenEXR's standard attributes (ImfStandardAttributes.h; the same table @vfxkit/metadata uses, so
 * `vfx meta` reads them back under their ExifTool names) and to the EXIF entries sharp writes
 * (`withExif`). The XMP packet goes into EXR as a string attribute named `xmp`.
 */
import type { ExrAttribute } from '@vfxkit/exr';
import type { ImageMetadata, MetadataTags } from './model.js';

interface ExrMapping {
  tag: keyof MetadataTags;
  attribute: string;
  type: 'string' | 'float';
}

/** Key field -> OpenEXR attribute. `Artist` and `Software` have no standard attribute: they are
 *  written under those names, as OpenImageIO does. */
export const EXR_TAG_ATTRIBUTES: readonly ExrMapping[] = [
  { tag: 'Make', attribute: 'cameraMake', type: 'string' },
  { tag: 'Model', attribute: 'cameraModel', type: 'string' },
  { tag: 'SerialNumber', attribute: 'cameraSerialNumber', type: 'string' },
  { tag: 'LensMake', attribute: 'lensMake', type: 'string' },
  { tag: 'LensModel', attribute: 'lensModel', type: 'string' },
  { tag: 'LensSerialNumber', attribute: 'lensSerialNumber', type: 'string' },
  { tag: 'FocalLength', attribute: 'nominalFocalLength', type: 'float' },
  { tag: 'DateTimeOriginal', attribute: 'capDate', type: 'string' },
  { tag: 'GPSLatitude', attribute: 'latitude', type: 'float' },
  { tag: 'GPSLongitude', attribute: 'longitude', type: 'float' },
  { tag: 'GPSAltitude', attribute: 'altitude', type: 'float' },
  { tag: 'ISO', attribute: 'isoSpeed', type: 'float' },
  { tag: 'ExposureTime', attribute: 'expTime', type: 'float' },
  { tag: 'FNumber', attribute: 'aperture', type: 'float' },
  { tag: 'SubjectDistance', attribute: 'focus', type: 'float' },
  { tag: 'ImageDescription', attribute: 'comments', type: 'string' },
  { tag: 'Copyright', attribute: 'owner', type: 'string' },
  { tag: 'Artist', attribute: 'Artist', type: 'string' },
  { tag: 'Software', attribute: 'Software', type: 'string' },
];

/** The attribute holding the XMP packet in EXR files written here. */
export const EXR_XMP_ATTRIBUTE = 'xmp';

/** OpenEXR's `utcOffset` is UTC minus local time, in seconds; EXIF's offset is `+hh:mm` (local
 *  minus UTC). */
function utcOffsetSeconds(offset: string): number | undefined {
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset.trim());
  if (!match) return undefined;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
  return match[1] === '+' ? -seconds : seconds;
}

function offsetText(utcOffset: number): string {
  const local = -Math.round(utcOffset);
  const sign = local < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(local) / 60);
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The EXR attributes for the key fields and the XMP packet. */
export function tagsToExrAttributes(metadata: ImageMetadata): ExrAttribute[] {
  const attributes: ExrAttribute[] = [];
  const tags = metadata.tags as Record<string, string | number | undefined>;
  for (const { tag, attribute, type } of EXR_TAG_ATTRIBUTES) {
    const value = tags[tag];
    if (value === undefined || value === '') continue;
    if (type === 'string') attributes.push({ name: attribute, type: 'string', value: String(value) });
    else if (typeof value === 'number' && Number.isFinite(value)) attributes.push({ name: attribute, type: 'float', value });
  }
  if (metadata.tags.OffsetTimeOriginal !== undefined) {
    const seconds = utcOffsetSeconds(metadata.tags.OffsetTimeOriginal);
    if (seconds !== undefined) attributes.push({ name: 'utcOffset', type: 'float', value: seconds });
  }
  if (metadata.xmp !== undefined && metadata.xmp.trim() !== '') attributes.push({ name: EXR_XMP_ATTRIBUTE, type: 'string', value: metadata.xmp.trim() });
  return attributes;
}

/** The key fields and the XMP packet out of EXR attributes. */
export function exrAttributesToTags(attributes: readonly ExrAttribute[]): { tags: MetadataTags; xmp?: string } {
  const tags: Record<string, string | number> = {};
  const byName = new Map(attributes.map((a) => [a.name, a]));
  for (const { tag, attribute } of EXR_TAG_ATTRIBUTES) {
    const found = byName.get(attribute);
    if (found === undefined || found.opaque === true) continue;
    if (found.type === 'string' && typeof found.value === 'string' && found.value !== '') tags[tag] = found.value;
    else if ((found.type === 'float' || found.type === 'double' || found.type === 'int') && typeof found.value === 'number') tags[tag] = found.value;
  }
  const utc = byName.get('utcOffset');
  if (utc !== undefined && utc.opaque !== true && utc.type === 'float') tags.OffsetTimeOriginal = offsetText(utc.value);
  const xmp = byName.get(EXR_XMP_ATTRIBUTE);
  const packet = xmp !== undefined && xmp.opaque !== true && xmp.type === 'string' ? xmp.value : undefined;
  return { tags: tags as MetadataTags, ...(packet !== undefined ? { xmp: packet } : {}) };
}

/** A rational `n/d` close to `value` (continued fractions, denominator up to `maxDenominator`). */
export function rational(value: number, maxDenominator = 100000): string {
  if (!Number.isFinite(value) || value < 0) return '0/1';
  if (Number.isInteger(value)) return `${value}/1`;
  // Exposure times are written 1/N by cameras: keep that form when it is exact enough.
  if (value < 1) {
    const inverse = Math.round(1 / value);
    if (Math.abs(1 / inverse - value) <= value * 1e-6) return `1/${inverse}`;
  }
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let x = value;
  for (let i = 0; i < 32; i++) {
    const a = Math.floor(x);
    const [h2, k2] = [a * h1 + h0, a * k1 + k0];
    if (k2 > maxDenominator) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    if (Math.abs(x - a) < 1e-12) break;
    x = 1 / (x - a);
    if (Math.abs(h1 / k1 - value) <= Math.abs(value) * 1e-7) break;
  }
  return `${h1}/${k1}`;
}

function dms(degrees: number): string {
  const absolute = Math.abs(degrees);
  const d = Math.floor(absolute);
  const minutesFull = (absolute - d) * 60;
  const m = Math.floor(minutesFull);
  const hundredths = Math.round((minutesFull - m) * 60 * 10000);
  return `${d}/1 ${m}/1 ${hundredths}/10000`;
}

/** What sharp's `withExif` takes: IFD0 (image), IFD2 (EXIF) and IFD3 (GPS) entries as strings. */
export type SharpExif = Record<'IFD0' | 'IFD2' | 'IFD3', Record<string, string>>;

/** The key fields as sharp `withExif` entries (libexif's tag names; rationals as `n/d`). */
export function tagsToSharpExif(tags: MetadataTags): SharpExif | undefined {
  const ifd0: Record<string, string> = {};
  const exif: Record<string, string> = {};
  const gps: Record<string, string> = {};
  const put = (into: Record<string, string>, name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') into[name] = value;
  };
  put(ifd0, 'Make', tags.Make);
  put(ifd0, 'Model', tags.Model);
  put(ifd0, 'ImageDescription', tags.ImageDescription);
  put(ifd0, 'Artist', tags.Artist);
  put(ifd0, 'Copyright', tags.Copyright);
  put(ifd0, 'Software', tags.Software);
  const num = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : undefined);
  if (num(tags.ExposureTime) !== undefined) put(exif, 'ExposureTime', rational(tags.ExposureTime!));
  if (num(tags.FNumber) !== undefined) put(exif, 'FNumber', rational(tags.FNumber!, 1000));
  if (num(tags.ISO) !== undefined) put(exif, 'ISOSpeedRatings', String(Math.round(tags.ISO!)));
  if (num(tags.FocalLength) !== undefined) put(exif, 'FocalLength', rational(tags.FocalLength!, 1000));
  if (num(tags.SubjectDistance) !== undefined) put(exif, 'SubjectDistance', rational(tags.SubjectDistance!, 1000));
  put(exif, 'DateTimeOriginal', tags.DateTimeOriginal);
  put(exif, 'OffsetTimeOriginal', tags.OffsetTimeOriginal);
  put(exif, 'BodySerialNumber', tags.SerialNumber);
  put(exif, 'LensMake', tags.LensMake);
  put(exif, 'LensModel', tags.LensModel);
  put(exif, 'LensSerialNumber', tags.LensSerialNumber);
  if (num(tags.GPSLatitude) !== undefined) {
    put(gps, 'GPSLatitudeRef', tags.GPSLatitude! < 0 ? 'S' : 'N');
    put(gps, 'GPSLatitude', dms(tags.GPSLatitude!));
  }
  if (num(tags.GPSLongitude) !== undefined) {
    put(gps, 'GPSLongitudeRef', tags.GPSLongitude! < 0 ? 'W' : 'E');
    put(gps, 'GPSLongitude', dms(tags.GPSLongitude!));
  }
  if (num(tags.GPSAltitude) !== undefined) {
    put(gps, 'GPSAltitudeRef', tags.GPSAltitude! < 0 ? '1' : '0');
    put(gps, 'GPSAltitude', rational(Math.abs(tags.GPSAltitude!), 1000));
  }
  if (Object.keys(ifd0).length + Object.keys(exif).length + Object.keys(gps).length === 0) return undefined;
  return { IFD0: ifd0, IFD2: exif, IFD3: gps };
}

/**
 * The description of an ICC profile (its `desc` tag: ICC v2 `desc` text or ICC v4 `mluc`, first
 * record), or undefined when the bytes are not a readable profile. Spec: ICC.1:2022 sections 7.3
 * (tag table), 10.15 (multiLocalizedUnicodeType); ICC.1:2001-04 6.5.17 (textDescriptionType).
 */
export function iccDescription(icc: Uint8Array): string | undefined {
  if (icc.length < 132) return undefined;
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  const count = view.getUint32(128);
  for (let i = 0; i < count && 132 + i * 12 + 12 <= icc.length; i++) {
    const at = 132 + i * 12;
    if (view.getUint32(at) !== 0x64657363 /* desc */) continue;
    const offset = view.getUint32(at + 4);
    const size = view.getUint32(at + 8);
    if (offset + size > icc.length || size < 12) return undefined;
    const type = view.getUint32(offset);
    if (type === 0x64657363 /* desc */) {
      const length = view.getUint32(offset + 8);
      if (offset + 12 + length > icc.length) return undefined;
      let text = '';
      for (let k = 0; k < length && icc[offset + 12 + k] !== 0; k++) text += String.fromCharCode(icc[offset + 12 + k]!);
      return text.trim() || undefined;
    }
    if (type === 0x6d6c7563 /* mluc */) {
      if (view.getUint32(offset + 8) < 1 || size < 28) return undefined;
      const length = view.getUint32(offset + 20);
      const start = offset + view.getUint32(offset + 24);
      if (start + length > icc.length) return undefined;
      let text = '';
      for (let k = 0; k + 1 < length; k += 2) text += String.fromCharCode(view.getUint16(start + k));
      return text.replace(/\0+$/, '').trim() || undefined;
    }
    return undefined;
  }
  return undefined;
}
