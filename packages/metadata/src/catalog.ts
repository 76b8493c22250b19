/**
 * The metadata catalog: what `vfx catalog index` read, in one SQLite file (better-sqlite3), so
 * `vfx meta find --catalog` answers without opening a single image.
 *
 * Schema (version 1, in `PRAGMA user_version`; `PRAGMA application_id` marks the file as ours):
 * - `files`: one row per file: absolute path (unique), size and modification time (what decides
 *   whether a file must be read again), when it was indexed, a few columns for statistics (file
 *   type, make, model, DateTimeOriginal, position), and `tags`: the JSON object
 *   `vfx meta show --json` prints for the file (without `path`).
 * - `positions`: an R*Tree of the files that have a GPS position (latitude and longitude as a
 *   degenerate box), which `near` and `bbox` queries search before computing exact great-circle
 *   distances.
 * The database runs in WAL mode (readers never wait for the indexer); the indexer writes in
 * batches, one transaction each.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type Database from 'better-sqlite3';
import { ErrorCode, VfxError } from '@vfxkit/core';
import { MetaErrorCode, metaError } from './errors.js';
import { boxesAround, distanceKm, insideBox, positionOf, splitBox, type BoundingBox, type LatLon } from './geo.js';
import { matchesAll, parseDatePeriod, type WhereClause } from './query.js';

export const CATALOG_SCHEMA_VERSION = 1;
/** `PRAGMA application_id`: 'vfxc'. */
const APPLICATION_ID = 0x76667863;

/**
 * Where the catalog lives unless `--catalog` says otherwise:
 * `$XDG_DATA_HOME/vfxkit/catalog.sqlite`, else `~/.local/share/vfxkit/catalog.sqlite`.
 */
export function defaultCatalogPath(env: Record<string, string | undefined> = process.env, home: string = homedir()): string {
  const dataHome = env.XDG_DATA_HOME !== undefined && env.XDG_DATA_HOME !== '' ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  return join(dataHome, 'vfxkit', 'catalog.sqlite');
}

export interface CatalogEntry {
  /** Absolute path. */
  path: string;
  size: number;
  mtimeMs: number;
  /** The tags as `vfx meta show --json` prints them (without `path`). */
  tags: Record<string, unknown>;
}

export interface KnownFile {
  id: number;
  size: number;
  mtimeMs: number;
}

export interface CatalogQuery {
  /** Absolute directories or files the results must be in (default: the whole catalog). */
  roots?: readonly string[];
  near?: { center: LatLon; radiusKm?: number | undefined };
  bbox?: BoundingBox;
  where?: readonly WhereClause[];
  limit?: number;
}

export interface CatalogMatch {
  /** Absolute path. */
  path: string;
  /** With `near`. */
  distanceKm?: number;
}

export interface CatalogStats {
  path: string;
  schemaVersion: number;
  files: number;
  bytes: number;
  withPosition: number;
  withDate: number;
  earliest: string | null;
  latest: string | null;
  lastIndexed: string | null;
  byType: { type: string; files: number }[];
  byMake: { make: string; files: number }[];
  catalogBytes: number;
}

export interface OpenCatalogOptions {
  /** Open without writing (find, stats). The catalog must then exist. */
  readonly?: boolean;
}

const schema = `
CREATE TABLE IF NOT EXISTS files (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  indexed_at INTEGER NOT NULL,
  file_type TEXT,
  make TEXT,
  model TEXT,
  date_original TEXT,
  lat REAL,
  lon REAL,
  tags TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_date ON files(date_original);
CREATE INDEX IF NOT EXISTS files_make ON files(make);
CREATE VIRTUAL TABLE IF NOT EXISTS positions USING rtree(id, min_lat, max_lat, min_lon, max_lon);
`;

let sqlite: typeof Database | undefined;
/** better-sqlite3, loaded on first use (commands that never open a catalog do not pay for it). */
function openDatabase(file: string, options: Database.Options): Database.Database {
  sqlite ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return new sqlite(file, options);
}

