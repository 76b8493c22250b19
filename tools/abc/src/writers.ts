/**
 * OBJ and PLY from gathered Alembic geometry (`geometry.ts`). Our own writers rather than three's
 * OBJExporter/PLYExporter, because those take three.js geometry, which the viewer builds with one
 * vertex per face-vertex and triangles: an OBJ or PLY of an Alembic mesh should keep its points
 * shared and its polygons whole, as the archive has them.
 *
 * - OBJ (Wavefront, the `v`/`vt`/`vn`/`f`/`l`/`p` statements, 1-based indices across the file): one
 *   `o` per object named by its Alembic path; faces reversed from Alembic's clockwise to OBJ's
 *   counter-clockwise, each face-vertex with its `vt`/`vn` when the mesh has UVs/normals; curves as
 *   `l` lines (closed when periodic), points as `p`. Faces of one or two vertices, which neither
 *   format can hold, are left out and named in the notes.
 * - PLY (binary little-endian 1.0): meshes as `vertex` (x y z float) and `face` (a list of
 *   `vertex_indices`, wound counter-clockwise), points of point objects appended as vertices with
 *   no face; a point-only selection goes through @vfxkit/particles' PLY writer instead, so ids,
 *   velocities and widths come along as vertex properties. Curves have no PLY element: they are
 *   left out, and said so.
 */
import { ErrorCode, VfxError, encodeUtf8 } from '@vfxkit/core';
import { createParticleSet, writeParticles, type ParticleAttribute } from '@vfxkit/particles';
import type { GeometryItem, MeshItem, PointsItem } from './geometry.js';

/** A number as OBJ text: float32 precision is what the archives hold (9 significant digits). */
function num(value: number): string {
  if (value === 0) return '0';
  return String(Number(value.toPrecision(9)));
}

export interface WrittenGeometry {
  bytes: Uint8Array;
  /** Vertices written (OBJ `v` lines, PLY vertex elements). */
  vertices: number;
  faces: number;
  /** Objects left out, and why. */
  notes: string[];
}

export function writeObj(items: readonly GeometryItem[], comment: string): WrittenGeometry {
  const lines: string[] = [`# ${comment.replace(/[\r\n]+/g, ' ')}`];
  const notes: string[] = [];
  let vertexBase = 0;
  let uvBase = 0;
  let normalBase = 0;
  let faces = 0;
  for (const item of items) {
    lines.push(`o ${item.path}`);
    const p = item.positions;
    const count = p.length / 3;
    for (let i = 0; i < count; i++) lines.push(`v ${num(p[i * 3]!)} ${num(p[i * 3 + 1]!)} ${num(p[i * 3 + 2]!)}`);
    if (item.kind === 'mesh') {
      const uvs = item.uvs;
      const normals = item.normals;
      if (uvs !== undefined) for (let i = 0; i < uvs.length; i += 2) lines.push(`vt ${num(uvs[i]!)} ${num(uvs[i + 1]!)}`);
      if (normals !== undefined) for (let i = 0; i < normals.length; i += 3) lines.push(`vn ${num(normals[i]!)} ${num(normals[i + 1]!)} ${num(normals[i + 2]!)}`);
      let start = 0;
      let degenerate = 0;
      for (let f = 0; f < item.faceCounts.length; f++) {
        const n = item.faceCounts[f]!;
        const corners: string[] = [];
        for (let k = n - 1; k >= 0; k--) {
          const fv = start + k;
          const v = vertexBase + item.faceIndices[fv]! + 1;
          if (uvs === undefined && normals === undefined) corners.push(String(v));
          else corners.push(`${v}/${uvs !== undefined ? uvBase + fv + 1 : ''}${normals !== undefined ? `/${normalBase + fv + 1}` : ''}`);
        }
        if (n >= 3) {
          lines.push(`f ${corners.join(' ')}`);
          faces++;
        } else if (n > 0) degenerate++;
        start += n;
      }
      if (degenerate > 0) notes.push(`${item.path}: ${degenerate} face${degenerate === 1 ? '' : 's'} with fewer than 3 vertices left out`);
      if (uvs !== undefined) uvBase += uvs.length / 2;
      if (normals !== undefined) normalBase += normals.length / 3;
    } else if (item.kind === 'curves') {
      let start = 0;
      for (const n of item.vertexCounts) {
        if (n > 1) {
          const ids: number[] = [];
          for (let k = 0; k < n; k++) ids.push(vertexBase + start + k + 1);
          if (item.periodic) ids.push(vertexBase + start + 1);
          lines.push(`l ${ids.join(' ')}`);
        }
        start += n;
      }
    } else {
      for (let i = 0; i < count; i += 32) {
        const ids: number[] = [];
        for (let k = i; k < Math.min(count, i + 32); k++) ids.push(vertexBase + k + 1);
        lines.push(`p ${ids.join(' ')}`);
      }
    }
    vertexBase += count;
  }
  lines.push('');
  return { bytes: encodeUtf8(lines.join('\n')), vertices: vertexBase, faces, notes };
}

