/**
 * Running a commander program in-process with vfx's conventions: exit 0 / 1 (work failed) / 2
 * (bad usage) / 130 (Ctrl-C), errors as `vfx: <file>: <message>`, help and version on stdout.
 */
import { CommanderError, type Command } from 'commander';
import { VfxError, isVfxError } from '@vfxkit/core';
import { CliContext, ExitCode, type CliIO } from './context.js';

/** Error codes that mean the command line itself was wrong (exit 2); other failures exit 1. */
const usageCodes = new Set(['BAD_USAGE', 'BAD_PATTERN', 'BAD_FRAME_SET']);

/** A usage error for action handlers: printed as `vfx: message`, exit 2. */
export function usageError(message: string): VfxError {
  return new VfxError('BAD_USAGE', message);
}

/** Routes commander's own output through the context and makes it throw instead of exiting. */
export function configureCommand(command: Command, context: CliContext): Command {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => context.io.stdout.write(text),
    writeErr: (text) => context.io.stderr.write(text),
    outputError: (text, write) => write(text.replace(/^error: /, 'vfx: ')),
  });
  command.showSuggestionAfterError(true);
  for (const sub of command.commands) configureCommand(sub, context);
  return command;
}

/**
 * Parses `argv` (without the node and script entries) and runs the matching action. Returns the exit code.
 */
export async function runProgram(program: Command, context: CliContext, argv: string[]): Promise<number> {
  configureCommand(program, context);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
        return ExitCode.OK;
      }
      // commander has printed the message already.
      return ExitCode.USAGE;
    }
    if (isVfxError(error) && error.code === 'CANCELLED') {
      context.note('interrupted');
      return ExitCode.INTERRUPTED;
    }
    if (isVfxError(error) && usageCodes.has(error.code)) {
      context.fail(error);
      return ExitCode.USAGE;
    }
    context.fail(error);
    return Math.max(context.exitCode, ExitCode.FAILED);
  }
  if (context.signal.aborted) return ExitCode.INTERRUPTED;
  return context.exitCode;
}

/** A context that writes into strings, for tests. */
export function captureContext(options: { cwd?: string; env?: Record<string, string | undefined>; tty?: boolean } = {}): {
  context: CliContext;
  stdout: () => string;
  stderr: () => string;
} {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (out += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (err += text), isTTY: options.tty ?? false, columns: 100 },
    env: options.env ?? { NO_COLOR: '1' },
    cwd: options.cwd ?? process.cwd(),
  };
  return { context: new CliContext(io), stdout: () => out, stderr: () => err };
}

/** The context of a real process. */
export function processContext(): CliContext {
  return new CliContext({
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
}
