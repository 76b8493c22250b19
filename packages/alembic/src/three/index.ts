/**
 * @vfxkit/alembic/three: an Alembic archive as a three.js `Group` of `Mesh` (PolyMesh, SubD),
 * `Points`, `LineSegments` (curves, NURBS control nets) and `PerspectiveCamera` objects under
 * `Group`s carrying each Xform's local matrix, updated to any time with `setTime` without
 * rebuilding what did not change: the sample keys Alembic stores tell which data changed, so an
 * unchanged mesh uploads nothing and a deforming mesh with fixed topology rewrites only positions
 * (and normals when they change).
 *
 * @example
 * import { openAlembic } from '@vfxkit/alembic';
 * import { alembicToThree } from '@vfxkit/alembic/three';
 * const view = alembicToThree(openAlembic(bytes), { time: 1 / 24 });
 * scene.add(view.group);
 * view.setTime(12 / 24); // each frame
 */
import {
  BufferAttribute,
  BufferGeometry,
  Group,
  LineBasicMaterial,
  LineSegments,
  Matrix4 as ThreeMatrix4,
  Mesh,
  MeshStandardMaterial,
  Object3D,
  PerspectiveCamera,
  Points,
  PointsMaterial,
  type Material,
} from 'three';
import { isVfxError, type VfxError } from '@vfxkit/core';
import type { AlembicArchive } from '../core/archive.js';
import { CameraSchema } from '../geom/camera.js';
import { CurvesSchema } from '../geom/curves.js';
import { invert, multiply, type Matrix4 } from '../geom/math.js';
import { PolyMeshSchema, SubDSchema, type MeshSample } from '../geom/mesh.js';
import { NuPatchSchema } from '../geom/nupatch.js';
import { PointsSchema } from '../geom/points.js';
import { XformSchema } from '../geom/xform.js';
import { AlembicScene, type SceneNode } from '../scene/scene.js';
import { curveSegments, gatherPositions, meshBuffers, patchNetSegments, toFloat32 } from './buffers.js';

export * from './buffers.js';

export interface AlembicThreeOptions {
  /** Time to show first (seconds). Default: the start of the archive's time range, or 0. */
  time?: number;
  /** Blend transforms (and positions of fixed-topology meshes) between samples. Default true. */
  interpolate?: boolean;
  /** Flip Alembic's clockwise faces to three.js's counter-clockwise. Default true. */
  flipWinding?: boolean;
  /** Create cameras. Default true. */
  cameras?: boolean;
  /** `skip` keeps going past an object that fails to read (an empty placeholder, the error in
   *  `errors`); `throw` (default) stops at the first. */
  onError?: 'throw' | 'skip';
  meshMaterial?: Material;
  pointsMaterial?: Material;
  linesMaterial?: Material;
}

/** What one `setTime` changed. */
export interface UpdateStats {
  /** Geometries built from scratch (new topology). */
  rebuilt: number;
  /** Attribute uploads (positions, normals, uvs updated in place). */
  uploads: number;
  /** Nodes whose matrix was set. */
  matrices: number;
}

interface Binding {
  node: SceneNode;
  object: Object3D;
  update(time: number, stats: UpdateStats): void;
}

function setAttribute(geometry: BufferGeometry, name: string, values: Float32Array, itemSize: number): void {
  geometry.setAttribute(name, new BufferAttribute(values, itemSize));
}

/** Updates `name` in place when the size matches (an upload), otherwise replaces it. */
function updateAttribute(geometry: BufferGeometry, name: string, values: Float32Array, itemSize: number): void {
  const current = geometry.getAttribute(name) as BufferAttribute | undefined;
  if (current !== undefined && current.array.length === values.length && current.itemSize === itemSize) {
    (current.array as Float32Array).set(values);
    current.needsUpdate = true;
  } else {
    setAttribute(geometry, name, values, itemSize);
  }
}

export class AlembicThreeScene {
  readonly archive: AlembicArchive;
  readonly scene: AlembicScene;
  /** The root of the three.js objects (one child per top-level Alembic object). */
  readonly group: Group;
  /** The cameras, in scene order. */
  readonly cameras: PerspectiveCamera[] = [];
  /** three.js object for each Alembic scene path. */
  readonly objects = new Map<string, Object3D>();
  /** Objects that failed to read, with `onError: 'skip'`. */
  readonly errors: { path: string; error: VfxError }[] = [];
  private readonly bindings: Binding[] = [];
  private readonly options: Required<Pick<AlembicThreeOptions, 'interpolate' | 'flipWinding' | 'cameras'>> & AlembicThreeOptions;
  private currentTime = Number.NaN;

