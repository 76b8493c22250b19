/**
 * `vfx img`: convert, resize and describe images (JPEG, PNG, TIFF, WebP, GIF, AVIF/HEIF, EXR)
 * through @vfxkit/image, over files, directories, globs and frame sequences, in parallel. This module
 * only defines the commands; their work (commands.ts and what it imports: sharp, @vfxkit/color, the
 * EXR codec) is loaded when one runs.
 */
import { Command, Option } from 'commander';
import { jobsOption, parseExtensions, type CliContext } from '@vfxkit/tool-common';
import type { ConvertFlags, InputFlags, ResizeFlags } from './commands.js';
import { parseBitDepth, parseMaxSize, parseQuality, parseStops } from './options.js';

export type { ImageJob, ImageJobResult } from './jobs.js';
export type { InputFile, InputOptions } from './inputs.js';
export type { PlannedFile } from './outputs.js';

const commands = () => import('./commands.js');

function padStyleOption(): Option {
  return new Option('--pad-style <style>', "what '#' means in patterns: hash4 (4 digits) or hash1 (1 digit, as Nuke)").choices(['hash4', 'hash1']).default('hash4');
}

function inputOptions(command: Command): Command {
  return command
    .option('--ext <list>', 'extensions to take from directories and globs, e.g. .jpg,.png (default: every image format)', parseExtensions)
    .option('-r, --recursive', 'descend into subdirectories of directory arguments')
    .addOption(padStyleOption());
}

function writeOptions(command: Command): Command {
  return command
    .addOption(jobsOption())
    .option('--quality <q>', 'JPEG, WebP and AVIF quality, 1-100', parseQuality, 90)
    .option('--compression <c>', 'EXR compression (zip, piz, dwaa, ...; default zip) or TIFF compression (deflate, lzw, none)')
    .option('-f, --force', 'replace existing output files (never done without it)')
    .option('-n, --dry-run', 'print the plan and write nothing')
    .option('--json', 'print the result (or the plan) as one JSON document');
}

function makeConvert(context: CliContext): Command {
  return writeOptions(
    inputOptions(
      new Command('convert')
        .description('convert images between formats, bit depths and colour spaces (JPEG, PNG, TIFF, WebP, GIF, AVIF, EXR)')
        .argument('<inputs...>', "files, directories (with --ext), globs ('plates/*.jpg') or sequences ('plate.1001-1100#.jpg')")
        .requiredOption('-o, --output <out>', "a pattern ('out/plate.#.exr', 'plate.%04d.exr'), a directory (with --format), or one file")
        .option('--format <fmt>', 'the output format when the output is a directory: exr, jpg, png, tif, webp, gif, avif')
        .option('--from <space>', 'take the inputs as this colour space (default: what the file says; sRGB for 8/16-bit, linear Rec.709 for EXR)')
        .option('--to <space>', 'the output colour space (default: linear with the source primaries for EXR and float, sRGB for 8/16-bit)')
        .option('--lut <file>', 'a LUT (.cube, .spi1d, .spi3d, .spimtx) applied after the colour transform; alone, a display LUT from linear')
        .option('--exposure <stops>', 'exposure change in stops, applied in linear light', parseStops)
        .option('--bit-depth <d>', 'output bit depth: 8, 16, half, float or uint (default: half into EXR, else the nearest the format holds)', parseBitDepth)
        .option('--max <WxH>', 'also fit inside this size (aspect kept), e.g. 2048x2048', parseMaxSize)
        .option('--only-larger', 'with --max: leave images that already fit at their size')
        .option('--filter <name>', 'with --max: resize filter (lanczos3, mitchell, cubic, linear, nearest, ...)'),
    ),
  )
    .addHelpText(
      'after',
      `
8/16-bit images become linear light when they go to float (EXR: half, ZIP by default), decoded by
their colour space (sRGB unless --from says otherwise); float images become 8/16-bit through a
display transform (sRGB unless --to or --lut says otherwise). EXIF and XMP go with the pixels where
the output format can hold them (into EXR as attributes). Every output is written atomically.

Examples:
  $ vfx img convert 'plates/plate.1001-1100#.jpg' -o exr/plate.#.exr
  $ vfx img convert renders/beauty.#.exr -o review/ --format jpg --quality 95 -j 8
  $ vfx img convert scan.tif -o scan.exr --from 'Gamma 2.2 Encoded AdobeRGB' --to ACEScg
  $ vfx img convert beauty.exr -o beauty.png --bit-depth 16 --exposure -0.5 --lut show.cube
  $ vfx img convert photos/ -r --ext .jpg -o exr/ --format exr --dry-run`,
    )
    .action(async (args: string[], flags: ConvertFlags) => (await commands()).runConvert(context, args, flags));
}

