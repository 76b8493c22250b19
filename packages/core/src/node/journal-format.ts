/**
 * The journal of a batch of moves or copies: its JSON shape, its names on disk, reading it back with
 * strict checks, and the directory locks it implies.
 *
 * A journal is one JSON document, `.vfx-journal-<id>.json`, replaced atomically (`writeFileAtomic`
 * with force: temporary + fsync + rename + directory fsync) at each phase boundary, so on disk it is
 * always a complete old version or a complete new one, never a torn append. It is written before
 * any file of the batch is touched and removed after the last one is.
 *
 * Each directory the batch touches, other than the journal's own, holds a lock marker
 * `.vfx-journal-<id>.lock` naming the journal, so that `vfx seq recover <any of those directories>`
 * finds it and another batch there is refused (LOCKED) until it is recovered.
 */
import { hostname } from 'node:os';
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { ErrorCode, VfxError } from '../errors.js';
import { fileSystemError, isErrnoException, lstatOrUndefined } from './atomic.js';

export const journalFormat = 'vfxkit-journal';
export const journalVersion = 1;

export type JournalOperation = 'move' | 'copy';

/**
 * Where the batch stands; each state says where every file of the batch can be:
 * - `prepared`: phase 1 may have started. A moved file is at its `from` or its `temporary`; a file
 *   replaced with force is at its `path` or its aside `temporary`; a copy may have a partial
 *   `copyTemporary`.
 * - `phase1-done`: every move source is at its `temporary`, every replaced file aside, every copy of
 *   a copy batch complete at its `copyTemporary`. Phase 2 may have started: a moved file is at its
 *   `temporary` or its `to`.
 * - `phase2-done`: every file is at its `to`; only the clean-up (asides, cross-device sources) is left.
 */
export type JournalState = 'prepared' | 'phase1-done' | 'phase2-done';

export type RecoveryDirection = 'forward' | 'back';

export interface JournalEntry {
  /** Absolute path of the source. */
  from: string;
  /** Absolute path of the destination. */
  to: string;
  /** Moves: the hidden name the source takes in its own directory during the batch. */
  temporary?: string;
  /** Copies and cross-device moves: the hidden name the copy is written to in the destination's
   *  directory before it is linked to `to`. */
  copyTemporary?: string;
}

/** A file replaced with force, kept under a hidden name until the batch completes. */
export interface JournalAside {
  path: string;
  temporary: string;
}

/** The process that runs the journal, so a second process does not recover a batch still running. */
export interface JournalOwner {
  pid: number;
  host: string;
  /** ISO time the owner took the journal. */
  since: string;
}

export interface Journal {
  format: typeof journalFormat;
  version: typeof journalVersion;
  id: string;
  operation: JournalOperation;
  /** ISO time the batch was planned. */
  created: string;
  owner: JournalOwner;
  state: JournalState;
  /** Set once a recovery chose its direction, so a recovery killed half way goes on the same way. */
  recovering?: RecoveryDirection;
  /** How copies (copy batches, cross-device moves) are made and checked. */
  copy: { preserve: boolean; verify: 'size' | 'hash' };
  /** Every directory the batch touches (sources, destinations, temporaries, the journal). */
  directories: string[];
  /** Destination directories the batch created, shallowest first; a rollback removes them if empty. */
  createdDirectories: string[];
  entries: JournalEntry[];
  asides: JournalAside[];
}

const idPattern = '[0-9a-z]+-[0-9a-f]{8}';
const journalNamePattern = new RegExp(`^\\.vfx-journal-(${idPattern})\\.json$`);
const lockNamePattern = new RegExp(`^\\.vfx-journal-(${idPattern})\\.lock$`);

/** A new journal id: time (base 36) and 32 random bits, unique across processes and hosts. */
export function newJournalId(random: string): string {
  return `${Date.now().toString(36)}-${random}`;
}

export function journalFileName(id: string): string {
  return `.vfx-journal-${id}.json`;
}

export function lockFileName(id: string): string {
  return `.vfx-journal-${id}.lock`;
}

