/**
 * `vfx vdb`: OpenVDB volumes: info (what `vdb_print -l -m` prints), stats, slice (a PNG through the
 * active box), probe (one voxel), points (point data grids out to particle formats).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import sharp from 'sharp';
import { ErrorCode, VfxError, isVfxError } from '@vfxkit/core';
import { writeFileAtomic } from '@vfxkit/core/node';
import { createParticleSet, formatForFileName, supportedFormatsText, writeParticles, type ParticleAttribute } from '@vfxkit/particles';
import { parsePositiveInteger, usageError, type CliContext } from '@vfxkit/tool-common';
import { findGrid, inspectVdb, openVdbGrid, readVdbGrid, readVdbPoints, type VdbFileInfo, type VdbGrid, type VdbGridInfo } from '@vfxkit/vdb';
import { fileInfoJson, gridStats, infoLines, scalarOf, statsLines, type Vec3 } from './info.js';

export { fileInfoJson, gridInfoJson, gridStats, compressionFlags, metadataJson } from './info.js';
export type { FileInfoJson, GridInfoJson, GridStats } from './info.js';

/** Any error as a VfxError naming the file the user gave. */
function onFile(error: unknown, shown: string): unknown {
  return isVfxError(error) ? error.withFile(shown) : error;
}

async function loadFile(context: CliContext, file: string): Promise<{ bytes: Uint8Array; info: VdbFileInfo }> {
  let bytes: Uint8Array;
  try {
    const buffer = await readFile(context.resolve(file));
    // A plain Uint8Array view (the reader's typed-array views misbehave on Node's Buffer subclass).
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VfxError(ErrorCode.NOT_FOUND, 'no such file', { file });
    if (code === 'EISDIR') throw new VfxError(ErrorCode.IO, 'is a directory', { file });
    throw new VfxError(ErrorCode.IO, `cannot read (${code ?? String(error)})`, { file, cause: error });
  }
  try {
    return { bytes, info: inspectVdb(bytes) };
  } catch (error) {
    throw onFile(error, file);
  }
}

/** The grid the user named (VDB_BAD_ARGUMENT lists the grids: a request the file cannot satisfy, exit 2). */
function pickGrid(info: VdbFileInfo, name: string, file: string): VdbGridInfo {
  try {
    return findGrid(info, name);
  } catch (error) {
    throw new VfxError(ErrorCode.BAD_USAGE, (error as Error).message, { file });
  }
}

async function readGrid(bytes: Uint8Array, grid: VdbGridInfo, file: string): Promise<VdbGrid> {
  try {
    return await readVdbGrid(bytes, grid);
  } catch (error) {
    throw onFile(error, file);
  }
}

function parseTriple(kind: 'int' | 'float') {
  return (value: string): Vec3 => {
    const parts = value.split(/[,\s]+/).filter(Boolean);
    const numbers = parts.map(Number);
    const ok = parts.length === 3 && numbers.every((n) => Number.isFinite(n) && (kind === 'float' || Number.isInteger(n)));
    if (!ok) throw new InvalidArgumentError(`expected three ${kind === 'int' ? 'whole numbers' : 'numbers'} like '${kind === 'int' ? '10,20,30' : '0.5,1,-2'}', got '${value}'`);
    return numbers as Vec3;
  };
}

