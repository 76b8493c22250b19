/**
 * The verbs that only read: `vfx exr info`, `channels`, `stats`, `probe`.
 */
import { Command, InvalidArgumentError } from 'commander';
import { FrameSet } from '@vfxkit/core';
import { createLocalRunner } from '@vfxkit/core/node';
import { readExr, readExrHeader, type ExrHeader } from '@vfxkit/exr';
import { nodeZlib } from '@vfxkit/exr/node';
import { ProgressReporter, jobsOption, usageError, type CliContext } from '@vfxkit/tool-common';
import { boxText, channelJson, jsonNumber, partLabel, pixelTypesText } from './format.js';
import { aboutFile, collectPatterns, matchChannels, parsePartSpec, readBytes, readHeaderOnly, resolveInput, selectPart, type PartSpec } from './files.js';
import { headerDifferences, headerJson, headerLines } from './info.js';
import { groupLayers, suffixesText } from './layers.js';
import { probePixel } from './probe.js';
import { channelStats, type ChannelStats } from './stats.js';

function parseCoordinate(value: string): number {
  if (!/^[+-]?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole-number pixel coordinate, got '${value}'`);
  return Number.parseInt(value, 10);
}

function partOption(command: Command, what: string): Command {
  return command.option('-p, --part <n|name>', what, parsePartSpec);
}

// -----------------------------------------------------------------------------------------------
// info

async function infoFile(context: CliContext, path: string, shown: string, json: boolean): Promise<void> {
  const { header } = await aboutFile(shown, () => readHeaderOnly(path));
  if (json) context.json(headerJson(shown, header));
  else for (const line of headerLines(shown, header)) context.out(line);
}

async function infoSequence(context: CliContext, argument: string, json: boolean, jobs: number): Promise<void> {
  const input = await resolveInput(context, argument);
  if (input.kind === 'file') return infoFile(context, input.file.path, argument, json);
  const files = input.files;
  const progress = new ProgressReporter(context, 'vfx exr info', { unit: 'frames', silent: json });
  const run = await createLocalRunner().run(files, async (file) => (await readHeaderOnly(file.path)).header, {
    concurrency: jobs,
    signal: context.signal,
    onProgress: progress.listener,
    label: (file) => file.shown,
  });
  progress.done();
  const read: { frame: number; header: ExrHeader }[] = [];
  const entries: Record<string, unknown>[] = [];
  run.results.forEach((result, i) => {
    const file = files[i]!;
    if (result.outcome === 'ok' && result.value !== undefined) {
      read.push({ frame: file.frame!, header: result.value });
      entries.push({ frame: file.frame, ...headerJson(file.shown, result.value) });
    } else if (result.outcome === 'failed' && result.error) {
      context.fail(result.error);
      entries.push({ frame: file.frame, file: file.shown, error: result.error.toJSON() });
    }
  });
  if (json) {
    context.json(entries);
    return;
  }
  context.out(`${input.name}: ${files.length} frame${files.length === 1 ? '' : 's'}${read.length < files.length ? `, ${files.length - read.length} unreadable` : ''}`);
  if (read.length === 0) return;
  const groups = headerDifferences(read);
  const differing = groups.filter((g) => g.attributes.length > 0);
  if (differing.length === 0) context.out(`headers: identical in every frame read (frame ${read[0]!.frame} below)`);
  else {
    const count = differing.reduce((n, g) => n + g.frames.length, 0);
    context.out(`headers: ${count} frame${count === 1 ? '' : 's'} differ from frame ${read[0]!.frame} (below):`);
    for (const group of differing) {
      const shownAttributes = group.attributes.slice(0, 8).join(', ') + (group.attributes.length > 8 ? `, and ${group.attributes.length - 8} more` : '');
      context.out(`  ${FrameSet.fromFrames(group.frames).toString()}: ${shownAttributes}`);
    }
  }
  context.out('');
  const first = files.find((f) => f.frame === read[0]!.frame)!;
  for (const line of headerLines(first.shown, read[0]!.header)) context.out(line);
}

function makeInfo(context: CliContext): Command {
  return new Command('info')
    .description('print every header attribute of every part, typed (what exrheader prints); for a sequence, how the frames differ')
    .argument('<input>', "an EXR file, or a sequence: 'shot.#.exr', 'shot.1001-1100#.exr', 'shot.%04d.exr', a directory holding one")
    .option('--json', 'print JSON: { file, parts: [{ name?, type, compression, dataWindow, displayWindow, channels, tiles?, attributes }] } (a sequence: an array, one object per frame)')
    .addOption(jobsOption())
    .addHelpText(
      'after',
      `
Only the headers are read, never the pixels.

Examples:
  $ vfx exr info beauty.1001.exr
  $ vfx exr info --json beauty.1001.exr | jq '.parts[0].attributes'
  $ vfx exr info 'renders/beauty.1001-1100#.exr'      which frames' headers differ, and how`,
    )
    .action(async (input: string, flags: { json?: boolean; jobs: number }) => {
      await infoSequence(context, input, flags.json ?? false, flags.jobs);
    });
}

