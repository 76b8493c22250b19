/**
 * The `vfx` command: every vfxkit tool behind one binary. Each tool exports a commander factory
 * (`makeSeqCommand(context)`, ...); this file composes them. `main(argv, context)` runs in-process,
 * which is how the end-to-end tests drive the CLI.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { runProgram, processContext, type CliContext } from '@vfxkit/tool-common';
import { makeExrCommand } from '@vfxkit/tool-exr';
import { makeImgCommand } from '@vfxkit/tool-img';
import { makeInspectCommand } from '@vfxkit/tool-inspect';
import { makeCatalogCommand, makeMetaCommand } from '@vfxkit/tool-meta';
import { makePartCommand } from '@vfxkit/tool-part';
import { makeScanCommand } from '@vfxkit/tool-scan';
import { makeSeqCommand } from '@vfxkit/tool-seq';
import { makeVdbCommand } from '@vfxkit/tool-vdb';
import { makeAbcCommand } from '@vfxkit/tool-abc';

export const version: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

export function createProgram(context: CliContext): Command {
  const program = new Command('vfx')
    .description('vfxkit: tools for VFX and imaging pipelines (frame sequences, EXR, images, particles, volumes, caches).')
    .version(version, '-V, --version', 'print the vfxkit version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ vfx inspect fixtures                       what is in a tree: sequences, gaps, sizes, formats
  $ vfx seq ls -r renders/                     one line per sequence, like lsseq
  $ vfx seq check --json plates/               missing, empty and suspiciously sized frames
  $ vfx seq renumber plate.1-100#.exr --start 1001
  $ vfx scan /jobs/show --ext .exr,.jpg        what is there, by type, with sizes
  $ vfx meta show --json photo.jpg             EXIF, GPS, IPTC, XMP, EXR attributes
  $ vfx meta find -r photos/ --near 48.8584,2.2945 --radius 5km
  $ vfx exr info render.exr                    every EXR header attribute, like exrheader
  $ vfx exr check 'renders/beauty.#.exr'       truncated or corrupt frames
  $ vfx img convert 'plate.#.jpg' -o exr/plate.#.exr
  $ vfx img resize photos/ --max 2048x2048 --only-larger -o proxies/
  $ vfx vdb info smoke.vdb                     grids, types, boxes, voxel counts, like vdb_print
  $ vfx abc ls -r cache.abc                     Alembic objects and schemas, like abcls

Exit codes: 0 done, 1 some work failed (including unreadable input), 2 bad usage, 130 interrupted.
Set NO_COLOR to turn colour off. Every command takes --help.`,
    );
  program.addCommand(makeInspectCommand(context));
  program.addCommand(makeSeqCommand(context));
  program.addCommand(makeScanCommand(context));
  program.addCommand(makeMetaCommand(context));
  program.addCommand(makeCatalogCommand(context));
  program.addCommand(makeExrCommand(context));
  program.addCommand(makeImgCommand(context));
  program.addCommand(makePartCommand(context));
  program.addCommand(makeVdbCommand(context));
  program.addCommand(makeAbcCommand(context));
  return program;
}

/** Runs `vfx` with `argv` (the arguments after `vfx`) and returns the exit code. */
export async function main(argv: string[], context: CliContext = processContext()): Promise<number> {
  return runProgram(createProgram(context), context, argv);
}
