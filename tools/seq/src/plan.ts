/**
 * Planning copies, moves and renumbers of a sequence: which file goes where. Pure path arithmetic;
 * executing the plan is the core's job (journaled moves, verified copies).
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { ErrorCode, VfxError, parseSequence, type FileSequence, type PadStyle } from '@vfxkit/core';
import type { ResolvedSequence } from './resolve.js';

export interface FramePair {
  frame: number;
  newFrame: number;
  from: string;
  to: string;
}

export interface TargetOptions {
  /** Shift every frame by this much. */
  offset?: number;
  /** Shift so the first frame becomes this one. */
  start?: number;
  /** New frame padding. */
  pad?: number;
  /** New base name (the part before the frame number, separator included). */
  basename?: string;
  padStyle?: PadStyle;
}

/** The frame shift asked for: `--start` wins over `--offset`; none is 0. */
export function frameOffset(source: ResolvedSequence, options: TargetOptions): number {
  if (options.start !== undefined) return options.start - source.frames[0]!;
  return options.offset ?? 0;
}

/**
 * Where each frame goes. `destination`: undefined (same directory: a renumber or rename), an
 * existing directory (same names there), or a sequence pattern (`out/new_name.#.exr`, whose
 * basename, padding and extension are taken; a frame range in it is ignored unless it has exactly as
 * many frames as the source, in which case frames map to it in order).
 */
export async function planTargets(
  source: ResolvedSequence,
  destination: string | undefined,
  cwd: string,
  options: TargetOptions,
): Promise<{ target: FileSequence; targetDir: string; pairs: FramePair[] }> {
  let targetDir = source.dir;
  let target = source.sequence;
  let explicitFrames: readonly number[] | undefined;
  if (destination !== undefined) {
    const absolute = resolvePath(cwd, destination);
    const info = await stat(absolute).catch(() => undefined);
    if (info?.isDirectory() || destination.endsWith('/')) {
      targetDir = absolute;
    } else {
      targetDir = dirname(absolute);
      const pattern = parseSequence(basename(absolute), options.padStyle ? { padStyle: options.padStyle } : {});
      target = target.withBasename(pattern.basename).withPadding(pattern.padding);
      if (pattern.extension !== source.sequence.extension) {
        throw new VfxError(
          ErrorCode.BAD_USAGE,
          `the destination's extension '${pattern.extension}' differs from the source's '${source.sequence.extension}': converting is not a sequence operation`,
          { file: destination },
        );
      }
      if (pattern.frameSet) {
        if (pattern.frameSet.size !== source.frames.length) {
          throw new VfxError(
            ErrorCode.BAD_USAGE,
            `the destination names ${pattern.frameSet.size} frames but the source has ${source.frames.length}`,
            { file: destination },
          );
        }
        explicitFrames = pattern.frameSet.sorted().frames();
      }
    }
  }
  if (options.basename !== undefined) target = target.withBasename(options.basename);
  if (options.pad !== undefined) target = target.withPadding(options.pad);
  const offset = frameOffset(source, options);
  const pairs = source.frames.map((frame, i) => {
    const newFrame = explicitFrames ? explicitFrames[i]! : frame + offset;
    return { frame, newFrame, from: source.paths[i]!, to: join(targetDir, target.frameName(newFrame)) };
  });
  return { target, targetDir, pairs };
}