  constructor(archive: AlembicArchive, options: AlembicThreeOptions = {}) {
    this.archive = archive;
    this.scene = new AlembicScene(archive);
    this.options = { interpolate: true, flipWinding: true, cameras: true, ...options };
    this.group = new Group();
    this.group.name = 'alembic';
    this.objects.set('/', this.group);
    for (const node of this.scene.nodes) {
      if (node === this.scene.root) continue;
      const parent = this.objects.get(node.parent!.path) ?? this.group;
      let object: Object3D;
      try {
        object = this.build(node);
      } catch (error) {
        if (this.options.onError !== 'skip' || !isVfxError(error)) throw error;
        this.errors.push({ path: node.path, error });
        object = new Object3D();
      }
      object.name = node.name;
      object.userData = { alembicPath: node.path, schema: node.object.schema, ...(node.instanceOf !== undefined ? { instanceOf: node.instanceOf } : {}) };
      parent.add(object);
      this.objects.set(node.path, object);
    }
    this.setTime(options.time ?? archive.timeRange?.start ?? 0);
  }

  /** The time last shown. */
  get time(): number {
    return this.currentTime;
  }

  private build(node: SceneNode): Object3D {
    const options = this.options;
    switch (node.kind) {
      case 'xform': {
        const group = new Group();
        group.matrixAutoUpdate = false;
        const schema = new XformSchema(node.object);
        let done = false;
        this.bindings.push({
          node,
          object: group,
          update: (time, stats) => {
            // A constant transform that composes with its parent is set once.
            if (done) return;
            done = this.updateXform(node, group, time, stats) && schema.isConstant;
          },
        });
        return group;
      }
      case 'polymesh':
      case 'subd':
        return this.buildMesh(node, node.kind === 'polymesh' ? new PolyMeshSchema(node.object) : new SubDSchema(node.object));
      case 'points': {
        const schema = new PointsSchema(node.object);
        const geometry = new BufferGeometry();
        const points = new Points(geometry, options.pointsMaterial ?? new PointsMaterial({ size: 0.05 }));
        let last = { index: -1, positions: '', ids: '' };
        this.bindings.push({
          node,
          object: points,
          update: (time, stats) => {
            if (schema.sampleCount === 0) return;
            const index = schema.sampleIndexAt(time);
            if (index === last.index) return;
            const sample = schema.getSample(index);
            if (sample.keys.positions !== last.positions) {
              updateAttribute(geometry, 'position', toFloat32(sample.positions), 3);
              if (sample.velocities !== undefined) updateAttribute(geometry, 'velocity', toFloat32(sample.velocities as ArrayLike<number>), 3);
              geometry.computeBoundingSphere();
              stats.uploads++;
            }
            last = { index, positions: sample.keys.positions, ids: sample.keys.ids };
          },
        });
        return points;
      }
      case 'curves': {
        const schema = new CurvesSchema(node.object);
        const geometry = new BufferGeometry();
        const lines = new LineSegments(geometry, options.linesMaterial ?? new LineBasicMaterial());
        let last = { index: -1, positions: '', counts: '' };
        this.bindings.push({
          node,
          object: lines,
          update: (time, stats) => {
            if (schema.sampleCount === 0) return;
            const index = schema.sampleIndexAt(time);
            if (index === last.index) return;
            const sample = schema.getSample(index);
            if (sample.keys.vertexCounts !== last.counts) {
              geometry.setIndex(new BufferAttribute(curveSegments(sample), 1));
              stats.rebuilt++;
            }
            if (sample.keys.positions !== last.positions) {
              updateAttribute(geometry, 'position', toFloat32(sample.positions), 3);
              geometry.computeBoundingSphere();
              stats.uploads++;
            }
            last = { index, positions: sample.keys.positions, counts: sample.keys.vertexCounts };
          },
        });
        return lines;
      }
      case 'nupatch': {
        const schema = new NuPatchSchema(node.object);
        const geometry = new BufferGeometry();
        const lines = new LineSegments(geometry, options.linesMaterial ?? new LineBasicMaterial());
        let lastIndex = -1;
        this.bindings.push({
          node,
          object: lines,
          update: (time, stats) => {
            if (schema.sampleCount === 0) return;
            const index = schema.sampleIndexAt(time);
            if (index === lastIndex) return;
            const sample = schema.getSample(index);
            geometry.setIndex(new BufferAttribute(patchNetSegments(sample), 1));
            updateAttribute(geometry, 'position', toFloat32(sample.positions), 3);
            geometry.computeBoundingSphere();
            stats.rebuilt++;
            lastIndex = index;
          },
        });
        return lines;
      }
      case 'camera': {
        if (!options.cameras) return new Object3D();
        const schema = new CameraSchema(node.object);
        const camera = new PerspectiveCamera();
        this.cameras.push(camera);
        let lastIndex = -1;
        this.bindings.push({
          node,
          object: camera,
          update: (time) => {
            if (schema.sampleCount === 0) return;
            const index = schema.sampleIndexAt(time);
            if (index === lastIndex) return;
            const s = schema.getSample(index);
            camera.fov = s.verticalFieldOfView;
            camera.aspect = s.verticalAperture > 0 ? s.horizontalAperture / s.verticalAperture : 1;
            camera.near = s.nearClippingPlane > 0 ? s.nearClippingPlane : 0.1;
            camera.far = s.farClippingPlane > camera.near ? s.farClippingPlane : camera.near * 1e6;
            camera.focus = s.focusDistance > 0 ? s.focusDistance : camera.focus;
            camera.userData = { ...camera.userData, alembicCamera: s };
            camera.updateProjectionMatrix();
            lastIndex = index;
          },
        });
        return camera;
      }
      default:
        return new Object3D();
    }
  }

