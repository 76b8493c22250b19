/**
 * `vfx abc`: Alembic caches: ls (abcls), tree (abctree), info, echo (abcecho), check, export.
 */
import { Command, InvalidArgumentError } from 'commander';
import { ErrorCode, VfxError } from '@vfxkit/core';
import { ExitCode, type CliContext } from '@vfxkit/tool-common';
import type { AlembicArchive, AlembicObject, AlembicProperty } from '@vfxkit/alembic';
import { archiveFps, findObject, loadArchive, onFile, shownPath } from './archive-file.js';
import { checkArchive, type AbcProblem } from './check.js';
import { makeExport } from './export.js';

export { checkArchive, checkXform, type AbcProblem } from './check.js';
export { exportArchive, exportFormatOf, type AbcExportJson, type ExportFormat, type ExportOptions } from './export.js';

function numSamplesOf(object: AlembicObject): number | undefined {
  // The schema's compound (".geom", ".xform", ...) holds the sampled properties.
  const top = object.properties.properties.find((p) => p.kind === 'compound' && p.name.startsWith('.'));
  if (top === undefined || top.kind !== 'compound') return undefined;
  let max: number | undefined;
  for (const p of top.properties) if (p.kind !== 'compound') max = Math.max(max ?? 0, p.sampleCount);
  return max;
}

export interface AbcLsEntry {
  path: string;
  name: string;
  schema: string | null;
  numSamples?: number;
}

/** One object of `ls`; `numSamples` (which parses the schema's property headers) only when asked. */
function lsEntry(object: AlembicObject, withSamples: boolean): AbcLsEntry {
  const entry: AbcLsEntry = { path: shownPath(object), name: object.name, schema: object.schema === '' ? null : object.schema };
  if (!withSamples) return entry;
  const n = numSamplesOf(object);
  if (n !== undefined) entry.numSamples = n;
  return entry;
}

function propertyLine(p: AlembicProperty, indent: string): string {
  if (p.kind === 'compound') return `${indent}${p.name}  (compound)`;
  return `${indent}${p.name}  ${p.kind} ${p.pod}[${p.extent}]  ${p.sampleCount} sample${p.sampleCount === 1 ? '' : 's'}`;
}

function makeLs(context: CliContext): Command {
  return new Command('ls')
    .description('objects and their schemas (abcls)')
    .argument('<file>', 'an Alembic file')
    .argument('[object]', 'an object path such as /group1/pCube1', '/')
    .option('-r, --recursive', 'list every object below, not only the children')
    .option('-p, --properties', 'list the properties of the object instead of its children')
    .option('--json', 'print JSON: [{ path, name, schema, numSamples? }] in hierarchy order')
    .addHelpText('after', `\nExamples:\n  $ vfx abc ls cube.abc\n  $ vfx abc ls cube.abc /group1 -r --json\n  $ vfx abc ls cube.abc /group1/pCube1/pCubeShape1 -p`)
    .action(async (file: string, path: string, flags: { recursive?: boolean; properties?: boolean; json?: boolean }) => {
      const archive = await loadArchive(context, file);
      const object = findObject(archive, path, file);
      try {
        if (flags.properties) {
          const props = object.properties.properties;
          if (flags.json) context.json(props.map(propertyJson));
          else for (const p of props) context.out(propertyLine(p, ''));
          return;
        }
        const list: AlembicObject[] = [];
        const visit = (o: AlembicObject): void => {
          for (const c of o.children) {
            list.push(c);
            if (flags.recursive) visit(c);
          }
        };
        visit(object);
        // The text lists names and schemas only: sample counts are for --json.
        const entries = list.map((o) => lsEntry(o, flags.json === true));
        if (flags.json) context.json(entries);
        // One write for the whole listing (a write per line is a system call per object).
        else if (entries.length > 0) context.out(entries.map((e) => `${flags.recursive ? e.path : e.name}${e.schema !== null ? `  [${e.schema}]` : ''}`).join('\n'));
      } catch (error) {
        throw onFile(error, file);
      }
    });
}

function makeTree(context: CliContext): Command {
  return new Command('tree')
    .description('the object hierarchy, indented (abctree)')
    .argument('<file>', 'an Alembic file')
    .addHelpText('after', `\nExamples:\n  $ vfx abc tree cube.abc`)
    .action(async (file: string) => {
      const archive = await loadArchive(context, file);
      try {
        const lines = ['/'];
        const visit = (o: AlembicObject, indent: string): void => {
          for (const c of o.children) {
            lines.push(`${indent}${c.name}${c.schema !== '' ? `  [${c.schema}]` : ''}`);
            visit(c, indent + '  ');
          }
        };
        visit(archive.root, '  ');
        context.out(lines.join('\n'));
      } catch (error) {
        throw onFile(error, file);
      }
    });
}

