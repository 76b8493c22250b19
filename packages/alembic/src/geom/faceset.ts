/**
 * FaceSet (`IFaceSet.cpp`): a child object of a mesh naming some of its faces. `.faceset` holds
 * `.faces` (int32 array of face numbers), `.facesExclusive` (uint32 scalar: 1 when no face is in
 * two sets) and `.selfBnds`.
 */
import type { AlembicObject } from '../core/object.js';
import type { ArrayProperty } from '../core/property.js';
import { asInt32, clampIndex, SchemaView } from './base.js';
import { requiredArray } from './schema.js';

export class FaceSetSchema extends SchemaView {
  readonly kind = 'faceset' as const;

  constructor(object: AlembicObject) {
    super(object, 'faceset');
  }

  get facesProperty(): ArrayProperty {
    return requiredArray(this.compound, '.faces', this.object.schema);
  }
  protected get timeProperty(): ArrayProperty {
    return this.facesProperty;
  }

  /** The face numbers at sample `index`. */
  faces(index = 0): Int32Array {
    const p = this.facesProperty;
    if (p.sampleCount === 0) return new Int32Array(0);
    return asInt32(p.getSample(clampIndex(p, index)));
  }

  /** `exclusive` when the file says no face is in another set, `nonExclusive` otherwise. */
  get exclusivity(): 'exclusive' | 'nonExclusive' {
    const p = this.compound.getScalar('.facesExclusive');
    if (p === undefined || p.sampleCount === 0) return 'nonExclusive';
    return Number(p.getValue(0)) === 1 ? 'exclusive' : 'nonExclusive';
  }
}
