/**
 * The particle viewer: the set as `THREE.Points` (geometry from @vfxkit/particles/three), sized by
 * `pscale` (radius) or `width` (diameter) in world units when present, coloured by `Cd` or by any
 * numeric attribute through a colour ramp (vectors by their length) with a legend, orbit/pan/zoom,
 * bounding box and axes, and a statistics panel.
 */
import { Box3, BufferAttribute, Points, ShaderMaterial, Vector3 } from 'three';
import type { BufferGeometry } from 'three';
import { particlesToGeometry } from '@vfxkit/particles/three';
import type { ParticleSet } from '@vfxkit/particles';
import type { ProbeResult } from '../contract.js';
import type { DecodedParticles, ParticleColumn } from '../protocol.js';
import { element, section, select, shortNumber, slider } from '../ui.js';
import { Stage } from './stage.js';
import { canvasSize, type Viewer, type ViewerHost } from './types.js';

/** A polynomial fit of matplotlib's viridis (public domain coefficients). */
export const RAMP_GLSL = /* glsl */ `
vec3 ramp(float t) {
  t = clamp(t, 0.0, 1.0);
  const vec3 c0 = vec3(0.2777273272234177, 0.005407344544966578, 0.3340998053353061);
  const vec3 c1 = vec3(0.1050930431085774, 1.404613529898575, 1.384590162594685);
  const vec3 c2 = vec3(-0.3308618287255563, 0.214847559468213, 0.09509516302823659);
  const vec3 c3 = vec3(-4.634230498983486, -5.799100973351585, -19.33244095627987);
  const vec3 c4 = vec3(6.228269936347081, 14.17993336680509, 56.69055260068105);
  const vec3 c5 = vec3(4.776384997670288, -13.74514537774601, -65.35303263337234);
  const vec3 c6 = vec3(-5.435455855934631, 4.645852612178535, 26.3124352495832);
  return c0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * (c5 + t * c6)))));
}`;