export interface AbcTimeSamplingJson {
  type: 'uniform' | 'cyclic' | 'acyclic';
  timePerCycle?: number;
  startTime?: number;
  times?: number[];
  maxSamples: number;
}

export interface AbcInfoJson {
  file: string;
  format: 'ogawa';
  metadata: Record<string, string>;
  timeSamplings: AbcTimeSamplingJson[];
  objectCount: number;
  startTime: number | null;
  endTime: number | null;
  fps?: number;
}

export function abcInfoJson(file: string, archive: AlembicArchive): AbcInfoJson {
  const timeSamplings = archive.timeSamplings.map((ts): AbcTimeSamplingJson => {
    if (ts.kind === 'uniform') return { type: 'uniform', timePerCycle: ts.timePerCycle, startTime: ts.storedTimes[0]!, maxSamples: ts.maxSamples };
    if (ts.kind === 'cyclic') return { type: 'cyclic', timePerCycle: ts.timePerCycle, times: [...ts.storedTimes], maxSamples: ts.maxSamples };
    return { type: 'acyclic', times: [...ts.storedTimes], maxSamples: ts.maxSamples };
  });
  let objectCount = 0;
  for (const object of archive.objects()) if (object.parent !== undefined) objectCount++;
  const range = archive.timeRange;
  const json: AbcInfoJson = {
    file,
    format: 'ogawa',
    metadata: archive.metadata.toObject(),
    timeSamplings,
    objectCount,
    startTime: range?.start ?? null,
    endTime: range?.end ?? null,
  };
  const fps = archiveFps(archive);
  if (fps !== undefined) json.fps = fps;
  return json;
}

function makeInfo(context: CliContext): Command {
  return new Command('info')
    .description('archive metadata, time samplings, object count, time range and frame rate')
    .argument('<file>', 'an Alembic file')
    .option('--json', 'print JSON (see README: JSON output)')
    .addHelpText('after', `\nExamples:\n  $ vfx abc info anim.abc\n  $ vfx abc info anim.abc --json`)
    .action(async (file: string, flags: { json?: boolean }) => {
      const archive = await loadArchive(context, file);
      let json: AbcInfoJson;
      try {
        json = abcInfoJson(file, archive);
      } catch (error) {
        throw onFile(error, file);
      }
      for (const warning of archive.warnings) context.warn(`${file}: ${warning}`);
      if (flags.json) return context.json(json);
      context.out(`${file}  (Ogawa)`);
      for (const [key, value] of Object.entries(json.metadata)) context.out(`  ${key}: ${value}`);
      context.out(`  objects: ${json.objectCount}`);
      if (json.startTime !== null) context.out(`  time: ${json.startTime} .. ${json.endTime}`);
      if (json.fps !== undefined) context.out(`  fps: ${json.fps}`);
      json.timeSamplings.forEach((ts, i) => {
        const detail = ts.type === 'uniform' ? `start ${ts.startTime}, ${ts.timePerCycle} s per sample` : ts.type === 'cyclic' ? `${ts.timePerCycle} s per cycle, times ${ts.times!.join(', ')}` : `times ${ts.times!.join(', ')}`;
        context.out(`  time sampling ${i}: ${ts.type}, ${detail}, max ${ts.maxSamples} samples`);
      });
    });
}

export interface AbcPropertyJson {
  name: string;
  kind: 'compound' | 'scalar' | 'array';
  pod: string | null;
  extent: number | null;
  numSamples: number | null;
  values?: unknown[];
  properties?: AbcPropertyJson[];
}

function propertyJson(p: AlembicProperty): AbcPropertyJson {
  if (p.kind === 'compound') return { name: p.name, kind: 'compound', pod: null, extent: null, numSamples: null, properties: p.properties.map(propertyJson) };
  return { name: p.name, kind: p.kind, pod: p.pod, extent: p.extent, numSamples: p.sampleCount };
}

function sampleValues(p: AlembicProperty, index: number): unknown[] {
  if (p.kind === 'compound') return [];
  const sample = p.getSample(index);
  const flat = Array.from(sample.values as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v));
  if (sample.extent <= 1) return flat;
  const out: unknown[] = [];
  for (let i = 0; i < flat.length; i += sample.extent) out.push(flat.slice(i, i + sample.extent));
  return out;
}

