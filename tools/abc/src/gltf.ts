/**
 * glTF 2.0 (`.glb` binary, `.gltf` JSON with the buffer inline) from an Alembic archive, through
 * @vfxkit/alembic/three (the same three.js objects the viewer shows) and three's GLTFExporter:
 * nodes named and nested as the Alembic objects are, meshes/points/curves/cameras at the chosen
 * time, and every animated Xform as a glTF animation channel (translation, rotation, scale) keyed at
 * the times of its stored samples, so the transform plays back as the archive samples it. UVs are
 * turned to glTF's convention (v = 0 at the top of the image: v' = 1 - v).
 *
 * GLTFExporter hands its buffers to the DOM's `FileReader` (even `parseAsync` does), which Node 20
 * lacks; `Blob` it has. `withFileReader` installs the smallest stand-in that does what the exporter
 * asks (`readAsArrayBuffer` and `readAsDataURL` of a Blob, then `onloadend`) for the length of one
 * export, and removes it afterwards when it was not there before.
 */
import { AnimationClip, Matrix4 as ThreeMatrix4, MeshBasicMaterial, MeshStandardMaterial, Object3D, Quaternion, Scene, QuaternionKeyframeTrack, Vector3, VectorKeyframeTrack, type Mesh } from 'three';
import { GLTFExporter } from 'three/examples/jsm/exporters/GLTFExporter.js';
import { ErrorCode, VfxError, encodeUtf8 } from '@vfxkit/core';
import { AbcErrorCode, invertMatrix, multiplyMatrices, XformSchema, type AlembicArchive, type Matrix4 } from '@vfxkit/alembic';
import { alembicToThree, type AlembicThreeScene } from '@vfxkit/alembic/three';

class BlobFileReader {
  result: ArrayBuffer | string | null = null;
  error: unknown = null;
  onloadend: (() => void) | null = null;

  readAsArrayBuffer(blob: Blob): void {
    void blob.arrayBuffer().then(
      (buffer) => this.done(buffer),
      (error: unknown) => this.failed(error),
    );
  }

  readAsDataURL(blob: Blob): void {
    void blob.arrayBuffer().then(
      (buffer) => this.done(`data:${blob.type || 'application/octet-stream'};base64,${Buffer.from(buffer).toString('base64')}`),
      (error: unknown) => this.failed(error),
    );
  }

  private done(result: ArrayBuffer | string): void {
    this.result = result;
    this.onloadend?.();
  }

  private failed(error: unknown): void {
    this.error = error;
    this.onloadend?.();
  }
}

/** Runs `work` with console.error silenced (three.js's own diagnostics), restoring it after. */
function quietly<T>(work: () => T): T {
  const error = console.error;
  console.error = () => undefined;
  try {
    return work();
  } finally {
    console.error = error;
  }
}

let installs = 0;
let installed = false;

async function withFileReader<T>(work: () => Promise<T>): Promise<T> {
  const global = globalThis as { FileReader?: unknown };
  if (installs === 0 && global.FileReader === undefined) {
    global.FileReader = BlobFileReader;
    installed = true;
  }
  installs++;
  try {
    return await work();
  } finally {
    installs--;
    if (installs === 0 && installed) {
      delete global.FileReader;
      installed = false;
    }
  }
}

export interface GltfAnimationSummary {
  /** Scene paths of the animated transforms. */
  nodes: string[];
  /** Key times (seconds, as the archive samples them), of the longest channel. */
  times: number[];
}

export interface GltfExport {
  bytes: Uint8Array;
  /** Scene paths of the nodes written. */
  nodes: number;
  /** Vertices of the meshes, points and lines written (three.js vertices: one per face-vertex). */
  vertices: number;
  animation: GltfAnimationSummary | undefined;
  notes: string[];
}

/** The three.js local matrix of a scene node at `time` (a transform that does not inherit undoes its parent's). */
function threeLocal(view: AlembicThreeScene, path: string, time: number): Matrix4 {
  const node = view.scene.find(path)!;
  const local = view.scene.localMatrix(node, time, { interpolate: false });
  if (local.inherits || node.parent === undefined) return local.matrix;
  const inverse = invertMatrix(view.scene.worldMatrix(node.parent, time, { interpolate: false }));
  return inverse === undefined ? local.matrix : multiplyMatrices(local.matrix, inverse);
}

