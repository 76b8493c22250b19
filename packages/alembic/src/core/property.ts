/**
 * Properties: compound (a named group of properties), scalar (one value of `extent` PODs per
 * sample) and array (an n-dimensional array of such values per sample). Read lazily, as
 * `CprData.cpp`, `SprImpl.cpp` and `AprImpl.cpp` read them:
 *
 * - a compound's Ogawa group holds one child group per property, then a data block of headers;
 * - a scalar's group holds one data block per stored sample;
 * - an array's group holds two per stored sample: the values, then the dimensions.
 *
 * Samples repeated at the start or end of the range are stored once: sample i is stored at
 * 0 when i < firstChangedIndex (or the property is constant), at lastChanged - firstChanged + 1 when
 * i >= lastChangedIndex, at i - firstChanged + 1 otherwise (`PropertyHeaderAndFriends::verifyIndex`).
 */
import { abcError, AbcErrorCode, toAbcError, withAbcErrors } from '../errors.js';
import type { DataSpan, OgawaGroup } from '../ogawa/archive.js';
import { POD_BYTES, type DataType, type PodType } from './datatype.js';
import type { ReadContext } from './context.js';
import { readPropertyHeaders, type PropertyHeader, type PropertyKind } from './headers.js';
import { EMPTY_METADATA, type MetaData } from './metadata.js';
import { decodeDimensions, decodeSample, SAMPLE_KEY_SIZE, type Sample } from './samples.js';
import { hexDigest } from './hash.js';
import type { SampleSelect, TimeSampling } from './time-sampling.js';

/** What a property knows of the object that holds it (kept minimal so core does not cycle). */
export interface PropertyOwner {
  readonly path: string;
}

export type AlembicProperty = CompoundProperty | ScalarProperty | ArrayProperty;

abstract class BaseProperty {
  /** The compound that holds this property (undefined for an object's top compound). */
  readonly parent: CompoundProperty | undefined;
  /** The object that holds this property. */
  readonly object: PropertyOwner;
  /** @internal */
  protected readonly context: ReadContext;
  /** @internal the header as read */
  readonly header: PropertyHeader;
  /** @internal */
  protected readonly groupOf: (() => OgawaGroup) | OgawaGroup;
  /** @internal index of this property's group in `groupOf` when that is the parent's group */
  protected readonly groupIndex: number;
  private groupCache: OgawaGroup | undefined;

  /** `group` opens the property's Ogawa group, or is the parent's group holding it at `index`. */
  constructor(context: ReadContext, object: PropertyOwner, parent: CompoundProperty | undefined, header: PropertyHeader, group: (() => OgawaGroup) | OgawaGroup, index = 0) {
    this.context = context;
    this.object = object;
    this.parent = parent;
    this.header = header;
    this.groupOf = group;
    this.groupIndex = index;
  }

  get name(): string {
    return this.header.name;
  }
  abstract get kind(): PropertyKind;
  get metadata(): MetaData {
    return this.header.metadata;
  }

  /** `/object/path/.geom/P`: the object path and the property names below its top compound. */
  get path(): string {
    const names: string[] = [];
    for (let p: BaseProperty | undefined = this; p?.parent !== undefined; p = p.parent) names.push(p.name);
    names.reverse();
    const base = this.object.path === '/' ? '' : this.object.path;
    return names.length === 0 ? this.object.path : `${base}/${names.join('/')}`;
  }

  /** The `interpretation` metadata (point, vector, normal, box, matrix, rgb, ...), or "". */
  get interpretation(): string {
    return this.metadata.get('interpretation');
  }

  /** @internal the Ogawa group, opened on first use */
  protected get group(): OgawaGroup {
    if (this.groupCache === undefined) {
      try {
        const source = this.groupOf;
        this.groupCache = typeof source === 'function' ? source() : source.group(this.groupIndex);
      } catch (error) {
        throw toAbcError(error, this.path);
      }
    }
    return this.groupCache;
  }
}

export class CompoundProperty extends BaseProperty {
  get kind(): 'compound' {
    return 'compound';
  }
  private children: AlembicProperty[] | undefined;
  private byName: Map<string, AlembicProperty> | undefined;

