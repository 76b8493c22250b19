/**
 * The verbs that write one new file or edit one in place: `vfx exr extract`, `merge`, `attr set`,
 * `attr delete`. Every write is atomic (a temporary file renamed into place) and an existing file
 * is only replaced with `--force` (or, for `attr`, the file being edited).
 */
import { lstat, open, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ErrorCode, VfxError } from '@vfxkit/core';
import { writeFileAtomic, writeFileAtomicWith } from '@vfxkit/core/node';
import { EXR_COMPRESSIONS, readExrHeader, type ExrCompression, type ExrHeader } from '@vfxkit/exr';
import { nodeZlib, readExrHead, readExrHeadFrom, writeRewrittenExr } from '@vfxkit/exr/node';
import { formatBytes, parsePositiveInteger, usageError, type CliContext } from '@vfxkit/tool-common';
import { SETTABLE_TYPES, STANDARD_TYPES, STRUCTURAL_ATTRIBUTES, isSettableType, parseAttribute, type SettableType } from './attribute-values.js';
import { aboutFile, collectPatterns, parsePartSpec, readBytes, selectPart, type PartSpec } from './files.js';
import { planHeaderEdit, type EditReport, type HeaderEdit } from './header-edit.js';
import { attributeText, partLabel, pixelTypesText } from './format.js';
import { extract, merge, parseCompression } from './rebuild.js';

export function compressionOption(description: string): Option {
  return new Option('--compression <method>', description).argParser((value: string) => {
    try {
      return parseCompression(value);
    } catch {
      throw new InvalidArgumentError(`expected one of ${EXR_COMPRESSIONS.join(', ')}, got '${value}'`);
    }
  });
}

export function zipLevelOption(): Option {
  return new Option('--zip-level <n>', 'deflate level 1-9 for zip, zips, pxr24 and dwa (default 4, as OpenEXR)').argParser((value: string) => {
    const level = parsePositiveInteger(value);
    if (level > 9) throw new InvalidArgumentError(`expected a level from 1 to 9, got '${value}'`);
    return level;
  });
}

/** The output path for `-o`: a directory gets the input's file name. */
async function outputPath(context: CliContext, output: string, input: string): Promise<string> {
  const absolute = context.resolve(output);
  const info = await stat(absolute).catch(() => undefined);
  return info?.isDirectory() === true || output.endsWith('/') ? join(absolute, basename(input)) : absolute;
}

async function refuseOverwrite(path: string, shown: string, force: boolean, inputs: string[]): Promise<void> {
  if (inputs.includes(path)) throw new VfxError('BAD_USAGE', 'the output is one of the inputs; write elsewhere', { file: shown });
  if (force) return;
  if (await lstat(path).then(() => true, () => false)) {
    throw new VfxError(ErrorCode.WOULD_OVERWRITE, 'the output exists; add --force to replace it', { file: shown });
  }
}

function describeWritten(bytes: Uint8Array): string {
  const header = readExrHeader(bytes);
  const channels = header.parts.reduce((n, p) => n + p.channels.length, 0);
  const compressions = [...new Set(header.parts.map((p) => p.compression))].join('/');
  const types = pixelTypesText(header.parts.flatMap((p) => p.channels));
  return `${header.parts.length} part${header.parts.length === 1 ? '' : 's'}, ${channels} channel${channels === 1 ? '' : 's'} (${types}), ${compressions}, ${formatBytes(bytes.byteLength)}`;
}

// -----------------------------------------------------------------------------------------------
// extract

interface ExtractFlags {
  output: string;
  part?: PartSpec[];
  channels?: string[];
  stripLayer?: boolean;
  compression?: ExrCompression;
  zipLevel?: number;
  force?: boolean;
}

