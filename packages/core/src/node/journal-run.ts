/**
 * Running a journal forward (a fresh batch, or completing an interrupted one) and back (undoing one).
 *
 * ## The protocol
 * A move of N pairs, after the journal is durable:
 *   phase 1  every replaced destination `to` -> its aside temporary; every `from` -> its temporary
 *            (both renames inside one directory). Directories fsynced; journal state `phase1-done`.
 *   phase 2  every temporary -> its `to` (link + unlink: never over an existing file). A cross-device
 *            pair instead copies its temporary to a `copyTemporary` beside `to`, verifies and fsyncs
 *            it, and links that to `to`. Directories fsynced; state `phase2-done`.
 *   cleanup  (only when there is something to clean: state `phase2-done` first) remove the asides
 *            and the sources of cross-device pairs; remove the journal.
 * A copy batch: phase 1 copies every source to its `copyTemporary` (all reads happen before any
 * destination is replaced, so a copy onto another pair's source is safe), then moves replaced files
 * aside; phase 2 links every copy to its `to`; cleanup removes the asides.
 *
 * ## Why the state after a kill is always decidable
 * Temporaries are names no one else uses. In phase 1 nothing is written at any `to`, so a pair's file
 * is at its temporary if that exists and at its `from` otherwise. Once phase 1 is done every `from`
 * is vacant (or another pair's `to`), so in phase 2 a pair's file is at its temporary if that exists
 * and at its `to` otherwise (after a kill between link and unlink, at both: the same file, which the
 * steps recognise). The journal's state says which of the two rules applies; each step below is
 * written to be repeated: it first looks where the file is. So recovery can itself be killed and run
 * again, and a pair whose `to` is another pair's `from` (renumbering, swaps, cycles) is no special case.
 *
 * ## Why fsync at phase boundaries only
 * A kill -9 loses no completed system call: the file system holds exactly the renames that were made,
 * fsync or not, and the rules above decide every pair. A power cut can lose recent metadata, but
 * each rename is atomic in the file system's own journal (a file is under one of its two names), the
 * journal file and its directory are fsynced before the first rename, and every directory the batch
 * touched is fsynced before each state change is written. So a state never claims work that is not
 * on disk, and within a phase any subset of renames surviving is just another state the per-pair
 * rules decide. An fsync per rename would add nothing but ~1 ms per file.
 */
import { mkdir, rename, rmdir, readdir, writeFile, unlink } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ErrorCode, VfxError, isVfxError } from '../errors.js';
import type { ProgressEvent } from '../progress.js';
import {
  copyIntoTemporary,
  fileSystemError,
  hashFile,
  isErrnoException,
  lstatOrUndefined,
  placeWithoutOverwrite,
  removeIfExists,
  syncDirectory,
  throwIfCancelled,
  writeFileAtomic,
} from './atomic.js';
import { describeOwner, lockFileName } from './journal-format.js';
import type { Journal, JournalAside, JournalEntry, JournalOwner, RecoveryDirection } from './journal-format.js';

/** Thrown by the `_stopAfter` test hook in place of a kill: no clean-up, no rollback. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

/** Renames run this many at a time (a file system serves parallel metadata requests much faster). */
const renameConcurrency = 32;
/** Copies run this many at a time: enough to overlap latency, few enough not to thrash the disks. */
const copyConcurrency = 4;

/**
 * The ids of the journals this process is running right now. A journal names its owner's pid; for
 * our own pid this set tells a batch still running (LOCKED) from one this process abandoned (a
 * `_stopAfter` crash in tests, or an earlier failed rollback), which may be recovered.
 */
const runningJournals = new Set<string>();

export interface RunContext {
  journal: Journal;
  journalPath: string;
  /** The first run of a batch just planned and checked: files are where the plan says, so steps
   *  skip the look-before-you-act that recovery needs. Rollbacks always look. */
  fresh: boolean;
  signal: AbortSignal | undefined;
  onProgress: ((event: ProgressEvent) => void) | undefined;
  /** Test hook: throw SimulatedCrash instead of making file operation number `stopAfter + 1`. */
  stopAfter: number | undefined;
  /** File operations made so far (renames, links, unlinks, copies, journal writes). */
  operations: number;
  completed: number;
  bytes: number;
  /** Files that were found in none of their places, or left alone; reported, never thrown. */
  problems: string[];
}