  /** The properties in file order. */
  get properties(): readonly AlembicProperty[] {
    if (this.children === undefined) this.load();
    return this.children!;
  }

  /** Property names in file order. */
  get names(): string[] {
    return this.properties.map((p) => p.name);
  }

  private load(): void {
    const children: AlembicProperty[] = [];
    const group = this.group;
    const count = group.childCount;
    if (count > 0 && group.isData(count - 1)) {
      const block = group.data(count - 1);
      const headers = readPropertyHeaders(
        block.bytes(),
        block.payloadPosition,
        this.context.indexedMetaData,
        this.context.timeSamplings.length,
        this,
        this.context.limits.maxProperties,
      );
      headers.forEach((header, index) => {
        if (index >= count - 1) {
          throw abcError(AbcErrorCode.ABC_CORRUPT, `the compound lists ${headers.length} properties but its group has room for ${count - 1}`, {
            location: this.path,
            offset: group.position,
          });
        }
        const child =
          header.kind === 'compound'
            ? new CompoundProperty(this.context, this.object, this, header, group, index)
            : header.kind === 'scalar'
              ? new ScalarProperty(this.context, this.object, this, header, group, index)
              : new ArrayProperty(this.context, this.object, this, header, group, index);
        children.push(child);
      });
    }
    this.children = children;
    // Small compounds (nearly all) are searched directly; a map only pays off for big ones.
    if (children.length > 16) {
      const byName = new Map<string, AlembicProperty>();
      for (const child of children) if (!byName.has(child.name)) byName.set(child.name, child);
      this.byName = byName;
    }
  }

  /** The property named `name`, or undefined. */
  get(name: string): AlembicProperty | undefined {
    const children = this.children ?? this.properties;
    if (this.byName !== undefined) return this.byName.get(name);
    for (let i = 0; i < children.length; i++) if (children[i]!.name === name) return children[i];
    return undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** The compound property `name`, or undefined (also when `name` is not a compound). */
  getCompound(name: string): CompoundProperty | undefined {
    const p = this.get(name);
    return p instanceof CompoundProperty ? p : undefined;
  }
  getScalar(name: string): ScalarProperty | undefined {
    const p = this.get(name);
    return p instanceof ScalarProperty ? p : undefined;
  }
  getArray(name: string): ArrayProperty | undefined {
    const p = this.get(name);
    return p instanceof ArrayProperty ? p : undefined;
  }
  /** A scalar or array property `name`, or undefined. */
  getSampled(name: string): ScalarProperty | ArrayProperty | undefined {
    const p = this.get(name);
    return p instanceof CompoundProperty ? undefined : p;
  }

  /** Follows a `a/b/c` path of compound names. */
  find(path: string): AlembicProperty | undefined {
    let current: AlembicProperty | undefined = this;
    for (const part of path.split('/').filter((s) => s.length > 0)) {
      if (!(current instanceof CompoundProperty)) return undefined;
      current = current.get(part);
    }
    return current;
  }
}

/** What scalar and array properties share: data type, sampling and sample lookup. */
abstract class SampledProperty extends BaseProperty {
  get pod(): PodType {
    return this.header.pod!;
  }
  get extent(): number {
    return this.header.extent;
  }
  get dataType(): DataType {
    return { pod: this.header.pod!, extent: this.header.extent };
  }
  get sampleCount(): number {
    return this.header.sampleCount;
  }
  get firstChangedIndex(): number {
    return this.header.firstChangedIndex;
  }
  get lastChangedIndex(): number {
    return this.header.lastChangedIndex;
  }
  /** Every sample equals sample 0 (stored once). */
  get isConstant(): boolean {
    return this.header.firstChangedIndex === 0;
  }
  /** Every sample has the same number of values. */
  get isHomogeneous(): boolean {
    return this.header.homogeneous;
  }
  get timeSamplingIndex(): number {
    return this.header.timeSamplingIndex;
  }
  get timeSampling(): TimeSampling {
    return this.context.timeSamplings[this.header.timeSamplingIndex]!;
  }
  /** Number of distinct data blocks the samples use (repeats at either end stored once). */
  get storedSampleCount(): number {
    const h = this.header;
    if (h.sampleCount === 0) return 0;
    if (h.firstChangedIndex === 0 && h.lastChangedIndex === 0) return 1;
    return h.lastChangedIndex - h.firstChangedIndex + 2;
  }