function parseSampleIndex(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a sample index (0, 1, ...), got '${value}'`);
  return n;
}

function makeEcho(context: CliContext): Command {
  return new Command('echo')
    .description("an object's properties: kind, POD type, extent, sample count and, with --sample, values (abcecho)")
    .argument('<file>', 'an Alembic file')
    .argument('<object>', 'an object path such as /group1/pCube1/pCubeShape1')
    .option('--property <name>', "only this property (a path such as .geom/P or just P)")
    .option('--sample <n>', 'print the values of sample N', parseSampleIndex)
    .option('--json', 'print JSON: [{ name, kind, pod, extent, numSamples, values?, properties? }]')
    .addHelpText('after', `\nExamples:\n  $ vfx abc echo cube.abc /group1/pCube1/pCubeShape1\n  $ vfx abc echo cube.abc /group1/pCube1/pCubeShape1 --property P --sample 0 --json`)
    .action(async (file: string, path: string, flags: { property?: string; sample?: number; json?: boolean }) => {
      const archive = await loadArchive(context, file);
      const object = findObject(archive, path, file);
      try {
        let props: readonly AlembicProperty[] = object.properties.properties;
        if (flags.property !== undefined) {
          const name = flags.property;
          let found = object.properties.find(name);
          if (found === undefined) {
            const all: AlembicProperty[] = [];
            const walk = (ps: readonly AlembicProperty[]): void => {
              for (const p of ps) {
                all.push(p);
                if (p.kind === 'compound') walk(p.properties);
              }
            };
            walk(props);
            found = all.find((p) => p.name === name);
          }
          if (found === undefined) throw new VfxError(ErrorCode.BAD_USAGE, `object '${shownPath(object)}' has no property '${name}'`, { file });
          props = [found];
        }
        const withValues = (p: AlembicProperty): AbcPropertyJson => {
          const json = propertyJson(p);
          if (p.kind === 'compound') json.properties = p.properties.map(withValues);
          else if (flags.sample !== undefined) {
            if (flags.sample >= p.sampleCount) {
              if (flags.property !== undefined) throw new VfxError(ErrorCode.BAD_USAGE, `property '${p.name}' has ${p.sampleCount} samples, no sample ${flags.sample}`, { file });
            } else json.values = sampleValues(p, flags.sample);
          }
          return json;
        };
        const out = props.map(withValues);
        if (flags.json) return context.json(out);
        const print = (ps: AbcPropertyJson[], indent: string): void => {
          for (const p of ps) {
            if (p.kind === 'compound') context.out(`${indent}${p.name}  (compound)`);
            else context.out(`${indent}${p.name}  ${p.kind} ${p.pod}[${p.extent}]  ${p.numSamples} sample${p.numSamples === 1 ? '' : 's'}`);
            if (p.values !== undefined) for (const v of p.values) context.out(`${indent}  ${JSON.stringify(v)}`);
            if (p.properties !== undefined) print(p.properties, indent + '  ');
          }
        };
        print(out, '');
      } catch (error) {
        throw onFile(error, file);
      }
    });
}

function makeCheck(context: CliContext): Command {
  return new Command('check')
    .description('unreadable samples, empty meshes, NaN points, face indices out of range; exit 1 when any')
    .argument('<file>', 'an Alembic file')
    .option('--json', 'print JSON: { file, ok, problems: [{ path, message }] }')
    .addHelpText('after', `\nExamples:\n  $ vfx abc check cache.abc\n  $ vfx abc check cache.abc --json`)
    .action(async (file: string, flags: { json?: boolean }) => {
      let problems: AbcProblem[];
      try {
        const archive = await loadArchive(context, file);
        problems = checkArchive(archive);
      } catch (error) {
        if (flags.json) context.json({ file, ok: false, problems: [{ path: '/', message: (error as Error).message }] });
        context.fail(error, file);
        return;
      }
      if (flags.json) context.json({ file, ok: problems.length === 0, problems });
      else if (problems.length === 0) context.out(`${file}: ok`);
      for (const p of problems) context.io.stderr.write(`vfx: ${file}: ${p.path}: ${p.message}\n`);
      if (problems.length > 0) context.raise(ExitCode.FAILED);
    });
}

export function makeAbcCommand(context: CliContext): Command {
  return new Command('abc')
    .description('Alembic caches: ls, tree, info, echo, check, export')
    .addHelpText(
      'after',
      `
Examples:
  $ vfx abc ls cube.abc -r                          objects and schemas (like abcls)
  $ vfx abc tree cube.abc                           the hierarchy (like abctree)
  $ vfx abc info anim.abc --json                    metadata, time samplings, time range, fps
  $ vfx abc echo cube.abc /group1/pCube1/pCubeShape1 --property P --sample 0
  $ vfx abc check cache.abc                         exit 1 when something is broken
  $ vfx abc export anim.abc -o anim.glb             glTF with the animated transforms (also .obj, .ply)`,
    )
    .addCommand(makeLs(context))
    .addCommand(makeTree(context))
    .addCommand(makeInfo(context))
    .addCommand(makeEcho(context))
    .addCommand(makeCheck(context))
    .addCommand(makeExport(context));
}