export function newContext(journal: Journal, journalPath: string, fresh: boolean, options: {
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  stopAfter?: number | undefined;
}): RunContext {
  return {
    journal,
    journalPath,
    fresh,
    signal: options.signal,
    onProgress: options.onProgress,
    stopAfter: options.stopAfter,
    operations: 0,
    completed: 0,
    bytes: 0,
    problems: [],
  };
}

/** Marks the journal as run by this process while `work` runs. */
export async function whileRunning<Result>(id: string, work: () => Promise<Result>): Promise<Result> {
  runningJournals.add(id);
  try {
    return await work();
  } finally {
    runningJournals.delete(id);
  }
}

/** Whether the process that owns a journal may still be running it. A journal from another host
 *  cannot be checked and counts as running. */
export function ownerMayBeRunning(owner: JournalOwner, id: string): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return runningJournals.has(id);
  // A journal older than the last boot belongs to a process that no longer exists, whatever
  // process now has its pid.
  if (Date.parse(owner.since) < Date.now() - uptime() * 1000) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return isErrnoException(error, 'EPERM');
  }
}

/** Counts one file operation, first honouring the signal and the test hook. */
function beforeOperation(context: RunContext, file: string): void {
  throwIfCancelled(context.signal, file);
  if (context.stopAfter !== undefined && context.operations >= context.stopAfter) {
    throw new SimulatedCrash(`stopped before file operation ${context.operations + 1} (on ${file})`);
  }
  context.operations++;
}

function reportProgress(context: RunContext, item: string, bytes: number): void {
  context.completed++;
  context.bytes += bytes;
  context.onProgress?.({ completed: context.completed, total: context.journal.entries.length, bytes: context.bytes, item, outcome: 'ok' });
}

/** Writes the journal (atomically replacing the previous version). */
export async function saveJournal(context: RunContext, options: { create?: boolean } = {}): Promise<void> {
  beforeOperation(context, context.journalPath);
  await writeFileAtomic(context.journalPath, JSON.stringify(context.journal), { force: options.create !== true });
}

// ---------------------------------------------------------------------------------------------
// Forward

/** Runs the journal from its current state to the end and removes it. */
export async function runForward(context: RunContext): Promise<void> {
  const { journal } = context;
  if (journal.state === 'prepared') {
    // A fresh batch prepared them before checking the locks a second time.
    if (!context.fresh) await prepareDirectories(context);
    await runPhase1(context);
    await syncDirectories(journal);
    journal.state = 'phase1-done';
    await saveJournal(context);
  }
  if (journal.state === 'phase1-done') {
    await runPhase2(context);
    await syncDirectories(journal);
    if (!needsCleanup(journal)) {
      // Nothing is held aside: the batch is complete, and a kill before the journal is removed
      // finds every temporary gone, which forward recovery reads as "placed".
      await finish(context, 'forward');
      return;
    }
    journal.state = 'phase2-done';
    await saveJournal(context);
  }
  await runCleanup(context);
  await syncDirectories(journal);
  await finish(context, 'forward');
}

/** Creates the destination directories and the lock markers (both repeatable). */
export async function prepareDirectories(context: RunContext): Promise<void> {
  const { journal } = context;
  for (const directory of journal.createdDirectories) {
    if ((await lstatOrUndefined(directory)) !== undefined) continue;
    beforeOperation(context, directory);
    try {
      await mkdir(directory, { recursive: true });
    } catch (error) {
      throw fileSystemError(error, directory, 'create the directory');
    }
  }
  const journalDirectory = dirname(context.journalPath);
  for (const directory of journal.directories) {
    if (directory === journalDirectory) continue;
    beforeOperation(context, directory);
    const marker = join(directory, lockFileName(journal.id));
    try {
      await writeFile(marker, `${JSON.stringify({ journal: context.journalPath })}\n`);
    } catch (error) {
      // A recovery may find a directory of the batch removed since: there is nothing left to lock.
      if (!context.fresh && isErrnoException(error, 'ENOENT')) continue;
      throw fileSystemError(error, marker, 'write the lock marker');
    }
  }
}

