/**
 * The image and EXR viewer: each planar channel is its own single-channel texture (half bits as
 * R16F, float as R32F, 8-bit codes as R8), fetched texel by texel (`texelFetch`: exact values, no
 * filtering) by one full-screen shader that maps canvas pixels to image pixels through the view
 * (pan/zoom, pixel aspect), applies exposure (stops), the display transform (sRGB, Rec.709, linear,
 * an ACES-like filmic curve) and gamma, the channel view (RGB, R, G, B, A, luminance), draws the
 * data and display window outlines, and splits A and B at the wipe.
 */
import {
  DataTexture,
  FloatType,
  HalfFloatType,
  Mesh,
  NearestFilter,
  OrthographicCamera,
  PlaneGeometry,
  RedFormat,
  Scene,
  ShaderMaterial,
  UnsignedByteType,
  Vector2,
  Vector4,
} from 'three';
import { halfToFloat } from '@vfxkit/core';
import { CHANNELS, DISPLAYS, type ProbeResult } from '../contract.js';
import type { DecodedImage, ImageChannel } from '../protocol.js';
import { layersOf, layerToShow, slotsFor } from '../shared/slots.js';
import { element, section, select, shortNumber, slider } from '../ui.js';
import { canvasSize, type Viewer, type ViewerHost } from './types.js';

const VERTEX = /* glsl */ `
void main() {
  gl_Position = vec4(position.xy, 0.0, 1.0);
}`;

