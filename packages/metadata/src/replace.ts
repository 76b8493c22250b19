/**
 * Replacing a file with an edited version so that anyone looking at the name sees the old file or
 * the new one, never a mix, and nothing else is left behind: the edit is written to a hidden
 * temporary beside the file (`.<name>.vfx-tmp-<random>`, the name `removeStaleTemps` of
 * @vfxkit/core cleans up after a kill), given the original's permission bits, fsynced, and renamed
 * over the file; then the directory is fsynced. With `backup`, the original is first kept as
 * `<name>_original` (a hard link, so no copy is made), as ExifTool does; an existing
 * `<name>_original` is left alone, as ExifTool leaves it, so it keeps the first original.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, link, lstat, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ErrorCode, VfxError, isVfxError } from '@vfxkit/core';

export type ProduceOutcome = 'changed' | 'unchanged';

export interface ReplaceOptions {
  /** Keep the original as `<name>_original` (unless that exists already). */
  backup?: boolean;
  signal?: AbortSignal;
}

export interface ReplaceResult {
  changed: boolean;
  /** The backup's path when one was made by this call. */
  backup?: string;
}

/** A hidden temporary name beside `target` (the form @vfxkit/core uses). */
export function temporaryPathFor(target: string): string {
  const name = Array.from(basename(target)).slice(0, 48).join('');
  return join(dirname(target), `.${name}.vfx-tmp-${randomBytes(6).toString('hex')}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch {
    // already gone
  }
}

async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Platforms and file systems that cannot fsync a directory: the rename is the best on offer.
  } finally {
    await handle?.close();
  }
}

function ioError(error: unknown, file: string, action: string): VfxError {
  if (isVfxError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  return new VfxError(code === 'ENOENT' ? ErrorCode.NOT_FOUND : ErrorCode.IO, `could not ${action}: ${detail}`, { file, cause: error });
}

/**
 * Calls `produce(temporary)` to write the edited file at `temporary` (a path that does not exist
 * yet), then puts it in place of `target`. When `produce` says `unchanged`, the temporary is
 * removed and `target` is not touched.
 *
 * @throws VfxError NOT_FOUND when `target` does not exist, BAD_USAGE when it is not a regular file,
 *   CANCELLED, IO, or whatever `produce` throws. The temporary never outlives the call.
 */
export async function replaceFile(
  target: string,
  produce: (temporary: string) => Promise<ProduceOutcome>,
  options: ReplaceOptions = {},
): Promise<ReplaceResult> {
  const path = resolve(target);
  let stats;
  try {
    stats = await stat(path);
  } catch (error) {
    throw ioError(error, target, 'look at it');
  }
  if (!stats.isFile()) throw new VfxError(ErrorCode.BAD_USAGE, 'not a regular file', { file: target });
  const temporary = temporaryPathFor(path);
  let placed = false;
  try {
    const outcome = await produce(temporary);
    if (outcome === 'unchanged') return { changed: false };
    if (options.signal?.aborted) throw new VfxError(ErrorCode.CANCELLED, 'cancelled; the file was left as it was', { file: target });
    const handle = await open(temporary, 'r+').catch((error: unknown) => {
      throw ioError(error, target, 'open the edited temporary');
    });
    try {
      await handle.chmod(stats.mode & 0o7777);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The file must not have changed while the edit was made from it.
    const after = await stat(path).catch((error: unknown) => {
      throw ioError(error, target, 'look at it again');
    });
    if (after.size !== stats.size || after.mtimeMs !== stats.mtimeMs || after.ino !== stats.ino) {
      throw new VfxError(ErrorCode.VERIFY_FAILED, 'the file changed while its metadata was being written; it was left as the other writer left it', {
        file: target,
      });
    }
    let backup: string | undefined;
    if (options.backup) {
      const backupPath = `${path}_original`;
      if (!(await exists(backupPath))) {
        try {
          await link(path, backupPath);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') {
            throw ioError(error, target, `keep the original as ${backupPath}`);
          }
          await copyFile(path, backupPath, 0).catch((copyError: unknown) => {
            throw ioError(copyError, target, `keep the original as ${backupPath}`);
          });
        }
        backup = backupPath;
      }
    }
    try {
      await rename(temporary, path);
    } catch (error) {
      throw ioError(error, target, 'replace it with the edited file');
    }
    placed = true;
    await syncDirectory(dirname(path));
    return backup !== undefined ? { changed: true, backup } : { changed: true };
  } finally {
    if (!placed) await removeQuietly(temporary);
  }
}
