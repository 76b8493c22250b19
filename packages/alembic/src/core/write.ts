/**
 * An Alembic writer at the core level (archive, objects, compound/scalar/array properties), laying
 * out Ogawa groups and data as AbcCoreOgawa does (`AwImpl.cpp`, `OwData.cpp`, `CpwData.cpp`,
 * `SpwImpl.cpp`, `ApwImpl.cpp`, `WriteUtil.cpp`, `MetaDataMap.cpp`):
 *
 * - root group: int32 file version 0, int32 library version, the top object group, then (at
 *   finish) the archive metadata, the time sampling table and the indexed metadata;
 * - every sample is written the moment it is added: a 16-byte MurmurHash3 key then the bytes;
 *   a sample equal to one already written anywhere in the archive is shared, not written again;
 *   a sample equal to the previous one of the same property is not stored (first/last changed
 *   indices record it), repeats between two changes are stored as references;
 * - arrays store a dimensions block after each sample (empty for rank-1 numeric arrays);
 * - headers are written when their owner is closed (properties before child objects, child
 *   objects before their parent's headers), with metadata strings under 256 bytes indexed;
 * - the 32 bytes after each object's child headers are the SpookyHash V2 of its properties and of
 *   its children, computed exactly as Alembic does, so hashes and keys match the C++ library's.
 *
 * What it does not know is AbcGeom: schemas are written by naming the properties they use.
 */
import { encodeUtf8, floatsToHalves } from '@vfxkit/core';
import { abcError, AbcErrorCode } from '../errors.js';
import { OgawaWriter, type OgawaWriteGroup, type OgawaWrittenData } from '../ogawa/write.js';
import { isStringPod, podIndex, type DataType, type PodType } from './datatype.js';
import { murmur3x64, spookyHash128, spookyShortEnd, SpookyHash, bytesToWords } from './hash.js';
import { MetaData } from './metadata.js';
import { ACYCLIC_TIME_PER_CYCLE, TimeSampling } from './time-sampling.js';

/** The library version written into archives (1.8.11: the layout this writer follows). */
export const WRITER_LIBRARY_VERSION = 10811;

export type MetaDataInput = MetaData | Record<string, string> | undefined;

/** Values for one sample: numbers (any typed array or array), bigints for 64-bit integers,
 *  strings for string and wstring. float16 takes half bits as a Uint16Array, or numbers. */
export type SampleInput = ArrayLike<number> | ArrayLike<bigint> | readonly string[];

export interface AlembicWriterOptions {
  /** Extra archive metadata. */
  metadata?: MetaDataInput;
  /** `_ai_Application`. */
  application?: string;
  /** `_ai_DateWritten`. */
  dateWritten?: string;
  /** `_ai_Description`. */
  userDescription?: string;
  /** `_ai_DCC_FPS`. */
  dccFps?: number;
  /** Library version in the root group. Default 10811. */
  libraryVersion?: number;
  /** `_ai_AlembicVersion`. Default "Alembic 1.8.11 (@vfxkit/alembic)". */
  alembicVersion?: string;
}

function toMetaData(input: MetaDataInput): MetaData {
  if (input === undefined) return new MetaData();
  return input instanceof MetaData ? input : new MetaData(input);
}

/** The 255-slot metadata index (`MetaDataMap`): index 0 empty, 1..254 short strings, 255 inline. */
class MetaDataMap {
  private readonly map = new Map<string, number>();
  index(text: string): number {
    if (text === '') return 0;
    if (encodeUtf8(text).byteLength < 256) {
      const found = this.map.get(text);
      if (found !== undefined) return found + 1;
      if (this.map.size < 254) {
        const index = this.map.size;
        this.map.set(text, index);
        return index + 1;
      }
    }
    return 255;
  }
  write(root: OgawaWriteGroup): void {
    if (this.map.size === 0) {
      root.addEmptyData();
      return;
    }
    const parts: Uint8Array[] = [];
    for (const text of this.map.keys()) {
      const bytes = encodeUtf8(text);
      parts.push(new Uint8Array([bytes.byteLength]), bytes);
    }
    root.addData(...parts);
  }
}

