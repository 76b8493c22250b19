/**
 * `vfx part`: particle and point-cloud files (partio's formats, Houdini geometry, PLY): info,
 * attrs, convert, filter, merge.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Command } from 'commander';
import { ErrorCode, VfxError, parseSequence } from '@vfxkit/core';
import { createLocalRunner, createWorkerRunner } from '@vfxkit/core/node';
import { inspectParticlesAsync, mergeParticleSets, particleFormat, particleFormats, type ParticleInfo } from '@vfxkit/particles';
import { ProgressReporter, collect, parsePositiveInteger, usageError, type CliContext } from '@vfxkit/tool-common';
import { displayPath, resolveSequence } from '@vfxkit/tool-seq';
import { readParticleFile, writeParticleFile } from './files.js';
import { parseCondition } from './filter.js';
import { particleInfoJson, particleInfoLines, sequenceInfoJson, sequenceInfoLines, type FrameHeader } from './info.js';
import { runParticleJob, type ParticleJob } from './job.js';

export { filterParticles, parseCondition } from './filter.js';
export { particleInfoJson } from './info.js';

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

function extensionFor(formatId: string | undefined, path: string): string {
  if (formatId === undefined) throw new VfxError(ErrorCode.BAD_USAGE, 'the output is a directory: say which format with --format (e.g. --format bgeo)', { file: path });
  const format = particleFormat(formatId);
  if (!format?.write) {
    const writable = particleFormats.filter((f) => f.write).map((f) => f.id);
    throw new VfxError(ErrorCode.BAD_USAGE, `unknown or read-only format '${formatId}'; writable: ${writable.join(', ')}`);
  }
  return `.${format.extensions[0]!}`;
}

/** The work items of a convert or filter: one per file, or one per frame of a sequence. */
async function planJobs(context: CliContext, input: string, output: string, flags: { force?: boolean; format?: string }): Promise<ParticleJob[]> {
  const cwd = context.io.cwd;
  const base = { force: flags.force ?? false, ...(flags.format ? { format: flags.format } : {}) };
  const inputPath = context.resolve(input);
  const outputPath = context.resolve(output);
  if (await isFile(inputPath)) {
    let to = outputPath;
    if ((await isDirectory(outputPath)) || output.endsWith('/')) {
      const name = basename(inputPath).replace(/\.(gz|sc)$/i, '').replace(/\.[^.]+$/, '');
      to = join(outputPath, name + extensionFor(flags.format, output));
    }
    return [{ ...base, from: inputPath, to, shownFrom: input, shownTo: displayPath(to, cwd) }];
  }
  const source = await resolveSequence(input, cwd);
  let target;
  let targetDir: string;
  if ((await isDirectory(outputPath)) || output.endsWith('/')) {
    targetDir = outputPath;
    target = source.sequence.withExtension(extensionFor(flags.format, output));
  } else {
    targetDir = dirname(outputPath);
    target = parseSequence(basename(outputPath));
  }
  return source.frames.map((frame, i) => {
    const to = join(targetDir, target.frameName(frame));
    return { ...base, from: source.paths[i]!, to, shownFrom: displayPath(source.paths[i]!, cwd), shownTo: displayPath(to, cwd) };
  });
}

async function runJobs(context: CliContext, verb: string, jobs: ParticleJob[], flags: { jobs: number; dryRun?: boolean; json?: boolean }): Promise<void> {
  if (flags.dryRun) {
    if (flags.json) context.json({ operation: verb, dryRun: true, pairs: jobs.map((j) => ({ from: j.shownFrom, to: j.shownTo })) });
    else {
      for (const job of jobs) context.out(`${verb} ${job.shownFrom} -> ${job.shownTo}`);
      context.out(`(dry run: ${jobs.length} file${jobs.length === 1 ? '' : 's'}, nothing written)`);
    }
    return;
  }
  for (const directory of new Set(jobs.map((job) => dirname(job.to)))) await mkdir(directory, { recursive: true });
  const progress = new ProgressReporter(context, `vfx part ${verb}`, { unit: 'files', silent: flags.json ?? false });
  // Parsing is CPU-bound: several files go to worker threads; one file runs here.
  const runner =
    jobs.length > 1 && flags.jobs > 1
      ? createWorkerRunner({ module: new URL('./job.js', import.meta.url), exportName: 'runParticleJob', concurrency: flags.jobs })
      : createLocalRunner();
  const run = await runner.run(jobs, runParticleJob, {
    concurrency: flags.jobs,
    signal: context.signal,
    onProgress: progress.listener,
    label: (job) => job.shownFrom,
    total: jobs.length,
  });
  progress.done();
  const results = run.results.map((result) => ({
    from: result.item.shownFrom,
    to: result.item.shownTo,
    outcome: result.outcome,
    ...(result.value ? result.value : {}),
  }));
  for (const result of run.results) if (result.outcome === 'failed' && result.error) context.fail(result.error);
  if (flags.json) context.json({ operation: verb, dryRun: false, ok: run.ok, failed: run.failed, cancelled: run.cancelled, files: results });
  else {
    for (const r of results) {
      if (r.outcome === 'ok' && 'particlesOut' in r) {
        const counts = r.particlesIn === r.particlesOut ? `${r.particlesIn} particles` : `${r.particlesOut} of ${r.particlesIn} particles`;
        context.out(`${r.from} -> ${r.to}  ${counts}`);
      }
    }
    if (run.failed > 0) context.out(`${run.failed} file${run.failed === 1 ? '' : 's'} failed`);
  }
  if (run.cancelled > 0) throw new VfxError(ErrorCode.CANCELLED, 'interrupted');
}