  private buildMesh(node: SceneNode, schema: PolyMeshSchema | SubDSchema): Mesh {
    const geometry = new BufferGeometry();
    const mesh = new Mesh(geometry, this.options.meshMaterial ?? new MeshStandardMaterial());
    let faceVertexPoints: Int32Array | undefined;
    let last = { index: -1, alpha: 0, positions: '', counts: '', indices: '', normals: '', uvs: '' };
    const homogeneous = schema.topologyVariance !== 'heterogeneous';
    this.bindings.push({
      node,
      object: mesh,
      update: (time, stats) => {
        if (schema.sampleCount === 0) return;
        const P = schema.positions;
        let index = P.sampleIndexAt(time);
        let alpha = 0;
        let next: MeshSample | undefined;
        if (this.options.interpolate && homogeneous && !P.isConstant) {
          const bracket = P.timeSampling.bracket(time, P.sampleCount);
          index = bracket.floor;
          alpha = bracket.alpha;
          if (bracket.ceil !== bracket.floor && alpha > 0) next = schema.getSample(bracket.ceil);
        }
        if (index === last.index && alpha === last.alpha) return;
        const sample = schema.getSample(index);
        const topologyChanged = sample.keys.faceCounts !== last.counts || sample.keys.faceIndices !== last.indices;
        if (topologyChanged) {
          const buffers = meshBuffers(sample, this.options.flipWinding);
          faceVertexPoints = buffers.faceVertexPoints;
          geometry.setIndex(new BufferAttribute(buffers.index, 1));
          setAttribute(geometry, 'position', buffers.positions, 3);
          if (buffers.normals !== undefined) setAttribute(geometry, 'normal', buffers.normals, 3);
          else geometry.deleteAttribute('normal');
          if (buffers.uvs !== undefined) setAttribute(geometry, 'uv', buffers.uvs, 2);
          geometry.userData = { faceTriangleStart: buffers.faceTriangleStart };
          stats.rebuilt++;
        }
        const positionsKey = next === undefined ? sample.keys.positions : `${sample.keys.positions}>${next.keys.positions}@${alpha}`;
        if (!topologyChanged && positionsKey !== last.positions) {
          let points: ArrayLike<number> = sample.positions;
          if (next !== undefined && next.positions.length === sample.positions.length) {
            const blended = new Float32Array(sample.positions.length);
            for (let i = 0; i < blended.length; i++) blended[i] = sample.positions[i]! + (next.positions[i]! - sample.positions[i]!) * alpha;
            points = blended;
          }
          const attribute = geometry.getAttribute('position') as BufferAttribute;
          gatherPositions(points, faceVertexPoints!, attribute.array as Float32Array);
          attribute.needsUpdate = true;
          stats.uploads++;
        } else if (topologyChanged && next !== undefined) {
          // Fresh buffers were built from the floor sample; blend towards the next one.
          const attribute = geometry.getAttribute('position') as BufferAttribute;
          const blended = new Float32Array(sample.positions.length);
          for (let i = 0; i < blended.length; i++) blended[i] = sample.positions[i]! + (next.positions[i]! - sample.positions[i]!) * alpha;
          gatherPositions(blended, faceVertexPoints!, attribute.array as Float32Array);
        }
        const normalsKey = sample.normals?.key ?? '';
        if (!topologyChanged && normalsKey !== last.normals && sample.normals !== undefined) {
          const buffers = meshBuffers(sample, this.options.flipWinding);
          if (buffers.normals !== undefined) {
            updateAttribute(geometry, 'normal', buffers.normals, 3);
            stats.uploads++;
          }
        }
        const uvsKey = sample.uvs?.key ?? '';
        if (!topologyChanged && uvsKey !== last.uvs && sample.uvs !== undefined) {
          const buffers = meshBuffers(sample, this.options.flipWinding);
          if (buffers.uvs !== undefined) {
            updateAttribute(geometry, 'uv', buffers.uvs, 2);
            stats.uploads++;
          }
        }
        if (geometry.getAttribute('normal') === undefined) geometry.computeVertexNormals();
        geometry.computeBoundingSphere();
        last = { index, alpha, positions: positionsKey, counts: sample.keys.faceCounts, indices: sample.keys.faceIndices, normals: normalsKey, uvs: uvsKey };
      },
    });
    return mesh;
  }

