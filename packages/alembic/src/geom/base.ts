/**
 * What every schema view shares (`IGeomBase.h`, `Visibility.cpp`): the schema compound, bounds
 * (`.selfBnds`, `.childBnds`, boxes of 6 float64: min xyz, max xyz), arbitrary geometry parameters
 * (`.arbGeomParams`), user properties (`.userProperties`), and the object-level `visible` property
 * (int8: -1 deferred to the parent, 0 hidden, 1 visible).
 */
import type { NumericValues } from '../core/datatype.js';
import type { AlembicObject } from '../core/object.js';
import { ArrayProperty, ScalarProperty, type CompoundProperty } from '../core/property.js';
import type { Sample } from '../core/samples.js';
import type { SampleSelect, TimeSampling } from '../core/time-sampling.js';
import { abcError, AbcErrorCode } from '../errors.js';
import { GeomParam } from './geom-param.js';
import { schemaCompound, type SchemaKind } from './schema.js';

/** An axis-aligned box. Alembic's empty box has min = +DBL_MAX and max = -DBL_MAX. */
export interface Box3 {
  min: [number, number, number];
  max: [number, number, number];
  /** True for the empty box (min greater than max on some axis). */
  empty: boolean;
}

export function boxFromValues(values: ArrayLike<number>): Box3 {
  const min: [number, number, number] = [values[0]!, values[1]!, values[2]!];
  const max: [number, number, number] = [values[3]!, values[4]!, values[5]!];
  return { min, max, empty: min[0] > max[0] || min[1] > max[1] || min[2] > max[2] };
}

/** A bounds property's box at sample `index` (clamped to its samples), or undefined. */
export function boundsAt(property: ScalarProperty | undefined, index: number): Box3 | undefined {
  if (property === undefined || property.sampleCount === 0) return undefined;
  const sample = property.getSample(Math.min(index, property.sampleCount - 1));
  if (sample.values.length < 6) return undefined;
  return boxFromValues(sample.values as ArrayLike<number>);
}

/** Numeric sample values as Float32Array (copied when the stored type differs). */
export function asFloat32(sample: Sample): Float32Array {
  const values = sample.values;
  if (values instanceof Float32Array) return values;
  if (Array.isArray(values)) return new Float32Array(0);
  return Float32Array.from(values as ArrayLike<number>, Number);
}

/** Numeric sample values as Int32Array (copied when the stored type differs). */
export function asInt32(sample: Sample): Int32Array {
  const values = sample.values;
  if (values instanceof Int32Array) return values;
  if (Array.isArray(values)) return new Int32Array(0);
  return Int32Array.from(values as ArrayLike<number>, Number);
}

/** Positions: float32 or float64 kept, anything else converted to float32. */
export function asPositions(sample: Sample): Float32Array | Float64Array {
  const values = sample.values;
  if (values instanceof Float32Array || values instanceof Float64Array) return values;
  return asFloat32(sample);
}

/** Numeric values as they are (throws for strings). */
export function numeric(sample: Sample, location: string): NumericValues {
  if (Array.isArray(sample.values)) throw abcError(AbcErrorCode.ABC_CORRUPT, `expected numbers, found ${sample.pod}`, { location });
  return sample.values as NumericValues;
}

/** Clamp a sample index to a property's samples (Alembic reads the last one past the end). */
export function clampIndex(property: ScalarProperty | ArrayProperty, index: number): number {
  return Math.max(0, Math.min(index, property.sampleCount - 1));
}

export abstract class SchemaView {
  readonly object: AlembicObject;
  /** The schema compound (`.geom`, `.xform`, `.faceset`). */
  readonly compound: CompoundProperty;
  abstract readonly kind: Exclude<SchemaKind, 'unknown'>;

  constructor(object: AlembicObject, kind: Exclude<SchemaKind, 'unknown'>, compound?: CompoundProperty) {
    this.object = object;
    this.compound = compound ?? schemaCompound(object, kind);
  }

  /** The property that carries the schema's samples (P for geometry, .vals for xforms, ...). */
  protected abstract get timeProperty(): ScalarProperty | ArrayProperty | undefined;

  /** Number of samples of the schema (of its main property). */
  get sampleCount(): number {
    return this.timeProperty?.sampleCount ?? 0;
  }

  get timeSampling(): TimeSampling | undefined {
    return this.timeProperty?.timeSampling;
  }

  /** Sample index for `time` (floor by default). */
  sampleIndexAt(time: number, select: SampleSelect = 'floor'): number {
    const property = this.timeProperty;
    return property === undefined ? 0 : property.sampleIndexAt(time, select);
  }

  /** Time of sample `index`. */
  sampleTime(index: number): number {
    return this.timeProperty?.sampleTime(index) ?? 0;
  }

  /** `.selfBnds` at sample `index`. */
  selfBounds(index = 0): Box3 | undefined {
    return boundsAt(this.compound.getScalar('.selfBnds'), index);
  }

  /** `.childBnds` at sample `index`. */
  childBounds(index = 0): Box3 | undefined {
    return boundsAt(this.compound.getScalar('.childBnds'), index);
  }

  /** `.arbGeomParams`, the compound of arbitrary geometry parameters. */
  get arbGeomParamsCompound(): CompoundProperty | undefined {
    return this.compound.getCompound('.arbGeomParams');
  }

  /** Every arbitrary geometry parameter (colour sets, UV sets, custom attributes). */
  get arbGeomParams(): GeomParam[] {
    const compound = this.arbGeomParamsCompound;
    return compound === undefined ? [] : compound.properties.map((p) => new GeomParam(p));
  }

  /** The arbitrary geometry parameter `name`, or undefined. */
  arbGeomParam(name: string): GeomParam | undefined {
    const property = this.arbGeomParamsCompound?.get(name);
    return property === undefined ? undefined : new GeomParam(property);
  }

  /** `.userProperties`, free-form properties from the DCC. */
  get userProperties(): CompoundProperty | undefined {
    return this.compound.getCompound('.userProperties');
  }
}

/** Object visibility (`ObjectVisibility`). */
export type Visibility = 'deferred' | 'hidden' | 'visible';

/** The `visible` property of an object, or undefined. */
export function visibilityProperty(object: AlembicObject): ScalarProperty | undefined {
  return object.properties.getScalar('visible');
}

/** The object's own visibility at `time` (deferred when it has no `visible` property). */
export function visibilityAt(object: AlembicObject, time: number): Visibility {
  const property = visibilityProperty(object);
  if (property === undefined || property.sampleCount === 0) return 'deferred';
  const value = Number(property.getValue(property.sampleIndexAt(time)));
  return value === 0 ? 'hidden' : value > 0 ? 'visible' : 'deferred';
}

/** Visible at `time` unless it or the nearest ancestor with a decided visibility is hidden
 *  (`IsAncestorInvisible` semantics). */
export function isVisible(object: AlembicObject, time: number): boolean {
  for (let current: AlembicObject | undefined = object; current !== undefined; current = current.parent) {
    const v = visibilityAt(current, time);
    if (v === 'hidden') return false;
    if (v === 'visible') return true;
  }
  return true;
}
