/**
 * Atomic single-file operations: write a file, copy a file, clean up after a kill.
 *
 * The one rule: a file a user can see under its final name is always complete. Every write goes to
 * a temporary sibling in the destination directory (`.<name>.vfx-tmp-<random>`, same file system, so
 * the final step is a rename or a link, never a copy), the temporary is fsynced, and only then is it
 * put in place:
 *
 * - without `force`, by `link(temporary, target)` then `unlink(temporary)`. `link` fails with EEXIST
 *   when the target exists, in the kernel, atomically: there is no window between "check that the
 *   target is free" and "write it" in which another process could create it and be overwritten.
 * - with `force`, by `rename(temporary, target)`, which atomically replaces the target: a reader sees
 *   the old file or the new one, never a mix.
 *
 * Then the directory is fsynced so the new name survives a power cut. On any failure (or an abort)
 * the temporary is removed; after a kill -9 it stays behind, hidden, and `removeStaleTemps` finds it.
 *
 * The helpers at the end (placing a file without overwriting, fsyncing a directory, mapping system
 * errors) are shared with the journaled batches in `journal*.ts`; they are not exported from the
 * package entry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { copyFile, link, lstat, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ErrorCode, VfxError, isVfxError } from '../errors.js';

export interface WriteFileAtomicOptions {
  /** Replace an existing file (atomically). Default false: an existing file -> WOULD_OVERWRITE. */
  force?: boolean;
  /** Permission bits of the new file (e.g. `0o644`), applied exactly (not masked by the umask).
   *  Default: `0o666` masked by the process umask, as for any new file. */
  mode?: number;
}

/**
 * Writes `data` to `path` so that the file is either absent or complete, even across a kill or a
 * power cut, and never silently replaces an existing file.
 *
 * @throws VfxError WOULD_OVERWRITE when `path` exists and `force` is not set; NOT_FOUND when its
 *   directory does not exist; IO for any other system failure. The temporary is always removed.
 * @example
 *   await writeFileAtomic('shot/plate.json', JSON.stringify(plate));
 *   await writeFileAtomic('shot/plate.json', JSON.stringify(plate), { force: true });
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  await writeFileAtomicWith(path, (handle) => handle.writeFile(data), options);
}

/**
 * `writeFileAtomic` for content written piece by piece: `write` gets the open temporary (empty,
 * write position 0) and fills it; the rest (fsync, mode, putting it in place, the directory's
 * fsync, removing the temporary on any failure) is as there. For output too large to hold in
 * memory, e.g. a file rewritten with its bulk streamed from the original.
 */