function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got '${value}'`);
  return n;
}

function parseRange(value: string): [number, number] {
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[0]! < parts[1]!)) {
    throw new InvalidArgumentError(`expected MIN,MAX with MIN < MAX, got '${value}'`);
  }
  return parts as [number, number];
}

function makeInfo(context: CliContext): Command {
  return new Command('info')
    .description("grids, types, classes, voxel sizes, bounding boxes, active voxel and leaf counts, metadata (vdb_print -l -m); reads no voxel values")
    .argument('<files...>', 'OpenVDB files')
    .option('--json', 'print JSON (see README: JSON output); several files give an array')
    .addHelpText('after', `\nExamples:\n  $ vfx vdb info smoke.vdb\n  $ vfx vdb info --json fx/*.vdb`)
    .action(async (files: string[], flags: { json?: boolean }) => {
      const out: unknown[] = [];
      for (const [n, file] of files.entries()) {
        try {
          const { bytes, info } = await loadFile(context, file);
          // Topology only: values stay encoded (openVdbGrid decodes leaves only when read).
          const grids = info.grids.map((g) => {
            try {
              return openVdbGrid(bytes, g);
            } catch (error) {
              throw onFile(error, file);
            }
          });
          const json = fileInfoJson(file, info, grids);
          for (const warning of info.warnings) context.warn(`${file}: ${warning}`);
          if (flags.json) out.push(json);
          else {
            if (n > 0) context.out();
            for (const line of infoLines(json, grids)) context.out(line);
          }
        } catch (error) {
          context.fail(error, file);
        }
      }
      if (flags.json && out.length > 0) context.json(files.length === 1 ? out[0] : out);
    });
}

function makeStats(context: CliContext): Command {
  return new Command('stats')
    .description('min, max, mean and a histogram of the active values of each grid (vectors: their lengths)')
    .argument('<file>', 'an OpenVDB file')
    .option('--grid <name>', 'only this grid (name, name[N] or position)')
    .option('--bins <n>', 'histogram bins', parsePositiveInteger, 10)
    .option('--json', 'print JSON: { file, grids: [{ name, valueType, activeVoxels, min, max, mean, histogram }] }')
    .addHelpText('after', `\nExamples:\n  $ vfx vdb stats smoke.vdb\n  $ vfx vdb stats smoke.vdb --grid density --bins 20 --json`)
    .action(async (file: string, flags: { grid?: string; bins: number; json?: boolean }) => {
      const { bytes, info } = await loadFile(context, file);
      const chosen = flags.grid !== undefined ? [pickGrid(info, flags.grid, file)] : info.grids;
      const stats = [];
      for (const g of chosen) {
        if (context.signal.aborted) throw new VfxError(ErrorCode.CANCELLED, 'interrupted');
        if (g.valueType === 'ptdataidx32' || g.valueType === 'ptidx32') {
          if (flags.grid !== undefined) throw new VfxError(ErrorCode.BAD_USAGE, `grid '${g.displayName}' holds points, not values (vfx vdb points)`, { file });
          continue;
        }
        try {
          stats.push(gridStats(await readGrid(bytes, g, file), flags.bins));
        } catch (error) {
          context.fail(error, file);
        }
      }
      if (flags.json) context.json({ file, grids: stats });
      else for (const line of statsLines(file, stats)) context.out(line);
    });
}

/** The image axes of a slice across `axis`: horizontal and vertical index axes. */
const sliceAxes: Record<string, [number, number]> = { x: [1, 2], y: [0, 2], z: [0, 1] };

interface SliceFlags {
  grid: string;
  axis: 'x' | 'y' | 'z';
  index?: number;
  world?: number;
  output: string;
  range?: [number, number];
  bitDepth: '8' | '16';
  rgb?: boolean;
  force?: boolean;
  json?: boolean;
}

