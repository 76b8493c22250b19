/**
 * `vfx img info`: what each image holds, from its header: format, size, channels, bit depth,
 * colour space and the key metadata. The `--json` shape is a documented contract (README, "JSON
 * output").
 */
import { createLocalRunner } from '@vfxkit/core/node';
import { bitDepthText, describeTags, readImageInfo, type ImageInfo } from '@vfxkit/image';
import type { CliContext } from '@vfxkit/tool-common';
import type { InputFile } from './inputs.js';

/** The JSON of one file (README: `vfx img info --json`). */
export function infoJson(path: string, info: ImageInfo): Record<string, unknown> {
  const types = [...new Set(info.channels.map((c) => c.type))];
  const exr = info.format === 'exr';
  const { tags } = info.metadata;
  return {
    path,
    format: info.format,
    width: info.width,
    height: info.height,
    channels: info.channels.length,
    channelNames: info.channels.map((c) => c.name),
    bitDepth: info.bitDepth,
    colorSpace: info.colorSpace ?? null,
    hasAlpha: info.hasAlpha,
    ...(types.length > 1 ? { channelTypes: Object.fromEntries(info.channels.map((c) => [c.name, c.type])) } : {}),
    ...(info.compression !== undefined ? { compression: info.compression } : {}),
    ...(exr ? { dataWindow: info.dataWindow, displayWindow: info.displayWindow } : {}),
    ...(info.pages !== undefined ? { [exr ? 'parts' : 'pages']: info.pages } : {}),
    ...(info.metadata.iccDescription !== undefined ? { iccProfile: info.metadata.iccDescription } : {}),
    ...(info.metadata.density !== undefined ? { density: info.metadata.density } : {}),
    hasExif: info.metadata.exif !== undefined,
    hasXmp: info.metadata.xmp !== undefined,
    metadata: { ...tags },
  };
}

function boxText(box: ImageInfo['dataWindow']): string {
  return `(${box.xMin} ${box.yMin}) - (${box.xMax} ${box.yMax})`;
}

function rows(info: ImageInfo): [string, string][] {
  const out: [string, string][] = [];
  const { tags } = info.metadata;
  out.push(['format', info.format + (info.compression !== undefined ? ` (${info.compression})` : '') + (info.pages !== undefined ? `, ${info.pages} ${info.format === 'exr' ? 'parts' : 'pages'}` : '')]);
  out.push(['dimensions', `${info.width} x ${info.height}`]);
  if (info.format === 'exr' && boxText(info.dataWindow) !== boxText(info.displayWindow)) {
    out.push(['data window', `${boxText(info.dataWindow)}, display window ${boxText(info.displayWindow)}`]);
  }
  const types = [...new Set(info.channels.map((c) => c.type))];
  const names = info.channels.map((c) => (types.length > 1 ? `${c.name} (${c.type})` : c.name));
  out.push(['channels', `${info.channels.length}: ${names.join(', ')}`]);
  out.push(['bit depth', bitDepthText(info.bitDepth)]);
  out.push(['colour space', `${info.colorSpace ?? 'unknown'}${info.metadata.iccDescription !== undefined ? ` (ICC profile: ${info.metadata.iccDescription})` : ''}`]);
  out.push(...describeTags(tags));
  const carried = [info.metadata.exif !== undefined ? 'EXIF' : '', info.metadata.xmp !== undefined ? 'XMP' : '', info.metadata.icc !== undefined ? 'ICC' : ''].filter(Boolean);
  if (info.format === 'exr') out.push(['attributes', `${info.metadata.exrAttributes?.length ?? 0} besides the structural ones (vfx exr info lists them)`]);
  else if (carried.length > 0) out.push(['metadata', `${carried.join(', ')} (vfx meta show for every field)`]);
  return out;
}

export async function printInfo(context: CliContext, inputs: readonly InputFile[], options: { json: boolean; jobs: number }): Promise<void> {
  const run = await createLocalRunner().run(inputs, async (input) => readImageInfo(input.path, { file: input.shown }), {
    concurrency: options.jobs,
    signal: context.signal,
    label: (input) => input.shown,
  });
  const json: Record<string, unknown>[] = [];
  let first = true;
  for (const result of run.results) {
    if (result.outcome === 'failed' && result.error !== undefined) {
      context.fail(result.error);
      continue;
    }
    if (result.outcome !== 'ok' || result.value === undefined) continue;
    const input = inputs[result.index]!;
    const info = result.value as ImageInfo;
    if (options.json) {
      json.push(infoJson(input.shown, info));
      continue;
    }
    if (!first) context.out('');
    first = false;
    context.out(context.paint('bold', input.shown, context.io.stdout));
    for (const [label, value] of rows(info)) context.out(`  ${label.padEnd(13)} ${value}`);
  }
  if (options.json) context.json(json);
}
