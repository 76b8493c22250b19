/**
 * Alembic archives put together block by block (with `writeOgawa`), to feed the reader header
 * blocks that no writer would produce.
 */
import { writeOgawa, type OgawaTree } from '@vfxkit/alembic';

export function int32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, value, true);
  return out;
}

export function bytes(...parts: (number[] | Uint8Array | string)[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export function u32(value: number): number[] {
  return [value & 255, (value >>> 8) & 255, (value >>> 16) & 255, (value >>> 24) & 255];
}

export function f64(value: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, value, true);
  return [...b];
}

/** The default time sampling table: one uniform sampling, 1 per second from 0, max 1 sample. */
export const defaultTimeSamplings = bytes(u32(1), f64(1), u32(1), f64(0));

/** A property info word (see `ReadPropertyHeaders`). */
export function info(fields: { type: 0 | 1 | 2 | 3; hint?: number; pod?: number; hasTimeSampling?: boolean; firstLast?: boolean; homogeneous?: boolean; constant?: boolean; extent?: number; metadataIndex?: number }): number {
  return (
    (fields.type & 3) |
    ((fields.hint ?? 0) << 2) |
    ((fields.pod ?? 0) << 4) |
    (fields.hasTimeSampling ? 0x100 : 0) |
    (fields.firstLast ? 0x200 : 0) |
    (fields.homogeneous ? 0x400 : 0) |
    (fields.constant ? 0x800 : 0) |
    ((fields.extent ?? 0) << 12) |
    ((fields.metadataIndex ?? 0) << 20)
  ) >>> 0;
}

export interface HandMade {
  fileVersion?: Uint8Array;
  libraryVersion?: Uint8Array;
  metadata?: Uint8Array;
  timeSamplings?: Uint8Array;
  indexed?: Uint8Array;
  /** The top object's property groups followed by the header block. */
  topProperties?: OgawaTree;
  /** Child object groups of the top object, and its header block (without the 32 hash bytes). */
  children?: OgawaTree[];
  childHeaders?: Uint8Array;
  rootExtra?: OgawaTree;
}

/** An archive with the given blocks (defaults make a valid empty archive). */
export function handMade(parts: HandMade = {}): Uint8Array {
  const top: OgawaTree = [parts.topProperties ?? []];
  for (const child of parts.children ?? []) top.push(child);
  top.push(bytes(parts.childHeaders ?? new Uint8Array(0), new Uint8Array(32)));
  return writeOgawa([
    parts.fileVersion ?? int32(0),
    parts.libraryVersion ?? int32(10811),
    top,
    parts.metadata ?? new Uint8Array(0),
    parts.timeSamplings ?? defaultTimeSamplings,
    parts.indexed ?? new Uint8Array(0),
    ...(parts.rootExtra ?? []),
  ]);
}

/** One scalar property's group and header: `name`, `pod` index, `extent`, `count` samples all
 *  stored (no repeats), samples given as raw blocks (key + bytes). */
export function scalarHeader(name: string, pod: number, extent: number, count: number, extra: Partial<Parameters<typeof info>[0]> = {}): Uint8Array {
  return bytes(u32(info({ type: 1, pod, extent, ...extra })), [count], [name.length], name);
}
