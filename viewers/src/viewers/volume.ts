/**
 * The volume viewer: one grid densified (in the worker) to a voxel budget, uploaded as a
 * Data3DTexture by @vfxkit/vdb/three, and ray-marched through a unit box placed by the grid's
 * transform. Three modes: density (emission-absorption, density and colour controls), surface
 * (isosurface ray-march: level sets at 0, fog at a threshold, shaded by the gradient) and slice
 * (a plane along x, y or z showing values through the ramp).
 */
import { BackSide, Box3, BoxGeometry, Color, LinearFilter, LinearSRGBColorSpace, Matrix4, Mesh, NearestFilter, ShaderMaterial, Vector3 } from 'three';
import { createVdbVolume, type VdbVolume } from '@vfxkit/vdb/three';
import type { ProbeResult } from '../contract.js';
import type { DecodedVolume } from '../protocol.js';
import { element, section, select, shortNumber, slider } from '../ui.js';
import { RAMP_GLSL, rampCss } from './particles.js';
import { Stage } from './stage.js';
import type { Viewer, ViewerHost } from './types.js';

const VERTEX = /* glsl */ `
varying vec3 vLocal;
void main() {
  vLocal = position;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

const FRAGMENT = /* glsl */ `
precision highp float;
precision highp sampler3D;
uniform sampler3D uVolume;
uniform vec3 uCamera;        // camera position in the box's space
uniform int uMode;           // 0 density, 1 surface, 2 slice
uniform int uVector;         // 1: RGBA texture of a vector grid
uniform vec2 uRange;
uniform float uDensity, uIso;
uniform vec3 uColour;
uniform int uSteps;
uniform int uAxis;
uniform float uSlice;
uniform int uInsideNegative; // level sets: inside is below the iso value
varying vec3 vLocal;
${RAMP_GLSL}

float value(vec3 uvw) {
  vec4 t = texture(uVolume, uvw);
  return uVector == 1 ? length(t.rgb) : t.r;
}

vec2 hitBox(vec3 origin, vec3 dir) {
  vec3 inv = 1.0 / dir;
  vec3 t0 = (vec3(-0.5) - origin) * inv;
  vec3 t1 = (vec3(0.5) - origin) * inv;
  vec3 lo = min(t0, t1);
  vec3 hi = max(t0, t1);
  return vec2(max(max(lo.x, lo.y), lo.z), min(min(hi.x, hi.y), hi.z));
}

vec3 gradient(vec3 uvw, float h) {
  return vec3(
    value(uvw + vec3(h, 0, 0)) - value(uvw - vec3(h, 0, 0)),
    value(uvw + vec3(0, h, 0)) - value(uvw - vec3(0, h, 0)),
    value(uvw + vec3(0, 0, h)) - value(uvw - vec3(0, 0, h)));
}

