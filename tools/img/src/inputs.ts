/**
 * What `vfx img` arguments name, as a flat list of files: a file; a directory (its images, or the
 * extensions of `--ext`; `-r` descends); a glob (`plates/*.jpg`, `renders/**\/*.exr`, expanded here
 * when the shell did not); a sequence (`plate.1001-1100#.jpg`, `plate.#.jpg`, `plate.%04d.jpg`).
 */
import { stat } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
import { ErrorCode, VfxError, parseFrameFileName, type PadStyle } from '@vfxkit/core';
import { scanTree } from '@vfxkit/core/node';
import { IMAGE_FORMATS } from '@vfxkit/image';
import { displayPath, resolveSequence } from '@vfxkit/tool-seq';

export interface InputFile {
  /** Absolute path. */
  path: string;
  /** As shown to the user (relative to the working directory when inside it). */
  shown: string;
  /** File name. */
  name: string;
  /** The frame number in the name, when it has one. */
  frame?: number;
  /** For files found under a directory argument: their directory relative to it ('' at the top),
   *  so outputs into a directory keep the tree. */
  subdir: string;
}

export interface InputOptions {
  cwd: string;
  /** Extensions to take from directories and globs (default: every image format read here). */
  extensions?: string[];
  recursive?: boolean;
  padStyle?: PadStyle;
  signal?: AbortSignal;
}

/** Every extension of the formats `readImage` reads. */
export const IMAGE_EXTENSIONS: readonly string[] = IMAGE_FORMATS.flatMap((f) => f.extensions);

const GLOB = /[*?[\]{}]/;

function fileInput(path: string, cwd: string, subdir: string): InputFile {
  const name = basename(path);
  const frame = parseFrameFileName(name)?.frame;
  return { path, shown: displayPath(path, cwd), name, ...(frame !== undefined ? { frame } : {}), subdir };
}

/** Splits `dir/sub/*.jpg` into the directory to scan and the glob relative to it. */
function splitGlob(argument: string): { root: string; glob: string } {
  const parts = argument.split('/');
  const first = parts.findIndex((part) => GLOB.test(part));
  const root = parts.slice(0, first).join('/');
  return { root: root === '' ? (argument.startsWith('/') ? '/' : '.') : root, glob: parts.slice(first).join('/') };
}

async function scanDirectory(root: string, options: InputOptions, glob: string | undefined, onError: (error: unknown) => void): Promise<InputFile[]> {
  const absoluteRoot = resolve(options.cwd, root);
  const recursive = glob !== undefined ? glob.includes('/') || glob.includes('**') : options.recursive === true;
  const files: InputFile[] = [];
  for await (const entry of scanTree([absoluteRoot], {
    recursive,
    extensions: options.extensions ?? [...IMAGE_EXTENSIONS],
    ...(glob !== undefined ? { include: [glob] } : {}),
    stat: false,
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    if (entry.error) {
      onError(entry.error.withFile(displayPath(entry.dir, options.cwd)));
      continue;
    }
    const subdir = relative(absoluteRoot, entry.dir);
    for (const file of entry.files) files.push(fileInput(file.path, options.cwd, subdir === '' ? '' : subdir.split(sep).join('/')));
  }
  return files;
}

/**
 * The files the arguments name, in argument order, each once. An argument that names nothing is
 * reported through `onError` (as `vfx: <argument>: <message>`) and the others are still expanded.
 */
export async function expandInputs(args: readonly string[], options: InputOptions, onError: (error: unknown) => void): Promise<InputFile[]> {
  const seen = new Set<string>();
  const out: InputFile[] = [];
  const add = (files: InputFile[]) => {
    for (const file of files) {
      if (seen.has(file.path)) continue;
      seen.add(file.path);
      out.push(file);
    }
  };
  for (const argument of args) {
    const absolute = resolve(options.cwd, argument);
    const info = await stat(absolute).catch(() => undefined);
    try {
      if (info?.isFile()) {
        add([fileInput(absolute, options.cwd, '')]);
      } else if (info?.isDirectory()) {
        const files = await scanDirectory(argument, options, undefined, onError);
        if (files.length === 0) {
          throw new VfxError(ErrorCode.NOT_FOUND, `no images in the directory${options.recursive ? '' : ' (add -r to look in subdirectories)'}`, { file: argument });
        }
        add(files);
      } else if (GLOB.test(argument)) {
        const { root, glob } = splitGlob(argument);
        const files = await scanDirectory(root, options, glob, onError);
        if (files.length === 0) throw new VfxError(ErrorCode.NOT_FOUND, 'no file matches the pattern', { file: argument });
        add(files.map((f) => ({ ...f, subdir: '' })));
      } else {
        const sequence = await resolveSequence(argument, options.cwd, options.padStyle);
        add(sequence.paths.map((path) => fileInput(path, options.cwd, '')));
      }
    } catch (error) {
      onError(error instanceof VfxError ? error.withFile(argument) : error);
    }
  }
  return out;
}

