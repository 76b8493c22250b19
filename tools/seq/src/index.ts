/**
 * `vfx seq`: list, check, copy, move, renumber and recover frame sequences.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { FrameSet, type PadStyle } from '@vfxkit/core';
import {
  formatBytes,
  parseExtensions,
  parseInteger,
  parsePositiveInteger,
  usageError,
  type CliContext,
} from '@vfxkit/tool-common';
import { findProblems, hasProblems } from './check.js';
import { itemJson, listPaths, type ListedItem } from './listing.js';
import { copySequence, moveSequence, recoverPath } from './operations.js';

export { findProblems, hasProblems, type SequenceProblems } from './check.js';
export { displayPath, groupDirectory, itemJson, listPaths, type ListedFile, type ListedItem, type ListedSequence } from './listing.js';
export { resolveSequence, type ResolvedSequence } from './resolve.js';
export { planTargets, type FramePair } from './plan.js';

function parsePadStyle(value: string): PadStyle {
  if (value !== 'hash4' && value !== 'hash1') throw new InvalidArgumentError(`expected hash4 or hash1, got '${value}'`);
  return value;
}

function padStyleOption(): Option {
  return new Option('--pad-style <style>', "what '#' means: hash4 (4 digits, as fileseq and oiiotool) or hash1 (1 digit, as Nuke)")
    .argParser(parsePadStyle)
    .default('hash4');
}

function parseRatio(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 1) throw new InvalidArgumentError(`expected a ratio above 1, got '${value}'`);
  return n;
}

interface ListFlags {
  recursive?: boolean;
  json?: boolean;
  ext?: string[];
  all?: boolean;
  long?: boolean;
  hidden?: boolean;
  padStyle: PadStyle;
}

function sequenceLine(context: CliContext, item: ListedItem, long: boolean): string {
  if (item.kind === 'file') return long ? `${item.path}  ${formatBytes(item.size)}` : item.path;
  const sequence = item.sequence;
  const count = `${item.frames.length} frame${item.frames.length === 1 ? '' : 's'}`;
  const missing =
    item.missing.length > 0
      ? '  ' + context.paint('yellow', `missing ${FrameSet.fromFrames(item.missing).toString()}`, context.io.stdout)
      : '';
  const size = long ? `  ${formatBytes(item.bytes)}` : '';
  return `${sequence.toString()}  ${count}${size}${missing}`;
}

function makeLs(context: CliContext): Command {
  return new Command('ls')
    .description('list the sequences (and files) in directories, one line each, like lsseq')
    .argument('[paths...]', 'directories to list (default: the working directory)')
    .option('-r, --recursive', 'descend into subdirectories')
    .option('-a, --all', 'also list files that belong to no sequence')
    .option('-l, --long', 'show sizes (a stat per file; JSON items then have size)')
    .option('--ext <list>', 'only these extensions (comma-separated, repeatable)', parseExtensions)
    .option('--hidden', 'include names starting with a dot')
    .option('--json', 'print one JSON array (see README: JSON output)')
    .addOption(padStyleOption())
    .addHelpText(
      'after',
      `
Examples:
  $ vfx seq ls renders/
  $ vfx seq ls -r -l --ext .exr /jobs/show/shots
  $ vfx seq ls --json plates/ | jq '.[] | select(.missing | length > 0) | .path'`,
    )
    .action(async (paths: string[], flags: ListFlags) => {
      const items: Record<string, unknown>[] = [];
      for await (const { items: listed } of listPaths(
        paths.length > 0 ? paths : ['.'],
        {
          recursive: flags.recursive ?? false,
          ...(flags.ext ? { extensions: flags.ext } : {}),
          padStyle: flags.padStyle,
          includeHidden: flags.hidden ?? false,
          // Names alone are as fast as readdir; sizes cost a stat per file.
          sizes: flags.long ?? false,
          cwd: context.io.cwd,
          signal: context.signal,
        },
        (error) => context.fail(error),
      )) {
        for (const item of listed) {
          if (item.kind === 'file' && !flags.all) continue;
          if (flags.json) items.push(itemJson(item));
          else context.out(sequenceLine(context, item, flags.long ?? false));
        }
      }
      if (flags.json) context.json(items);
    });
}

interface CheckFlags extends ListFlags {
  sizeRatio: number;
}

function makeCheck(context: CliContext): Command {
  return new Command('check')
    .description('report missing frames, zero-byte frames and frames whose size is far from their neighbours')
    .argument('[paths...]', 'directories to check (default: the working directory)')
    .option('-r, --recursive', 'descend into subdirectories')
    .option('--ext <list>', 'only these extensions (comma-separated, repeatable)', parseExtensions)
    .option('--size-ratio <r>', 'flag frames this many times smaller or larger than their neighbours', parseRatio, 2)
    .option('--json', 'print one JSON array: the ls items plus zeroByte, suspectSize and ok')
    .addOption(padStyleOption())
    .addHelpText(
      'after',
      `
Exits 1 when any sequence has a problem, so it can gate a publish:
  $ vfx seq check renders/ && publish renders/
  $ vfx seq check -r --json /jobs/show/shots > report.json`,
    )
    .action(async (paths: string[], flags: CheckFlags) => {
      const report: Record<string, unknown>[] = [];
      let sequences = 0;
      let broken = 0;
      for await (const { items } of listPaths(
        paths.length > 0 ? paths : ['.'],
        {
          recursive: flags.recursive ?? false,
          ...(flags.ext ? { extensions: flags.ext } : {}),
          padStyle: flags.padStyle,
          cwd: context.io.cwd,
          signal: context.signal,
        },
        (error) => context.fail(error),
      )) {
        for (const item of items) {
          if (item.kind !== 'sequence') continue;
          sequences++;
          const problems = findProblems(item, flags.sizeRatio);
          const ok = !hasProblems(problems);
          if (!ok) broken++;
          if (flags.json) {
            report.push({ ...itemJson(item), zeroByte: problems.zeroByte, suspectSize: problems.suspectSize, ok });
            continue;
          }
          const name = item.sequence.toString();
          if (ok) {
            context.out(`${name}: ${context.paint('green', 'ok', context.io.stdout)} (${item.frames.length} frames)`);
            continue;
          }
          const parts: string[] = [];
          if (problems.missing.length > 0) parts.push(`missing ${FrameSet.fromFrames(problems.missing).toString()}`);
          if (problems.zeroByte.length > 0) parts.push(`zero bytes ${FrameSet.fromFrames(problems.zeroByte).toString()}`);
          if (problems.suspectSize.length > 0) parts.push(`odd size ${FrameSet.fromFrames(problems.suspectSize).toString()}`);
          context.out(`${name}: ${context.paint('red', 'problems', context.io.stdout)}: ${parts.join('; ')}`);
        }
      }
      if (flags.json) context.json(report);
      else context.out(`${sequences} sequence${sequences === 1 ? '' : 's'} checked, ${broken} with problems`);
      if (broken > 0) context.raise(1);
    });
}

interface OperationFlags {
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  verify?: boolean;
  jobs?: number;
  offset?: number;
  start?: number;
  pad?: number;
  basename?: string;
  padStyle: PadStyle;
}

function frameOptions(command: Command): Command {
  return command
    .option('--offset <n>', 'shift every frame by N (may be negative)', parseInteger)
    .option('--start <n>', 'shift so the first frame becomes N', parseInteger)
    .option('--pad <n>', 'new frame padding (digits)', parsePositiveInteger)
    .option('--basename <name>', "new base name: everything before the frame number, separator included (e.g. 'shot020_plate.')")
    .option('-f, --force', 'replace existing files (never done without it)')
    .option('-n, --dry-run', 'print the plan and touch nothing')
    .option('--json', 'print the result (or the plan) as JSON')
    .addOption(padStyleOption());
}

function makeCopy(context: CliContext): Command {
  return frameOptions(
    new Command('copy')
      .description('copy a sequence to a directory or a new pattern; keeps mtime and mode and verifies sizes')
      .argument('<source>', "the sequence: 'plate.1001-1100#.exr', 'plate.%04d.exr', one frame's path, or a directory holding one sequence")
      .argument('<destination>', "a directory, or a pattern for the new names ('out/plate_v2.#.exr')")
      .option('--verify', 'also compare a SHA-256 of every copy with its source')
      .option('-j, --jobs <n>', 'copies at once (default: 4)', parsePositiveInteger, 4),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ vfx seq copy plates/shot010.1001-1100#.exr /mnt/backup/plates/
  $ vfx seq copy plates/shot010.#.exr delivery/shot010_v002.#.exr --start 1 --verify
  $ vfx seq copy plates/shot010.1001.exr out/ --dry-run`,
    )
    .action(async (source: string, destination: string, flags: OperationFlags) => {
      await copySequence(context, source, destination, flags);
    });
}

function makeMove(context: CliContext): Command {
  return frameOptions(
    new Command('move')
      .alias('mv')
      .description('move a sequence to a directory or a new pattern, journaled so a kill at any point can be recovered')
      .argument('<source>', "the sequence: 'plate.1001-1100#.exr', 'plate.%04d.exr', one frame's path, or a directory holding one sequence")
      .argument('<destination>', "a directory, or a pattern for the new names ('out/plate_v2.#.exr')"),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ vfx seq move renders/tmp/beauty.#.exr renders/final/
  $ vfx seq move renders/beauty.1-100#.exr renders/beauty_v003.#.exr --start 1001
After an interruption: vfx seq recover renders/`,
    )
    .action(async (source: string, destination: string, flags: OperationFlags) => {
      await moveSequence(context, source, destination, flags);
    });
}

function makeRenumber(context: CliContext): Command {
  return frameOptions(
    new Command('renumber')
      .description('re-sequence frames in place (1-100 to 1001-1100), change padding or the base name; overlapping ranges work')
      .argument('<sequence>', "the sequence: 'plate.1-100#.exr', 'plate.%04d.exr', one frame's path, or a directory holding one sequence"),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ vfx seq renumber plates/shot010.1-100@.exr --start 1001 --pad 4
  $ vfx seq renumber plates/shot010.#.exr --offset 1          (1001-1100 to 1002-1101, overlapping)
  $ vfx seq renumber plates/shot010.#.exr --basename shot020_plate.
The move is journaled: after a kill at any point, run vfx seq recover plates/`,
    )
    .action(async (sequence: string, flags: OperationFlags) => {
      if (flags.offset === undefined && flags.start === undefined && flags.pad === undefined && flags.basename === undefined) {
        throw usageError('nothing to change: give --start, --offset, --pad or --basename');
      }
      await moveSequence(context, sequence, undefined, flags);
    });
}

function makeRecover(context: CliContext): Command {
  return new Command('recover')
    .description('finish or roll back a move or renumber that was interrupted (kill, crash, power cut)')
    .argument('<path>', 'the directory of the interrupted operation (or its journal file)')
    .option('--rollback', 'put every file back where it was')
    .option('--forward', 'complete the operation')
    .option('--take-over', 'recover even if the process that ran the operation may still be alive (only when you know it stopped)')
    .option('--json', 'print what was done as JSON: one object per journal (journal, operation, state, direction, files, problems)')
    .addHelpText(
      'after',
      `
By default an operation interrupted before all its files were set aside is rolled back, and one
interrupted later is completed; either way no frame is lost or duplicated.
  $ vfx seq recover plates/`,
    )
    .action(async (path: string, flags: { rollback?: boolean; forward?: boolean; json?: boolean; takeOver?: boolean }) => {
      if (flags.rollback && flags.forward) throw usageError('--rollback and --forward exclude each other');
      await recoverPath(context, path, flags.rollback ? 'back' : flags.forward ? 'forward' : 'auto', {
        json: flags.json ?? false,
        takeOver: flags.takeOver ?? false,
      });
    });
}

export function makeSeqCommand(context: CliContext): Command {
  return new Command('seq')
    .description('frame sequences: list, check, copy, move, renumber, recover')
    .addHelpText(
      'after',
      `
Patterns: 'shot.1001-1100#.exr' (fileseq form), 'shot.#.exr' ('#' = 4 digits, '@' = 1 digit),
'shot.%04d.exr', 'shot.$F4.exr', 'tex.<UDIM>.exr'. The frame number is the last number before the
extension, so 'comp_v012.1001.exr' is frame 1001 of 'comp_v012.#.exr'.

Examples:
  $ vfx seq ls -r renders/
  $ vfx seq check plates/
  $ vfx seq renumber plates/shot010.1-100@.exr --start 1001 --pad 4`,
    )
    .addCommand(makeLs(context))
    .addCommand(makeCheck(context))
    .addCommand(makeCopy(context))
    .addCommand(makeMove(context))
    .addCommand(makeRenumber(context))
    .addCommand(makeRecover(context));
}
