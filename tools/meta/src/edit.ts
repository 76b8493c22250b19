/**
 * `vfx meta set|delete|copy`: metadata edits over many files through the job runner. Each file is
 * written beside itself and renamed into place (see @vfxkit/metadata's `replace.ts`), so a file is
 * never seen half written, and a Ctrl-C lets the files in flight finish.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { ErrorCode, VfxError } from '@vfxkit/core';
import { createLocalRunner, skipped } from '@vfxkit/core/node';
import {
  editMetadata,
  isTagName,
  lookupTag,
  parseAssignment,
  WRITABLE_EXR_TYPES,
  readMetadata,
  type EditResult,
  type ExifToolSession,
  type MetadataEdit,
  type MetadataFile,
  type TagAssignment,
} from '@vfxkit/metadata';
import { ProgressReporter, jobsOption, toVfxError, usageError, type CliContext } from '@vfxkit/tool-common';
import { collectFiles, collectTag, formatValue, withExifTool } from './shared.js';

interface EditFlags {
  recursive?: boolean;
  jobs: number;
  dryRun?: boolean;
  backup?: boolean;
  json?: boolean;
  all?: boolean;
  tag?: string[];
}

function editOptions(command: Command): Command {
  return command
    .option('-r, --recursive', 'descend into subdirectories of directories')
    .option('-n, --dry-run', 'print what would change and touch nothing')
    .option('--backup', "keep each original beside it as <name>_original (as exiftool does; an existing one is kept)")
    .option('--json', 'print the result as JSON: operation, dryRun, ok, unchanged, failed, files [{path, outcome, error?, backup?}]')
    .addOption(jobsOption());
}

function exists(context: CliContext, path: string): boolean {
  return existsSync(resolve(context.io.cwd, path));
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What a dry run prints for one file: each named tag's value now and after. */
async function planLines(
  context: CliContext,
  session: ExifToolSession,
  file: MetadataFile,
  describe: (tags: Record<string, unknown>) => { tag: string; from: unknown; to: unknown }[],
): Promise<{ path: string; changes: { tag: string; from: unknown; to: unknown }[] }> {
  const { tags } = await readMetadata(session, file.path, { cwd: context.io.cwd });
  return { path: file.path, changes: describe(tags) };
}

