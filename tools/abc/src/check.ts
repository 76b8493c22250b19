/**
 * `vfx abc check`: structural validation a publish hook can run. Every sample of every property is
 * read; Xforms are built at every sample (op stack, channel values, inherits flag) and their
 * matrices must be finite; meshes, SubDs and points are checked for empty meshes, non-finite points
 * and face indices out of range. Problems are reported per object. Only VfxErrors (what bad bytes
 * give) become problems; anything else is a bug of ours and is thrown.
 */
import { isVfxError } from '@vfxkit/core';
import { schemaKind, XformSchema, type AlembicArchive, type AlembicObject, type AlembicProperty } from '@vfxkit/alembic';

export interface AbcProblem {
  path: string;
  message: string;
}

/** Unreadable samples, unreadable or non-finite transforms, empty meshes, NaN points and face indices out of range. */
export function checkArchive(archive: AlembicArchive): AbcProblem[] {
  const problems: AbcProblem[] = [];
  const visitProps = (ps: readonly AlembicProperty[]): void => {
    for (const p of ps) {
      if (p.kind === 'compound') {
        visitProps(p.properties);
        continue;
      }
      for (let i = 0; i < p.sampleCount; i++) {
        try {
          p.getSample(i);
        } catch (error) {
          if (!isVfxError(error)) throw error;
          problems.push({ path: p.path, message: `sample ${i} unreadable: ${(error as Error).message}` });
          break;
        }
      }
    }
  };
  for (const object of archive.objects()) {
    if (object.parent === undefined) continue;
    try {
      visitProps(object.properties.properties);
    } catch (error) {
      if (!isVfxError(error)) throw error;
      problems.push({ path: object.path, message: `properties unreadable: ${(error as Error).message}` });
      continue;
    }
    if (schemaKind(object) === 'xform') {
      const problem = checkXform(object);
      if (problem !== undefined) problems.push({ path: object.path, message: problem });
      continue;
    }
    const schema = object.schema;
    if (schema !== 'AbcGeom_PolyMesh_v1' && schema !== 'AbcGeom_SubD_v1' && schema !== 'AbcGeom_Points_v1') continue;
    try {
      const geom = object.properties.getCompound('.geom');
      const P = geom?.getArray('P');
      if (P === undefined) {
        problems.push({ path: object.path, message: 'no P property' });
        continue;
      }
      const indices = schema === 'AbcGeom_Points_v1' ? undefined : geom!.getArray('.faceIndices');
      for (let i = 0; i < P.sampleCount; i++) {
        const points = P.getSample(i);
        const values = points.values as ArrayLike<number>;
        if (schema !== 'AbcGeom_Points_v1' && points.count === 0) problems.push({ path: object.path, message: `sample ${i}: empty mesh (no points)` });
        for (let k = 0; k < values.length; k++) {
          if (!Number.isFinite(values[k]!)) {
            problems.push({ path: object.path, message: `sample ${i}: point ${Math.floor(k / 3)} is not finite` });
            break;
          }
        }
        if (indices !== undefined && indices.sampleCount > 0) {
          const faces = indices.getSample(Math.min(i, indices.sampleCount - 1)).values as ArrayLike<number>;
          for (let k = 0; k < faces.length; k++) {
            const v = faces[k]!;
            if (v < 0 || v >= points.count) {
              problems.push({ path: object.path, message: `sample ${i}: face index ${v} out of range (${points.count} points)` });
              break;
            }
          }
        }
      }
    } catch (error) {
      if (!isVfxError(error)) throw error;
      problems.push({ path: object.path, message: `geometry unreadable: ${(error as Error).message}` });
    }
  }
  return problems;
}


/**
 * Builds an Xform at every sample (`.ops` decoded, `.vals` holding a value for every channel of the
 * stack, `.inherits` read) and checks that every matrix is finite. Undefined when all is well, else
 * one message: how many samples fail and why the first does.
 */
export function checkXform(object: AlembicObject): string | undefined {
  let xform: XformSchema;
  let count: number;
  try {
    xform = new XformSchema(object);
    void xform.ops;
    count = xform.sampleCount;
  } catch (error) {
    if (!isVfxError(error)) throw error;
    return `transform unreadable: ${(error as Error).message}`;
  }
  if (count === 0) return undefined;
  let failed = 0;
  let first: string | undefined;
  for (let i = 0; i < count; i++) {
    let problem: string | undefined;
    try {
      const matrix = xform.getSample(i).matrix;
      for (let k = 0; k < 16; k++) {
        if (!Number.isFinite(matrix[k]!)) {
          problem = `matrix element ${k} is ${matrix[k]}`;
          break;
        }
      }
    } catch (error) {
      if (!isVfxError(error)) throw error;
      problem = `unreadable: ${(error as Error).message}`;
    }
    if (problem === undefined) continue;
    failed++;
    first ??= `sample ${i} ${problem}`;
  }
  if (failed === 0) return undefined;
  return `transform fails at ${failed} of ${count} sample${count === 1 ? '' : 's'} (first: ${first})`;
}
