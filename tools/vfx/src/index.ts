/**
 * The `vfx` command: every vfxkit tool behind one binary. Each tool exports a commander factory
 * (`makeSeqCommand(context)`, ...); this file composes them. `main(argv, context)` runs in-process,
 * which is how the end-to-end tests drive the CLI.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { runProgram, processContext, type CliContext } from '@vfxkit/tool-common';

/** A tool's commander factory. Tools are imported only when their command runs (see `commandsToLoad`). */
type CommandFactory = (context: CliContext) => Command;

/**
 * Every command, in help order, with the import that brings its factory. `vfx seq ls` loads the seq
 * tool alone, so start-up does not pay for sharp, ExifTool, SQLite or three.js when they are not used.
 */
const commandLoaders: ReadonlyArray<readonly [string, () => Promise<CommandFactory>]> = [
  ['inspect', async () => (await import('@vfxkit/tool-inspect')).makeInspectCommand],
  ['seq', async () => (await import('@vfxkit/tool-seq')).makeSeqCommand],
  ['scan', async () => (await import('@vfxkit/tool-scan')).makeScanCommand],
  ['meta', async () => (await import('@vfxkit/tool-meta')).makeMetaCommand],
  ['catalog', async () => (await import('@vfxkit/tool-meta')).makeCatalogCommand],
  ['exr', async () => (await import('@vfxkit/tool-exr')).makeExrCommand],
  ['img', async () => (await import('@vfxkit/tool-img')).makeImgCommand],
  ['slate', async () => (await import('@vfxkit/tool-slate')).makeSlateCommand],
  ['burnin', async () => (await import('@vfxkit/tool-slate')).makeBurninCommand],
  ['part', async () => (await import('@vfxkit/tool-part')).makePartCommand],
  ['vdb', async () => (await import('@vfxkit/tool-vdb')).makeVdbCommand],
  ['abc', async () => (await import('@vfxkit/tool-abc')).makeAbcCommand],
  ['view', async () => (await import('@vfxkit/tool-view')).makeViewCommand],
];

/** The command names `vfx` has, in help order. */
export const commandNames: readonly string[] = commandLoaders.map(([name]) => name);

/**
 * Which commands `argv` needs: the one it names (`vfx seq ...`, `vfx help seq`), or all of them when
 * it names none or an unknown one (top-level help, suggestions for a misspelt command); none for
 * `vfx --version`.
 */
export function commandsToLoad(argv: readonly string[]): string[] {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  if (words.length === 0 && (argv.includes('-V') || argv.includes('--version'))) return [];
  const named = words[0] === 'help' ? words[1] : words[0];
  return named !== undefined && commandNames.includes(named) ? [named] : [...commandNames];
}

export const version: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/**
 * Builds the `vfx` program with the commands `argv` needs (all of them without `argv`).
 */
export async function createProgram(context: CliContext, argv?: readonly string[]): Promise<Command> {
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
  $ vfx slate 'plate.1001-1100#.exr' --set show=NF --set shot=sh010 --set version=v003
  $ vfx burnin 'plate.#.jpg' -o review/ --top-left '{shot}' --bottom-right '{timecode}'
  $ vfx vdb info smoke.vdb                     grids, types, boxes, voxel counts, like vdb_print
  $ vfx abc ls -r cache.abc                     Alembic objects and schemas, like abcls
  $ vfx view beauty.#.exr                       the sequence in a WebGL viewer in the browser

Exit codes: 0 done, 1 some work failed (including unreadable input), 2 bad usage, 130 interrupted.
Set NO_COLOR to turn colour off. Every command takes --help.`,
    );
  const wanted = new Set(argv === undefined ? commandNames : commandsToLoad(argv));
  const selected = commandLoaders.filter(([name]) => wanted.has(name));
  const factories = await Promise.all(selected.map(([, load]) => load()));
  for (const factory of factories) program.addCommand(factory(context));
  return program;
}

/** Runs `vfx` with `argv` (the arguments after `vfx`) and returns the exit code. */
export async function main(argv: string[], context: CliContext = processContext()): Promise<number> {
  return runProgram(await createProgram(context, argv), context, argv);
}