async function runPhase1(context: RunContext): Promise<void> {
  const { journal } = context;
  if (journal.operation === 'copy') {
    await forEachLimited(context, journal.entries, copyConcurrency, (entry) => copyToTemporary(context, entry));
  }
  await forEachLimited(context, journal.asides, renameConcurrency, (aside) => setAside(context, aside.path, aside.temporary, 'replaced'));
  if (journal.operation === 'move') {
    await forEachLimited(context, journal.entries, renameConcurrency, (entry) => setAside(context, entry.from, moveTemporaryOf(entry), 'source'));
  }
}

async function runPhase2(context: RunContext): Promise<void> {
  const { journal } = context;
  const copied = journal.entries.filter((entry) => entry.copyTemporary !== undefined && journal.operation === 'move');
  const placed = journal.entries.filter((entry) => !(entry.copyTemporary !== undefined && journal.operation === 'move'));
  await forEachLimited(context, placed, renameConcurrency, (entry) =>
    placeEntry(context, journal.operation === 'move' ? moveTemporaryOf(entry) : copyTemporaryOf(entry), entry.to),
  );
  await forEachLimited(context, copied, copyConcurrency, (entry) => copyAcrossDevices(context, entry));
}

/** Whether a completed phase 2 leaves files to remove: replaced files, cross-device sources. */
function needsCleanup(journal: Journal): boolean {
  return journal.asides.length > 0 || journal.entries.some((entry) => entry.copyTemporary !== undefined && entry.temporary !== undefined);
}

async function runCleanup(context: RunContext): Promise<void> {
  const { journal } = context;
  const leftovers: string[] = journal.asides.map((aside) => aside.temporary);
  for (const entry of journal.entries) {
    // A cross-device source goes only now that every copy has landed; a copy temporary here can only
    // be a second name of a placed copy (a kill between link and unlink).
    if (entry.copyTemporary !== undefined) leftovers.push(entry.copyTemporary);
    if (entry.copyTemporary !== undefined && entry.temporary !== undefined) leftovers.push(entry.temporary);
  }
  await forEachLimited(context, leftovers, renameConcurrency, async (path) => {
    if (!context.fresh && (await lstatOrUndefined(path)) === undefined) return;
    beforeOperation(context, path);
    await removeIfExists(path);
  });
}

/** Phase 1 of a source or a replaced file: `path` -> `temporary` in the same directory. */
async function setAside(context: RunContext, path: string, temporary: string, role: 'source' | 'replaced'): Promise<void> {
  if (!context.fresh && (await lstatOrUndefined(temporary)) !== undefined) return;
  beforeOperation(context, path);
  try {
    await rename(path, temporary);
  } catch (error) {
    if (!isErrnoException(error, 'ENOENT')) throw fileSystemError(error, path, `rename it to ${temporary}`);
    if (context.fresh) throw new VfxError(ErrorCode.NOT_FOUND, 'the file disappeared while the batch was running', { file: path, cause: error });
    // A replaced file someone removed in the meantime needs no protecting; a source is lost.
    if (role === 'source') context.problems.push(`${path}: missing (found neither here nor at ${temporary})`);
  }
}

/** Phase 2 of a move, or of a copy batch: `temporary` -> `to`, never over another file. */
async function placeEntry(context: RunContext, temporary: string, to: string): Promise<void> {
  beforeOperation(context, to);
  const outcome = await placeWithoutOverwrite(temporary, to);
  if (outcome === 'source-missing') {
    if (context.fresh) throw new VfxError(ErrorCode.NOT_FOUND, 'a temporary of the batch disappeared while it was running', { file: temporary });
    if ((await lstatOrUndefined(to)) === undefined) context.problems.push(`${to}: missing (found neither here nor at ${temporary})`);
  }
  reportProgress(context, to, 0);
}