// -----------------------------------------------------------------------------------------------
// channels

function makeChannels(context: CliContext): Command {
  return new Command('channels')
    .description('list the channels of each part, grouped by layer (diffuse.R, diffuse.G, ... under diffuse)')
    .argument('<file>', 'an EXR file')
    .option('--json', 'print JSON: { file, parts: [{ part, name?, type, layers: [{ name, channels: [{ name, type, xSampling, ySampling, pLinear }] }] }] }')
    .addHelpText(
      'after',
      `
Examples:
  $ vfx exr channels render.exr
  $ vfx exr channels --json render.exr | jq -r '.parts[].layers[].name'`,
    )
    .action(async (file: string, flags: { json?: boolean }) => {
      const { header } = await aboutFile(file, () => readHeaderOnly(context.resolve(file)));
      if (flags.json) {
        context.json({
          file,
          parts: header.parts.map((part) => ({
            part: part.index,
            ...(part.name !== undefined ? { name: part.name } : {}),
            type: part.type,
            layers: groupLayers(part.channels).map((layer) => ({ name: layer.name, channels: layer.channels.map(channelJson) })),
          })),
        });
        return;
      }
      header.parts.forEach((part, i) => {
        if (i > 0) context.out('');
        context.out(
          `${partLabel(part)}: ${part.type}, ${part.channels.length} channel${part.channels.length === 1 ? '' : 's'}, ${pixelTypesText(part.channels)}, ${part.compression}`,
        );
        const layers = groupLayers(part.channels);
        const width = Math.max(...layers.map((l) => (l.name === '' ? 9 : l.name.length)));
        for (const layer of layers) {
          const label = layer.name === '' ? '(default)' : layer.name;
          context.out(`  ${label.padEnd(width)}  ${suffixesText(layer.channels).padEnd(6)}  ${pixelTypesText(layer.channels)}`);
        }
      });
    });
}

// -----------------------------------------------------------------------------------------------
// stats

interface StatsFlags {
  channels?: string[];
  part?: PartSpec;
  json?: boolean;
}

function statsJson(stats: ChannelStats): Record<string, unknown> {
  const value = (v: number | null, float32: boolean) => (v === null ? null : jsonNumber(v, float32));
  return {
    name: stats.name,
    type: stats.type,
    count: stats.count,
    min: value(stats.min, stats.type !== 'uint'),
    max: value(stats.max, stats.type !== 'uint'),
    mean: value(stats.mean, false),
    stdDev: value(stats.stdDev, false),
    nanCount: stats.nanCount,
    infCount: stats.infCount,
  };
}

function statText(v: number | null): string {
  if (v === null) return '-';
  const rounded = Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-4 && v !== 0) ? v.toExponential(5) : String(Number(v.toPrecision(7)));
  return rounded;
}

