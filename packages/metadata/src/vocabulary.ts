/**
 * The shared vocabulary between EXR headers and the other formats: OpenEXR's standard attributes
 * (ImfStandardAttributes.h) that mean what an ExifTool tag means. `vfx meta show` prints them under
 * the ExifTool name as well as `exr:NAME`, so `--where Make=ARRI` or `--near` finds EXR files as it
 * finds JPEGs; `vfx meta set` and `vfx meta copy` write the EXR attribute for the ExifTool name.
 * @vfxkit/image carries the same table when it converts images, so they read back here.
 */
import type { WritableExrType } from './exr/values.js';

export interface VocabularyEntry {
  /** The ExifTool tag name (`exiftool -j -n` form). */
  tag: string;
  /** The EXR standard attribute. */
  exr: string;
  /** Its EXR type. */
  type: Extract<WritableExrType, 'string' | 'float'>;
}

export const exrVocabulary: readonly VocabularyEntry[] = [
  { tag: 'Make', exr: 'cameraMake', type: 'string' },
  { tag: 'Model', exr: 'cameraModel', type: 'string' },
  { tag: 'SerialNumber', exr: 'cameraSerialNumber', type: 'string' },
  { tag: 'LensMake', exr: 'lensMake', type: 'string' },
  { tag: 'LensModel', exr: 'lensModel', type: 'string' },
  { tag: 'LensSerialNumber', exr: 'lensSerialNumber', type: 'string' },
  { tag: 'FocalLength', exr: 'nominalFocalLength', type: 'float' },
  { tag: 'DateTimeOriginal', exr: 'capDate', type: 'string' },
  { tag: 'GPSLatitude', exr: 'latitude', type: 'float' },
  { tag: 'GPSLongitude', exr: 'longitude', type: 'float' },
  { tag: 'GPSAltitude', exr: 'altitude', type: 'float' },
  { tag: 'ISO', exr: 'isoSpeed', type: 'float' },
  { tag: 'ExposureTime', exr: 'expTime', type: 'float' },
  { tag: 'FNumber', exr: 'aperture', type: 'float' },
  { tag: 'SubjectDistance', exr: 'focus', type: 'float' },
  { tag: 'ImageDescription', exr: 'comments', type: 'string' },
  { tag: 'Copyright', exr: 'owner', type: 'string' },
  // No standard attribute: the names OpenImageIO (and `vfx img`) write.
  { tag: 'Artist', exr: 'Artist', type: 'string' },
  { tag: 'Software', exr: 'Software', type: 'string' },
];

const byTag = new Map(exrVocabulary.map((entry) => [entry.tag.toLowerCase(), entry]));

/** The entry for an ExifTool tag name (any case, an optional group such as `EXIF:` or `GPS:` ignored). */
export function vocabularyForTag(tag: string): VocabularyEntry | undefined {
  const name = tag.includes(':') ? tag.slice(tag.lastIndexOf(':') + 1) : tag;
  return byTag.get(name.toLowerCase());
}

/** The entries a `Group:all` deletion reaches in an EXR file. */
export function vocabularyForGroup(group: string): VocabularyEntry[] {
  const lower = group.toLowerCase();
  if (lower === 'gps') return exrVocabulary.filter((e) => e.tag.startsWith('GPS'));
  if (lower === 'exif' || lower === 'exififd' || lower === 'ifd0' || lower === 'all') return [...exrVocabulary];
  return [];
}
