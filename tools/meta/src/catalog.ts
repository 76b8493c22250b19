/**
 * `vfx catalog index|stats`: the SQLite metadata catalog `vfx meta find --catalog` answers from.
 */
import { Command } from 'commander';
import { ErrorCode, VfxError } from '@vfxkit/core';
import { Catalog, indexCatalog } from '@vfxkit/metadata';
import { ProgressReporter, formatBytes, jobsOption, type CliContext } from '@vfxkit/tool-common';
import { catalogPath } from './find.js';
import { READ_BATCH, displayPath, withExifTool } from './shared.js';

const catalogHelp = `
The catalog is one SQLite file: $XDG_DATA_HOME/vfxkit/catalog.sqlite, or
~/.local/share/vfxkit/catalog.sqlite when XDG_DATA_HOME is not set; --catalog FILE uses another.`;

function makeIndex(context: CliContext): Command {
  return new Command('index')
    .description('read the metadata of every image under directories into the catalog; again later, only what changed')
    .argument('<paths...>', 'directories (recursively) or files')
    .option('--catalog <file>', 'the catalog file (default: see vfx catalog --help)')
    .option('--hidden', 'include names starting with a dot')
    .option('--json', 'print the result as JSON: catalog, files, added, updated, unchanged, removed, failed, elapsedMs')
    .addOption(jobsOption())
    .addHelpText(
      'after',
      `
A file is read again when its size or modification time changed; entries of files that are gone
from the directories indexed are removed (not those under a directory that could not be read).

Examples:
  $ vfx catalog index ~/Pictures /mnt/plates
  $ vfx catalog index --catalog show.sqlite -j 8 /jobs/show/plates
  $ vfx meta find --catalog show.sqlite --near 48.8584,2.2945 --radius 2km`,
    )
    .action(async (paths: string[], flags: { catalog?: string; hidden?: boolean; json?: boolean; jobs: number }) => {
      const json = flags.json ?? false;
      const catalog = Catalog.open(catalogPath(context, flags.catalog));
      try {
        const summary = await withExifTool(context, flags.jobs, async (session) => {
          const progress = new ProgressReporter(context, 'vfx catalog index', { unit: 'files', silent: json });
          const result = await indexCatalog(catalog, session, paths, {
            jobs: flags.jobs,
            batchSize: READ_BATCH,
            cwd: context.io.cwd,
            signal: context.signal,
            onProgress: progress.listener,
            onFailure: (error) => context.fail(error),
            ...(flags.hidden ? { hidden: true } : {}),
          });
          progress.done();
          return result;
        });
        const shown = displayPath(catalog.path, context.io.cwd);
        if (json) {
          const { cancelled: _cancelled, ...figures } = summary;
          context.json({ catalog: shown, ...figures, elapsedMs: Math.round(summary.elapsedMs) });
        } else {
          const rate = summary.elapsedMs > 0 ? ((summary.added + summary.updated) / summary.elapsedMs) * 1000 : 0;
          context.out(
            `${shown}: ${summary.files} files: ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ` +
              `${summary.removed} removed${summary.failed > 0 ? `, ${summary.failed} failed` : ''} ` +
              `(${(summary.elapsedMs / 1000).toFixed(1)} s${rate > 0 ? `, ${rate.toFixed(0)} files/s read` : ''})`,
          );
        }
        if (summary.cancelled) throw new VfxError(ErrorCode.CANCELLED, 'interrupted');
      } finally {
        catalog.close();
      }
    });
}

function makeStats(context: CliContext): Command {
  return new Command('stats')
    .description('what the catalog holds: files, positions, dates, types, makes')
    .option('--catalog <file>', 'the catalog file (default: see vfx catalog --help)')
    .option('--json', 'print the statistics as JSON')
    .addHelpText('after', `\nExamples:\n  $ vfx catalog stats\n  $ vfx catalog stats --catalog show.sqlite --json`)
    .action((flags: { catalog?: string; json?: boolean }) => {
      const catalog = Catalog.open(catalogPath(context, flags.catalog), { readonly: true });
      try {
        const stats = catalog.stats();
        const shown = displayPath(stats.path, context.io.cwd);
        if (flags.json) {
          context.json({ ...stats, path: shown });
          return;
        }
        context.out(`${shown}  (schema ${stats.schemaVersion}, ${formatBytes(stats.catalogBytes)})`);
        context.out(`files          ${stats.files}  (${formatBytes(stats.bytes)})`);
        context.out(`with position  ${stats.withPosition}`);
        context.out(`with date      ${stats.withDate}${stats.earliest !== null ? `  (${stats.earliest} to ${stats.latest})` : ''}`);
        if (stats.lastIndexed !== null) context.out(`last indexed   ${stats.lastIndexed}`);
        if (stats.byType.length > 0) context.out(`types          ${stats.byType.map((t) => `${t.type} ${t.files}`).join(', ')}`);
        if (stats.byMake.length > 0) context.out(`makes          ${stats.byMake.map((m) => `${m.make} ${m.files}`).join(', ')}`);
      } finally {
        catalog.close();
      }
    });
}

export function makeCatalogCommand(context: CliContext): Command {
  return new Command('catalog')
    .description('the metadata catalog (SQLite) that vfx meta find --catalog answers from: index, stats')
    .addHelpText('after', `${catalogHelp}\n\nExamples:\n  $ vfx catalog index ~/Pictures\n  $ vfx catalog stats\n  $ vfx meta find --catalog --where 'Make=Canon'`)
    .addCommand(makeIndex(context))
    .addCommand(makeStats(context));
}