  /** Sets the group's matrix; returns whether it composes with the parent (`inherits`). */
  private updateXform(node: SceneNode, group: Group, time: number, stats: UpdateStats): boolean {
    const local = this.scene.localMatrix(node, time, { interpolate: this.options.interpolate });
    let matrix: Matrix4 = local.matrix;
    if (!local.inherits && node.parent !== undefined) {
      // three.js always composes with the parent: undo the parent's world matrix.
      const parentWorld = this.scene.worldMatrix(node.parent, time, { interpolate: this.options.interpolate });
      const inverse = invert(parentWorld);
      if (inverse !== undefined) matrix = multiply(local.matrix, inverse);
    }
    group.matrix.fromArray(matrix);
    group.matrixWorldNeedsUpdate = true;
    stats.matrices++;
    return local.inherits;
  }

  /** Shows the archive at `time` (seconds): matrices, visibility, and the samples that changed. */
  setTime(time: number): UpdateStats {
    const stats: UpdateStats = { rebuilt: 0, uploads: 0, matrices: 0 };
    for (const binding of this.bindings) {
      try {
        binding.update(time, stats);
        binding.object.visible = this.scene.isVisible(binding.node, time);
      } catch (error) {
        if (this.options.onError !== 'skip' || !isVfxError(error)) throw error;
        if (!this.errors.some((e) => e.path === binding.node.path)) this.errors.push({ path: binding.node.path, error });
        binding.object.visible = false;
      }
    }
    this.currentTime = time;
    this.group.updateMatrixWorld(true);
    return stats;
  }

  /** Frees every geometry (and the default materials). */
  dispose(): void {
    this.group.traverse((object) => {
      const withGeometry = object as Partial<Mesh>;
      withGeometry.geometry?.dispose();
      const material = withGeometry.material as Material | Material[] | undefined;
      if (material !== undefined && !Array.isArray(material)) {
        if (material !== this.options.meshMaterial && material !== this.options.pointsMaterial && material !== this.options.linesMaterial) material.dispose();
      }
    });
  }
}

/** Builds the three.js objects of `archive` at `options.time`. */
export function alembicToThree(archive: AlembicArchive, options: AlembicThreeOptions = {}): AlembicThreeScene {
  return new AlembicThreeScene(archive, options);
}

/** A three.js Matrix4 from an Alembic matrix (same flat layout). */
export function toThreeMatrix(matrix: ArrayLike<number>): ThreeMatrix4 {
  return new ThreeMatrix4().fromArray(Array.from(matrix));
}