export function rampCss(): string {
  const c = [
    [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
    [0.1050930431085774, 1.404613529898575, 1.384590162594685],
    [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
    [-4.634230498983486, -5.799100973351585, -19.33244095627987],
    [6.228269936347081, 14.17993336680509, 56.69055260068105],
    [4.776384997670288, -13.74514537774601, -65.35303263337234],
    [-5.435455855934631, 4.645852612178535, 26.3124352495832],
  ];
  const stops: string[] = [];
  for (let i = 0; i <= 8; i++) {
    const t = i / 8;
    const rgb = [0, 1, 2].map((k) => {
      let v = 0;
      for (let j = 6; j >= 0; j--) v = v * t + c[j]![k]!;
      return Math.round(Math.min(1, Math.max(0, v)) * 255);
    });
    stops.push(`rgb(${rgb.join(',')}) ${t * 100}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

const VERTEX = /* glsl */ `
attribute float vfxScalar;
attribute float vfxSize;
attribute vec3 vfxColor;
uniform int uMode;        // 0 Cd, 1 ramp, 2 flat
uniform vec2 uRange;
uniform float uPixelsPerUnit, uSize, uHasSize;
varying vec3 vColour;
${RAMP_GLSL}
float srgb(float x) { return x <= 0.0031308 ? 12.92 * x : 1.055 * pow(x, 1.0 / 2.4) - 0.055; }
void main() {
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  float world = uHasSize > 0.5 ? vfxSize * uSize : uSize;
  gl_PointSize = clamp(world * uPixelsPerUnit / max(-mv.z, 1e-6), 2.0, 96.0);
  if (uMode == 0) {
    vec3 c = clamp(vfxColor, 0.0, 1.0);
    vColour = vec3(srgb(c.r), srgb(c.g), srgb(c.b));
  } else if (uMode == 1) {
    vColour = ramp((vfxScalar - uRange.x) / max(uRange.y - uRange.x, 1e-20));
  } else {
    vColour = vec3(0.85, 0.87, 0.9);
  }
}`;

const FRAGMENT = /* glsl */ `
varying vec3 vColour;
void main() {
  vec2 d = gl_PointCoord - 0.5;
  float r = dot(d, d);
  if (r > 0.25) discard;
  gl_FragColor = vec4(vColour * (1.0 - r * 0.8), 1.0);
}`;

export class ParticlesViewer implements Viewer {
  private readonly stage: Stage;
  private readonly material: ShaderMaterial;
  private points: Points | undefined;
  private data: DecodedParticles | undefined;
  private sizeMultiplier = 1;
  private baseSize = 1;
  private readonly legend: HTMLElement;

  constructor(private readonly host: ViewerHost) {
    this.stage = new Stage(host);
    this.material = new ShaderMaterial({
      vertexShader: VERTEX,
      fragmentShader: FRAGMENT,
      uniforms: {
        uMode: { value: 2 },
        uRange: { value: [0, 1] },
        uPixelsPerUnit: { value: 1 },
        uSize: { value: 1 },
        uHasSize: { value: 0 },
      },
    });
    this.legend = element('div', 'legend');
    host.overlay.append(this.legend);
  }

  /** The attribute the colour comes from: the option's, else Cd, else none (flat). */
  private colourAttribute(): ParticleColumn | undefined {
    const wanted = this.host.options().attr;
    const columns = this.data?.attributes ?? [];
    return columns.find((c) => c.name === wanted) ?? columns.find((c) => c.name === 'Cd' && c.width === 3);
  }

  show(data: DecodedParticles): void {
    const first = this.data === undefined;
    this.data = data;
    const set: ParticleSet = {
      count: data.count,
      attributes: data.attributes.map((c) => ({ name: c.name, type: c.type, width: c.width, data: c.data })),
      fixed: [],
      extras: {},
      notes: [],
    };
    const geometry = particlesToGeometry(set);
    if (this.points !== undefined) {
      this.stage.scene.remove(this.points);
      this.points.geometry.dispose();
    }
    this.points = new Points(geometry, this.material);
    this.points.frustumCulled = false;
    this.stage.scene.add(this.points);
    const box = new Box3();
    if (data.bbox !== null) box.set(new Vector3(...data.bbox.min), new Vector3(...data.bbox.max));
    const size = data.attributes.find((c) => c.name === 'pscale' && c.width === 1) ?? data.attributes.find((c) => c.name === 'width' && c.width === 1);
    if (size !== undefined) geometry.setAttribute('vfxSize', new BufferAttribute(size.data, 1));
    this.material.uniforms.uHasSize!.value = size !== undefined ? 1 : 0;
    // pscale is a radius (diameter 2 * pscale); width a diameter.
    const diagonal = box.isEmpty() ? 1 : box.getSize(new Vector3()).length();
    this.baseSize = size !== undefined ? (size.name === 'pscale' ? 2 : 1) : Math.max(diagonal / (Math.cbrt(Math.max(1, data.count)) * 12), diagonal * 1e-4);
    this.stage.setBox(box, { refit: first });
    this.lastAttr = this.host.options().attr;
    this.updateColour(geometry);
  }

  private updateColour(geometry: BufferGeometry): void {
    const u = this.material.uniforms;
    const column = this.colourAttribute();
    this.legend.replaceChildren();
    if (column === undefined) {
      u.uMode!.value = 2;
      return;
    }
    if (column.name === 'Cd' && column.width === 3 && this.host.options().attr !== 'Cd:ramp') {
      geometry.setAttribute('vfxColor', new BufferAttribute(column.data, 3));
      u.uMode!.value = 0;
      return;
    }
    // A scalar for the ramp: the value, or a vector's length.
    const count = this.data?.count ?? 0;
    let scalar: Float32Array;
    let lo = Infinity;
    let hi = -Infinity;
    if (column.width === 1) scalar = column.data;
    else {
      scalar = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        let sum = 0;
        for (let k = 0; k < column.width; k++) sum += column.data[i * column.width + k]! ** 2;
        scalar[i] = Math.sqrt(sum);
      }
    }
    for (let i = 0; i < scalar.length; i++) {
      const v = scalar[i]!;
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo === Infinity) [lo, hi] = [0, 1];
    geometry.setAttribute('vfxScalar', new BufferAttribute(scalar, 1));
    u.uMode!.value = 1;
    u.uRange!.value = [lo, hi];
    const bar = element('div', 'legend-bar');
    bar.style.background = rampCss();
    const labels = element('div', 'legend-labels');
    labels.append(element('span', undefined, shortNumber(lo)), element('span', 'legend-name', column.width > 1 ? `|${column.name}|` : column.name), element('span', undefined, shortNumber(hi)));
    this.legend.append(bar, labels);
  }

  render(): void {
    const u = this.material.uniforms;
    const { height } = canvasSize(this.host);
    u.uPixelsPerUnit!.value = (height * this.host.renderer.getPixelRatio()) / (2 * Math.tan(((this.stage.camera.fov / 2) * Math.PI) / 180));
    u.uSize!.value = this.baseSize * this.sizeMultiplier;
    if (this.points !== undefined) this.updateColourIfNeeded();
    this.stage.render();
  }

  private lastAttr: string | undefined;
  private updateColourIfNeeded(): void {
    const attr = this.host.options().attr;
    if (attr !== this.lastAttr && this.points !== undefined) {
      this.lastAttr = attr;
      this.updateColour(this.points.geometry);
    }
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
    const view = section(panel, 'Points');
    const choices: [string, string][] = [['', data.attributes.some((c) => c.name === 'Cd') ? 'Cd (colour)' : 'none (flat)']];
    for (const c of data.attributes) if (c.name !== 'P') choices.push([c.name, `${c.name}${c.width > 1 ? ` [${c.width}]` : ''} (ramp)`]);
    select(view, 'Colour by', choices, this.host.options().attr, (v) => this.host.change({ attr: v }));
    slider(view, 'Point size', { min: -4, max: 4, step: 0.1 }, Math.log2(this.sizeMultiplier), (v) => {
      this.sizeMultiplier = 2 ** v;
      this.host.requestRender();
    }, (v) => `x${(2 ** v).toPrecision(2)}`);
    const stats = section(panel, 'Attributes');
    const table = element('table', 'stats');
    const head = element('tr');
    for (const h of ['name', 'min', 'max', 'mean']) head.append(element('th', undefined, h));
    table.append(head);
    for (const c of data.attributes) {
      const line = element('tr');
      line.append(
        element('td', undefined, `${c.name}${c.width > 1 ? `[${c.width}]` : ''}`),
        element('td', undefined, c.min.map(shortNumber).join(' ')),
        element('td', undefined, c.max.map(shortNumber).join(' ')),
        element('td', undefined, c.mean.map(shortNumber).join(' ')),
      );
      table.append(line);
    }
    stats.append(table);
  }

  dispose(): void {
    this.points?.geometry.dispose();
    this.material.dispose();
    this.stage.dispose();
    this.legend.remove();
  }
}