/** A growable byte list for header blocks. */
class Bytes {
  private readonly parts: number[] = [];
  u8(value: number): void {
    this.parts.push(value & 0xff);
  }
  u16(value: number): void {
    this.parts.push(value & 0xff, (value >>> 8) & 0xff);
  }
  u32(value: number): void {
    this.parts.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
  }
  hinted(value: number, hint: number): void {
    if (hint === 0) this.u8(value);
    else if (hint === 1) this.u16(value);
    else this.u32(value);
  }
  f64(value: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    for (const x of b) this.parts.push(x);
  }
  bytes(data: Uint8Array): void {
    for (const x of data) this.parts.push(x);
  }
  get length(): number {
    return this.parts.length;
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

interface WrittenSample {
  data: OgawaWrittenData;
  digest: Uint8Array;
  /** Alembic's WrittenSampleID::getNumPoints: extent times the points of the first writing. */
  numPoints: number;
}

/** The archive-wide map of written samples (`WrittenSampleMap`), keyed by size, POD class, digest. */
class WrittenSamples {
  private readonly map = new Map<string, WrittenSample>();
  constructor() {
    // Alembic seeds the empty samples of each class: they are written as the empty data entry.
    const zero = new Uint8Array(16);
    for (const kind of ['numeric', 'string', 'wstring']) this.map.set(`0/${kind}/${hexOf(zero)}`, { data: { position: 0, size: 0 }, digest: zero, numPoints: 0 });
  }
  find(key: string): WrittenSample | undefined {
    return this.map.get(key);
  }
  store(key: string, sample: WrittenSample): void {
    this.map.set(key, sample);
  }
}

function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** A sample's bytes as Alembic stores them (strings NUL-terminated, wstrings as uint32). */
export function encodeSampleValues(pod: PodType, values: SampleInput): Uint8Array {
  if (pod === 'string') {
    const parts = (values as readonly string[]).map((s) => {
      if (s.includes('\0')) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, 'strings cannot contain NUL characters');
      return encodeUtf8(s);
    });
    let size = 0;
    for (const p of parts) size += p.byteLength + 1;
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength + 1;
    }
    return out;
  }
  if (pod === 'wstring') {
    const codes: number[] = [];
    for (const s of values as readonly string[]) {
      for (const ch of s) {
        const code = ch.codePointAt(0)!;
        if (code === 0) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, 'wstrings cannot contain NUL characters');
        codes.push(code);
      }
      codes.push(0);
    }
    const out = new Uint8Array(codes.length * 4);
    const view = new DataView(out.buffer);
    codes.forEach((c, i) => view.setUint32(i * 4, c, true));
    return out;
  }
  const typed = toTyped(pod, values);
  const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  return new Uint8Array(bytes);
}

function toTyped(pod: PodType, values: SampleInput): ArrayBufferView & { length: number } {
  const v = values as ArrayLike<number> & ArrayLike<bigint>;
  switch (pod) {
    case 'bool':
      return Uint8Array.from(v as ArrayLike<number>, (x) => (x ? 1 : 0));
    case 'uint8':
      return v instanceof Uint8Array ? v : Uint8Array.from(v as ArrayLike<number>);
    case 'int8':
      return v instanceof Int8Array ? v : Int8Array.from(v as ArrayLike<number>);
    case 'uint16':
      return v instanceof Uint16Array ? v : Uint16Array.from(v as ArrayLike<number>);
    case 'int16':
      return v instanceof Int16Array ? v : Int16Array.from(v as ArrayLike<number>);
    case 'uint32':
      return v instanceof Uint32Array ? v : Uint32Array.from(v as ArrayLike<number>);
    case 'int32':
      return v instanceof Int32Array ? v : Int32Array.from(v as ArrayLike<number>);
    case 'uint64':
      return v instanceof BigUint64Array ? v : BigUint64Array.from(v as ArrayLike<bigint | number>, (x) => BigInt(x));
    case 'int64':
      return v instanceof BigInt64Array ? v : BigInt64Array.from(v as ArrayLike<bigint | number>, (x) => BigInt(x));
    case 'float16':
      return v instanceof Uint16Array ? v : floatsToHalves(Array.from(v as ArrayLike<number>));
    case 'float32':
      return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
    case 'float64':
      return v instanceof Float64Array ? v : Float64Array.from(v as ArrayLike<number>);
    default:
      throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `not a numeric POD: ${pod}`);
  }
}

function u64Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigUint64(i * 8, BigInt(v), true));
  return out;
}

