/**
 * The streaming tree scan under `vfx scan`, `vfx inspect` and every batch command.
 *
 * Shape of the walk:
 * - Directories come out one at a time, in a stable depth-first pre-order (each directory before its
 *   subdirectories, siblings sorted by name), as soon as each is read. Files inside a directory are
 *   sorted by name. The order never depends on timing, so `--json` output is reproducible.
 * - Reading runs ahead of the consumer: up to `concurrency` directories are read in parallel while
 *   the consumer handles the current one, and every `opendir` and `stat` goes through one limiter of
 *   `concurrency` slots. Memory therefore stays bounded by about `concurrency` directories' listings
 *   (the widest directory times the concurrency) plus the stack of sibling names still to visit;
 *   the tree as a whole is never held.
 * - Only entries that pass the filters are stat'ed (the stat gives the size and mtime).
 * - Failures never end the stream: a missing root or a directory that cannot be read comes out as
 *   `{ dir, files: [], error }` and the walk goes on. Only cancellation ends it early, with a
 *   `CANCELLED` error.
 *
 * Symbolic links: a link to a file is listed as a file (`isSymlink: true`, size and mtime of its
 * target); a dangling link is not a file and is left out. A link to a directory is descended only
 * with `followSymlinks`, and only when it leads out of the root being walked: a link back into the
 * root (an alias, or a cycle to an ancestor) would list again what the walk lists under the real
 * path. Every directory is also identified by device and inode and listed once, which stops cycles
 * outside the root and keeps a directory reached by two links, or from two roots, from coming twice.
 */
import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import { stat as statCallback } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import picomatch from 'picomatch';
import { groupFileNames } from '../detect.js';
import type { DetectedFile, DetectedSequence, GroupFileNamesOptions } from '../detect.js';
import { ErrorCode, VfxError } from '../errors.js';

/** One file found by a scan. */
export interface ScanFile {
  /** The path, joined from the root as the caller gave it (relative roots give relative paths). */
  path: string;
  /** The file name (last path segment). */
  name: string;
  /** Size in bytes (of the target, for a symbolic link); NaN for a regular file scanned with
   *  `stat: false`. */
  size: number;
  /** Last modification time, in milliseconds since the epoch (NaN as for `size`). */
  mtimeMs: number;
  /** File type and permission bits, as `fs.Stats.mode` (of the target, for a symbolic link; NaN as
   *  for `size`). */
  mode: number;
  /** True when the entry is a symbolic link to a file. */
  isSymlink: boolean;
}

/** One directory of a scan: the files in it that passed the filters. */
export interface ScanDirectory {
  /** The directory path, joined from the root as the caller gave it. */
  dir: string;
  /** Files directly in `dir` that passed the filters, sorted by name. */
  files: ScanFile[];
  /** Set when the directory (or a root) could not be read: `NOT_FOUND` or `IO`, naming the path.
   *  `files` then holds whatever was read before the failure (usually nothing). */
  error?: VfxError;
}

export interface ScanOptions {
  /** Descend into subdirectories. Default true; false is the same as `maxDepth: 0`. */
  recursive?: boolean;
  /** Keep only files with one of these extensions: case-insensitive, with or without the leading
   *  dot, multi-part ones (`.bgeo.sc`) included. */
  extensions?: string[];
  /** Keep only files whose path relative to the root matches one of these globs (picomatch). A glob
   *  without a slash matches the file name at any depth (`*.exr`), as in `.gitignore`. */
  include?: string[];
  /** Leave out files, and do not descend into directories, whose path relative to the root matches
   *  one of these globs (same rules as `include`). */
  exclude?: string[];
  /** Leave out files and directories whose name starts with '.'. Default true. A root named
   *  explicitly is always scanned. */
  ignoreHidden?: boolean;
  /** Descend into symbolic links to directories, visiting each directory once. Default false. */
  followSymlinks?: boolean;
  /** How many directory levels below a root to descend: 0 lists only the root's own files. */
  maxDepth?: number;
  /** Stops the scan: the iteration then throws a `CANCELLED` `VfxError`. */
  signal?: AbortSignal;
  /** Parallel `opendir`/`stat` calls, and directories read ahead of the consumer. Default 16. */
  concurrency?: number;
  /** Stat every file for its size, time and mode (default true). False lists names only, which is
   *  as fast as `readdir` itself: regular files then have NaN size, time and mode. Symbolic links
   *  are still stat'ed, to tell links to files from links to directories. */
  stat?: boolean;
}

