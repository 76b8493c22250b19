/**
 * `vfx scan`: what a tree holds, by type, with sizes; and `scanItems`, the stream of typed items
 * (sequences and files) that batch commands run their operations over.
 */
import { Command } from 'commander';
import { fileTypeForName, type FileType, type PadStyle } from '@vfxkit/core';
import { collect, formatBytes, parseExtensions, type CliContext } from '@vfxkit/tool-common';
import { itemJson, listPaths, type ListedItem } from '@vfxkit/tool-seq';

export const fileTypeOrder: readonly FileType[] = ['image', 'exr', 'particles', 'volume', 'cache', 'other'];

export const fileTypeTitle: Record<FileType, string> = {
  image: 'images',
  exr: 'EXR',
  particles: 'particles',
  volume: 'volumes',
  cache: 'caches',
  other: 'other',
};

export type ScannedItem = ListedItem & { type: FileType };

export interface ScanItemsOptions {
  recursive?: boolean;
  extensions?: string[];
  include?: string[];
  exclude?: string[];
  hidden?: boolean;
  followSymlinks?: boolean;
  padStyle?: PadStyle;
  signal?: AbortSignal;
  cwd: string;
}

/** Streams the sequences and files under `paths`, each with its file type. */
export async function* scanItems(paths: string[], options: ScanItemsOptions, onError: (error: unknown) => void): AsyncGenerator<ScannedItem> {
  for await (const { items } of listPaths(
    paths,
    {
      recursive: options.recursive ?? false,
      ...(options.extensions ? { extensions: options.extensions } : {}),
      ...(options.include ? { include: options.include } : {}),
      ...(options.exclude ? { exclude: options.exclude } : {}),
      ...(options.followSymlinks ? { followSymlinks: true } : {}),
      includeHidden: options.hidden ?? false,
      ...(options.padStyle ? { padStyle: options.padStyle } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      cwd: options.cwd,
    },
    onError,
  )) {
    for (const item of items) {
      const name = item.kind === 'file' ? item.name : item.sequence.frameName(item.frames[0]!);
      yield Object.assign(item, { type: fileTypeForName(name) });
    }
  }
}

/** The JSON of a scanned item: the `vfx seq ls --json` item plus `type`. */
export function scannedItemJson(item: ScannedItem): Record<string, unknown> {
  return { ...itemJson(item), type: item.type };
}

interface TypeTotals {
  sequences: number;
  files: number;
  frames: number;
  bytes: number;
}

interface ScanFlags {
  recursive?: boolean;
  ext?: string[];
  include?: string[];
  exclude?: string[];
  hidden?: boolean;
  followSymlinks?: boolean;
  json?: boolean;
  list?: boolean;
}

export function makeScanCommand(context: CliContext): Command {
  return new Command('scan')
    .description('what a tree holds, by type (images, EXR, particles, volumes, caches, other), with counts and sizes')
    .argument('[paths...]', 'directories or files (default: the working directory)')
    .option('-r, --recursive', 'descend into subdirectories')
    .option('--ext <list>', 'only these extensions, e.g. .jpg,.exr (repeatable)', parseExtensions)
    .option('--include <glob>', 'only paths matching this glob, relative to the scanned directory (repeatable)', collect)
    .option('--exclude <glob>', 'skip paths matching this glob (repeatable)', collect)
    .option('--hidden', 'include names starting with a dot')
    .option('-L, --follow-symlinks', 'follow symbolic links to directories (cycles are detected)')
    .option('-l, --list', 'list every sequence and file under its type')
    .option('--json', 'print one JSON array of items: path, kind (sequence|file), type, size, and the sequence fields of `vfx seq ls --json`')
    .addHelpText(
      'after',
      `
Examples:
  $ vfx scan -r /jobs/show/shots
  $ vfx scan -r --ext .exr,.jpg --exclude '**/tmp/**' renders/
  $ vfx scan -r --json plates/ | jq 'map(select(.type == "exr")) | length'`,
    )
    .action(async (paths: string[], flags: ScanFlags) => {
      const totals = new Map<FileType, TypeTotals>();
      const listed = new Map<FileType, ScannedItem[]>();
      const json: Record<string, unknown>[] = [];
      for await (const item of scanItems(
        paths.length > 0 ? paths : ['.'],
        {
          recursive: flags.recursive ?? false,
          ...(flags.ext ? { extensions: flags.ext } : {}),
          ...(flags.include ? { include: flags.include } : {}),
          ...(flags.exclude ? { exclude: flags.exclude } : {}),
          hidden: flags.hidden ?? false,
          followSymlinks: flags.followSymlinks ?? false,
          signal: context.signal,
          cwd: context.io.cwd,
        },
        (error) => context.fail(error),
      )) {
        if (flags.json) {
          json.push(scannedItemJson(item));
          continue;
        }
        const total = totals.get(item.type) ?? { sequences: 0, files: 0, frames: 0, bytes: 0 };
        if (item.kind === 'sequence') {
          total.sequences++;
          total.frames += item.frames.length;
          total.bytes += item.bytes;
        } else {
          total.files++;
          total.bytes += item.size;
        }
        totals.set(item.type, total);
        if (flags.list) listed.set(item.type, [...(listed.get(item.type) ?? []), item]);
      }
      if (flags.json) {
        context.json(json);
        return;
      }
      const rows = fileTypeOrder.filter((type) => totals.has(type));
      if (rows.length === 0) {
        context.out('no files found');
        return;
      }
      context.out(`${'type'.padEnd(10)} ${'sequences'.padStart(9)} ${'frames'.padStart(8)} ${'files'.padStart(7)} ${'size'.padStart(10)}`);
      const sum: TypeTotals = { sequences: 0, files: 0, frames: 0, bytes: 0 };
      for (const type of rows) {
        const t = totals.get(type)!;
        sum.sequences += t.sequences;
        sum.files += t.files;
        sum.frames += t.frames;
        sum.bytes += t.bytes;
        context.out(
          `${fileTypeTitle[type].padEnd(10)} ${String(t.sequences).padStart(9)} ${String(t.frames).padStart(8)} ${String(t.files).padStart(7)} ${formatBytes(t.bytes).padStart(10)}`,
        );
        if (flags.list) {
          for (const item of listed.get(type) ?? []) {
            context.out(
              item.kind === 'sequence'
                ? `  ${item.sequence.toString()}  ${item.frames.length} frames  ${formatBytes(item.bytes)}`
                : `  ${item.path}  ${formatBytes(item.size)}`,
            );
          }
        }
      }
      context.out(
        `${'total'.padEnd(10)} ${String(sum.sequences).padStart(9)} ${String(sum.frames).padStart(8)} ${String(sum.files).padStart(7)} ${formatBytes(sum.bytes).padStart(10)}`,
      );
    });
}
