/**
 * Reading speed on a ~100 MB animated archive built by repeating the structure of the real archives
 * (../shared/fixtures-real/abc, or VFX_REAL_FIXTURES; a synthetic scene when they are absent) with
 * our writer: every copy animated over FRAMES frames with its own values, so that Alembic's sample
 * sharing cannot fold the copies together. Then it times
 *   1. listing the hierarchy (open + every object's name and schema; target < 100 ms),
 *   2. `vfx abc ls -r` on the archive written to a file: in-process (the command as the CLI runs
 *      it: file read, open, every object with its schema and sample count, output captured) and as
 *      a process (from sources through tsx, and the built CLI when tools/vfx/dist exists), each
 *      beside the same process printing `--version`, i.e. what start-up alone costs,
 *   3. reading every sample of every property (target >= 200 MB/s of archive),
 * with objects/s, MB/s and peak memory. Run from the repository root:
 *
 *   node --conditions=source --import tsx packages/alembic/bench/read.ts [targetMB] [frames]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AlembicWriter,
  CompoundProperty,
  copyProperty,
  openAlembic,
  type AlembicArchive,
  type AlembicObject,
  type AlembicProperty,
  type ObjectWriter,
  type SampleInput,
} from '../src/index.js';
import { Command } from 'commander';
import { makeAbcCommand } from '@vfxkit/tool-abc';
import { captureContext, runProgram } from '@vfxkit/tool-common';

const targetMB = Number(process.argv[2] ?? 100);
const FRAMES = Number(process.argv[3] ?? 24);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const abcRoot = join(resolve(repoRoot, process.env['VFX_REAL_FIXTURES'] ?? '/work/shared/fixtures-real'), 'abc');
const SOURCES = [
  'cortex/animatedCube.abc',
  'cortex/sphereWithShadingGroups.abc',
  'cortex/points.abc',
  'cortex/curves.abc',
  'cortex/coloredMesh.abc',
  'openusd/nestedInstancing.abc',
  'openusd/testUsdAbcXformPrimCollapsing.abc',
  'openusd/hasColorSet.abc',
];

let peak = 0;
function sampleMemory(): void {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss);
}

function synthetic(): Uint8Array {
  // A grid mesh under an xform, for machines without the real archives.
  const writer = new AlembicWriter({ application: 'bench synthetic' });
  const x = writer.root.addChild('grid', { schema: 'AbcGeom_Xform_v3', schemaObjTitle: 'AbcGeom_Xform_v3:.xform' });
  x.properties.addCompound('.xform', { schema: 'AbcGeom_Xform_v3' }).addScalar('.vals', { pod: 'float64', extent: 3 }).addSample([0, 0, 0]);
  const mesh = x.addChild('gridShape', { schema: 'AbcGeom_PolyMesh_v1', schemaBaseType: 'AbcGeom_GeomBase_v1', schemaObjTitle: 'AbcGeom_PolyMesh_v1:.geom' });
  const geom = mesh.properties.addCompound('.geom', { schema: 'AbcGeom_PolyMesh_v1', schemaBaseType: 'AbcGeom_GeomBase_v1' });
  const n = 64;
  const P: number[] = [];
  for (let j = 0; j <= n; j++) for (let i = 0; i <= n; i++) P.push(i, 0, j);
  const indices: number[] = [];
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) indices.push(j * (n + 1) + i, j * (n + 1) + i + 1, (j + 1) * (n + 1) + i + 1, (j + 1) * (n + 1) + i);
  geom.addArray('P', { pod: 'float32', extent: 3 }, { metadata: { geoScope: 'vtx', interpretation: 'point' } }).addSample(P);
  geom.addArray('.faceIndices', { pod: 'int32', extent: 1 }).addSample(indices);
  geom.addArray('.faceCounts', { pod: 'int32', extent: 1 }).addSample(Array(n * n).fill(4));
  return writer.finish();
}

/** Float properties are animated (a different value per copy and frame); others copied as they are. */
function animated(property: AlembicProperty): boolean {
  if (property instanceof CompoundProperty) return false;
  return (property.pod === 'float32' || property.pod === 'float64') && (property.kind === 'array' || property.name === '.vals');
}

function copyAnimated(source: AlembicObject, parent: ObjectWriter, samplings: number[], frameSampling: number, copy: number): void {
  const target = parent.addChild(source.name, source.metadata);
  const visit = (from: CompoundProperty, to: ReturnType<ObjectWriter['properties']['addCompound']> | ObjectWriter['properties']): void => {
    for (const property of from.properties) {
      if (property instanceof CompoundProperty) {
        visit(property, to.addCompound(property.name, property.metadata));
        continue;
      }
      if (!animated(property) || property.sampleCount === 0) {
        copyProperty(property, to, samplings);
        continue;
      }
      const settings = { metadata: property.metadata, timeSampling: frameSampling };
      const writer = property.kind === 'scalar' ? to.addScalar(property.name, property.dataType, settings) : to.addArray(property.name, property.dataType, settings);
      for (let frame = 0; frame < FRAMES; frame++) {
        const sample = property.getSample(Math.min(frame, property.sampleCount - 1));
        const values = sample.values as Float32Array | Float64Array;
        const offset = (copy * FRAMES + frame) * 1e-3;
        const moved = values instanceof Float32Array ? new Float32Array(values.length) : new Float64Array(values.length);
        for (let i = 0; i < values.length; i++) moved[i] = values[i]! + offset;
        if (property.kind === 'scalar') (writer as { addSample(v: SampleInput): void }).addSample(moved);
        else (writer as { addSample(v: SampleInput, d?: number[]): void }).addSample(moved, sample.dimensions);
      }
      writer.close();
    }
  };
  visit(source.properties, target.properties);
  for (const child of source.children) copyAnimated(child, target, samplings, frameSampling, copy);
  target.close();
}

