/**
 * What a sequence says about itself: the fields a slate or burn-in fills automatically, read from
 * the first frame's header (resolution, depth, colour space, EXR attributes, EXIF of JPEG plates)
 * and from the frame numbers.
 */
import { attributeValue, type ExrAttribute } from '@vfxkit/exr';
import { bitDepthText, readImageInfo, type ImageInfo } from '@vfxkit/image';
import { framesToTimecode, packedTimecodeText, timecodeOfFrame, timecodeToFrames, type TimecodeClock } from '../timecode.js';
import { versionFromName, type FieldValues } from '../fields.js';
import { SlateErrorCode, slateError } from '../errors.js';

export interface SequenceSource {
  /** Absolute paths of the frames, in frame order. */
  paths: readonly string[];
  /** Their frame numbers. */
  frames: readonly number[];
  /** The sequence's name (basename without frame number and extension): `shot010_plate`. */
  name: string;
  /** The sequence as the user sees it (`plates/shot010_plate.1001-1010#.jpg`). */
  pattern: string;
  /** Shown in errors instead of the first frame's path. */
  shownFirst?: string;
}

export interface ProbeOptions {
  /** Frames per second (overrides the EXR `framesPerSecond`). */
  fps?: number;
  /** The timecode of the first frame (`01:00:00:00`), overriding the EXR `timeCode`. */
  startTimecode?: string;
  /** Today's date as fields show it (default: the local date now). */
  date?: Date;
}

export interface SequenceProbe extends TimecodeClock {
  info: ImageInfo;
  /** Sequence-wide fields (per-frame ones are added frame by frame). */
  fields: Record<string, string>;
  fps: number;
  /** Timecode frame count of the first frame: per-frame timecode = this + (frame - first). */
  startCount: number;
  firstFrame: number;
}

/** The default rate when nothing says. */
export const DEFAULT_FPS = 24;

const trimNumber = (value: number, digits = 3) => String(Number(value.toFixed(digits)));

/** One EXR attribute's value as text (`{attr:NAME}`). */
export function attributeText(attribute: ExrAttribute): string {
  if (attribute.opaque === true) return `(${attribute.type}, ${attribute.value.length} bytes)`;
  switch (attribute.type) {
    case 'string':
    case 'compression':
    case 'lineOrder':
    case 'envmap':
    case 'deepImageState':
      return String(attribute.value);
    case 'int':
      return String(attribute.value);
    case 'float':
    case 'double':
      return trimNumber(attribute.value, 6);
    case 'rational':
      return attribute.value.denominator === 1 ? String(attribute.value.numerator) : trimNumber(attribute.value.numerator / attribute.value.denominator, 3);
    case 'timecode':
      return packedTimecodeText(attribute.value.timeAndFlags);
    case 'stringvector':
      return attribute.value.join(', ');
    case 'v2i':
    case 'v2f':
    case 'v2d':
    case 'v3i':
    case 'v3f':
    case 'v3d':
    case 'floatvector':
      return attribute.value.map((v) => trimNumber(v, 6)).join(' ');
    case 'box2i':
    case 'box2f':
      return `${attribute.value.xMin},${attribute.value.yMin} - ${attribute.value.xMax},${attribute.value.yMax}`;
    case 'chromaticities':
    {
      const c = attribute.value;
      return [
        [c.redX, c.redY],
        [c.greenX, c.greenY],
        [c.blueX, c.blueY],
        [c.whiteX, c.whiteY],
      ]
        .map((xy) => xy.map((v) => trimNumber(v, 4)).join(' '))
        .join(', ');
    }
    case 'chlist':
      return attribute.value.map((c) => c.name).join(', ');
    case 'preview':
      return `${attribute.value.width}x${attribute.value.height} preview`;
    default:
      return JSON.stringify(attribute.value);
  }
}

