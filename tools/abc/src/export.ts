/**
 * `vfx abc export FILE -o OUT.glb|.gltf|.obj|.ply [--object PATH] [--frame F] [--force]`: the
 * archive (or one object and everything below it) at one frame, as glTF (with the animated
 * transforms as a glTF animation), OBJ or PLY. The output is written atomically and never replaces
 * a file without --force. three.js and the writers load on first use, so the other verbs of
 * `vfx` do not pay for them at start-up.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ErrorCode, VfxError, isVfxError } from '@vfxkit/core';
import { writeFileAtomic } from '@vfxkit/core/node';
import type { CliContext } from '@vfxkit/tool-common';
import { sceneOf, type AlembicArchive } from '@vfxkit/alembic';
import { archiveFps, loadArchive, normalObjectPath } from './archive-file.js';
import type { GeometryItem } from './geometry.js';
import type { GltfAnimationSummary } from './gltf.js';

export type ExportFormat = 'glb' | 'gltf' | 'obj' | 'ply';

const FORMATS: Readonly<Record<string, ExportFormat>> = { '.glb': 'glb', '.gltf': 'gltf', '.obj': 'obj', '.ply': 'ply' };

/** The export format an output name asks for. */
export function exportFormatOf(output: string): ExportFormat {
  const name = basename(output).toLowerCase();
  const dot = name.lastIndexOf('.');
  const format = dot === -1 ? undefined : FORMATS[name.slice(dot)];
  if (format === undefined) {
    throw new VfxError(ErrorCode.BAD_USAGE, `cannot tell the format from the output name '${output}': use .glb, .gltf, .obj or .ply`, { file: output });
  }
  return format;
}

/** The JSON `vfx abc export --json` prints. */
export interface AbcExportJson {
  file: string;
  output: string;
  format: ExportFormat;
  object: string;
  /** The frame asked for (or the first sample's frame), at `fps`. */
  frame: number;
  fps: number;
  /** The time shown, in seconds. */
  time: number;
  /** Objects with geometry written (OBJ, PLY), or nodes (glTF). */
  objects: number;
  vertices: number;
  faces?: number;
  bytes: number;
  animation?: GltfAnimationSummary;
  notes: string[];
}

export interface ExportOptions {
  object?: string;
  frame?: number;
}

/** Frames per second used to turn --frame into a time: the archive's, else 24. */
function fpsOf(archive: AlembicArchive): number {
  return archiveFps(archive) ?? 24;
}

/** The bytes of the export of `archive` (no file written). */
export async function exportArchive(
  archive: AlembicArchive,
  format: ExportFormat,
  options: ExportOptions = {},
  comment = 'written by vfx abc export',
): Promise<{ bytes: Uint8Array; report: Omit<AbcExportJson, 'file' | 'output' | 'bytes'> }> {
  const path = normalObjectPath(options.object ?? '/');
  const fps = fpsOf(archive);
  const time = options.frame !== undefined ? options.frame / fps : (archive.timeRange?.start ?? 0);
  const frame = options.frame ?? Math.round(time * fps * 1e6) / 1e6;
  const scene = sceneOf(archive);
  const top = scene.find(path);
  if (top === undefined) throw new VfxError(ErrorCode.BAD_USAGE, `no object '${path}'`);
  const base = { format, object: path, frame, fps, time };
  if (format === 'glb' || format === 'gltf') {
    const { exportGltf } = await import('./gltf.js');
    const gltf = await exportGltf(archive, top.path, time, format === 'glb');
    const report: Omit<AbcExportJson, 'file' | 'output' | 'bytes'> = { ...base, objects: gltf.nodes, vertices: gltf.vertices, notes: gltf.notes };
    if (gltf.animation !== undefined) report.animation = gltf.animation;
    return { bytes: gltf.bytes, report };
  }
  const [{ gatherGeometry }, { writeObj, writePly }] = await Promise.all([import('./geometry.js'), import('./writers.js')]);
  const items: GeometryItem[] = gatherGeometry(scene, top, time);
  if (items.length === 0) {
    throw new VfxError(
      ErrorCode.BAD_USAGE,
      `nothing to write as ${format.toUpperCase()}: ${path === '/' ? 'the archive has' : `'${path}' holds`} no meshes, points or curves (.glb/.gltf keep transforms and cameras)`,
    );
  }
  const header = `${comment}, ${path} at time ${time} s (frame ${frame} at ${fps} fps)`;
  const written = format === 'obj' ? writeObj(items, header) : writePly(items, header);
  return { bytes: written.bytes, report: { ...base, objects: items.length, vertices: written.vertices, faces: written.faces, notes: written.notes } };
}

function parseFrame(value: string): number {
  const frame = Number(value);
  if (value.trim() === '' || !Number.isFinite(frame)) throw new InvalidArgumentError(`expected a frame number (1001, 12.5, ...), got '${value}'`);
  return frame;
}

export function makeExport(context: CliContext): Command {
  return new Command('export')
    .description('the archive (or one object and below) at one frame as glTF (.glb/.gltf, with animated transforms), OBJ or PLY')
    .argument('<file>', 'an Alembic file')
    .requiredOption('-o, --output <file>', 'the file to write: .glb, .gltf, .obj or .ply')
    .option('--object <path>', 'only this object and everything below it (its ancestors stay, as transforms)', '/')
    .option('--frame <f>', "the frame to write, at the archive's frame rate (default: the first sample)", parseFrame)
    .option('--force', 'replace the output file if it exists')
    .option('--json', 'print JSON: { file, output, format, object, frame, fps, time, objects, vertices, faces?, bytes, animation?, notes }')
    .addHelpText(
      'after',
      `
Examples:
  $ vfx abc export anim.abc -o anim.glb                      every object; animated transforms as a glTF animation
  $ vfx abc export anim.abc -o shape.obj --object /group1/pCube1 --frame 12
  $ vfx abc export particles.abc -o frame1.ply --frame 1 --force

Meshes, points and curves are written at the frame (the stored sample at or before it); OBJ and
PLY are in world space with polygons as stored, glTF keeps the hierarchy. PLY has no curves.`,
    )
    .action(async (file: string, flags: { output: string; object: string; frame?: number; force?: boolean; json?: boolean }) => {
      const output = flags.output;
      const format = exportFormatOf(output);
      const target = context.resolve(output);
      if (!flags.force && existsSync(target)) throw new VfxError(ErrorCode.WOULD_OVERWRITE, 'exists; use --force to replace it', { file: output });
      const archive = await loadArchive(context, file);
      let result: Awaited<ReturnType<typeof exportArchive>>;
      try {
        const options: ExportOptions = { object: flags.object };
        if (flags.frame !== undefined) options.frame = flags.frame;
        result = await exportArchive(archive, format, options, `written by vfx abc export from ${basename(file)}`);
      } catch (error) {
        throw isVfxError(error) ? error.withFile(file) : error;
      }
      await writeFileAtomic(target, result.bytes, { force: flags.force === true });
      const json: AbcExportJson = { file, output, ...result.report, bytes: result.bytes.byteLength };
      for (const note of json.notes) context.warn(`${file}: ${note}`);
      if (flags.json) return context.json(json);
      const animation = json.animation !== undefined ? `, ${json.animation.nodes.length} animated transform${json.animation.nodes.length === 1 ? '' : 's'} (${json.animation.times.length} keys)` : '';
      const faces = json.faces !== undefined ? `, ${json.faces} faces` : '';
      context.out(`${output}: ${json.objects} object${json.objects === 1 ? '' : 's'}, ${json.vertices} vertices${faces}${animation}, frame ${json.frame} (${json.time} s)`);
    });
}
