/**
 * Journaled batches of moves and copies: the engine of `vfx seq copy|move|renumber|recover`.
 *
 * The CLI turns a sequence into (from, to) pairs; `moveFiles` / `copyFiles` execute such a list so
 * that no frame is ever lost, duplicated or silently overwritten, whatever the pairs (renumbering
 * 1-100 to 2-101, swaps, cycles, another directory, another file system) and whenever the process
 * dies (kill -9, power cut):
 *
 * 1. everything is checked before anything is touched (`journal-plan.ts`);
 * 2. a journal naming every file and every temporary name is made durable first
 *    (`journal-format.ts`);
 * 3. the files move in two phases whose every intermediate state is decidable, then the journal is
 *    removed (`journal-run.ts`, which explains the protocol and why it is safe).
 *
 * A failure or a cancel rolls the batch back (all or nothing). After a kill the journal stays and
 * locks its directories; `findJournals` + `recoverJournal` finish or undo the batch.
 */
import { basename, dirname, resolve } from 'node:path';
import { ErrorCode, VfxError, isVfxError } from '../errors.js';
import type { ProgressEvent } from '../progress.js';
import { lstatOrUndefined } from './atomic.js';
import { assertNotLocked, journalIdOfName, pendingJournalsIn, readJournal } from './journal-format.js';
import type { JournalOperation, JournalState, RecoveryDirection } from './journal-format.js';
import { planBatch } from './journal-plan.js';
import type { FilePair, PlannedPair } from './journal-plan.js';
import { SimulatedCrash, claimJournal, newContext, ownerMayBeRunning, prepareDirectories, runBack, runForward, saveJournal, whileRunning, withdrawJournal } from './journal-run.js';
import type { RunContext } from './journal-run.js';

export type { FilePair, PlannedPair } from './journal-plan.js';
export type { Journal, JournalEntry, JournalAside, JournalOperation, JournalState, RecoveryDirection } from './journal-format.js';
export { readJournal } from './journal-format.js';

export interface FileBatchOptions {
  /** Replace destinations that exist outside the batch. They are kept aside (hidden, in their own
   *  directory) until the batch completes, so a rollback restores them. Default false. */
  force?: boolean;
  /** Check everything and return the plan without touching any file. */
  dryRun?: boolean;
  /** Where the journal goes. Default: the directory of the first source. */
  journalDir?: string;
  /** Cancels the batch; what was done is undone, then CANCELLED is thrown. */
  signal?: AbortSignal;
  /** Called as each file lands (moves: in phase 2; copies: as each copy completes). */
  onProgress?: (event: ProgressEvent) => void;
  /** How copies (copy batches and cross-device moves) are verified. Default `'size'`. */
  verify?: 'size' | 'hash';
  /** Copies keep the mode and times of their source. Default true. */
  preserve?: boolean;
  /** @internal Test hook: stop before file operation number `_stopAfter + 1` by throwing an Error
   *  named `SimulatedCrash`, leaving everything as a kill would (no rollback, journal kept). */
  _stopAfter?: number;
}

export interface MoveFilesOptions extends FileBatchOptions {
  /** A pair crossing file systems: `'copy'` (default) copies, verifies, and deletes the sources
   *  only once every copy has landed; `'fail'` refuses the batch before touching anything. */
  crossDevice?: 'copy' | 'fail';
}

export interface FileBatchResult {
  operation: JournalOperation;
  dryRun: boolean;
  /** Every pair as given (absolute paths), with what the batch does with it. */
  plan: PlannedPair[];
  /** Files moved or copied (0 for a dry run). */
  files: number;
  /** Pairs whose source and destination are the same path. */
  unchanged: number;
  /** Existing destinations replaced (force). */
  replaced: number;
  /** Moves made as a copy between file systems. */
  crossDevice: number;
  /** Bytes copied (copies and cross-device moves). */
  bytes: number;
  /** Destination directories created. */
  createdDirectories: string[];
  /** The journal the batch ran from (removed once done), or would run from (dry run); undefined
   *  when there was nothing to do. */
  journal: string | undefined;
}

