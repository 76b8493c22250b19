/**
 * Reading an archive for the `vfx abc` verbs: the file read on demand (errors naming the file),
 * object paths as users type them, and the archive's frame rate.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { ErrorCode, VfxError, isVfxError } from '@vfxkit/core';
import type { CliContext } from '@vfxkit/tool-common';
import { openAlembic, type AlembicArchive, type AlembicObject, type ByteSource } from '@vfxkit/alembic';

/** Bytes read from the file at a time; the pages are cached, never overwritten (views stay valid). */
const PAGE_SIZE = 1 << 16;
/** Pages kept (16 MiB); older ones are dropped, and live on only while a view holds them. */
const MAX_PAGES = 256;

/**
 * An archive file read on demand, page by page: listing a 10 GB cache reads its groups and
 * headers, not the whole file (and files past Node's 2 GiB buffer limit open at all). The file is
 * opened for each read that misses the cache, so no descriptor outlives a command; a file that
 * changes size or time while it is being read is an error, not a mix of two versions.
 */
export class FileByteSource implements ByteSource {
  readonly byteLength: number;
  private readonly pages = new Map<number, Uint8Array>();
  private readonly path: string;
  private readonly shown: string;
  private readonly stamp: Stats;
  private readonly pageSize: number;

  /** `pageSize` (default 64 KiB) is for tests: small pages exercise reads across pages. */
  constructor(path: string, shown: string, stats: Stats, pageSize = PAGE_SIZE) {
    this.path = path;
    this.shown = shown;
    this.stamp = stats;
    this.byteLength = stats.size;
    this.pageSize = pageSize;
  }

  read(start: number, end: number): Uint8Array {
    if (end <= start) return new Uint8Array(0);
    const size = this.pageSize;
    const first = Math.floor(start / size);
    if (end <= (first + 1) * size) {
      const page = this.page(first);
      return page.subarray(start - first * size, end - first * size);
    }
    // A span across pages (a large sample): one read of its own.
    const out = new Uint8Array(end - start);
    this.withFile((fd) => this.readFully(fd, out, start));
    return out;
  }

  private page(index: number): Uint8Array {
    const cached = this.pages.get(index);
    if (cached !== undefined) return cached;
    const start = index * this.pageSize;
    const page = new Uint8Array(Math.min(this.pageSize, this.byteLength - start));
    this.withFile((fd) => this.readFully(fd, page, start));
    if (this.pages.size >= MAX_PAGES) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(index, page);
    return page;
  }

  private readFully(fd: number, out: Uint8Array, position: number): void {
    for (let done = 0; done < out.byteLength; ) {
      const n = readSync(fd, out, done, out.byteLength - done, position + done);
      if (n === 0) throw new VfxError(ErrorCode.IO, `the file ended at byte ${position + done} while being read (it was ${this.byteLength} bytes)`, { file: this.shown });
      done += n;
    }
  }

  private withFile(work: (fd: number) => void): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (error) {
      throw new VfxError(ErrorCode.IO, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { file: this.shown, cause: error });
    }
    try {
      const now = fstatSync(fd);
      if (now.size !== this.stamp.size || now.mtimeMs !== this.stamp.mtimeMs || now.ino !== this.stamp.ino) {
        throw new VfxError(ErrorCode.IO, 'the file changed while it was being read', { file: this.shown });
      }
      work(fd);
    } finally {
      closeSync(fd);
    }
  }
}

export function onFile(error: unknown, shown: string): unknown {
  return isVfxError(error) ? error.withFile(shown) : error;
}

export async function loadArchive(context: CliContext, file: string): Promise<AlembicArchive> {
  const path = context.resolve(file);
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VfxError(ErrorCode.NOT_FOUND, 'no such file', { file });
    throw new VfxError(ErrorCode.IO, `cannot read (${code ?? String(error)})`, { file, cause: error });
  }
  if (stats.isDirectory()) throw new VfxError(ErrorCode.IO, 'is a directory', { file });
  if (!stats.isFile()) throw new VfxError(ErrorCode.IO, 'is not a regular file', { file });
  try {
    // Read on demand, page by page: the verbs touch the groups and headers they need.
    return openAlembic(new FileByteSource(path, file, stats));
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