function makeStats(context: CliContext): Command {
  return partOption(
    new Command('stats')
      .description('per-channel min, max, mean, standard deviation and NaN/Inf counts over the data window (like oiiotool --stats)')
      .argument('<file>', 'an EXR file')
      .option('-c, --channels <globs>', "only these channels: names or globs, comma-separated or repeated ('diffuse.*,A')", collectPatterns),
    'only this part (index or name; default every part)',
  )
    .option('--json', 'print JSON: { file, parts: [{ part, name?, channels: [{ name, type, count, min, max, mean, stdDev, nanCount, infCount }] }] }')
    .addHelpText(
      'after',
      `
min, max, mean and stdDev are over the finite samples (null in JSON when there is none); NaN and
infinite samples are counted apart. Deep parts count every sample of every pixel.

Examples:
  $ vfx exr stats render.exr
  $ vfx exr stats render.exr --channels 'diffuse.*' --json
  $ vfx exr stats multipart.exr --part depth_left`,
    )
    .action(async (file: string, flags: StatsFlags) => {
      const bytes = await aboutFile(file, () => readBytes(context.resolve(file)));
      const header = await aboutFile(file, () => readExrHeader(bytes));
      const parts = flags.part !== undefined ? [selectPart(header, flags.part, file)] : header.parts;
      const results: { part: (typeof parts)[number]; stats: ChannelStats[] }[] = [];
      for (const part of parts) {
        const channels = matchChannels(part.channels, flags.channels).map((c) => c.name);
        if (channels.length === 0) continue;
        const image = await aboutFile(file, () => readExr(bytes, { part: part.index, channels, zlib: nodeZlib }));
        const planes = image.deep !== undefined ? image.deep.channels : image.channels;
        results.push({ part, stats: planes.map((c) => channelStats(c.name, c.type, c.data)) });
      }
      if (results.length === 0) throw usageError(`no channel of ${file} matches ${(flags.channels ?? []).join(',')}`);
      if (flags.json) {
        context.json({
          file,
          parts: results.map(({ part, stats }) => ({ part: part.index, ...(part.name !== undefined ? { name: part.name } : {}), channels: stats.map(statsJson) })),
        });
        return;
      }
      results.forEach(({ part, stats }, i) => {
        if (i > 0) context.out('');
        const w = part.dataWindow;
        context.out(`${partLabel(part)}: ${w.xMax - w.xMin + 1} x ${w.yMax - w.yMin + 1}, data window ${boxText(w)}`);
        const width = Math.max(7, ...stats.map((s) => s.name.length));
        const columns = ['min', 'max', 'mean', 'stdDev'];
        context.out(`  ${'channel'.padEnd(width)}  type   ${columns.map((c) => c.padStart(12)).join(' ')}  ${'NaN'.padStart(8)} ${'Inf'.padStart(8)}`);
        for (const s of stats) {
          const values = [s.min, s.max, s.mean, s.stdDev].map((v) => statText(v).padStart(12)).join(' ');
          context.out(`  ${s.name.padEnd(width)}  ${s.type.padEnd(5)}  ${values}  ${String(s.nanCount).padStart(8)} ${String(s.infCount).padStart(8)}`);
        }
      });
    });
}

// -----------------------------------------------------------------------------------------------
// probe

function makeProbe(context: CliContext): Command {
  return partOption(
    new Command('probe')
      .description("print every channel's value at one pixel, in the file's own type")
      .argument('<file>', 'an EXR file')
      .argument('<x>', 'pixel column (data-window coordinates, as exrheader and Nuke show them with y down)', parseCoordinate)
      .argument('<y>', 'pixel row', parseCoordinate),
    'the part to read (index or name; default 0)',
  )
    .option('--json', 'print JSON: { x, y, part, name?, values: { CHANNEL: number }, types: { CHANNEL: half|float|uint } }')
    .addHelpText(
      'after',
      `
Only the chunk holding the pixel is decoded. Negative coordinates go after '--'.

Examples:
  $ vfx exr probe render.exr 960 540
  $ vfx exr probe --json --part depth_left multipart.exr 700 300
  $ vfx exr probe overscan.exr -- -10 -10`,
    )
    .action(async (file: string, x: number, y: number, flags: { part?: PartSpec; json?: boolean }) => {
      const result = await aboutFile(file, async () => probePixel(await readBytes(context.resolve(file)), flags.part, x, y, file, nodeZlib));
      if (flags.json) {
        context.json({ file, ...result });
        return;
      }
      context.out(`${file}: pixel (${x}, ${y}) of ${partLabel({ index: result.part, name: result.name })}`);
      const names = Object.keys(result.values);
      const width = Math.max(...names.map((n) => n.length));
      for (const name of names) {
        const value = result.values[name]!;
        const text = Array.isArray(value) ? `[${value.join(', ')}] (${value.length} samples)` : String(value);
        context.out(`  ${name.padEnd(width)}  ${result.types[name]!.padEnd(5)}  ${text}`);
      }
    });
}

export function readCommands(context: CliContext): Command[] {
  return [makeInfo(context), makeChannels(context), makeStats(context), makeProbe(context)];
}