/**
 * Moves every `from` to its `to` as one all-or-nothing batch that survives a kill at any point.
 *
 * @throws VfxError, before touching anything: BAD_USAGE (malformed pairs, a source or destination
 *   in two pairs, a source that is not a regular file, a destination that is a directory or cannot
 *   be created, a cross-device move with `crossDevice: 'fail'`), NOT_FOUND (missing sources, listed),
 *   WOULD_OVERWRITE (existing destinations, listed; unless `force`), LOCKED (a pending journal in a
 *   directory involved: run `vfx seq recover <dir>`). While running: CANCELLED, IO, VERIFY_FAILED,
 *   WOULD_OVERWRITE (a file appeared at a destination): the batch is rolled back first, so nothing
 *   changed; if even the rollback fails the error says so and the journal is kept for recovery.
 * @example
 *   // renumber shot.0001-0100.exr to 0002-0101: overlapping pairs are fine
 *   const pairs = frames.map((n) => ({ from: name(n), to: name(n + 1) }));
 *   const { files } = await moveFiles(pairs, { onProgress: bar.update });
 */
export async function moveFiles(pairs: readonly FilePair[], options: MoveFilesOptions = {}): Promise<FileBatchResult> {
  return runBatch('move', pairs, options);
}

/**
 * Copies every `from` to its `to` as one all-or-nothing batch: each copy is written to a hidden
 * temporary beside its destination and verified, and only when all copies are complete are they
 * given their names. A source may be copied to several destinations. Same checks, `force`, `dryRun`
 * and progress as `moveFiles`; a killed copy batch is recovered by `recoverJournal` (back: remove
 * the partial copies; forward: finish them).
 */
export async function copyFiles(pairs: readonly FilePair[], options: FileBatchOptions = {}): Promise<FileBatchResult> {
  return runBatch('copy', pairs, options);
}

async function runBatch(operation: JournalOperation, pairs: readonly FilePair[], options: MoveFilesOptions): Promise<FileBatchResult> {
  if (Array.isArray(pairs) && pairs.length === 0) {
    return { operation, dryRun: options.dryRun === true, plan: [], files: 0, unchanged: 0, replaced: 0, crossDevice: 0, bytes: 0, createdDirectories: [], journal: undefined };
  }
  const plan = await planBatch(operation, pairs, options);
  const { journal, journalPath } = plan;
  const result: FileBatchResult = {
    operation,
    dryRun: options.dryRun === true,
    plan: plan.pairs,
    files: 0,
    unchanged: plan.pairs.filter((pair) => pair.unchanged).length,
    replaced: plan.pairs.filter((pair) => pair.replaces).length,
    crossDevice: plan.pairs.filter((pair) => pair.crossDevice).length,
    bytes: 0,
    createdDirectories: journal.createdDirectories,
    journal: journal.entries.length > 0 ? journalPath : undefined,
  };
  if (options.dryRun === true || journal.entries.length === 0) return result;

  const context = newContext(journal, journalPath, true, { signal: options.signal, onProgress: options.onProgress, stopAfter: options._stopAfter });
  return whileRunning(journal.id, async () => {
    let journalWritten = false;
    try {
      await saveJournal(context, { create: true });
      journalWritten = true;
      await prepareDirectories(context);
      // Another batch may have planned at the same moment. Each writes its journal and its lock
      // markers (one in every directory it touches) before checking again, so of two batches
      // sharing a directory the one checking last sees the other; it backs off (at worst both
      // do), and two batches never run in one directory.
      try {
        await assertNotLocked(journal.directories, journal.id);
      } catch (error) {
        await withdrawJournal(context);
        journalWritten = false;
        throw error;
      }
      await runForward(context);
    } catch (error) {
      if (error instanceof SimulatedCrash || !journalWritten) throw error;
      throw await rollBackAfterFailure(context, error);
    }
    result.files = journal.entries.length;
    result.bytes = context.bytes;
    return result;
  });
}

/**
 * A batch failed while running: undo it, and return the error to throw, saying what state the
 * files are in.
 */
async function rollBackAfterFailure(failed: RunContext, error: unknown): Promise<VfxError> {
  const original = isVfxError(error)
    ? error
    : new VfxError(ErrorCode.IO, error instanceof Error ? error.message : String(error), { file: failed.journalPath, cause: error });
  const recoverHint = `run 'vfx seq recover ${dirname(failed.journalPath)}'`;
  if (failed.journal.state === 'phase2-done') {
    return new VfxError(original.code, `${original.message} (every file is in place; only clean-up is left: ${recoverHint})`, {
      file: original.file ?? failed.journalPath,
      cause: error,
    });
  }
  const rollback = newContext(failed.journal, failed.journalPath, false, {});
  try {
    await claimJournal(rollback, 'back');
    await runBack(rollback);
  } catch (rollbackError) {
    const reason = rollbackError instanceof Error ? rollbackError.message : String(rollbackError);
    return new VfxError(original.code, `${original.message}; undoing the batch then failed too (${reason}); the journal ${failed.journalPath} was kept: ${recoverHint}`, {
      file: original.file ?? failed.journalPath,
      cause: error,
    });
  }
  const problems = rollback.problems.length > 0 ? `; problems: ${rollback.problems.join('; ')}` : '';
  return new VfxError(original.code, `${original.message} (the batch was undone: no file changed${problems})`, {
    file: original.file ?? failed.journalPath,
    cause: error,
  });
}

