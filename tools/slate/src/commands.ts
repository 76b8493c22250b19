/**
 * What `vfx slate` and `vfx burnin` do once their options are parsed: resolve the sequence, read
 * the template and the frames' fields, then render the slate, or plan and run the burn-in over the
 * job runner with a progress bar.
 */
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ErrorCode, FrameSet, VfxError, isVfxError, parseSequence, type PadStyle } from '@vfxkit/core';
import { createLocalRunner, createWorkerRunner, writeFileAtomic, type JobRunner } from '@vfxkit/core/node';
import { formatForFileName, readImageInfo, type ImageFormat } from '@vfxkit/image';
import {
  BURNIN_POSITIONS,
  DEFAULT_BURNIN,
  checkPlaceholders,
  checkRequired,
  isPerFrameField,
  parseSetArgument,
  placeholders,
  type BurninPosition,
  type BurninTemplate,
  type SlateTemplate,
  type ThumbFrame,
} from '@vfxkit/slate';
import {
  BUILTIN_TEMPLATES,
  burninFormat,
  burninJobModule,
  encodeSlate,
  loadBuiltinTemplate,
  probeSequence,
  readTemplateFile,
  renderSlate,
  runBurninJob,
  slateFrameNumber,
  type BuiltinTemplate,
  type BurninJob,
  type BurninResult,
  type SequenceProbe,
  type SequenceSource,
} from '@vfxkit/slate/node';
import { ProgressReporter, formatBytes, usageError, type CliContext } from '@vfxkit/tool-common';
import { displayPath, resolveSequence, type ResolvedSequence } from '@vfxkit/tool-seq';

interface SharedFlags {
  template?: string;
  set?: string[];
  fps?: number;
  startTimecode?: string;
  quality: number;
  force?: boolean;
  json?: boolean;
  padStyle: PadStyle;
}

export interface SlateFlags extends SharedFlags {
  output?: string;
  thumbFrame?: string[];
  size?: { width: number; height: number };
}

export interface BurninFlags extends SharedFlags {
  output: string;
  topLeft?: string;
  topCenter?: string;
  topRight?: string;
  bottomLeft?: string;
  bottomCenter?: string;
  bottomRight?: string;
  textSize?: number;
  letterbox?: number;
  letterboxOpacity?: number;
  compression?: string;
  dryRun?: boolean;
  jobs: number;
}

async function loadTemplate(context: CliContext, name: string | undefined): Promise<SlateTemplate> {
  if (name === undefined) return loadBuiltinTemplate('classic');
  if ((BUILTIN_TEMPLATES as readonly string[]).includes(name)) return loadBuiltinTemplate(name as BuiltinTemplate);
  return readTemplateFile(context.resolve(name), name);
}

function setFields(context: CliContext, set: string[] | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const argument of set ?? []) {
    const [key, value] = parseSetArgument(argument);
    // A logo is a path the user typed: resolve it against the working directory.
    fields[key] = key === 'logo' && value !== '' ? context.resolve(value) : value;
  }
  return fields;
}

/** The sequence's name without the separator before the frame number: `shot010_plate`. */
function sequenceName(resolved: ResolvedSequence): string {
  return resolved.sequence.basename.replace(/[._\-\s]+$/, '') || resolved.sequence.basename;
}

function sourceOf(resolved: ResolvedSequence, cwd: string): SequenceSource {
  return {
    paths: resolved.paths,
    frames: resolved.frames,
    name: sequenceName(resolved),
    pattern: resolved.sequence.toString(),
    shownFirst: displayPath(resolved.paths[0]!, cwd),
  };
}

async function probe(context: CliContext, resolved: ResolvedSequence, flags: SharedFlags): Promise<SequenceProbe> {
  return probeSequence(sourceOf(resolved, context.io.cwd), {
    ...(flags.fps !== undefined ? { fps: flags.fps } : {}),
    ...(flags.startTimecode !== undefined ? { startTimecode: flags.startTimecode } : {}),
  });
}

/** The software tag our slates carry: a sequence whose first frame has it starts with its slate. */
const SLATE_SOFTWARE = 'vfxkit slate';

/**
 * The sequence without its slate: when the first frame is a slate vfxkit wrote (run again, or
 * burning in a slated sequence), it is not a frame of the shot.
 */