/** Phase 1 of a copy batch: copy the source to its temporary beside the destination. */
async function copyToTemporary(context: RunContext, entry: JournalEntry): Promise<void> {
  const source = context.fresh ? entry.from : await sourceOfCopy(context, entry);
  if (source === undefined) {
    context.problems.push(`${entry.from}: missing, not copied to ${entry.to}`);
    return;
  }
  beforeOperation(context, entry.to);
  const { bytes } = await copyIntoTemporary(source, copyTemporaryOf(entry), {
    preserve: context.journal.copy.preserve,
    verify: context.journal.copy.verify,
    signal: context.signal,
  });
  reportProgress(context, entry.to, bytes);
}

/** Phase 2 of a cross-device move: copy the held source to a temporary beside `to`, link it there. */
async function copyAcrossDevices(context: RunContext, entry: JournalEntry): Promise<void> {
  const held = moveTemporaryOf(entry);
  const copyTemporary = copyTemporaryOf(entry);
  if (!context.fresh) {
    const [heldStats, targetStats] = await Promise.all([lstatOrUndefined(held), lstatOrUndefined(entry.to)]);
    if (targetStats !== undefined) {
      if (heldStats !== undefined && !(await isCopyOf(entry.to, held))) {
        throw new VfxError(ErrorCode.WOULD_OVERWRITE, `a file that is not the batch's copy of ${entry.from} is in the way; move it away and recover again`, { file: entry.to });
      }
      if ((await lstatOrUndefined(copyTemporary)) !== undefined) {
        beforeOperation(context, copyTemporary);
        await removeIfExists(copyTemporary);
      }
      reportProgress(context, entry.to, 0);
      return;
    }
    if (heldStats === undefined) {
      context.problems.push(`${entry.to}: missing (found neither here nor at ${held})`);
      return;
    }
  }
  beforeOperation(context, entry.to);
  const { bytes } = await copyIntoTemporary(held, copyTemporary, {
    preserve: context.journal.copy.preserve,
    verify: context.journal.copy.verify,
    signal: context.signal,
  });
  beforeOperation(context, entry.to);
  await placeWithoutOverwrite(copyTemporary, entry.to);
  reportProgress(context, entry.to, bytes);
}

// ---------------------------------------------------------------------------------------------
// Back

/** Undoes the batch from its current state and removes the journal. */
export async function runBack(context: RunContext): Promise<void> {
  const { journal } = context;
  if (journal.state === 'phase2-done') {
    throw new VfxError(
      ErrorCode.BAD_USAGE,
      'this batch had already completed (only removing the replaced files was left), so it cannot be rolled back; recover it forward',
      { file: context.journalPath },
    );
  }
  if (journal.state === 'phase1-done') {
    await undoPhase2(context);
    await syncDirectories(journal);
    journal.state = 'prepared';
    await saveJournal(context);
  }
  await undoPhase1(context);
  await syncDirectories(journal);
  await finish(context, 'back');
}

async function undoPhase2(context: RunContext): Promise<void> {
  const { journal } = context;
  await forEachLimited(context, journal.entries, renameConcurrency, async (entry) => {
    if (journal.operation === 'copy') await unplaceCopy(context, entry, copyTemporaryOf(entry), () => sourceOfCopy(context, entry));
    else if (entry.copyTemporary !== undefined) await unplaceCopy(context, entry, entry.copyTemporary, async () => moveTemporaryOf(entry));
    else await unplaceMove(context, entry);
  });
}

/** Undoes phase 2 of a same-device move: the file goes back from `to` to its temporary. */
async function unplaceMove(context: RunContext, entry: JournalEntry): Promise<void> {
  const temporary = moveTemporaryOf(entry);
  const [heldStats, targetStats] = await Promise.all([lstatOrUndefined(temporary), lstatOrUndefined(entry.to)]);
  if (heldStats !== undefined) {
    // Killed between link and unlink: `to` is a second name of the held file.
    if (targetStats !== undefined && targetStats.ino === heldStats.ino && targetStats.dev === heldStats.dev) {
      beforeOperation(context, entry.to);
      await removeIfExists(entry.to);
    }
    return;
  }
  if (targetStats === undefined) {
    context.problems.push(`${entry.from}: missing (found neither at ${entry.to} nor at ${temporary})`);
    return;
  }
  beforeOperation(context, entry.to);
  try {
    await rename(entry.to, temporary);
  } catch (error) {
    throw fileSystemError(error, entry.to, `rename it back to ${temporary}`);
  }
}

