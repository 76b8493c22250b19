/**
 * What every `vfx exr` verb shares: turning an argument into a file or a sequence of frames,
 * reading bytes (all of them, or only as many as the headers need), choosing parts and channels.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { VfxError } from '@vfxkit/core';
import { ExrErrorCode, readExrHeader, type ExrChannel, type ExrHeader, type ExrPartHeader } from '@vfxkit/exr';
import { toVfxError, usageError, type CliContext } from '@vfxkit/tool-common';
import { displayPath, resolveSequence, type ResolvedSequence } from '@vfxkit/tool-seq';

/** One file to work on: its absolute path, how it is shown, and its frame number in a sequence. */
export interface InputFile {
  path: string;
  shown: string;
  frame?: number;
}

export type ExrInput =
  | { kind: 'file'; file: InputFile }
  | { kind: 'sequence'; sequence: ResolvedSequence; name: string; files: InputFile[] };

/**
 * A file on disk is that file (even when its name has a frame number); anything else is a sequence:
 * a pattern (`shot.#.exr`, `shot.1001-1100#.exr`, `shot.%04d.exr`) or a directory holding one.
 */
export async function resolveInput(context: CliContext, argument: string): Promise<ExrInput> {
  const absolute = context.resolve(argument);
  const info = await stat(absolute).catch(() => undefined);
  if (info?.isFile()) return { kind: 'file', file: { path: absolute, shown: argument } };
  const sequence = await resolveSequence(argument, context.io.cwd);
  return {
    kind: 'sequence',
    sequence,
    name: sequence.sequence.toString(),
    files: sequence.paths.map((path, i) => ({ path, shown: displayPath(path, context.io.cwd), frame: sequence.frames[i]! })),
  };
}

/** The whole file, as a plain Uint8Array. */
export async function readBytes(path: string): Promise<Uint8Array> {
  const buffer = await readFile(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** How much of a file is read first for its headers; most headers are a few KiB. */
const HEADER_PREFIX = 64 * 1024;

/**
 * The headers of an EXR file, reading only its first bytes, and more only while the headers are
 * longer than what was read (a large preview, an ID manifest).
 */
export async function readHeaderOnly(path: string): Promise<{ header: ExrHeader; size: number }> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    let length = Math.min(size, HEADER_PREFIX);
    for (;;) {
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      const bytes = buffer.subarray(0, bytesRead);
      try {
        return { header: readExrHeader(bytes), size };
      } catch (error) {
        const truncated = error instanceof VfxError && error.code === ExrErrorCode.EXR_TRUNCATED;
        if (!truncated || bytesRead >= size) throw error;
        length = Math.min(size, length * 4);
      }
    }
  } finally {
    await handle.close();
  }
}

/** `--part`: a part index (`2`) or name (`depth_left`). */
export type PartSpec = number | string;

export function parsePartSpec(value: string): PartSpec {
  return /^\d+$/.test(value.trim()) ? Number.parseInt(value, 10) : value;
}

/** The part `spec` names; a usage error listing the parts when there is none. */
export function selectPart(header: ExrHeader, spec: PartSpec, file: string): ExrPartHeader {
  const found = typeof spec === 'number' ? header.parts[spec] : header.parts.find((p) => p.name === spec);
  if (found !== undefined) return found;
  const names = header.parts.map((p) => (p.name !== undefined ? `${p.index} '${p.name}'` : String(p.index))).join(', ');
  throw new VfxError('BAD_USAGE', `${typeof spec === 'number' ? `part ${spec}` : `no part named '${spec}'`}: the file has ${header.parts.length} part${header.parts.length === 1 ? '' : 's'} (${names})`, {
    file,
  });
}

/** A matcher for channel names from globs: `*` any run of characters (dots included), `?` one
 *  character, `[RGB]` one of a set; several patterns separated by commas. */
export function channelMatcher(patterns: readonly string[]): (name: string) => boolean {
  const expressions = patterns
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((pattern) => {
      let source = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i]!;
        if (c === '*') source += '.*';
        else if (c === '?') source += '.';
        else if (c === '[') {
          const close = pattern.indexOf(']', i + 2);
          if (close === -1) source += '\\[';
          else {
            const body = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
            source += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
            i = close;
          }
        } else source += c.replace(/[.+^${}()|\\/]/g, '\\$&');
      }
      return new RegExp(`^${source}$`, 's');
    });
  if (expressions.length === 0) throw usageError("no channel pattern given (e.g. --channels 'diffuse.*,R,G,B')");
  return (name) => expressions.some((e) => e.test(name));
}

/** Parses `--channels` values (repeatable, comma-separated). */
export function collectPatterns(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The channels of `part` matched by `patterns` (all when there are none). */
export function matchChannels(channels: readonly ExrChannel[], patterns: readonly string[] | undefined): ExrChannel[] {
  if (patterns === undefined || patterns.length === 0) return [...channels];
  const matches = channelMatcher(patterns);
  return channels.filter((c) => matches(c.name));
}


/** Runs `work`, naming `file` in any error it throws that names no file yet. */
export async function aboutFile<T>(file: string, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toVfxError(error, file);
  }
}
