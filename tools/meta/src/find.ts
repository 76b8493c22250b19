/**
 * `vfx meta find`: images by metadata and position, read live from directories (ExifTool and the
 * EXR reader through the job runner) or answered from a catalog (`--catalog`) without opening a
 * file.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ErrorCode, VfxError } from '@vfxkit/core';
import { createLocalRunner } from '@vfxkit/core/node';
import {
  Catalog,
  defaultCatalogPath,
  distanceKm,
  insideBox,
  matchesAll,
  positionOf,
  readMetadata,
  type BoundingBox,
  type CatalogMatch,
  type LatLon,
  type WhereClause,
} from '@vfxkit/metadata';
import { ProgressReporter, jobsOption, parsePositiveInteger, toVfxError, usageError, type CliContext } from '@vfxkit/tool-common';
import { READ_BATCH, collectFiles, collectWhere, displayPath, parseBoxOption, parseNearOption, parseRadiusOption, withExifTool } from './shared.js';

interface FindFlags {
  near?: LatLon;
  radius?: number;
  bbox?: BoundingBox;
  where?: WhereClause[];
  json?: boolean;
  catalog?: string | true;
  limit?: number;
  recursive: boolean;
  jobs: number;
}

/** The catalog file a command uses: `--catalog FILE`, or the default. */
export function catalogPath(context: CliContext, option: string | true | undefined): string {
  if (typeof option === 'string') return resolve(context.io.cwd, option);
  return defaultCatalogPath(context.io.env, context.io.env.HOME);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function formatDistance(km: number): string {
  return km < 1 ? `${(km * 1000).toFixed(0)} m` : `${km.toFixed(km < 10 ? 3 : 1)} km`;
}

function print(context: CliContext, matches: readonly (CatalogMatch & { shown: string })[], json: boolean): void {
  if (json) {
    context.json(matches.map((m) => (m.distanceKm !== undefined ? { path: m.shown, distanceKm: m.distanceKm } : { path: m.shown })));
    return;
  }
  for (const match of matches) context.out(match.distanceKm !== undefined ? `${match.shown}  ${formatDistance(match.distanceKm)}` : match.shown);
}

export function makeFind(context: CliContext): Command {
  return new Command('find')
    .description('find images by metadata and position: --where clauses, --near a point within --radius, inside a --bbox')
    .argument('[dirs...]', 'directories (searched recursively) or files; with --catalog, only results under these (default: all)')
    .option('--near <lat,lon>', 'nearest first, from this point (signed decimal degrees: 48.8584,2.2945)', parseNearOption)
    .option('--radius <distance>', "with --near: at most this far (great-circle): '500m', '5km', '3mi'", parseRadiusOption)
    .option('--bbox <s,w,n,e>', 'inside this box (decimal degrees; west > east crosses the antimeridian)', parseBoxOption)
    .option('--where <clause>', "TAG OP VALUE with OP = != < <= > >= ~ !~ (repeatable, all must hold); a bare TAG: has it", collectWhere)
    .option('--limit <n>', 'at most this many results', parsePositiveInteger)
    .addOption(new Option('--catalog [file]', 'answer from a catalog (vfx catalog index) instead of reading files; default file: see vfx catalog --help'))
    .option('--no-recursive', 'only the files directly in the directories')
    .option('--json', 'print one JSON array of {path} objects ({path, distanceKm} with --near, nearest first)')
    .addOption(jobsOption())
    .addHelpText(
      'after',
      `
Where clauses compare dates when both sides read as dates (DateTimeOriginal>=2024-01; a partial
date stands for its whole period), numbers when both read as numbers (ExposureTime<=1/250), and
text otherwise, without regard to case; '~' matches a substring, or a glob with * and ?.

Examples:
  $ vfx meta find -r photos/ --near 48.8584,2.2945 --radius 5km
  $ vfx meta find photos/ --where 'Make=Canon' --where 'ISO>=800' --where 'DateTimeOriginal>=2024-01-01'
  $ vfx meta find --catalog --bbox 48.80,2.25,48.90,2.42 --json
  $ vfx meta find --catalog ~/shots.sqlite --where 'Model~*5D*' --where GPSLatitude`,
    )
    .action(async (dirs: string[], flags: FindFlags) => {
      if (flags.radius !== undefined && flags.near === undefined) throw usageError('--radius needs --near LAT,LON');
      const where = flags.where ?? [];
      const near = flags.near !== undefined ? { center: flags.near, radiusKm: flags.radius } : undefined;
      const json = flags.json ?? false;
      const cwd = context.io.cwd;

      if (flags.catalog !== undefined) {
        // `--catalog photos/`: commander took the directory for the optional FILE.
        if (typeof flags.catalog === 'string' && isDirectory(resolve(cwd, flags.catalog))) {
          dirs = [flags.catalog, ...dirs];
          flags.catalog = true;
        }
        const catalog = Catalog.open(catalogPath(context, flags.catalog), { readonly: true });
        try {
          const matches = catalog.find({
            ...(dirs.length > 0 ? { roots: dirs.map((d) => resolve(cwd, d)) } : {}),
            ...(near !== undefined ? { near } : {}),
            ...(flags.bbox !== undefined ? { bbox: flags.bbox } : {}),
            where,
            ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
          });
          print(context, matches.map((m) => ({ ...m, shown: displayPath(m.path, cwd) })), json);
        } finally {
          catalog.close();
        }
        return;
      }

      const files = await collectFiles(context, dirs.length > 0 ? dirs : ['.'], flags.recursive);
      await withExifTool(context, flags.jobs, async (session) => {
        const progress = new ProgressReporter(context, 'vfx meta find', { unit: 'files', silent: json });
        const spatial = near !== undefined || flags.bbox !== undefined;
        const run = await createLocalRunner().run(
          files,
          async (file): Promise<{ match: boolean; distanceKm?: number }> => {
            const { tags } = await readMetadata(session, file.path, { cwd, fast: true });
            const result: { match: boolean; distanceKm?: number } = { match: false };
            if (spatial) {
              const position = positionOf(tags);
              if (position === undefined) return result;
              if (flags.bbox !== undefined && !insideBox(position, flags.bbox)) return result;
              if (near !== undefined) {
                result.distanceKm = distanceKm(near.center, position);
                if (near.radiusKm !== undefined && result.distanceKm > near.radiusKm) return result;
              }
            }
            result.match = matchesAll(tags, where);
            return result;
          },
          { concurrency: flags.jobs * READ_BATCH * 2, signal: context.signal, onProgress: progress.listener, label: (file) => file.path },
        );
        progress.done();
        const matches: (CatalogMatch & { shown: string })[] = [];
        for (const result of run.results) {
          if (result.outcome === 'failed') context.fail(toVfxError(result.error, result.item.path));
          if (result.outcome !== 'ok' || result.value?.match !== true) continue;
          const match: CatalogMatch & { shown: string } = { path: result.item.absolute, shown: result.item.path };
          if (result.value.distanceKm !== undefined) match.distanceKm = result.value.distanceKm;
          matches.push(match);
        }
        if (near !== undefined) matches.sort((a, b) => a.distanceKm! - b.distanceKm! || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        print(context, flags.limit !== undefined ? matches.slice(0, flags.limit) : matches, json);
        if (run.cancelled > 0) throw new VfxError(ErrorCode.CANCELLED, 'interrupted');
      });
    });
}
