/**
 * The CLI context every tool command receives: where output goes, whether it is a terminal, colour,
 * the environment, and the exit status the run ends with. Tests build one with `captureContext()`
 * and run the whole CLI in-process.
 */
import { isVfxError, VfxError } from '@vfxkit/core';

/** Exit codes of every vfx command. */
export const ExitCode = {
  /** Everything asked for was done. */
  OK: 0,
  /** Some work failed (including input that cannot be read). */
  FAILED: 1,
  /** The command line itself was wrong. */
  USAGE: 2,
  /** Interrupted (Ctrl-C): 128 + SIGINT, as shells report it. */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIO {
  stdout: TextSink;
  stderr: TextSink;
  env: Record<string, string | undefined>;
  cwd: string;
}

export class CliContext {
  readonly io: CliIO;
  /** The highest exit code any command of this run asked for. */
  exitCode: ExitCode = ExitCode.OK;
  /** Aborted on Ctrl-C; long work checks it and stops cleanly. */
  readonly abort = new AbortController();

  constructor(io: CliIO) {
    this.io = io;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Colour on stderr/stdout: off with NO_COLOR (any value), on with FORCE_COLOR, else on a TTY. */
  colorFor(sink: TextSink): boolean {
    const env = this.io.env;
    if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
    if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
    return sink.isTTY === true && env.TERM !== 'dumb';
  }

  out(text = ''): void {
    this.io.stdout.write(text + '\n');
  }

  /** Prints a value as JSON on stdout, two-space indented, one document per call. */
  json(value: unknown): void {
    this.io.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }

  /** A note on stderr (`vfx: message`). */
  note(message: string): void {
    this.io.stderr.write(`vfx: ${message}\n`);
  }

  warn(message: string): void {
    this.io.stderr.write(`${this.paint('yellow', 'vfx: warning:')} ${message}\n`);
  }

  /** Reports one failed item as `vfx: <file>: <message>` and marks the run failed. */
  fail(error: unknown, file?: string): void {
    const vfx = toVfxError(error, file);
    this.io.stderr.write(`${this.paint('red', 'vfx:')} ${vfx.describe()}\n`);
    this.raise(ExitCode.FAILED);
  }

  /** Raise the exit code (never lowers it). */
  raise(code: ExitCode): void {
    if (code > this.exitCode) this.exitCode = code;
  }

  paint(color: 'red' | 'green' | 'yellow' | 'dim' | 'bold' | 'cyan', text: string, sink: TextSink = this.io.stderr): string {
    if (!this.colorFor(sink)) return text;
    const codes = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
    return `\u001b[${codes[color]}m${text}\u001b[0m`;
  }

  /** Resolves a user path against the context's working directory. */
  resolve(path: string): string {
    if (path.startsWith('/')) return path;
    return this.io.cwd.endsWith('/') ? this.io.cwd + path : `${this.io.cwd}/${path}`;
  }
}

/** Any thrown value as a VfxError naming `file` (Node system errors keep their errno code in the message). */
export function toVfxError(error: unknown, file?: string): VfxError {
  if (isVfxError(error)) return file !== undefined ? (error as VfxError).withFile(file) : (error as VfxError);
  if (error instanceof Error) {
    const errno = (error as NodeJS.ErrnoException).code;
    const path = (error as NodeJS.ErrnoException).path;
    const code = errno === 'ENOENT' ? 'NOT_FOUND' : 'IO';
    let message = error.message;
    if (errno === 'ENOENT') message = 'no such file or directory';
    else if (errno === 'EACCES' || errno === 'EPERM') message = 'permission denied';
    else if (errno === 'EISDIR') message = 'is a directory';
    else if (errno === 'ENOTDIR') message = 'not a directory';
    else if (errno === 'ENOSPC') message = 'no space left on the device';
    return new VfxError(code, message, { file: file ?? path, cause: error }, 'io');
  }
  return new VfxError('IO', String(error), { file });
}
