/**
 * What `vfx img convert|resize|info` do once their options are parsed: check the option values that
 * need the libraries, expand the inputs, plan the outputs, run the batch. Loaded by the command
 * actions on first use (index.ts stays light: `vfx` loads every tool to start).
 */
import { readFile } from 'node:fs/promises';
import { parseLut } from '@vfxkit/color';
import { VfxError, type PadStyle } from '@vfxkit/core';
import { bitDepthText, type BitDepth, type FormatInfo, type ResizeFilter } from '@vfxkit/image';
import { usageError, type CliContext } from '@vfxkit/tool-common';
import { runBatch } from './batch.js';
import { printInfo } from './info.js';
import { expandInputs, type InputFile } from './inputs.js';
import type { ImageJob } from './jobs.js';
import { planInPlace, planOutputs, type PlannedFile } from './outputs.js';
import { checkColorSpaceOption, checkCompressionOption, checkFilterOption, checkFormatOption } from './validate.js';

export interface InputFlags {
  ext?: string[];
  recursive?: boolean;
  padStyle: PadStyle;
}

export interface WriteFlags extends InputFlags {
  output?: string;
  format?: string;
  jobs: number;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  quality?: number;
  compression?: string;
  bitDepth?: BitDepth;
}

export interface ConvertFlags extends WriteFlags {
  from?: string;
  to?: string;
  lut?: string;
  exposure?: number;
  max?: { width?: number; height?: number };
  onlyLarger?: boolean;
  filter?: string;
}

export interface ResizeFlags extends WriteFlags {
  max: { width?: number; height?: number };
  onlyLarger?: boolean;
  filter: string;
  inPlace?: boolean;
}

async function gatherInputs(context: CliContext, args: string[], flags: InputFlags): Promise<InputFile[]> {
  return expandInputs(
    args,
    {
      cwd: context.io.cwd,
      ...(flags.ext ? { extensions: flags.ext } : {}),
      recursive: flags.recursive ?? false,
      padStyle: flags.padStyle,
      signal: context.signal,
    },
    (error) => context.fail(error),
  );
}

function depthLabel(depth: BitDepth | undefined, format: string): string {
  if (depth !== undefined) return bitDepthText(depth);
  return format === 'exr' ? 'half (8/16-bit sources), float stays float' : 'depth kept where the format holds it';
}

function jobBase(plan: PlannedFile, flags: WriteFlags, compression: string | undefined): ImageJob {
  return {
    input: plan.input.path,
    shown: plan.input.shown,
    output: plan.output,
    shownOutput: plan.shownOutput,
    format: plan.format,
    inPlace: false,
    force: flags.force ?? false,
    ...(flags.bitDepth !== undefined ? { bitDepth: flags.bitDepth } : {}),
    ...(compression !== undefined ? { compression } : {}),
    ...(flags.quality !== undefined ? { quality: flags.quality } : {}),
  };
}