/**
 * The pending journals in a directory, and those that lock it from another directory (a batch
 * between directories leaves a lock marker in each). `path` may also be a journal file itself.
 *
 * @throws VfxError NOT_FOUND when `path` does not exist.
 */
export async function findJournals(path: string): Promise<string[]> {
  const target = resolve(path);
  const stats = await lstatOrUndefined(target);
  if (stats === undefined) throw new VfxError(ErrorCode.NOT_FOUND, 'no such file or directory to look for journals in', { file: target });
  if (!stats.isDirectory()) return journalIdOfName(basename(target)) !== undefined ? [target] : [];
  return (await pendingJournalsIn(target)).map((journal) => journal.path);
}

export interface RecoverJournalOptions {
  /**
   * `'auto'` (default): a batch stopped in phase 1 (no destination written yet) is rolled back; one
   * stopped in phase 2 or later is completed; a recovery that was itself interrupted goes on in the
   * direction it had chosen. `'forward'` completes the batch; `'back'` undoes it (impossible once
   * every file is in place: BAD_USAGE).
   */
  mode?: 'auto' | 'forward' | 'back';
  /** Recover even though the journal's owner may still be running (another host, or a reused
   *  pid). Only when you know it has stopped. */
  takeOver?: boolean;
  onProgress?: (event: ProgressEvent) => void;
  /** @internal Test hook, as for `moveFiles`. */
  _stopAfter?: number;
}

export interface RecoveryResult {
  journal: string;
  operation: JournalOperation;
  /** The state the journal was found in. */
  state: JournalState;
  direction: RecoveryDirection;
  /** Pairs in the batch. */
  files: number;
  /** File operations the recovery made (renames, links, removals, copies, journal writes). */
  operations: number;
  /** Files found in none of their places, or copies left alone because they were not the batch's. */
  problems: string[];
}

/**
 * Finishes or undoes an interrupted batch so that every frame is exactly once where it belongs,
 * then removes the journal. Safe to kill and run again.
 *
 * @throws VfxError NOT_FOUND (no journal), BAD_JOURNAL (unreadable or unknown journal; nothing
 *   touched), LOCKED (its owner may still be running), BAD_USAGE (`back` after completion),
 *   WOULD_OVERWRITE (other files now hold names the batch needs; all others were recovered and the
 *   journal is kept), IO.
 * @example
 *   for (const journal of await findJournals('shot/plates')) await recoverJournal(journal);
 */
export async function recoverJournal(journalPath: string, options: RecoverJournalOptions = {}): Promise<RecoveryResult> {
  const path = resolve(journalPath);
  const journal = await readJournal(path);
  if (options.takeOver !== true && ownerMayBeRunning(journal.owner, journal.id)) {
    throw new VfxError(
      ErrorCode.LOCKED,
      `the batch is owned by process ${journal.owner.pid} on ${journal.owner.host}, which may still be running it; ` +
        'wait for it to end, or if you know it has stopped, recover with takeOver (--take-over)',
      { file: path },
    );
  }
  const state = journal.state;
  const mode = options.mode ?? 'auto';
  const direction: RecoveryDirection = mode !== 'auto' ? mode : (journal.recovering ?? (state === 'prepared' ? 'back' : 'forward'));
  if (direction === 'back' && state === 'phase2-done') {
    throw new VfxError(ErrorCode.BAD_USAGE, 'this batch had already completed (only clean-up was left), so it cannot be rolled back; recover it forward', { file: path });
  }
  const context = newContext(journal, path, false, { onProgress: options.onProgress, stopAfter: options._stopAfter });
  await whileRunning(journal.id, async () => {
    await claimJournal(context, direction);
    if (direction === 'forward') await runForward(context);
    else await runBack(context);
  });
  return {
    journal: path,
    operation: journal.operation,
    state,
    direction,
    files: journal.entries.length,
    operations: context.operations,
    problems: context.problems,
  };
}