function makeExtract(context: CliContext): Command {
  return new Command('extract')
    .description('write some parts and/or channels (AOVs) of a file into a new file')
    .argument('<input>', 'an EXR file')
    .requiredOption('-o, --output <file>', 'the new file (or a directory to write it into, under the same name)')
    .option('-p, --part <n|name>', 'a part to keep (index or name; repeatable; default every part)', (value: string, previous: PartSpec[] = []) => [
      ...previous,
      parsePartSpec(value),
    ])
    .option('-c, --channels <globs>', "channels to keep: names or globs, comma-separated or repeated ('diffuse.*', 'R,G,B,A')", collectPatterns)
    .option('--strip-layer', "drop the layer prefix of the channels kept: diffuse.R -> R (refused when two would clash)")
    .addOption(compressionOption("compression of the new file (default: each part's own)"))
    .addOption(zipLevelOption())
    .option('-f, --force', 'replace the output file if it exists')
    .addHelpText(
      'after',
      `
Every resolution level of a tiled part, and every header attribute, is kept.

Examples:
  $ vfx exr extract render.exr -o diffuse.exr --channels 'diffuse.*' --strip-layer
  $ vfx exr extract render.exr -o beauty.exr --channels R,G,B,A --compression dwaa
  $ vfx exr extract multipart.exr -o depth.exr --part depth_left`,
    )
    .action(async (input: string, flags: ExtractFlags) => {
      const from = context.resolve(input);
      const to = await outputPath(context, flags.output, input);
      await refuseOverwrite(to, flags.output, flags.force ?? false, [from]);
      const result = await aboutFile(input, async () => extract(await readBytes(from), input, {
        zlib: nodeZlib,
        ...(flags.part !== undefined ? { parts: flags.part } : {}),
        ...(flags.channels !== undefined ? { channels: flags.channels } : {}),
        ...(flags.stripLayer === true ? { stripLayer: true } : {}),
        ...(flags.compression !== undefined ? { compression: flags.compression } : {}),
        ...(flags.zipLevel !== undefined ? { zipLevel: flags.zipLevel } : {}),
      }));
      await aboutFile(flags.output, () => writeFileAtomic(to, result, { force: flags.force ?? false }));
      context.out(`wrote ${flags.output}: ${describeWritten(result)}`);
    });
}

// -----------------------------------------------------------------------------------------------
// merge

interface MergeFlags {
  output: string;
  multipart?: boolean;
  compression?: ExrCompression;
  zipLevel?: number;
  force?: boolean;
}

function makeMerge(context: CliContext): Command {
  return new Command('merge')
    .description('combine the channels of several files into one part (same data window), or their parts into a multi-part file')
    .argument('<inputs...>', 'two or more EXR files')
    .requiredOption('-o, --output <file>', 'the new file')
    .option('--multipart', 'make each input part a part of a multi-part file (part names kept, else taken from the file names)')
    .addOption(compressionOption("compression of the new file (default: each part's own; the first input's for a merged part)"))
    .addOption(zipLevelOption())
    .option('-f, --force', 'replace the output file if it exists')
    .addHelpText(
      'after',
      `
Without --multipart the inputs must be single-part with the same data window and no channel in
common; the header attributes of the first input win, the others' are added. With --multipart every
part must share the display window (OpenEXR's rule for multi-part files).

Examples:
  $ vfx exr merge beauty.exr diffuse.exr specular.exr -o combined.exr
  $ vfx exr merge left.exr right.exr depth.exr -o stereo.exr --multipart`,
    )
    .action(async (inputs: string[], flags: MergeFlags) => {
      if (inputs.length < 2) throw usageError('merge needs at least two input files');
      const paths = inputs.map((input) => context.resolve(input));
      const to = context.resolve(flags.output);
      await refuseOverwrite(to, flags.output, flags.force ?? false, paths);
      const files = await Promise.all(
        inputs.map(async (file, i) => {
          try {
            return { file, bytes: await readBytes(paths[i]!) };
          } catch (error) {
            throw error instanceof VfxError ? error.withFile(file) : new VfxError(ErrorCode.NOT_FOUND, 'cannot read it', { file, cause: error });
          }
        }),
      );
      const result = await aboutFile(flags.output, () => merge(files, {
        zlib: nodeZlib,
        multipart: flags.multipart ?? false,
        ...(flags.compression !== undefined ? { compression: flags.compression } : {}),
        ...(flags.zipLevel !== undefined ? { zipLevel: flags.zipLevel } : {}),
      }));
      await aboutFile(flags.output, () => writeFileAtomic(to, result, { force: flags.force ?? false }));
      context.out(`wrote ${flags.output}: ${describeWritten(result)}`);
    });
}

// -----------------------------------------------------------------------------------------------
// attr