/** `HashPropertyHeader`: name, metadata, and for sampled properties POD, extent, scalar flag and
 *  the time sampling. */
function hashPropertyHeader(
  hash: SpookyHash,
  name: string,
  metadata: string,
  sampled: { pod: PodType; extent: number; scalar: boolean; timeSampling: TimeSampling } | undefined,
): void {
  const data = new Bytes();
  data.bytes(encodeUtf8(name));
  data.bytes(encodeUtf8(metadata));
  if (sampled !== undefined) {
    data.u8(podIndex(sampled.pod));
    data.u8(sampled.extent);
    if (sampled.scalar) data.u8(0);
    data.f64(sampled.timeSampling.timePerCycle);
    data.u32(sampled.timeSampling.storedTimes.length);
    for (const t of sampled.timeSampling.storedTimes) data.f64(t);
  }
  if (data.length > 0) hash.update(data.toBytes());
}

interface ArchiveState {
  ogawa: OgawaWriter;
  samples: WrittenSamples;
  metadataMap: MetaDataMap;
  timeSamplings: TimeSampling[];
  maxSamples: number[];
}

interface HeaderRecord {
  name: string;
  metadata: string;
  kind: 'compound' | 'scalar' | 'array';
  pod?: PodType;
  extent?: number;
  timeSamplingIndex?: number;
  sampleCount?: number;
  firstChanged?: number;
  lastChanged?: number;
  homogeneous?: boolean;
  scalarLike?: boolean;
}

/** Property info exactly as `WritePropertyInfo`. */
function writePropertyInfo(out: Bytes, h: HeaderRecord, map: MetaDataMap): void {
  const metadataBytes = encodeUtf8(h.metadata);
  const nameBytes = encodeUtf8(h.name);
  let maxSize = Math.max(metadataBytes.byteLength, nameBytes.byteLength);
  if (h.kind !== 'compound') maxSize = Math.max(maxSize, h.sampleCount!, h.timeSamplingIndex!);
  const hint = maxSize > 255 && maxSize < 65536 ? 1 : maxSize >= 65536 ? 2 : 0;
  let info = (hint << 2) & 0xc;
  const metadataIndex = map.index(h.metadata);
  info |= (metadataIndex << 20) & 0xff00000;
  if (h.kind !== 'compound') {
    info |= h.kind === 'scalar' ? 1 : 2;
    if (h.scalarLike) info |= 1;
    info |= (podIndex(h.pod!) << 4) & 0xf0;
    if (h.timeSamplingIndex !== 0) info |= 0x100;
    let needsFirstLast = false;
    if (h.firstChanged === 0 && h.lastChanged === 0) info |= 0x800;
    else if (h.firstChanged !== 1 || h.lastChanged !== h.sampleCount! - 1) {
      info |= 0x200;
      needsFirstLast = true;
    }
    info |= (h.extent! << 12) & 0xff000;
    if (h.homogeneous) info |= 0x400;
    out.u32(info >>> 0);
    out.hinted(h.sampleCount!, hint);
    if (needsFirstLast) {
      out.hinted(h.firstChanged!, hint);
      out.hinted(h.lastChanged!, hint);
    }
    if (h.timeSamplingIndex !== 0) out.hinted(h.timeSamplingIndex!, hint);
  } else {
    out.u32(info >>> 0);
  }
  out.hinted(nameBytes.byteLength, hint);
  out.bytes(nameBytes);
  if (metadataIndex === 0xff) {
    out.hinted(metadataBytes.byteLength, hint);
    out.bytes(metadataBytes);
  }
}

abstract class PropertyWriterBase {
  readonly name: string;
  readonly metadata: MetaData;
  /** @internal */
  protected readonly state: ArchiveState;
  /** @internal */
  protected readonly group: OgawaWriteGroup;
  protected closed = false;
  /** @internal filled on close */
  hash: [bigint, bigint] = [0n, 0n];

  constructor(state: ArchiveState, group: OgawaWriteGroup, name: string, metadata: MetaData) {
    if (name === '' || name.includes('/')) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `invalid property name "${name}"`);
    this.state = state;
    this.group = group;
    this.name = name;
    this.metadata = metadata;
  }
  /** @internal */
  abstract header(): HeaderRecord;
  abstract close(): void;
}

