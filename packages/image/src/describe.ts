/**
 * The key metadata fields as short label/value lines, the way `vfx img info` and `vfx inspect`
 * print them: `camera  NIKON D70, 100 mm, f/9, 1/200 s, ISO 200`.
 */
import type { MetadataTags } from './model.js';

function number(value: number, digits = 3): string {
  return String(Number(value.toPrecision(digits)));
}

/** `1/200 s` for the usual fractions of a second, `2.5 s` otherwise. */
export function exposureText(seconds: number): string {
  if (seconds >= 1 || seconds <= 0) return `${number(seconds)} s`;
  const inverse = 1 / seconds;
  return Math.abs(inverse - Math.round(inverse)) < 0.01 * inverse ? `1/${Math.round(inverse)} s` : `${number(seconds)} s`;
}

/** Label/value lines for the fields present (camera, taken, location, orientation, people, text). */
export function describeTags(tags: MetadataTags): [string, string][] {
  const rows: [string, string][] = [];
  const camera: string[] = [];
  // Cameras repeat the maker in the model ('Canon' 'Canon EOS 40D', 'NIKON CORPORATION' 'NIKON D70').
  const brand = tags.Make?.split(/\s+/)[0]?.toLowerCase();
  const body = tags.Model && brand && tags.Model.toLowerCase().startsWith(brand) ? tags.Model : [tags.Make, tags.Model].filter(Boolean).join(' ');
  if (body) camera.push(body);
  if (tags.LensModel) camera.push(tags.LensModel);
  if (tags.FocalLength !== undefined) camera.push(`${number(tags.FocalLength)} mm`);
  if (tags.FNumber !== undefined) camera.push(`f/${number(tags.FNumber, 2)}`);
  if (tags.ExposureTime !== undefined) camera.push(exposureText(tags.ExposureTime));
  if (tags.ISO !== undefined) camera.push(`ISO ${Math.round(tags.ISO)}`);
  if (camera.length > 0) rows.push(['camera', camera.join(', ')]);
  if (tags.DateTimeOriginal) rows.push(['taken', tags.DateTimeOriginal + (tags.OffsetTimeOriginal ? ` ${tags.OffsetTimeOriginal}` : '')]);
  if (tags.GPSLatitude !== undefined && tags.GPSLongitude !== undefined) {
    rows.push(['location', `${tags.GPSLatitude.toFixed(6)}, ${tags.GPSLongitude.toFixed(6)}${tags.GPSAltitude !== undefined ? `, ${number(tags.GPSAltitude, 4)} m` : ''}`]);
  }
  if (tags.Orientation !== undefined && tags.Orientation !== 1) rows.push(['orientation', `EXIF ${tags.Orientation}`]);
  if (tags.Artist) rows.push(['artist', tags.Artist]);
  if (tags.Copyright) rows.push(['copyright', tags.Copyright]);
  if (tags.ImageDescription) rows.push(['description', tags.ImageDescription]);
  if (tags.Software) rows.push(['software', tags.Software]);
  return rows;
}
