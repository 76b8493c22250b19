/**
 * PolyMesh and SubD (`IPolyMesh.cpp`, `ISubD.cpp`). Both keep in `.geom`:
 *   P              point3f array (float32 x 3; older files wrote vector3f), required
 *   .faceCounts    int32 array: vertices per face, required
 *   .faceIndices   int32 array: point index per face-vertex, required
 *   .velocities    vector3f array, optional
 *   uv             texture coordinates, a V2f geometry parameter, optional (indexed or not)
 *   N              normals, an N3f geometry parameter, optional (PolyMesh)
 *   .selfBnds      box
 * SubD adds `.scheme` (string, default catmull-clark), `.interpolateBoundary`,
 * `.faceVaryingInterpolateBoundary`, `.faceVaryingPropagateCorners` (int32 scalars),
 * `.creaseIndices`, `.creaseLengths`, `.creaseSharpnesses`, `.cornerIndices`,
 * `.cornerSharpnesses`, `.holes`. Face sets are child objects with the FaceSet schema.
 * Winding, as Alembic writes it, is clockwise (USD reads it as "leftHanded"); no flip here.
 */
import { abcError, AbcErrorCode } from '../errors.js';
import type { NumericValues } from '../core/datatype.js';
import type { AlembicObject } from '../core/object.js';
import type { ArrayProperty, ScalarProperty } from '../core/property.js';
import type { SampleSelect } from '../core/time-sampling.js';
import { asFloat32, asInt32, asPositions, clampIndex, numeric, SchemaView, type Box3 } from './base.js';
import { FaceSetSchema } from './faceset.js';
import { GeomParam, type GeomParamSample } from './geom-param.js';
import { requiredArray, schemaKind } from './schema.js';

export type TopologyVariance = 'constant' | 'homogeneous' | 'heterogeneous';

export interface MeshSample {
  /** Sample index this was read from. */
  index: number;
  positions: Float32Array | Float64Array;
  faceCounts: Int32Array;
  faceIndices: Int32Array;
  velocities: NumericValues | undefined;
  uvs: GeomParamSample | undefined;
  normals: GeomParamSample | undefined;
  selfBounds: Box3 | undefined;
  /** Sample keys, for detecting unchanged data between samples. */
  keys: { positions: string; faceCounts: string; faceIndices: string };
}

/** Checks counts against indices and indices against points; throws ABC_CORRUPT naming the first
 *  problem. */
export function checkMeshTopology(positionCount: number, faceCounts: Int32Array, faceIndices: Int32Array, location: string): void {
  let total = 0;
  for (let i = 0; i < faceCounts.length; i++) {
    const n = faceCounts[i]!;
    if (n < 0) throw abcError(AbcErrorCode.ABC_CORRUPT, `face ${i} has ${n} vertices`, { location });
    total += n;
  }
  if (total !== faceIndices.length) {
    throw abcError(AbcErrorCode.ABC_CORRUPT, `the face counts add up to ${total} but there are ${faceIndices.length} face indices`, { location });
  }
  for (let i = 0; i < faceIndices.length; i++) {
    const v = faceIndices[i]!;
    if (v < 0 || v >= positionCount) {
      throw abcError(AbcErrorCode.ABC_CORRUPT, `face index ${i} is ${v}, outside the ${positionCount} points`, { location });
    }
  }
}

abstract class MeshSchemaBase extends SchemaView {
  get positions(): ArrayProperty {
    return requiredArray(this.compound, 'P', this.object.schema);
  }
  get faceCountsProperty(): ArrayProperty {
    return requiredArray(this.compound, '.faceCounts', this.object.schema);
  }
  get faceIndicesProperty(): ArrayProperty {
    return requiredArray(this.compound, '.faceIndices', this.object.schema);
  }
  get velocitiesProperty(): ArrayProperty | undefined {
    return this.compound.getArray('.velocities');
  }
  /** Texture coordinates (`uv`), when present. */
  get uvs(): GeomParam | undefined {
    const p = this.compound.get('uv');
    return p === undefined ? undefined : new GeomParam(p);
  }
  protected get timeProperty(): ArrayProperty {
    return this.positions;
  }

  /** Constant: nothing changes; homogeneous: only P changes; heterogeneous: topology changes. */
  get topologyVariance(): TopologyVariance {
    if (this.faceIndicesProperty.isConstant && this.faceCountsProperty.isConstant) {
      return this.positions.isConstant ? 'constant' : 'homogeneous';
    }
    return 'heterogeneous';
  }