const defaultConcurrency = 16;

/**
 * Walks the given roots and yields each directory, with its filtered files, as soon as it is read.
 *
 * A root that is a file yields its directory holding just that file; consecutive file roots in the
 * same directory (as a shell glob expands them) come out together as one directory, so sequence
 * grouping sees them side by side. Explicitly named files still pass through the extension and
 * glob filters, but not the hidden-name rule.
 *
 * @example
 * for await (const { dir, files, error } of scanTree(['shots'], { extensions: ['exr'] })) {
 *   if (error) console.error(error.describe());
 *   else console.log(dir, files.length);
 * }
 */
export async function* scanTree(roots: string[], options: ScanOptions = {}): AsyncGenerator<ScanDirectory, void, undefined> {
  const settings = resolveOptions(roots, options);
  const limiter = new Limiter(settings.concurrency);
  const visited = new Set<string>();
  const walk: WalkContext = { settings, limiter, visited };

  let fileGroup: { dir: string; files: ScanFile[] } | undefined;
  for await (const root of classifyRoots(roots, walk)) {
    throwIfCancelled(settings.signal);
    if (root.kind === 'file') {
      const directory = dirname(root.path);
      if (fileGroup !== undefined && fileGroup.dir !== directory) {
        if (fileGroup.files.length > 0) yield sortedGroup(fileGroup);
        fileGroup = undefined;
      }
      fileGroup ??= { dir: directory, files: [] };
      const name = basename(root.path);
      if (settings.acceptsFileName(name, name, true)) fileGroup.files.push(toScanFile(join(directory, name), name, root.stats, root.isSymlink));
      continue;
    }
    if (fileGroup !== undefined) {
      if (fileGroup.files.length > 0) yield sortedGroup(fileGroup);
      fileGroup = undefined;
    }
    if (root.kind === 'error') {
      yield { dir: root.path, files: [], error: root.error };
      continue;
    }
    yield* walkDirectory(root, walk);
  }
  if (fileGroup !== undefined && fileGroup.files.length > 0) yield sortedGroup(fileGroup);
}

// ---------------------------------------------------------------------------------------------
// Sequences

export interface ScanSequencesOptions extends ScanOptions {
  /** Fewest frames a sequence has; smaller groups are listed as files. Default 2. */
  minFrames?: GroupFileNamesOptions['minFrames'];
  /** How the sequences made write their padding. Default `hash4`. */
  padStyle?: GroupFileNamesOptions['padStyle'];
  /** List a sequence's missing frames only up to this many (`missingCount` always has the number). */
  maxMissing?: GroupFileNamesOptions['maxMissing'];
}

/** A sequence found in a directory, with its files and their sizes. */
export interface ScannedSequence extends DetectedSequence {
  /** The files, in frame order (parallel to `frames` and `names`). */
  files: ScanFile[];
  /** Each frame's size in bytes, parallel to `frames`. */
  frameSizes: number[];
  /** All frames' bytes together. */
  bytes: number;
}

/** A file that is not part of a sequence. */
export interface ScannedFile extends DetectedFile {
  file: ScanFile;
  bytes: number;
}

export type ScanGroup = ScannedSequence | ScannedFile;

/** A scanned directory with its files grouped into sequences and single files. */
export interface ScanSequenceDirectory extends ScanDirectory {
  /** Sequences and single files, sorted by basename, extension, padding and frame. */
  groups: ScanGroup[];
  /** All files' bytes together. */
  bytes: number;
}