function build(): Uint8Array {
  const sources: AlembicArchive[] = [];
  if (existsSync(abcRoot)) {
    for (const path of SOURCES) sources.push(openAlembic(new Uint8Array(readFileSync(join(abcRoot, path)))));
  } else {
    console.log(`(real archives not found at ${abcRoot}: using a synthetic grid)`);
    sources.push(openAlembic(synthetic()));
  }
  const writer = new AlembicWriter({ application: '@vfxkit/alembic bench', userDescription: `repeated real structures, ${FRAMES} frames` });
  const frameSampling = writer.addUniformTimeSampling(24, 1 / 24);
  const maps = sources.map((s) => s.timeSamplings.map((ts, i) => (i === 0 ? 0 : writer.addTimeSampling(ts))));
  const target = targetMB * 1024 * 1024;
  for (let copy = 0; writer.length < target; copy++) {
    const group = writer.root.addChild(`copy${copy}`);
    sources.forEach((source, s) => {
      const holder = group.addChild(`source${s}`);
      for (const child of source.root.children) copyAnimated(child, holder, maps[s]!, frameSampling, copy);
      holder.close();
    });
    group.close();
    sampleMemory();
  }
  return writer.finish();
}

/** Milliseconds of CPU this process used since `since` (robust when other work shares the machine). */
function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function listHierarchy(bytes: Uint8Array): { objects: number; ms: number; cpu: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const archive = openAlembic(bytes, { sampleCacheBytes: 0 });
  let objects = 0;
  let schemas = 0;
  for (const object of archive.objects()) {
    objects++;
    if (object.schema !== '') schemas++;
  }
  void schemas;
  return { objects, ms: performance.now() - start, cpu: cpuMs(cpu) };
}

function readEverything(bytes: Uint8Array): { objects: number; properties: number; samples: number; decoded: number; ms: number; cpu: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const archive = openAlembic(bytes, { sampleCacheBytes: 0 });
  let objects = 0;
  let properties = 0;
  let samples = 0;
  let decoded = 0;
  const visit = (compound: CompoundProperty): void => {
    for (const property of compound.properties) {
      properties++;
      if (property instanceof CompoundProperty) {
        visit(property);
        continue;
      }
      for (let i = 0; i < property.sampleCount; i++) {
        const sample = property.getSample(i);
        samples++;
        const values = sample.values;
        decoded += Array.isArray(values) ? values.length : values.byteLength;
      }
    }
  };
  for (const object of archive.objects()) {
    objects++;
    visit(object.properties);
    if ((objects & 1023) === 0) sampleMemory();
  }
  return { objects, properties, samples, decoded, ms: performance.now() - start, cpu: cpuMs(cpu) };
}

// ABC_BENCH_LOAD=file reads a previously built archive; ABC_BENCH_SAVE=file keeps the one built.
const buildStart = performance.now();
const load = process.env['ABC_BENCH_LOAD'];
const bytes = load !== undefined ? new Uint8Array(readFileSync(load)) : build();
if (process.env['ABC_BENCH_SAVE'] !== undefined) writeFileSync(process.env['ABC_BENCH_SAVE'], bytes);
const buildMs = performance.now() - buildStart;
const mb = bytes.byteLength / (1024 * 1024);
console.log(`${load !== undefined ? `loaded ${load}:` : 'built'} ${mb.toFixed(1)} MB in ${(buildMs / 1000).toFixed(1)} s (${FRAMES} frames per copy)`);
(globalThis as { gc?: () => void }).gc?.();
peak = 0;
sampleMemory();

const [load1] = loadavg();
console.log(`machine: ${cpus().length} cores, load average ${load1!.toFixed(1)} (wall times suffer when other work shares the cores)`);
const lists = [0, 1, 2, 3, 4].map(() => listHierarchy(bytes));
const list = lists.reduce((a, b) => (a.ms < b.ms ? a : b));
const listCpu = Math.min(...lists.map((l) => l.cpu));
console.log(
  `list hierarchy: ${list.objects} objects in ${list.ms.toFixed(1)} ms wall, ${listCpu.toFixed(1)} ms CPU (best of 5; ${(list.objects / (list.ms / 1000)).toFixed(0)} objects/s) ${list.ms < 100 ? 'target met (< 100 ms)' : 'target missed (< 100 ms)'}`,
);

