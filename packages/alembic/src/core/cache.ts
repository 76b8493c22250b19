/**
 * A small least-recently-used cache of decoded samples, bounded in bytes. Alembic stores identical
 * samples once and constant properties once; keying decoded samples by their data block means a
 * sample shared by many properties or many frames is decoded once.
 */
import type { Sample } from './samples.js';

export function sampleBytes(sample: Sample): number {
  const values = sample.values;
  if (Array.isArray(values)) {
    let total = 0;
    for (const s of values) total += s.length * 2 + 16;
    return total;
  }
  return values.byteLength;
}

/** What else a cached sample must match besides its data block (a block can be shared by
 *  properties of different PODs, and an array's dimensions live in another block). */
export interface SampleCacheTag {
  pod: string;
  extent: number;
  /** Position of the dimensions block, -1 for scalars. */
  dimensions: number;
}

export class SampleCache {
  private readonly entries = new Map<number, { sample: Sample; bytes: number; tag: SampleCacheTag }>();
  private total = 0;
  readonly budget: number;

  constructor(budget: number) {
    this.budget = budget;
  }

  /** The cached sample of the block at `position`, if it was decoded with the same tag. */
  get(position: number, tag: SampleCacheTag): Sample | undefined {
    if (this.budget <= 0) return undefined;
    const entry = this.entries.get(position);
    if (entry === undefined || entry.tag.pod !== tag.pod || entry.tag.extent !== tag.extent || entry.tag.dimensions !== tag.dimensions) return undefined;
    this.entries.delete(position);
    this.entries.set(position, entry);
    return entry.sample;
  }

  set(position: number, tag: SampleCacheTag, sample: Sample): void {
    if (this.budget <= 0) return;
    const key = position;
    const bytes = sampleBytes(sample);
    if (bytes > this.budget / 4) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.total -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { sample, bytes, tag });
    this.total += bytes;
    while (this.total > this.budget) {
      const first = this.entries.keys().next();
      if (first.done === true) break;
      const entry = this.entries.get(first.value)!;
      this.entries.delete(first.value);
      this.total -= entry.bytes;
    }
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  get size(): number {
    return this.entries.size;
  }
  get bytes(): number {
    return this.total;
  }
}
