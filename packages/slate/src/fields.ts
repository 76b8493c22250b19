/**
 * Fields: the named values a slate or burn-in shows. Text holds `{name}` placeholders (`{{` and
 * `}}` are literal braces); `{attr:NAME}` is any EXR attribute of the frame. Per-frame fields
 * (`frame`, `timecode`, `attr:*` of each frame) change on every burnt-in frame; the others are the
 * sequence's.
 */
import { SlateErrorCode, slateError } from './errors.js';

/** Field values by name; an absent or empty value is "no value". */
export type FieldValues = Readonly<Record<string, string | undefined>>;

/** The fields vfxkit knows, with what each holds (the help text and the docs list them). */
export const KNOWN_FIELDS: Readonly<Record<string, string>> = {
  show: 'the show or project',
  sequence: 'the sequence (scene) the shot belongs to',
  shot: 'the shot name',
  task: 'the task (comp, roto, lighting, ...)',
  version: 'the version (found as v002 in the file name)',
  artist: 'who made it (EXR owner, EXIF Artist)',
  date: "today's date, YYYY-MM-DD",
  capture_date: 'when the plate was shot (EXR capDate, EXIF DateTimeOriginal)',
  name: 'the sequence name (the file name without frame number and extension)',
  file: 'the sequence as a pattern (plate.1001-1100#.exr)',
  frame_in: 'the first frame',
  frame_out: 'the last frame',
  frame_range: 'first-last',
  frame_count: 'how many frames are on disk',
  frames: "the frame count with its noun ('1 frame', '96 frames')",
  duration: 'the length as timecode at the fps',
  fps: 'frames per second (EXR framesPerSecond, --fps, else 24)',
  resolution: 'width x height',
  pixel_aspect: 'pixel aspect ratio (EXR pixelAspectRatio, else 1)',
  colorspace: 'the colour space of the frames',
  bit_depth: 'the bit depth (8, 16, half, float)',
  format: 'the file format',
  camera: 'camera make and model (EXIF, EXR attributes)',
  lens: 'lens model and focal length',
  notes: 'free notes (several lines)',
  company: 'the company name',
  logo: 'the path of a logo image',
  slate_frame: 'the frame number the slate is written as (first - 1)',
  frame: 'per frame: the frame number',
  timecode: 'per frame: the timecode of the frame',
};

/** Fields that change from frame to frame (a burn-in renders them per frame). */
export function isPerFrameField(name: string): boolean {
  return name === 'frame' || name === 'timecode' || name.startsWith('attr:');
}

const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][\w]*(?::[\w.\-]+)?)\}/g;

/** The field names a text refers to, in order, without repeats. */
export function placeholders(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) if (match[1] !== undefined) names.add(match[1]);
  return [...names];
}

/** Whether a text changes per frame. */
export function isPerFrameText(text: string): boolean {
  return placeholders(text).some(isPerFrameField);
}

/** The text with every placeholder replaced by its value (an absent value by nothing). */
export function expandText(text: string, fields: FieldValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string | undefined) => (whole === '{{' ? '{' : whole === '}}' ? '}' : (fields[name!] ?? '')));
}

/** Whether a field has a value. */
export function hasValue(fields: FieldValues, name: string): boolean {
  const value = fields[name];
  return value !== undefined && value.trim() !== '';
}

/**
 * Throws SLATE_MISSING_FIELD naming every required field without a value, with the fix.
 */
export function checkRequired(required: readonly string[], fields: FieldValues, what = 'the template'): void {
  const missing = required.filter((name) => !hasValue(fields, name));
  if (missing.length === 0) return;
  const example = missing.map((name) => `--set ${name}=...`).join(' ');
  throw slateError(
    SlateErrorCode.SLATE_MISSING_FIELD,
    `${what} needs ${missing.length === 1 ? 'the field' : 'the fields'} ${missing.join(', ')}, which ${missing.length === 1 ? 'has' : 'have'} no value in the frames: give ${missing.length === 1 ? 'it' : 'them'} with ${example}`,
  );
}

/**
 * Throws SLATE_BAD_FIELD for placeholders that name no field vfxkit knows and none given with
 * `--set` (a typo would otherwise render as a blank).
 */
export function checkPlaceholders(names: readonly string[], given: FieldValues, what = 'the template'): void {
  const unknown = names.filter((name) => !(name in KNOWN_FIELDS) && !(name in given) && !name.startsWith('attr:'));
  if (unknown.length === 0) return;
  throw slateError(
    SlateErrorCode.SLATE_BAD_FIELD,
    `${what} uses ${unknown.map((n) => `{${n}}`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not a field: known fields are ${Object.keys(KNOWN_FIELDS).join(', ')}, attr:NAME, or any given with --set`,
  );
}

/** Parses `--set key=value` (`\n` in the value is a line break, for notes). */
export function parseSetArgument(argument: string): [string, string] {
  const at = argument.indexOf('=');
  const key = at > 0 ? argument.slice(0, at).trim() : '';
  if (!/^[A-Za-z_]\w*$/.test(key)) {
    throw slateError(SlateErrorCode.SLATE_BAD_FIELD, `--set takes key=value with a key of letters, digits and _, found '${argument}'`);
  }
  return [key, argument.slice(at + 1).replace(/\\n/g, '\n')];
}

/** The version found in a file name: `v002` in `comp_v002.1001.exr` (undefined without one). */
export function versionFromName(name: string): string | undefined {
  const match = /(?:^|[._\-\s])(v\d{1,5})(?=$|[._\-\s])/i.exec(name);
  return match?.[1];
}
