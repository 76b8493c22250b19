/**
 * Writing metadata: set, delete and copy tags, through ExifTool for every format it writes (JPEG,
 * TIFF, PNG, HEIF, WebP, ...) and through the EXR header rewrite for OpenEXR. Every edit is written
 * beside the file and renamed over it (`replace.ts`): the file is never seen half written, and
 * nothing is left behind (no `_original` unless `backup`). ExifTool only ever writes the new file
 * (`exiftool ... -o TEMPORARY FILE`); the image data itself is copied by ExifTool untouched.
 *
 * Tag names are ExifTool's (`Make`, `EXIF:Make`, `XMP-dc:Title`, `GPS:all`, `XMP:all`), and
 * `exr:NAME` for EXR attributes (`exr:NAME:TYPE=VALUE` gives a new attribute its type). Values
 * that are numbers are written as ExifTool's -n values (`Orientation=6`, `GPSLatitude=-33.86`: the
 * form `vfx meta show --json` prints); text goes through ExifTool's usual conversion
 * (`ExposureTime=1/250`, `Orientation=Rotate 90 CW`). A signed GPSLatitude, GPSLongitude or
 * GPSAltitude also sets its reference tag (N/S, E/W, above/below sea level) unless that is given.
 */
import { resolve } from 'node:path';
import { MetaErrorCode, metaError } from './errors.js';
import type { ExifToolSession } from './exiftool.js';
import { editExrFile, readExrHead } from './exr/file.js';
import { splitStoredAttributes, storedAttribute, type ExrPartHeader, type StoredAttribute } from '@vfxkit/exr';
import {
  STRUCTURAL_EXR_ATTRIBUTES,
  WRITABLE_EXR_TYPES,
  encodeExrValue,
  inferExrType,
  isWritableExrType,
  parseExrValue,
  type WritableExrType,
} from './exr/values.js';
import { parseDatePeriod } from './query.js';
import { detectMetadataFormat, readMetadata } from './read.js';
import { replaceFile, type ReplaceResult } from './replace.js';
import { exrVocabulary, vocabularyForGroup, vocabularyForTag } from './vocabulary.js';

export interface TagAssignment {
  /** As written: `Make`, `EXIF:Make`, `Orientation#`, `exr:owner`, `exr:focus:float`. */
  tag: string;
  operation: '=' | '+=' | '-=';
  value: string;
}

export type MetadataEdit =
  | { kind: 'set'; assignments: readonly TagAssignment[] }
  /** `tags`: names (`Make`, `exr:owner`), groups (`GPS:all`, `XMP:all`) or `all`. */
  | { kind: 'delete'; tags: readonly string[] }
  /** Copy from `source` (resolved against the edit's cwd): every tag, or only `tags`. */
  | { kind: 'copy'; source: string; tags?: readonly string[] | undefined };

export interface EditOptions {
  /** Keep the original beside the file as `<name>_original`, as ExifTool does by default. */
  backup?: boolean;
  signal?: AbortSignal;
  cwd?: string;
}

export interface EditResult extends ReplaceResult {
  /** What ExifTool warned about without failing (e.g. `ICC_Profile deleted. Image colors may be affected`). */
  warnings: string[];
}

/** ExifTool's tag names: letters, digits, `_-`, a group prefix (`XMP-dc:`), a trailing `#`. */
const exiftoolTagPattern = /^(?:[A-Za-z0-9_-]+:)*[A-Za-z0-9_][A-Za-z0-9_-]*#?$/;
const exrTagPattern = /^exr:[^=\s][^=]*$/i;
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** True for `Make`, `EXIF:Make`, `GPS:all`, `exr:owner`: the names `set`, `delete` and `copy` take. */
export function isTagName(text: string): boolean {
  return exiftoolTagPattern.test(text) || exrTagPattern.test(text);
}

/** `Tag=Value`, `Tag+=Value`, `Tag-=Value`; undefined when `text` is not an assignment. */
export function parseAssignment(text: string): TagAssignment | undefined {
  const match = /^([^=+\s]+?|exr:[^=]+?)(\+=|-=|=)(.*)$/s.exec(text);
  if (!match) return undefined;
  const tag = match[1]!;
  if (!isTagName(tag)) return undefined;
  return { tag, operation: match[2] as TagAssignment['operation'], value: match[3]! };
}

function isExrTag(tag: string): boolean {
  return tag.toLowerCase().startsWith('exr:');
}

// -------------------------------------------------------------------------------------------
// ExifTool

