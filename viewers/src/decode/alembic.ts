/**
 * Alembic archives in the decode worker (loaded on first use). Each archive stays open as an
 * AlembicThreeScene (@vfxkit/alembic/three) per document; a frame answers with every object's world
 * matrix, visibility and the geometry buffers that changed since they were last sent.
 */
import { openAlembic, type TimeSampling } from '@vfxkit/alembic';
import { alembicToThree, type AlembicThreeScene } from '@vfxkit/alembic/three';
import { BufferAttribute, LineSegments, Mesh, Object3D, PerspectiveCamera, Points } from 'three';
import type { InterleavedBufferAttribute } from 'three';
import type { AbcFrame, AbcNode, AbcObjectState, AbcRenderable, DecodedAlembic } from '../protocol.js';
import { ViewError } from './errors.js';

interface AlembicDoc {
  view: AlembicThreeScene;
  renderables: { path: string; object: Object3D; kind: Exclude<AbcRenderable, null> }[];
  sent: WeakMap<object, number>;
}

const documents = new Map<number, AlembicDoc>();
let nextDocument = 1;

function renderableOf(object: Object3D): AbcRenderable {
  if (object instanceof Mesh) return 'mesh';
  if (object instanceof Points) return 'points';
  if (object instanceof LineSegments) return 'lines';
  if (object instanceof PerspectiveCamera) return 'camera';
  return null;
}

/** Samples per second of the first animated time sampling: uniform ones by their period, cyclic
 *  and acyclic ones by the shortest step between their stored times. */
function samplingRate(samplings: readonly TimeSampling[]): number | undefined {
  for (let i = 1; i < samplings.length; i++) {
    const ts = samplings[i]!;
    if (ts.maxSamples < 2) continue;
    if (ts.samplesPerSecond !== undefined && ts.kind === 'uniform') return ts.samplesPerSecond;
    let step = Infinity;
    for (let k = 1; k < ts.storedTimes.length; k++) step = Math.min(step, ts.storedTimes[k]! - ts.storedTimes[k - 1]!);
    if (ts.kind === 'cyclic' && ts.storedTimes.length === 1) step = ts.timePerCycle;
    if (Number.isFinite(step) && step > 1e-6) return Math.round((1 / step) * 1000) / 1000;
  }
  return undefined;
}

export function decodeAlembic(bytes: Uint8Array, name: string): DecodedAlembic {
  const archive = openAlembic(bytes);
  const view = alembicToThree(archive, { onError: 'skip' });
  const nodes: AbcNode[] = [];
  const renderables: AlembicDoc['renderables'] = [];
  for (const node of view.scene.nodes) {
    if (node === view.scene.root) continue;
    const object = view.objects.get(node.path);
    const renderable = object === undefined ? null : renderableOf(object);
    nodes.push({ path: node.path, name: node.name, kind: node.kind, parent: node.parent === undefined || node.parent === view.scene.root ? null : node.parent.path, renderable });
    if (object !== undefined && renderable !== null) renderables.push({ path: node.path, object, kind: renderable });
  }
  const range = archive.timeRange ?? { start: 0, end: 0 };
  let fps = archive.info.dccFps;
  if (fps === undefined || !Number.isFinite(fps) || fps <= 0) fps = samplingRate(archive.timeSamplings) ?? 24;
  const doc = nextDocument++;
  documents.set(doc, { view, renderables, sent: new WeakMap() });
  const counts: Record<string, number> = {};
  for (const node of nodes) counts[node.kind] = (counts[node.kind] ?? 0) + 1;
  const info = archive.info;
  return {
    kind: 'alembic',
    doc,
    nodes,
    start: range.start,
    end: range.end,
    fps,
    cameras: renderables.filter((r) => r.kind === 'camera').map((r) => r.path),
    summary: {
      objects: nodes.length,
      schemas: counts,
      timeRange: `${+range.start.toFixed(4)} - ${+range.end.toFixed(4)} s`,
      fps: +fps.toFixed(3),
      ...(info.application ? { application: info.application } : {}),
      ...(view.errors.length > 0 ? { errors: view.errors.map((e) => `${e.path}: ${e.error.message}`) } : {}),
      file: name,
    },
  };
}

function attributeChanged(doc: AlembicDoc, attribute: BufferAttribute | InterleavedBufferAttribute | undefined): boolean {
  if (attribute === undefined || !(attribute instanceof BufferAttribute)) return false;
  const version = doc.sent.get(attribute);
  return version !== attribute.version;
}

export function alembicFrame(docId: number, time: number): AbcFrame {
  const doc = documents.get(docId);
  if (doc === undefined) throw new ViewError('BAD_USAGE', `Alembic document ${docId} is not open`);
  doc.view.setTime(time);
  const objects: AbcObjectState[] = [];
  for (const { path, object, kind } of doc.renderables) {
    let visible = true;
    for (let o: Object3D | null = object; o !== null; o = o.parent) if (!o.visible) visible = false;
    const state: AbcObjectState = { path, matrix: Array.from(object.matrixWorld.elements), visible };
    if (kind === 'camera') {
      const camera = object as PerspectiveCamera;
      state.camera = { fov: camera.fov, aspect: camera.aspect, near: camera.near, far: camera.far };
    } else {
      const geometry = (object as Mesh).geometry;
      const position = geometry.getAttribute('position') as BufferAttribute | undefined;
      const normal = geometry.getAttribute('normal') as BufferAttribute | undefined;
      const index = geometry.getIndex();
      if (position !== undefined && (attributeChanged(doc, position) || attributeChanged(doc, normal) || attributeChanged(doc, index ?? undefined))) {
        state.geometry = { position: Float32Array.from(position.array as Float32Array) };
        doc.sent.set(position, position.version);
        if (normal !== undefined) {
          state.geometry.normal = Float32Array.from(normal.array as Float32Array);
          doc.sent.set(normal, normal.version);
        }
        if (index !== null) {
          state.geometry.index = Uint32Array.from(index.array as ArrayLike<number>);
          doc.sent.set(index, index.version);
        }
      }
    }
    objects.push(state);
  }
  return { time, objects, errors: doc.view.errors.map((e) => `${e.path}: ${e.error.message}`) };
}

export function closeAlembic(docId: number): void {
  documents.get(docId)?.view.dispose();
  documents.delete(docId);
}