/**
 * `scanTree` with each directory's files grouped into sequences as it goes (by `groupFileNames` of
 * `@vfxkit/core`), each sequence carrying its per-frame sizes and total bytes. Sequences never span
 * directories, so grouping one directory at a time keeps the scan streaming.
 *
 * @example
 * for await (const { groups } of scanSequences(['shots'], { extensions: ['exr'] })) {
 *   for (const group of groups) if (group.kind === 'sequence') console.log(String(group.sequence), group.bytes);
 * }
 */
export async function* scanSequences(roots: string[], options: ScanSequencesOptions = {}): AsyncGenerator<ScanSequenceDirectory, void, undefined> {
  const { minFrames, padStyle, maxMissing, ...scanOptions } = options;
  for await (const directory of scanTree(roots, scanOptions)) {
    const byName = new Map(directory.files.map((file) => [file.name, file]));
    const groupOptions: GroupFileNamesOptions = { dir: directory.dir };
    if (minFrames !== undefined) groupOptions.minFrames = minFrames;
    if (padStyle !== undefined) groupOptions.padStyle = padStyle;
    if (maxMissing !== undefined) groupOptions.maxMissing = maxMissing;
    let directoryBytes = 0;
    const groups = groupFileNames(byName.keys(), groupOptions).map((detected): ScanGroup => {
      if (detected.kind === 'file') {
        const file = byName.get(detected.name) as ScanFile;
        directoryBytes += file.size;
        return { ...detected, file, bytes: file.size };
      }
      const files = detected.names.map((name) => byName.get(name) as ScanFile);
      const frameSizes = files.map((file) => file.size);
      const bytes = frameSizes.reduce((sum, size) => sum + size, 0);
      directoryBytes += bytes;
      return { ...detected, files, frameSizes, bytes };
    });
    yield { ...directory, groups, bytes: directoryBytes };
  }
}

// ---------------------------------------------------------------------------------------------
// Options and filters

interface ScanSettings {
  maxDepth: number;
  ignoreHidden: boolean;
  followSymlinks: boolean;
  concurrency: number;
  stat: boolean;
  signal: AbortSignal | undefined;
  /** Does a file with this name, at this path relative to its root, belong in the scan? */
  acceptsFileName(name: string, relativePath: string, namedExplicitly: boolean): boolean;
  /** May the walk descend into this directory? (Depth is checked separately.) */
  acceptsDirectoryName(name: string, relativePath: string): boolean;
}

function resolveOptions(roots: string[], options: ScanOptions): ScanSettings {
  if (!Array.isArray(roots) || roots.some((root) => typeof root !== 'string' || root === '')) {
    throw invalidOption('roots', 'an array of non-empty paths', roots);
  }
  const concurrency = options.concurrency ?? defaultConcurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw invalidOption('concurrency', 'an integer of 1 or more', concurrency);
  let maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  if (maxDepth !== Number.POSITIVE_INFINITY && (!Number.isInteger(maxDepth) || maxDepth < 0)) {
    throw invalidOption('maxDepth', 'an integer of 0 or more', maxDepth);
  }
  if (options.recursive === false) maxDepth = 0;
  const ignoreHidden = options.ignoreHidden ?? true;

  const extensions = (options.extensions ?? []).map((extension) => {
    if (typeof extension !== 'string' || extension.replace(/^\./, '') === '') {
      throw invalidOption('extensions', "extensions such as 'exr' or '.bgeo.sc'", extension);
    }
    return (extension.startsWith('.') ? extension : `.${extension}`).toLowerCase();
  });
  // Globs see the path relative to the root with '/' separators on every platform; a glob without
  // a slash matches the last segment at any depth; hidden names match `*` when they are scanned.
  const globOptions = { dot: !ignoreHidden, windows: false };
  const include = compileGlobs('include', options.include, globOptions);
  const exclude = compileGlobs('exclude', options.exclude, globOptions);

  const hasExtension = (name: string): boolean => {
    if (extensions.length === 0) return true;
    const lower = name.toLowerCase();
    return extensions.some((extension) => lower.length > extension.length && lower.endsWith(extension));
  };
  return {
    maxDepth,
    ignoreHidden,
    followSymlinks: options.followSymlinks ?? false,
    concurrency,
    stat: options.stat ?? true,
    signal: options.signal,
    acceptsFileName(name, relativePath, namedExplicitly) {
      if (ignoreHidden && !namedExplicitly && name.startsWith('.')) return false;
      if (!hasExtension(name)) return false;
      if (include !== undefined && !include(relativePath)) return false;
      return exclude === undefined || !exclude(relativePath);
    },
    acceptsDirectoryName(name, relativePath) {
      if (ignoreHidden && name.startsWith('.')) return false;
      return exclude === undefined || !exclude(relativePath);
    },
  };
}