  /** The stored sample that sample `index` reads (`verifyIndex`). */
  storedIndex(index: number): number {
    const h = this.header;
    if (!Number.isInteger(index) || index < 0 || index >= h.sampleCount) {
      throw abcError(
        AbcErrorCode.ABC_BAD_ARGUMENT,
        h.sampleCount === 0 ? `sample ${index} requested; the property has no samples` : `sample ${index} requested; valid indices are 0..${h.sampleCount - 1}`,
        { location: this.path },
      );
    }
    if (index < h.firstChangedIndex) return 0;
    if (h.firstChangedIndex === 0 && h.lastChangedIndex === 0) return 0;
    if (index >= h.lastChangedIndex) return h.lastChangedIndex - h.firstChangedIndex + 1;
    return index - h.firstChangedIndex + 1;
  }

  /** Time of sample `index`. */
  sampleTime(index: number): number {
    return this.timeSampling.sampleTime(index);
  }

  /** Sample index for `time` (floor by default, as Alembic's ISampleSelector). */
  sampleIndexAt(time: number, select: SampleSelect = 'floor'): number {
    return this.timeSampling.indexAt(time, this.header.sampleCount, select);
  }

  /** Blocks per stored sample in the group (1 for scalars, 2 for arrays). */
  protected abstract get blocksPerSample(): number;
  /** The property's group (a leaf: data children only): position and child count; -1 until read. */
  private leafPosition = -1;
  private leafCount = 0;

  /** @internal opens the property's group once and checks it holds the declared samples */
  protected leaf(): number {
    if (this.leafPosition === -1) {
      try {
        const source = this.groupOf;
        if (typeof source === 'function') {
          const group = source();
          this.leafCount = group.childCount;
          this.leafPosition = group.position;
        } else {
          const span = source.leafSpan(this.groupIndex, this.context.span);
          this.leafCount = span.size;
          this.leafPosition = span.position;
        }
      } catch (error) {
        throw toAbcError(error, this.path);
      }
      const needed = this.storedSampleCount * this.blocksPerSample;
      if (this.leafCount < needed) {
        throw abcError(
          AbcErrorCode.ABC_CORRUPT,
          `the property declares ${this.header.sampleCount} samples (${this.storedSampleCount} stored) but its group holds ${this.leafCount} blocks; ${needed} are needed`,
          { location: this.path, offset: this.leafPosition },
        );
      }
    }
    return this.leafPosition;
  }

  /** @internal block `index` of the property's group, into the shared span */
  protected block(index: number): DataSpan {
    return this.context.ogawa.dataSpanIn(this.leaf(), index, this.context.span);
  }

  /** The key of sample `index` (hex MurmurHash3 of its bytes) without decoding it; "" when empty. */
  sampleKey(index: number): string {
    const stored = this.storedIndex(index);
    return withAbcErrors(() => {
      const block = this.block(stored * this.blocksPerSample);
      if (block.size < SAMPLE_KEY_SIZE) return '';
      return hexDigest(this.context.ogawa.read(block.position + 8, block.position + 8 + SAMPLE_KEY_SIZE));
    }, this.path);
  }

  /** The stored block of sample `index` (key then bytes), as a view into the archive (or read from its source). */
  rawSampleBytes(index: number): Uint8Array {
    const stored = this.storedIndex(index);
    return withAbcErrors(() => {
      const block = this.block(stored * this.blocksPerSample);
      return this.context.ogawa.read(block.position + 8, block.position + 8 + block.size);
    }, this.path);
  }

  /** Sample `index`: values in their native type, dimensions, key. Decoded once and cached. */
  getSample(index: number): Sample {
    const stored = this.storedIndex(index);
    try {
      return this.readStored(stored);
    } catch (error) {
      throw toAbcError(error, this.path);
    }
  }

  /** The sample at `time` (floor by default). */
  getSampleAt(time: number, select: SampleSelect = 'floor'): Sample {
    return this.getSample(this.sampleIndexAt(time, select));
  }

  /** Every sample, in order (constant properties read once). */
  *samples(): Generator<Sample> {
    for (let i = 0; i < this.header.sampleCount; i++) yield this.getSample(i);
  }