/** Tracks of every animated Xform under the kept objects, keyed at its stored sample times. */
function animationOf(view: AlembicThreeScene, kept: Set<Object3D>, notes: string[]): { clip: AnimationClip; summary: GltfAnimationSummary } | undefined {
  const tracks: (VectorKeyframeTrack | QuaternionKeyframeTrack)[] = [];
  const animated: string[] = [];
  let longest: number[] = [];
  for (const node of view.scene.nodes) {
    if (node.kind !== 'xform') continue;
    const object = view.objects.get(node.path);
    if (object === undefined || !kept.has(object)) continue;
    const xform = new XformSchema(node.object);
    if (xform.isConstant || xform.sampleCount < 2 || xform.timeSampling === undefined) continue;
    const sampling = xform.timeSampling;
    const times: number[] = [];
    for (let i = 0; i < xform.sampleCount; i++) times.push(sampling.sampleTime(i));
    const position: number[] = [];
    const rotation: number[] = [];
    const scale: number[] = [];
    const m = new ThreeMatrix4();
    const p = new Vector3();
    const q = new Quaternion();
    const s = new Vector3();
    let previous: Quaternion | undefined;
    for (const time of times) {
      m.fromArray(Array.from(threeLocal(view, node.path, time)));
      m.decompose(p, q, s);
      // Keep neighbouring keys in the same hemisphere so playback turns the short way.
      if (previous !== undefined && previous.dot(q) < 0) q.set(-q.x, -q.y, -q.z, -q.w);
      previous = q.clone();
      position.push(p.x, p.y, p.z);
      rotation.push(q.x, q.y, q.z, q.w);
      scale.push(s.x, s.y, s.z);
    }
    tracks.push(new VectorKeyframeTrack(`${object.uuid}.position`, times, position));
    tracks.push(new QuaternionKeyframeTrack(`${object.uuid}.quaternion`, times, rotation));
    tracks.push(new VectorKeyframeTrack(`${object.uuid}.scale`, times, scale));
    animated.push(node.path);
    if (times.length > longest.length) longest = times;
  }
  if (tracks.length === 0) return undefined;
  // glTF key times are seconds from 0 on: an archive that starts before 0 is shifted.
  let earliest = Infinity;
  for (const track of tracks) earliest = Math.min(earliest, track.times[0]!);
  if (earliest < 0) {
    for (const track of tracks) track.shift(-earliest);
    notes.push(`the animation starts at ${earliest} s; its keys are shifted by ${-earliest} s (glTF times start at 0)`);
  }
  return { clip: new AnimationClip('alembic', -1, tracks), summary: { nodes: animated, times: longest } };
}

function vertexCount(root: Object3D): number {
  let count = 0;
  root.traverse((object) => {
    const geometry = (object as Partial<Mesh>).geometry;
    const position = geometry?.getAttribute('position');
    if (position !== undefined) count += position.count;
  });
  return count;
}

/**
 * Exports `archive` (or the subtree at `path`, with its ancestors kept as nodes so it stays where it
 * is in the world) at `time` as glTF.
 */
