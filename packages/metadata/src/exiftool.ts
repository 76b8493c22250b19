/**
 * One ExifTool for a whole command: `ExifToolSession` wraps one exiftool-vendored `ExifTool` (a
 * pool of `exiftool -stay_open` Perl processes, at most `maxProcs`), started on first use and
 * ended by `end()`, which every command calls in a `finally`: a process left running would keep
 * the CLI from exiting.
 *
 * Reads are batched: `read(path)` calls wait in a queue while every ExifTool process is busy, and a
 * process that comes free takes up to `batchSize` of them as one command line, which is about twice
 * as fast as one command per file (ExifTool's per-command cost is paid once). A job runner with more
 * files in flight than processes therefore keeps every process busy with full batches. Each file
 * still gets its own result or error.
 *
 * Tasks are plain ExifTool argument lists (`ExifToolTask` of exiftool-vendored), so reads print
 * exactly what `exiftool -j -n` prints, and writes run exactly the arguments an ExifTool user
 * would type: no MWG composite tags, no value rewriting.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { ExifTool, ExifToolTask } from 'exiftool-vendored';

/** The part of a child process this module touches. */
interface ChildProcessPipes {
  stdout?: { setEncoding(encoding: 'utf8'): unknown } | null;
  stderr?: { setEncoding(encoding: 'utf8'): unknown } | null;
}
import { ErrorCode, VfxError } from '@vfxkit/core';
import { MetaErrorCode, metaError } from './errors.js';

export interface ExifToolSessionOptions {
  /** ExifTool processes at most (match `-j`). Default 1. */
  maxProcs?: number;
  /** Files per read command. Default 16. */
  batchSize?: number;
  /** Another `exiftool` to run instead of the bundled one (e.g. `/usr/bin/exiftool`). */
  exiftoolPath?: string;
  /** A task that takes longer than this is retried once, then fails (ms). Default 120000. */
  taskTimeoutMs?: number;
}

/** What one ExifTool command printed. */
export interface ExifToolOutput {
  stdout: string;
  /** stderr lines that are errors. */
  errors: string[];
  /** stderr lines that are warnings (`Warning: ...`). */
  warnings: string[];
}

/** Raw tags as `exiftool -j` prints one file: `{ SourceFile, Tag: value, ... }`. */
export type RawTags = Record<string, unknown>;

export interface ExifToolReadOptions {
  /** `-G`: keys as `Group:Tag`. */
  grouped?: boolean;
  /** `-fast`: stop at the image data (skips trailers at the end of JPEGs). */
  fast?: boolean;
}

type Vendored = typeof import('exiftool-vendored');
let vendored: Vendored | undefined;
let ArgumentsTask: (new (args: string[]) => ExifToolTask<ExifToolOutput>) | undefined;

/** exiftool-vendored, loaded on first use: commands that never run ExifTool (a catalog query, EXR
 *  files only) do not pay for loading it. */
function loadVendored(): Vendored {
  if (vendored === undefined) {
    vendored = createRequire(import.meta.url)('exiftool-vendored') as Vendored;
    ArgumentsTask = class ArgumentsTask extends vendored.ExifToolTask<ExifToolOutput> {
      constructor(args: string[]) {
        super(args, { ignoreMinorErrors: false });
      }

      protected parse(stdout: string): ExifToolOutput {
        return { stdout, errors: [...this.errors], warnings: [...this.warnings] };
      }
    };
  }
  return vendored;
}

/** A task running `args` as one ExifTool command. */
function argumentsTask(args: string[]): ExifToolTask<ExifToolOutput> {
  loadVendored();
  return new ArgumentsTask!(args);
}

interface PendingRead {
  path: string;
  resolve: (tags: RawTags) => void;
  reject: (error: unknown) => void;
}

interface PendingBatch {
  args: string[];
  reads: PendingRead[];
}

/** Arguments every command gets: UTF-8 file names, files over 2 GiB. */
const COMMON_ARGS = ['-charset', 'filename=utf8', '-api', 'largefilesupport=1'];

/** Characters an argument line cannot carry (ExifTool reads its arguments one per line). */
const LINE_BREAK = /[\r\n\0]/;

export class ExifToolSession {
  private exiftool: ExifTool | undefined;
  private readonly options: Required<Omit<ExifToolSessionOptions, 'exiftoolPath'>> & { exiftoolPath: string | undefined };
  private readonly pending = new Map<string, PendingBatch>();
  private readsInFlight = 0;
  private pumpScheduled = false;
  private ended = false;

  constructor(options: ExifToolSessionOptions = {}) {
    this.options = {
      maxProcs: Math.max(1, options.maxProcs ?? 1),
      batchSize: Math.max(1, options.batchSize ?? 16),
      exiftoolPath: options.exiftoolPath,
      taskTimeoutMs: options.taskTimeoutMs ?? 120_000,
    };
  }

  /** True once a process may have been started (`end()` then has something to stop). */
  get started(): boolean {
    return this.exiftool !== undefined;
  }