function parseType(value: string): SettableType {
  if (!isSettableType(value)) throw new InvalidArgumentError(`expected one of ${SETTABLE_TYPES.join(', ')}, got '${value}'`);
  return value;
}

interface AttrFlags {
  type?: SettableType;
  part?: PartSpec;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * Applies header edits to `file` in place: only its head (headers and offset tables) is read and
 * rebuilt; the chunks are streamed from the original into a temporary beside it, which replaces
 * the file atomically (same permissions) once complete and fsynced, so a file of any size is
 * edited in constant memory and a kill at any point leaves the original or the edited file.
 * A file that changes while it is copied (a render still writing) is left as it was.
 */
async function applyEdits(context: CliContext, file: string, flags: AttrFlags, makeEdits: (head: Uint8Array, partIndices: number[] | undefined) => HeaderEdit[]): Promise<void> {
  const path = context.resolve(file);
  const source = await aboutFile(file, () => open(path, 'r'));
  let header: ExrHeader;
  let reports: EditReport[];
  let changed: boolean;
  try {
    const head = await aboutFile(file, () => readExrHeadFrom(source, { tables: true }));
    header = head.header;
    const partIndices = flags.part !== undefined ? [selectPart(header, flags.part, file).index] : undefined;
    const planned = await aboutFile(file, () => planHeaderEdit(head.bytes, header, head.size, makeEdits(head.bytes, partIndices), partIndices));
    reports = planned.reports;
    const { rewrite } = planned;
    changed = rewrite.changed && reports.some((r) => r.changes.some((c) => !c.endsWith(' unchanged')));
    if (changed && flags.dryRun !== true) {
      const before = await source.stat();
      await aboutFile(file, () =>
        writeFileAtomicWith(
          path,
          async (output) => {
            const position = await writeRewrittenExr(source, head.size, rewrite, output);
            const after = await source.stat();
            if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || position !== rewrite.head.byteLength + head.size - rewrite.keepFrom) {
              throw new VfxError(ErrorCode.VERIFY_FAILED, 'the file changed while its header was being rewritten; it was left as it was');
            }
          },
          { force: true, mode: before.mode & 0o7777 },
        ),
      );
    }
  } finally {
    await source.close();
  }
  if (flags.json) {
    context.json({ file, dryRun: flags.dryRun ?? false, changed, parts: reports });
    return;
  }
  const multipart = header.parts.length > 1;
  for (const report of reports) {
    const where = multipart ? `${partLabel({ index: report.part, name: report.name })}: ` : '';
    context.out(`${file}: ${where}${report.changes.length > 0 ? report.changes.join(', ') : 'nothing to change'}`);
  }
  if (flags.dryRun) context.out('(dry run: the file was not changed)');
}

function makeAttrSet(context: CliContext): Command {
  return new Command('set')
    .description('set header attributes (name=value), in place and atomically; the pixel data stays byte-identical')
    .argument('<file>', 'an EXR file')
    .argument('<assignments...>', 'name=value pairs')
    .option('-t, --type <type>', `the attribute type (default: the attribute's current type, OpenEXR's standard type for its name, else string): ${SETTABLE_TYPES.join(', ')}`, parseType)
    .option('-p, --part <n|name>', 'only this part (default: every part, as exrstdattr)', parsePartSpec)
    .option('-n, --dry-run', 'show what would change and write nothing')
    .option('--json', 'print what changed as JSON: { file, dryRun, changed, parts: [{ part, name, changes }] }')
    .addHelpText(
      'after',
      `
Values: numbers as '2.5', 'inf', 'nan'; vectors and matrices as numbers separated by spaces or commas
('1920 1080', '0,0,1919,1079', or 'identity' for a matrix); stringvector as a JSON array or commas;
timecode as 'HH:MM:SS:FF' (';' before the frame for drop frame); rational as '24000/1001' or '23.976';
chromaticities as 8 numbers or rec709, rec2020, p3d65, dcip3, aces (ap0), acescg (ap1), xyz.
Attributes that describe the pixel layout (channels, compression, dataWindow, tiles, lineOrder, type,
chunkCount) cannot be set: use vfx exr compress or extract.

Examples:
  $ vfx exr attr set plate.exr owner='Studio Ltd' comments='graded v3'
  $ vfx exr attr set plate.exr timeCode=01:00:00:00 framesPerSecond=24000/1001
  $ vfx exr attr set plate.exr focalLength=35 --type float
  $ vfx exr attr set render.exr worldToCamera='1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1'`,
    )
    .action(async (file: string, assignments: string[], flags: AttrFlags) => {
      const pairs = assignments.map((assignment) => {
        const equals = assignment.indexOf('=');
        if (equals <= 0) throw usageError(`expected name=value, got '${assignment}'`);
        return { name: assignment.slice(0, equals), value: assignment.slice(equals + 1) };
      });
      await applyEdits(context, file, flags, (head, partIndices) => {
        const header = readExrHeader(head);
        const parts = header.parts.filter((p) => partIndices === undefined || partIndices.includes(p.index));
        return pairs.map(({ name, value }) => {
          if (STRUCTURAL_ATTRIBUTES.has(name)) {
            throw usageError(`'${name}' describes how the pixels are stored; it cannot be set without rewriting them (use vfx exr compress or vfx exr extract)`);
          }
          const existing = parts.map((p) => p.attributes.find((a) => a.name === name)).find((a) => a !== undefined);
          let type: SettableType | undefined = flags.type;
          if (type === undefined && existing !== undefined) {
            if (!isSettableType(existing.type)) {
              throw usageError(`'${name}' has type ${existing.type}, which cannot be set from text (settable: ${SETTABLE_TYPES.join(', ')})`);
            }
            type = existing.type;
          }
          type ??= STANDARD_TYPES[name] ?? 'string';
          return { kind: 'set', attribute: parseAttribute(name, type, value) };
        });
      });
    });
}

