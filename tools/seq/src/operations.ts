/**
 * Executing `vfx seq copy|move|renumber|recover`: resolve the source, plan the targets, refuse to
 * overwrite, then hand the plan to the core (verified atomic copies through the job runner;
 * journaled moves).
 */
import { lstat, mkdir } from 'node:fs/promises';
import { ErrorCode, FrameSet, VfxError, type PadStyle } from '@vfxkit/core';
import { copyFileSafe, createLocalRunner, findJournals, moveFiles, recoverJournal, removeStaleTemps } from '@vfxkit/core/node';
import { ProgressReporter, type CliContext } from '@vfxkit/tool-common';
import { displayPath } from './listing.js';
import { planTargets, type FramePair } from './plan.js';
import { resolveSequence } from './resolve.js';

export interface OperationOptions {
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  verify?: boolean;
  jobs?: number;
  offset?: number;
  start?: number;
  pad?: number;
  basename?: string;
  padStyle?: PadStyle;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Refuses, before touching anything, a copy that would overwrite existing files. */
async function checkOverwrites(pairs: FramePair[], force: boolean): Promise<void> {
  if (force) return;
  const conflicts: string[] = [];
  for (const pair of pairs) {
    if (await exists(pair.to)) conflicts.push(pair.to);
  }
  if (conflicts.length > 0) {
    throw new VfxError(
      ErrorCode.WOULD_OVERWRITE,
      `${conflicts.length} destination file${conflicts.length === 1 ? '' : 's'} exist (${conflicts
        .slice(0, 3)
        .join(', ')}${conflicts.length > 3 ? ', ...' : ''}); nothing was changed: add --force to replace them`,
      { file: conflicts[0]! },
    );
  }
}

function printPlan(context: CliContext, verb: string, pairs: FramePair[], json: boolean): void {
  const cwd = context.io.cwd;
  if (json) {
    context.json({ operation: verb, dryRun: true, pairs: pairs.map((p) => ({ from: displayPath(p.from, cwd), to: displayPath(p.to, cwd) })) });
    return;
  }
  for (const pair of pairs) context.out(`${verb} ${displayPath(pair.from, cwd)} -> ${displayPath(pair.to, cwd)}`);
  context.out(`(dry run: ${pairs.length} file${pairs.length === 1 ? '' : 's'}, nothing changed)`);
}

function summary(context: CliContext, verb: string, pairs: FramePair[], from: string, to: string): string {
  const frames = FrameSet.fromFrames(pairs.map((p) => p.newFrame)).toString();
  return `${verb} ${pairs.length} frame${pairs.length === 1 ? '' : 's'}: ${from} -> ${to} (${frames})`;
}

export async function copySequence(context: CliContext, source: string, destination: string, options: OperationOptions): Promise<void> {
  const cwd = context.io.cwd;
  const resolved = await resolveSequence(source, cwd, options.padStyle);
  const { target, targetDir, pairs } = await planTargets(resolved, destination, cwd, options);
  if (pairs.some((p) => p.from === p.to)) {
    throw new VfxError(ErrorCode.BAD_USAGE, 'the destination is the source itself', { file: destination });
  }
  if (options.dryRun) return printPlan(context, 'copy', pairs, options.json ?? false);
  await checkOverwrites(pairs, options.force ?? false);
  await mkdir(targetDir, { recursive: true });

  const progress = new ProgressReporter(context, 'vfx seq copy', { unit: 'frames', silent: options.json ?? false });
  const run = await createLocalRunner().run(
    pairs,
    async (pair, { signal }) =>
      copyFileSafe(pair.from, pair.to, {
        force: options.force ?? false,
        verify: options.verify ? 'hash' : 'size',
        preserve: true,
        signal,
      }),
    {
      concurrency: options.jobs ?? 4,
      signal: context.signal,
      onProgress: progress.listener,
      label: (pair) => displayPath(pair.from, cwd),
      total: pairs.length,
    },
  );
  progress.done();
  for (const result of run.results) {
    if (result.outcome === 'failed' && result.error) context.fail(result.error);
  }
  const targetName = displayPath(targetDir, cwd) + '/' + target.withDir('').toString();
  if (options.json) {
    context.json({
      operation: 'copy',
      dryRun: false,
      ok: run.ok,
      failed: run.failed,
      cancelled: run.cancelled,
      pairs: pairs.map((p) => ({ from: displayPath(p.from, cwd), to: displayPath(p.to, cwd) })),
    });
  } else {
    const copied = pairs.filter((_, i) => run.results[i]?.outcome === 'ok');
    context.out(summary(context, 'copied', copied, resolved.sequence.toString(), targetName));
    if (run.failed > 0) context.out(`${run.failed} frame${run.failed === 1 ? '' : 's'} failed`);
    if (run.cancelled > 0) context.out(`${run.cancelled} frame${run.cancelled === 1 ? '' : 's'} not copied (interrupted)`);
  }
  if (run.cancelled > 0) throw new VfxError(ErrorCode.CANCELLED, 'interrupted');
}

export async function moveSequence(
  context: CliContext,
  source: string,
  destination: string | undefined,
  options: OperationOptions,
): Promise<void> {
  const cwd = context.io.cwd;
  const resolved = await resolveSequence(source, cwd, options.padStyle);
  const { target, targetDir, pairs } = await planTargets(resolved, destination, cwd, options);
  const moving = pairs.filter((p) => p.from !== p.to);
  const verb = destination === undefined ? 'renumber' : 'move';
  if (moving.length === 0) {
    context.out('nothing to do: every frame is already where it would go');
    return;
  }
  if (options.dryRun) return printPlan(context, verb, moving, options.json ?? false);
  // moveFiles checks everything (sources, overwrites, locks) before it touches a file.
  const progress = new ProgressReporter(context, `vfx seq ${verb}`, { unit: 'frames', silent: options.json ?? false });
  const result = await moveFiles(
    moving.map((p) => ({ from: p.from, to: p.to })),
    { force: options.force ?? false, signal: context.signal, onProgress: progress.listener },
  );
  progress.done();
  const targetName = displayPath(targetDir, cwd) + '/' + target.withDir('').toString();
  if (options.json) {
    context.json({
      operation: verb,
      dryRun: false,
      ok: result.files,
      failed: 0,
      replaced: result.replaced,
      pairs: moving.map((p) => ({ from: displayPath(p.from, cwd), to: displayPath(p.to, cwd) })),
    });
  } else {
    context.out(summary(context, verb === 'move' ? 'moved' : 'renumbered', moving, resolved.sequence.toString(), targetName));
  }
}

export async function recoverPath(
  context: CliContext,
  path: string,
  mode: 'auto' | 'forward' | 'back',
  options: { json: boolean; takeOver: boolean },
): Promise<void> {
  const cwd = context.io.cwd;
  const journals = await findJournals(context.resolve(path));
  const reports: Record<string, unknown>[] = [];
  if (journals.length === 0 && !options.json) context.out(`no interrupted move or renumber in ${path}`);
  for (const journal of journals) {
    const shown = displayPath(journal, cwd);
    try {
      const result = await recoverJournal(journal, { mode, takeOver: options.takeOver });
      reports.push({ ...result, journal: shown });
      if (!options.json) {
        const done = result.direction === 'back' ? 'rolled back' : 'completed';
        context.out(`${shown}: ${done} the interrupted ${result.operation} of ${result.files} file${result.files === 1 ? '' : 's'}`);
      }
      for (const problem of result.problems) context.warn(`${shown}: ${problem}`);
    } catch (error) {
      context.fail(error, shown);
    }
  }
  // Half-written copies of an interrupted `vfx seq copy` (hidden `.vfx-tmp-` files) go too.
  const directory = context.resolve(path);
  const info = await lstat(directory).catch(() => undefined);
  const removed = info?.isDirectory() ? await removeStaleTemps(directory) : [];
  if (!options.json && removed.length > 0) {
    context.out(`removed ${removed.length} partial cop${removed.length === 1 ? 'y' : 'ies'} left by an interrupted copy`);
  }
  if (options.json) context.json(reports);
}