function pointsPly(items: readonly PointsItem[]): WrittenGeometry {
  let count = 0;
  for (const item of items) count += item.positions.length / 3;
  const P = new Float32Array(count * 3);
  const all = <K extends 'velocities' | 'ids' | 'widths'>(key: K, width: number): Float64Array | undefined => {
    if (!items.every((item) => item[key] !== undefined)) return undefined;
    const out = new Float64Array(count * width);
    let at = 0;
    for (const item of items) {
      out.set(item[key]!, at);
      at += item[key]!.length;
    }
    return out;
  };
  let at = 0;
  for (const item of items) {
    P.set(item.positions, at);
    at += item.positions.length;
  }
  const attributes: ParticleAttribute[] = [{ name: 'P', type: 'vector', width: 3, data: P, interpretation: 'point' }];
  const velocities = all('velocities', 3);
  if (velocities !== undefined) attributes.push({ name: 'v', type: 'vector', width: 3, data: Float32Array.from(velocities), interpretation: 'vector' });
  const ids = all('ids', 1);
  if (ids !== undefined) {
    const small = ids.every((id) => id <= 0x7fffffff && id >= -0x80000000);
    attributes.push({ name: 'id', type: 'int', width: 1, data: small ? Int32Array.from(ids) : ids });
  }
  const widths = all('widths', 1);
  if (widths !== undefined) attributes.push({ name: 'width', type: 'float', width: 1, data: Float32Array.from(widths) });
  const bytes = writeParticles(createParticleSet(count, attributes), 'ply', { dropUnsupported: true });
  return { bytes, vertices: count, faces: 0, notes: [] };
}

/** PLY of meshes (and loose points); a point-only selection through @vfxkit/particles. */
export function writePly(items: readonly GeometryItem[], comment: string): WrittenGeometry {
  const notes = items.filter((item) => item.kind === 'curves').map((item) => `${item.path}: curves have no PLY element, left out`);
  const meshes = items.filter((item): item is MeshItem => item.kind === 'mesh');
  const points = items.filter((item): item is PointsItem => item.kind === 'points');
  if (meshes.length === 0 && points.length === 0) {
    throw new VfxError(ErrorCode.BAD_USAGE, 'nothing to write as PLY: the selection holds only curves, which PLY has no element for (use .obj or .glb)');
  }
  if (meshes.length === 0) {
    const written = pointsPly(points);
    return { ...written, notes };
  }
  let vertexCount = 0;
  let faceCount = 0;
  let faceListBytes = 0;
  let largestFace = 0;
  for (const item of [...meshes, ...points]) vertexCount += item.positions.length / 3;
  for (const mesh of meshes) {
    let degenerate = 0;
    for (const n of mesh.faceCounts) {
      if (n < 3) {
        if (n > 0) degenerate++;
        continue;
      }
      faceCount++;
      faceListBytes += n * 4;
      largestFace = Math.max(largestFace, n);
    }
    if (degenerate > 0) notes.push(`${mesh.path}: ${degenerate} face${degenerate === 1 ? '' : 's'} with fewer than 3 vertices left out`);
  }
  const countType = largestFace <= 255 ? 'uchar' : 'uint';
  const countBytes = largestFace <= 255 ? 1 : 4;
  const header = encodeUtf8(
    [
      'ply',
      'format binary_little_endian 1.0',
      `comment ${comment.replace(/[\r\n]+/g, ' ')}`,
      `element vertex ${vertexCount}`,
      'property float x',
      'property float y',
      'property float z',
      `element face ${faceCount}`,
      `property list ${countType} int vertex_indices`,
      'end_header',
      '',
    ].join('\n'),
  );
  const bytes = new Uint8Array(header.length + vertexCount * 12 + faceCount * countBytes + faceListBytes);
  bytes.set(header);
  const view = new DataView(bytes.buffer);
  let at = header.length;
  for (const item of [...meshes, ...points]) {
    const p = item.positions;
    for (let i = 0; i < p.length; i++, at += 4) view.setFloat32(at, p[i]!, true);
  }
  let base = 0;
  for (const mesh of meshes) {
    let start = 0;
    for (const n of mesh.faceCounts) {
      if (n >= 3) {
        if (countBytes === 1) view.setUint8(at, n);
        else view.setUint32(at, n, true);
        at += countBytes;
        for (let k = n - 1; k >= 0; k--, at += 4) view.setInt32(at, base + mesh.faceIndices[start + k]!, true);
      }
      start += n;
    }
    base += mesh.positions.length / 3;
  }
  return { bytes, vertices: vertexCount, faces: faceCount, notes };
}
