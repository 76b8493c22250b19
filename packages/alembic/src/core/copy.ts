/**
 * Copying archives through the writer: every object, property header, time sampling and sample,
 * in file order. Re-writing an archive this way reproduces its sample keys and object hashes (the
 * tests check this against real archives), and it is how the benchmark builds large archives.
 */
import type { AlembicArchive } from './archive.js';
import type { AlembicObject } from './object.js';
import { CompoundProperty, type AlembicProperty } from './property.js';
import { AlembicWriter, type CompoundWriter, type ObjectWriter, type SampleInput } from './write.js';

export interface CopyOptions {
  /** Called for every sample copied; may return other values of the same type and extent (the
   *  benchmark animates copies this way). */
  transformSample?: (property: AlembicProperty, index: number, values: SampleInput) => SampleInput;
  /** Leave out an object (and everything below it). */
  skipObject?: (object: AlembicObject) => boolean;
}

/** Time samplings of `archive` added to `writer`, as an index map (source index -> writer index). */
export function copyTimeSamplings(archive: AlembicArchive, writer: AlembicWriter): number[] {
  return archive.timeSamplings.map((ts, i) => (i === 0 ? 0 : writer.addTimeSampling(ts)));
}

/** Copies the properties of `source` into `target`. */
export function copyProperties(source: CompoundProperty, target: CompoundWriter, timeSamplings: readonly number[], options: CopyOptions = {}): void {
  for (const property of source.properties) copyProperty(property, target, timeSamplings, options);
}

/** Copies one property (a compound with everything below it) into `target`. */
export function copyProperty(property: AlembicProperty, target: CompoundWriter, timeSamplings: readonly number[], options: CopyOptions = {}): void {
  if (property instanceof CompoundProperty) {
    copyProperties(property, target.addCompound(property.name, property.metadata), timeSamplings, options);
    return;
  }
  const dataType = property.dataType;
  const settings = { metadata: property.metadata, timeSampling: timeSamplings[property.timeSamplingIndex] ?? 0 };
  if (property.kind === 'scalar') {
    const writer = target.addScalar(property.name, dataType, settings);
    let last = -1;
    for (let i = 0; i < property.sampleCount; i++) {
      const stored = property.storedIndex(i);
      if (stored === last && options.transformSample === undefined) writer.addSampleFromPrevious();
      else {
        const values = property.getSample(i).values as SampleInput;
        writer.addSample(options.transformSample ? options.transformSample(property, i, values) : values);
      }
      last = stored;
    }
    writer.close();
  } else {
    const writer = target.addArray(property.name, dataType, settings);
    let last = -1;
    for (let i = 0; i < property.sampleCount; i++) {
      const stored = property.storedIndex(i);
      if (stored === last && options.transformSample === undefined) writer.addSampleFromPrevious();
      else {
        const sample = property.getSample(i);
        const values = options.transformSample ? options.transformSample(property, i, sample.values as SampleInput) : (sample.values as SampleInput);
        writer.addSample(values, sample.dimensions);
      }
      last = stored;
    }
    writer.close();
  }
}

/** Copies `source` (its properties and its subtree) as a child of `parent` named `name`. */
export function copyObject(source: AlembicObject, parent: ObjectWriter, timeSamplings: readonly number[], options: CopyOptions = {}, name = source.name): ObjectWriter {
  const target = parent.addChild(name, source.metadata);
  copyProperties(source.properties, target.properties, timeSamplings, options);
  for (const child of source.children) {
    if (options.skipObject?.(child) === true) continue;
    copyObject(child, target, timeSamplings, options);
  }
  target.close();
  return target;
}

/** The archive re-written through `AlembicWriter` (same metadata, library version, samplings). */
export function rewriteAlembic(archive: AlembicArchive, options: CopyOptions = {}): Uint8Array {
  const writer = new AlembicWriter({
    metadata: archive.metadata,
    libraryVersion: archive.libraryVersion,
    alembicVersion: archive.metadata.get('_ai_AlembicVersion'),
  });
  const samplings = copyTimeSamplings(archive, writer);
  copyProperties(archive.root.properties, writer.root.properties, samplings, options);
  for (const child of archive.root.children) {
    if (options.skipObject?.(child) === true) continue;
    copyObject(child, writer.root, samplings, options);
  }
  return writer.finish();
}