/** ExifTool's -E: values may carry any character as an HTML entity. */
function encodeValue(value: string): string {
  return value.replace(/[&<>"'\u0000-\u001f\u007f]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : `&#x${c.charCodeAt(0).toString(16)};`));
}

const gpsReferences: Record<string, string> = {
  gpslatitude: 'GPSLatitudeRef',
  gpslongitude: 'GPSLongitudeRef',
  gpsaltitude: 'GPSAltitudeRef',
};

function bareTagName(tag: string): string {
  return tag.slice(tag.lastIndexOf(':') + 1).replace(/#$/, '');
}

/** The ExifTool arguments of a `set`. */
export function exiftoolSetArguments(assignments: readonly TagAssignment[]): string[] {
  const args: string[] = ['-E'];
  const named = new Set(assignments.map((a) => bareTagName(a.tag).toLowerCase()));
  for (const { tag, operation, value } of assignments) {
    if (isExrTag(tag)) throw metaError(MetaErrorCode.META_UNSUPPORTED, `${tag}: exr: attributes exist only in EXR files`);
    const numeric = numberPattern.test(value.trim()) && !tag.endsWith('#');
    args.push(`-${tag}${numeric ? '#' : ''}${operation === '=' ? '' : operation[0]}=${encodeValue(numeric ? value.trim() : value)}`);
    const reference = gpsReferences[bareTagName(tag).toLowerCase()];
    const group = tag.includes(':') ? tag.slice(0, tag.lastIndexOf(':') + 1) : '';
    // EXIF keeps the sign in a reference tag; XMP and the others keep it in the value itself.
    if (reference !== undefined && operation === '=' && numeric && !named.has(reference.toLowerCase()) && /^((exif|gps):)?$/i.test(group)) {
      args.push(`-${group}${reference}=${value.trim()}`);
    }
  }
  return args;
}

/** The ExifTool arguments of a `delete`. */
export function exiftoolDeleteArguments(tags: readonly string[]): string[] {
  return tags.filter((t) => !isExrTag(t)).map((t) => (t.toLowerCase() === 'all' ? '-all=' : `-${t}=`));
}

const countPattern = /^\s*(\d+) (?:image )?files? (created|copied|updated|unchanged|weren't updated due to errors|weren't created due to errors)/;

/** ExifTool warnings that mean an assignment was not done: the edit fails rather than half apply. */
const failingWarning = /not defined|not writable|doesn't exist|can't convert|not a valid|invalid|no writable tags|not supported|can't delete|not allowed|error/i;

/** Runs an ExifTool write of `file` into `temporary` and tells whether anything changed; other
 *  warnings (`ICC_Profile deleted. Image colors may be affected`) go to `warnings`. */
async function exiftoolWrite(
  session: ExifToolSession,
  file: string,
  temporary: string,
  args: readonly string[],
  warnings: string[],
): Promise<'changed' | 'unchanged'> {
  const output = await session.run([...args, '-o', temporary, file], { retriable: false });
  const clean = (line: string): string => line.replace(/^(Warning|Error):\s*/i, '').replace(` - ${file}`, '').trim();
  const problems = [...output.errors, ...output.warnings.filter((w) => failingWarning.test(clean(w)))];
  for (const warning of output.warnings) {
    if (!problems.includes(warning) && !/nothing to (do|write)/i.test(warning)) warnings.push(clean(warning));
  }
  let created = 0;
  let copied = 0;
  for (const line of output.stdout.split('\n')) {
    const match = countPattern.exec(line);
    if (!match) continue;
    if (match[2] === 'created' || match[2] === 'updated') created += Number(match[1]);
    else if (match[2] === 'copied' || match[2] === 'unchanged') copied += Number(match[1]);
  }
  if (problems.length > 0) {
    const message = problems.map(clean).join('; ');
    const tagProblem = /not defined|not writable|doesn't exist|can't convert|not a valid|invalid|no writable tags|not supported|not allowed/i.test(message);
    throw metaError(tagProblem ? MetaErrorCode.META_BAD_TAG : MetaErrorCode.META_WRITE_FAILED, `ExifTool: ${message}; the file was left as it was`);
  }
  if (created > 0) return 'changed';
  if (copied > 0 || /nothing to (do|write)/i.test(output.warnings.join(' '))) return 'unchanged';
  throw metaError(MetaErrorCode.META_WRITE_FAILED, `ExifTool did not say what it did (${output.stdout.trim() || 'no output'}); the file was left as it was`);
}

// -------------------------------------------------------------------------------------------
// EXR

type ExrOperation = { op: 'set'; attribute: StoredAttribute } | { op: 'delete'; name: string } | { op: 'delete-all' };

function checkNotStructural(name: string): void {
  if (STRUCTURAL_EXR_ATTRIBUTES.has(name)) {
    throw metaError(
      MetaErrorCode.META_BAD_TAG,
      `exr:${name} describes how the pixels are stored; a metadata edit cannot change it (convert the image instead)`,
    );
  }
}

/** `exr:NAME` or `exr:NAME:TYPE` -> name and explicit type. */
function exrName(tag: string): { name: string; type: WritableExrType | undefined } {
  const rest = tag.slice(4);
  const colon = rest.lastIndexOf(':');
  if (colon > 0) {
    const type = rest.slice(colon + 1);
    if (isWritableExrType(type)) return { name: rest.slice(0, colon), type };
    if (/^[a-z][a-z0-9]*$/.test(type) && !/^part\d+$/.test(rest.slice(0, colon))) {
      throw metaError(MetaErrorCode.META_BAD_TAG, `${tag}: '${type}' is not an EXR type that can be written from text (${WRITABLE_EXR_TYPES.join(', ')})`);
    }
  }
  if (/^part\d+:/.test(rest)) {
    throw metaError(MetaErrorCode.META_BAD_TAG, `${tag}: edits apply to every part of an EXR file; name the attribute without its part`);
  }
  return { name: rest, type: undefined };
}

/** A date in the EXR capDate form (`YYYY:MM:DD HH:MM:SS`), from ExifTool's or ISO 8601's. */
function exifDateText(value: string): string {
  const match = /^(\d{4})[-:](\d{2})[-:](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (match === null || parseDatePeriod(value) === undefined) {
    throw metaError(MetaErrorCode.META_BAD_TAG, `DateTimeOriginal: expected a date and time like '2024:05:06 07:08:09', got '${value}'`);
  }
  return `${match[1]}:${match[2]}:${match[3]} ${match[4]}:${match[5]}:${match[6]}`;
}

function exrSetOperation(part0: ExrPartHeader, assignment: TagAssignment): ExrOperation {
  if (assignment.operation !== '=') {
    throw metaError(MetaErrorCode.META_UNSUPPORTED, `${assignment.tag}${assignment.operation}: EXR attributes are set with '=', not added to or removed from`);
  }
  if (isExrTag(assignment.tag)) {
    const { name, type: explicit } = exrName(assignment.tag);
    if (name === '') throw metaError(MetaErrorCode.META_BAD_TAG, `'${assignment.tag}' names no attribute`);
    checkNotStructural(name);
    const existing = part0.attributes.find((a) => a.name === name);
    let type = explicit;
    if (type === undefined && existing !== undefined) {
      if (!isWritableExrType(existing.type)) {
        throw metaError(MetaErrorCode.META_BAD_TAG, `exr:${name} is a ${existing.type}, which cannot be written from text (${WRITABLE_EXR_TYPES.join(', ')})`);
      }
      type = existing.type;
    }
    const vocabulary = exrVocabulary.find((e) => e.exr === name);
    type ??= vocabulary?.type ?? inferExrType(assignment.value);
    const attribute = parseExrValue(name, type, assignment.value);
    return { op: 'set', attribute: storedAttribute(name, type, encodeExrValue(attribute)) };
  }
  const entry = vocabularyForTag(assignment.tag);
  if (entry === undefined) {
    throw metaError(
      MetaErrorCode.META_UNSUPPORTED,
      `${assignment.tag}: EXR files have no such tag; set exr:NAME attributes, or one of ${exrVocabulary.map((e) => e.tag).join(', ')}`,
    );
  }
  const value = entry.tag === 'DateTimeOriginal' ? exifDateText(assignment.value) : assignment.value;
  const attribute = parseExrValue(entry.exr, entry.type, value);
  return { op: 'set', attribute: storedAttribute(entry.exr, entry.type, encodeExrValue(attribute)) };
}

function exrDeleteOperations(tag: string): ExrOperation[] {
  const lower = tag.toLowerCase();
  if (lower === 'all' || lower === 'exr:all' || lower === 'exr:*') return [{ op: 'delete-all' }];
  if (isExrTag(tag)) {
    const { name } = exrName(tag);
    checkNotStructural(name);
    return [{ op: 'delete', name }];
  }
  if (lower.endsWith(':all')) return vocabularyForGroup(tag.slice(0, -4)).map((e) => ({ op: 'delete', name: e.exr }) as const);
  const entry = vocabularyForTag(tag);
  return entry !== undefined ? [{ op: 'delete', name: entry.exr }] : [];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Applies operations to one part's stored attributes; structural ones are never removed. */
function applyExrOperations(stored: StoredAttribute[], operations: readonly ExrOperation[]): StoredAttribute[] {
  let out = stored;
  for (const operation of operations) {
    if (operation.op === 'delete-all') out = out.filter((a) => STRUCTURAL_EXR_ATTRIBUTES.has(a.name));
    else if (operation.op === 'delete') out = out.filter((a) => a.name !== operation.name);
    else {
      const index = out.findIndex((a) => a.name === operation.attribute.name);
      if (index === -1) out = [...out, operation.attribute];
      else if (!sameBytes(out[index]!.record, operation.attribute.record)) out = out.map((a, i) => (i === index ? operation.attribute : a));
    }
  }
  return out;
}

// -------------------------------------------------------------------------------------------
// Copy across formats

/** The vocabulary tags of a tag set, as assignments (for copying into the other kind of file). */
function vocabularyAssignments(tags: Record<string, unknown>, only: readonly string[] | undefined): TagAssignment[] {
  const wanted = only?.map((t) => bareTagName(t).toLowerCase());
  const out: TagAssignment[] = [];
  for (const entry of exrVocabulary) {
    const value = tags[entry.tag];
    if (value === undefined || value === null || (typeof value !== 'string' && typeof value !== 'number')) continue;
    if (wanted !== undefined && !wanted.includes(entry.tag.toLowerCase()) && !wanted.includes('all')) continue;
    out.push({ tag: entry.tag, operation: '=', value: typeof value === 'number' ? String(value) : value });
  }
  return out;
}

/** The non-structural attributes of an EXR file's first part, as stored, for copying into another. */
async function exrCopyOperations(source: string, only: readonly string[] | undefined): Promise<ExrOperation[]> {
  const { header } = await readExrHead(source);
  const part = header.parts[0]!;
  const wanted = only?.map((t) => (isExrTag(t) ? exrName(t).name : (vocabularyForTag(t)?.exr ?? t)));
  return splitStoredAttributes(part.raw)
    .filter((a) => !STRUCTURAL_EXR_ATTRIBUTES.has(a.name))
    .filter((a) => wanted === undefined || wanted.includes(a.name) || wanted.includes('all'))
    .map((attribute) => ({ op: 'set', attribute }) as const);
}

// -------------------------------------------------------------------------------------------
// The entry point

/**
 * Applies `edit` to the file at `path` and puts the result in place atomically.
 * Returns `changed: false` when there was nothing to change (the file is then not touched).
 * @throws META_BAD_TAG (unknown or unwritable tag, bad value), META_UNSUPPORTED (the format cannot
 *   hold the tag), META_WRITE_FAILED, NOT_FOUND, IO; the file is then left as it was.
 */
export async function editMetadata(session: ExifToolSession, path: string, edit: MetadataEdit, options: EditOptions = {}): Promise<EditResult> {
  const cwd = options.cwd ?? process.cwd();
  const file = resolve(cwd, path);
  const format = await detectMetadataFormat(file);
  const replace = { ...(options.backup !== undefined ? { backup: options.backup } : {}), ...(options.signal ? { signal: options.signal } : {}) };

  if (format === 'exr') {
    let operations: ExrOperation[];
    if (edit.kind === 'copy') {
      const source = resolve(cwd, edit.source);
      if ((await detectMetadataFormat(source)) === 'exr') operations = await exrCopyOperations(source, edit.tags);
      else {
        const { tags } = await readMetadata(session, source, { cwd });
        const { header } = await readExrHead(file);
        operations = vocabularyAssignments(tags, edit.tags).map((a) => exrSetOperation(header.parts[0]!, a));
      }
    } else if (edit.kind === 'delete') {
      operations = edit.tags.flatMap(exrDeleteOperations);
    } else {
      const { header } = await readExrHead(file);
      operations = edit.assignments.map((a) => exrSetOperation(header.parts[0]!, a));
    }
    if (operations.length === 0) return { changed: false, warnings: [] };
    return { ...(await editExrFile(file, (_part, stored) => applyExrOperations(stored, operations), replace)), warnings: [] };
  }

  let args: string[];
  if (edit.kind === 'copy') {
    const source = resolve(cwd, edit.source);
    if ((await detectMetadataFormat(source)) === 'exr') {
      const { tags } = await readMetadata(session, source, { cwd });
      const assignments = vocabularyAssignments(tags, edit.tags);
      if (assignments.length === 0) return { changed: false, warnings: [] };
      args = exiftoolSetArguments(assignments);
    } else {
      const only = edit.tags?.filter((t) => !isExrTag(t));
      args = ['-tagsFromFile', source, ...(only !== undefined && only.length > 0 ? only.map((t) => `-${t}`) : ['-all:all'])];
      if (only !== undefined && only.length === 0) return { changed: false, warnings: [] };
    }
  } else if (edit.kind === 'delete') {
    args = exiftoolDeleteArguments(edit.tags);
    if (args.length === 0) return { changed: false, warnings: [] };
  } else {
    args = exiftoolSetArguments(edit.assignments);
  }
  const warnings: string[] = [];
  const result = await replaceFile(file, (temporary) => exiftoolWrite(session, file, temporary, args, warnings), replace);
  return { ...result, warnings };
}