/** The id of a journal file name, or undefined when the name is not one. */
export function journalIdOfName(name: string): string | undefined {
  return journalNamePattern.exec(name)?.[1];
}

export function describeOwner(): JournalOwner {
  return { pid: process.pid, host: hostname(), since: new Date().toISOString() };
}

/**
 * Reads and checks a journal. Every path must be absolute, and every temporary must carry the
 * journal's id in a vfxkit temporary name, because recovery renames and deletes exactly these paths:
 * a damaged journal must not be able to point it at unrelated files.
 *
 * @throws VfxError NOT_FOUND when the file is missing, BAD_JOURNAL when it is not a journal this
 *   version of vfxkit understands.
 */
export async function readJournal(path: string): Promise<Journal> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error, 'ENOENT')) throw new VfxError(ErrorCode.NOT_FOUND, 'the journal does not exist (already recovered?)', { file: path, cause: error });
    throw fileSystemError(error, path, 'read the journal');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badJournal(path, `it is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return checkJournal(value, path);
}

function badJournal(path: string, reason: string): VfxError {
  return new VfxError(ErrorCode.BAD_JOURNAL, `not a usable vfxkit journal: ${reason}; no file was touched. Inspect it by hand before deleting it`, { file: path });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkJournal(value: unknown, path: string): Journal {
  if (!isRecord(value) || value['format'] !== journalFormat) throw badJournal(path, `its "format" is not "${journalFormat}"`);
  if (value['version'] !== journalVersion) {
    throw badJournal(path, `it has version ${JSON.stringify(value['version'])}, this vfxkit reads version ${journalVersion} (a newer vfxkit may recover it)`);
  }
  const id = value['id'];
  if (typeof id !== 'string' || !new RegExp(`^${idPattern}$`).test(id)) throw badJournal(path, 'its "id" is missing or malformed');
  const operation = value['operation'];
  if (operation !== 'move' && operation !== 'copy') throw badJournal(path, `unknown operation ${JSON.stringify(operation)}`);
  const state = value['state'];
  if (state !== 'prepared' && state !== 'phase1-done' && state !== 'phase2-done') throw badJournal(path, `unknown state ${JSON.stringify(state)}`);
  const recovering = value['recovering'];
  if (recovering !== undefined && recovering !== 'forward' && recovering !== 'back') throw badJournal(path, `unknown recovery direction ${JSON.stringify(recovering)}`);
  const owner = value['owner'];
  if (!isRecord(owner) || typeof owner['pid'] !== 'number' || typeof owner['host'] !== 'string' || typeof owner['since'] !== 'string') {
    throw badJournal(path, 'its "owner" is missing or malformed');
  }
  const copy = value['copy'];
  if (!isRecord(copy) || typeof copy['preserve'] !== 'boolean' || (copy['verify'] !== 'size' && copy['verify'] !== 'hash')) {
    throw badJournal(path, 'its "copy" settings are missing or malformed');
  }
  const created = value['created'];
  if (typeof created !== 'string') throw badJournal(path, 'its "created" time is missing');

  const absolutePath = (candidate: unknown, what: string): string => {
    if (typeof candidate !== 'string' || !isAbsolute(candidate)) throw badJournal(path, `${what} is not an absolute path: ${JSON.stringify(candidate)}`);
    return candidate;
  };
  const temporaryPattern = (kind: string): RegExp => new RegExp(`^\\..*\\.vfx-${kind}-${id}-\\d+$`);
  const temporaryPath = (candidate: unknown, kind: 'move' | 'copy' | 'aside', sibling: string, what: string): string => {
    const checked = absolutePath(candidate, what);
    if (!temporaryPattern(kind).test(basename(checked)) || dirname(checked) !== dirname(sibling)) {
      throw badJournal(path, `${what} ${JSON.stringify(checked)} is not a temporary name of this journal beside ${sibling}`);
    }
    return checked;
  };
  const list = (key: string): unknown[] => {
    const items = value[key];
    if (!Array.isArray(items)) throw badJournal(path, `its "${key}" list is missing`);
    return items as unknown[];
  };

  const entries = list('entries').map((item, index): JournalEntry => {
    if (!isRecord(item)) throw badJournal(path, `entry ${index} is not an object`);
    const from = absolutePath(item['from'], `entry ${index} "from"`);
    const to = absolutePath(item['to'], `entry ${index} "to"`);
    const entry: JournalEntry = { from, to };
    if (item['temporary'] !== undefined) entry.temporary = temporaryPath(item['temporary'], 'move', from, `entry ${index} "temporary"`);
    if (item['copyTemporary'] !== undefined) entry.copyTemporary = temporaryPath(item['copyTemporary'], 'copy', to, `entry ${index} "copyTemporary"`);
    const wellFormed = operation === 'move' ? entry.temporary !== undefined : entry.temporary === undefined && entry.copyTemporary !== undefined;
    if (!wellFormed) throw badJournal(path, `entry ${index} does not have the temporaries of a ${operation}`);
    return entry;
  });
  const asides = list('asides').map((item, index): JournalAside => {
    if (!isRecord(item)) throw badJournal(path, `aside ${index} is not an object`);
    const asidePath = absolutePath(item['path'], `aside ${index} "path"`);
    return { path: asidePath, temporary: temporaryPath(item['temporary'], 'aside', asidePath, `aside ${index} "temporary"`) };
  });
  const directories = list('directories').map((item, index) => absolutePath(item, `directory ${index}`));
  const createdDirectories = list('createdDirectories').map((item, index) => absolutePath(item, `created directory ${index}`));

  return {
    format: journalFormat,
    version: journalVersion,
    id,
    operation,
    created,
    owner: { pid: owner['pid'], host: owner['host'], since: owner['since'] },
    state,
    ...(recovering !== undefined ? { recovering } : {}),
    copy: { preserve: copy['preserve'], verify: copy['verify'] },
    directories,
    createdDirectories,
    entries,
    asides,
  };
}

/** A pending journal found in or through a directory. */
export interface PendingJournal {
  /** Absolute path of the journal file. */
  path: string;
  id: string;
  /** The directory it was found through (its own, or one holding its lock marker). */
  directory: string;
}

/**
 * The pending journals in `directory` and those that lock it from elsewhere (through a lock marker
 * whose journal still exists; a marker whose journal is gone is left over from a finished batch and
 * ignored). A directory that does not exist has none.
 */
export async function pendingJournalsIn(directory: string): Promise<PendingJournal[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if (isErrnoException(error, 'ENOENT', 'ENOTDIR')) return [];
    throw fileSystemError(error, directory, 'list the directory');
  }
  const found = new Map<string, PendingJournal>();
  for (const name of names) {
    const journalId = journalIdOfName(name);
    if (journalId !== undefined) {
      found.set(journalId, { path: join(directory, name), id: journalId, directory });
      continue;
    }
    const lockId = lockNamePattern.exec(name)?.[1];
    if (lockId === undefined || found.has(lockId)) continue;
    const target = await readLockMarker(join(directory, name));
    if (target !== undefined && (await lstatOrUndefined(target)) !== undefined) found.set(lockId, { path: target, id: lockId, directory });
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** The journal a lock marker names, or undefined when the marker is unreadable (a torn write). */
async function readLockMarker(markerPath: string): Promise<string | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(markerPath, 'utf8'));
    return isRecord(value) && typeof value['journal'] === 'string' && isAbsolute(value['journal']) ? value['journal'] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Throws LOCKED when any of `directories` has a pending journal other than `ownId`'s, telling the
 * user how to resolve it.
 */
export async function assertNotLocked(directories: Iterable<string>, ownId?: string): Promise<void> {
  for (const directory of directories) {
    const pending = (await pendingJournalsIn(directory)).filter((journal) => journal.id !== ownId);
    const first = pending[0];
    if (first !== undefined) {
      throw new VfxError(
        ErrorCode.LOCKED,
        `directory ${directory} has a pending journal ${first.path} from an interrupted or running operation; ` +
          `run 'vfx seq recover ${directory}' once that operation has stopped, then try again`,
        { file: first.path },
      );
    }
  }
}