/** The value a file has now for a tag as a user names it (`EXIF:Make`, `Orientation#`, `exr:focus:float`). */
function currentValue(tags: Record<string, unknown>, tag: string): unknown {
  if (tag.toLowerCase().startsWith('exr:')) {
    const parts = tag.split(':');
    const typed = parts.length > 2 && (WRITABLE_EXR_TYPES as readonly string[]).includes(parts.at(-1)!);
    return lookupTag(tags, typed ? parts.slice(0, -1).join(':') : tag);
  }
  return lookupTag(tags, tag.slice(tag.lastIndexOf(':') + 1).replace(/#$/, ''));
}

async function runEdit(
  context: CliContext,
  operation: 'set' | 'delete' | 'copy',
  paths: readonly string[],
  edit: MetadataEdit,
  flags: EditFlags,
  describe: (tags: Record<string, unknown>) => { tag: string; from: unknown; to: unknown }[],
): Promise<void> {
  const files = await collectFiles(context, paths, flags.recursive ?? false);
  const json = flags.json ?? false;
  await withExifTool(context, flags.jobs, async (session) => {
    if (flags.dryRun) {
      const plans: { path: string; changes: { tag: string; from: unknown; to: unknown }[] }[] = [];
      for (const file of files) {
        try {
          plans.push(await planLines(context, session, file, describe));
        } catch (error) {
          context.fail(toVfxError(error, file.path));
        }
      }
      if (json) {
        context.json({ operation, dryRun: true, files: plans });
        return;
      }
      for (const plan of plans) {
        if (edit.kind === 'copy') {
          context.out(`${plan.path}: copy ${edit.tags?.join(', ') ?? 'every tag'} from ${edit.source}`);
          continue;
        }
        for (const change of plan.changes) {
          const from = change.from === undefined ? '(none)' : JSON.stringify(formatValue(change.from));
          const to = change.to === undefined ? '(deleted)' : JSON.stringify(formatValue(change.to));
          context.out(`${plan.path}: ${change.tag}: ${from} -> ${to}`);
        }
      }
      context.out(`(dry run: ${plural(plans.length, 'file')}, nothing changed)`);
      return;
    }

    const progress = new ProgressReporter(context, `vfx meta ${operation}`, { unit: 'files', silent: json });
    const run = await createLocalRunner().run(
      files,
      async (file, { signal }) => {
        const result: EditResult = await editMetadata(session, file.path, edit, {
          cwd: context.io.cwd,
          signal,
          backup: flags.backup ?? false,
        });
        for (const warning of result.warnings) context.warn(`${file.path}: ${warning}`);
        return result.changed ? result : skipped('nothing to change');
      },
      { concurrency: flags.jobs, signal: context.signal, onProgress: progress.listener, label: (file) => file.path },
    );
    progress.done();
    const report: Record<string, unknown>[] = [];
    for (const result of run.results) {
      const path = result.item.path;
      if (result.outcome === 'failed') {
        const error = toVfxError(result.error, path);
        context.fail(error);
        report.push({ path, outcome: 'failed', error: error.message });
      } else if (result.outcome === 'skipped') report.push({ path, outcome: 'unchanged' });
      else if (result.outcome === 'ok') {
        const backup = result.value?.backup;
        report.push(backup !== undefined ? { path, outcome: 'changed', backup } : { path, outcome: 'changed' });
      } else report.push({ path, outcome: 'cancelled' });
    }
    if (json) {
      context.json({ operation, dryRun: false, ok: run.ok, unchanged: run.skipped, failed: run.failed, cancelled: run.cancelled, files: report });
    } else {
      const parts = [`${run.ok} changed`, `${run.skipped} unchanged`];
      if (run.failed > 0) parts.push(`${run.failed} failed`);
      if (run.cancelled > 0) parts.push(`${run.cancelled} not done (interrupted)`);
      context.out(`vfx meta ${operation}: ${plural(files.length, 'file')}: ${parts.join(', ')}`);
    }
    if (run.cancelled > 0) throw new VfxError(ErrorCode.CANCELLED, 'interrupted');
  });
}

export function makeSet(context: CliContext): Command {
  return editOptions(
    new Command('set')
      .description('set tags (EXIF, IPTC, XMP, ... as exiftool names them; exr:NAME in EXR files)')
      .argument('<args...>', 'files or directories, and Tag=Value assignments (Tag+=Value adds to a list, Tag-=Value removes from it)')
      .usage('[options] FILE... Tag=Value...'),
  )
    .addHelpText(
      'after',
      `
Tag names are exiftool's (Make, EXIF:Make, XMP-dc:Title, Keywords); numbers are written as
'exiftool -n' values, as 'vfx meta show --json' prints them (Orientation=6, GPSLatitude=-33.8568:
a signed position also sets GPSLatitudeRef); text goes through exiftool's conversions
(ExposureTime=1/250, DateTimeOriginal='2024:05:06 07:08:09'). EXR files take exr:NAME=VALUE
(exr:NAME:TYPE=VALUE for a new attribute of a given type: int, float, double, string, v2f, v3f,
m44f, box2i, stringvector, ...) and the shared tags Make, Model, DateTimeOriginal, GPSLatitude, ...

Examples:
  $ vfx meta set photo.jpg Artist='Jane Doe' Copyright='(c) 2025 Studio'
  $ vfx meta set -r plates/ GPSLatitude=48.8584 GPSLongitude=2.2945 GPSAltitude=35
  $ vfx meta set shot.0001.exr exr:owner=Studio exr:cameraFocus:float=2.5
  $ vfx meta set --dry-run *.jpg Keywords+=approved`,
    )
    .action(async (args: string[], flags: EditFlags) => {
      const assignments: TagAssignment[] = [];
      const paths: string[] = [];
      for (const arg of args) {
        const assignment = exists(context, arg) ? undefined : parseAssignment(arg);
        if (assignment !== undefined) assignments.push(assignment);
        else paths.push(arg);
      }
      if (paths.length === 0) throw usageError('no file given: vfx meta set FILE... Tag=Value...');
      if (assignments.length === 0) throw usageError("no Tag=Value given: vfx meta set FILE... Tag=Value... (e.g. Artist='Jane Doe')");
      await runEdit(context, 'set', paths, { kind: 'set', assignments }, flags, (tags) =>
        assignments.map((a) => ({ tag: `${a.tag}${a.operation === '=' ? '' : ` (${a.operation})`}`, from: currentValue(tags, a.tag), to: a.value })),
      );
    });
}

export function makeDelete(context: CliContext): Command {
  return editOptions(
    new Command('delete')
      .alias('rm')
      .description('delete tags, whole groups (GPS:all, XMP:all) or all metadata (--all)')
      .argument('<args...>', 'files or directories, then tag names: Make, EXIF:Make, GPS:all, XMP:all, exr:NAME')
      .usage('[options] FILE... (TAG... | Group:all | --all)')
      .option('--all', 'delete all metadata exiftool can delete (EXR: every attribute that does not describe the pixels)'),
  )
    .addHelpText(
      'after',
      `
An argument that names an existing file or directory is a file; any other that looks like a tag
name is a tag.

Examples:
  $ vfx meta delete -r delivery/ GPS:all             strip positions before delivery
  $ vfx meta delete photo.jpg XMP:all MakerNotes:all
  $ vfx meta delete --all --backup photo.jpg         keeps photo.jpg_original
  $ vfx meta delete shot.0001.exr exr:owner`,
    )
    .action(async (args: string[], flags: EditFlags) => {
      const tags: string[] = [];
      const paths: string[] = [];
      for (const arg of args) {
        if (!exists(context, arg) && isTagName(arg)) tags.push(arg);
        else paths.push(arg);
      }
      if (flags.all) tags.push('all');
      if (paths.length === 0) throw usageError('no file given: vfx meta delete FILE... TAG...');
      if (tags.length === 0) throw usageError('nothing to delete: name tags (Make, GPS:all, XMP:all, exr:NAME) or give --all');
      await runEdit(context, 'delete', paths, { kind: 'delete', tags }, flags, (current) =>
        tags.map((tag) => ({ tag, from: tag.toLowerCase().endsWith(':all') || tag === 'all' ? `(every ${tag === 'all' ? '' : tag.slice(0, -4) + ' '}tag)` : currentValue(current, tag), to: undefined })),
      );
    });
}

export function makeCopy(context: CliContext): Command {
  return editOptions(
    new Command('copy')
      .alias('cp')
      .description('copy metadata from one file to others (all tags, or --tag ones)')
      .argument('<source>', 'the file to copy from')
      .argument('<destinations...>', 'files or directories to copy into')
      .option('-t, --tag <names>', 'only these tags or groups (comma-separated, repeatable), e.g. GPS:all,Artist', collectTag),
  )
    .addHelpText(
      'after',
      `
Between two EXR files every attribute that does not describe the pixels is copied; between an EXR
file and another format, the shared tags (Make, Model, DateTimeOriginal, GPSLatitude, ...).

Examples:
  $ vfx meta copy master.jpg -r exports/              like exiftool -tagsFromFile master.jpg -all:all
  $ vfx meta copy -t GPS:all scout.jpg plates/shot010.*.jpg
  $ vfx meta copy plate.0001.exr comp.0001.exr`,
    )
    .action(async (source: string, destinations: string[], flags: EditFlags) => {
      if (!exists(context, source)) throw new VfxError(ErrorCode.NOT_FOUND, 'no such file or directory', { file: source });
      const edit: MetadataEdit = { kind: 'copy', source, tags: flags.tag };
      await runEdit(context, 'copy', destinations, edit, flags, () => []);
    });
}
