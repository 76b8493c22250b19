/**
 * The Alembic viewer. The archive stays open in a decode worker (@vfxkit/alembic/three builds and
 * updates its objects there); each frame the worker sends world matrices, visibility and the
 * geometry buffers that changed, and this page mirrors them: shaded meshes (wireframe toggle),
 * points and curves, cameras to look through, and an outliner of the hierarchy (select, hide,
 * isolate).
 */
import {
  Box3,
  BufferAttribute,
  BufferGeometry,
  DirectionalLight,
  DoubleSide,
  HemisphereLight,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshStandardMaterial,
  Object3D,
  PerspectiveCamera,
  Points,
  PointsMaterial,
} from 'three';
import type { ProbeResult } from '../contract.js';
import type { AbcFrame, AbcNode, DecodedAlembic } from '../protocol.js';
import { checkbox, element, section, select } from '../ui.js';
import { Stage } from './stage.js';
import type { Viewer, ViewerHost } from './types.js';

export class AlembicViewer implements Viewer {
  private readonly stage: Stage;
  private readonly meshMaterial = new MeshStandardMaterial({ color: 0xb8bcc6, roughness: 0.6, metalness: 0.05, side: DoubleSide });
  private readonly selectedMaterial = new MeshStandardMaterial({ color: 0xf0b030, roughness: 0.5, metalness: 0.05, side: DoubleSide });
  private readonly pointsMaterial = new PointsMaterial({ color: 0x9fd0ff, size: 3, sizeAttenuation: false });
  private readonly linesMaterial = new LineBasicMaterial({ color: 0x9fd0ff });
  private readonly objects = new Map<string, Object3D>();
  private readonly cameras = new Map<string, PerspectiveCamera>();
  private readonly visibleInFile = new Map<string, boolean>();
  private readonly hidden = new Set<string>();
  private isolated: string | undefined;
  private selected: string | undefined;
  private doc: DecodedAlembic | undefined;
  private frameShown: AbcFrame | undefined;
  private wireframe = false;
  private framed = false;
  private readonly light = new DirectionalLight(0xffffff, 2.2);

  constructor(private readonly host: ViewerHost) {
    this.stage = new Stage(host);
    this.stage.scene.add(new HemisphereLight(0xdde4f0, 0x30323a, 1.4));
    this.stage.scene.add(this.light);
  }

  get document(): DecodedAlembic | undefined {
    return this.doc;
  }

  /** Frame numbers of the archive at its fps. */
  static frames(doc: DecodedAlembic): number[] {
    const first = Math.round(doc.start * doc.fps);
    const last = Math.max(first, Math.round(doc.end * doc.fps));
    const frames: number[] = [];
    for (let f = first; f <= last && frames.length < 100000; f++) frames.push(f);
    return frames;
  }

  open(doc: DecodedAlembic): void {
    this.doc = doc;
    for (const node of doc.nodes) {
      let object: Object3D | undefined;
      if (node.renderable === 'mesh') object = new Mesh(new BufferGeometry(), this.meshMaterial);
      else if (node.renderable === 'points') object = new Points(new BufferGeometry(), this.pointsMaterial);
      else if (node.renderable === 'lines') object = new LineSegments(new BufferGeometry(), this.linesMaterial);
      else if (node.renderable === 'camera') {
        const camera = new PerspectiveCamera();
        camera.matrixAutoUpdate = false;
        this.cameras.set(node.path, camera);
      }
      if (object === undefined) continue;
      object.name = node.path;
      object.matrixAutoUpdate = false;
      object.frustumCulled = false;
      this.objects.set(node.path, object);
      this.stage.scene.add(object);
    }
  }

  /** Applies a frame the worker computed. */
  apply(frame: AbcFrame): void {
    this.frameShown = frame;
    for (const state of frame.objects) {
      this.visibleInFile.set(state.path, state.visible);
      const camera = this.cameras.get(state.path);
      if (camera !== undefined) {
        camera.matrix.fromArray(state.matrix);
        camera.matrixWorld.copy(camera.matrix);
        camera.matrixWorldInverse.copy(camera.matrixWorld).invert();
        if (state.camera !== undefined) {
          camera.fov = state.camera.fov;
          camera.near = state.camera.near;
          camera.far = state.camera.far;
          camera.updateProjectionMatrix();
        }
        continue;
      }
      const object = this.objects.get(state.path);
      if (object === undefined) continue;
      object.matrix.fromArray(state.matrix);
      object.matrixWorldNeedsUpdate = true;
      if (state.geometry !== undefined) {
        const geometry = (object as Mesh).geometry;
        geometry.setAttribute('position', new BufferAttribute(state.geometry.position, 3));
        if (state.geometry.normal !== undefined) geometry.setAttribute('normal', new BufferAttribute(state.geometry.normal, 3));
        if (state.geometry.index !== undefined) geometry.setIndex(new BufferAttribute(state.geometry.index, 1));
        geometry.computeBoundingBox();
        geometry.computeBoundingSphere();
      }
    }
    this.updateVisibility();
    // The box follows the animation; the camera is fitted once, to the first frame shown.
    this.stage.setBox(this.bounds(), { refit: !this.framed });
    this.framed = true;
  }

  /** The world box of what is visible. */
  bounds(): Box3 {
    const box = new Box3();
    this.stage.scene.updateMatrixWorld(true);
    for (const object of this.objects.values()) {
      const geometry = (object as Mesh).geometry;
      if (!object.visible || geometry?.boundingBox == null) continue;
      box.union(geometry.boundingBox.clone().applyMatrix4(object.matrixWorld));
    }
    return box;
  }