function jobsFlag(command: Command): Command {
  return command.option('-j, --jobs <n>', 'files at once, in worker threads (default: 2)', parsePositiveInteger, 2);
}

function makeInfo(context: CliContext): Command {
  return new Command('info')
    .description('count, attributes with type, width and min/max/mean, bounding box, fixed attributes; per-frame counts for a sequence')
    .argument('<input>', "a particle file, or a sequence ('cache.#.bgeo', 'cache.1001-1100#.prt')")
    .option('--json', 'print JSON (see README: JSON output)')
    .addHelpText(
      'after',
      `
Examples:
  $ vfx part info fx/sparks.1001.bgeo.sc
  $ vfx part info --json points.ply
  $ vfx part info 'fx/sparks.#.bgeo.sc'      per-frame counts, attributes appearing or vanishing`,
    )
    .action(async (input: string, flags: { json?: boolean }) => {
      const path = context.resolve(input);
      if (await isFile(path)) {
        const info = particleInfoJson(input, await readParticleFile(path, input));
        if (flags.json) context.json(info);
        else for (const line of particleInfoLines(info)) context.out(line);
        return;
      }
      const sequence = await resolveSequence(input, context.io.cwd);
      const frames: FrameHeader[] = [];
      for (const [i, framePath] of sequence.paths.entries()) {
        if (context.signal.aborted) throw new VfxError(ErrorCode.CANCELLED, 'interrupted');
        const shown = displayPath(framePath, context.io.cwd);
        try {
          const info: ParticleInfo = await inspectParticlesAsync(await readFile(framePath), { fileName: basename(framePath) });
          frames.push({ frame: sequence.frames[i]!, file: shown, info });
        } catch (error) {
          context.fail(error, shown);
        }
      }
      if (frames.length === 0) return;
      const info = sequenceInfoJson(sequence.sequence.toString(), frames);
      if (flags.json) context.json(info);
      else for (const line of sequenceInfoLines(info)) context.out(line);
    });
}

function makeAttrs(context: CliContext): Command {
  return new Command('attrs')
    .description("list a file's attributes (name, type, width) from its header, without reading the particles")
    .argument('<files...>', 'particle files')
    .option('--json', 'print JSON: one { file, format, count, attributes, fixed } per file')
    .addHelpText('after', `\nExamples:\n  $ vfx part attrs cache.1001.prt\n  $ vfx part attrs --json *.bgeo`)
    .action(async (files: string[], flags: { json?: boolean }) => {
      const out: unknown[] = [];
      for (const file of files) {
        try {
          const info = await inspectParticlesAsync(await readFile(context.resolve(file)), { fileName: basename(file) });
          if (flags.json) out.push({ file, format: info.format, count: info.count, attributes: info.attributes, fixed: info.fixed });
          else {
            context.out(`${file}  ${info.formatName}, ${info.count.toLocaleString('en-US')} particles`);
            for (const a of info.attributes) context.out(`  ${a.name}  ${a.type}[${a.width}]${a.storage ? `  ${a.storage}` : ''}`);
            for (const a of info.fixed) context.out(`  ${a.name}  ${a.type}[${a.width}]  (fixed)`);
          }
        } catch (error) {
          context.fail(error, file);
        }
      }
      if (flags.json) context.json(out);
    });
}

interface ConvertFlags {
  output: string;
  format?: string;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  jobs: number;
  where?: string[];
  keep?: string;
}

function writeOptions(command: Command): Command {
  return jobsFlag(
    command
      .requiredOption('-o, --output <path>', 'output file, sequence pattern, or directory (with --format)')
      .option('--format <id>', `output format when the output name does not say (${particleFormats.filter((f) => f.write).map((f) => f.id).join(', ')})`)
      .option('-f, --force', 'replace existing files')
      .option('-n, --dry-run', 'print the plan and write nothing')
      .option('--json', 'print the result as JSON'),
  );
}