/** Undoes phase 2 of a copy: removes the copy at `to` (only if it is the batch's copy of `source`)
 *  and the copy temporary. */
async function unplaceCopy(
  context: RunContext,
  entry: JournalEntry,
  copyTemporary: string,
  findSource: () => Promise<string | undefined>,
): Promise<void> {
  const [copyStats, targetStats] = await Promise.all([lstatOrUndefined(copyTemporary), lstatOrUndefined(entry.to)]);
  if (targetStats !== undefined) {
    const sameFile = copyStats !== undefined && copyStats.ino === targetStats.ino && copyStats.dev === targetStats.dev;
    const source = sameFile ? undefined : await findSource();
    if (sameFile || (source !== undefined && (await isCopyOf(entry.to, source)))) {
      beforeOperation(context, entry.to);
      await removeIfExists(entry.to);
    } else {
      context.problems.push(`${entry.to}: not the batch's copy of ${entry.from} (or its source is gone); left alone`);
    }
  }
  if (copyStats !== undefined) {
    beforeOperation(context, copyTemporary);
    await removeIfExists(copyTemporary);
  }
}

async function undoPhase1(context: RunContext): Promise<void> {
  const { journal } = context;
  await forEachLimited(context, journal.entries, renameConcurrency, async (entry) => {
    if (entry.copyTemporary !== undefined && (await lstatOrUndefined(entry.copyTemporary)) !== undefined) {
      beforeOperation(context, entry.copyTemporary);
      await removeIfExists(entry.copyTemporary);
    }
    if (entry.temporary !== undefined) await putBack(context, entry.temporary, entry.from, 'source');
  });
  await forEachLimited(context, journal.asides, renameConcurrency, (aside: JournalAside) => putBack(context, aside.temporary, aside.path, 'replaced'));
}

/** Undoes phase 1 of a source or a replaced file: `temporary` -> `path`, never over another file. */
async function putBack(context: RunContext, temporary: string, path: string, role: 'source' | 'replaced'): Promise<void> {
  if ((await lstatOrUndefined(temporary)) === undefined) {
    if (role === 'source' && (await lstatOrUndefined(path)) === undefined) context.problems.push(`${path}: missing (found neither here nor at ${temporary})`);
    return;
  }
  beforeOperation(context, path);
  await placeWithoutOverwrite(temporary, path);
}

// ---------------------------------------------------------------------------------------------
// Shared

/** Removes the lock markers, the directories a rollback leaves empty, the journal and its torn
 *  rewrites. */
async function finish(context: RunContext, direction: RecoveryDirection): Promise<void> {
  const { journal } = context;
  for (const directory of journal.directories) {
    const marker = join(directory, lockFileName(journal.id));
    if ((await lstatOrUndefined(marker)) === undefined) continue;
    beforeOperation(context, marker);
    await removeIfExists(marker);
  }
  if (direction === 'back') {
    for (const directory of [...journal.createdDirectories].reverse()) {
      try {
        await rmdir(directory);
      } catch {
        // Not empty (someone put a file there) or already gone: either way it stays as it is.
      }
    }
  }
  beforeOperation(context, context.journalPath);
  await removeIfExists(context.journalPath);
  const journalDirectory = dirname(context.journalPath);
  const tornRewrites = `.${basename(context.journalPath)}.vfx-tmp-`;
  for (const name of await readdir(journalDirectory).catch((): string[] => [])) {
    if (name.startsWith(tornRewrites)) await removeIfExists(join(journalDirectory, name));
  }
  await syncDirectory(journalDirectory);
}

/** fsyncs every directory of the batch that exists. */
async function syncDirectories(journal: Journal): Promise<void> {
  for (const directory of journal.directories) {
    try {
      await syncDirectory(directory);
    } catch (error) {
      if (!(isVfxError(error) && error.code === ErrorCode.NOT_FOUND)) throw error;
    }
  }
}

