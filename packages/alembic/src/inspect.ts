/**
 * `inspectAlembic`: the header, archive info, time samplings and the object hierarchy with each
 * object's schema and property headers, without reading any sample data. Returns plain data (JSON
 * ready) for `vfx abc info` and `vfx inspect`.
 */
import { openAlembic, formatLibraryVersion, type OpenAlembicOptions, type ArchiveInfo } from './core/archive.js';
import type { AlembicObject } from './core/object.js';
import { CompoundProperty, type AlembicProperty } from './core/property.js';
import type { TimeSamplingKind } from './core/time-sampling.js';
import { withAbcErrors } from './errors.js';
import { schemaKind, type SchemaKind } from './geom/schema.js';

export interface PropertySummary {
  name: string;
  kind: 'compound' | 'scalar' | 'array';
  /** `float32[3]` style data type, for scalar and array properties. */
  dataType?: string;
  interpretation?: string;
  sampleCount?: number;
  timeSampling?: number;
  constant?: boolean;
  metadata: Record<string, string>;
  properties?: PropertySummary[];
}

export interface ObjectSummary {
  path: string;
  name: string;
  /** The declared schema (`AbcGeom_PolyMesh_v1`), "" for plain objects. */
  schema: string;
  kind: SchemaKind;
  metadata: Record<string, string>;
  childCount: number;
  /** For instances, the path of the object they stand for. */
  instanceSource?: string;
  properties?: PropertySummary[];
}

export interface AlembicInspection {
  format: 'ogawa';
  byteLength: number;
  ogawaVersion: number;
  fileVersion: number;
  libraryVersion: number;
  /** "1.8.11" */
  libraryVersionText: string;
  info: ArchiveInfo;
  metadata: Record<string, string>;
  timeSamplings: { kind: TimeSamplingKind; timePerCycle: number | null; storedTimes: number[]; maxSamples: number }[];
  timeRange: { start: number; end: number } | null;
  objects: ObjectSummary[];
  counts: { objects: number; properties: number; bySchema: Record<string, number> };
  warnings: string[];
}

export interface InspectOptions extends OpenAlembicOptions {
  /** Include each object's property headers (default true). */
  properties?: boolean;
  /** Stop listing after this many objects (default unlimited). */
  maxObjects?: number;
}

function summarize(property: AlembicProperty, counter: { properties: number }): PropertySummary {
  counter.properties++;
  const out: PropertySummary = { name: property.name, kind: property.kind, metadata: property.metadata.toObject() };
  if (property instanceof CompoundProperty) {
    out.properties = property.properties.map((p) => summarize(p, counter));
  } else {
    out.dataType = `${property.pod}[${property.extent}]`;
    const interpretation = property.interpretation;
    if (interpretation !== '') out.interpretation = interpretation;
    out.sampleCount = property.sampleCount;
    out.timeSampling = property.timeSamplingIndex;
    out.constant = property.isConstant;
  }
  return out;
}

/** Header and hierarchy of an Alembic archive, no sample data decoded. */
export function inspectAlembic(bytes: Uint8Array | ArrayBuffer, options: InspectOptions = {}): AlembicInspection {
  const archive = openAlembic(bytes, { ...options, sampleCacheBytes: 0 });
  return withAbcErrors(() => {
    const counter = { properties: 0 };
    const bySchema: Record<string, number> = {};
    const objects: ObjectSummary[] = [];
    const withProperties = options.properties ?? true;
    const max = options.maxObjects ?? Infinity;
    for (const object of archive.objects()) {
      if (objects.length >= max) break;
      objects.push(objectSummary(object, withProperties, counter));
      if (object.schema !== '') bySchema[object.schema] = (bySchema[object.schema] ?? 0) + 1;
    }
    return {
      format: 'ogawa' as const,
      byteLength: archive.byteLength,
      ogawaVersion: archive.ogawaVersion,
      fileVersion: archive.fileVersion,
      libraryVersion: archive.libraryVersion,
      libraryVersionText: formatLibraryVersion(archive.libraryVersion),
      info: archive.info,
      metadata: archive.metadata.toObject(),
      timeSamplings: archive.timeSamplings.map((t) => t.toJSON()),
      timeRange: archive.timeRange ?? null,
      objects,
      counts: { objects: objects.length, properties: counter.properties, bySchema },
      warnings: [...archive.warnings],
    };
  });
}

function objectSummary(object: AlembicObject, withProperties: boolean, counter: { properties: number }): ObjectSummary {
  const summary: ObjectSummary = {
    path: object.path,
    name: object.path === '/' ? '' : object.name,
    schema: object.schema,
    kind: schemaKind(object),
    metadata: object.metadata.toObject(),
    childCount: object.childCount,
  };
  const source = object.instanceSource;
  if (source !== undefined) summary.instanceSource = source;
  if (withProperties) summary.properties = object.properties.properties.map((p) => summarize(p, counter));
  return summary;
}
