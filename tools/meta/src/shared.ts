/**
 * What every `vfx meta` and `vfx catalog` command shares: one ExifTool session per command (ended
 * in a `finally`, so the CLI always exits), option parsers for queries, paths as users see them,
 * and the file listing with failures reported as `vfx: <file>: <message>`.
 */
import { isAbsolute, relative } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { VfxError } from '@vfxkit/core';
import {
  ExifToolSession,
  listMetadataFiles,
  parseBoundingBox,
  parseLatLon,
  parseRadius,
  parseWhere,
  type BoundingBox,
  type LatLon,
  type MetadataFile,
  type WhereClause,
} from '@vfxkit/metadata';
import type { CliContext } from '@vfxkit/tool-common';

/** ExifTool files per command line when reading. */
export const READ_BATCH = 16;

/** Runs `work` with one ExifTool session of `jobs` processes and always ends it. */
export async function withExifTool<T>(context: CliContext, jobs: number, work: (session: ExifToolSession) => Promise<T>): Promise<T> {
  const exiftoolPath = context.io.env.VFX_EXIFTOOL;
  const session = new ExifToolSession({
    maxProcs: jobs,
    batchSize: READ_BATCH,
    ...(exiftoolPath !== undefined && exiftoolPath !== '' ? { exiftoolPath } : {}),
  });
  try {
    return await work(session);
  } finally {
    await session.end();
  }
}

/** How a path is shown: relative to the working directory when inside it. */
export function displayPath(path: string, cwd: string): string {
  if (!isAbsolute(path)) return path;
  const rest = relative(cwd, path);
  if (rest === '') return '.';
  if (rest.startsWith('..') || isAbsolute(rest)) return path;
  return rest;
}

/** Collects the files under `paths`, reporting missing or unreadable ones through the context. */
export async function collectFiles(context: CliContext, paths: readonly string[], recursive: boolean): Promise<MetadataFile[]> {
  const files: MetadataFile[] = [];
  for await (const file of listMetadataFiles(paths, { recursive, cwd: context.io.cwd, signal: context.signal }, (error: VfxError) => context.fail(error))) {
    files.push(file);
  }
  return files;
}

function wrap<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  };
}

export const parseNearOption: (text: string) => LatLon = wrap(parseLatLon);
export const parseRadiusOption: (text: string) => number = wrap(parseRadius);
export const parseBoxOption: (text: string) => BoundingBox = wrap(parseBoundingBox);

export function collectWhere(text: string, previous: WhereClause[] = []): WhereClause[] {
  return [...previous, wrap(parseWhere)(text)];
}

export function collectTag(text: string, previous: string[] = []): string[] {
  const names = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (names.length === 0) throw new InvalidArgumentError(`expected tag names like 'Make,Model', got '${text}'`);
  return [...previous, ...names];
}

/** A tag value as one line of text. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '';
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.map(formatValue).join(', ');
  return JSON.stringify(value);
}

/** A glob of tag names (`GPS*`, `exr:*`, `Make`) as a case-insensitive matcher. */
export function tagMatcher(patterns: readonly string[] | undefined): ((name: string, group?: string) => boolean) | undefined {
  if (patterns === undefined || patterns.length === 0) return undefined;
  const regexes = patterns.map((pattern) => {
    const colon = pattern.lastIndexOf(':');
    const hasGroup = colon > 0 && !pattern.toLowerCase().startsWith('exr:');
    const group = hasGroup ? pattern.slice(0, colon) : undefined;
    const name = hasGroup ? pattern.slice(colon + 1) : pattern;
    const source = (text: string): RegExp =>
      new RegExp(`^${text.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    return { group: group === undefined ? undefined : source(group), name: name.toLowerCase() === 'all' ? /.*/ : source(name) };
  });
  return (name, group) =>
    regexes.some((r) => r.name.test(name) && (r.group === undefined || (group !== undefined && r.group.test(group))));
}
