/**
 * AbcGeom schemas as typed views over an object's properties. `asPolyMesh(object)` and friends
 * throw ABC_SCHEMA_MISMATCH for an object of another schema; `schemaView(object)` returns whatever
 * view fits, or undefined.
 */
import type { AlembicObject } from '../core/object.js';
import { CameraSchema } from './camera.js';
import { CurvesSchema } from './curves.js';
import { FaceSetSchema } from './faceset.js';
import { LightSchema } from './light.js';
import { PolyMeshSchema, SubDSchema } from './mesh.js';
import { NuPatchSchema } from './nupatch.js';
import { PointsSchema } from './points.js';
import { schemaKind } from './schema.js';
import { XformSchema } from './xform.js';

export const asXform = (object: AlembicObject): XformSchema => new XformSchema(object);
export const asPolyMesh = (object: AlembicObject): PolyMeshSchema => new PolyMeshSchema(object);
export const asSubD = (object: AlembicObject): SubDSchema => new SubDSchema(object);
export const asPoints = (object: AlembicObject): PointsSchema => new PointsSchema(object);
export const asCurves = (object: AlembicObject): CurvesSchema => new CurvesSchema(object);
export const asNuPatch = (object: AlembicObject): NuPatchSchema => new NuPatchSchema(object);
export const asCamera = (object: AlembicObject): CameraSchema => new CameraSchema(object);
export const asLight = (object: AlembicObject): LightSchema => new LightSchema(object);
export const asFaceSet = (object: AlembicObject): FaceSetSchema => new FaceSetSchema(object);

export type AnySchema = XformSchema | PolyMeshSchema | SubDSchema | PointsSchema | CurvesSchema | NuPatchSchema | CameraSchema | LightSchema | FaceSetSchema;

/** The schema view that fits `object`, or undefined for plain and unknown objects. */
export function schemaView(object: AlembicObject): AnySchema | undefined {
  switch (schemaKind(object)) {
    case 'xform':
      return new XformSchema(object);
    case 'polymesh':
      return new PolyMeshSchema(object);
    case 'subd':
      return new SubDSchema(object);
    case 'points':
      return new PointsSchema(object);
    case 'curves':
      return new CurvesSchema(object);
    case 'nupatch':
      return new NuPatchSchema(object);
    case 'camera':
      return new CameraSchema(object);
    case 'light':
      return new LightSchema(object);
    case 'faceset':
      return new FaceSetSchema(object);
    default:
      return undefined;
  }
}

export { SCHEMA_INFO, schemaKind, schemaCompoundName, schemaCompound, type SchemaKind } from './schema.js';
export { SchemaView, boxFromValues, isVisible, visibilityAt, visibilityProperty, type Box3, type Visibility } from './base.js';
export * from './geom-param.js';
export {
  identity as identityMatrix,
  multiply as multiplyMatrices,
  invert as invertMatrix,
  decompose as decomposeMatrix,
  compose as composeMatrix,
  interpolateMatrix,
  transformPoint,
  axisAngle as axisAngleMatrix,
  type Matrix4,
  type Matrix3,
} from './math.js';
export * from './xform.js';
export * from './mesh.js';
export * from './faceset.js';
export * from './points.js';
export * from './curves.js';
export * from './nupatch.js';
export * from './camera.js';
export * from './light.js';
