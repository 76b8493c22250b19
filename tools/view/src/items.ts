/**
 * What `vfx view PATH...` serves: each PATH (a file, a sequence pattern such as `beauty.####.exr` or
 * `beauty.1001-1010#.exr`, or a directory: its files and sequences) becomes session items, each
 * frame with the one file it stands for. The server serves those files and nothing else, so a URL
 * never becomes a file system path: it only picks an item and a frame by index.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve as resolvePath, sep } from 'node:path';
import { ErrorCode, VfxError, groupFileNames, parseFrameFileName, type PadStyle } from '@vfxkit/core';
import { formatForFileName } from '@vfxkit/particles';
import { resolveSequence } from '@vfxkit/tool-seq';

/** What the viewer app does with an item. */
export type ItemKind = 'image' | 'exr' | 'particles' | 'volume' | 'alembic' | 'unknown';

/** One frame of an item, as the session JSON lists it. */
export interface ViewFrame {
  /** The frame number; null for a file without one. */
  frame: number | null;
  /** The file name. */
  name: string;
  /** Bytes. */
  size: number;
  /** Relative to the app base: `files/<item>/<frame index>/<name>`. */
  url: string;
}

/** One file or sequence of the session. */
export interface ViewItem {
  id: string;
  /** The file name, or the sequence pattern (`beauty.1001-1010#.exr`). */
  name: string;
  kind: ItemKind;
  sequence: boolean;
  /** In frame order. */
  frames: ViewFrame[];
}

/** The server's side of a frame: where it is and which tree it must stay in. */
export interface ServedFile {
  /** Absolute path as named (may be a symlink). */
  path: string;
  /** Real path of the tree the file must resolve into: the named directory, the sequence's
   *  directory, or for a file named on its own, the file's own real path. */
  root: string;
}

export interface ResolvedItems {
  items: ViewItem[];
  /** files[item][frame]. */
  files: ServedFile[][];
}

const imageExtensions = new Set(['jpg', 'jpeg', 'png', 'webp', 'gif', 'avif', 'tif', 'tiff']);

/** The kind of a file by its name: `.exr`, the image formats, the particle registry's extensions,
 *  `.vdb`, `.abc`; anything else is `unknown` (the app says it cannot show it). */
export function itemKind(fileName: string): ItemKind {
  const name = fileName.toLowerCase();
  const dot = name.lastIndexOf('.');
  const extension = dot < 0 ? '' : name.slice(dot + 1);
  if (extension === 'exr') return 'exr';
  if (imageExtensions.has(extension)) return 'image';
  if (extension === 'vdb') return 'volume';
  if (extension === 'abc') return 'alembic';
  // `.txt` is the registry's alias for XYZ point text, but a directory's notes are not particles.
  if (extension !== 'txt' && formatForFileName(name) !== undefined) return 'particles';
  return 'unknown';
}

/** Whether `path` is `root` or inside it (both real paths). */
export function isInside(path: string, root: string): boolean {
  if (path === root) return true;
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The URL of a frame, relative to the app base. */
export function frameUrl(item: number, frame: number, name: string): string {
  return `files/${item}/${frame}/${encodeURIComponent(name)}`;
}

interface PendingItem {
  name: string;
  sequence: boolean;
  frames: { frame: number | null; name: string; path: string }[];
  root: string;
}

function fileSystemError(error: unknown, argument: string): VfxError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new VfxError(ErrorCode.NOT_FOUND, 'no such file or directory', { file: argument, cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new VfxError(ErrorCode.IO, 'permission denied', { file: argument, cause: error });
  return new VfxError(ErrorCode.IO, `cannot read (${code ?? String(error)})`, { file: argument, cause: error });
}

/** The regular files of a directory (symlinks followed) whose real path stays inside it; hidden
 *  names skipped. */
async function directoryFiles(dir: string, root: string, argument: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw fileSystemError(error, argument);
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isFile()) {
      names.push(entry.name);
    } else if (entry.isSymbolicLink()) {
      const target = await realpath(join(dir, entry.name)).catch(() => undefined);
      if (target === undefined || !isInside(target, root)) continue;
      const info = await stat(target).catch(() => undefined);
      if (info?.isFile()) names.push(entry.name);
    }
  }
  return names;
}

