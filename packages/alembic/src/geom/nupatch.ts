/**
 * NuPatch (`INuPatch.cpp`, `ONuPatch.cpp`): a NURBS surface. `.geom` holds P, `nu`, `nv`, `uOrder`,
 * `vOrder` (int32 scalars), `uKnot`, `vKnot` (float32 arrays), and optionally `w` (weights), `N`,
 * `uv`, `.velocities`, and trim curves: `trim_nloops` (int32 scalar), `trim_ncurves`, `trim_n`,
 * `trim_order` (int32 arrays), `trim_knot`, `trim_min`, `trim_max`, `trim_u`, `trim_v`, `trim_w`
 * (float32 arrays).
 */
import type { NumericValues } from '../core/datatype.js';
import type { AlembicObject } from '../core/object.js';
import type { ArrayProperty } from '../core/property.js';
import type { SampleSelect } from '../core/time-sampling.js';
import { abcError, AbcErrorCode } from '../errors.js';
import { asFloat32, asInt32, asPositions, clampIndex, numeric, SchemaView, type Box3 } from './base.js';
import { GeomParam, type GeomParamSample } from './geom-param.js';
import { requiredArray, requiredScalar } from './schema.js';

export interface TrimCurves {
  loopCount: number;
  curvesPerLoop: Int32Array;
  vertexCounts: Int32Array;
  orders: Int32Array;
  knots: Float32Array;
  min: Float32Array;
  max: Float32Array;
  u: Float32Array;
  v: Float32Array;
  w: Float32Array;
}

export interface NuPatchSample {
  index: number;
  positions: Float32Array | Float64Array;
  uCount: number;
  vCount: number;
  uOrder: number;
  vOrder: number;
  uKnots: Float32Array;
  vKnots: Float32Array;
  positionWeights: Float32Array | undefined;
  velocities: NumericValues | undefined;
  normals: GeomParamSample | undefined;
  uvs: GeomParamSample | undefined;
  trim: TrimCurves | undefined;
  selfBounds: Box3 | undefined;
}

export class NuPatchSchema extends SchemaView {
  readonly kind = 'nupatch' as const;

  constructor(object: AlembicObject) {
    super(object, 'nupatch');
  }

  get positions(): ArrayProperty {
    return requiredArray(this.compound, 'P', this.object.schema);
  }
  get normals(): GeomParam | undefined {
    const p = this.compound.get('N');
    return p === undefined ? undefined : new GeomParam(p);
  }
  get uvs(): GeomParam | undefined {
    const p = this.compound.get('uv');
    return p === undefined ? undefined : new GeomParam(p);
  }
  protected get timeProperty(): ArrayProperty {
    return this.positions;
  }
  /** True when trim curves are written (`trim_nloops` has samples). */
  get hasTrimCurves(): boolean {
    const p = this.compound.getScalar('trim_nloops');
    return p !== undefined && p.sampleCount > 0;
  }

  getSample(index: number): NuPatchSample {
    const schema = this.object.schema;
    const P = this.positions;
    const pSample = P.getSample(clampIndex(P, index));
    const int = (name: string): number => {
      const p = requiredScalar(this.compound, name, schema);
      return Number(p.getValue(clampIndex(p, index)));
    };
    const floats = (name: string, required: boolean): Float32Array | undefined => {
      const p = required ? requiredArray(this.compound, name, schema) : this.compound.getArray(name);
      if (p === undefined || p.sampleCount === 0) return required ? new Float32Array(0) : undefined;
      return asFloat32(p.getSample(clampIndex(p, index)));
    };
    const ints = (name: string): Int32Array => {
      const p = requiredArray(this.compound, name, schema);
      return p.sampleCount === 0 ? new Int32Array(0) : asInt32(p.getSample(clampIndex(p, index)));
    };
    const uCount = int('nu');
    const vCount = int('nv');
    const uOrder = int('uOrder');
    const vOrder = int('vOrder');
    const uKnots = floats('uKnot', true)!;
    const vKnots = floats('vKnot', true)!;
    if (uCount * vCount !== pSample.count) {
      throw abcError(AbcErrorCode.ABC_CORRUPT, `nu x nv = ${uCount} x ${vCount} but there are ${pSample.count} points`, { location: this.compound.path });
    }
    if (uKnots.length !== uCount + uOrder || vKnots.length !== vCount + vOrder) {
      throw abcError(
        AbcErrorCode.ABC_CORRUPT,
        `knot vectors of ${uKnots.length} and ${vKnots.length} values; nu + uOrder = ${uCount + uOrder}, nv + vOrder = ${vCount + vOrder}`,
        { location: this.compound.path },
      );
    }
    let trim: TrimCurves | undefined;
    if (this.hasTrimCurves) {
      trim = {
        loopCount: int('trim_nloops'),
        curvesPerLoop: ints('trim_ncurves'),
        vertexCounts: ints('trim_n'),
        orders: ints('trim_order'),
        knots: floats('trim_knot', true)!,
        min: floats('trim_min', true)!,
        max: floats('trim_max', true)!,
        u: floats('trim_u', true)!,
        v: floats('trim_v', true)!,
        w: floats('trim_w', true)!,
      };
    }
    const velocities = this.compound.getArray('.velocities');
    const normals = this.normals;
    const uvs = this.uvs;
    return {
      index,
      positions: asPositions(pSample),
      uCount,
      vCount,
      uOrder,
      vOrder,
      uKnots,
      vKnots,
      positionWeights: floats('w', false),
      velocities: velocities !== undefined && velocities.sampleCount > 0 ? numeric(velocities.getSample(clampIndex(velocities, index)), velocities.path) : undefined,
      normals: normals !== undefined && normals.sampleCount > 0 ? normals.getSample(index) : undefined,
      uvs: uvs !== undefined && uvs.sampleCount > 0 ? uvs.getSample(index) : undefined,
      trim,
      selfBounds: this.selfBounds(index),
    };
  }

  getSampleAt(time: number, select: SampleSelect = 'floor'): NuPatchSample {
    return this.getSample(this.sampleIndexAt(time, select));
  }
}