  private underPath(path: string, ancestor: string): boolean {
    return path === ancestor || path.startsWith(ancestor.endsWith('/') ? ancestor : `${ancestor}/`);
  }

  private updateVisibility(): void {
    for (const [path, object] of this.objects) {
      const inFile = this.visibleInFile.get(path) ?? true;
      const hidden = [...this.hidden].some((h) => this.underPath(path, h));
      const isolatedOut = this.isolated !== undefined && !this.underPath(path, this.isolated);
      object.visible = inFile && !hidden && !isolatedOut;
      if (object instanceof Mesh) object.material = this.selected !== undefined && this.underPath(path, this.selected) ? this.selectedMaterial : this.meshMaterial;
    }
  }

  render(): void {
    const cameraPath = this.host.options().camera;
    this.stage.override = cameraPath.startsWith('/') ? this.cameras.get(cameraPath) : undefined;
    this.meshMaterial.wireframe = this.wireframe;
    this.selectedMaterial.wireframe = this.wireframe;
    const camera = this.stage.activeCamera;
    camera.updateMatrixWorld();
    this.light.position.setFromMatrixPosition(camera.matrixWorld);
    this.light.target.position.copy(this.stage.controls.target);
    this.light.target.updateMatrixWorld();
    this.stage.render();
  }

  applyCamera(): void {
    const option = this.host.options().camera;
    if (!option.startsWith('/')) this.stage.applyCamera(option);
  }

  probe(): ProbeResult | null {
    return null;
  }

  project(p: [number, number, number]): [number, number] | null {
    return this.stage.project(p);
  }

  /** World-space centre of an object's bounding box at the frame shown (tests use it). */
  centre(path: string): [number, number, number] | null {
    const object = this.objects.get(path);
    const geometry = (object as Mesh | undefined)?.geometry;
    if (object === undefined || geometry?.boundingBox == null) return null;
    object.updateMatrixWorld(true);
    const box = geometry.boundingBox.clone().applyMatrix4(object.matrixWorld);
    const c = box.getCenter(box.min.clone());
    return [c.x, c.y, c.z];
  }

  buildPanel(panel: HTMLElement): void {
    const doc = this.doc;
    if (doc === undefined) return;
    const view = section(panel, 'Scene');
    checkbox(view, 'Wireframe', this.wireframe, (v) => {
      this.wireframe = v;
      this.host.requestRender();
    });
    const cameraChoices: [string, string][] = [['', 'Orbit (free)'], ...doc.cameras.map((c) => [c, c] as [string, string])];
    select(view, 'Camera', cameraChoices, this.host.options().camera.startsWith('/') ? this.host.options().camera : '', (v) => this.host.change({ camera: v }));
    const outliner = section(panel, 'Outliner');
    const tools = element('div', 'button-row');
    const isolate = element('button', undefined, 'Isolate');
    isolate.title = 'Show only the selected object and its children';
    isolate.addEventListener('click', () => {
      this.isolated = this.isolated === undefined ? this.selected : undefined;
      isolate.classList.toggle('active', this.isolated !== undefined);
      this.updateVisibility();
      this.host.requestRender();
    });
    const showAll = element('button', undefined, 'Show all');
    showAll.addEventListener('click', () => {
      this.hidden.clear();
      this.isolated = undefined;
      isolate.classList.remove('active');
      for (const eye of list.querySelectorAll('.eye')) eye.classList.remove('off');
      this.updateVisibility();
      this.host.requestRender();
    });
    tools.append(isolate, showAll);
    outliner.append(tools);
    const list = element('ul', 'outliner');
    const depth = (node: AbcNode): number => node.path.split('/').length - 2;
    for (const node of doc.nodes.slice(0, 5000)) {
      const item = element('li');
      item.style.paddingLeft = `${depth(node) * 12 + 4}px`;
      const eye = element('span', 'eye', '●');
      eye.title = 'Hide / show';
      eye.addEventListener('click', (event) => {
        event.stopPropagation();
        if (this.hidden.has(node.path)) this.hidden.delete(node.path);
        else this.hidden.add(node.path);
        eye.classList.toggle('off', this.hidden.has(node.path));
        this.updateVisibility();
        this.host.requestRender();
      });
      const label = element('span', 'node-name', node.name);
      const kind = element('span', 'node-kind', node.kind);
      item.append(eye, label, kind);
      item.addEventListener('click', () => {
        this.selected = this.selected === node.path ? undefined : node.path;
        for (const li of list.querySelectorAll('li.selected')) li.classList.remove('selected');
        if (this.selected !== undefined) item.classList.add('selected');
        this.updateVisibility();
        this.host.requestRender();
      });
      list.append(item);
    }
    outliner.append(list);
    if (this.frameShown !== undefined && this.frameShown.errors.length > 0) {
      const errors = section(panel, 'Objects that failed to read');
      for (const e of this.frameShown.errors) errors.append(element('div', 'error-line', e));
    }
  }

  dispose(): void {
    for (const object of this.objects.values()) (object as Mesh).geometry?.dispose();
    this.meshMaterial.dispose();
    this.selectedMaterial.dispose();
    this.pointsMaterial.dispose();
    this.linesMaterial.dispose();
    this.stage.dispose();
  }
}