const FRAGMENT = /* glsl */ `
precision highp float;
precision highp int;
uniform sampler2D uA0, uA1, uA2, uA3, uB0, uB1, uB2, uB3;
uniform vec4 uASub01, uASub23, uBSub01, uBSub23; // channel samplings (x, y) per slot
uniform vec4 uAHas, uBHas;
uniform int uAEnc, uBEnc;        // 0 scene-linear values, 1 sRGB-encoded 8-bit codes, 2 Y RY BY
uniform vec4 uADataWin, uBDataWin, uDispWin; // xMin yMin xMax yMax (pixels, inclusive)
uniform vec3 uView;              // offset x, offset y (CSS px of the display window's corner), scale
uniform float uAspect;           // pixel aspect ratio
uniform vec2 uCanvas;            // canvas size in CSS px
uniform float uDpr;
uniform float uExposure, uGamma;
uniform int uDisplay, uChannel;
uniform float uWipe;             // CSS x of the A/B split; < 0 without B
uniform int uOutline;

float srgbOetf(float x) { return x <= 0.0031308 ? 12.92 * x : 1.055 * pow(x, 1.0 / 2.4) - 0.055; }
float srgbEotf(float x) { return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4); }
float rec709Oetf(float x) { return x < 0.018 ? 4.5 * x : 1.099 * pow(x, 0.45) - 0.099; }
vec3 filmic(vec3 x) {
  // Narkowicz's fit of the ACES RRT+ODT (with the 0.6 exposure scale ACES applies).
  x *= 0.6;
  return clamp((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0.0, 1.0);
}

// OpenEXR's luminance/chroma: RY = (R - Y) / Y, BY = (B - Y) / Y, Rec.709 luminance weights.
vec3 fromYc(vec3 c) {
  float y = c.r;
  float r = (c.g + 1.0) * y;
  float b = (c.b + 1.0) * y;
  return vec3(r, (y - 0.2126 * r - 0.0722 * b) / 0.7152, b);
}

float fetch(sampler2D tex, vec2 sub, ivec2 p) {
  return texelFetch(tex, ivec2(p.x / int(sub.x), p.y / int(sub.y)), 0).r;
}

bool sampleImage(int which, vec2 pixel, out vec4 colour) {
  vec4 win = which == 0 ? uADataWin : uBDataWin;
  if (pixel.x < win.x || pixel.y < win.y || pixel.x >= win.z + 1.0 || pixel.y >= win.w + 1.0) return false;
  ivec2 p = ivec2(floor(pixel - win.xy));
  vec4 has = which == 0 ? uAHas : uBHas;
  vec4 c = vec4(0.0, 0.0, 0.0, 1.0);
  if (which == 0) {
    if (has.x > 0.5) c.r = fetch(uA0, uASub01.xy, p);
    if (has.y > 0.5) c.g = fetch(uA1, uASub01.zw, p);
    if (has.z > 0.5) c.b = fetch(uA2, uASub23.xy, p);
    if (has.w > 0.5) c.a = fetch(uA3, uASub23.zw, p);
    if (uAEnc == 1) c.rgb = vec3(srgbEotf(c.r), srgbEotf(c.g), srgbEotf(c.b));
    else if (uAEnc == 2) c.rgb = fromYc(c.rgb);
  } else {
    if (has.x > 0.5) c.r = fetch(uB0, uBSub01.xy, p);
    if (has.y > 0.5) c.g = fetch(uB1, uBSub01.zw, p);
    if (has.z > 0.5) c.b = fetch(uB2, uBSub23.xy, p);
    if (has.w > 0.5) c.a = fetch(uB3, uBSub23.zw, p);
    if (uBEnc == 1) c.rgb = vec3(srgbEotf(c.r), srgbEotf(c.g), srgbEotf(c.b));
    else if (uBEnc == 2) c.rgb = fromYc(c.rgb);
  }
  colour = c;
  return true;
}

vec3 display(vec4 c) {
  vec3 v = c.rgb;
  if (uChannel == 1) v = vec3(c.r);
  else if (uChannel == 2) v = vec3(c.g);
  else if (uChannel == 3) v = vec3(c.b);
  else if (uChannel == 4) v = vec3(c.a);
  else if (uChannel == 5) v = vec3(dot(c.rgb, vec3(0.2126, 0.7152, 0.0722)));
  if (uChannel != 4) v *= exp2(uExposure);
  if (uDisplay == 0) v = vec3(srgbOetf(clamp(v.r, 0.0, 1.0)), srgbOetf(clamp(v.g, 0.0, 1.0)), srgbOetf(clamp(v.b, 0.0, 1.0)));
  else if (uDisplay == 1) v = vec3(rec709Oetf(clamp(v.r, 0.0, 1.0)), rec709Oetf(clamp(v.g, 0.0, 1.0)), rec709Oetf(clamp(v.b, 0.0, 1.0)));
  else if (uDisplay == 2) v = clamp(v, 0.0, 1.0);
  else {
    v = filmic(max(v, vec3(0.0)));
    v = vec3(srgbOetf(v.r), srgbOetf(v.g), srgbOetf(v.b));
  }
  if (uGamma > 0.0 && uGamma != 1.0) v = pow(v, vec3(1.0 / uGamma));
  return v;
}

bool onEdge(vec2 css, vec4 win) {
  // The window's edges in CSS px: [xMin, xMax + 1) x [yMin, yMax + 1).
  vec2 lo = uView.xy + (win.xy - uDispWin.xy) * vec2(uView.z * uAspect, uView.z);
  vec2 hi = uView.xy + (win.zw + 1.0 - uDispWin.xy) * vec2(uView.z * uAspect, uView.z);
  bool inside = css.x >= lo.x - 1.0 && css.x <= hi.x + 1.0 && css.y >= lo.y - 1.0 && css.y <= hi.y + 1.0;
  bool deep = css.x > lo.x && css.x < hi.x && css.y > lo.y && css.y < hi.y;
  return inside && !deep;
}

void main() {
  vec2 css = vec2(gl_FragCoord.x / uDpr, uCanvas.y - gl_FragCoord.y / uDpr);
  vec2 pixel = uDispWin.xy + vec2((css.x - uView.x) / (uView.z * uAspect), (css.y - uView.y) / uView.z);
  bool inDisplay = pixel.x >= uDispWin.x && pixel.y >= uDispWin.y && pixel.x < uDispWin.z + 1.0 && pixel.y < uDispWin.w + 1.0;
  vec3 colour = inDisplay ? vec3(0.09) : vec3(0.055);
  int which = (uWipe >= 0.0 && css.x >= uWipe) ? 1 : 0;
  vec4 c;
  if (sampleImage(which, pixel, c)) colour = display(c);
  if (uOutline == 1) {
    if (onEdge(css, uDispWin)) colour = vec3(0.45, 0.45, 0.5);
    if (onEdge(css, which == 0 ? uADataWin : uBDataWin) && uADataWin != uDispWin) colour = vec3(0.95, 0.75, 0.2);
  }
  if (uWipe >= 0.0 && abs(css.x - uWipe) < 1.0) colour = vec3(1.0);
  gl_FragColor = vec4(colour, 1.0);
}`;