export async function exportGltf(archive: AlembicArchive, path: string, time: number, binary: boolean): Promise<GltfExport> {
  const notes: string[] = [];
  // One material for every mesh (the viewer's PBR one), one unlit (KHR_materials_unlit) for points
  // and lines. Objects that fail to read are kept aside: only those inside the export matter.
  const lit = new MeshStandardMaterial();
  const unlit = new MeshBasicMaterial();
  // three.js logs (console.error) a geometry with NaN positions while building it; such a geometry
  // is refused below with an error naming the object, so the log is held back.
  const view = quietly(() =>
    alembicToThree(archive, { time, interpolate: false, meshMaterial: lit, pointsMaterial: unlit, linesMaterial: unlit, onError: 'skip' }),
  );
  const top = view.objects.get(path);
  if (top === undefined) throw new VfxError(ErrorCode.BAD_USAGE, `no object '${path}'`);
  // Keep the subtree and the chain up to the root; drop every other branch.
  let roots: Object3D[];
  if (top === view.group) roots = [...view.group.children];
  else {
    let object: Object3D = top;
    while (object.parent !== null && object.parent !== view.group) {
      const parent: Object3D = object.parent;
      for (const sibling of [...parent.children]) if (sibling !== object) parent.remove(sibling);
      object = parent;
    }
    roots = [object];
  }
  const kept = new Set<Object3D>();
  for (const root of roots) root.traverse((object) => kept.add(object));
  for (const { path: failed, error } of view.errors) if (kept.has(view.objects.get(failed)!)) throw error;
  for (const object of kept) {
    const position = (object as Partial<Mesh>).geometry?.getAttribute('position');
    if (position === undefined) continue;
    const values = position.array;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) {
        throw new VfxError(
          AbcErrorCode.ABC_CORRUPT,
          `vertex ${Math.floor(i / position.itemSize)} is not finite (${values[i]}) at time ${time} s; glTF cannot hold it (vfx abc check lists such points)`,
          { location: String(object.userData['alembicPath']) },
          'corrupt',
        );
      }
    }
  }
  // An empty geometry (no samples, or no points at this time) has nothing to export: a plain node.
  for (const object of [...kept]) {
    const geometry = (object as Partial<Mesh>).geometry;
    if (geometry === undefined || (geometry.getAttribute('position')?.count ?? 0) > 0) continue;
    const stand = new Object3D();
    stand.name = object.name;
    stand.userData = object.userData;
    stand.matrix.copy(object.matrix);
    stand.matrixAutoUpdate = object.matrixAutoUpdate;
    for (const child of [...object.children]) stand.add(child);
    const parent = object.parent;
    if (parent !== null) {
      parent.children[parent.children.indexOf(object)] = stand;
      stand.parent = parent;
    } else roots[roots.indexOf(object)] = stand;
    kept.delete(object);
    kept.add(stand);
    notes.push(`${String(object.userData['alembicPath'])}: no geometry at this time, written as an empty node`);
  }
  // glTF wants unit normals; the exporter would fix other ones itself, with a console warning.
  for (const object of kept) {
    const normal = (object as Partial<Mesh>).geometry?.getAttribute('normal');
    if (normal === undefined || !(normal.array instanceof Float32Array) || normal.itemSize !== 3) continue;
    const values = normal.array;
    for (let i = 0; i + 2 < values.length; i += 3) {
      const length = Math.hypot(values[i]!, values[i + 1]!, values[i + 2]!);
      if (Math.abs(length - 1) <= 1e-4) continue;
      if (length > 0 && Number.isFinite(length)) {
        values[i] = values[i]! / length;
        values[i + 1] = values[i + 1]! / length;
        values[i + 2] = values[i + 2]! / length;
      } else {
        values[i] = 0;
        values[i + 1] = 0;
        values[i + 2] = 1;
      }
    }
  }
  // Alembic's UVs put v = 0 at the bottom of the image (as three.js does); glTF puts it at the top.
  for (const object of kept) {
    const uv = (object as Partial<Mesh>).geometry?.getAttribute('uv');
    if (uv === undefined || !(uv.array instanceof Float32Array) || uv.itemSize !== 2) continue;
    for (let i = 1; i < uv.array.length; i += 2) uv.array[i] = 1 - uv.array[i]!;
  }
  // glTF animation targets translation/rotation/scale, so every node carries its matrix as TRS.
  for (const object of kept) if (!object.matrixAutoUpdate) object.matrix.decompose(object.position, object.quaternion, object.scale);
  const animation = animationOf(view, kept, notes);
  // One Scene holds the roots: the exporter looks animation targets up under its first input only.
  const holder = new Scene();
  for (const root of roots) holder.add(root);
  const exported = await withFileReader(() =>
    new GLTFExporter().parseAsync(holder, { binary, animations: animation !== undefined ? [animation.clip] : [], onlyVisible: false }),
  );
  let bytes: Uint8Array;
  if (exported instanceof ArrayBuffer) bytes = new Uint8Array(exported);
  else bytes = encodeUtf8(JSON.stringify(exported));
  let vertices = 0;
  for (const root of roots) vertices += vertexCount(root);
  view.dispose();
  lit.dispose();
  unlit.dispose();
  return { bytes, nodes: kept.size, vertices, animation: animation?.summary, notes };
}