function makeResize(context: CliContext): Command {
  return writeOptions(
    inputOptions(
      new Command('resize')
        .description('fit images inside a size, keeping their aspect ratio (8/16-bit through sharp, float in linear light)')
        .argument('<inputs...>', "files, directories (with --ext), globs ('plates/*.jpg') or sequences ('plate.1001-1100#.jpg')")
        .requiredOption('--max <WxH>', 'the box to fit inside: 2048x2048, 2048 (both), 2048x (width only), x1080 (height only)', parseMaxSize)
        .option('--only-larger', 'leave images that already fit as they are (never enlarge)')
        .option('--filter <name>', 'lanczos3 (default), lanczos2, mitchell, cubic, linear, nearest, mks2013, mks2021 (the last two 8/16-bit only)', 'lanczos3')
        .option('-o, --output <out>', "a directory (same names), a pattern ('out/plate.#.jpg') or one file")
        .option('--in-place', 'replace each input with its resized version (atomically); refused without this flag')
        .option('--format <fmt>', 'with -o DIR: write this format instead of each input\'s own')
        .option('--bit-depth <d>', 'output bit depth (default: the input\'s)', parseBitDepth),
    ),
  )
    .addHelpText(
      'after',
      `
8- and 16-bit images are resized by sharp (libvips) and keep their depth and metadata; half and
float images (EXR, float TIFF) by a separable filter of our own in linear float, so values above
1 survive. With --only-larger, images that already fit are skipped in place, or copied unchanged
to the output.

Examples:
  $ vfx img resize photos/*.jpg --max 2048x2048 --only-larger -o proxies/
  $ vfx img resize 'renders/beauty.#.exr' --max 1920x -o half/beauty.#.exr --filter mitchell
  $ vfx img resize textures/ -r --ext .png --max 4096 --in-place`,
    )
    .action(async (args: string[], flags: ResizeFlags) => (await commands()).runResize(context, args, flags));
}

function makeInfo(context: CliContext): Command {
  return inputOptions(
    new Command('info')
      .description('format, size, channels, bit depth, colour space and key metadata of images (headers only)')
      .argument('<inputs...>', 'files, directories (with --ext), globs or sequences')
      .option('--json', 'print one JSON array, one object per file (see README: JSON output)')
      .addOption(jobsOption()),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ vfx img info plate.1001.jpg
  $ vfx img info --json renders/beauty.1001.exr | jq '.[0].bitDepth'
  $ vfx img info 'plates/plate.#.jpg'`,
    )
    .action(async (args: string[], flags: InputFlags & { json?: boolean; jobs: number }) => (await commands()).runInfo(context, args, flags));
}

export function makeImgCommand(context: CliContext): Command {
  return new Command('img')
    .description('images: convert between formats, depths and colour spaces, resize, describe (JPEG, PNG, TIFF, WebP, GIF, AVIF, EXR)')
    .addHelpText(
      'after',
      `
Examples:
  $ vfx img info photo.jpg
  $ vfx img convert 'plates/plate.1001-1100#.jpg' -o exr/plate.#.exr
  $ vfx img convert renders/beauty.#.exr -o review/ --format jpg
  $ vfx img resize photos/ --ext .jpg --max 2048x2048 --only-larger -o proxies/`,
    )
    .addCommand(makeInfo(context))
    .addCommand(makeConvert(context))
    .addCommand(makeResize(context));
}