/** `attr:NAME` fields of every attribute. */
export function attributeFields(attributes: readonly ExrAttribute[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const attribute of attributes ?? []) out[`attr:${attribute.name}`] = attributeText(attribute);
  return out;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of a date in local time. */
export function isoDate(date: Date): string {
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
}

/** `YYYY:MM:DD hh:mm:ss` (EXIF, EXR capDate) as `YYYY-MM-DD hh:mm`. */
function captureDate(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d{4})[:-](\d{2})[:-](\d{2})(?:[ T](\d{2}):(\d{2}))?/.exec(text.trim());
  if (match === null) return text.trim() || undefined;
  return `${match[1]}-${match[2]}-${match[3]}${match[4] !== undefined ? ` ${match[4]}:${match[5]}` : ''}`;
}

/**
 * Reads the first frame's header and computes the sequence's fields. Throws what readImageInfo
 * throws (naming the frame) and SLATE_BAD_ARGUMENT for an empty sequence or a bad rate.
 */
export async function probeSequence(source: SequenceSource, options: ProbeOptions = {}): Promise<SequenceProbe> {
  if (source.paths.length === 0 || source.paths.length !== source.frames.length) {
    throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, 'the sequence has no frames', { file: source.pattern });
  }
  const info = await readImageInfo(source.paths[0]!, { file: source.shownFirst ?? source.paths[0]! });
  const attributes = info.metadata.exrAttributes ?? [];
  const tags = info.metadata.tags;
  const rate = attributeValue(attributes, 'framesPerSecond', 'rational');
  const fileFps = rate !== undefined && rate.denominator !== 0 ? rate.numerator / rate.denominator : undefined;
  const fps = options.fps ?? (fileFps !== undefined && fileFps > 0 && fileFps <= 1000 ? fileFps : DEFAULT_FPS);
  const first = source.frames[0]!;
  const last = source.frames[source.frames.length - 1]!;
  const code = attributeValue(attributes, 'timeCode', 'timecode');
  const startCount =
    options.startTimecode !== undefined
      ? timecodeToFrames(options.startTimecode, fps)
      : code !== undefined
        ? timecodeToFrames(packedTimecodeText(code.timeAndFlags), fps)
        : first;
  const aspect = attributeValue(attributes, 'pixelAspectRatio', 'float');
  const owner = attributeValue(attributes, 'owner', 'string');
  const make = tags.Make?.trim();
  const model = tags.Model?.trim();
  const camera = make !== undefined && model !== undefined && !model.toLowerCase().startsWith(make.toLowerCase()) ? `${make} ${model}` : (model ?? make);
  const lens = [tags.LensModel?.trim(), tags.FocalLength !== undefined ? `${trimNumber(tags.FocalLength, 1)} mm` : undefined].filter((s) => s !== undefined && s !== '').join(' ');
  const fields: Record<string, string | undefined> = {
    name: source.name,
    file: source.pattern,
    frame_in: String(first),
    frame_out: String(last),
    frame_range: first === last ? String(first) : `${first}-${last}`,
    frame_count: String(source.frames.length),
    frames: source.frames.length === 1 ? '1 frame' : `${source.frames.length} frames`,
    duration: framesToTimecode(last - first + 1, fps),
    fps: trimNumber(fps),
    resolution: `${info.width} x ${info.height}`,
    pixel_aspect: aspect !== undefined ? trimNumber(aspect, 4) : '1',
    colorspace: info.colorSpace ?? 'unknown',
    bit_depth: bitDepthText(info.bitDepth),
    format: info.format === 'exr' && info.compression !== undefined ? `EXR (${info.compression})` : info.format.toUpperCase(),
    camera,
    lens: lens || undefined,
    artist: tags.Artist?.trim() || owner?.trim() || undefined,
    capture_date: captureDate(tags.DateTimeOriginal),
    date: isoDate(options.date ?? new Date()),
    version: versionFromName(source.name),
    slate_frame: String(first - 1),
    ...attributeFields(attributes),
  };
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== '') clean[key] = value;
  return { info, fields: clean, fps, startCount, firstFrame: first };
}

/** The per-frame fields of frame `frame` (its number and timecode). */
export function frameFields(clock: TimecodeClock, frame: number): FieldValues {
  return { frame: String(frame), timecode: timecodeOfFrame(clock, frame) };
}
