/**
 * Where each input goes: `-o` may be a frame pattern (`out/plate.#.exr`, `plate.%04d.exr`: each
 * input's frame number in the new name), a directory (the same names, with the new format's
 * extension; the tree below a directory argument is kept), or one file (for one input). Every
 * check is done before anything is written: a batch that cannot be planned changes nothing.
 */
import { lstat, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ErrorCode, VfxError, parseSequence, type FileSequence, type PadStyle } from '@vfxkit/core';
import { formatForFileName, type FormatInfo, type ImageFormat } from '@vfxkit/image';
import { usageError } from '@vfxkit/tool-common';
import { displayPath } from '@vfxkit/tool-seq';
import type { InputFile } from './inputs.js';

export interface PlannedFile {
  input: InputFile;
  /** Absolute output path. */
  output: string;
  shownOutput: string;
  format: ImageFormat;
}

export interface PlanOptions {
  cwd: string;
  /** `--format`: the target format when the output is a directory. */
  format?: FormatInfo;
  /** Without `--format`, keep each input's own format (resize) instead of asking for one. */
  keepFormat?: boolean;
  padStyle?: PadStyle;
}

const PADDING = /#|@|%0?\d*d|\$F\d*|<UDIM>/;

function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function inputFormat(input: InputFile): FormatInfo {
  const format = formatForFileName(input.name);
  if (format === undefined) throw new VfxError(ErrorCode.BAD_USAGE, 'the file name has no image extension: name the output format with --format', { file: input.shown });
  return format;
}

/** The plan for in-place work: every file onto itself. */
export function planInPlace(inputs: readonly InputFile[], cwd: string): PlannedFile[] {
  return inputs.map((input) => ({ input, output: input.path, shownOutput: displayPath(input.path, cwd), format: inputFormat(input).id }));
}

/**
 * Plans the outputs of `inputs` for `-o output`. Throws BAD_USAGE (exit 2) for a plan that cannot
 * work: a pattern and an input without a frame number, a file for several inputs, a directory
 * without `--format` (convert), two inputs onto one output, an output that is its own input.
 */
export async function planOutputs(inputs: readonly InputFile[], output: string, options: PlanOptions): Promise<PlannedFile[]> {
  const absolute = resolve(options.cwd, output);
  const info = await stat(absolute).catch(() => undefined);
  const name = basename(absolute);
  const plans: PlannedFile[] = [];
  const shown = (path: string) => displayPath(path, options.cwd);

  if (!info?.isDirectory() && !output.endsWith('/') && PADDING.test(name)) {
    // A frame pattern.
    let pattern: FileSequence;
    try {
      pattern = parseSequence(name, options.padStyle ? { padStyle: options.padStyle } : {});
    } catch (error) {
      throw error instanceof VfxError ? error.withFile(output) : error;
    }
    const format = formatForFileName(`x${pattern.extension}`);
    if (format === undefined) throw usageError(`the output pattern '${output}' has no image extension (.exr, .jpg, .png, .tif, ...)`);
    if (options.format !== undefined && options.format.id !== format.id) throw usageError(`--format ${options.format.id} disagrees with the output pattern's extension '${pattern.extension}'`);
    const dir = dirname(absolute);
    for (const input of inputs) {
      if (input.frame === undefined) {
        throw new VfxError(ErrorCode.BAD_USAGE, `has no frame number for the output pattern '${output}': give a directory as the output instead`, { file: input.shown });
      }
      const path = join(dir, pattern.frameName(input.frame));
      plans.push({ input, output: path, shownOutput: shown(path), format: format.id });
    }
  } else if (info?.isDirectory() || output.endsWith('/') || formatForFileName(name) === undefined) {
    // A directory (existing, or to be made).
    if (options.format === undefined && options.keepFormat !== true) {
      throw usageError(`the output '${output}' is a directory: name the format with --format (e.g. --format exr), or give a pattern like ${join(output, 'name.#.exr')}`);
    }
    for (const input of inputs) {
      const format = options.format ?? inputFormat(input);
      const fileName = options.format !== undefined ? `${stem(input.name)}${format.extensions[0]}` : input.name;
      const path = join(absolute, input.subdir, fileName);
      plans.push({ input, output: path, shownOutput: shown(path), format: format.id });
    }
  } else {
    // One file.
    if (inputs.length !== 1) {
      throw usageError(`the output '${output}' is one file but there are ${inputs.length} inputs: give a directory or a pattern like ${join(dirname(output), 'name.#' + (formatForFileName(name)?.extensions[0] ?? '.exr'))}`);
    }
    const format = formatForFileName(name)!;
    if (options.format !== undefined && options.format.id !== format.id) throw usageError(`--format ${options.format.id} disagrees with the output's extension`);
    plans.push({ input: inputs[0]!, output: absolute, shownOutput: shown(absolute), format: format.id });
  }

  const targets = new Map<string, PlannedFile>();
  for (const plan of plans) {
    if (plan.output === plan.input.path) {
      throw new VfxError(ErrorCode.BAD_USAGE, 'the output is the input itself (use --in-place with vfx img resize, or another output)', { file: plan.input.shown });
    }
    const other = targets.get(plan.output);
    if (other !== undefined) {
      throw usageError(`${other.input.shown} and ${plan.input.shown} would both be written to ${plan.shownOutput}`);
    }
    targets.set(plan.output, plan);
  }
  return plans;
}

/** The outputs that exist already (checked before any work, so a refused batch changes nothing). */
export async function existingOutputs(plans: readonly PlannedFile[]): Promise<PlannedFile[]> {
  const found: PlannedFile[] = [];
  for (const plan of plans) {
    if (await lstat(plan.output).then(() => true, () => false)) found.push(plan);
  }
  return found;
}
