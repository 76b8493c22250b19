/**
 * The 3D stage the particle, volume and Alembic viewers share: a scene, a perspective camera with
 * OrbitControls, a bounding box and axes, the `orbit:AZ,EL,DIST` camera option, and `project`.
 */
import { AxesHelper, Box3, Box3Helper, Color, PerspectiveCamera, Scene, Spherical, Vector3, type Camera } from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { canvasSize, type ViewerHost } from './types.js';

export const BACKGROUND = new Color(0x16171a);

export interface OrbitSpec {
  azimuth: number;
  elevation: number;
  distance: number | undefined;
}

/** `orbit:AZ,EL[,DIST]` (degrees, scene units), or undefined for anything else. */
export function parseOrbit(text: string): OrbitSpec | undefined {
  const match = /^orbit:\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*(?:,\s*([\d.]+))?\s*$/i.exec(text.trim());
  if (match === null) return undefined;
  const distance = match[3] === undefined ? undefined : Number(match[3]);
  return { azimuth: Number(match[1]), elevation: Number(match[2]), distance: distance !== undefined && distance > 0 ? distance : undefined };
}

export class Stage {
  readonly scene = new Scene();
  readonly camera = new PerspectiveCamera(40, 1, 0.01, 1000);
  readonly controls: OrbitControls;
  readonly box = new Box3();
  private boxHelper: Box3Helper | undefined;
  private axes: AxesHelper | undefined;
  private fitted = false;
  /** A camera other than the orbit camera to render through (an Alembic camera), if any. */
  override: Camera | undefined;

  constructor(private readonly host: ViewerHost) {
    this.scene.background = BACKGROUND;
    this.controls = new OrbitControls(this.camera, host.canvas);
    this.controls.enableDamping = false;
    this.controls.addEventListener('change', () => host.requestRender());
  }

  /** Sets the region of interest (bbox and axes drawn; the camera fits it the first time). */
  setBox(box: Box3, options: { helpers?: boolean; refit?: boolean } = {}): void {
    this.box.copy(box);
    if (this.boxHelper !== undefined) {
      this.scene.remove(this.boxHelper);
      this.boxHelper.dispose();
    }
    if (this.axes !== undefined) {
      this.scene.remove(this.axes);
      this.axes.dispose();
    }
    if (options.helpers !== false && !box.isEmpty()) {
      this.boxHelper = new Box3Helper(box.clone(), new Color(0x5a6070));
      const size = box.getSize(new Vector3()).length();
      this.axes = new AxesHelper(Math.max(size * 0.25, 1e-6));
      this.axes.position.copy(box.min);
      if (!this.host.snapshot) this.scene.add(this.boxHelper, this.axes);
    }
    if (!this.fitted || options.refit === true) this.applyCamera(this.host.options().camera);
  }

  /** Places the camera from the `camera` option (`orbit:AZ,EL,DIST`) or fits the box. */
  applyCamera(option: string): void {
    const box = this.box.isEmpty() ? new Box3(new Vector3(-1, -1, -1), new Vector3(1, 1, 1)) : this.box;
    const center = box.getCenter(new Vector3());
    const radius = Math.max(box.getSize(new Vector3()).length() / 2, 1e-6);
    const spec = parseOrbit(option) ?? { azimuth: 35, elevation: 25, distance: undefined };
    const fit = radius / Math.sin(((this.camera.fov / 2) * Math.PI) / 180);
    const distance = spec.distance ?? fit * 1.1;
    const spherical = new Spherical(distance, ((90 - spec.elevation) * Math.PI) / 180, (spec.azimuth * Math.PI) / 180);
    this.camera.position.copy(center).add(new Vector3().setFromSpherical(spherical));
    this.camera.near = Math.max(distance / 1000, radius / 1000);
    this.camera.far = distance + radius * 10;
    this.camera.updateProjectionMatrix();
    this.controls.target.copy(center);
    this.controls.update();
    this.fitted = true;
  }

  get activeCamera(): Camera {
    return this.override ?? this.camera;
  }

  private syncAspect(): void {
    const { width, height } = canvasSize(this.host);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    if (this.override instanceof PerspectiveCamera) {
      this.override.aspect = width / height;
      this.override.updateProjectionMatrix();
    }
  }

  render(): void {
    this.syncAspect();
    this.controls.enabled = this.override === undefined;
    this.host.renderer.render(this.scene, this.activeCamera);
  }

  /** Canvas CSS pixel of a world point, or null when it is behind the camera or off the canvas. */
  project(p: [number, number, number]): [number, number] | null {
    this.syncAspect();
    const { width, height } = canvasSize(this.host);
    const camera = this.activeCamera;
    camera.updateMatrixWorld();
    const v = new Vector3(...p).project(camera);
    if (!Number.isFinite(v.x) || v.z < -1 || v.z > 1) return null;
    const x = ((v.x + 1) / 2) * width;
    const y = ((1 - v.y) / 2) * height;
    if (x < 0 || y < 0 || x > width || y > height) return null;
    return [x, y];
  }

  dispose(): void {
    this.controls.dispose();
    this.boxHelper?.dispose();
    this.axes?.dispose();
  }
}