export class CompoundWriter extends PropertyWriterBase {
  private readonly children: PropertyWriterBase[] = [];
  private readonly names = new Set<string>();
  /** Top compounds have no header of their own; their owner writes the header block. */
  private readonly top: boolean;

  /** @internal */
  constructor(state: ArchiveState, group: OgawaWriteGroup, name: string, metadata: MetaData, top = false) {
    super(state, group, top ? 'top' : name, metadata);
    this.top = top;
  }

  private claim(name: string): void {
    if (this.closed) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `the compound "${this.name}" is closed`);
    if (this.names.has(name)) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `a property named "${name}" already exists`);
    this.names.add(name);
  }

  addCompound(name: string, metadata?: MetaDataInput): CompoundWriter {
    this.claim(name);
    const child = new CompoundWriter(this.state, this.group.addGroup(), name, toMetaData(metadata));
    this.children.push(child);
    return child;
  }

  addScalar(name: string, dataType: DataType, options: { metadata?: MetaDataInput; timeSampling?: number } = {}): ScalarWriter {
    this.claim(name);
    const child = new ScalarWriter(this.state, this.group.addGroup(), name, toMetaData(options.metadata), dataType, options.timeSampling ?? 0);
    this.children.push(child);
    return child;
  }

  addArray(name: string, dataType: DataType, options: { metadata?: MetaDataInput; timeSampling?: number } = {}): ArrayWriter {
    this.claim(name);
    const child = new ArrayWriter(this.state, this.group.addGroup(), name, toMetaData(options.metadata), dataType, options.timeSampling ?? 0);
    this.children.push(child);
    return child;
  }

  /** @internal */
  header(): HeaderRecord {
    return { name: this.name, metadata: this.metadata.serialize(), kind: 'compound' };
  }

  /** @internal closes the child properties */
  closeChildren(): void {
    for (const child of this.children) child.close();
  }

  /** @internal writes the property header block (`CpwData::writePropertyHeaders`) */
  writeHeaderBlock(): void {
    const data = new Bytes();
    for (const child of this.children) writePropertyInfo(data, child.header(), this.state.metadataMap);
    if (data.length > 0) this.group.addData(data.toBytes());
  }

  /** @internal the SpookyHash of the children's hashes (`CpwData::computeHash`) */
  childHashWords(): bigint[] {
    return this.children.flatMap((c) => c.hash);
  }

  /** @internal */
  freeze(): void {
    this.group.freeze();
    this.closed = true;
  }

  close(): void {
    if (this.closed) return;
    if (this.top) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, 'an object closes its own top compound');
    this.closeChildren();
    this.writeHeaderBlock();
    const hash = new SpookyHash();
    const words = this.childHashWords();
    if (words.length > 0) hash.updateWords(words);
    hashPropertyHeader(hash, this.name, this.metadata.serialize(), undefined);
    this.hash = hash.final();
    this.group.freeze();
    this.closed = true;
  }
}

abstract class SampledWriter extends PropertyWriterBase {
  readonly dataType: DataType;
  readonly timeSamplingIndex: number;
  protected sampleCount = 0;
  protected firstChanged = 0;
  protected lastChanged = 0;
  protected homogeneous = true;
  protected scalarLike = true;
  protected previous: WrittenSample | undefined;
  protected previousKey = '';
  private running: [bigint, bigint] = [0n, 0n];

