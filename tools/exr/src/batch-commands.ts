/**
 * The verbs that run over sequences: `vfx exr compress` and `vfx exr check`. Frames are worked on in
 * parallel in worker threads (`createWorkerRunner`: decoding and encoding are CPU-bound), with a
 * progress bar, and a failed frame is reported and does not stop the others.
 */
import { lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import { ErrorCode, FrameSet, VfxError } from '@vfxkit/core';
import { createWorkerRunner, isSkipped, type JobContext, type RunSummary, type Skipped } from '@vfxkit/core/node';
import type { ExrCompression } from '@vfxkit/exr';
import { ProgressReporter, formatBytes, jobsOption, usageError, type CliContext } from '@vfxkit/tool-common';
import { planTargets } from '@vfxkit/tool-seq';
import type { CheckReport } from './check.js';
import { compressionOption, zipLevelOption } from './edit-commands.js';
import { resolveInput, type InputFile } from './files.js';
import { checkFrame, compressFrame, jobsModule, type CheckItem, type CompressItem, type CompressResult } from './jobs.js';

/**
 * Runs `work` over `items`: in this thread for one item (no worker start-up for a single file), in
 * `jobs` worker threads otherwise.
 */
async function runFrames<I, O>(
  context: CliContext,
  items: I[],
  work: (item: I, job: JobContext) => Promise<O | Skipped>,
  exportName: string,
  options: { jobs: number; label: (item: I) => string; progress: ProgressReporter; abortGraceMs?: number },
): Promise<RunSummary<I, O>> {
  if (items.length === 1) {
    const item = items[0]!;
    const start = performance.now();
    try {
      const value = await work(item, { signal: context.signal, index: 0 });
      const skippedValue = isSkipped(value);
      return {
        results: [
          {
            item,
            index: 0,
            label: options.label(item),
            outcome: skippedValue ? 'skipped' : 'ok',
            ...(skippedValue ? { reason: value.reason } : { value: value as O }),
            ms: performance.now() - start,
          },
        ],
        ok: skippedValue ? 0 : 1,
        failed: 0,
        skipped: skippedValue ? 1 : 0,
        cancelled: 0,
        elapsedMs: performance.now() - start,
      };
    } catch (error) {
      const vfx = error instanceof VfxError ? error.withFile(options.label(item)) : new VfxError(ErrorCode.IO, (error as Error).message, { file: options.label(item), cause: error });
      return {
        results: [{ item, index: 0, label: options.label(item), outcome: 'failed', error: vfx, ms: performance.now() - start }],
        ok: 0,
        failed: 1,
        skipped: 0,
        cancelled: 0,
        elapsedMs: performance.now() - start,
      };
    }
  }
  const runner = createWorkerRunner({ module: jobsModule, exportName, concurrency: options.jobs, abortGraceMs: options.abortGraceMs ?? 0 });
  return runner.run(items, work, {
    concurrency: Math.min(options.jobs, items.length),
    signal: context.signal,
    onProgress: options.progress.listener,
    label: options.label,
  });
}

// -----------------------------------------------------------------------------------------------
// compress

interface CompressFlags {
  compression?: ExrCompression;
  output?: string;
  inPlace?: boolean;
  force?: boolean;
  jobs: number;
  zipLevel?: number;
  verify?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Where each input file goes. */
async function compressTargets(context: CliContext, input: string, flags: CompressFlags): Promise<{ name: string; pairs: { file: InputFile; to: string }[] }> {
  const resolved = await resolveInput(context, input);
  if (flags.inPlace) {
    const files = resolved.kind === 'file' ? [resolved.file] : resolved.files;
    return { name: resolved.kind === 'file' ? input : resolved.name, pairs: files.map((file) => ({ file, to: file.path })) };
  }
  const output = flags.output!;
  if (resolved.kind === 'file') {
    const absolute = context.resolve(output);
    const info = await stat(absolute).catch(() => undefined);
    const to = info?.isDirectory() === true || output.endsWith('/') ? join(absolute, basename(resolved.file.path)) : absolute;
    return { name: input, pairs: [{ file: resolved.file, to }] };
  }
  const { pairs } = await planTargets(resolved.sequence, output, context.io.cwd, {});
  return { name: resolved.name, pairs: pairs.map((pair, i) => ({ file: resolved.files[i]!, to: pair.to })) };
}

function makeCompress(context: CliContext): Command {
  return new Command('compress')
    .description('recompress a file or a sequence (every part, level, channel and attribute kept), in parallel')
    .argument('<input>', "an EXR file, or a sequence: 'shot.#.exr', 'shot.1001-1100#.exr', a directory holding one")
    .addOption(compressionOption('the new compression: none, rle, zips, zip, piz, pxr24, b44, b44a, dwaa, dwab').makeOptionMandatory())
    .option('-o, --output <path>', 'where to write: a file, a directory, or a sequence pattern (out/shot_piz.#.exr)')
    .option('--in-place', 'replace each input file (atomically: readers see the old file or the new one, never a mix)')
    .option('-f, --force', 'replace existing output files')
    .addOption(zipLevelOption())
    .option('--verify', 'decode each result before writing it; lossless methods must give back every sample exactly')
    .option('-n, --dry-run', 'print the plan and write nothing')
    .option('--json', 'print JSON: { compression, ok, failed, skipped, bytesIn, bytesOut, frames: [{ from, to, outcome, bytesIn?, bytesOut?, error? }] }')
    .addOption(jobsOption())
    .addHelpText(
      'after',
      `
Lossy methods (b44, b44a, dwaa, dwab; pxr24 for float channels) change pixel values; recompressing
a lossy file loses a little more each time. Deep parts allow only none, rle and zips.
With --in-place, frames already in the asked compression are skipped.

Examples:
  $ vfx exr compress render.exr --compression piz -o render_piz.exr
  $ vfx exr compress 'renders/beauty.1001-1100#.exr' --compression dwaa -o delivery/ -j 8
  $ vfx exr compress 'plates/plate.#.exr' --compression zip --in-place --verify`,
    )
    .action(async (input: string, flags: CompressFlags) => {
      if (flags.inPlace && flags.output !== undefined) throw usageError('give either -o/--output or --in-place, not both');
      if (!flags.inPlace && flags.output === undefined) {
        throw usageError('say where to write: -o/--output PATH, or --in-place to replace the input files');
      }
      const compression = flags.compression!;
      const { name, pairs } = await compressTargets(context, input, flags);
      if (!flags.inPlace) {
        const sameAsInput = pairs.find((p) => p.to === p.file.path);
        if (sameAsInput) throw new VfxError('BAD_USAGE', 'the output is the input itself: use --in-place to replace it', { file: sameAsInput.file.shown });
      }
      if (flags.dryRun) {
        for (const pair of pairs) context.out(`compress ${pair.file.shown} -> ${flags.inPlace ? '(in place)' : context.resolve(pair.to)} (${compression})`);
        context.out(`(dry run: ${pairs.length} file${pairs.length === 1 ? '' : 's'}, nothing written)`);
        return;
      }
      if (!flags.inPlace && !flags.force) {
        const existing: string[] = [];
        for (const pair of pairs) if (await exists(pair.to)) existing.push(pair.to);
        if (existing.length > 0) {
          throw new VfxError(
            ErrorCode.WOULD_OVERWRITE,
            `${existing.length} output file${existing.length === 1 ? '' : 's'} exist (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', ...' : ''}); nothing was written: add --force to replace them`,
            { file: flags.output! },
          );
        }
      }
      if (!flags.inPlace) await mkdir(pairs[0]!.to.slice(0, pairs[0]!.to.lastIndexOf('/')) || '/', { recursive: true });

      const items: CompressItem[] = pairs.map((pair) => ({
        from: pair.file.path,
        to: pair.to,
        shown: pair.file.shown,
        compression,
        force: flags.force ?? false,
        inPlace: flags.inPlace ?? false,
        verify: flags.verify ?? false,
        ...(flags.zipLevel !== undefined ? { zipLevel: flags.zipLevel } : {}),
      }));
      const progress = new ProgressReporter(context, 'vfx exr compress', { unit: 'frames', silent: flags.json ?? false });
      const run = await runFrames<CompressItem, CompressResult>(context, items, compressFrame, 'compressFrame', {
        jobs: flags.jobs,
        label: (item) => item.shown,
        progress,
        // Ctrl-C: frames being encoded are finished and written (atomically); a second Ctrl-C quits.
        abortGraceMs: 120_000,
      });
      progress.done();
      let bytesIn = 0;
      let bytesOut = 0;
      for (const result of run.results) {
        if (result.outcome === 'failed' && result.error) context.fail(result.error);
        if (result.outcome === 'ok' && result.value) {
          bytesIn += result.value.bytesIn;
          bytesOut += result.value.bytesOut;
        }
      }
      if (flags.json) {
        context.json({
          compression,
          ok: run.ok,
          failed: run.failed,
          skipped: run.skipped,
          cancelled: run.cancelled,
          bytesIn,
          bytesOut,
          frames: run.results.map((r) => ({
            from: r.item.shown,
            to: flags.inPlace ? r.item.shown : r.item.to,
            outcome: r.outcome,
            ...(r.value ? { bytesIn: r.value.bytesIn, bytesOut: r.value.bytesOut } : {}),
            ...(r.reason !== undefined ? { reason: r.reason } : {}),
            ...(r.error ? { error: r.error.toJSON() } : {}),
          })),
        });
      } else {
        const ratio = bytesIn > 0 ? ` (${((100 * bytesOut) / bytesIn).toFixed(1)}% of the original)` : '';
        context.out(
          `${name}: ${run.ok} file${run.ok === 1 ? '' : 's'} recompressed to ${compression}, ${formatBytes(bytesIn)} -> ${formatBytes(bytesOut)}${ratio}` +
            (run.skipped > 0 ? `; ${run.skipped} already ${compression}` : '') +
            (run.failed > 0 ? `; ${run.failed} failed` : ''),
        );
        if (run.cancelled > 0) context.out(`${run.cancelled} file${run.cancelled === 1 ? '' : 's'} not done (interrupted)`);
      }
      if (run.cancelled > 0) throw new VfxError(ErrorCode.CANCELLED, 'interrupted');
    });
}

// -----------------------------------------------------------------------------------------------
// check

function problemLine(report: CheckReport): string {
  const first = report.problems[0];
  const counts: string[] = [];
  if (report.missingChunks > 0) counts.push(`${report.missingChunks} of ${report.chunks} chunks missing`);
  if (report.badChunks > report.missingChunks) counts.push(`${report.badChunks} chunks unreadable`);
  const where = first?.part !== undefined && report.parts > 1 && !first.message.startsWith('part ') ? `part ${first.part}: ` : '';
  return `${where}${first?.message ?? 'damaged'}${counts.length > 0 && !first?.message.includes('missing') ? ` (${counts.join(', ')})` : ''}`;
}

function makeCheck(context: CliContext): Command {
  return new Command('check')
    .description('validate files or sequences: magic, headers, offset tables, and every chunk read and decoded; finds truncated and corrupt frames')
    .argument('<inputs...>', "EXR files, sequences ('shot.#.exr', 'shot.1001-1100#.exr'), or directories (every .exr file in them)")
    .option('--json', 'print JSON: { ok, checked, bad, files: [{ file, frame?, ok, size, parts, chunks, missingChunks, badChunks, problems: [{ code, message, part?, chunk?, offset? }] }] }')
    .addOption(jobsOption())
    .addHelpText(
      'after',
      `
Exits 1 when any file is bad, so it can gate a publish.

Examples:
  $ vfx exr check 'renders/beauty.1001-1100#.exr' && publish renders/
  $ vfx exr check --json -j 16 renders/ > report.json
  $ vfx exr check comp_v003.1042.exr`,
    )
    .action(async (inputs: string[], flags: { json?: boolean; jobs: number }) => {
      const items: (CheckItem & { sequence: string })[] = [];
      for (const input of inputs) {
        try {
          // A directory: every EXR file in it (sequences and single files alike).
          const info = await stat(context.resolve(input)).catch(() => undefined);
          if (info?.isDirectory() === true) {
            const names = (await readdir(context.resolve(input), { withFileTypes: true }))
              .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && /\.(exr|sxr)$/i.test(entry.name))
              .map((entry) => entry.name)
              .sort();
            if (names.length === 0) throw new VfxError(ErrorCode.NOT_FOUND, 'the directory holds no .exr file', { file: input });
            for (const name of names) {
              const path = join(context.resolve(input), name);
              items.push({ path, shown: join(input, name), sequence: input });
            }
            continue;
          }
          const resolved = await resolveInput(context, input);
          if (resolved.kind === 'file') items.push({ ...resolved.file, sequence: input });
          else for (const file of resolved.files) items.push({ ...file, sequence: resolved.name });
        } catch (error) {
          context.fail(error, input);
        }
      }
      if (items.length === 0) return;
      const progress = new ProgressReporter(context, 'vfx exr check', { unit: 'files', silent: flags.json ?? false });
      const run = await runFrames<CheckItem, CheckReport>(context, items, checkFrame, 'checkFrame', {
        jobs: flags.jobs,
        label: (item) => item.shown,
        progress,
      });
      progress.done();
      const files: Record<string, unknown>[] = [];
      const badFrames = new Map<string, number[]>();
      let bad = 0;
      run.results.forEach((result, i) => {
        const item = items[i]!;
        if (result.outcome === 'cancelled') return;
        const frame = item.frame !== undefined ? { frame: item.frame } : {};
        if (result.outcome === 'failed' || result.value === undefined) {
          bad++;
          context.fail(result.error ?? new VfxError(ErrorCode.IO, 'not checked', { file: item.shown }));
          files.push({ file: item.shown, ...frame, ok: false, problems: result.error ? [{ code: result.error.code, message: result.error.message }] : [] });
          return;
        }
        const report = result.value;
        files.push({ file: item.shown, ...frame, ...report });
        if (report.ok) return;
        bad++;
        if (item.frame !== undefined) badFrames.set(item.sequence, [...(badFrames.get(item.sequence) ?? []), item.frame]);
        if (!flags.json) context.io.stderr.write(`${context.paint('red', 'vfx:')} ${item.shown}: ${problemLine(report)}\n`);
      });
      if (bad > 0) context.raise(1);
      if (flags.json) {
        context.json({ ok: bad === 0, checked: files.length, bad, files });
      } else {
        for (const [sequence, frames] of badFrames) context.out(`${sequence}: bad frames ${FrameSet.fromFrames(frames).toString()}`);
        const verdict = bad === 0 ? context.paint('green', 'all ok', context.io.stdout) : context.paint('red', `${bad} bad`, context.io.stdout);
        context.out(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${verdict}`);
      }
      if (run.cancelled > 0) throw new VfxError(ErrorCode.CANCELLED, 'interrupted');
    });
}

export function batchCommands(context: CliContext): Command[] {
  return [makeCompress(context), makeCheck(context)];
}