function compileGlobs(name: string, globs: string[] | undefined, globOptions: picomatch.PicomatchOptions): ((path: string) => boolean) | undefined {
  if (globs === undefined || globs.length === 0) return undefined;
  if (!Array.isArray(globs) || globs.some((glob) => typeof glob !== 'string' || glob === '')) {
    throw invalidOption(name, 'an array of non-empty glob patterns', globs);
  }
  try {
    // picomatch's `basename` option applies to every pattern it is given, so the patterns without a
    // slash (matched against the name) and those with one (matched against the whole relative
    // path) are compiled apart.
    const nameGlobs = globs.filter((glob) => !glob.includes('/'));
    const pathGlobs = globs.filter((glob) => glob.includes('/'));
    const matchesName = nameGlobs.length > 0 ? picomatch(nameGlobs, { ...globOptions, basename: true }) : undefined;
    const matchesPath = pathGlobs.length > 0 ? picomatch(pathGlobs, { ...globOptions, basename: false }) : undefined;
    return (path: string) => (matchesName?.(path) ?? false) || (matchesPath?.(path) ?? false);
  } catch (error) {
    throw new VfxError(ErrorCode.BAD_USAGE, `${name}: cannot parse the glob patterns ${JSON.stringify(globs)}`, { cause: error });
  }
}