/**
 * Whether `copy` is the batch's copy of `source`: same size and same content. Recovery deletes a
 * copy only after this check, so a file someone else wrote at a destination while the batch lay
 * interrupted is never taken for ours. (Modification times cannot decide it: the copy's is set with
 * at best microsecond precision and some file systems keep whole seconds.)
 */
async function isCopyOf(copy: string, source: string): Promise<boolean> {
  const [copyStats, sourceStats] = await Promise.all([lstatOrUndefined(copy), lstatOrUndefined(source)]);
  if (copyStats === undefined || sourceStats === undefined || !copyStats.isFile() || copyStats.size !== sourceStats.size) return false;
  const [copyHash, sourceHash] = await Promise.all([hashFile(copy), hashFile(source)]);
  return copyHash === sourceHash;
}

/**
 * Where the original content of a copy batch's source is now. A source that is also replaced by the
 * batch (a forced copy onto its own sequence) is aside once phase 1 set it aside, and its own path
 * may by then hold another pair's copy: the aside, when it exists, is the source.
 */
async function sourceOfCopy(context: RunContext, entry: JournalEntry): Promise<string | undefined> {
  const aside = context.journal.asides.find((candidate) => candidate.path === entry.from);
  if (aside !== undefined && (await lstatOrUndefined(aside.temporary)) !== undefined) return aside.temporary;
  if ((await lstatOrUndefined(entry.from)) !== undefined) return entry.from;
  return undefined;
}

function moveTemporaryOf(entry: JournalEntry): string {
  if (entry.temporary === undefined) throw new VfxError(ErrorCode.BAD_JOURNAL, `entry ${entry.from} has no temporary`, { file: entry.from });
  return entry.temporary;
}

function copyTemporaryOf(entry: JournalEntry): string {
  if (entry.copyTemporary === undefined) throw new VfxError(ErrorCode.BAD_JOURNAL, `entry ${entry.to} has no copy temporary`, { file: entry.to });
  return entry.copyTemporary;
}

/**
 * Runs `task` for every item, `limit` at a time. A fresh run stops at the first failure; a recovery
 * goes on past WOULD_OVERWRITE conflicts (another file in the way), so one intruder does not block
 * the other pairs, and reports them all at the end. Either way every started task has settled
 * before this returns or throws: nothing keeps renaming behind the caller's back.
 */
async function forEachLimited<Item>(context: RunContext, items: readonly Item[], limit: number, task: (item: Item) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const conflicts: VfxError[] = [];
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as Item;
      try {
        await task(item);
      } catch (error) {
        if (!context.fresh && isVfxError(error) && error.code === ErrorCode.WOULD_OVERWRITE) conflicts.push(error);
        else failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  const first = conflicts[0];
  if (first !== undefined) {
    const named = conflicts.slice(0, 5).map((conflict) => conflict.file ?? '').join(', ');
    const more = conflicts.length > 5 ? ` (and ${conflicts.length - 5} more)` : '';
    throw new VfxError(
      ErrorCode.WOULD_OVERWRITE,
      `${conflicts.length} file(s) of the batch cannot take their names because other files now have them: ${named}${more}. ` +
        `Move those away and run the recovery again; the journal ${context.journalPath} was kept`,
      { file: first.file ?? context.journalPath, cause: first },
    );
  }
}

/** Takes over a journal for recovery: records the direction and this process as its owner. */
export async function claimJournal(context: RunContext, direction: RecoveryDirection): Promise<void> {
  context.journal.recovering = direction;
  context.journal.owner = describeOwner();
  await saveJournal(context);
}

/** Removes a just-written journal and its lock markers when a batch backs off before touching a
 *  file (a pending journal appeared in one of its directories). */
export async function withdrawJournal(context: RunContext): Promise<void> {
  for (const directory of context.journal.directories) await removeIfExists(join(directory, lockFileName(context.journal.id)));
  for (const directory of [...context.journal.createdDirectories].reverse()) await rmdir(directory).catch(() => undefined);
  await unlink(context.journalPath).catch(() => undefined);
}
