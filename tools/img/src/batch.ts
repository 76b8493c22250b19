/**
 * Running a planned batch of image jobs: the dry-run plan, the overwrite check (before anything is
 * touched), the job runner (local for sharp work, worker threads when EXR is decoded or encoded),
 * the progress bar, per-file failures, the summary and the `--json` report.
 */
import { ErrorCode, VfxError } from '@vfxkit/core';
import { createLocalRunner, createWorkerRunner, isSkipped, type JobRunner } from '@vfxkit/core/node';
import { formatForFileName } from '@vfxkit/image';
import { ProgressReporter, formatBytes, type CliContext } from '@vfxkit/tool-common';
import { jobsModule, runImageJob, type ImageJob, type ImageJobResult } from './jobs.js';
import { existingOutputs, type PlannedFile } from './outputs.js';

export interface BatchOptions {
  verb: 'convert' | 'resize';
  jobs: number;
  force: boolean;
  dryRun: boolean;
  json: boolean;
  inPlace: boolean;
  /** One line describing what each job does, for the plan (`exr half zip`, `fit 2048x2048`). */
  describe: (plan: PlannedFile) => string;
}

/** EXR is decoded or encoded by TypeScript (CPU-bound): such batches run in worker threads. */
function needsWorkers(jobs: readonly ImageJob[]): boolean {
  return jobs.some((job) => job.format === 'exr' || formatForFileName(job.input)?.id === 'exr');
}

function chooseRunner(jobs: readonly ImageJob[], concurrency: number): JobRunner {
  if (concurrency > 1 && jobs.length > 1 && needsWorkers(jobs)) return createWorkerRunner({ module: jobsModule, exportName: 'runImageJob', concurrency });
  return createLocalRunner();
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function runBatch(context: CliContext, plans: readonly PlannedFile[], jobs: readonly ImageJob[], options: BatchOptions): Promise<void> {
  if (options.dryRun) {
    if (options.json) {
      context.json({
        operation: options.verb,
        dryRun: true,
        items: plans.map((p) => ({ from: p.input.shown, to: p.shownOutput, format: p.format, action: options.describe(p) })),
      });
      return;
    }
    for (const plan of plans) {
      context.out(`${options.verb} ${plan.input.shown} -> ${options.inPlace ? '(in place)' : plan.shownOutput}  ${options.describe(plan)}`);
    }
    context.out(`(dry run: ${plural(plans.length, 'file')}, nothing written)`);
    return;
  }
  if (!options.force && !options.inPlace) {
    const existing = await existingOutputs(plans);
    if (existing.length > 0) {
      throw new VfxError(
        ErrorCode.WOULD_OVERWRITE,
        `${plural(existing.length, 'output file')} exist${existing.length === 1 ? 's' : ''} (${existing
          .slice(0, 3)
          .map((p) => p.shownOutput)
          .join(', ')}${existing.length > 3 ? ', ...' : ''}); nothing was written: add --force to replace them`,
      );
    }
  }

  const progress = new ProgressReporter(context, `vfx img ${options.verb}`, { unit: 'files', silent: options.json });
  const runner = chooseRunner(jobs, options.jobs);
  const started = Date.now();
  const run = await runner.run<ImageJob, ImageJobResult>(jobs, runImageJob, {
    concurrency: options.jobs,
    signal: context.signal,
    onProgress: progress.listener,
    label: (job) => job.shown,
  });
  progress.done();
  for (const result of run.results) {
    if (result.outcome === 'failed' && result.error) context.fail(result.error);
  }
  const seconds = (Date.now() - started) / 1000;
  if (options.json) {
    context.json({
      operation: options.verb,
      dryRun: false,
      ok: run.ok,
      failed: run.failed,
      skipped: run.skipped,
      cancelled: run.cancelled,
      items: run.results.map((result) => {
        const plan = plans[result.index]!;
        const value = result.value !== undefined && !isSkipped(result.value) ? (result.value as ImageJobResult) : undefined;
        return {
          from: plan.input.shown,
          to: plan.shownOutput,
          outcome: result.outcome,
          ...(value !== undefined ? { width: value.width, height: value.height, bitDepth: value.bitDepth, route: value.route, size: value.bytes } : {}),
          ...(result.reason !== undefined ? { reason: result.reason } : {}),
          ...(result.error !== undefined ? { error: result.error.toJSON() } : {}),
        };
      }),
    });
  } else {
    const bytes = run.results.reduce((n, r) => n + (r.outcome === 'ok' && r.value !== undefined && !isSkipped(r.value) ? (r.value as ImageJobResult).bytes : 0), 0);
    const done = options.verb === 'convert' ? 'converted' : 'resized';
    const parts = [`${done} ${plural(run.ok, 'file')} (${formatBytes(bytes)}) in ${seconds.toFixed(1)} s`];
    if (run.skipped > 0) parts.push(`${run.skipped} skipped (already small enough)`);
    if (run.failed > 0) parts.push(`${run.failed} failed`);
    if (run.cancelled > 0) parts.push(`${run.cancelled} not started (interrupted)`);
    context.out(parts.join(', '));
  }
  if (run.cancelled > 0) throw new VfxError(ErrorCode.CANCELLED, 'interrupted');
}