function channelValue(channel: ImageChannel, x: number, y: number): number {
  const index = Math.floor(y / channel.ySampling) * channel.width + Math.floor(x / channel.xSampling);
  const raw = channel.data[index];
  if (raw === undefined) return Number.NaN;
  if (channel.type === 'half') return halfToFloat(raw);
  if (channel.type === 'uint8') return raw / 255;
  return raw;
}

export class ImageViewer implements Viewer {
  private readonly scene = new Scene();
  private readonly camera = new OrthographicCamera(-1, 1, 1, -1, 0, 1);
  private readonly material: ShaderMaterial;
  private readonly dummy: DataTexture;
  private readonly textures = new WeakMap<ImageChannel, DataTexture>();
  private readonly owned = new Set<DataTexture>();
  /** Proxy textures (ImageChannel.proxy) of channels whose full texture is not uploaded yet. */
  private readonly proxies = new WeakMap<ImageChannel, DataTexture>();
  /** Channels with a proxy whose full texture has been uploaded (drawn at full resolution). */
  private readonly full = new WeakSet<ImageChannel>();
  /** Channels drawn from their proxy by the last render, waiting for scheduleUpgrade(). */
  private readonly pending = new Set<ImageChannel>();
  private upgradeTimer: number | undefined;
  private a: DecodedImage | undefined;
  private b: DecodedImage | undefined;
  /** View: CSS px offset of the display window's corner and CSS px per image pixel. */
  private view = { x: 0, y: 0, scale: 1 };
  private fitted = false;
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private dragging: 'pan' | 'wipe' | undefined;
  private readonly readout: HTMLElement;
  private readonly cleanup: (() => void)[] = [];
  private lastPointer: { x: number; y: number } | undefined;

  constructor(private readonly host: ViewerHost) {
    this.dummy = new DataTexture(new Float32Array([0]), 1, 1, RedFormat, FloatType);
    this.dummy.needsUpdate = true;
    const uniforms: Record<string, { value: unknown }> = {};
    for (const name of ['uA0', 'uA1', 'uA2', 'uA3', 'uB0', 'uB1', 'uB2', 'uB3']) uniforms[name] = { value: this.dummy };
    for (const name of ['uASub01', 'uASub23', 'uBSub01', 'uBSub23']) uniforms[name] = { value: new Vector4(1, 1, 1, 1) };
    for (const name of ['uAHas', 'uBHas', 'uADataWin', 'uBDataWin', 'uDispWin']) uniforms[name] = { value: new Vector4() };
    Object.assign(uniforms, {
      uAEnc: { value: 0 },
      uBEnc: { value: 0 },
      uView: { value: [0, 0, 1] },
      uAspect: { value: 1 },
      uCanvas: { value: new Vector2(1, 1) },
      uDpr: { value: 1 },
      uExposure: { value: 0 },
      uGamma: { value: 1 },
      uDisplay: { value: 0 },
      uChannel: { value: 0 },
      uWipe: { value: -1 },
      uOutline: { value: 1 },
    });
    this.material = new ShaderMaterial({ vertexShader: VERTEX, fragmentShader: FRAGMENT, uniforms, depthTest: false, depthWrite: false });
    const quad = new Mesh(new PlaneGeometry(2, 2), this.material);
    quad.frustumCulled = false;
    this.scene.add(quad);
    this.readout = element('div', 'probe-readout');
    host.overlay.append(this.readout);
    this.listen();
  }