  constructor(state: ArchiveState, group: OgawaWriteGroup, name: string, metadata: MetaData, dataType: DataType, timeSampling: number) {
    super(state, group, name, metadata);
    if (!(dataType.extent >= 1 && dataType.extent <= 255)) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `extent ${dataType.extent} is outside 1..255`);
    if (timeSampling < 0 || timeSampling >= state.timeSamplings.length) {
      throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `time sampling ${timeSampling} does not exist (the archive has ${state.timeSamplings.length})`);
    }
    this.dataType = dataType;
    this.timeSamplingIndex = timeSampling;
  }

  protected abstract readonly isScalar: boolean;

  protected checkOpen(): void {
    if (this.closed) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `the property "${this.name}" is closed`);
    const ts = this.state.timeSamplings[this.timeSamplingIndex]!;
    if (ts.kind === 'acyclic' && this.sampleCount >= ts.storedTimes.length) {
      throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `the acyclic time sampling has ${ts.storedTimes.length} times; cannot write sample ${this.sampleCount}`);
    }
  }

  /** Writes (or shares) one sample's bytes; `dimensions` for arrays. */
  protected addBytes(bytes: Uint8Array, points: number, dimensions: number[] | undefined): void {
    this.checkOpen();
    const pod = this.dataType.pod;
    const digest = murmur3x64(bytes);
    const podClass = isStringPod(pod) ? pod : 'numeric';
    const key = `${bytes.byteLength}/${podClass}/${hexOf(digest)}`;
    if (this.sampleCount === 0 || key !== this.previousKey) {
      // Repeats since the last change are stored as references before the new sample.
      if (this.firstChanged !== 0) {
        for (let i = this.lastChanged + 1; i < this.sampleCount; i++) {
          this.group.addExistingData(this.previous!.data);
          if (!this.isScalar) this.writeDimensions(this.previousDimensions!);
        }
      }
      let written = this.state.samples.find(key);
      if (written !== undefined) {
        this.group.addExistingData(written.data);
      } else {
        const data = this.group.addData(digest, bytes);
        written = { data, digest, numPoints: this.dataType.extent * points };
        this.state.samples.store(key, written);
      }
      this.previous = written;
      this.previousKey = key;
      if (!this.isScalar) {
        this.previousDimensions = dimensions!;
        this.writeDimensions(dimensions!);
        if (this.scalarLike && points !== 1) this.scalarLike = false;
        // Alembic compares the points with the written sample's extent * points (sic).
        if (this.homogeneous && points !== written.numPoints) this.homogeneous = false;
      }
      if (this.firstChanged === 0) this.firstChanged = this.sampleCount;
      this.lastChanged = this.sampleCount;
    }
    // The running hash of the samples (`m_hash`), dimensions mixed in for arrays.
    let digestWords = bytesToWords(this.previous!.digest);
    if (!this.isScalar) {
      const h = new SpookyHash().update(u64Bytes(this.previousDimensions!)).update(this.previous!.digest);
      digestWords = h.final();
    }
    if (this.sampleCount === 0) {
      this.running = digestWords;
    } else {
      const state = [this.running[0], this.running[1], digestWords[0], digestWords[1]];
      spookyShortEnd(state);
      this.running = [state[0]!, state[1]!];
    }
    this.sampleCount++;
  }

  protected previousDimensions: number[] | undefined;

  private writeDimensions(dimensions: number[]): void {
    if (!isStringPod(this.dataType.pod) && dimensions.length <= 1) this.group.addEmptyData();
    else this.group.addData(u64Bytes(dimensions));
  }

  /** Repeats the previous sample (`setFromPreviousSample`). */
  addSampleFromPrevious(): void {
    this.checkOpen();
    if (this.sampleCount === 0 || this.previous === undefined) {
      throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, 'no previous sample to repeat');
    }
    let digestWords = bytesToWords(this.previous.digest);
    if (!this.isScalar) digestWords = new SpookyHash().update(u64Bytes(this.previousDimensions!)).update(this.previous.digest).final();
    const state = [this.running[0], this.running[1], digestWords[0], digestWords[1]];
    spookyShortEnd(state);
    this.running = [state[0]!, state[1]!];
    this.sampleCount++;
  }

  /** @internal */
  header(): HeaderRecord {
    return {
      name: this.name,
      metadata: this.metadata.serialize(),
      kind: this.isScalar ? 'scalar' : 'array',
      pod: this.dataType.pod,
      extent: this.dataType.extent,
      timeSamplingIndex: this.timeSamplingIndex,
      sampleCount: this.sampleCount,
      firstChanged: this.firstChanged,
      lastChanged: this.lastChanged,
      homogeneous: this.homogeneous,
      scalarLike: this.isScalar ? true : this.scalarLike,
    };
  }

  close(): void {
    if (this.closed) return;
    const stored = this.lastChanged === 0 && this.sampleCount > 0 ? 1 : this.sampleCount;
    if (this.state.maxSamples[this.timeSamplingIndex]! < stored) this.state.maxSamples[this.timeSamplingIndex] = stored;
    const hash = new SpookyHash();
    hashPropertyHeader(hash, this.name, this.metadata.serialize(), {
      pod: this.dataType.pod,
      extent: this.dataType.extent,
      scalar: this.isScalar,
      timeSampling: this.state.timeSamplings[this.timeSamplingIndex]!,
    });
    if (stored !== 0) hash.updateWords(this.running);
    this.hash = hash.final();
    this.group.freeze();
    this.closed = true;
  }
}