  protected abstract readStored(stored: number): Sample;
}

export class ScalarProperty extends SampledProperty {
  get kind(): 'scalar' {
    return 'scalar';
  }
  protected get blocksPerSample(): number {
    return 1;
  }

  protected readStored(stored: number): Sample {
    const block = this.block(stored);
    const position = block.position;
    const cache = this.context.cache;
    const tag = cache.budget > 0 && position !== 0 ? { pod: this.header.pod!, extent: this.header.extent, dimensions: -1 } : undefined;
    if (tag !== undefined) {
      const cached = cache.get(position, tag);
      if (cached !== undefined) return cached;
    }
    const data = this.context.ogawa.read(position + 8, position + 8 + block.size);
    const sample = decodeSample(data, 0, block.size, position, this.header.pod!, this.header.extent, undefined, true, this, this.context.allocator);
    if (tag !== undefined) cache.set(position, tag, sample);
    return sample;
  }

  /** The values of sample `index` as plain numbers/bigints/strings (length = extent). */
  getValues(index: number): (number | bigint | string)[] {
    return Array.from(this.getSample(index).values as ArrayLike<number | bigint | string>);
  }

  /** The first value of sample `index` (handy for extent-1 scalars). */
  getValue(index: number): number | bigint | string {
    return (this.getSample(index).values as ArrayLike<number | bigint | string>)[0]!;
  }
}

export class ArrayProperty extends SampledProperty {
  get kind(): 'array' {
    return 'array';
  }
  protected get blocksPerSample(): number {
    return 2;
  }

  /** Every sample holds exactly one value (written as info type 3). */
  get isScalarLike(): boolean {
    return this.header.scalarLike;
  }

  protected readStored(stored: number): Sample {
    const ogawa = this.context.ogawa;
    const dimensionsBlock = this.block(stored * 2 + 1);
    const dimensionsPosition = dimensionsBlock.position;
    const dimensions =
      dimensionsBlock.size === 0 ? undefined : decodeDimensions(ogawa.read(dimensionsPosition + 8, dimensionsPosition + 8 + dimensionsBlock.size), this, dimensionsPosition);
    const block = this.block(stored * 2);
    const position = block.position;
    const cache = this.context.cache;
    const tag = cache.budget > 0 && position !== 0 ? { pod: this.header.pod!, extent: this.header.extent, dimensions: dimensionsPosition } : undefined;
    if (tag !== undefined) {
      const cached = cache.get(position, tag);
      if (cached !== undefined) return cached;
    }
    const data = ogawa.read(position + 8, position + 8 + block.size);
    const sample = decodeSample(data, 0, block.size, position, this.header.pod!, this.header.extent, dimensions, false, this, this.context.allocator);
    if (tag !== undefined) cache.set(position, tag, sample);
    return sample;
  }

  /** The dimensions of sample `index` without decoding its values. */
  getDimensions(index: number): number[] {
    const stored = this.storedIndex(index);
    return withAbcErrors(() => {
      const dimensionsBlock = this.block(stored * 2 + 1);
      const dimensionsAt = dimensionsBlock.position;
      const dimensions = decodeDimensions(this.context.ogawa.read(dimensionsAt + 8, dimensionsAt + 8 + dimensionsBlock.size), this, dimensionsAt);
      const block = this.block(stored * 2);
      if (block.size === 0) return [0];
      if (dimensions !== undefined) return dimensions;
      const pod = this.header.pod!;
      if (pod === 'string' || pod === 'wstring') return [this.getSample(index).count];
      const bytesPerValue = POD_BYTES[pod] * this.header.extent;
      return [Math.floor((block.size - SAMPLE_KEY_SIZE) / bytesPerValue)];
    }, this.path);
  }
}

/** The header of an object's top compound: no name, the object's metadata. */
export function topCompoundHeader(metadata: MetaData): PropertyHeader {
  return {
    name: '',
    kind: 'compound',
    metadata: metadata ?? EMPTY_METADATA,
    pod: undefined,
    extent: 0,
    sampleCount: 0,
    firstChangedIndex: 0,
    lastChangedIndex: 0,
    timeSamplingIndex: 0,
    homogeneous: true,
    scalarLike: false,
  };
}