// `vfx abc ls -r` on a file: in-process and as a process.
const lsFile = load ?? join(tmpdir(), `vfx-abc-bench-${process.pid}.abc`);
if (load === undefined) writeFileSync(lsFile, bytes);
const target = (ms: number): string => (ms < 100 ? 'target met (< 100 ms)' : 'target missed (< 100 ms)');
try {
  const lsInProcess = async (): Promise<{ ms: number; cpu: number; lines: number }> => {
    const { context, stdout } = captureContext({ cwd: repoRoot });
    const program = new Command('vfx').addCommand(makeAbcCommand(context));
    const cpu = process.cpuUsage();
    const start = performance.now();
    const code = await runProgram(program, context, ['abc', 'ls', '-r', lsFile]);
    const ms = performance.now() - start;
    if (code !== 0) throw new Error(`vfx abc ls -r exited ${code}`);
    return { ms, cpu: cpuMs(cpu), lines: stdout().split('\n').length - 1 };
  };
  let readMs = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    readFileSync(lsFile);
    readMs = Math.min(readMs, performance.now() - start);
  }
  console.log(`reading the ${mb.toFixed(0)} MB file into memory (for comparison: the vfx abc verbs read the file on demand, page by page): ${readMs.toFixed(1)} ms wall (best of 5)`);
  const runs: { ms: number; cpu: number; lines: number }[] = [];
  for (let i = 0; i < 5; i++) runs.push(await lsInProcess());
  const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
  console.log(
    `vfx abc ls -r in-process: ${best.lines} objects listed in ${best.ms.toFixed(1)} ms wall, ${Math.min(...runs.map((r) => r.cpu)).toFixed(1)} ms CPU (best of 5, file read included) ${target(best.ms)}`,
  );
  /** CPU milliseconds of this process's waited-for children (Linux: cutime + cstime in /proc/self/stat, 10 ms ticks). */
  const childrenCpuMs = (): number | undefined => {
    try {
      const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[13]) + Number(fields[14])) * 10;
    } catch {
      return undefined;
    }
  };
  const timeProcess = (args: string[]): { ms: number; cpu: number | undefined } => {
    let best = { ms: Infinity, cpu: undefined as number | undefined };
    for (let i = 0; i < 3; i++) {
      const cpuBefore = childrenCpuMs();
      const start = performance.now();
      const result = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
      const ms = performance.now() - start;
      const cpuAfter = childrenCpuMs();
      if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
      const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
      if (ms < best.ms) best = { ms, cpu };
    }
    return best;
  };
  const clis: [string, string[]][] = [['from sources (tsx)', ['--conditions=source', '--import', 'tsx', join(repoRoot, 'tools/vfx/src/bin.ts')]]];
  if (existsSync(join(repoRoot, 'tools/vfx/dist/bin.js'))) clis.push(['built (tools/vfx/bin/vfx.js)', [join(repoRoot, 'tools/vfx/bin/vfx.js')]]);
  for (const [label, prefix] of clis) {
    try {
      const startup = timeProcess([...prefix, '--version']);
      const ls = timeProcess([...prefix, 'abc', 'ls', '-r', lsFile]);
      const cpu = (run: { cpu: number | undefined }): string => (run.cpu !== undefined ? `, ${run.cpu} ms CPU` : '');
      console.log(
        `vfx abc ls -r as a process, ${label}: ${ls.ms.toFixed(0)} ms wall${cpu(ls)} (best of 3) ${target(ls.ms)}; \`vfx --version\` alone (node start-up and the CLI, no tool loaded) ${startup.ms.toFixed(0)} ms wall${cpu(startup)}`,
      );
      if (ls.cpu !== undefined && startup.cpu !== undefined) {
        console.log(`  the listing itself, without start-up: ~${ls.cpu - startup.cpu} ms CPU ${target(ls.cpu - startup.cpu)}`);
      }
    } catch (error) {
      console.log(`vfx abc ls -r as a process, ${label}: could not run (${(error as Error).message.split('\n')[0]})`);
    }
  }
} finally {
  if (load === undefined) rmSync(lsFile, { force: true });
}

const reads = [0, 1, 2].map(() => readEverything(bytes));
const read = reads.reduce((a, b) => (a.ms < b.ms ? a : b));
const readCpu = Math.min(...reads.map((r) => r.cpu));
const rate = mb / (read.ms / 1000);
console.log(
  `read everything: ${read.objects} objects, ${read.properties} properties, ${read.samples} samples, ${(read.decoded / 1048576).toFixed(1)} MB decoded in ${read.ms.toFixed(0)} ms wall, ${readCpu.toFixed(0)} ms CPU (best of 3)`,
);
console.log(
  `  ${rate.toFixed(0)} MB/s of archive wall (${(mb / (readCpu / 1000)).toFixed(0)} MB/s per CPU second, GC threads included), ${(read.objects / (read.ms / 1000)).toFixed(0)} objects/s, ${(read.samples / (read.ms / 1000)).toFixed(0)} samples/s ${rate >= 200 ? 'target met (>= 200 MB/s)' : 'target missed (>= 200 MB/s)'}`,
);
console.log(`peak memory (RSS): ${(peak / 1048576).toFixed(0)} MB (archive ${mb.toFixed(0)} MB held in memory)`);
