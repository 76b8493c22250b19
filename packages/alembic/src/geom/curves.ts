/**
 * Curves (`ICurves.cpp`, `CurveType.h`, `Basis.h`): `.geom` holds P, `nVertices` (int32 array, one
 * count per curve), `curveBasisAndType` (uint8[4] scalar: type, periodicity, basis, basis again),
 * and optionally `w` (position weights), `uv`, `N`, `width` (geometry parameters), `.velocities`,
 * `.orders` (uint8 per curve, for variable order) and `.knots` (float32).
 */
import type { NumericValues } from '../core/datatype.js';
import type { AlembicObject } from '../core/object.js';
import type { ArrayProperty } from '../core/property.js';
import type { SampleSelect } from '../core/time-sampling.js';
import { abcError, AbcErrorCode } from '../errors.js';
import { asFloat32, asInt32, asPositions, clampIndex, numeric, SchemaView, type Box3 } from './base.js';
import { GeomParam, type GeomParamSample } from './geom-param.js';
import { requiredArray, requiredScalar } from './schema.js';

export type CurveType = 'cubic' | 'linear' | 'variableOrder';
export type CurvePeriodicity = 'nonPeriodic' | 'periodic';
export type CurveBasis = 'none' | 'bezier' | 'bspline' | 'catmullrom' | 'hermite' | 'power';

const TYPES: readonly CurveType[] = ['cubic', 'linear', 'variableOrder'];
const WRAPS: readonly CurvePeriodicity[] = ['nonPeriodic', 'periodic'];
const BASES: readonly CurveBasis[] = ['none', 'bezier', 'bspline', 'catmullrom', 'hermite', 'power'];

export interface CurvesSample {
  index: number;
  positions: Float32Array | Float64Array;
  /** Vertices per curve. */
  vertexCounts: Int32Array;
  type: CurveType;
  wrap: CurvePeriodicity;
  basis: CurveBasis;
  positionWeights: Float32Array | undefined;
  orders: Uint8Array | undefined;
  knots: Float32Array | undefined;
  widths: GeomParamSample | undefined;
  uvs: GeomParamSample | undefined;
  normals: GeomParamSample | undefined;
  velocities: NumericValues | undefined;
  selfBounds: Box3 | undefined;
  keys: { positions: string; vertexCounts: string };
}

export class CurvesSchema extends SchemaView {
  readonly kind = 'curves' as const;

  constructor(object: AlembicObject) {
    super(object, 'curves');
  }

  get positions(): ArrayProperty {
    return requiredArray(this.compound, 'P', this.object.schema);
  }
  get vertexCountsProperty(): ArrayProperty {
    return requiredArray(this.compound, 'nVertices', this.object.schema);
  }
  get widths(): GeomParam | undefined {
    const p = this.compound.get('width');
    return p === undefined ? undefined : new GeomParam(p);
  }
  get uvs(): GeomParam | undefined {
    const p = this.compound.get('uv');
    return p === undefined ? undefined : new GeomParam(p);
  }
  get normals(): GeomParam | undefined {
    const p = this.compound.get('N');
    return p === undefined ? undefined : new GeomParam(p);
  }
  protected get timeProperty(): ArrayProperty {
    return this.positions;
  }

  getSample(index: number): CurvesSample {
    const P = this.positions;
    const pSample = P.getSample(clampIndex(P, index));
    const countsProperty = this.vertexCountsProperty;
    const countsSample = countsProperty.getSample(clampIndex(countsProperty, index));
    const vertexCounts = asInt32(countsSample);
    let total = 0;
    for (const n of vertexCounts) {
      if (n < 0) throw abcError(AbcErrorCode.ABC_CORRUPT, `a curve has ${n} vertices`, { location: this.compound.path });
      total += n;
    }
    if (total !== pSample.count) {
      throw abcError(AbcErrorCode.ABC_CORRUPT, `the curves' vertex counts add up to ${total} but there are ${pSample.count} points`, { location: this.compound.path });
    }
    const basisProperty = requiredScalar(this.compound, 'curveBasisAndType', this.object.schema);
    const bt = basisProperty.getSample(clampIndex(basisProperty, index)).values as ArrayLike<number>;
    const pick = <T>(list: readonly T[], value: number, what: string): T => {
      const v = list[value];
      if (v === undefined) throw abcError(AbcErrorCode.ABC_CORRUPT, `curve ${what} ${value} is not one Alembic defines`, { location: basisProperty.path });
      return v;
    };
    const optional = (name: string): ArrayProperty | undefined => {
      const p = this.compound.getArray(name);
      return p !== undefined && p.sampleCount > 0 ? p : undefined;
    };
    const w = optional('w');
    const orders = optional('.orders');
    const knots = optional('.knots');
    const velocities = optional('.velocities');
    const at = (p: ArrayProperty) => p.getSample(clampIndex(p, index));
    const param = (g: GeomParam | undefined): GeomParamSample | undefined => (g !== undefined && g.sampleCount > 0 ? g.getSample(index) : undefined);
    return {
      index,
      positions: asPositions(pSample),
      vertexCounts,
      type: pick(TYPES, Number(bt[0]), 'type'),
      wrap: pick(WRAPS, Number(bt[1]), 'periodicity'),
      basis: pick(BASES, Number(bt[2]), 'basis'),
      positionWeights: w === undefined ? undefined : asFloat32(at(w)),
      orders: orders === undefined ? undefined : Uint8Array.from(at(orders).values as ArrayLike<number>, Number),
      knots: knots === undefined ? undefined : asFloat32(at(knots)),
      widths: param(this.widths),
      uvs: param(this.uvs),
      normals: param(this.normals),
      velocities: velocities === undefined ? undefined : numeric(at(velocities), velocities.path),
      selfBounds: this.selfBounds(index),
      keys: { positions: pSample.key, vertexCounts: countsSample.key },
    };
  }

  getSampleAt(time: number, select: SampleSelect = 'floor'): CurvesSample {
    return this.getSample(this.sampleIndexAt(time, select));
  }
}
