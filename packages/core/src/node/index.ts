/**
 * @vfxkit/core/node: node-only helpers (file system, worker threads). Never imported by pure packages.
 */
export { scanSequences, scanTree } from './scan.js';
export type { ScanDirectory, ScanFile, ScanGroup, ScanOptions, ScanSequenceDirectory, ScanSequencesOptions, ScannedFile, ScannedSequence } from './scan.js';
export { createLocalRunner, createWorkerRunner, skipped, isSkipped } from './runner.js';
export type { JobContext, JobFunction, JobOutcome, JobResult, JobRunner, RunOptions, RunSummary, Skipped, WorkerRunnerOptions } from './runner.js';
export { writeFileAtomic, writeFileAtomicWith, copyFileSafe, removeStaleTemps } from './atomic.js';
export type { WriteFileAtomicOptions, CopyFileSafeOptions, CopyResult, RemoveStaleTempsOptions } from './atomic.js';
export { moveFiles, copyFiles, findJournals, recoverJournal, readJournal } from './journal.js';
export type {
  FileBatchOptions,
  MoveFilesOptions,
  FileBatchResult,
  FilePair,
  PlannedPair,
  RecoverJournalOptions,
  RecoveryResult,
  Journal,
  JournalEntry,
  JournalAside,
  JournalOperation,
  JournalState,
  RecoveryDirection,
} from './journal.js';
export {};