export class ScalarWriter extends SampledWriter {
  protected readonly isScalar = true;

  /** Adds one sample of `extent` values. */
  addSample(values: SampleInput): void {
    const { pod, extent } = this.dataType;
    if (values.length !== extent) {
      throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `a ${pod}[${extent}] scalar sample needs ${extent} values, got ${values.length}`);
    }
    this.addBytes(encodeSampleValues(pod, values), 1, undefined);
  }
}

export class ArrayWriter extends SampledWriter {
  protected readonly isScalar = false;

  /** Adds one sample: `count * extent` values; `dimensions` defaults to [count]. */
  addSample(values: SampleInput, dimensions?: number[]): void {
    const { pod, extent } = this.dataType;
    if (values.length % extent !== 0) {
      throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `${values.length} values are not a whole number of ${pod}[${extent}] values`);
    }
    const count = values.length / extent;
    const shape = dimensions ?? [count];
    if (shape.reduce((a, b) => a * b, 1) !== count) {
      throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `dimensions [${shape.join(', ')}] do not hold ${count} values`);
    }
    const bytes = count === 0 ? new Uint8Array(0) : encodeSampleValues(pod, values);
    this.addBytes(bytes, count, shape);
  }
}

export class ObjectWriter {
  readonly name: string;
  readonly path: string;
  readonly metadata: MetaData;
  /** The object's top compound: every property goes below it. */
  readonly properties: CompoundWriter;
  private readonly state: ArchiveState;
  private readonly group: OgawaWriteGroup;
  private readonly children: ObjectWriter[] = [];
  private readonly names = new Set<string>();
  private closed = false;
  /** @internal filled on close */
  hash: [bigint, bigint] = [0n, 0n];

  /** @internal */
  constructor(state: ArchiveState, group: OgawaWriteGroup, name: string, path: string, metadata: MetaData) {
    this.state = state;
    this.group = group;
    this.name = name;
    this.path = path;
    this.metadata = metadata;
    this.properties = new CompoundWriter(state, group.addGroup(), '', metadata, true);
  }

  /** A child object (metadata carries the schema: `schema=AbcGeom_PolyMesh_v1;...`). */
  addChild(name: string, metadata?: MetaDataInput): ObjectWriter {
    if (this.closed) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `the object ${this.path} is closed`);
    if (name === '' || name.includes('/')) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `invalid object name "${name}"`);
    if (this.names.has(name)) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `${this.path} already has a child named "${name}"`);
    this.names.add(name);
    const child = new ObjectWriter(this.state, this.group.addGroup(), name, this.path === '/' ? `/${name}` : `${this.path}/${name}`, toMetaData(metadata));
    this.children.push(child);
    return child;
  }

  /** Closes properties, then children, then writes the headers and hashes (`OwImpl::~OwImpl`). */
  close(): void {
    if (this.closed) return;
    this.properties.closeChildren();
    for (const child of this.children) child.close();
    // Child headers, then the properties hash and the children hash (`OwData::writeHeaders`).
    const data = new Bytes();
    for (const child of this.children) {
      const nameBytes = encodeUtf8(child.name);
      data.u32(nameBytes.byteLength);
      data.bytes(nameBytes);
      const text = child.metadata.serialize();
      const index = this.state.metadataMap.index(text);
      data.u8(index);
      if (index === 0xff) {
        const bytes = encodeUtf8(text);
        data.u32(bytes.byteLength);
        data.bytes(bytes);
      }
    }
    const propertyWords = this.properties.childHashWords();
    const propertiesHash = new SpookyHash();
    if (propertyWords.length > 0) propertiesHash.updateWords(propertyWords);
    const dataHash = propertiesHash.final();
    const childWords = this.children.flatMap((c) => c.hash);
    const objectHash = new SpookyHash();
    let childrenHash: [bigint, bigint] = [0n, 0n];
    if (childWords.length > 0) {
      objectHash.updateWords(childWords);
      childrenHash = objectHash.final();
    }
    const tail = new Uint8Array(32);
    const view = new DataView(tail.buffer);
    view.setBigUint64(0, dataHash[0], true);
    view.setBigUint64(8, dataHash[1], true);
    view.setBigUint64(16, childrenHash[0], true);
    view.setBigUint64(24, childrenHash[1], true);
    data.bytes(tail);
    this.group.addData(data.toBytes());
    // The top compound's property headers come after the object headers.
    this.properties.writeHeaderBlock();
    objectHash.updateWords(dataHash);
    const text = this.metadata.serialize();
    if (text !== '') objectHash.update(encodeUtf8(text));
    objectHash.update(encodeUtf8(this.name));
    this.hash = objectHash.final();
    this.properties.freeze();
    this.group.freeze();
    this.closed = true;
  }
}

