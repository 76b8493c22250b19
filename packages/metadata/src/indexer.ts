/**
 * Bringing a catalog up to date with directories on disk (`vfx catalog index`): walk the trees,
 * read the files that are new or whose size or modification time changed (through the job runner
 * of @vfxkit/core, so `-j`, progress, per-file failures and Ctrl-C behave as in every batch
 * command), write them in batches of one transaction each, and remove the entries of files that
 * are gone. A directory that could not be read keeps its entries: nothing seen, nothing removed.
 */
import { resolve, sep } from 'node:path';
import type { ProgressListener, VfxError } from '@vfxkit/core';
import { createLocalRunner, skipped } from '@vfxkit/core/node';
import type { Catalog, CatalogEntry } from './catalog.js';
import type { ExifToolSession } from './exiftool.js';
import { listMetadataFiles, type MetadataFile } from './files.js';
import { readMetadata } from './read.js';

export interface IndexOptions {
  /** Files read at once (ExifTool processes are the session's). Default 1. */
  jobs?: number;
  /** ExifTool files per command (the session's batch size). Default 16. */
  batchSize?: number;
  cwd?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** A file or directory that could not be read (the run goes on). */
  onFailure?: (error: VfxError) => void;
  /** Entries written per transaction. Default 500. */
  transactionSize?: number;
  /** Include names starting with a dot. */
  hidden?: boolean;
}

export interface IndexSummary {
  /** Files found on disk. */
  files: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: number;
  cancelled: boolean;
  elapsedMs: number;
}

type IndexOutcome = 'added' | 'updated';

/** Indexes `paths` (directories, recursively, or files) into `catalog`. */
export async function indexCatalog(catalog: Catalog, session: ExifToolSession, paths: readonly string[], options: IndexOptions = {}): Promise<IndexSummary> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const roots = paths.map((p) => resolve(cwd, p));
  const known = catalog.knownFiles(roots);
  const seen = new Set<string>();
  const unreadable: string[] = [];
  const pending: CatalogEntry[] = [];
  const transactionSize = options.transactionSize ?? 500;
  const fail = (error: VfxError): void => options.onFailure?.(error);

  const listing = listMetadataFiles(
    paths,
    { recursive: true, cwd, ...(options.signal ? { signal: options.signal } : {}), ...(options.hidden ? { hidden: true } : {}) },
    fail,
    (directory) => unreadable.push(directory),
  );
  async function* tracked(): AsyncGenerator<MetadataFile> {
    for await (const file of listing) {
      seen.add(file.absolute);
      yield file;
    }
  }

  const jobs = Math.max(1, options.jobs ?? 1);
  const run = await createLocalRunner().run(
    tracked(),
    async (file: MetadataFile, { signal }): Promise<IndexOutcome | ReturnType<typeof skipped>> => {
      const before = known.get(file.absolute);
      if (before !== undefined && before.size === file.size && before.mtimeMs === file.mtimeMs) return skipped('unchanged');
      signal.throwIfAborted();
      const { tags } = await readMetadata(session, file.absolute, { cwd, fast: true });
      // Directory as the catalog shows it: absolute.
      pending.push({ path: file.absolute, size: file.size, mtimeMs: file.mtimeMs, tags });
      if (pending.length >= transactionSize) catalog.upsert(pending.splice(0));
      return before === undefined ? 'added' : 'updated';
    },
    {
      // Enough files in flight to keep every ExifTool process fed with full batches.
      concurrency: jobs * Math.max(1, options.batchSize ?? 16) * 2,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      label: (file) => file.path,
    },
  );
  catalog.upsert(pending.splice(0));

  let added = 0;
  let updated = 0;
  let unchanged = 0;
  for (const result of run.results) {
    if (result.outcome === 'ok') {
      if (result.value === 'added') added++;
      else updated++;
    } else if (result.outcome === 'skipped') unchanged++;
    else if (result.outcome === 'failed' && result.error) fail(result.error.withFile(result.label));
  }

  // Entries of files that are gone; never when the walk was cut short or under an unreadable directory.
  let removed = 0;
  const cancelled = run.cancelled > 0 || options.signal?.aborted === true;
  if (!cancelled) {
    const under = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
    const gone: number[] = [];
    for (const [path, entry] of known) {
      if (seen.has(path)) continue;
      if (unreadable.some((dir) => under(path, dir))) continue;
      gone.push(entry.id);
    }
    catalog.remove(gone);
    removed = gone.length;
  }
  return {
    files: run.results.length,
    added,
    updated,
    unchanged,
    removed,
    failed: run.failed,
    cancelled,
    elapsedMs: performance.now() - started,
  };
}
