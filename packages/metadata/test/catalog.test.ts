import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { isVfxError } from '@vfxkit/core';
import {
  Catalog,
  defaultCatalogPath,
  distanceKm,
  insideBox,
  matchesAll,
  parseBoundingBox,
  parseWhere,
  positionOf,
  type CatalogEntry,
} from '@vfxkit/metadata';

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function syntheticEntries(count: number, seed = 1): CatalogEntry[] {
  const next = random(seed);
  const makes = ['Canon', 'NIKON CORPORATION', 'FUJIFILM', 'Apple', 'ARRI'];
  const cities = [
    { lat: 48.8584, lon: 2.2945 },
    { lat: 51.5007, lon: -0.1246 },
    { lat: -33.8568, lon: 151.2153 },
    { lat: 0.5, lon: 179.9 },
  ];
  const entries: CatalogEntry[] = [];
  for (let i = 0; i < count; i++) {
    const tags: Record<string, unknown> = { FileType: i % 10 === 0 ? 'EXR' : 'JPEG', Make: makes[i % makes.length], ISO: 100 * (1 + (i % 32)) };
    if (i % 7 !== 0) {
      const city = cities[i % cities.length]!;
      tags.GPSLatitude = city.lat + (next() - 0.5) * 0.4;
      tags.GPSLongitude = ((city.lon + (next() - 0.5) * 0.6 + 540) % 360) - 180;
    }
    if (i % 3 === 0) tags.DateTimeOriginal = `202${i % 5}:0${1 + (i % 9)}:1${i % 10} 12:00:00`;
    entries.push({ path: `/shots/seq${String(i % 20).padStart(2, '0')}/frame${String(i).padStart(6, '0')}.jpg`, size: 1000 + i, mtimeMs: 1.7e12 + i, tags });
  }
  return entries;
}

