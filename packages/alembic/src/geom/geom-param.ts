/**
 * Geometry parameters (`lib/Alembic/AbcGeom/IGeomParam.h`, `GeometryScope.h`): a value per
 * constant/uniform/varying/vertex/face-varying element, stored either as a plain array property
 * or, when indexed, as a compound holding `.vals` and `.indices` (uint32). The scope is the
 * `geoScope` metadata (`con`, `uni`, `var`, `vtx`, `fvr`; none means constant).
 */
import { abcError, AbcErrorCode } from '../errors.js';
import type { NumericValues, PodType, SampleValues } from '../core/datatype.js';
import type { MetaData } from '../core/metadata.js';
import { ArrayProperty, CompoundProperty, ScalarProperty, type AlembicProperty } from '../core/property.js';
import type { Sample } from '../core/samples.js';
import type { SampleSelect, TimeSampling } from '../core/time-sampling.js';

export type GeometryScope = 'constant' | 'uniform' | 'varying' | 'vertex' | 'facevarying' | 'unknown';

/** The scope named by `geoScope` metadata. */
export function geometryScope(metadata: MetaData): GeometryScope {
  switch (metadata.get('geoScope')) {
    case '':
    case 'con':
      return 'constant';
    case 'uni':
      return 'uniform';
    case 'var':
      return 'varying';
    case 'vtx':
      return 'vertex';
    case 'fvr':
      return 'facevarying';
    default:
      return 'unknown';
  }
}

/** One sample of a geometry parameter, as stored. */
export interface GeomParamSample {
  name: string;
  scope: GeometryScope;
  /** The values (for indexed parameters, the distinct values). */
  values: Sample;
  /** For indexed parameters, one index per element into `values`. */
  indices: Uint32Array | undefined;
  /** Equal keys mean equal values and indices (the stored sample keys combined). */
  key: string;
}

export class GeomParam {
  readonly name: string;
  /** The property as written: an array (or scalar) for plain parameters, a compound when indexed. */
  readonly property: AlembicProperty;
  readonly values: ArrayProperty | ScalarProperty;
  readonly indices: ArrayProperty | undefined;

  constructor(property: AlembicProperty) {
    this.name = property.name;
    this.property = property;
    if (property instanceof CompoundProperty) {
      const values = property.getSampled('.vals');
      const indices = property.getArray('.indices');
      if (values === undefined || indices === undefined) {
        throw abcError(AbcErrorCode.ABC_CORRUPT, `the indexed geometry parameter "${property.name}" needs .vals and .indices`, { location: property.path });
      }
      this.values = values;
      this.indices = indices;
    } else {
      this.values = property;
      this.indices = undefined;
    }
  }

  get isIndexed(): boolean {
    return this.indices !== undefined;
  }
  get scope(): GeometryScope {
    return geometryScope(this.property.metadata);
  }
  get metadata(): MetaData {
    return this.property.metadata;
  }
  get interpretation(): string {
    return this.values.metadata.get('interpretation');
  }
  get pod(): PodType {
    return this.values.pod;
  }
  get extent(): number {
    return this.values.extent;
  }
  /** `arrayExtent` metadata (values per element for array-valued parameters), default 1. */
  get arrayExtent(): number {
    const text = this.property.metadata.get('arrayExtent');
    const n = Number.parseInt(text, 10);
    return Number.isFinite(n) && n > 0 ? n : 1;
  }
  get sampleCount(): number {
    return Math.max(this.values.sampleCount, this.indices?.sampleCount ?? 0);
  }
  get timeSampling(): TimeSampling {
    return this.values.timeSampling;
  }
  get isConstant(): boolean {
    return this.values.isConstant && (this.indices?.isConstant ?? true);
  }

  private clampIndex(property: ArrayProperty | ScalarProperty, index: number): number {
    return Math.min(index, Math.max(0, property.sampleCount - 1));
  }

  sampleIndexAt(time: number, select: SampleSelect = 'floor'): number {
    return this.values.sampleIndexAt(time, select);
  }

  /** Sample `index` as stored (values, and indices when indexed). */
  getSample(index: number): GeomParamSample {
    const values = this.values.getSample(this.clampIndex(this.values, index));
    let indices: Uint32Array | undefined;
    let key = values.key;
    if (this.indices !== undefined) {
      const sample = this.indices.getSample(this.clampIndex(this.indices, index));
      const raw = sample.values;
      indices = raw instanceof Uint32Array ? raw : Uint32Array.from(raw as ArrayLike<number>);
      key = `${values.key}:${sample.key}`;
    }
    return { name: this.name, scope: this.scope, values, indices, key };
  }

  /** Sample `index` with indices applied: one value per element. */
  getExpanded(index: number, maxValues = 500_000_000): Sample {
    return expandGeomParam(this.getSample(index), maxValues, this.property.path);
  }
}

/** The values of an indexed sample looked up through its indices (a plain sample is returned as is). */
export function expandGeomParam(sample: GeomParamSample, maxValues = 500_000_000, location = sample.name): Sample {
  const { values, indices } = sample;
  if (indices === undefined || indices.length === 0) return values;
  const extent = values.extent;
  if (indices.length * extent > maxValues) {
    throw abcError(AbcErrorCode.ABC_LIMIT, `expanding ${indices.length} indices of ${extent} values each exceeds ${maxValues} values (limits.maxExpandedValues)`, {
      location,
    });
  }
  const count = values.count;
  for (let i = 0; i < indices.length; i++) {
    if (indices[i]! >= count) {
      throw abcError(AbcErrorCode.ABC_CORRUPT, `index ${indices[i]} at ${i} is out of range: the parameter has ${count} values`, { location });
    }
  }
  let out: SampleValues;
  if (Array.isArray(values.values)) {
    const source = values.values;
    const strings: string[] = new Array<string>(indices.length * extent);
    for (let i = 0; i < indices.length; i++) for (let k = 0; k < extent; k++) strings[i * extent + k] = source[indices[i]! * extent + k]!;
    out = strings;
  } else {
    const source = values.values as NumericValues;
    const Ctor = source.constructor as new (length: number) => NumericValues;
    const typed = new Ctor(indices.length * extent);
    const target = typed as unknown as { [i: number]: number | bigint };
    const from = source as unknown as { [i: number]: number | bigint };
    for (let i = 0; i < indices.length; i++) {
      const base = indices[i]! * extent;
      for (let k = 0; k < extent; k++) target[i * extent + k] = from[base + k]!;
    }
    out = typed;
  }
  return { pod: values.pod, extent, values: out, count: indices.length, dimensions: [indices.length], key: sample.key, position: 0 };
}

/** The geometry parameter `name` in `compound`, or undefined. */
export function geomParam(compound: CompoundProperty | undefined, name: string): GeomParam | undefined {
  const property = compound?.get(name);
  return property === undefined ? undefined : new GeomParam(property);
}