function makeSlice(context: CliContext): Command {
  return new Command('slice')
    .description('a greyscale PNG of one slice through the active bounding box (vectors: length, or RGB with --rgb)')
    .argument('<file>', 'an OpenVDB file')
    .requiredOption('--grid <name>', 'the grid')
    .addOption(new Option('--axis <axis>', 'the axis across which to slice').choices(['x', 'y', 'z']).makeOptionMandatory())
    .option('--index <k>', 'index coordinate of the slice along the axis (default: the middle of the active box)', (v: string) => {
      if (!/^[+-]?\d+$/.test(v.trim())) throw new InvalidArgumentError(`expected a whole number, got '${v}'`);
      return Number.parseInt(v, 10);
    })
    .option('--world <w>', 'world coordinate of the slice along the axis', parseNumber)
    .requiredOption('-o, --output <file.png>', 'the PNG to write')
    .option('--range <min,max>', 'values mapped to black and white (default: the slice min and max)', parseRange)
    .addOption(new Option('--bit-depth <bits>', 'PNG bit depth').choices(['8', '16']).default('8'))
    .option('--rgb', 'vec3 grids: components as RGB (each through --range) instead of the length')
    .option('-f, --force', 'replace an existing output')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Slices across x show y to the right and z up; across y, x right and z up; across z, x right and y up.
Examples:
  $ vfx vdb slice smoke.vdb --grid density --axis z -o density_z.png
  $ vfx vdb slice smoke.vdb --grid density --axis y --world 2.5 --range 0,1 -o mid.png --bit-depth 16`,
    )
    .action(async (file: string, flags: SliceFlags) => {
      if (flags.index !== undefined && flags.world !== undefined) throw usageError('give --index or --world, not both');
      if (!/\.png$/i.test(flags.output)) throw usageError(`the output must be a .png file: ${flags.output}`);
      const { bytes, info } = await loadFile(context, file);
      const g = pickGrid(info, flags.grid, file);
      if (g.valueType === 'ptdataidx32' || g.valueType === 'ptidx32') throw new VfxError(ErrorCode.BAD_USAGE, `grid '${g.displayName}' holds points (vfx vdb points)`, { file });
      const grid = await readGrid(bytes, g, file);
      const box = grid.indexBoundingBox();
      if (box === undefined) throw new VfxError(ErrorCode.BAD_USAGE, `grid '${g.displayName}' has no active voxels to slice`, { file });
      const axis = { x: 0, y: 1, z: 2 }[flags.axis];
      let k: number;
      if (flags.index !== undefined) k = flags.index;
      else if (flags.world !== undefined) {
        // The plane through the box centre's world position with the axis coordinate replaced.
        const centre = grid.transform.indexToWorld((box.min[0] + box.max[0]) / 2, (box.min[1] + box.max[1]) / 2, (box.min[2] + box.max[2]) / 2);
        centre[axis] = flags.world;
        k = Math.round(grid.transform.worldToIndex(centre[0], centre[1], centre[2])[axis]!);
      } else k = Math.floor((box.min[axis]! + box.max[axis]!) / 2);
      if (k < box.min[axis]! || k > box.max[axis]!) {
        throw new VfxError(ErrorCode.BAD_USAGE, `slice ${flags.axis}=${k} is outside the active box (${box.min[axis]}..${box.max[axis]})`, { file });
      }
      const [h, v] = sliceAxes[flags.axis]!;
      const width = box.max[h]! - box.min[h]! + 1;
      const height = box.max[v]! - box.min[v]! + 1;
      const components = grid.tree.valueType.components;
      const rgb = flags.rgb === true && components === 3;
      const channels = rgb ? 3 : 1;
      const samples = new Float64Array(width * height * channels);
      const accessor = grid.accessor();
      const scratch = new Float64Array(Math.max(1, components));
      const ijk: Vec3 = [0, 0, 0];
      ijk[axis] = k;
      for (let row = 0; row < height; row++) {
        ijk[v] = box.max[v]! - row; // up is up
        for (let col = 0; col < width; col++) {
          ijk[h] = box.min[h]! + col;
          const at = (row * width + col) * channels;
          if (grid.tree.valueType.name === 'mask' || grid.tree.valueType.name === 'bool') {
            const value = accessor.getValue(ijk[0], ijk[1], ijk[2]);
            samples[at] = value === true || value === 1 ? 1 : 0;
          } else {
            accessor.getValueInto(ijk[0], ijk[1], ijk[2], scratch);
            if (rgb) for (let c = 0; c < 3; c++) samples[at + c] = scratch[c]!;
            else samples[at] = scalarOf(scratch, 0, components);
          }
        }
      }
      let [lo, hi] = flags.range ?? [Infinity, -Infinity];
      if (flags.range === undefined) {
        for (const s of samples) if (Number.isFinite(s)) (lo = Math.min(lo, s)), (hi = Math.max(hi, s));
        if (!Number.isFinite(lo)) (lo = 0), (hi = 1);
      }
      const sixteen = flags.bitDepth === '16';
      const top = sixteen ? 65535 : 255;
      const pixels = sixteen ? new Uint16Array(samples.length) : new Uint8Array(samples.length);
      const span = hi - lo;
      for (let i = 0; i < samples.length; i++) {
        const s = samples[i]!;
        const t = span > 0 ? (s - lo) / span : s >= hi ? 1 : 0;
        pixels[i] = Number.isNaN(t) ? 0 : Math.round(Math.min(1, Math.max(0, t)) * top);
      }
      const raw = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
      const png = await sharp(raw, { raw: { width, height, channels, ...(sixteen ? { depth: 'ushort' as const } : {}) } })
        .toColourspace(sixteen ? (rgb ? 'rgb16' : 'grey16') : rgb ? 'srgb' : 'b-w')
        .png()
        .toBuffer();
      await writeFileAtomic(context.resolve(flags.output), png, { force: flags.force ?? false });
      const result = { file, output: flags.output, grid: g.displayName, axis: flags.axis, index: k, width, height, bitDepth: sixteen ? 16 : 8, range: [lo, hi] };
      if (flags.json) context.json(result);
      else context.out(`${flags.output}  ${width}x${height} ${result.bitDepth}-bit ${rgb ? 'RGB' : 'grey'}, ${g.displayName} ${flags.axis}=${k}, range ${lo}..${hi}`);
    });
}

function makeProbe(context: CliContext): Command {
  return new Command('probe')
    .description('the value and active state of one voxel, by index or world position')
    .argument('<file>', 'an OpenVDB file')
    .requiredOption('--grid <name>', 'the grid')
    .option('--ijk <i,j,k>', 'index coordinates', parseTriple('int'))
    .option('--world <x,y,z>', 'a world position (the voxel holding it)', parseTriple('float'))
    .option('--json', 'print JSON: { grid, ijk, value, active }')
    .addHelpText('after', `\nExamples:\n  $ vfx vdb probe smoke.vdb --grid density --ijk 50,100,50\n  $ vfx vdb probe smoke.vdb --grid density --world 0,1.5,0 --json`)
    .action(async (file: string, flags: { grid: string; ijk?: Vec3; world?: Vec3; json?: boolean }) => {
      if ((flags.ijk === undefined) === (flags.world === undefined)) throw usageError('give one of --ijk I,J,K or --world X,Y,Z');
      const { bytes, info } = await loadFile(context, file);
      const g = pickGrid(info, flags.grid, file);
      if (g.valueType === 'ptdataidx32' || g.valueType === 'ptidx32') throw new VfxError(ErrorCode.BAD_USAGE, `grid '${g.displayName}' holds points (vfx vdb points)`, { file });
      let grid: VdbGrid;
      try {
        grid = openVdbGrid(bytes, g); // decodes only the leaf holding the voxel
      } catch (error) {
        throw onFile(error, file);
      }
      const ijk: Vec3 = flags.ijk ?? (grid.transform.worldToIndex(...flags.world!).map((c) => Math.round(c)) as Vec3);
      let probe;
      try {
        probe = grid.accessor().probe(ijk[0], ijk[1], ijk[2]);
      } catch (error) {
        if (!(isVfxError(error) && error.code === 'VDB_NEEDS_ASYNC')) throw onFile(error, file);
        grid = await readGrid(bytes, g, file);
        probe = grid.accessor().probe(ijk[0], ijk[1], ijk[2]);
      }
      const result = { grid: g.displayName, ijk, value: probe.value, active: probe.active, ...(flags.world ? { world: flags.world } : {}) };
      if (flags.json) context.json(result);
      else context.out(`${g.displayName} [${ijk.join(', ')}]  ${Array.isArray(probe.value) ? `[${probe.value.join(', ')}]` : String(probe.value)}  ${probe.active ? 'active' : 'inactive'}`);
    });
}

function makePoints(context: CliContext): Command {
  return new Command('points')
    .description('write the points of a point data grid to a particle file (.ply, .bgeo, .prt, ...)')
    .argument('<file>', 'an OpenVDB file')
    .requiredOption('-o, --output <file>', 'the particle file (format from its extension)')
    .option('--grid <name>', 'the point data grid (default: the first one)')
    .option('-f, --force', 'replace an existing output')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `\nP is written in world space; other attributes keep their names; groups become 0/1 int attributes.\nExamples:\n  $ vfx vdb points points.vdb -o points.ply\n  $ vfx vdb points fx.vdb --grid sparks -o sparks.bgeo --force`)
    .action(async (file: string, flags: { output: string; grid?: string; force?: boolean; json?: boolean }) => {
      const target = formatForFileName(basename(flags.output));
      if (!target || !target.format.write) {
        throw usageError(`cannot write particles to ${flags.output} (${target ? `${target.format.name} is read-only` : 'unknown extension'}); writable: ${supportedFormatsText()}`);
      }
      const { bytes, info } = await loadFile(context, file);
      const g = flags.grid !== undefined ? pickGrid(info, flags.grid, file) : info.grids.find((x) => x.valueType === 'ptdataidx32');
      if (g === undefined) throw new VfxError(ErrorCode.BAD_USAGE, `no point data grid in the file (grids: ${info.grids.map((x) => `${x.displayName} ${x.valueType}`).join(', ') || 'none'})`, { file });
      if (g.valueType !== 'ptdataidx32') throw new VfxError(ErrorCode.BAD_USAGE, `grid '${g.displayName}' is a ${g.valueType} grid, not a point data grid`, { file });
      let data;
      try {
        data = readVdbPoints(await readVdbGrid(bytes, g));
      } catch (error) {
        throw onFile(error, file);
      }
      const attributes: ParticleAttribute[] = [];
      for (const [name, a] of Object.entries(data.attributes)) {
        const attribute: ParticleAttribute = { name, type: a.type, width: a.width, data: a.data };
        if (a.strings !== undefined) attribute.strings = a.strings;
        attributes.push(attribute);
      }
      for (const [name, members] of Object.entries(data.groups)) {
        if (data.attributes[name] !== undefined) continue;
        attributes.push({ name, type: 'int', width: 1, data: Int32Array.from(members) });
      }
      let out: Uint8Array;
      try {
        const set = createParticleSet(data.count, attributes);
        out = writeParticles(set, target.format.id, { gzip: target.gzip, dropUnsupported: true });
      } catch (error) {
        throw onFile(error, flags.output);
      }
      await writeFileAtomic(context.resolve(flags.output), out, { force: flags.force ?? false });
      const result = { file, grid: g.displayName, output: flags.output, format: target.format.id, count: data.count, attributes: attributes.map((a) => a.name), bytes: out.byteLength };
      if (flags.json) context.json(result);
      else context.out(`${file} [${g.displayName}] -> ${flags.output}  ${data.count.toLocaleString('en-US')} points (${result.attributes.join(', ')})`);
    });
}

export function makeVdbCommand(context: CliContext): Command {
  return new Command('vdb')
    .description('OpenVDB volumes: info, stats, slice, probe, points')
    .addHelpText(
      'after',
      `
Examples:
  $ vfx vdb info smoke.vdb                          grids, types, boxes, voxel counts (like vdb_print -l -m)
  $ vfx vdb stats smoke.vdb --grid density          min, max, mean, histogram
  $ vfx vdb slice smoke.vdb --grid density --axis z -o slice.png
  $ vfx vdb probe smoke.vdb --grid density --ijk 50,100,50
  $ vfx vdb points points.vdb -o points.ply`,
    )
    .addCommand(makeInfo(context))
    .addCommand(makeStats(context))
    .addCommand(makeSlice(context))
    .addCommand(makeProbe(context))
    .addCommand(makePoints(context));
}
