/**
 * Turning what a user types (`plate.1001-1100#.exr`, `plate.%04d.exr`, one frame's path, or a
 * directory holding one sequence) into the frames that are on disk.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import {
  ErrorCode,
  FrameSet,
  VfxError,
  groupFileNames,
  parseFrameFileName,
  parseSequence,
  type DetectedSequence,
  type FileSequence,
  type PadStyle,
} from '@vfxkit/core';
import { displayPath } from './listing.js';

export interface ResolvedSequence {
  /** Absolute directory of the frames. */
  dir: string;
  /** The sequence with its directory as shown to the user and the frame set of the frames chosen. */
  sequence: FileSequence;
  /** Frames chosen, sorted. */
  frames: number[];
  /** Absolute path of each frame, same order. */
  paths: string[];
}

async function listNames(dir: string, what: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VfxError(code === 'ENOENT' ? ErrorCode.NOT_FOUND : ErrorCode.IO, code === 'ENOENT' ? 'no such directory' : `cannot list the directory (${code ?? 'error'})`, {
      file: what,
    });
  }
}

function shownDir(dir: string, cwd: string): string {
  const shown = displayPath(dir, cwd);
  return shown === '.' ? '' : shown.endsWith('/') ? shown : shown + '/';
}

function chosen(dir: string, group: DetectedSequence, cwd: string, frames?: FrameSet): ResolvedSequence {
  const byFrame = new Map<number, string>();
  group.frames.forEach((frame, i) => byFrame.set(frame, group.names[i]!));
  const picked = frames ? frames.sorted().frames().filter((f) => byFrame.has(f)) : group.frames;
  return {
    dir,
    sequence: group.sequence.withDir(shownDir(dir, cwd)).withFrameSet(FrameSet.fromFrames(picked)),
    frames: [...picked],
    paths: picked.map((f) => join(dir, byFrame.get(f)!)),
  };
}

function describeGroups(groups: DetectedSequence[]): string {
  return groups
    .slice(0, 5)
    .map((g) => g.sequence.toString())
    .join(', ') + (groups.length > 5 ? `, and ${groups.length - 5} more` : '');
}

/**
 * Finds the sequence `argument` names, on disk. Errors (all VfxError naming the argument):
 * NOT_FOUND when nothing matches or frames named in the pattern are missing; BAD_USAGE when a
 * directory holds more than one sequence.
 */
export async function resolveSequence(argument: string, cwd: string, padStyle?: PadStyle): Promise<ResolvedSequence> {
  const absolute = resolvePath(cwd, argument);
  const info = await stat(absolute).catch(() => undefined);
  const detectOptions = { minFrames: 1, ...(padStyle ? { padStyle } : {}) };

  if (info?.isDirectory()) {
    const groups = groupFileNames(await listNames(absolute, argument), { ...detectOptions, minFrames: 2 }).filter(
      (g): g is DetectedSequence => g.kind === 'sequence',
    );
    if (groups.length === 1) return chosen(absolute, groups[0]!, cwd);
    if (groups.length === 0) throw new VfxError(ErrorCode.NOT_FOUND, 'the directory holds no sequence', { file: argument });
    throw new VfxError(ErrorCode.BAD_USAGE, `the directory holds ${groups.length} sequences (${describeGroups(groups)}): name one`, {
      file: argument,
    });
  }

  const dir = dirname(absolute);
  if (info?.isFile()) {
    // One frame's path stands for its whole sequence.
    const name = basename(absolute);
    if (!parseFrameFileName(name)) throw new VfxError(ErrorCode.BAD_PATTERN, 'the file name has no frame number', { file: argument });
    const groups = groupFileNames(await listNames(dir, argument), detectOptions);
    for (const group of groups) {
      if (group.kind === 'sequence' && group.names.includes(name)) return chosen(dir, group, cwd);
    }
    throw new VfxError(ErrorCode.NOT_FOUND, 'no sequence found for this frame', { file: argument });
  }

  let pattern: FileSequence;
  try {
    pattern = parseSequence(basename(absolute), padStyle ? { padStyle } : {});
  } catch (error) {
    // Neither on disk nor a pattern: say so plainly.
    if (error instanceof VfxError && error.code === ErrorCode.BAD_PATTERN) {
      throw new VfxError(ErrorCode.NOT_FOUND, 'no such file or directory, and not a sequence pattern', { file: argument });
    }
    throw error;
  }
  const names = await listNames(dir, argument);
  const groups = groupFileNames(names, detectOptions).filter((g): g is DetectedSequence => g.kind === 'sequence');
  const match = groups.find(
    (g) =>
      g.sequence.basename === pattern.basename &&
      g.sequence.extension === pattern.extension &&
      g.sequence.padding === pattern.padding,
  );
  if (!match) {
    const sameName = groups.filter((g) => g.sequence.basename === pattern.basename && g.sequence.extension === pattern.extension);
    let hint = '';
    if (sameName.length > 0) {
      hint = `; on disk with another padding: ${describeGroups(sameName)}`;
      if (/##/.test(argument)) hint += " (each '#' is 4 digits, as in fileseq and oiiotool; use '@' for one digit or --pad-style hash1)";
    }
    throw new VfxError(ErrorCode.NOT_FOUND, `no frames match the pattern${hint}`, { file: argument });
  }
  if (pattern.frameSet) {
    const present = new Set(match.frames);
    const absent = pattern.frameSet.frames().filter((f) => !present.has(f));
    if (absent.length > 0) {
      throw new VfxError(
        ErrorCode.NOT_FOUND,
        `${absent.length} of the frames named are not on disk: ${FrameSet.fromFrames(absent).toString()}`,
        { file: argument },
      );
    }
    return chosen(dir, match, cwd, pattern.frameSet);
  }
  return chosen(dir, match, cwd);
}