export class AlembicWriter {
  /** The top object "/" (its metadata is the archive metadata). */
  readonly root: ObjectWriter;
  private readonly state: ArchiveState;
  private finished: Uint8Array | undefined;

  constructor(options: AlembicWriterOptions = {}) {
    const ogawa = new OgawaWriter();
    const metadata = toMetaData(options.metadata);
    const entries = new Map(metadata.entries());
    if (options.application !== undefined) entries.set('_ai_Application', options.application);
    if (options.dateWritten !== undefined) entries.set('_ai_DateWritten', options.dateWritten);
    if (options.userDescription !== undefined) entries.set('_ai_Description', options.userDescription);
    if (options.dccFps !== undefined) entries.set('_ai_DCC_FPS', String(options.dccFps));
    const libraryVersion = options.libraryVersion ?? WRITER_LIBRARY_VERSION;
    entries.set('_ai_AlembicVersion', options.alembicVersion ?? 'Alembic 1.8.11 (@vfxkit/alembic)');
    const version = new Uint8Array(4);
    ogawa.root.addData(version);
    const library = new Uint8Array(4);
    new DataView(library.buffer).setInt32(0, libraryVersion, true);
    ogawa.root.addData(library);
    this.state = {
      ogawa,
      samples: new WrittenSamples(),
      metadataMap: new MetaDataMap(),
      timeSamplings: [TimeSampling.identity()],
      maxSamples: [0],
    };
    this.root = new ObjectWriter(this.state, ogawa.root.addGroup(), 'ABC', '/', new MetaData(entries));
  }

  /** Adds a time sampling (an equal one already added is reused); returns its index. */
  addTimeSampling(sampling: TimeSampling | { timePerCycle: number; storedTimes: readonly number[] }): number {
    const ts = sampling instanceof TimeSampling ? sampling : new TimeSampling(sampling.timePerCycle, sampling.storedTimes);
    const found = this.state.timeSamplings.findIndex(
      (t) => t.timePerCycle === ts.timePerCycle && t.storedTimes.length === ts.storedTimes.length && t.storedTimes.every((x, i) => x === ts.storedTimes[i]),
    );
    if (found !== -1) return found;
    this.state.timeSamplings.push(new TimeSampling(ts.timePerCycle, [...ts.storedTimes]));
    this.state.maxSamples.push(0);
    return this.state.timeSamplings.length - 1;
  }

  /** A uniform sampling of `fps` frames per second starting at `startTime` seconds. */
  addUniformTimeSampling(fps: number, startTime = 0): number {
    return this.addTimeSampling({ timePerCycle: 1 / fps, storedTimes: [startTime] });
  }

  /** An acyclic sampling with every sample time given. */
  addAcyclicTimeSampling(times: readonly number[]): number {
    return this.addTimeSampling({ timePerCycle: ACYCLIC_TIME_PER_CYCLE, storedTimes: times });
  }

  /** Bytes written so far. */
  get length(): number {
    return this.state.ogawa.length;
  }

  /** Closes everything still open and returns the archive (`AwImpl::~AwImpl`). */
  finish(): Uint8Array {
    if (this.finished !== undefined) return this.finished;
    this.root.close();
    const root = this.state.ogawa.root;
    root.addData(encodeUtf8(this.root.metadata.serialize()));
    const table = new Bytes();
    this.state.timeSamplings.forEach((ts, i) => {
      table.u32(this.state.maxSamples[i]!);
      table.f64(ts.timePerCycle);
      table.u32(ts.storedTimes.length);
      for (const t of ts.storedTimes) table.f64(t);
    });
    root.addData(table.toBytes());
    this.state.metadataMap.write(root);
    this.finished = this.state.ogawa.finish();
    return this.finished;
  }
}