export async function writeFileAtomicWith(
  path: string,
  write: (handle: FileHandle) => Promise<void>,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const target = resolve(path);
  const temporary = temporarySiblingPath(target, 'tmp', randomBytes(6).toString('hex'));
  let placed = false;
  try {
    const handle = await open(temporary, 'wx', options.mode ?? 0o666).catch((error: unknown) => {
      throw isErrnoException(error, 'ENOENT')
        ? new VfxError(ErrorCode.NOT_FOUND, `cannot write it: directory ${dirname(target)} does not exist`, { file: target, cause: error })
        : fileSystemError(error, target, 'create a temporary file beside it');
    });
    try {
      await write(handle);
      if (options.mode !== undefined) await handle.chmod(options.mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await putInPlace(temporary, target, options.force === true);
    placed = true;
    await syncDirectory(dirname(target));
  } catch (error) {
    throw fileSystemError(error, target, 'write it');
  } finally {
    if (!placed) await removeIfExists(temporary);
  }
}

export interface CopyFileSafeOptions {
  /** Replace an existing destination (atomically). Default false: WOULD_OVERWRITE. */
  force?: boolean;
  /** `'size'` (default) compares sizes; `'hash'` also compares the sha256 of source and copy. */
  verify?: 'size' | 'hash';
  /** Copy the permission bits and the access and modification times. Default true. */
  preserve?: boolean;
  /** Cancels the copy; the temporary is removed and CANCELLED is thrown. */
  signal?: AbortSignal;
}

export interface CopyResult {
  /** Bytes copied. */
  bytes: number;
  /** sha256 of the content (hex), when `verify: 'hash'`. */
  hash?: string;
}

/**
 * Copies `from` to `to` through a verified temporary in the destination directory, so `to` is never
 * seen half written and an existing `to` is never replaced without `force`.
 *
 * The copy uses `fs.copyFile` with COPYFILE_FICLONE (a copy-on-write clone on btrfs, XFS and APFS,
 * an in-kernel copy elsewhere) unless it must read the bytes itself: for `verify: 'hash'` (the
 * source is hashed while it is copied, so it is read once) and for files over 8 MiB when a `signal`
 * is given (a kernel copy cannot be interrupted half way).
 *
 * @throws VfxError NOT_FOUND (no source), BAD_USAGE (source not a regular file, destination a
 *   directory), WOULD_OVERWRITE, VERIFY_FAILED (size or hash differs, or the source changed while it
 *   was copied), CANCELLED, IO. The temporary is always removed.
 * @example
 *   const { bytes } = await copyFileSafe('plates/a.0001.exr', 'backup/a.0001.exr', { verify: 'hash' });
 */
export async function copyFileSafe(from: string, to: string, options: CopyFileSafeOptions = {}): Promise<CopyResult> {
  const source = resolve(from);
  const target = resolve(to);
  throwIfCancelled(options.signal, source);
  const sourceStats = await statRegularFile(source);
  // Refuse early, before copying gigabytes for nothing; the final link still decides atomically.
  const existing = await lstatOrUndefined(target);
  if (existing?.isDirectory() === true) {
    throw new VfxError(ErrorCode.BAD_USAGE, 'the destination is a directory; name the file to create in it', { file: target });
  }
  if (existing !== undefined && options.force !== true) {
    throw new VfxError(ErrorCode.WOULD_OVERWRITE, 'the destination already exists; use force (--force) to replace it', { file: target });
  }
  const temporary = temporarySiblingPath(target, 'tmp', randomBytes(6).toString('hex'));
  let placed = false;
  try {
    const result = await copyIntoTemporary(source, temporary, {
      sourceStats,
      preserve: options.preserve ?? true,
      verify: options.verify ?? 'size',
      signal: options.signal,
    });
    throwIfCancelled(options.signal, source);
    await putInPlace(temporary, target, options.force === true);
    placed = true;
    await syncDirectory(dirname(target));
    return result;
  } catch (error) {
    throw fileSystemError(error, target, `copy ${source} to it`);
  } finally {
    if (!placed) await removeIfExists(temporary);
  }
}

export interface RemoveStaleTempsOptions {
  /** Remove every vfxkit temporary, even one another running vfxkit process may still be writing.
   *  Default false: only temporaries last changed before this process started. */
  all?: boolean;
}

/**
 * Removes the temporaries (`.<name>.vfx-tmp-<random>`) that `writeFileAtomic` and `copyFileSafe`
 * leave behind when they are killed, and returns their paths.
 *
 * A temporary last changed (ctime: data, mode or times) before this process started cannot belong
 * to a write of this process, and a live writer keeps touching its temporary, so by default only
 * those are removed. The temporaries of a journaled move (`.vfx-move-`, `.vfx-copy-`, `.vfx-aside-`)
 * are never touched here: they can hold the only copy of a frame; `recoverJournal` owns them.
 *
 * @throws VfxError NOT_FOUND when `directory` does not exist, IO when it cannot be read.
 */
export async function removeStaleTemps(directory: string, options: RemoveStaleTempsOptions = {}): Promise<string[]> {
  const folder = resolve(directory);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw fileSystemError(error, folder, 'list the directory');
  }
  const processStarted = Date.now() - process.uptime() * 1000;
  const removed: string[] = [];
  for (const name of names.sort()) {
    if (!isAtomicTemporaryName(name)) continue;
    const path = join(folder, name);
    const stats = await lstatOrUndefined(path);
    if (stats === undefined || !stats.isFile()) continue;
    if (options.all !== true && stats.ctimeMs >= processStarted) continue;
    if (await removeIfExists(path)) removed.push(path);
  }
  return removed;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers (used by the journaled batches; not exported from the package entry).

/** The copy behind `copyFileSafe` and the journaled copies: writes `temporary` (replacing a partial
 *  one), fsyncs it, applies mode and times, and verifies it against the source. */
export async function copyIntoTemporary(
  source: string,
  temporary: string,
  options: { sourceStats?: Stats; preserve: boolean; verify: 'size' | 'hash'; signal: AbortSignal | undefined },
): Promise<CopyResult> {
  const sourceStats = options.sourceStats ?? (await statRegularFile(source));
  const streamed = options.verify === 'hash' || (options.signal !== undefined && sourceStats.size > 8 * 1024 * 1024);
  let sourceHash: string | undefined;
  if (streamed) {
    sourceHash = await streamCopy(source, temporary, options.signal);
  } else {
    try {
      await copyFile(source, temporary, constants.COPYFILE_FICLONE);
    } catch (error) {
      throw fileSystemError(error, source, `copy it to ${temporary}`);
    }
  }
  throwIfCancelled(options.signal, source);
  const handle = await open(temporary, 'r+');
  let copiedSize: number;
  try {
    if (options.preserve) {
      await handle.chmod(sourceStats.mode & 0o7777);
      // Times last: the writes and the chmod above would otherwise move them.
      await handle.utimes(sourceStats.atime, sourceStats.mtime);
    }
    await handle.sync();
    copiedSize = (await handle.stat()).size;
  } finally {
    await handle.close();
  }
  // The source must not have changed under the copy: a frame still being rendered is not copied.
  const sourceAfter = await statRegularFile(source);
  if (sourceAfter.size !== sourceStats.size || sourceAfter.mtimeMs !== sourceStats.mtimeMs) {
    throw new VfxError(ErrorCode.VERIFY_FAILED, 'the source changed while it was being copied; copy it again when it is complete', { file: source });
  }
  if (copiedSize !== sourceStats.size) {
    throw new VfxError(ErrorCode.VERIFY_FAILED, `the copy has ${copiedSize} bytes, the source ${sourceStats.size}: the copy was not kept`, { file: source });
  }
  if (options.verify === 'hash') {
    const copiedHash = await hashFile(temporary, options.signal);
    if (copiedHash !== sourceHash) {
      throw new VfxError(ErrorCode.VERIFY_FAILED, `the copy's sha256 ${copiedHash} differs from the source's ${String(sourceHash)}: the copy was not kept`, { file: source });
    }
    return { bytes: sourceStats.size, hash: sourceHash };
  }
  return { bytes: sourceStats.size };
}

/** Reads a file and writes it to `temporary` chunk by chunk, hashing the source on the way, so a
 *  signal can stop it between chunks. Returns the source's sha256 (hex). */
async function streamCopy(source: string, temporary: string, signal: AbortSignal | undefined): Promise<string> {
  const hash = createHash('sha256');
  const output = await open(temporary, 'w');
  try {
    const input = createReadStream(source, { highWaterMark: 1024 * 1024, ...(signal !== undefined ? { signal } : {}) });
    for await (const chunk of input as AsyncIterable<Buffer>) {
      hash.update(chunk);
      await output.write(chunk);
    }
  } catch (error) {
    throwIfCancelled(signal, source);
    throw fileSystemError(error, source, `copy it to ${temporary}`);
  } finally {
    await output.close();
  }
  return hash.digest('hex');
}

/** The sha256 of a file's content, in hex. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  try {
    const input = createReadStream(path, { highWaterMark: 1024 * 1024, ...(signal !== undefined ? { signal } : {}) });
    for await (const chunk of input as AsyncIterable<Buffer>) hash.update(chunk);
  } catch (error) {
    throwIfCancelled(signal, path);
    throw fileSystemError(error, path, 'read it');
  }
  return hash.digest('hex');
}

/** `force`: rename over the target. Otherwise `placeWithoutOverwrite`. */
async function putInPlace(temporary: string, target: string, force: boolean): Promise<void> {
  if (force) {
    try {
      await rename(temporary, target);
    } catch (error) {
      throw fileSystemError(error, target, 'replace it');
    }
  } else {
    await placeWithoutOverwrite(temporary, target);
  }
}

/** What `placeWithoutOverwrite` found. */
export type PlaceOutcome = 'placed' | 'already-placed' | 'source-missing';

/**
 * Gives `source`'s file the name `target`, refusing atomically when `target` is taken, and removes
 * the name `source`: `link` + `unlink`. After a kill between the two both names point at the same
 * file; calling again sees EEXIST on the same file and just removes `source` ("already-placed"), so
 * the step can be repeated safely. Returns "source-missing" (and does nothing) when `source` is gone.
 *
 * File systems without hard links (FAT, exFAT, some network shares) fall back to "check that the
 * target is free, then rename": the only form left there, with a window of microseconds in which a
 * file created by another program could be replaced.
 *
 * @throws VfxError WOULD_OVERWRITE naming `target` when another file holds that name.
 */
export async function placeWithoutOverwrite(source: string, target: string): Promise<PlaceOutcome> {
  try {
    await link(source, target);
  } catch (error) {
    if (isErrnoException(error, 'EEXIST')) {
      const [sourceStats, targetStats] = await Promise.all([lstatOrUndefined(source), lstatOrUndefined(target)]);
      if (sourceStats === undefined) return 'source-missing';
      if (targetStats !== undefined && sourceStats.ino === targetStats.ino && sourceStats.dev === targetStats.dev) {
        await unlinkQuietly(source);
        return 'already-placed';
      }
      throw new VfxError(ErrorCode.WOULD_OVERWRITE, 'a file with this name already exists and would be replaced; it was left alone', { file: target, cause: error });
    }
    if (isErrnoException(error, 'ENOENT') && (await lstatOrUndefined(source)) === undefined) return 'source-missing';
    if (!isErrnoException(error, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK')) {
      throw fileSystemError(error, target, `link ${source} to it`);
    }
    if ((await lstatOrUndefined(target)) !== undefined) {
      throw new VfxError(ErrorCode.WOULD_OVERWRITE, 'a file with this name already exists and would be replaced; it was left alone', { file: target });
    }
    try {
      await rename(source, target);
    } catch (renameError) {
      if (isErrnoException(renameError, 'ENOENT') && (await lstatOrUndefined(source)) === undefined) return 'source-missing';
      throw fileSystemError(renameError, target, `rename ${source} to it`);
    }
    return 'placed';
  }
  await unlinkQuietly(source);
  return 'placed';
}

/** After a successful link the data is safe under the new name; a failure to remove the old name
 *  only leaves a hidden temporary behind, which is not a reason to report the whole step as failed. */
async function unlinkQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch {
    // see above
  }
}

/**
 * fsyncs a directory so the names created, renamed or removed in it survive a power cut. Platforms
 * and file systems that cannot fsync a directory (Windows, some network shares) are skipped: there
 * the rename itself is the best durability on offer.
 */
export async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
  } catch (error) {
    if (isErrnoException(error, 'EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP')) return;
    throw fileSystemError(error, directory, 'open the directory to flush it');
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!isErrnoException(error, 'EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF')) {
      throw fileSystemError(error, directory, 'flush the directory');
    }
  } finally {
    await handle.close();
  }
}