  private instance(): ExifTool {
    if (this.ended) throw metaError(MetaErrorCode.META_EXIFTOOL, 'ExifTool was already shut down for this command');
    this.exiftool ??= new (loadVendored().ExifTool)({
      maxProcs: this.options.maxProcs,
      taskTimeoutMillis: this.options.taskTimeoutMs,
      ...(this.options.exiftoolPath !== undefined ? { exiftoolPath: this.options.exiftoolPath } : {}),
    });
    // batch-cluster appends each stdout chunk with Buffer#toString(), which splits a UTF-8 character
    // that straddles two chunks into replacement characters (seen on a Ukrainian ICC profile name
    // under load). Decoding the pipes as UTF-8 streams keeps split characters whole. childStart is
    // emitted synchronously right after the spawn, before any output can be read.
    (this.exiftool.on as (event: string, listener: (child: { proc?: ChildProcessPipes }) => void) => void)('childStart', (child) => {
      child.proc?.stdout?.setEncoding('utf8');
      child.proc?.stderr?.setEncoding('utf8');
    });
    return this.exiftool;
  }

  /** Runs one ExifTool command (the arguments as typed after `exiftool`, without `-execute`). */
  async run(args: string[], options: { retriable?: boolean } = {}): Promise<ExifToolOutput> {
    const bad = args.find((a) => LINE_BREAK.test(a));
    if (bad !== undefined) throw metaError(MetaErrorCode.META_BAD_TAG, `an argument holds a line break, which ExifTool cannot take: ${JSON.stringify(bad)}`);
    const exiftool = this.instance();
    try {
      return await exiftool.enqueueTask(() => argumentsTask([...COMMON_ARGS, ...args]), options.retriable ?? true);
    } catch (error) {
      throw metaError(MetaErrorCode.META_EXIFTOOL, `ExifTool failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** The version of the ExifTool this session runs. */
  async version(): Promise<string> {
    return (await this.run(['-ver'])).stdout.trim();
  }

  /**
   * Reads one file as `exiftool -j -n [-G] [-fast] FILE` prints it. Reads wait in a queue while
   * every ExifTool process is busy, and go out as one command of up to `batchSize` files when one
   * is free (see the module notes).
   * @throws META_UNREADABLE with ExifTool's words when it cannot read the file; NOT_FOUND when the
   *   file is not there.
   */
  read(path: string, options: ExifToolReadOptions = {}): Promise<RawTags> {
    const args = ['-j', '-n', ...(options.grouped === true ? ['-G'] : []), ...(options.fast === true ? ['-fast'] : [])];
    const key = args.join(' ');
    return new Promise<RawTags>((resolvePromise, reject) => {
      const absolute = resolve(path);
      if (LINE_BREAK.test(absolute)) {
        reject(metaError(MetaErrorCode.META_UNREADABLE, 'ExifTool cannot read a file whose name holds a line break'));
        return;
      }
      let queue = this.pending.get(key);
      if (queue === undefined) {
        queue = { args, reads: [] };
        this.pending.set(key, queue);
      }
      queue.reads.push({ path: absolute, resolve: resolvePromise, reject });
      this.schedulePump();
    });
  }

  /** Sends queued reads once the current turn has queued all it will (reads made together batch). */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** While a process is free and reads wait, sends the longest queue's first `batchSize` reads. */
  private pump(): void {
    while (this.readsInFlight < this.options.maxProcs) {
      let queue: PendingBatch | undefined;
      for (const candidate of this.pending.values()) if (candidate.reads.length > (queue?.reads.length ?? 0)) queue = candidate;
      if (queue === undefined) return;
      const batch: PendingBatch = { args: queue.args, reads: queue.reads.splice(0, this.options.batchSize) };
      this.readsInFlight++;
      const paths = [...new Set(batch.reads.map((r) => r.path))];
      this.run([...batch.args, ...paths])
        .then(
          (output) => this.settle(batch, output),
          (error: unknown) => {
            for (const read of batch.reads) read.reject(error);
          },
        )
        .finally(() => {
          this.readsInFlight--;
          this.pump();
        });
    }
  }

  private settle(batch: PendingBatch, output: ExifToolOutput): void {
    let entries: RawTags[] = [];
    const text = output.stdout.trim();
    if (text !== '') {
      try {
        entries = JSON.parse(text) as RawTags[];
      } catch (error) {
        const failure = metaError(MetaErrorCode.META_EXIFTOOL, `ExifTool printed JSON that does not parse: ${(error as Error).message}`);
        for (const read of batch.reads) read.reject(failure);
        return;
      }
    }
    const bySource = new Map<string, RawTags>();
    for (const entry of entries) if (typeof entry.SourceFile === 'string') bySource.set(entry.SourceFile, entry);
    for (const read of batch.reads) {
      const entry = bySource.get(read.path);
      if (entry !== undefined && typeof entry.Error !== 'string') {
        read.resolve(entry);
        continue;
      }
      if (entry !== undefined) {
        read.reject(metaError(MetaErrorCode.META_UNREADABLE, `ExifTool cannot read it: ${String(entry.Error)}`));
        continue;
      }
      // Not in the output: ExifTool said why on stderr ("Error: File not found - PATH").
      const line = [...output.errors, ...output.warnings].find((l) => l.includes(read.path));
      const reason = line?.replace(/^(Error|Warning):\s*/i, '').replace(` - ${read.path}`, '') ?? 'ExifTool printed nothing for it';
      read.reject(
        /not found/i.test(reason)
          ? new VfxError(ErrorCode.NOT_FOUND, 'no such file or directory')
          : metaError(MetaErrorCode.META_UNREADABLE, `ExifTool cannot read it: ${reason}`),
      );
    }
  }

  /** Stops every ExifTool process of this session (idempotent). Always call it, in a `finally`. */
  async end(): Promise<void> {
    this.ended = true;
    const exiftool = this.exiftool;
    if (exiftool === undefined) return;
    await exiftool.end(true);
  }
}