async function resolveArgument(argument: string, cwd: string, padStyle: PadStyle): Promise<PendingItem[]> {
  const absolute = resolvePath(cwd, argument);
  const info = await stat(absolute).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw fileSystemError(error, argument);
  });

  if (info?.isDirectory()) {
    const root = await realpath(absolute);
    const names = await directoryFiles(absolute, root, argument);
    const groups = groupFileNames(names, { minFrames: 2, padStyle });
    return groups.map((group): PendingItem => {
      if (group.kind === 'file') {
        return { name: group.name, sequence: false, frames: [{ frame: null, name: group.name, path: join(absolute, group.name) }], root };
      }
      return {
        name: group.sequence.withDir('').toString(),
        sequence: true,
        frames: group.frames.map((frame, index) => ({ frame, name: group.names[index]!, path: join(absolute, group.names[index]!) })),
        root,
      };
    });
  }

  if (info?.isFile()) {
    // A file named on its own is shown on its own (the user named that file, wherever it links to).
    const name = basename(absolute);
    const root = await realpath(absolute);
    const frame = parseFrameFileName(name)?.frame;
    return [{ name, sequence: false, frames: [{ frame: frame ?? null, name, path: absolute }], root }];
  }
  if (info !== undefined) throw new VfxError(ErrorCode.BAD_USAGE, 'not a file, directory or sequence', { file: argument });

  // Not on disk: a sequence pattern, resolved as `vfx seq` does.
  const resolved = await resolveSequence(argument, cwd, padStyle);
  const root = await realpath(resolved.dir).catch((error: unknown) => {
    throw fileSystemError(error, argument);
  });
  const frames: PendingItem['frames'] = [];
  for (let index = 0; index < resolved.paths.length; index++) {
    const path = resolved.paths[index]!;
    const target = await realpath(path).catch(() => undefined);
    // Frames linking out of their directory are left out, as in a directory listing.
    if (target === undefined || !isInside(target, root)) continue;
    frames.push({ frame: resolved.frames[index]!, name: basename(path), path });
  }
  if (frames.length === 0) throw new VfxError(ErrorCode.NOT_FOUND, 'no frames of the sequence can be served', { file: argument });
  return [{ name: resolved.sequence.withDir('').toString(), sequence: true, frames, root }];
}

/**
 * Resolves every PATH into items, in argument order (a directory's items in `vfx seq ls` order).
 * `padStyle` says what `#` means in patterns (hash4: 4 digits, as `vfx seq`; hash1: one, as Nuke).
 * Throws a VfxError naming the argument when one does not exist or holds nothing.
 */
export async function resolveViewItems(paths: readonly string[], cwd: string, padStyle: PadStyle = 'hash4'): Promise<ResolvedItems> {
  const items: ViewItem[] = [];
  const files: ServedFile[][] = [];
  for (const argument of paths) {
    const pending = await resolveArgument(argument, cwd, padStyle);
    if (pending.length === 0) throw new VfxError(ErrorCode.NOT_FOUND, 'the directory holds no files', { file: argument });
    for (const item of pending) {
      const index = items.length;
      const frames: ViewFrame[] = [];
      const served: ServedFile[] = [];
      for (const frame of item.frames) {
        const info = await stat(frame.path).catch((error: unknown) => {
          throw fileSystemError(error, join(dirname(argument), frame.name));
        });
        frames.push({ frame: frame.frame, name: frame.name, size: info.size, url: frameUrl(index, frames.length, frame.name) });
        served.push({ path: frame.path, root: item.root });
      }
      items.push({ id: String(index), name: item.name, kind: itemKind(item.frames[0]!.name), sequence: item.sequence, frames });
      files.push(served);
    }
  }
  return { items, files };
}
