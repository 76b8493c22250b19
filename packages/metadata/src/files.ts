/**
 * The files metadata commands work on: files named on the command line (whatever their
 * extension), and under named directories the images ExifTool or the EXR reader can hold metadata
 * in (by extension: every image type of @vfxkit/core's format table, EXR, and camera raw formats).
 * Directories are walked by @vfxkit/core's streaming `scanTree`.
 */
import { stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ErrorCode, VfxError, fileFormats } from '@vfxkit/core';
import { scanTree } from '@vfxkit/core/node';

/** Camera raw formats ExifTool reads (and writes, for most). */
const RAW_EXTENSIONS = ['.dng', '.cr2', '.cr3', '.crw', '.nef', '.nrw', '.arw', '.srf', '.sr2', '.orf', '.rw2', '.raf', '.pef', '.srw', '.x3f', '.3fr', '.iiq', '.erf', '.mrw'];

/** Extensions looked for under directories. */
export const METADATA_EXTENSIONS: readonly string[] = [
  ...new Set([...fileFormats.filter((f) => f.type === 'image' || f.type === 'exr').flatMap((f) => f.extensions), ...RAW_EXTENSIONS]),
];

export interface MetadataFile {
  /** The path as shown: the argument as typed, or joined onto the directory argument as typed. */
  path: string;
  absolute: string;
  size: number;
  mtimeMs: number;
}

export interface ListMetadataFilesOptions {
  /** Descend into subdirectories of named directories (without it, only their own files). */
  recursive?: boolean;
  /** Include names starting with a dot under directories. */
  hidden?: boolean;
  cwd?: string;
  signal?: AbortSignal;
}

/**
 * Streams the files under `paths`, each once, in the order given (directories in `scanTree`'s
 * stable order). A path that does not exist or a directory that cannot be read goes to `onError`
 * (with the path as typed) and the listing goes on; `onDirectoryError` also gets the absolute
 * directory, so callers can tell which parts of a tree they did not see.
 */
export async function* listMetadataFiles(
  paths: readonly string[],
  options: ListMetadataFilesOptions,
  onError: (error: VfxError) => void,
  onDirectoryError?: (absoluteDirectory: string) => void,
): AsyncGenerator<MetadataFile> {
  const cwd = options.cwd ?? process.cwd();
  const seen = new Set<string>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let stats;
    try {
      stats = await stat(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      onError(
        new VfxError(code === 'ENOENT' || code === 'ENOTDIR' ? ErrorCode.NOT_FOUND : ErrorCode.IO, code === 'ENOENT' ? 'no such file or directory' : (error as Error).message, {
          file: path,
          cause: error,
        }),
      );
      onDirectoryError?.(absolute);
      continue;
    }
    if (!stats.isDirectory()) {
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      yield { path, absolute, size: stats.size, mtimeMs: stats.mtimeMs };
      continue;
    }
    for await (const directory of scanTree([absolute], {
      recursive: options.recursive ?? false,
      extensions: [...METADATA_EXTENSIONS],
      ignoreHidden: !(options.hidden ?? false),
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      const shownDirectory = (dir: string): string => {
        const rest = relative(absolute, dir);
        return rest === '' ? path : join(path, rest);
      };
      if (directory.error) {
        const { code, message, category } = directory.error;
        onError(new VfxError(code, message, { file: shownDirectory(directory.dir), cause: directory.error }, category));
        onDirectoryError?.(directory.dir);
        continue;
      }
      for (const file of directory.files) {
        if (seen.has(file.path)) continue;
        seen.add(file.path);
        yield { path: join(shownDirectory(directory.dir), file.name), absolute: file.path, size: file.size, mtimeMs: file.mtimeMs };
      }
    }
  }
}