describe('the catalog', () => {
  let dir: string;
  let catalog: Catalog;
  const entries = syntheticEntries(5000);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vfx-catalog-'));
    catalog = Catalog.open(join(dir, 'nested', 'catalog.sqlite'));
    for (let i = 0; i < entries.length; i += 1000) catalog.upsert(entries.slice(i, i + 1000));
  });
  after(() => {
    catalog.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers --near like a brute-force great-circle search, nearest first', () => {
    for (const [center, radiusKm] of [
      [{ lat: 48.86, lon: 2.3 }, 5],
      [{ lat: 48.86, lon: 2.3 }, 25],
      [{ lat: 0.5, lon: -179.95 }, 30],
      [{ lat: -33.9, lon: 151.2 }, 0.5],
    ] as const) {
      const expected = entries
        .map((e) => ({ path: e.path, position: positionOf(e.tags) }))
        .filter((e) => e.position !== undefined)
        .map((e) => ({ path: e.path, distanceKm: distanceKm(center, e.position!) }))
        .filter((e) => e.distanceKm <= radiusKm)
        .sort((a, b) => a.distanceKm - b.distanceKm || (a.path < b.path ? -1 : 1));
      const found = catalog.find({ near: { center, radiusKm } });
      assert.deepEqual(found, expected, `${JSON.stringify(center)} ${radiusKm} km`);
      if (radiusKm > 1) assert.ok(found.length > 0, 'the case finds something');
    }
    const all = catalog.find({ near: { center: { lat: 0, lon: 0 } }, limit: 3 });
    assert.equal(all.length, 3);
    assert.ok(all[0]!.distanceKm! <= all[1]!.distanceKm! && all[1]!.distanceKm! <= all[2]!.distanceKm!);
  });

  it('answers --bbox (across the antimeridian too), --where and directories like a brute-force filter', () => {
    for (const text of ['48.7,2.1,49.0,2.5', '0.3,179.8,0.7,-179.8']) {
      const box = parseBoundingBox(text);
      const expected = entries.filter((e) => positionOf(e.tags) !== undefined && insideBox(positionOf(e.tags)!, box)).map((e) => e.path).sort();
      assert.deepEqual(catalog.find({ bbox: box }).map((m) => m.path), expected, text);
      assert.ok(expected.length > 0);
    }
    const where = ['Make=Canon', 'ISO>=1600', 'DateTimeOriginal>=2020-03'].map(parseWhere);
    const expected = entries.filter((e) => matchesAll(e.tags, where)).map((e) => e.path).sort();
    assert.ok(expected.length > 0);
    assert.deepEqual(catalog.find({ where }).map((m) => m.path), expected);
    const roots = ['/shots/seq03', '/shots/seq11/'];
    const under = entries.filter((e) => e.path.startsWith('/shots/seq03/') || e.path.startsWith('/shots/seq11/')).map((e) => e.path).sort();
    assert.deepEqual(catalog.find({ roots }).map((m) => m.path), under);
    assert.deepEqual(catalog.find({ roots: ['/shots/seq0'] }), [], 'a directory is not a name prefix');
    const near = catalog.find({ near: { center: { lat: 48.86, lon: 2.3 }, radiusKm: 30 }, where: [parseWhere('Make=Canon')], roots: ['/shots/seq00'] });
    assert.ok(near.length > 0);
    for (const match of near) assert.ok(match.path.startsWith('/shots/seq00/') && catalog.tagsOf(match.path)!.Make === 'Canon');
  });

  it('updates and removes entries, positions included', () => {
    const first = entries[1]!;
    catalog.upsert([{ ...first, size: 1, tags: { ...first.tags, GPSLatitude: 10, GPSLongitude: 10 } }]);
    assert.equal(catalog.knownFiles(['/shots/seq01']).get(first.path)!.size, 1);
    assert.deepEqual(catalog.find({ near: { center: { lat: 10, lon: 10 }, radiusKm: 1 } }).map((m) => m.path), [first.path]);
    catalog.upsert([{ ...first, tags: { Make: 'Canon' } }]);
    assert.deepEqual(catalog.find({ near: { center: { lat: 10, lon: 10 }, radiusKm: 1 } }), [], 'a position removed from a file leaves the index');
    const known = catalog.knownFiles(['/shots/seq19']);
    assert.equal(known.size, 250);
    catalog.remove([...known.values()].map((k) => k.id));
    assert.equal(catalog.knownFiles(['/shots/seq19']).size, 0);
    assert.deepEqual(catalog.find({ roots: ['/shots/seq19'] }), []);
    assert.ok(catalog.find({ near: { center: { lat: 48.86, lon: 2.3 }, radiusKm: 100 } }).every((m) => !m.path.startsWith('/shots/seq19/')));
  });

  it('reports statistics', () => {
    const stats = catalog.stats();
    assert.equal(stats.files, 4750);
    assert.equal(stats.schemaVersion, 1);
    assert.ok(stats.withPosition > 3000 && stats.withPosition < stats.files);
    assert.ok(stats.earliest! >= '2020-01-10' && stats.latest! <= '2024-09-20');
    assert.deepEqual(stats.byType.map((t) => t.type).sort(), ['EXR', 'JPEG', 'unknown'], 'the entry rewritten without a FileType');
    assert.equal(stats.byMake.length, 5);
  });

  it('refuses files that are not vfxkit catalogs, and opens for reading only what exists', () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello, this is not a database at all '.repeat(100));
    const other = join(dir, 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE accounts (id INTEGER)');
    db.close();
    for (const [path, readonly, code] of [
      [text, false, 'CATALOG_BAD'],
      [other, false, 'CATALOG_BAD'],
      [join(dir, 'missing.sqlite'), true, 'NOT_FOUND'],
    ] as const) {
      assert.throws(() => Catalog.open(path, { readonly }), (error: unknown) => isVfxError(error) && error.code === code, path);
    }
    const newer = join(dir, 'newer.sqlite');
    Catalog.open(newer).close();
    const raw = new Database(newer);
    raw.pragma('user_version = 99');
    raw.close();
    assert.throws(() => Catalog.open(newer), (error: unknown) => isVfxError(error) && error.code === 'CATALOG_BAD' && /newer/.test((error as Error).message));
  });

  it('lives under XDG_DATA_HOME, or ~/.local/share', () => {
    assert.equal(defaultCatalogPath({ XDG_DATA_HOME: '/data' }, '/home/u'), '/data/vfxkit/catalog.sqlite');
    assert.equal(defaultCatalogPath({}, '/home/u'), '/home/u/.local/share/vfxkit/catalog.sqlite');
    assert.equal(defaultCatalogPath({ XDG_DATA_HOME: '' }, '/home/u'), '/home/u/.local/share/vfxkit/catalog.sqlite');
  });
});