function makeAttrDelete(context: CliContext): Command {
  return new Command('delete')
    .alias('rm')
    .description('delete header attributes, in place and atomically; required attributes are refused')
    .argument('<file>', 'an EXR file')
    .argument('<names...>', 'attribute names')
    .option('-p, --part <n|name>', 'only this part (default: every part)', parsePartSpec)
    .option('-n, --dry-run', 'show what would change and write nothing')
    .option('--json', 'print what changed as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ vfx exr attr delete plate.exr comments capDate
  $ vfx exr attr delete multipart.exr view --part 2`,
    )
    .action(async (file: string, names: string[], flags: AttrFlags) => {
      await applyEdits(context, file, flags, () => names.map((name) => ({ kind: 'delete', name })));
    });
}

function makeAttrGet(context: CliContext): Command {
  return new Command('get')
    .description('print one attribute of each part (its value as exrheader shows it)')
    .argument('<file>', 'an EXR file')
    .argument('<name>', 'the attribute name')
    .option('-p, --part <n|name>', 'only this part', parsePartSpec)
    .addHelpText('after', `\nExamples:\n  $ vfx exr attr get plate.exr timeCode`)
    .action(async (file: string, name: string, flags: { part?: PartSpec }) => {
      const { header } = await aboutFile(file, () => readExrHead(context.resolve(file)));
      const parts = flags.part !== undefined ? [selectPart(header, flags.part, file)] : header.parts;
      let found = 0;
      for (const part of parts) {
        const attribute = part.attributes.find((a) => a.name === name);
        if (attribute === undefined) continue;
        found++;
        const { inline, lines } = attributeText(attribute);
        const prefix = header.parts.length > 1 ? `${partLabel(part)}: ` : '';
        context.out(`${prefix}${name} (type ${attribute.type}):${inline ? ` ${inline}` : ''}`);
        for (const line of lines) context.out(line);
      }
      if (found === 0) throw new VfxError(ErrorCode.NOT_FOUND, `no attribute '${name}'`, { file });
    });
}

function makeAttr(context: CliContext): Command {
  return new Command('attr')
    .description('read, set and delete header metadata in place (the pixel data is not rewritten)')
    .addHelpText(
      'after',
      `
Examples:
  $ vfx exr attr get plate.exr owner
  $ vfx exr attr set plate.exr owner='Studio Ltd' timeCode=01:00:00:00
  $ vfx exr attr delete plate.exr comments`,
    )
    .addCommand(makeAttrGet(context))
    .addCommand(makeAttrSet(context))
    .addCommand(makeAttrDelete(context));
}

export function editCommands(context: CliContext): Command[] {
  return [makeExtract(context), makeMerge(context), makeAttr(context)];
}
