/**
 * From directories on disk to sequences and files, with sizes: the shared step behind `vfx seq ls`,
 * `vfx seq check`, `vfx scan` and `vfx inspect`. Built on the core's streaming scan (one directory at
 * a time, never the whole tree in memory) and the core's sequence detection.
 */
import { relative, isAbsolute, resolve, sep } from 'node:path';
import { groupFileNames, type FileSequence, type PadStyle, type VfxError } from '@vfxkit/core';
import { scanTree, type ScanFile } from '@vfxkit/core/node';

export interface ListedSequence {
  kind: 'sequence';
  /** Directory as shown to the user, ending in a separator ('' for the working directory). */
  dir: string;
  sequence: FileSequence;
  /** Frames present, sorted. */
  frames: number[];
  /** Size in bytes of each frame in `frames`, same order. */
  sizes: number[];
  /** File names in frame order. */
  names: string[];
  missing: number[];
  /** Sum of the frame sizes. */
  bytes: number;
}

export interface ListedFile {
  kind: 'file';
  dir: string;
  name: string;
  /** The path as shown to the user. */
  path: string;
  size: number;
}

export type ListedItem = ListedSequence | ListedFile;

export interface ListOptions {
  recursive?: boolean;
  extensions?: string[];
  padStyle?: PadStyle;
  /** Frames a group needs to count as a sequence (default 2). */
  minFrames?: number;
  includeHidden?: boolean;
  /** Globs (relative to each scanned root) a path must match / must not match. */
  include?: string[];
  exclude?: string[];
  followSymlinks?: boolean;
  /** Read sizes (a stat per file). Without them `sizes` and `bytes` are NaN. Default true. */
  sizes?: boolean;
  signal?: AbortSignal;
  /** Working directory that displayed paths are made relative to. */
  cwd: string;
}

/** How a path is shown: relative to the working directory when it is inside it. */
export function displayPath(path: string, cwd: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel;
}

function displayDir(dir: string, cwd: string): string {
  const shown = displayPath(dir, cwd);
  if (shown === '.' || shown === '') return '';
  return shown.endsWith(sep) ? shown : shown + sep;
}

/** Groups one directory's files into sequences and single files. */
export function groupDirectory(dir: string, files: readonly ScanFile[], options: ListOptions): ListedItem[] {
  const sizeByName = new Map<string, number>();
  for (const file of files) sizeByName.set(file.name, file.size);
  const shownDir = displayDir(dir, options.cwd);
  const groups = groupFileNames(
    files.map((f) => f.name),
    { dir: shownDir, minFrames: options.minFrames ?? 2, ...(options.padStyle ? { padStyle: options.padStyle } : {}) },
  );
  const items: ListedItem[] = [];
  for (const group of groups) {
    if (group.kind === 'sequence') {
      const sizes = group.names.map((name) => sizeByName.get(name) ?? 0);
      items.push({
        kind: 'sequence',
        dir: shownDir,
        sequence: group.sequence,
        frames: group.frames,
        sizes,
        names: group.names,
        missing: group.missing,
        bytes: sizes.reduce((a, b) => a + b, 0),
      });
    } else {
      items.push({ kind: 'file', dir: shownDir, name: group.name, path: shownDir + group.name, size: sizeByName.get(group.name) ?? 0 });
    }
  }
  return items;
}

/**
 * Lists `paths` (directories, files) as sequences and files, one directory at a time. Unreadable
 * or missing paths are passed to `onError` and the listing goes on.
 */
export async function* listPaths(
  paths: string[],
  options: ListOptions,
  onError: (error: VfxError) => void,
): AsyncGenerator<{ dir: string; items: ListedItem[] }> {
  // Relative paths are the caller's, relative to options.cwd; that is the process's own directory for
  // the CLI, but not for a pipeline hook calling `main` in-process with another cwd.
  const roots = resolve(options.cwd) === process.cwd() ? paths : paths.map((path) => resolve(options.cwd, path));
  for await (const entry of scanTree(roots, {
    recursive: options.recursive ?? false,
    ...(options.extensions && options.extensions.length > 0 ? { extensions: options.extensions } : {}),
    ignoreHidden: !(options.includeHidden ?? false),
    ...(options.include ? { include: options.include } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
    ...(options.followSymlinks ? { followSymlinks: true } : {}),
    stat: options.sizes ?? true,
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    if (entry.error) {
      onError(entry.error);
      continue;
    }
    if (entry.files.length === 0) continue;
    yield { dir: entry.dir, items: groupDirectory(entry.dir, entry.files, options) };
  }
}

/** The JSON shape of a listed item (the documented contract of `vfx seq ls --json`); `size` only
 *  when sizes were read. */
export function itemJson(item: ListedItem): Record<string, unknown> {
  if (item.kind === 'file') {
    return { kind: 'file', path: item.path, dir: item.dir, name: item.name, ...(Number.isNaN(item.size) ? {} : { size: item.size }) };
  }
  const sequence = item.sequence;
  return {
    kind: 'sequence',
    path: sequence.toString(),
    dir: item.dir,
    basename: sequence.basename,
    extension: sequence.extension,
    padding: sequence.padding,
    start: item.frames[0],
    end: item.frames[item.frames.length - 1],
    count: item.frames.length,
    frameSet: sequence.frameSet?.toString() ?? '',
    missing: item.missing,
    ...(Number.isNaN(item.bytes) ? {} : { size: item.bytes }),
  };
}