async function withoutSlate(resolved: ResolvedSequence): Promise<{ resolved: ResolvedSequence; slate?: string }> {
  const info = await readImageInfo(resolved.paths[0]!).catch(() => undefined);
  if (info?.metadata.tags.Software !== SLATE_SOFTWARE) return { resolved };
  if (resolved.frames.length < 2) throw usageError(`${resolved.sequence.toString()} holds only a slate`);
  const frames = resolved.frames.slice(1);
  return {
    resolved: { ...resolved, frames, paths: resolved.paths.slice(1), sequence: resolved.sequence.withFrameSet(FrameSet.fromFrames(frames)) },
    slate: resolved.paths[0]!,
  };
}

/** Template and field errors are the user's to fix on the command line: exit 2, message kept. */
async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isVfxError(error) && ['SLATE_MISSING_FIELD', 'SLATE_BAD_FIELD', 'SLATE_TEMPLATE', 'SLATE_BAD_ARGUMENT'].includes(error.code)) {
      throw new VfxError(ErrorCode.BAD_USAGE, error.message, { ...(error.file !== undefined ? { file: error.file } : {}), cause: error });
    }
    throw error;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

// ---- vfx slate ---------------------------------------------------------------------------------

function thumbChoices(values: string[] | undefined): ThumbFrame[] | undefined {
  if (values === undefined) return undefined;
  return values.map((v) => (v === 'first' || v === 'middle' || v === 'last' ? v : Number.parseInt(v, 10)));
}

export async function runSlate(context: CliContext, seq: string, flags: SlateFlags): Promise<void> {
  return asUsage(() => slate(context, seq, flags));
}

async function slate(context: CliContext, seq: string, flags: SlateFlags): Promise<void> {
  const template = await loadTemplate(context, flags.template);
  const set = setFields(context, flags.set);
  const { resolved } = await withoutSlate(await resolveSequence(seq, context.io.cwd, flags.padStyle));
  const frame = slateFrameNumber(resolved.frames);
  const defaultName = resolved.sequence.frameName(frame);
  let output: string;
  if (flags.output === undefined) output = join(resolved.dir, defaultName);
  else {
    const target = context.resolve(flags.output);
    output = flags.output.endsWith('/') || (await isDirectory(target)) ? join(target, defaultName) : target;
  }
  const format = formatForFileName(output);
  if (format === undefined || format.bitDepths.length === 0) throw usageError(`cannot write a slate to '${flags.output ?? output}': the extension is not an image format written here`);
  if (resolved.paths.includes(output)) throw usageError(`the slate would replace the frame ${displayPath(output, context.io.cwd)}: choose another output with -o`);
  const shown = displayPath(output, context.io.cwd);
  if (!flags.force && (await stat(output).catch(() => undefined)) !== undefined) {
    throw new VfxError(ErrorCode.WOULD_OVERWRITE, 'the slate exists already; nothing was written: add --force to replace it', { file: shown });
  }
  const thumbFrames = thumbChoices(flags.thumbFrame);
  const rendered = await renderSlate({
    template,
    source: sourceOf(resolved, context.io.cwd),
    probe: await probe(context, resolved, flags),
    set,
    format: format.id,
    ...(thumbFrames !== undefined ? { thumbFrames } : {}),
    ...(flags.size !== undefined ? { width: flags.size.width, height: flags.size.height } : {}),
  });
  const bytes = await encodeSlate(rendered, { quality: flags.quality });
  await mkdir(dirname(output), { recursive: true });
  await writeFileAtomic(output, bytes, { force: flags.force === true });
  const depth = rendered.image.channels[0]!.type;
  if (flags.json) {
    context.json({
      slate: shown,
      frame,
      sequence: resolved.sequence.toString(),
      template: template.name,
      format: rendered.format,
      width: rendered.image.width,
      height: rendered.image.height,
      channels: rendered.image.channels.map((c) => c.name),
      sampleType: depth,
      colorSpace: rendered.image.colorSpace ?? null,
      thumbnails: rendered.thumbnails,
      size: bytes.length,
      fields: rendered.fields,
    });
    return;
  }
  context.out(
    `wrote ${shown}: slate frame ${frame} of ${resolved.sequence.toString()}, ${rendered.image.width}x${rendered.image.height} ${rendered.format} ${depth}, template ${template.name}` +
      (rendered.thumbnails.length > 0 ? `, thumbnail${rendered.thumbnails.length > 1 ? 's' : ''} of frame ${rendered.thumbnails.join(', ')}` : ''),
  );
}

