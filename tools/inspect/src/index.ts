/**
 * `vfx inspect PATH...`: the universal inspector. A directory: its sequences and single files
 * grouped by type, with counts, frame ranges, missing frames, sizes and a one-phrase summary of each
 * (read from the first frame's header). A file or a sequence: a one-screen summary from the format's
 * own inspector.
 */
import { stat } from 'node:fs/promises';
import { Command } from 'commander';
import { FrameSet, fileTypeForName, type FileType } from '@vfxkit/core';
import { createLocalRunner } from '@vfxkit/core/node';
import { formatBytes, parseNonNegativeInteger, type CliContext } from '@vfxkit/tool-common';
import { fileTypeOrder, fileTypeTitle, scanItems, scannedItemJson, type ScannedItem } from '@vfxkit/tool-scan';
import { displayPath, findProblems, itemJson, resolveSequence } from '@vfxkit/tool-seq';
import { inspectFile, type FileSummary } from './inspectors.js';

export { inspectFile, inspectors, registerInspector, type FileSummary, type Inspector } from './inspectors.js';

interface InspectFlags {
  json?: boolean;
  recursive: boolean;
  read: boolean;
  jobs: number;
}

/** The file whose header stands for the item: the file itself, or a sequence's first frame. */
function firstPath(context: CliContext, item: ScannedItem): string {
  return context.resolve(item.kind === 'file' ? item.path : item.dir + item.names[0]!);
}

async function summarise(
  context: CliContext,
  items: ScannedItem[],
  flags: InspectFlags,
): Promise<Map<ScannedItem, FileSummary | undefined>> {
  const summaries = new Map<ScannedItem, FileSummary | undefined>();
  if (!flags.read) return summaries;
  const run = await createLocalRunner().run(items, async (item) => inspectFile(firstPath(context, item), item.kind === 'file' ? item.name : item.names[0]!), {
    concurrency: flags.jobs,
    signal: context.signal,
    label: (item) => (item.kind === 'file' ? item.path : item.dir + item.names[0]!),
  });
  run.results.forEach((result, i) => {
    const item = items[i]!;
    if (result.outcome === 'ok') summaries.set(item, result.value as FileSummary);
    else if (result.outcome === 'failed' && result.error) context.fail(result.error);
  });
  return summaries;
}

async function inspectDirectory(context: CliContext, path: string, flags: InspectFlags, json: Record<string, unknown>[]): Promise<void> {
  const items: ScannedItem[] = [];
  for await (const item of scanItems([path], { recursive: flags.recursive, signal: context.signal, cwd: context.io.cwd }, (error) =>
    context.fail(error),
  )) {
    items.push(item);
  }
  const summaries = await summarise(context, items, flags);
  if (flags.json) {
    for (const item of items) {
      const summary = summaries.get(item);
      json.push({ ...scannedItemJson(item), ...(summary ? { summary: summary.fields } : {}) });
    }
    return;
  }
  const files = items.reduce((n, item) => n + (item.kind === 'file' ? 1 : item.frames.length), 0);
  const bytes = items.reduce((n, item) => n + (item.kind === 'file' ? item.size : item.bytes), 0);
  const sequences = items.filter((i) => i.kind === 'sequence').length;
  context.out(
    context.paint('bold', `${path}`, context.io.stdout) +
      `  ${files} file${files === 1 ? '' : 's'}: ${sequences} sequence${sequences === 1 ? '' : 's'}, ${items.length - sequences} single file${items.length - sequences === 1 ? '' : 's'}, ${formatBytes(bytes)}`,
  );
  const byType = new Map<FileType, ScannedItem[]>();
  for (const item of items) byType.set(item.type, [...(byType.get(item.type) ?? []), item]);
  for (const type of fileTypeOrder) {
    const group = byType.get(type);
    if (!group) continue;
    const seqs = group.filter((i) => i.kind === 'sequence');
    const frames = seqs.reduce((n, i) => n + (i.kind === 'sequence' ? i.frames.length : 0), 0);
    const size = group.reduce((n, i) => n + (i.kind === 'file' ? i.size : i.bytes), 0);
    context.out('');
    const singles = group.length - seqs.length;
    const counts = [
      seqs.length > 0 ? `${seqs.length} sequence${seqs.length === 1 ? '' : 's'} of ${frames} frames` : '',
      singles > 0 ? `${singles} file${singles === 1 ? '' : 's'}` : '',
      formatBytes(size),
    ].filter(Boolean);
    context.out(`${context.paint('cyan', fileTypeTitle[type], context.io.stdout)} (${counts.join(', ')})`);
    const names = group.map((i) => (i.kind === 'sequence' ? i.sequence.toString() : i.path));
    const width = Math.min(60, Math.max(...names.map((n) => n.length)));
    group.forEach((item, index) => {
      const brief = summaries.get(item)?.brief ?? '';
      if (item.kind === 'file') {
        context.out(`  ${names[index]!.padEnd(width)}  ${formatBytes(item.size).padStart(9)}${brief ? `  ${brief}` : ''}`);
        return;
      }
      const range = item.sequence.frameSet?.toString() ?? '';
      const missing = item.missing.length > 0 ? context.paint('yellow', `  missing ${FrameSet.fromFrames(item.missing).toString()}`, context.io.stdout) : '';
      context.out(
        `  ${names[index]!.padEnd(width)}  ${formatBytes(item.bytes).padStart(9)}  ${String(item.frames.length).padStart(5)} frames  ${range}${missing}${brief ? `  ${brief}` : ''}`,
      );
    });
  }
}