  private listen(): void {
    const canvas = this.host.canvas;
    const on = <K extends keyof HTMLElementEventMap>(type: K, handler: (event: HTMLElementEventMap[K]) => void, options?: AddEventListenerOptions): void => {
      canvas.addEventListener(type, handler as EventListener, options);
      this.cleanup.push(() => canvas.removeEventListener(type, handler as EventListener));
    };
    on(
      'wheel',
      (event) => {
        event.preventDefault();
        const { x, y } = this.local(event);
        this.zoomAbout(x, y, Math.exp(-event.deltaY * (event.ctrlKey ? 0.01 : 0.0015)));
      },
      { passive: false },
    );
    on('pointerdown', (event) => {
      canvas.setPointerCapture(event.pointerId);
      const p = this.local(event);
      this.pointers.set(event.pointerId, p);
      const wipe = this.wipeX();
      this.dragging = wipe !== undefined && Math.abs(p.x - wipe) < 8 && this.pointers.size === 1 ? 'wipe' : 'pan';
    });
    on('pointermove', (event) => {
      const p = this.local(event);
      this.lastPointer = p;
      const previous = this.pointers.get(event.pointerId);
      if (previous !== undefined) {
        if (this.pointers.size >= 2) {
          // Two fingers: zoom by the change in their distance, pan by the move of their middle.
          const others = [...this.pointers.entries()].filter(([id]) => id !== event.pointerId).map(([, q]) => q);
          const other = others[0]!;
          const before = Math.hypot(previous.x - other.x, previous.y - other.y);
          const after = Math.hypot(p.x - other.x, p.y - other.y);
          const mid = { x: (p.x + other.x) / 2, y: (p.y + other.y) / 2 };
          this.view.x += (p.x - previous.x) / 2;
          this.view.y += (p.y - previous.y) / 2;
          if (before > 0) this.zoomAbout(mid.x, mid.y, after / before, false);
        } else if (this.dragging === 'wipe') {
          this.host.change({ wipe: Math.min(1, Math.max(0, p.x / canvasSize(this.host).width)) });
        } else {
          this.view.x += p.x - previous.x;
          this.view.y += p.y - previous.y;
        }
        this.pointers.set(event.pointerId, p);
        this.host.requestRender();
      }
      this.showProbe(p.x, p.y);
    });
    const end = (event: PointerEvent): void => {
      this.pointers.delete(event.pointerId);
      if (this.pointers.size === 0) this.dragging = undefined;
    };
    on('pointerup', end);
    on('pointercancel', end);
    on('dblclick', () => {
      this.fit();
      this.host.requestRender();
    });
    const keys = (event: KeyboardEvent): void => {
      if ((event.target as HTMLElement | null)?.tagName === 'INPUT') return;
      if (event.key === 'f') this.fit();
      else if (event.key === '1') this.zoomTo(1);
      else return;
      this.host.requestRender();
    };
    window.addEventListener('keydown', keys);
    this.cleanup.push(() => window.removeEventListener('keydown', keys));
  }