export async function runConvert(context: CliContext, args: string[], flags: ConvertFlags): Promise<void> {
  if (flags.onlyLarger && flags.max === undefined) throw usageError('--only-larger goes with --max');
  if (flags.filter !== undefined && flags.max === undefined) throw usageError('--filter goes with --max');
  const format = flags.format !== undefined ? checkFormatOption(flags.format) : undefined;
  const from = flags.from !== undefined ? checkColorSpaceOption('--from', flags.from) : undefined;
  const to = flags.to !== undefined ? checkColorSpaceOption('--to', flags.to) : undefined;
  const filter: ResizeFilter = flags.filter !== undefined ? checkFilterOption(flags.filter) : 'lanczos3';
  const compression = flags.compression !== undefined ? checkCompressionOption(flags.compression) : undefined;
  if (flags.lut !== undefined) {
    // Read it now: a bad LUT stops the batch before any file is touched.
    try {
      parseLut(await readFile(context.resolve(flags.lut), 'utf8'), flags.lut);
    } catch (error) {
      throw error instanceof VfxError ? error.withFile(flags.lut) : new VfxError('NOT_FOUND', 'cannot read the LUT file', { file: flags.lut, cause: error });
    }
  }
  const inputs = await gatherInputs(context, args, flags);
  if (inputs.length === 0) return;
  const plans = await planOutputs(inputs, flags.output!, { cwd: context.io.cwd, ...(format ? { format } : {}), padStyle: flags.padStyle });
  const jobs = plans.map((plan): ImageJob => ({
    ...jobBase(plan, flags, compression),
    ...(from !== undefined ? { sourceColorSpace: from } : {}),
    ...(to !== undefined ? { colorSpace: to } : {}),
    ...(flags.lut !== undefined ? { lutPath: context.resolve(flags.lut) } : {}),
    ...(flags.exposure !== undefined ? { exposure: flags.exposure } : {}),
    ...(flags.max !== undefined ? { resize: { ...flags.max, onlyLarger: flags.onlyLarger ?? false, filter } } : {}),
  }));
  const describe = (plan: PlannedFile) =>
    [
      plan.format,
      depthLabel(flags.bitDepth, plan.format),
      ...(from ? [`from ${from}`] : []),
      ...(to ? [`to ${to}`] : []),
      ...(flags.exposure !== undefined ? [`exposure ${flags.exposure > 0 ? '+' : ''}${flags.exposure}`] : []),
      ...(flags.lut ? [`LUT ${flags.lut}`] : []),
      ...(flags.max ? [`fit ${flags.max.width ?? ''}x${flags.max.height ?? ''}`] : []),
    ].join(', ');
  await runBatch(context, plans, jobs, {
    verb: 'convert',
    jobs: flags.jobs,
    force: flags.force ?? false,
    dryRun: flags.dryRun ?? false,
    json: flags.json ?? false,
    inPlace: false,
    describe,
  });
}

export async function runResize(context: CliContext, args: string[], flags: ResizeFlags): Promise<void> {
  if (flags.inPlace && flags.output !== undefined) throw usageError('give either -o OUT or --in-place, not both');
  if (!flags.inPlace && flags.output === undefined) throw usageError('give -o OUT (a directory, a pattern or a file), or --in-place to replace the inputs');
  if (flags.inPlace && flags.format !== undefined) throw usageError('--format changes the file type: it needs -o OUT, not --in-place');
  const format = flags.format !== undefined ? checkFormatOption(flags.format) : undefined;
  const filter = checkFilterOption(flags.filter);
  const compression = flags.compression !== undefined ? checkCompressionOption(flags.compression) : undefined;
  const inputs = await gatherInputs(context, args, flags);
  if (inputs.length === 0) return;
  const plans = flags.inPlace
    ? planInPlace(inputs, context.io.cwd)
    : await planOutputs(inputs, flags.output!, { cwd: context.io.cwd, keepFormat: true, ...(format ? { format } : {}), padStyle: flags.padStyle });
  const resize = { ...flags.max, onlyLarger: flags.onlyLarger ?? false, filter };
  const jobs = plans.map((plan): ImageJob => ({ ...jobBase(plan, flags, compression), inPlace: flags.inPlace ?? false, resize }));
  const box = `${flags.max.width ?? ''}x${flags.max.height ?? ''}`;
  await runBatch(context, plans, jobs, {
    verb: 'resize',
    jobs: flags.jobs,
    force: flags.force ?? false,
    dryRun: flags.dryRun ?? false,
    json: flags.json ?? false,
    inPlace: flags.inPlace ?? false,
    describe: (plan) => `fit ${box}${flags.onlyLarger ? ' if larger' : ''}, ${filter}, ${plan.format}`,
  });
}

export async function runInfo(context: CliContext, args: string[], flags: InputFlags & { json?: boolean; jobs: number }): Promise<void> {
  const inputs = await gatherInputs(context, args, flags);
  await printInfo(context, inputs, { json: flags.json ?? false, jobs: flags.jobs });
}
