/**
 * Points (`IPoints.cpp`): `.geom` holds P (point3f array), `.pointIds` (uint64 array, one id per
 * point), `.velocities` (vector3f array), `.widths` (a float geometry parameter) and `.selfBnds`.
 */
import type { NumericValues } from '../core/datatype.js';
import type { AlembicObject } from '../core/object.js';
import type { ArrayProperty } from '../core/property.js';
import type { SampleSelect } from '../core/time-sampling.js';
import { abcError, AbcErrorCode } from '../errors.js';
import { asPositions, clampIndex, numeric, SchemaView, type Box3 } from './base.js';
import { GeomParam, type GeomParamSample } from './geom-param.js';
import { requiredArray } from './schema.js';

export interface PointsSample {
  index: number;
  positions: Float32Array | Float64Array;
  /** Ids as stored (uint64 in AbcGeom: BigUint64Array). */
  ids: NumericValues | undefined;
  velocities: NumericValues | undefined;
  widths: GeomParamSample | undefined;
  selfBounds: Box3 | undefined;
  keys: { positions: string; ids: string };
}

export class PointsSchema extends SchemaView {
  readonly kind = 'points' as const;

  constructor(object: AlembicObject) {
    super(object, 'points');
  }

  get positions(): ArrayProperty {
    return requiredArray(this.compound, 'P', this.object.schema);
  }
  get idsProperty(): ArrayProperty | undefined {
    return this.compound.getArray('.pointIds');
  }
  get velocitiesProperty(): ArrayProperty | undefined {
    return this.compound.getArray('.velocities');
  }
  get widths(): GeomParam | undefined {
    const p = this.compound.get('.widths');
    return p === undefined ? undefined : new GeomParam(p);
  }
  protected get timeProperty(): ArrayProperty {
    return this.positions;
  }

  getSample(index: number): PointsSample {
    const P = this.positions;
    const pSample = P.getSample(clampIndex(P, index));
    const idsProperty = this.idsProperty;
    const idsSample = idsProperty !== undefined && idsProperty.sampleCount > 0 ? idsProperty.getSample(clampIndex(idsProperty, index)) : undefined;
    if (idsSample !== undefined && idsSample.count !== 0 && idsSample.count !== pSample.count) {
      throw abcError(AbcErrorCode.ABC_CORRUPT, `${idsSample.count} point ids for ${pSample.count} points`, { location: this.compound.path });
    }
    const velocities = this.velocitiesProperty;
    const widths = this.widths;
    return {
      index,
      positions: asPositions(pSample),
      ids: idsSample === undefined ? undefined : numeric(idsSample, idsProperty!.path),
      velocities: velocities !== undefined && velocities.sampleCount > 0 ? numeric(velocities.getSample(clampIndex(velocities, index)), velocities.path) : undefined,
      widths: widths !== undefined && widths.sampleCount > 0 ? widths.getSample(index) : undefined,
      selfBounds: this.selfBounds(index),
      keys: { positions: pSample.key, ids: idsSample?.key ?? '' },
    };
  }

  getSampleAt(time: number, select: SampleSelect = 'floor'): PointsSample {
    return this.getSample(this.sampleIndexAt(time, select));
  }
}
