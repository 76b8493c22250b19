/**
 * `vfx meta show`: every file's metadata in one view, as `exiftool -j -n` names it (`--json`) or
 * grouped as `exiftool -G` prints it (people).
 */
import { Command } from 'commander';
import { createLocalRunner } from '@vfxkit/core/node';
import { readGroupedMetadata, readMetadata, type FileMetadata, type GroupedMetadata, type GroupedTag } from '@vfxkit/metadata';
import { ProgressReporter, jobsOption, toVfxError, type CliContext } from '@vfxkit/tool-common';
import { READ_BATCH, collectFiles, collectTag, formatValue, tagMatcher, withExifTool } from './shared.js';

interface ShowFlags {
  json?: boolean;
  recursive?: boolean;
  jobs: number;
  tag?: string[];
  fast?: boolean;
}

function groupedLines(context: CliContext, tags: readonly GroupedTag[]): string[] {
  const groupWidth = Math.min(18, Math.max(8, ...tags.map((t) => t.group.length + 2)));
  const nameWidth = Math.min(32, Math.max(12, ...tags.map((t) => t.name.length)));
  return tags.map((tag) => {
    const group = `[${tag.group}]`.padEnd(groupWidth);
    const type = tag.type !== undefined ? context.paint('dim', `  (${tag.type})`, context.io.stdout) : '';
    return `${context.paint('cyan', group, context.io.stdout)} ${tag.name.padEnd(nameWidth)} : ${tag.text ?? formatValue(tag.value)}${type}`;
  });
}

export function makeShow(context: CliContext): Command {
  return new Command('show')
    .description('print the metadata of images: EXIF (GPS in signed decimal degrees), IPTC, XMP, ICC, maker notes, EXR attributes')
    .argument('<paths...>', 'image files, or directories (their images; -r for subdirectories)')
    .option('--json', 'print one JSON array: an object per file with path, then the tags as `exiftool -j -n` names them, EXR attributes as exr:NAME')
    .option('-r, --recursive', 'descend into subdirectories of directories')
    .option('-t, --tag <names>', "only these tags (comma-separated, repeatable; '*' globs, Group:Name or Group:all)", collectTag)
    .option('--fast', "ExifTool's -fast: do not read past the image data (skips JPEG trailers)")
    .addOption(jobsOption())
    .addHelpText(
      'after',
      `
Examples:
  $ vfx meta show photo.jpg                        grouped as exiftool -G prints it
  $ vfx meta show --json -r plates/ | jq '.[] | {path, Make, GPSLatitude, GPSLongitude}'
  $ vfx meta show -t Make,Model,DateTimeOriginal,'GPS*' *.jpg
  $ vfx meta show render.0001.exr                  EXR header attributes, typed`,
    )
    .action(async (paths: string[], flags: ShowFlags) => {
      const files = await collectFiles(context, paths, flags.recursive ?? false);
      const only = tagMatcher(flags.tag);
      const json = flags.json ?? false;
      await withExifTool(context, flags.jobs, async (session) => {
        const progress = new ProgressReporter(context, 'vfx meta show', { unit: 'files', silent: json });
        const options = { cwd: context.io.cwd, fast: flags.fast ?? false };
        const run = await createLocalRunner().run(
          files,
          (file): Promise<FileMetadata | GroupedMetadata> =>
            json ? readMetadata(session, file.path, options) : readGroupedMetadata(session, file.path, options),
          {
            concurrency: flags.jobs * READ_BATCH * 2,
            signal: context.signal,
            onProgress: progress.listener,
            label: (file) => file.path,
          },
        );
        progress.done();
        const out: Record<string, unknown>[] = [];
        let first = true;
        for (const result of run.results) {
          if (result.outcome === 'failed') {
            const error = toVfxError(result.error, result.item.path);
            context.fail(error);
            if (json) out.push({ path: result.item.path, error: error.message });
            continue;
          }
          if (result.outcome !== 'ok' || result.value === undefined) continue;
          if (json) {
            const tags = (result.value as { tags: Record<string, unknown> }).tags;
            const object: Record<string, unknown> = { path: result.item.path };
            for (const [key, value] of Object.entries(tags)) if (only === undefined || only(key)) object[key] = value;
            out.push(object);
          } else {
            const tags = (result.value as { tags: GroupedTag[] }).tags.filter((t) => only === undefined || only(t.name, t.group));
            if (!first) context.out();
            first = false;
            context.out(context.paint('bold', `======== ${result.item.path}`, context.io.stdout));
            for (const line of groupedLines(context, tags)) context.out(line);
          }
        }
        if (json) context.json(out);
      });
    });
}
