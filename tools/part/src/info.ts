/**
 * What `vfx part info` reports: partinfo's report and more (every attribute with its statistics,
 * the bounding box, fixed attributes), and for a sequence the per-frame counts and the attributes
 * that appear or vanish across frames.
 */
import { FrameSet } from '@vfxkit/core';
import { attributeStats, boundingBox, particleFormat, type ParticleAttribute, type ParticleInfo, type ParticleSet } from '@vfxkit/particles';

type Numbers = number | number[];

const perComponent = (values: number[] | undefined, width: number): Numbers | undefined =>
  values === undefined ? undefined : width === 1 ? values[0]! : values;

function fixedValue(attribute: ParticleAttribute): unknown {
  if (attribute.type === 'indexedString') {
    const strings = attribute.strings ?? [];
    const values = Array.from(attribute.data, (index) => (index >= 0 ? (strings[index] ?? null) : null));
    return attribute.width === 1 ? values[0] : values;
  }
  const values = Array.from(attribute.data);
  return attribute.width === 1 ? values[0] : values;
}

/** The documented JSON of `vfx part info --json FILE`. */
export function particleInfoJson(file: string, set: ParticleSet): Record<string, unknown> {
  const attributes = set.attributes.map((attribute) => {
    const stats = attributeStats(set, attribute.name);
    const entry: Record<string, unknown> = { name: attribute.name, type: attribute.type, width: attribute.width };
    const min = perComponent(stats.min, attribute.width);
    const max = perComponent(stats.max, attribute.width);
    const mean = perComponent(stats.mean, attribute.width);
    if (min !== undefined) entry.min = min;
    if (max !== undefined) entry.max = max;
    if (mean !== undefined) entry.mean = mean;
    if (attribute.type === 'indexedString') entry.strings = attribute.strings ?? [];
    return entry;
  });
  const fixed = set.fixed.map((attribute) => ({ name: attribute.name, type: attribute.type, width: attribute.width, value: fixedValue(attribute) }));
  const box = set.attributes.some((a) => a.name === 'P') ? boundingBox(set, 'P') : undefined;
  return {
    file,
    format: set.format ?? 'unknown',
    count: set.count,
    attributes,
    fixed,
    ...(box ? { bbox: { min: box.min, max: box.max } } : {}),
    ...(set.notes.length > 0 ? { notes: set.notes } : {}),
  };
}

const format = (value: unknown): string => {
  if (Array.isArray(value)) return `(${value.map(format).join(', ')})`;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, '').replace(/\.?0+e/, 'e');
  return JSON.stringify(value);
};

/** The human report of one file. */
export function particleInfoLines(info: Record<string, unknown>): string[] {
  const formatName = particleFormat(String(info.format))?.name ?? String(info.format);
  const lines = [`${String(info.file)}  ${formatName}, ${Number(info.count).toLocaleString('en-US')} particles`];
  const attributes = info.attributes as Record<string, unknown>[];
  if (attributes.length > 0) {
    const rows = attributes.map((a) => [
      String(a.name),
      String(a.type),
      String(a.width),
      a.type === 'indexedString' ? `${(a.strings as string[]).length} strings` : a.min !== undefined ? format(a.min) : '',
      a.max !== undefined ? format(a.max) : '',
      a.mean !== undefined ? format(a.mean) : '',
    ]);
    const header = ['attribute', 'type', 'width', 'min', 'max', 'mean'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    lines.push(line(header), ...rows.map(line));
  }
  const bbox = info.bbox as { min: number[]; max: number[] } | undefined;
  if (bbox) lines.push(`  bbox  min ${format(bbox.min)}  max ${format(bbox.max)}`);
  for (const fixed of info.fixed as Record<string, unknown>[]) lines.push(`  fixed ${String(fixed.name)} (${String(fixed.type)}[${String(fixed.width)}]) = ${format(fixed.value)}`);
  for (const note of (info.notes as string[] | undefined) ?? []) lines.push(`  note: ${note}`);
  return lines;
}

export interface FrameHeader {
  frame: number;
  file: string;
  info: ParticleInfo;
}

/** A sequence's report: per-frame counts, and each attribute with the frames it is present on. */
export function sequenceInfoJson(sequence: string, frames: FrameHeader[]): Record<string, unknown> {
  const attributes = new Map<string, { type: string; width: number; frames: number[] }>();
  for (const { frame, info } of frames) {
    for (const attribute of info.attributes) {
      const entry = attributes.get(attribute.name) ?? { type: attribute.type, width: attribute.width, frames: [] };
      entry.frames.push(frame);
      attributes.set(attribute.name, entry);
    }
  }
  const all = FrameSet.fromFrames(frames.map((f) => f.frame));
  return {
    sequence,
    format: frames[0]?.info.format,
    frames: frames.map(({ frame, file, info }) => ({ frame, file, count: info.count })),
    attributes: [...attributes].map(([name, entry]) => {
      const present = FrameSet.fromFrames(entry.frames);
      return {
        name,
        type: entry.type,
        width: entry.width,
        frames: present.toString(),
        ...(present.size < all.size ? { absent: all.difference(present).toString() } : {}),
      };
    }),
  };
}

export function sequenceInfoLines(info: Record<string, unknown>): string[] {
  const frames = info.frames as { frame: number; count: number }[];
  const counts = frames.map((f) => f.count);
  const lines = [
    `${String(info.sequence)}  ${frames.length} frames, ${Math.min(...counts).toLocaleString('en-US')} to ${Math.max(...counts).toLocaleString('en-US')} particles per frame`,
  ];
  for (const a of info.attributes as Record<string, unknown>[]) {
    lines.push(`  ${String(a.name)} (${String(a.type)}[${String(a.width)}])${a.absent ? `  only on ${String(a.frames)}, absent on ${String(a.absent)}` : ''}`);
  }
  lines.push('  frame  particles');
  for (const f of frames) lines.push(`  ${String(f.frame).padStart(5)}  ${f.count.toLocaleString('en-US')}`);
  return lines;
}