function printRows(context: CliContext, rows: [string, string][]): void {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  for (const [label, value] of rows) context.out(`  ${label.padEnd(width)}  ${value}`);
}

async function inspectFileOrSequence(context: CliContext, path: string, flags: InspectFlags, json: Record<string, unknown>[]): Promise<void> {
  const absolute = context.resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (info?.isFile()) {
    const name = absolute.slice(absolute.lastIndexOf('/') + 1);
    const summary = await inspectFile(absolute, name);
    if (flags.json) {
      json.push({ path, kind: 'file', type: fileTypeForName(name), size: info.size, format: summary.format, summary: summary.fields });
      return;
    }
    context.out(context.paint('bold', path, context.io.stdout));
    printRows(context, [['size', `${formatBytes(info.size)} (${info.size} bytes)`], ['modified', info.mtime.toISOString()], ...summary.rows]);
    return;
  }
  // Not a file or directory on disk: a sequence pattern.
  const resolved = await resolveSequence(path, context.io.cwd);
  const sizes = await Promise.all(resolved.paths.map(async (p) => (await stat(p)).size));
  const listed = {
    kind: 'sequence' as const,
    dir: resolved.sequence.dir,
    sequence: resolved.sequence,
    frames: resolved.frames,
    sizes,
    names: resolved.paths.map((p) => p.slice(p.lastIndexOf('/') + 1)),
    missing: resolved.sequence.frameSet?.missing().frames().slice() ?? [],
    bytes: sizes.reduce((a, b) => a + b, 0),
  };
  const problems = findProblems(listed);
  const summary = await inspectFile(resolved.paths[0]!, listed.names[0]!);
  if (flags.json) {
    json.push({ ...itemJson(listed), type: fileTypeForName(listed.names[0]!), zeroByte: problems.zeroByte, suspectSize: problems.suspectSize, summary: summary.fields });
    return;
  }
  context.out(context.paint('bold', resolved.sequence.toString(), context.io.stdout));
  const rows: [string, string][] = [
    ['frames', `${listed.frames.length} (${resolved.sequence.frameSet?.toString() ?? ''})`],
    ['size', `${formatBytes(listed.bytes)} (${formatBytes(Math.round(listed.bytes / listed.frames.length))} per frame)`],
  ];
  if (listed.missing.length > 0) rows.push(['missing', FrameSet.fromFrames(listed.missing).toString()]);
  if (problems.zeroByte.length > 0) rows.push(['zero bytes', FrameSet.fromFrames(problems.zeroByte).toString()]);
  if (problems.suspectSize.length > 0) rows.push(['odd size', FrameSet.fromFrames(problems.suspectSize).toString()]);
  rows.push(['first frame', displayPath(resolved.paths[0]!, context.io.cwd)]);
  printRows(context, [...rows, ...summary.rows]);
}

export function makeInspectCommand(context: CliContext): Command {
  return new Command('inspect')
    .description('summarise directories (sequences and files by type), files and sequences')
    .argument('<paths...>', 'directories, files, or sequence patterns (plate.1001-1100#.exr, plate.%04d.exr)')
    .option('--json', 'print one JSON array of items: path, kind (sequence|file), type, size, sequence fields, and summary')
    .option('--no-recursive', 'only the top level of directories')
    .option('--no-read', 'do not open files (names and sizes only: fastest on huge trees)')
    .option('-j, --jobs <n>', 'headers read at once', parseNonNegativeInteger, 8)
    .addHelpText(
      'after',
      `
Examples:
  $ vfx inspect fixtures
  $ vfx inspect renders/beauty.1001-1005#.png
  $ vfx inspect plates/shot010_plate.1001.jpg
  $ vfx inspect --json /jobs/show/shots | jq '.[] | select(.type == "exr")'`,
    )
    .action(async (paths: string[], flags: InspectFlags) => {
      const json: Record<string, unknown>[] = [];
      let first = true;
      for (const path of paths) {
        if (context.signal.aborted) break;
        if (!flags.json && !first) context.out('');
        first = false;
        try {
          const info = await stat(context.resolve(path)).catch(() => undefined);
          if (info?.isDirectory()) await inspectDirectory(context, path, flags, json);
          else await inspectFileOrSequence(context, path, flags, json);
        } catch (error) {
          context.fail(error, path);
        }
      }
      if (flags.json) context.json(json);
    });
}
