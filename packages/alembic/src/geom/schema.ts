/**
 * AbcGeom schemas (`lib/Alembic/AbcGeom/SchemaInfoDeclarations.h`): an object declares its schema
 * in its metadata (`schema=AbcGeom_PolyMesh_v1`) and keeps the schema's properties in one compound
 * below its top compound (`schemaObjTitle=AbcGeom_PolyMesh_v1:.geom` names it).
 */
import { abcError, AbcErrorCode } from '../errors.js';
import type { AlembicObject } from '../core/object.js';
import type { ArrayProperty, CompoundProperty, ScalarProperty } from '../core/property.js';

/** The schema names AbcGeom writes today, with their compound. */
export const SCHEMA_INFO = {
  xform: { name: 'AbcGeom_Xform_v3', compound: '.xform' },
  polymesh: { name: 'AbcGeom_PolyMesh_v1', compound: '.geom' },
  subd: { name: 'AbcGeom_SubD_v1', compound: '.geom' },
  points: { name: 'AbcGeom_Points_v1', compound: '.geom' },
  curves: { name: 'AbcGeom_Curve_v2', compound: '.geom' },
  nupatch: { name: 'AbcGeom_NuPatch_v2', compound: '.geom' },
  camera: { name: 'AbcGeom_Camera_v1', compound: '.geom' },
  light: { name: 'AbcGeom_Light_v1', compound: '.geom' },
  faceset: { name: 'AbcGeom_FaceSet_v1', compound: '.faceset' },
} as const;

export type SchemaKind = keyof typeof SCHEMA_INFO | 'unknown';

const byBase: Record<string, SchemaKind> = {
  AbcGeom_Xform: 'xform',
  AbcGeom_PolyMesh: 'polymesh',
  AbcGeom_SubD: 'subd',
  AbcGeom_Points: 'points',
  AbcGeom_Curve: 'curves',
  AbcGeom_NuPatch: 'nupatch',
  AbcGeom_Camera: 'camera',
  AbcGeom_Light: 'light',
  AbcGeom_FaceSet: 'faceset',
};

/** The kind of schema an object declares (any version: `AbcGeom_Xform_v1..v3` are all xforms). */
export function schemaKind(object: AlembicObject): SchemaKind {
  const schema = object.schema;
  const match = /^(AbcGeom_[A-Za-z]+)_v\d+$/.exec(schema);
  return (match !== null ? byBase[match[1]!] : undefined) ?? 'unknown';
}

/** The name of the compound that holds the schema's properties (from `schemaObjTitle`). */
export function schemaCompoundName(object: AlembicObject): string {
  const title = object.metadata.get('schemaObjTitle');
  const colon = title.lastIndexOf(':');
  if (colon !== -1) return title.slice(colon + 1);
  const kind = schemaKind(object);
  return kind === 'unknown' ? '.geom' : SCHEMA_INFO[kind].compound;
}

/** The schema compound of `object`, checked to be of `kind`. */
export function schemaCompound(object: AlembicObject, kind: Exclude<SchemaKind, 'unknown'>): CompoundProperty {
  const actual = schemaKind(object);
  if (actual !== kind) {
    throw abcError(
      AbcErrorCode.ABC_SCHEMA_MISMATCH,
      `${object.path} is ${actual === 'unknown' ? (object.schema === '' ? 'a plain object with no schema' : `a ${object.schema}`) : `a ${object.schema}`}, not a ${SCHEMA_INFO[kind].name}`,
      { location: object.path },
    );
  }
  const name = schemaCompoundName(object);
  const compound = object.properties.getCompound(name);
  if (compound === undefined) {
    throw abcError(AbcErrorCode.ABC_CORRUPT, `the ${object.schema} object has no "${name}" compound property`, { location: object.path });
  }
  return compound;
}

/** A required array property of a schema. */
export function requiredArray(compound: CompoundProperty, name: string, schema: string): ArrayProperty {
  const property = compound.getArray(name);
  if (property === undefined) {
    throw abcError(AbcErrorCode.ABC_CORRUPT, `the ${schema} has no array property "${name}"`, { location: compound.path });
  }
  return property;
}

/** A required scalar property of a schema. */
export function requiredScalar(compound: CompoundProperty, name: string, schema: string): ScalarProperty {
  const property = compound.getScalar(name);
  if (property === undefined) {
    throw abcError(AbcErrorCode.ABC_CORRUPT, `the ${schema} has no scalar property "${name}"`, { location: compound.path });
  }
  return property;
}