// ---- vfx burnin --------------------------------------------------------------------------------

const positionFlags: Record<BurninPosition, keyof BurninFlags> = {
  'top-left': 'topLeft',
  'top-center': 'topCenter',
  'top-right': 'topRight',
  'bottom-left': 'bottomLeft',
  'bottom-center': 'bottomCenter',
  'bottom-right': 'bottomRight',
};

/** The template's burn-in with the command line's texts and options over it. */
function burninTemplate(template: SlateTemplate, flags: BurninFlags): BurninTemplate {
  const given = BURNIN_POSITIONS.filter((p) => flags[positionFlags[p]] !== undefined);
  const text: Partial<Record<BurninPosition, string>> = given.length > 0 ? {} : { ...template.burnin.text };
  for (const position of given) text[position] = flags[positionFlags[position]] as string;
  const letterbox = flags.letterbox ?? template.burnin.letterbox;
  return {
    ...template.burnin,
    text,
    style: { ...template.burnin.style, ...(flags.textSize !== undefined ? { size: flags.textSize } : {}) },
    ...(letterbox !== undefined ? { letterbox } : {}),
    letterboxOpacity: flags.letterboxOpacity ?? template.burnin.letterboxOpacity,
  };
}

/** Where each frame goes: a pattern (`out/plate.#.jpg`) or a directory (same names). */
async function planOutputs(context: CliContext, resolved: ResolvedSequence, output: string, padStyle: PadStyle): Promise<string[]> {
  const target = context.resolve(output);
  const looksLikePattern = /#|@|%0?\d*d|\$F\d?/.test(basename(output));
  if (looksLikePattern) {
    let pattern;
    try {
      pattern = parseSequence(basename(target), { padStyle });
    } catch (error) {
      throw error instanceof VfxError ? error.withFile(output) : error;
    }
    return resolved.frames.map((frame) => join(dirname(target), pattern.frameName(frame)));
  }
  if (formatForFileName(output) !== undefined && !output.endsWith('/') && !(await isDirectory(target))) {
    throw usageError(`-o ${output} is one file, but a burn-in writes every frame: give a pattern ('${output.replace(/(\.[^./]+)$/, '.#$1')}') or a directory`);
  }
  return resolved.paths.map((path) => join(target, basename(path)));
}

function chooseRunner(jobs: readonly BurninJob[], concurrency: number): JobRunner {
  const exr = jobs.some((job) => formatForFileName(job.input)?.id === 'exr' || formatForFileName(job.output)?.id === 'exr');
  if (exr && concurrency > 1 && jobs.length > 1) return createWorkerRunner({ module: burninJobModule, exportName: 'runBurninJob', concurrency });
  return createLocalRunner();
}

export async function runBurnin(context: CliContext, seq: string, flags: BurninFlags): Promise<void> {
  return asUsage(() => burnin(context, seq, flags));
}