/** The range of paths under `root` (a directory or a file), for `path >= low AND path < high`. */
function pathRange(root: string): { exact: string; low: string; high: string } {
  const base = root.endsWith(sep) && root.length > 1 ? root.slice(0, -1) : root;
  const prefix = base === sep ? sep : base + sep;
  // The character after the separator in code-point order closes the range.
  const high = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return { exact: base, low: prefix, high };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : null;
}

/** DateTimeOriginal as a sortable `YYYY-MM-DD HH:MM:SS` (time zones ignored, as `--where` does). */
function sortableDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const period = parseDatePeriod(value);
  if (period === undefined) return null;
  return new Date(period.start).toISOString().slice(0, 19).replace('T', ' ');
}

export class Catalog {
  readonly path: string;
  private readonly db: Database.Database;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
  }

  /**
   * Opens (and, unless `readonly`, creates) the catalog at `path`.
   * @throws NOT_FOUND (readonly and no catalog there), CATALOG_BAD (not a vfxkit catalog, or a
   *   newer schema), IO.
   */
  static open(path: string, options: OpenCatalogOptions = {}): Catalog {
    const file = resolve(path);
    let db: Database.Database;
    try {
      if (options.readonly !== true) mkdirSync(dirname(file), { recursive: true });
      db = openDatabase(file, { readonly: options.readonly === true, fileMustExist: options.readonly === true });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (options.readonly === true && (code === 'SQLITE_CANTOPEN' || /does not exist/i.test(String((error as Error).message)))) {
        throw new VfxError(ErrorCode.NOT_FOUND, 'no catalog here: build one with vfx catalog index DIR (--catalog FILE)', { file, cause: error });
      }
      throw new VfxError(ErrorCode.IO, `cannot open the catalog: ${(error as Error).message}`, { file, cause: error });
    }
    try {
      const applicationId = db.pragma('application_id', { simple: true }) as number;
      const version = db.pragma('user_version', { simple: true }) as number;
      const tables = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'table'`).pluck().get() as number;
      if ((applicationId !== 0 && applicationId !== APPLICATION_ID) || (applicationId === 0 && tables > 0)) {
        throw metaError(MetaErrorCode.CATALOG_BAD, 'this SQLite file is not a vfxkit catalog; it was left alone', { file });
      }
      if (version > CATALOG_SCHEMA_VERSION) {
        throw metaError(MetaErrorCode.CATALOG_BAD, `the catalog has schema version ${version}, newer than this vfxkit reads (${CATALOG_SCHEMA_VERSION}); update vfxkit`, { file });
      }
      if (options.readonly !== true) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        if (version < CATALOG_SCHEMA_VERSION) {
          db.exec(schema);
          db.pragma(`application_id = ${APPLICATION_ID}`);
          db.pragma(`user_version = ${CATALOG_SCHEMA_VERSION}`);
        }
      } else if (version === 0) {
        throw metaError(MetaErrorCode.CATALOG_BAD, 'the catalog is empty (no schema): build it with vfx catalog index DIR', { file });
      }
    } catch (error) {
      db.close();
      if (error instanceof VfxError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw metaError(MetaErrorCode.CATALOG_BAD, 'this file is not a SQLite catalog; it was left alone', { file, cause: error });
      }
      throw new VfxError(ErrorCode.IO, `cannot use the catalog: ${(error as Error).message}`, { file, cause: error });
    }
    return new Catalog(file, db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** The files the catalog holds under `roots` (absolute), by path: what indexing compares with. */
  knownFiles(roots: readonly string[]): Map<string, KnownFile> {
    const out = new Map<string, KnownFile>();
    const statement = this.db.prepare<[string, string, string], { id: number; path: string; size: number; mtime_ms: number }>(
      'SELECT id, path, size, mtime_ms FROM files WHERE path = ? OR (path >= ? AND path < ?)',
    );
    for (const root of roots) {
      const range = pathRange(root);
      for (const row of statement.iterate(range.exact, range.low, range.high)) out.set(row.path, { id: row.id, size: row.size, mtimeMs: row.mtime_ms });
    }
    return out;
  }

  /** Adds or replaces entries, in one transaction. */
  upsert(entries: readonly CatalogEntry[]): void {
    if (entries.length === 0) return;
    const insert = this.db.prepare(
      `INSERT INTO files (path, size, mtime_ms, indexed_at, file_type, make, model, date_original, lat, lon, tags)
       VALUES (@path, @size, @mtime, @indexed, @type, @make, @model, @date, @lat, @lon, @tags)
       ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, indexed_at = excluded.indexed_at,
         file_type = excluded.file_type, make = excluded.make, model = excluded.model, date_original = excluded.date_original,
         lat = excluded.lat, lon = excluded.lon, tags = excluded.tags
       RETURNING id`,
    );
    const removePosition = this.db.prepare('DELETE FROM positions WHERE id = ?');
    const addPosition = this.db.prepare('INSERT INTO positions (id, min_lat, max_lat, min_lon, max_lon) VALUES (?, ?, ?, ?, ?)');
    const now = Date.now();
    this.db.transaction(() => {
      for (const entry of entries) {
        const position = positionOf(entry.tags);
        const row = insert.get({
          path: entry.path,
          size: entry.size,
          mtime: entry.mtimeMs,
          indexed: now,
          type: text(entry.tags.FileType),
          make: text(entry.tags.Make),
          model: text(entry.tags.Model),
          date: sortableDate(entry.tags.DateTimeOriginal),
          lat: position?.lat ?? null,
          lon: position?.lon ?? null,
          tags: JSON.stringify(entry.tags),
        }) as { id: number };
        removePosition.run(row.id);
        if (position !== undefined) addPosition.run(row.id, position.lat, position.lat, position.lon, position.lon);
      }
    })();
  }

  /** Removes entries by id, in one transaction. */
  remove(ids: readonly number[]): void {
    if (ids.length === 0) return;
    const removeFile = this.db.prepare('DELETE FROM files WHERE id = ?');
    const removePosition = this.db.prepare('DELETE FROM positions WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) {
        removeFile.run(id);
        removePosition.run(id);
      }
    })();
  }

  private inRoots(path: string, roots: readonly string[] | undefined): boolean {
    if (roots === undefined || roots.length === 0) return true;
    return roots.some((root) => {
      const range = pathRange(root);
      return path === range.exact || path.startsWith(range.low);
    });
  }

  /**
   * Files matching a query. With `near`: nearest first, each with `distanceKm`; otherwise in path
   * order. The spatial part is answered by the R*Tree (boxes around the circle, or the box), then
   * exact distances; `where` clauses are checked on each candidate's tags.
   */
  find(query: CatalogQuery): CatalogMatch[] {
    const where = query.where ?? [];
    const limit = query.limit ?? Infinity;
    const parseTags = (json: string): Record<string, unknown> => JSON.parse(json) as Record<string, unknown>;

    if (query.near !== undefined || query.bbox !== undefined) {
      const boxes =
        query.near !== undefined && query.near.radiusKm !== undefined
          ? boxesAround(query.near.center, query.near.radiusKm)
          : query.bbox !== undefined
            ? splitBox(query.bbox)
            : [{ south: -90, west: -180, north: 90, east: 180 }];
      const columns = where.length > 0 ? 'f.id, f.path, f.lat, f.lon, f.tags' : 'f.id, f.path, f.lat, f.lon';
      const statement = this.db.prepare<[number, number, number, number], { id: number; path: string; lat: number; lon: number; tags?: string }>(
        `SELECT ${columns} FROM positions p JOIN files f ON f.id = p.id
         WHERE p.min_lat <= ? AND p.max_lat >= ? AND p.min_lon <= ? AND p.max_lon >= ?`,
      );
      const seen = new Set<number>();
      const matches: (CatalogMatch & { tags?: string })[] = [];
      for (const box of boxes) {
        for (const row of statement.iterate(box.north, box.south, box.east, box.west)) {
          if (seen.has(row.id)) continue;
          seen.add(row.id);
          // The R*Tree stores 32-bit floats rounded outwards: check exactly.
          const position = { lat: row.lat, lon: row.lon };
          if (query.bbox !== undefined && !insideBox(position, query.bbox)) continue;
          if (!this.inRoots(row.path, query.roots)) continue;
          const match: CatalogMatch & { tags?: string } = { path: row.path };
          if (query.near !== undefined) {
            const distance = distanceKm(query.near.center, position);
            if (query.near.radiusKm !== undefined && distance > query.near.radiusKm) continue;
            match.distanceKm = distance;
          }
          if (row.tags !== undefined) match.tags = row.tags;
          matches.push(match);
        }
      }
      if (query.near !== undefined) matches.sort((a, b) => a.distanceKm! - b.distanceKm! || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      else matches.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const out: CatalogMatch[] = [];
      for (const match of matches) {
        if (out.length >= limit) break;
        if (where.length > 0 && !matchesAll(parseTags(match.tags!), where)) continue;
        out.push(match.distanceKm !== undefined ? { path: match.path, distanceKm: match.distanceKm } : { path: match.path });
      }
      return out;
    }

    const columns = where.length > 0 ? 'path, tags' : 'path';
    const out: CatalogMatch[] = [];
    const visit = (rows: Iterable<{ path: string; tags?: string }>): boolean => {
      for (const row of rows) {
        if (out.length >= limit) return false;
        if (where.length > 0 && !matchesAll(parseTags(row.tags!), where)) continue;
        out.push({ path: row.path });
      }
      return true;
    };
    if (query.roots === undefined || query.roots.length === 0) {
      visit(this.db.prepare<[], { path: string; tags?: string }>(`SELECT ${columns} FROM files ORDER BY path`).iterate());
    } else {
      const statement = this.db.prepare<[string, string, string], { path: string; tags?: string }>(
        `SELECT ${columns} FROM files WHERE path = ? OR (path >= ? AND path < ?) ORDER BY path`,
      );
      const seen = new Set<string>();
      for (const root of query.roots) {
        const range = pathRange(root);
        const rows = [...statement.iterate(range.exact, range.low, range.high)].filter((r) => !seen.has(r.path));
        for (const r of rows) seen.add(r.path);
        if (!visit(rows)) break;
      }
      out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    return out;
  }

  /** The tags stored for one file (absolute path), if the catalog has it. */
  tagsOf(path: string): Record<string, unknown> | undefined {
    const row = this.db.prepare<[string], { tags: string }>('SELECT tags FROM files WHERE path = ?').get(path);
    return row === undefined ? undefined : (JSON.parse(row.tags) as Record<string, unknown>);
  }

  stats(): CatalogStats {
    const one = <T>(sql: string): T => this.db.prepare(sql).get() as T;
    const totals = one<{ files: number; bytes: number | null; withPosition: number; withDate: number; earliest: string | null; latest: string | null; last: number | null }>(
      `SELECT count(*) AS files, sum(size) AS bytes, count(lat) AS withPosition, count(date_original) AS withDate,
              min(date_original) AS earliest, max(date_original) AS latest, max(indexed_at) AS last FROM files`,
    );
    const byType = this.db
      .prepare<[], { type: string | null; files: number }>('SELECT file_type AS type, count(*) AS files FROM files GROUP BY file_type ORDER BY files DESC, type')
      .all()
      .map((r) => ({ type: r.type ?? 'unknown', files: r.files }));
    const byMake = this.db
      .prepare<[], { make: string; files: number }>(
        'SELECT make, count(*) AS files FROM files WHERE make IS NOT NULL GROUP BY make ORDER BY files DESC, make LIMIT 10',
      )
      .all();
    const pageCount = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    return {
      path: this.path,
      schemaVersion: this.db.pragma('user_version', { simple: true }) as number,
      files: totals.files,
      bytes: totals.bytes ?? 0,
      withPosition: totals.withPosition,
      withDate: totals.withDate,
      earliest: totals.earliest,
      latest: totals.latest,
      lastIndexed: totals.last === null ? null : new Date(totals.last).toISOString(),
      byType,
      byMake,
      catalogBytes: pageCount * pageSize,
    };
  }
}