/**
 * A hidden sibling of `target` for a temporary: `.<name>.vfx-<kind>-<tag>`. The name part is cut to
 * 48 characters so the whole name stays under the 255-byte limit of common file systems.
 */
export function temporarySiblingPath(target: string, kind: 'tmp' | 'move' | 'copy' | 'aside', tag: string): string {
  const name = Array.from(basename(target)).slice(0, 48).join('');
  return join(dirname(target), `.${name}.vfx-${kind}-${tag}`);
}

/** The names `writeFileAtomic` and `copyFileSafe` give their temporaries. */
function isAtomicTemporaryName(name: string): boolean {
  return /^\..*\.vfx-tmp-[0-9a-f]{12}$/.test(name);
}

/** lstat that returns undefined for a missing path (ENOENT, or ENOTDIR when a parent is a file). */
export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (isErrnoException(error, 'ENOENT', 'ENOTDIR')) return undefined;
    throw fileSystemError(error, path, 'look at it');
  }
}

/** Removes a file; true when it was there. */
export async function removeIfExists(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (isErrnoException(error, 'ENOENT')) return false;
    throw fileSystemError(error, path, 'remove it');
  }
}

async function statRegularFile(path: string): Promise<Stats> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (error) {
    if (isErrnoException(error, 'ENOENT', 'ENOTDIR')) {
      throw new VfxError(ErrorCode.NOT_FOUND, 'the source file does not exist', { file: path, cause: error });
    }
    throw fileSystemError(error, path, 'look at it');
  }
  if (!stats.isFile()) throw new VfxError(ErrorCode.BAD_USAGE, 'the source is not a regular file', { file: path });
  return stats;
}

/** Throws CANCELLED naming `file` when the signal has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined, file: string): void {
  if (signal?.aborted === true) {
    throw new VfxError(ErrorCode.CANCELLED, 'cancelled; nothing was left half done', { file, cause: signal.reason });
  }
}

/** True when `error` is a Node system error with one of `codes`. */
export function isErrnoException(error: unknown, ...codes: string[]): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}

/**
 * A VfxError for a failed system call: ENOENT -> NOT_FOUND, EEXIST -> WOULD_OVERWRITE, anything
 * else -> IO, keeping the system's own words ("EACCES: permission denied, ..."). VfxErrors pass
 * through unchanged, so wrapping twice is harmless.
 */
export function fileSystemError(error: unknown, file: string, action: string): VfxError {
  if (isVfxError(error)) return error;
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  const vfxCode = code === 'ENOENT' ? ErrorCode.NOT_FOUND : code === 'EEXIST' ? ErrorCode.WOULD_OVERWRITE : ErrorCode.IO;
  return new VfxError(vfxCode, `could not ${action}: ${detail}`, { file, cause: error });
}