  private local(event: MouseEvent): { x: number; y: number } {
    const rect = this.host.canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  private zoomAbout(x: number, y: number, factor: number, render = true): void {
    const scale = Math.min(256, Math.max(1 / 256, this.view.scale * factor));
    const applied = scale / this.view.scale;
    this.view.x = x - (x - this.view.x) * applied;
    this.view.y = y - (y - this.view.y) * applied;
    this.view.scale = scale;
    if (render) this.host.requestRender();
  }

  private zoomTo(scale: number): void {
    const { width, height } = canvasSize(this.host);
    this.zoomAbout(width / 2, height / 2, scale / this.view.scale);
  }

  private aspect(): number {
    return this.a?.pixelAspectRatio && this.a.pixelAspectRatio > 0 ? this.a.pixelAspectRatio : 1;
  }

  /** Fits the display window in the canvas, centred. */
  fit(): void {
    const image = this.a;
    if (image === undefined) return;
    const { width, height } = canvasSize(this.host);
    const w = (image.displayWindow.xMax - image.displayWindow.xMin + 1) * this.aspect();
    const h = image.displayWindow.yMax - image.displayWindow.yMin + 1;
    const margin = this.host.snapshot ? 1 : 0.94;
    const scale = Math.min(width / w, height / h) * margin;
    this.view = { scale, x: (width - w * scale) / 2, y: (height - h * scale) / 2 };
    this.fitted = true;
  }

  /** Shows `a` (and `b` for the wipe). Keeps the view when the display window is unchanged. */
  show(a: DecodedImage, b: DecodedImage | undefined): void {
    const sameWindow = this.a !== undefined && JSON.stringify(this.a.displayWindow) === JSON.stringify(a.displayWindow);
    this.a = a;
    this.b = b;
    if (!sameWindow || !this.fitted) this.fit();
  }

  /** Compiles the shader now (before there is an image to show), so the first render does not wait for it. */
  warm(): void {
    this.host.renderer.compile(this.scene, this.camera);
  }

  get current(): DecodedImage | undefined {
    return this.a;
  }

  private texture(channel: ImageChannel): DataTexture {
    let texture = this.textures.get(channel);
    if (texture === undefined) {
      const type = channel.type === 'half' ? HalfFloatType : channel.type === 'float' ? FloatType : UnsignedByteType;
      texture = new DataTexture(channel.data, channel.width, channel.height, RedFormat, type);
      texture.minFilter = NearestFilter;
      texture.magFilter = NearestFilter;
      texture.generateMipmaps = false;
      texture.unpackAlignment = 1;
      texture.flipY = false;
      texture.needsUpdate = true;
      this.textures.set(channel, texture);
      this.owned.add(texture);
    }
    return texture;
  }

  private proxyTexture(channel: ImageChannel): DataTexture {
    let texture = this.proxies.get(channel);
    if (texture === undefined) {
      const proxy = channel.proxy!;
      // The worker's proxies are float32; the server's arrive as half floats and are uploaded as they are.
      const half = proxy.data instanceof Uint16Array;
      texture = new DataTexture(proxy.data, proxy.width, proxy.height, RedFormat, half ? HalfFloatType : FloatType);
      texture.minFilter = NearestFilter;
      texture.magFilter = NearestFilter;
      texture.generateMipmaps = false;
      texture.unpackAlignment = half ? 2 : 4;
      texture.flipY = false;
      texture.needsUpdate = true;
      this.proxies.set(channel, texture);
      this.owned.add(texture);
    }
    return texture;
  }

  /**
   * After a paint from proxies: uploads the full-resolution textures of the channels drawn from
   * proxies (one task, after the first image is on screen), draws again, and marks
   * `vfx:full-resolution`. Until then zooming in shows the proxies magnified; probe() reads the
   * decoded full-resolution values all along.
   */
  private scheduleUpgrade(): void {
    if (this.pending.size === 0 || this.upgradeTimer !== undefined) return;
    // For automation (the bench): the canvas shows proxies until the mark vfx:full-resolution.
    document.documentElement.dataset.vfxProxy = '1';
    this.upgradeTimer = window.setTimeout(() => {
      this.upgradeTimer = undefined;
      const renderer = this.host.renderer;
      const shown = new Set([...(this.a?.channels ?? []), ...(this.b?.channels ?? [])]);
      for (const channel of this.pending) {
        if (shown.has(channel)) renderer.initTexture(this.texture(channel));
        this.full.add(channel);
        delete channel.proxy; // its memory too (the decoded frame stays in the cache)
        const proxy = this.proxies.get(channel);
        if (proxy !== undefined) {
          proxy.dispose();
          this.owned.delete(proxy);
          this.proxies.delete(channel);
        }
      }
      this.pending.clear();
      this.render();
      if (this.host.measure) renderer.getContext().finish();
      performance.mark('vfx:full-resolution');
      document.documentElement.dataset.vfxProxy = '0';
    }, 0);
  }

  /**
   * The worker's decode `full` takes the place of the server's `preview` (app.ts): each of its
   * channels with a proxy in the preview takes that proxy and its texture (uploaded already), so
   * the next render draws them and the full-resolution textures follow (scheduleUpgrade). The
   * preview's other textures are freed. `full` undefined (the decode failed, or is no image) or of
   * other windows (the file changed): the preview is only freed.
   */
  replacePreview(preview: DecodedImage, full: DecodedImage | undefined): void {
    const same = full !== undefined && JSON.stringify([full.dataWindow, full.displayWindow]) === JSON.stringify([preview.dataWindow, preview.displayWindow]);
    let adopted = 0;
    for (const channel of preview.channels) {
      const texture = this.proxies.get(channel);
      const target = same ? full.channels.find((c) => c.name === channel.name && c.width === channel.width && c.height === channel.height) : undefined;
      if (texture !== undefined && target !== undefined && channel.proxy !== undefined && target.proxy === undefined) {
        target.proxy = channel.proxy;
        this.proxies.set(target, texture);
        adopted++;
      } else if (texture !== undefined) {
        texture.dispose();
        this.owned.delete(texture);
      }
      this.proxies.delete(channel);
    }
    if (adopted === 0) document.documentElement.dataset.vfxProxy = '0';
  }

  /** Frees the GPU textures of an image that left the cache. */
  release(image: DecodedImage): void {
    for (const channel of image.channels) {
      const proxy = this.proxies.get(channel);
      if (proxy !== undefined) {
        proxy.dispose();
        this.owned.delete(proxy);
        this.proxies.delete(channel);
      }
      this.pending.delete(channel);
      const texture = this.textures.get(channel);
      if (texture === undefined) continue;
      texture.dispose();
      this.owned.delete(texture);
      this.textures.delete(channel);
    }
  }

  private bind(prefix: 'A' | 'B', image: DecodedImage | undefined, layer: string): void {
    const u = this.material.uniforms;
    const assigned = image === undefined ? { channels: [undefined, undefined, undefined, undefined], yc: false } : slotsFor(image, layer);
    // Alpha is only drawn by the alpha channel view: otherwise it is not bound (nor uploaded).
    const showAlpha = this.host.options().channel === 'a';
    const slots = assigned.channels.map((channel, i) => (i === 3 && !showAlpha ? undefined : channel));
    const has = new Vector4();
    const sub01 = new Vector4(1, 1, 1, 1);
    const sub23 = new Vector4(1, 1, 1, 1);
    slots.forEach((channel, i) => {
      // A channel with a proxy is drawn from it until its full texture has been uploaded (after
      // the first paint, by scheduleUpgrade()); the shader samples the proxy as a subsampled channel.
      const proxy = channel?.proxy !== undefined && !this.full.has(channel) ? channel.proxy : undefined;
      // The server's preview (app.ts showPreview) has no pixels: only its proxies are drawn.
      const preview = image?.preview === true;
      if (proxy !== undefined && !preview) this.pending.add(channel!);
      u[`u${prefix}${i}`]!.value = channel === undefined || (preview && proxy === undefined) ? this.dummy : proxy !== undefined ? this.proxyTexture(channel!) : this.texture(channel!);
      has.setComponent(i, channel === undefined ? 0 : 1);
      const target = i < 2 ? sub01 : sub23;
      target.setComponent((i % 2) * 2, proxy?.factor ?? channel?.xSampling ?? 1);
      target.setComponent((i % 2) * 2 + 1, proxy?.factor ?? channel?.ySampling ?? 1);
    });
    u[`u${prefix}Has`]!.value = has;
    u[`u${prefix}Sub01`]!.value = sub01;
    u[`u${prefix}Sub23`]!.value = sub23;
    u[`u${prefix}Enc`]!.value = image?.encoding === 'srgb' ? 1 : assigned.yc ? 2 : 0;
    const w = image?.dataWindow ?? { xMin: 0, yMin: 0, xMax: -1, yMax: -1 };
    u[`u${prefix}DataWin`]!.value = new Vector4(w.xMin, w.yMin, w.xMax, w.yMax);
  }

  /** The layer to show in `image`: the option's when it exists there, else the first. */
  layerOf(image: DecodedImage): string {
    return layerToShow(image.channels, this.host.options().layer);
  }

  private wipeX(): number | undefined {
    if (this.b === undefined) return undefined;
    return this.host.options().wipe * canvasSize(this.host).width;
  }

  render(): void {
    const renderer = this.host.renderer;
    const options = this.host.options();
    const u = this.material.uniforms;
    const { width, height } = canvasSize(this.host);
    if (this.a !== undefined) {
      this.bind('A', this.a, this.layerOf(this.a));
      this.bind('B', this.b, this.b === undefined ? '' : this.layerOf(this.b));
      const d = this.a.displayWindow;
      u.uDispWin!.value = new Vector4(d.xMin, d.yMin, d.xMax, d.yMax);
    }
    u.uView!.value = [this.view.x, this.view.y, this.view.scale];
    u.uAspect!.value = this.aspect();
    u.uCanvas!.value = new Vector2(width, height);
    u.uDpr!.value = renderer.getPixelRatio();
    u.uExposure!.value = options.exposure;
    u.uGamma!.value = options.gamma;
    u.uDisplay!.value = Math.max(0, DISPLAYS.indexOf(options.display));
    u.uChannel!.value = Math.max(0, CHANNELS.indexOf(options.channel));
    u.uWipe!.value = this.wipeX() ?? -1;
    u.uOutline!.value = this.host.snapshot ? 0 : 1;
    if (this.host.measure) {
      const gl = renderer.getContext();
      performance.mark('vfx:upload-start');
      for (const name of ['uA0', 'uA1', 'uA2', 'uA3', 'uB0', 'uB1', 'uB2', 'uB3']) {
        renderer.initTexture(u[name]!.value as DataTexture); // uploads only what changed
      }
      gl.finish();
      performance.mark('vfx:upload-end');
      renderer.render(this.scene, this.camera);
      gl.finish();
      performance.mark('vfx:drawn');
    } else renderer.render(this.scene, this.camera);
    this.scheduleUpgrade();
    if (this.lastPointer !== undefined) this.showProbe(this.lastPointer.x, this.lastPointer.y);
  }

  probe(x: number, y: number): ProbeResult | null {
    const wipe = this.wipeX();
    const image = wipe !== undefined && x >= wipe ? this.b : this.a;
    if (image === undefined || this.a === undefined || image.preview === true) return null;
    const disp = this.a.displayWindow;
    const px = Math.floor(disp.xMin + (x - this.view.x) / (this.view.scale * this.aspect()));
    const py = Math.floor(disp.yMin + (y - this.view.y) / this.view.scale);
    const win = image.dataWindow;
    if (px < win.xMin || py < win.yMin || px > win.xMax || py > win.yMax) return null;
    const values: Record<string, number> = {};
    for (const channel of image.channels) values[channel.name] = channelValue(channel, px - win.xMin, py - win.yMin);
    return { pixel: [px, py], values };
  }

  private showProbe(x: number, y: number): void {
    const found = this.probe(x, y);
    if (found === null) {
      this.readout.textContent = '';
      return;
    }
    const layer = this.a === undefined ? '' : this.layerOf(this.a);
    const entries = Object.entries(found.values);
    const shown = entries.length > 8 ? entries.filter(([name]) => (name.lastIndexOf('.') < 0 ? '' : name.slice(0, name.lastIndexOf('.'))) === layer) : entries;
    this.readout.textContent = `${found.pixel[0]}, ${found.pixel[1]}   ${shown.map(([k, v]) => `${k} ${shortNumber(v)}`).join('  ')}`;
  }

  project(): [number, number] | null {
    return null;
  }

  buildPanel(panel: HTMLElement): void {
    const options = this.host.options();
    const image = this.a;
    const view = section(panel, 'View');
    slider(view, 'Exposure', { min: -10, max: 10, step: 0.1 }, options.exposure, (v) => this.host.change({ exposure: v }), (v) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`);
    slider(view, 'Gamma', { min: 0.2, max: 4, step: 0.05 }, options.gamma, (v) => this.host.change({ gamma: v }));
    select(view, 'Display', [['srgb', 'sRGB'], ['rec709', 'Rec.709'], ['linear', 'Linear (raw)'], ['filmic', 'Filmic (ACES-like)']], options.display, (v) => this.host.change({ display: v as typeof options.display }));
    select(view, 'Channel', [['rgb', 'RGB'], ['r', 'Red'], ['g', 'Green'], ['b', 'Blue'], ['a', 'Alpha'], ['luminance', 'Luminance']], options.channel, (v) =>
      this.host.change({ channel: v as typeof options.channel }),
    );
    if (image !== undefined) {
      const layers = layersOf(image.channels);
      if (layers.length > 1) select(view, 'Layer', layers.map((l) => [l, l === '' ? '(default) RGBA' : l] as [string, string]), this.layerOf(image), (v) => this.host.change({ layer: v }));
      if (image.parts.length > 1) {
        select(
          view,
          'Part',
          image.parts.map((p) => [String(p.index), `${p.index}: ${p.name ?? '(unnamed)'}${p.type.startsWith('deep') ? ' (deep)' : ''}`] as [string, string]),
          String(image.part),
          (v) => this.host.change({ part: Number(v) }),
        );
      }
    }
    const zoom = element('div', 'button-row');
    view.append(zoom);
    const fit = element('button', undefined, 'Fit');
    fit.addEventListener('click', () => {
      this.fit();
      this.host.requestRender();
    });
    const one = element('button', undefined, '1:1');
    one.addEventListener('click', () => this.zoomTo(1));
    zoom.append(fit, one);
    if (this.b !== undefined) {
      slider(view, 'Wipe', { min: 0, max: 1, step: 0.01 }, options.wipe, (v) => this.host.change({ wipe: v }));
    }
  }

  dispose(): void {
    if (this.upgradeTimer !== undefined) clearTimeout(this.upgradeTimer);
    this.upgradeTimer = undefined;
    this.pending.clear();
    for (const stop of this.cleanup) stop();
    for (const texture of this.owned) texture.dispose();
    this.owned.clear();
    this.dummy.dispose();
    this.material.dispose();
    this.readout.remove();
  }
}
