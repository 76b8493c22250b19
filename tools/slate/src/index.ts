/**
 * `vfx slate` and `vfx burnin`: review slates and burnt-in text from templates (@vfxkit/slate).
 * This module only defines the commands; their work (commands.ts: sharp, the EXR codec, the job
 * runner) is loaded when one runs.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { collect, jobsOption, type CliContext } from '@vfxkit/tool-common';
import type { BurninFlags, SlateFlags } from './commands.js';

const commands = () => import('./commands.js');

function parseFps(value: string): number {
  const fps = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(fps > 0) || fps > 1000) throw new InvalidArgumentError(`expected frames per second above 0 (24, 25, 29.97, ...), got '${value}'`);
  return fps;
}

function parseSize(value: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/i.exec(value.trim());
  if (match === null || Number(match[1]) < 1 || Number(match[2]) < 1) throw new InvalidArgumentError(`expected WIDTHxHEIGHT, e.g. 1920x1080, got '${value}'`);
  return { width: Number(match[1]), height: Number(match[2]) };
}

function parseThumbFrame(value: string, previous: string[] = []): string[] {
  if (!/^(first|middle|last|[+-]?\d+)$/.test(value.trim())) throw new InvalidArgumentError(`expected a frame number, first, middle or last, got '${value}'`);
  return [...previous, value.trim()];
}

function parseFraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new InvalidArgumentError(`expected a number above 0 and at most 1, got '${value}'`);
  return n;
}

function parseRatio(value: string): number {
  const parts = value.split(':').map(Number);
  const ratio = parts.length === 2 ? parts[0]! / parts[1]! : parts[0]!;
  if (!Number.isFinite(ratio) || ratio < 0.1 || ratio > 10) throw new InvalidArgumentError(`expected an aspect ratio such as 2.39 or 16:9, got '${value}'`);
  return ratio;
}

function parseQuality(value: string): number {
  const q = Number(value);
  if (!Number.isInteger(q) || q < 1 || q > 100) throw new InvalidArgumentError(`expected a quality from 1 to 100, got '${value}'`);
  return q;
}

function sharedOptions(command: Command): Command {
  return command
    .option('--template <name|file>', 'a built-in template (classic, minimal) or a YAML/JSON template file')
    .option('--set <key=value>', 'set a field (repeatable): show, shot, version, artist, notes, company, logo, ...', collect)
    .option('--fps <n>', 'frames per second (default: the EXR framesPerSecond, else 24)', parseFps)
    .option('--start-timecode <tc>', 'the timecode of the first frame (default: the EXR timeCode, else the frame number)')
    .option('--quality <q>', 'JPEG, WebP and AVIF quality, 1-100', parseQuality, 95)
    .option('-f, --force', 'replace existing files (never done without it)')
    .option('--json', 'print the result as one JSON document')
    .addOption(new Option('--pad-style <style>', "what '#' means in patterns: hash4 (4 digits) or hash1 (1 digit, as Nuke)").choices(['hash4', 'hash1']).default('hash4'));
}

export function makeSlateCommand(context: CliContext): Command {
  return sharedOptions(
    new Command('slate')
      .description('render a slate frame for a sequence (numbered one before its first frame) from a template')
      .argument('<seq>', "the sequence: a pattern ('plate.1001-1100#.exr'), one of its frames, or a directory holding one sequence")
      .option('-o, --output <file>', 'where to write the slate (a file or a directory; default: beside the frames as frame first-1)')
      .option('--thumb-frame <n>', 'a frame shown as a thumbnail: a number, first, middle or last (repeatable; default middle)', parseThumbFrame)
      .option('--size <WxH>', "the slate's size (default: the sequence's)", parseSize),
  )
    .addHelpText(
      'after',
      `
The slate has the sequence's resolution, format, bit depth and colour space. Fields found in the
frames fill themselves (frame range, resolution, fps, colour space, EXR owner/capDate/..., EXIF camera
and lens, the version from a v### in the name); the rest come from --set. A field the template
requires without a value is an error. Fields: show sequence shot task version artist date
capture_date name file frame_in frame_out frame_range frame_count duration fps resolution
pixel_aspect colorspace bit_depth format camera lens notes company logo slate_frame attr:NAME.

Examples:
  $ vfx slate 'plates/sh010.1001-1100#.exr' --set show=NIGHTFALL --set shot=sh010 --set version=v003
  $ vfx slate comp_v002.1001.jpg --template minimal --set show=NF --set shot=sh010 --set 'notes=Final\\nfor client'
  $ vfx slate renders/ --template studio.yaml --thumb-frame first --thumb-frame last -o review/slate.png`,
    )
    .action(async (seq: string, flags: SlateFlags) => (await commands()).runSlate(context, seq, flags));
}

export function makeBurninCommand(context: CliContext): Command {
  return sharedOptions(
    new Command('burnin')
      .description('write every frame of a sequence with burnt-in text (frame, timecode, shot, ...) and an optional letterbox')
      .argument('<seq>', "the sequence: a pattern ('plate.1001-1100#.exr'), one of its frames, or a directory holding one sequence")
      .requiredOption('-o, --output <out>', "a pattern ('review/plate.#.jpg') or a directory (same file names)")
      .option('--top-left <text>', "text at the top left, with fields: '{shot} {version}'")
      .option('--top-center <text>', 'text at the top centre')
      .option('--top-right <text>', 'text at the top right')
      .option('--bottom-left <text>', "text at the bottom left: '{frame}'")
      .option('--bottom-center <text>', 'text at the bottom centre')
      .option('--bottom-right <text>', "text at the bottom right: '{timecode}'")
      .option('--text-size <fraction>', 'text size as a fraction of the frame height (default 0.024)', parseFraction)
      .option('--letterbox <ratio>', 'mask the frame to this aspect ratio (2.39, 1.85, 16:9)', parseRatio)
      .option('--letterbox-opacity <o>', 'opacity of the letterbox mask, 0-1 (default 1)', parseFraction)
      .option('--compression <c>', 'EXR compression (default: the frame\'s own) or TIFF compression')
      .option('-n, --dry-run', 'print the plan and write nothing')
      .addOption(jobsOption()),
  )
    .addHelpText(
      'after',
      `
Text takes fields as {name}: per frame {frame} and {timecode} (and {attr:NAME}, an EXR attribute of
each frame), and the sequence's {shot} {version} {frame_in} {frame_out} {date} {name} ... (see
vfx slate --help). Without any text option the template's burn-in is used (default: name, date,
frame, timecode at the corners). 8-bit frames are composited by sharp; EXR frames are blended in
linear light (white text is 1.0) in worker threads, keeping their channels and attributes.

Examples:
  $ vfx burnin 'plates/sh010.1001-1100#.jpg' -o review/ --top-left '{shot} {version}' --set shot=sh010
  $ vfx burnin renders/beauty.#.exr -o 'burnt/beauty.#.exr' --bottom-right '{timecode}' --fps 25 -j 4
  $ vfx burnin plate.#.jpg -o out/plate.#.jpg --letterbox 2.39 --template minimal --set shot=sh010 --set version=v1`,
    )
    .action(async (seq: string, flags: BurninFlags) => (await commands()).runBurnin(context, seq, flags));
}