  protected readMesh(index: number, normals: GeomParam | undefined): MeshSample {
    const P = this.positions;
    const counts = this.faceCountsProperty;
    const indices = this.faceIndicesProperty;
    const pSample = P.getSample(clampIndex(P, index));
    const countsSample = counts.getSample(clampIndex(counts, index));
    const indicesSample = indices.getSample(clampIndex(indices, index));
    const positions = asPositions(pSample);
    const faceCounts = asInt32(countsSample);
    const faceIndices = asInt32(indicesSample);
    checkMeshTopology(pSample.count, faceCounts, faceIndices, this.compound.path);
    const velocities = this.velocitiesProperty;
    const uvs = this.uvs;
    return {
      index,
      positions,
      faceCounts,
      faceIndices,
      velocities: velocities !== undefined && velocities.sampleCount > 0 ? numeric(velocities.getSample(clampIndex(velocities, index)), velocities.path) : undefined,
      uvs: uvs !== undefined && uvs.sampleCount > 0 ? uvs.getSample(index) : undefined,
      normals: normals !== undefined && normals.sampleCount > 0 ? normals.getSample(index) : undefined,
      selfBounds: this.selfBounds(index),
      keys: { positions: pSample.key, faceCounts: countsSample.key, faceIndices: indicesSample.key },
    };
  }

  /** Names of the child objects that are face sets. */
  get faceSetNames(): string[] {
    return this.object.children.filter((c) => schemaKind(c) === 'faceset').map((c) => c.name);
  }

  /** The face set `name`. */
  faceSet(name: string): FaceSetSchema {
    const child = this.object.child(name);
    if (child === undefined || schemaKind(child) !== 'faceset') {
      throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `the mesh has no face set named "${name}" (it has: ${this.faceSetNames.join(', ') || 'none'})`, {
        location: this.object.path,
      });
    }
    return new FaceSetSchema(child);
  }
}

export class PolyMeshSchema extends MeshSchemaBase {
  readonly kind = 'polymesh' as const;

  constructor(object: AlembicObject) {
    super(object, 'polymesh');
  }

  /** Normals (`N`), when present. */
  get normals(): GeomParam | undefined {
    const p = this.compound.get('N');
    return p === undefined ? undefined : new GeomParam(p);
  }

  getSample(index: number): MeshSample {
    return this.readMesh(index, this.normals);
  }

  getSampleAt(time: number, select: SampleSelect = 'floor'): MeshSample {
    return this.getSample(this.sampleIndexAt(time, select));
  }
}

export interface SubDSample extends MeshSample {
  scheme: string;
  interpolateBoundary: number;
  faceVaryingInterpolateBoundary: number;
  faceVaryingPropagateCorners: number;
  creaseIndices: Int32Array | undefined;
  creaseLengths: Int32Array | undefined;
  creaseSharpnesses: Float32Array | undefined;
  cornerIndices: Int32Array | undefined;
  cornerSharpnesses: Float32Array | undefined;
  holes: Int32Array | undefined;
}

export class SubDSchema extends MeshSchemaBase {
  readonly kind = 'subd' as const;

  constructor(object: AlembicObject) {
    super(object, 'subd');
  }

  private int(name: string, index: number, fallback: number): number {
    const p = this.compound.getScalar(name);
    if (p === undefined || p.sampleCount === 0) return fallback;
    return Number(p.getValue(clampIndex(p, index)));
  }

  private optionalArray(name: string): ArrayProperty | undefined {
    const p = this.compound.getArray(name);
    return p !== undefined && p.sampleCount > 0 ? p : undefined;
  }

  getSample(index: number): SubDSample {
    const mesh = this.readMesh(index, undefined);
    const ints = (name: string): Int32Array | undefined => {
      const p = this.optionalArray(name);
      return p === undefined ? undefined : asInt32(p.getSample(clampIndex(p, index)));
    };
    const floats = (name: string): Float32Array | undefined => {
      const p = this.optionalArray(name);
      return p === undefined ? undefined : asFloat32(p.getSample(clampIndex(p, index)));
    };
    const schemeProperty: ScalarProperty | undefined = this.compound.getScalar('.scheme');
    const scheme = schemeProperty !== undefined && schemeProperty.sampleCount > 0 ? String(schemeProperty.getValue(clampIndex(schemeProperty, index))) : 'catmull-clark';
    return {
      ...mesh,
      scheme,
      interpolateBoundary: this.int('.interpolateBoundary', index, 0),
      faceVaryingInterpolateBoundary: this.int('.faceVaryingInterpolateBoundary', index, 0),
      faceVaryingPropagateCorners: this.int('.faceVaryingPropagateCorners', index, 0),
      creaseIndices: ints('.creaseIndices'),
      creaseLengths: ints('.creaseLengths'),
      creaseSharpnesses: floats('.creaseSharpnesses'),
      cornerIndices: ints('.cornerIndices'),
      cornerSharpnesses: floats('.cornerSharpnesses'),
      holes: ints('.holes'),
    };
  }

  getSampleAt(time: number, select: SampleSelect = 'floor'): SubDSample {
    return this.getSample(this.sampleIndexAt(time, select));
  }
}