void main() {
  vec3 origin = uCamera;
  vec3 dir = normalize(vLocal - uCamera);
  vec2 t = hitBox(origin, dir);
  t.x = max(t.x, 0.0);
  if (t.x >= t.y) discard;
  if (uMode == 2) {
    float planeT = ((uSlice - 0.5) - origin[uAxis]) / dir[uAxis];
    if (planeT < t.x || planeT > t.y) discard;
    vec3 p = origin + dir * planeT + 0.5;
    float v = value(p);
    gl_FragColor = vec4(ramp((v - uRange.x) / max(uRange.y - uRange.x, 1e-20)), 1.0);
    return;
  }
  float stepLength = (t.y - t.x) / float(uSteps);
  float span = max(uRange.y - uRange.x, 1e-20);
  vec3 colour = vec3(0.0);
  float alpha = 0.0;
  for (int i = 0; i < 1024; i++) {
    if (i >= uSteps) break;
    float along = t.x + (float(i) + 0.5) * stepLength;
    vec3 uvw = origin + dir * along + 0.5;
    float v = value(uvw);
    if (uMode == 1) {
      bool inside = uInsideNegative == 1 ? v <= uIso : v >= uIso;
      if (inside && i > 0) {
        // Refine between the previous sample and this one.
        float a = along - stepLength;
        float b = along;
        for (int k = 0; k < 6; k++) {
          float m = 0.5 * (a + b);
          float vm = value(origin + dir * m + 0.5);
          bool mi = uInsideNegative == 1 ? vm <= uIso : vm >= uIso;
          if (mi) b = m; else a = m;
        }
        vec3 hit = origin + dir * b + 0.5;
        vec3 n = gradient(hit, 1.0 / 256.0);
        if (uInsideNegative == 0) n = -n;
        n = length(n) > 0.0 ? normalize(n) : -dir;
        // A head light and a fixed key light from above, so the shape reads.
        float light = 0.2 + 0.6 * max(dot(n, -dir), 0.0) + 0.3 * max(dot(n, normalize(vec3(0.35, 0.85, 0.4))), 0.0);
        gl_FragColor = vec4(uColour * light, 1.0);
        return;
      }
      if (inside) { gl_FragColor = vec4(uColour * 0.6, 1.0); return; }
      continue;
    }
    float d = clamp((v - max(uRange.x, 0.0)) / span, 0.0, 1.0);
    if (d <= 0.0) continue;
    float a = 1.0 - exp(-d * uDensity * 20.0 * stepLength);
    vec3 c = uVector == 1 ? abs(texture(uVolume, uvw).rgb) / max(uRange.y, 1e-20) : uColour * (0.35 + 0.65 * d);
    colour += (1.0 - alpha) * a * c;
    alpha += (1.0 - alpha) * a;
    if (alpha > 0.995) break;
  }
  if (alpha <= 0.002) discard;
  gl_FragColor = vec4(colour / alpha, alpha);
}`;

type Mode = 'density' | 'surface' | 'slice';

export class VolumeViewer implements Viewer {
  private readonly stage: Stage;
  private readonly material: ShaderMaterial;
  private readonly mesh: Mesh;
  private volume: VdbVolume | undefined;
  private data: DecodedVolume | undefined;
  private mode: Mode = 'density';
  private density = 1;
  private iso = 0;
  private axis = 2;
  private slice = 0.5;
  private colour = '#d8dce6';
  private readonly legend: HTMLElement;

  constructor(private readonly host: ViewerHost) {
    this.stage = new Stage(host);
    this.material = new ShaderMaterial({
      vertexShader: VERTEX,
      fragmentShader: FRAGMENT,
      side: BackSide,
      transparent: true,
      depthWrite: false,
      uniforms: {
        uVolume: { value: null },
        uCamera: { value: new Vector3() },
        uMode: { value: 0 },
        uVector: { value: 0 },
        uRange: { value: [0, 1] },
        uDensity: { value: 1 },
        uIso: { value: 0 },
        uColour: { value: new Color().setStyle(this.colour, LinearSRGBColorSpace) },
        uSteps: { value: 256 },
        uAxis: { value: 2 },
        uSlice: { value: 0.5 },
        uInsideNegative: { value: 1 },
      },
    });
    this.mesh = new Mesh(new BoxGeometry(1, 1, 1), this.material);
    this.mesh.matrixAutoUpdate = false;
    this.mesh.frustumCulled = false;
    this.legend = element('div', 'legend');
    host.overlay.append(this.legend);
  }

  show(data: DecodedVolume): void {
    const first = this.data === undefined;
    const sameGrid = this.data !== undefined && this.data.grid === data.grid;
    this.data = data;
    this.volume?.texture.dispose();
    const volume = createVdbVolume({
      data: data.data,
      dims: data.dims,
      components: data.components,
      bbox: data.indexBox ?? { min: [0, 0, 0], max: [0, 0, 0] },
      step: data.step,
      textureToIndex: data.textureToIndex,
      textureToWorld: data.textureToWorld,
    });
    // Float textures filter linearly only with OES_texture_float_linear.
    const linear = this.host.renderer.extensions.has('OES_texture_float_linear');
    volume.texture.minFilter = volume.texture.magFilter = linear ? LinearFilter : NearestFilter;
    this.volume = volume;
    this.mesh.matrix.copy(volume.boxMatrix);
    this.mesh.matrixWorldNeedsUpdate = true;
    if (this.mesh.parent === null) this.stage.scene.add(this.mesh);
    if (!sameGrid) {
      const levelSet = data.gridClass === 'level set';
      this.mode = levelSet ? 'surface' : 'density';
      const [lo, hi] = volume.range;
      this.iso = levelSet ? 0 : lo + (hi - lo) * 0.25;
    }
    const u = this.material.uniforms;
    u.uVolume!.value = volume.texture;
    u.uVector!.value = data.components === 3 ? 1 : 0;
    u.uRange!.value = data.components === 3 ? [0, volume.range[1]] : volume.range;
    u.uInsideNegative!.value = data.gridClass === 'level set' ? 1 : 0;
    u.uSteps!.value = Math.min(1024, Math.max(64, Math.round(Math.max(...data.dims) * 1.7)));
    this.stage.setBox(data.worldBox === null ? volume.box : new Box3(new Vector3(...data.worldBox.min), new Vector3(...data.worldBox.max)), { refit: first });
  }

  render(): void {
    const u = this.material.uniforms;
    const modes: Mode[] = ['density', 'surface', 'slice'];
    u.uMode!.value = modes.indexOf(this.mode);
    u.uDensity!.value = this.density;
    u.uIso!.value = this.iso;
    u.uAxis!.value = this.axis;
    u.uSlice!.value = this.slice;
    (u.uColour!.value as Color).setStyle(this.colour, LinearSRGBColorSpace);
    this.mesh.updateMatrixWorld(true);
    const camera = this.stage.activeCamera;
    camera.updateMatrixWorld();
    const inverse = new Matrix4().copy(this.mesh.matrixWorld).invert();
    (u.uCamera!.value as Vector3).setFromMatrixPosition(camera.matrixWorld).applyMatrix4(inverse);
    this.updateLegend();
    this.stage.render();
  }

  private updateLegend(): void {
    this.legend.replaceChildren();
    if (this.mode !== 'slice' || this.data === undefined) return;
    const range = this.material.uniforms.uRange!.value as number[];
    const bar = element('div', 'legend-bar');
    bar.style.background = rampCss();
    const labels = element('div', 'legend-labels');
    labels.append(element('span', undefined, shortNumber(range[0]!)), element('span', 'legend-name', this.data.grid), element('span', undefined, shortNumber(range[1]!)));
    this.legend.append(bar, labels);
  }

  applyCamera(): void {
    this.stage.applyCamera(this.host.options().camera);
  }

  probe(): ProbeResult | null {
    return null;
  }

  project(p: [number, number, number]): [number, number] | null {
    return this.stage.project(p);
  }

  buildPanel(panel: HTMLElement): void {
    const data = this.data;
    if (data === undefined) return;
    const view = section(panel, 'Volume');
    if (data.grids.length > 1) {
      select(view, 'Grid', data.grids.map((g) => [g.name, `${g.name} (${g.valueType})`] as [string, string]), data.grid, (v) => this.host.change({ grid: v }));
    }
    const redraw = (): void => this.host.requestRender();
    select(view, 'Mode', [['density', 'Density (ray-march)'], ['surface', 'Surface (isosurface)'], ['slice', 'Slice plane']], this.mode, (v) => {
      this.mode = v as Mode;
      redraw();
    });
    slider(view, 'Density', { min: -4, max: 4, step: 0.1 }, Math.log2(this.density), (v) => {
      this.density = 2 ** v;
      redraw();
    }, (v) => `x${(2 ** v).toPrecision(2)}`);
    const range = this.volume?.range ?? [0, 1];
    const span = range[1] - range[0] || 1;
    slider(view, 'Iso value', { min: range[0], max: range[1], step: span / 200 }, this.iso, (v) => {
      this.iso = v;
      redraw();
    }, shortNumber);
    const colour = element('input');
    colour.type = 'color';
    colour.value = this.colour;
    colour.addEventListener('input', () => {
      this.colour = colour.value;
      redraw();
    });
    const line = element('label', 'row');
    line.append(element('span', 'row-label', 'Colour'), colour);
    view.append(line);
    select(view, 'Slice axis', [['0', 'X'], ['1', 'Y'], ['2', 'Z']], String(this.axis), (v) => {
      this.axis = Number(v);
      this.mode = 'slice';
      redraw();
    });
    slider(view, 'Slice at', { min: 0, max: 1, step: 0.005 }, this.slice, (v) => {
      this.slice = v;
      this.mode = 'slice';
      redraw();
    });
  }

  dispose(): void {
    this.volume?.texture.dispose();
    this.mesh.geometry.dispose();
    this.material.dispose();
    this.stage.dispose();
    this.legend.remove();
  }
}