function makeConvert(context: CliContext): Command {
  return writeOptions(
    new Command('convert')
      .description('convert particle files or sequences between formats (partconv), sequences in parallel')
      .argument('<input>', 'a particle file or a sequence pattern'),
  )
    .addHelpText(
      'after',
      `
The output format comes from the output name's extension; P, v, id, Cd and other attributes are
mapped between formats' names (see the @vfxkit/particles README).
Examples:
  $ vfx part convert sparks.1001.bgeo.sc -o sparks.1001.ply
  $ vfx part convert 'cache.#.prt' -o 'out/cache.#.bgeo' -j 4
  $ vfx part convert cloud.xyz -o converted/ --format ply`,
    )
    .action(async (input: string, flags: ConvertFlags) => {
      await runJobs(context, 'convert', await planJobs(context, input, flags.output, flags), flags);
    });
}

function makeFilter(context: CliContext): Command {
  return writeOptions(
    new Command('filter')
      .description('cull particles by expressions on their attributes and keep only some attributes')
      .argument('<input>', 'a particle file or a sequence pattern')
      .option('--where <expr>', "keep particles for which EXPR holds: 'id<1000', 'P.y>=0', 'name=debris' (repeatable: all must hold)", collect)
      .option('--keep <names>', 'keep only these attributes (comma-separated)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ vfx part filter sparks.bgeo -o sparks_low.bgeo --where 'P.y<0.5' --keep P,v,id
  $ vfx part filter 'cache.#.prt' -o 'culled/cache.#.prt' --where 'age<=2'`,
    )
    .action(async (input: string, flags: ConvertFlags) => {
      if (!flags.where && !flags.keep) throw usageError('nothing to filter: give --where and/or --keep');
      for (const condition of flags.where ?? []) parseCondition(condition); // usage errors before any work
      const jobs = await planJobs(context, input, flags.output, flags);
      const keep = flags.keep?.split(',').map((s) => s.trim()).filter(Boolean);
      await runJobs(
        context,
        'filter',
        jobs.map((job) => ({ ...job, ...(flags.where ? { where: flags.where } : {}), ...(keep ? { keep } : {}) })),
        flags,
      );
    });
}

function makeMerge(context: CliContext): Command {
  return new Command('merge')
    .description("merge particle files as partio does: with --id, particles of later files replace those with the same id; others are appended")
    .argument('<inputs...>', 'two or more particle files; later ones override earlier ones')
    .requiredOption('-o, --output <path>', 'the merged file (format from its extension)')
    .option('--id <names>', "identifier attribute(s), e.g. 'id' or 'ids,faceid' (default: append only)")
    .option('-f, --force', 'replace an existing output')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `\nExamples:\n  $ vfx part merge base.bgeo delta.bgeo -o merged.bgeo --id id\n  $ vfx part merge a.ply b.ply -o ab.ply`)
    .action(async (inputs: string[], flags: { output: string; id?: string; force?: boolean; json?: boolean }) => {
      if (inputs.length < 2) throw usageError('merge needs at least two input files');
      const identifiers = flags.id?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
      let merged = await readParticleFile(context.resolve(inputs[0]!), inputs[0]!);
      for (const input of inputs.slice(1)) merged = mergeParticleSets(merged, await readParticleFile(context.resolve(input), input), identifiers);
      const bytes = await writeParticleFile(merged, context.resolve(flags.output), { force: flags.force ?? false }, flags.output);
      if (flags.json) context.json({ output: flags.output, count: merged.count, bytes });
      else context.out(`${flags.output}  ${merged.count} particles`);
    });
}

export function makePartCommand(context: CliContext): Command {
  return new Command('part')
    .description('particle and point-cloud files: info, attrs, convert, filter, merge')
    .addHelpText(
      'after',
      `
Formats: Houdini .bgeo/.geo (classic and JSON, .bgeo.sc read), Maya .pda/.pdb/.pdc, Krakatoa .prt,
RealFlow .bin, RenderMan .ptc (read), .ply, .pts/.xyz/.csv; gzip variants.
Examples:
  $ vfx part info sparks.1001.bgeo.sc
  $ vfx part convert 'cache.#.prt' -o 'out/cache.#.bgeo'`,
    )
    .addCommand(makeInfo(context))
    .addCommand(makeAttrs(context))
    .addCommand(makeConvert(context))
    .addCommand(makeFilter(context))
    .addCommand(makeMerge(context));
}