async function burnin(context: CliContext, seq: string, flags: BurninFlags): Promise<void> {
  // Without --template: the plain burn-in (name, date, frame, timecode), which needs no fields.
  const template = flags.template !== undefined ? await loadTemplate(context, flags.template) : { ...(await loadBuiltinTemplate('classic')), burnin: DEFAULT_BURNIN };
  const set = setFields(context, flags.set);
  const burnin = burninTemplate(template, flags);
  const used = [...new Set(Object.values(burnin.text).flatMap((t) => (t === undefined ? [] : placeholders(t))))];
  const { resolved, slate } = await withoutSlate(await resolveSequence(seq, context.io.cwd, flags.padStyle));
  if (slate !== undefined && !flags.json) context.note(`${displayPath(slate, context.io.cwd)} is the sequence's slate: left out of the burn-in`);
  const sequenceProbe = await probe(context, resolved, flags);
  const fields = { ...sequenceProbe.fields, ...set };
  checkPlaceholders(used, fields, 'the burn-in text');
  // Sequence-wide fields the text uses must have values (per-frame ones are filled per frame).
  checkRequired(used.filter((name) => !isPerFrameField(name)), fields, 'the burn-in text');

  const outputs = await planOutputs(context, resolved, flags.output, flags.padStyle);
  let format: ImageFormat | undefined;
  for (const output of outputs) format = burninFormat(output);
  const inputs = new Set(resolved.paths);
  const clash = outputs.find((o) => inputs.has(o));
  if (clash !== undefined) throw usageError(`the output ${displayPath(clash, context.io.cwd)} is one of the input frames: burn-ins are written to new files`);
  const shownOutputs = outputs.map((o) => displayPath(o, context.io.cwd));
  const jobs: BurninJob[] = resolved.paths.map((input, i) => ({
    input,
    shown: displayPath(input, context.io.cwd),
    output: outputs[i]!,
    frame: resolved.frames[i]!,
    template: burnin,
    fields,
    clock: { fps: sequenceProbe.fps, startCount: sequenceProbe.startCount, firstFrame: sequenceProbe.firstFrame },
    force: flags.force === true,
    quality: flags.quality,
    ...(flags.compression !== undefined ? { compression: flags.compression } : {}),
  }));

  if (flags.dryRun) {
    if (flags.json) context.json({ operation: 'burnin', dryRun: true, format, items: jobs.map((job, i) => ({ from: job.shown, to: shownOutputs[i], frame: job.frame })) });
    else {
      for (let i = 0; i < jobs.length; i++) context.out(`burnin ${jobs[i]!.shown} -> ${shownOutputs[i]}`);
      context.out(`(dry run: ${jobs.length} frames, nothing written)`);
    }
    return;
  }
  if (!flags.force) {
    const existing: string[] = [];
    for (let i = 0; i < outputs.length; i++) if ((await stat(outputs[i]!).catch(() => undefined)) !== undefined) existing.push(shownOutputs[i]!);
    if (existing.length > 0) {
      throw new VfxError(
        ErrorCode.WOULD_OVERWRITE,
        `${existing.length} output file${existing.length === 1 ? '' : 's'} exist${existing.length === 1 ? 's' : ''} (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', ...' : ''}); nothing was written: add --force to replace them`,
      );
    }
  }
  for (const dir of new Set(outputs.map((o) => dirname(o)))) await mkdir(dir, { recursive: true });

  const progress = new ProgressReporter(context, 'vfx burnin', { unit: 'frames', silent: flags.json === true });
  const started = Date.now();
  const run = await chooseRunner(jobs, flags.jobs).run<BurninJob, BurninResult>(jobs, runBurninJob, {
    concurrency: flags.jobs,
    signal: context.signal,
    onProgress: progress.listener,
    label: (job) => job.shown,
  });
  progress.done();
  for (const result of run.results) if (result.outcome === 'failed' && result.error) context.fail(result.error);
  const seconds = (Date.now() - started) / 1000;
  const okResults = run.results.filter((r) => r.outcome === 'ok' && r.value !== undefined).map((r) => r.value as BurninResult);
  if (flags.json) {
    context.json({
      operation: 'burnin',
      dryRun: false,
      ok: run.ok,
      failed: run.failed,
      cancelled: run.cancelled,
      seconds,
      items: run.results.map((result) => ({
        from: jobs[result.index]!.shown,
        to: shownOutputs[result.index],
        frame: jobs[result.index]!.frame,
        outcome: result.outcome,
        ...(result.outcome === 'ok' && result.value !== undefined ? { size: (result.value as BurninResult).bytes } : {}),
        ...(result.error !== undefined ? { error: result.error.toJSON() } : {}),
      })),
    });
  } else {
    const bytes = okResults.reduce((n, r) => n + r.bytes, 0);
    const parts = [`burnt in ${run.ok} frame${run.ok === 1 ? '' : 's'} (${formatBytes(bytes)}) in ${seconds.toFixed(1)} s (${(run.ok / Math.max(seconds, 1e-3)).toFixed(1)} frames/s)`];
    if (run.failed > 0) parts.push(`${run.failed} failed`);
    if (run.cancelled > 0) parts.push(`${run.cancelled} not started (interrupted)`);
    context.out(parts.join(', '));
  }
  if (run.cancelled > 0) throw new VfxError(ErrorCode.CANCELLED, 'interrupted');
}

