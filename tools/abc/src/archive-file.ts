/**
 * Reading an archive for the `vfx abc` verbs: the file's bytes (errors naming the file), object
 * paths as users type them, and the archive's frame rate.
 */
import { readFileSync } from 'node:fs';
import { ErrorCode, VfxError, isVfxError } from '@vfxkit/core';
import type { CliContext } from '@vfxkit/tool-common';
import { openAlembic, type AlembicArchive, type AlembicObject } from '@vfxkit/alembic';

export function onFile(error: unknown, shown: string): unknown {
  return isVfxError(error) ? error.withFile(shown) : error;
}

export async function loadArchive(context: CliContext, file: string): Promise<AlembicArchive> {
  let bytes: Uint8Array;
  try {
    // One synchronous read: about half the CPU of fs/promises' chunked readFile on a 100 MB
    // archive, and everything after it (parsing) is synchronous anyway.
    const buffer = readFileSync(context.resolve(file));
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VfxError(ErrorCode.NOT_FOUND, 'no such file', { file });
    if (code === 'EISDIR') throw new VfxError(ErrorCode.IO, 'is a directory', { file });
    throw new VfxError(ErrorCode.IO, `cannot read (${code ?? String(error)})`, { file, cause: error });
  }
  try {
    return openAlembic(bytes);
  } catch (error) {
    throw onFile(error, file);
  }
}

export function findObject(archive: AlembicArchive, path: string, file: string): AlembicObject {
  const normal = normalObjectPath(path);
  const object = normal === '/' ? archive.root : archive.findObject(normal);
  if (object === undefined) throw new VfxError(ErrorCode.BAD_USAGE, `no object '${normal}'`, { file });
  return object;
}

/** The path of an object as shown ("/" for the top). */
export function shownPath(object: AlembicObject): string {
  return object.parent === undefined ? '/' : object.path;
}

/** The normalised absolute form of an object path as typed (`group1/x` -> `/group1/x`, `` -> `/`). */
export function normalObjectPath(path: string): string {
  return path === '' || path === '/' ? '/' : path.startsWith('/') ? path : `/${path}`;
}

/**
 * The archive's frame rate: the DCC's fps from the archive metadata, else the rate of the first
 * uniform time sampling after the default one; undefined when neither says.
 */
export function archiveFps(archive: AlembicArchive): number | undefined {
  let fps = archive.info.dccFps;
  if (fps === undefined || !Number.isFinite(fps)) {
    const sampled = archive.timeSamplings.find((ts, i) => i > 0 && ts.kind === 'uniform');
    fps = sampled?.samplesPerSecond;
  }
  return fps !== undefined && Number.isFinite(fps) && fps > 0 ? Math.round(fps * 1e6) / 1e6 : undefined;
}