function invalidOption(name: string, expected: string, actual: unknown): VfxError {
  return new VfxError(ErrorCode.BAD_USAGE, `scan option '${name}' should be ${expected}, got ${describeValue(actual)}`);
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// ---------------------------------------------------------------------------------------------
// Roots

type ClassifiedRoot =
  /** With `followSymlinks`: the directory's device and inode, and its real path. */
  | { kind: 'directory'; path: string; identity: string | undefined; realPath: string | undefined }
  | { kind: 'file'; path: string; stats: Stats; isSymlink: boolean }
  | { kind: 'error'; path: string; error: VfxError };

interface WalkContext {
  settings: ScanSettings;
  limiter: Limiter;
  /** Device and inode of every directory listed, when following symbolic links. */
  visited: Set<string>;
}

/** Stats the roots ahead of the consumer (in parallel, through the limiter), yielding in order. */
async function* classifyRoots(roots: string[], walk: WalkContext): AsyncGenerator<ClassifiedRoot> {
  const pending: Array<Promise<ClassifiedRoot>> = [];
  let next = 0;
  while (next < roots.length || pending.length > 0) {
    while (next < roots.length && pending.length < walk.settings.concurrency) {
      const root = roots[next++] as string;
      pending.push(walk.limiter.run(() => classifyRoot(root, walk.settings.followSymlinks)));
    }
    yield await untilCancelled(pending.shift() as Promise<ClassifiedRoot>, walk.settings.signal);
  }
}

async function classifyRoot(root: string, followSymlinks: boolean): Promise<ClassifiedRoot> {
  try {
    const linkStats = await lstat(root);
    const stats = linkStats.isSymbolicLink() ? await stat(root) : linkStats;
    if (stats.isDirectory()) {
      if (!followSymlinks) return { kind: 'directory', path: root, identity: undefined, realPath: undefined };
      return { kind: 'directory', path: root, identity: identityOf(stats), realPath: await realpath(root) };
    }
    if (stats.isFile()) return { kind: 'file', path: root, stats, isSymlink: linkStats.isSymbolicLink() };
    return {
      kind: 'error',
      path: root,
      error: new VfxError(ErrorCode.BAD_USAGE, 'is neither a file nor a directory (a device, socket or pipe); scan a directory or a file', {
        file: root,
      }),
    };
  } catch (error) {
    return { kind: 'error', path: root, error: fileSystemError(error, root, 'cannot read') };
  }
}

function sortedGroup(group: { dir: string; files: ScanFile[] }): ScanDirectory {
  group.files.sort((a, b) => compareNames(a.name, b.name));
  return group;
}

// ---------------------------------------------------------------------------------------------
// The walk of one directory root

interface PendingDirectory {
  dir: string;
  /** Path relative to the root with '/' separators; '' for the root. */
  relative: string;
  depth: number;
  /** The read, once started (read-ahead starts it before the directory's turn comes). */
  reading?: Promise<DirectoryReading>;
}

interface DirectoryReading {
  files: ScanFile[];
  /** Subdirectories to descend into, sorted by name. */
  subdirectories: string[];
  /** Device and inode, when following symbolic links. */
  identity?: string | undefined;
  error?: VfxError;
}

/** The walk of one root: the shared context plus where the root really is. */
interface RootWalk extends WalkContext {
  /** The root's real path, with `followSymlinks`: links into it are not descended. */
  rootRealPath: string | undefined;
}

async function* walkDirectory(root: ClassifiedRoot & { kind: 'directory' }, shared: WalkContext): AsyncGenerator<ScanDirectory> {
  const walk: RootWalk = { ...shared, rootRealPath: root.realPath };
  const { settings } = walk;
  // Depth-first: the end of the array is the next directory to yield, so a directory's children,
  // pushed in reverse order, come right after it and before its later siblings.
  const stack: PendingDirectory[] = [{ dir: withoutTrailingSeparator(root.path), relative: '', depth: 0 }];
  let readsAhead = 0;
  const start = (pending: PendingDirectory): Promise<DirectoryReading> => {
    pending.reading ??= readDirectory(pending, pending.depth === 0 ? root.identity : undefined, walk);
    return pending.reading;
  };

  while (stack.length > 0) {
    // Read ahead of the consumer, in yield order, keeping at most `concurrency` reads started but
    // not yet yielded. Started entries sit near the end of the stack, so this loop stays short.
    for (let index = stack.length - 1; index >= 0 && readsAhead < settings.concurrency; index--) {
      const pending = stack[index] as PendingDirectory;
      if (pending.reading === undefined) {
        start(pending);
        readsAhead++;
      }
    }
    const current = stack.pop() as PendingDirectory;
    if (current.reading !== undefined) readsAhead--;
    const reading = await untilCancelled(start(current), settings.signal);
    throwIfCancelled(settings.signal);

    if (reading.identity !== undefined) {
      if (walk.visited.has(reading.identity)) continue; // a cycle, or a directory already listed
      walk.visited.add(reading.identity);
    }
    const entry: ScanDirectory = { dir: current.dir, files: reading.files };
    if (reading.error !== undefined) entry.error = reading.error;
    yield entry;

    for (let index = reading.subdirectories.length - 1; index >= 0; index--) {
      const name = reading.subdirectories[index] as string;
      stack.push({
        dir: join(current.dir, name),
        relative: current.relative === '' ? name : `${current.relative}/${name}`,
        depth: current.depth + 1,
      });
    }
  }
}

/** Lists one directory and stats the entries that passed the filters. Never rejects: failures are
 *  returned in `error`. */
async function readDirectory(pending: PendingDirectory, knownIdentity: string | undefined, walk: RootWalk): Promise<DirectoryReading> {
  const { settings, limiter } = walk;
  const { dir, relative, depth } = pending;
  const mayDescend = depth < settings.maxDepth;
  const relativeOf = (name: string): string => (relative === '' ? name : `${relative}/${name}`);

  let identity = knownIdentity;
  if (settings.followSymlinks && identity === undefined) {
    try {
      identity = identityOf(await limiter.run(() => stat(dir)));
    } catch (error) {
      return { files: [], subdirectories: [], error: fileSystemError(error, dir, 'cannot read directory') };
    }
  }

  // 1. List the names, keeping only what the filters let through. The listing holds one limiter
  //    slot; the stats below take their own, so a slot is never held while waiting for another.
  const fileNames: string[] = [];
  const linkNames: string[] = [];
  const subdirectories: string[] = [];
  let error: VfxError | undefined;
  await limiter.run(async () => {
    try {
      const handle = await opendir(dir, { bufferSize: 256 });
      for await (const dirent of handle) {
        const name = dirent.name;
        if (dirent.isDirectory()) {
          if (mayDescend && settings.acceptsDirectoryName(name, relativeOf(name))) subdirectories.push(name);
        } else if (dirent.isFile()) {
          if (settings.acceptsFileName(name, relativeOf(name), false)) fileNames.push(name);
        } else if (dirent.isSymbolicLink()) {
          // Only a stat tells a link to a file from a link to a directory; skip the stat when
          // neither could be kept.
          const couldBeFile = settings.acceptsFileName(name, relativeOf(name), false);
          const couldBeDirectory = settings.followSymlinks && mayDescend && settings.acceptsDirectoryName(name, relativeOf(name));
          if (couldBeFile || couldBeDirectory) linkNames.push(name);
        }
        if (settings.signal?.aborted) break;
      }
    } catch (cause) {
      error = fileSystemError(cause, dir, 'cannot read directory');
    }
  });
  if (error !== undefined && fileNames.length === 0 && linkNames.length === 0) return { files: [], subdirectories, identity, error };

  // 2. Stat what passed, in parallel: a few stat loops, each holding one limiter slot for its whole
  //    run (a slot per stat would cost more than the stat itself on a local disk). A file that
  //    vanished since the listing, or a dangling link, is simply not there; any other failure is
  //    reported on the directory.
  const files: ScanFile[] = [];
  const statOne = async ({ name, isSymlink }: { name: string; isSymlink: boolean }): Promise<void> => {
    if (settings.signal?.aborted) return;
    const path = join(dir, name);
    let stats: Stats;
    try {
      stats = await statPath(path);
    } catch (cause) {
      const code = errorCode(cause);
      if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') return;
      error ??= fileSystemError(cause, path, 'cannot read file information');
      return;
    }
    if (stats.isFile()) {
      if (!isSymlink || settings.acceptsFileName(name, relativeOf(name), false)) files.push(toScanFile(path, name, stats, isSymlink));
    } else if (isSymlink && stats.isDirectory() && settings.followSymlinks && mayDescend && settings.acceptsDirectoryName(name, relativeOf(name))) {
      if (!(await linksIntoRoot(path, walk))) subdirectories.push(name);
    }
  };
  if (!settings.stat) {
    for (const name of fileNames) files.push({ path: join(dir, name), name, size: NaN, mtimeMs: NaN, mode: NaN, isSymlink: false });
  }
  const toStat = [
    ...(!settings.stat ? [] : fileNames.map((name) => ({ name, isSymlink: false }))),
    ...linkNames.map((name) => ({ name, isSymlink: true })),
  ];
  await forEachInSlots(toStat, limiter, statOne);

  files.sort((a, b) => compareNames(a.name, b.name));
  subdirectories.sort(compareNames);
  return error === undefined ? { files, subdirectories, identity } : { files, subdirectories, identity, error };
}

/** Does this link to a directory lead back into the root being walked? (Then the walk lists that
 *  directory under its real path, or it is a cycle.) A link whose target cannot be resolved is
 *  descended, so that its read reports the failure. Called inside a limiter slot. */
async function linksIntoRoot(path: string, walk: RootWalk): Promise<boolean> {
  const root = walk.rootRealPath;
  if (root === undefined) return false;
  try {
    const target = await realpath(path);
    return target === root || target.startsWith(root.endsWith(sep) ? root : root + sep);
  } catch {
    return false;
  }
}

function toScanFile(path: string, name: string, stats: Stats, isSymlink: boolean): ScanFile {
  return { path, name, size: stats.size, mtimeMs: stats.mtimeMs, mode: stats.mode, isSymlink };
}

/** `shots/` as `shots`, so joined paths read cleanly; a file system root stays as it is. */
function withoutTrailingSeparator(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  return trimmed === '' || /^[A-Za-z]:$/.test(trimmed) ? path : trimmed;
}

function identityOf(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

/** Name order by UTF-16 code units: the same on every machine, whatever the locale. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Errors, cancellation and the limiter

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

const fileSystemReasons: Record<string, string> = {
  ENOENT: 'does not exist; check the path',
  ENOTDIR: 'does not exist (a part of the path is a file, not a directory)',
  EACCES: 'permission denied; check the permissions of the directory',
  EPERM: 'operation not permitted; check the permissions of the directory',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files; lower the scan concurrency or raise the open-file limit',
  ENFILE: 'too many open files in the system; lower the scan concurrency',
  EIO: 'input/output error from the file system',
};

/** A file system failure as a `VfxError` naming the path: `NOT_FOUND` for missing paths, `IO`
 *  otherwise. */
function fileSystemError(error: unknown, path: string, action: string): VfxError {
  const code = errorCode(error);
  const notFound = code === 'ENOENT' || code === 'ENOTDIR';
  const reason = (code !== undefined ? fileSystemReasons[code] : undefined) ?? (error instanceof Error ? error.message : String(error));
  const message = notFound ? reason : `${action}: ${reason}${code !== undefined && fileSystemReasons[code] !== undefined ? ` (${code})` : ''}`;
  return new VfxError(notFound ? ErrorCode.NOT_FOUND : ErrorCode.IO, message, { file: path, cause: error });
}

function cancelledError(signal: AbortSignal): VfxError {
  return new VfxError(ErrorCode.CANCELLED, 'the scan was cancelled', { cause: signal.reason });
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError(signal);
}

/** Waits for `promise`, or throws `CANCELLED` as soon as the signal aborts (the promise is left to
 *  settle on its own; the scan's promises never reject). */
function untilCancelled<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(cancelledError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelledError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** `fs.stat` through its callback form: measurably cheaper per call than `fs/promises` when a
 *  directory holds tens of thousands of files. */
function statPath(path: string): Promise<Stats> {
  return new Promise((resolve, reject) => {
    statCallback(path, (error, stats) => (error === null ? resolve(stats) : reject(error)));
  });
}

/** Runs `task` over `items` in up to `limiter.limit` loops, each holding one slot while it runs.
 *  The tasks must not ask the limiter for another slot (that could wait forever). */
async function forEachInSlots<T>(items: readonly T[], limiter: Limiter, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const loop = (): Promise<void> =>
    limiter.run(async () => {
      while (next < items.length) await task(items[next++] as T);
    });
  await Promise.all(Array.from({ length: Math.min(limiter.limit, items.length) }, loop));
}

/** At most `limit` tasks at once; waiting tasks start in the order they asked. */
class Limiter {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  get limit(): number {
    return this.#limit;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active < this.#limit) this.#active++;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, or give it back.
      const next = this.#waiting.shift();
      if (next !== undefined) next();
      else this.#active--;
    }
  }
}
