/**
 * The viewer app: loads the session, picks the viewer for what the decode worker returns, holds
 * the options (query parameters and `set`), the frame cache and flipbook playback, the chrome (top
 * bar, side panel, timeline) and `window.vfxView`, the automation API tests and snapshots use.
 */
import { NoToneMapping, SRGBColorSpace, WebGLRenderer } from 'three';
import { groupFileNames } from '@vfxkit/core';
import { kindFromName } from './contract.js';
import type { ItemKind, ProbeResult, Session, SessionFrame, SessionItem, ViewInfo, ViewOptions, ViewStatus, VfxViewApi } from './contract.js';
import { type Decoder, failureMessage } from './decoder.js';
import { cacheKey, decodeRequest, entryFor, optionsFrom, type FirstView } from './session.js';
import type { Decoded, DecodedAlembic, DecodedImage } from './protocol.js';
import { element, facts, formatValue, section, select } from './ui.js';
import { AlembicViewer } from './viewers/alembic.js';
import { ImageViewer } from './viewers/image.js';
import { ParticlesViewer } from './viewers/particles.js';
import type { Viewer, ViewerHost } from './viewers/types.js';
import { VolumeViewer } from './viewers/volume.js';

/** Decoded frames kept for playback: most recently used last, bounded by bytes. */
class FrameCache {
  private readonly entries = new Map<string, { value: Decoded; bytes: number }>();
  private readonly pending = new Map<string, Promise<Decoded>>();
  private total = 0;

  constructor(
    private readonly budget: number,
    private readonly evicted: (value: Decoded) => void,
  ) {}

  static bytesOf(value: Decoded): number {
    if (value.kind === 'image') return value.channels.reduce((sum, c) => sum + c.data.byteLength, 0);
    if (value.kind === 'particles') return value.attributes.reduce((sum, c) => sum + c.data.byteLength, 0);
    if (value.kind === 'volume') return value.data.byteLength;
    return 0;
  }

  get(key: string): Decoded | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  load(key: string, make: () => Promise<Decoded>, keep: ReadonlySet<string>): Promise<Decoded> {
    const found = this.get(key);
    if (found !== undefined) return Promise.resolve(found);
    let waiting = this.pending.get(key);
    if (waiting === undefined) {
      waiting = make().then(
        (value) => {
          this.pending.delete(key);
          if (value.kind !== 'alembic') {
            const bytes = FrameCache.bytesOf(value);
            this.entries.set(key, { value, bytes });
            this.total += bytes;
            this.trim(keep);
          }
          return value;
        },
        (error: unknown) => {
          this.pending.delete(key);
          throw error;
        },
      );
      this.pending.set(key, waiting);
    }
    return waiting;
  }

  private trim(keep: ReadonlySet<string>): void {
    for (const [key, entry] of this.entries) {
      if (this.total <= this.budget) break;
      if (keep.has(key)) continue;
      this.entries.delete(key);
      this.total -= entry.bytes;
      this.evicted(entry.value);
    }
  }

  count(prefix: string): number {
    let n = 0;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) n++;
    return n;
  }

  isPending(key: string): boolean {
    return this.pending.has(key);
  }

  clear(): void {
    for (const entry of this.entries.values()) this.evicted(entry.value);
    this.entries.clear();
    this.total = 0;
  }
}

type ViewerKind = 'image' | 'particles' | 'volume' | 'alembic';

export class App implements ViewerHost {
  readonly renderer: WebGLRenderer;
  readonly canvas: HTMLCanvasElement;
  readonly overlay: HTMLElement;
  readonly snapshot: boolean;
  readonly measure: boolean;
  /** The first view's decode, started by main.ts before this code loaded. */
  private preloaded: Promise<FirstView | undefined>;
  private readonly cache: FrameCache;
  private session: Session = { version: 1, items: [], options: {} };
  private current: ViewOptions;
  private status: ViewStatus = 'loading';
  private error: string | null = null;
  private viewer: Viewer | undefined;
  private viewerKind: ViewerKind | undefined;
  private decodedKind: ItemKind = 'unknown';
  private frames: (number | null)[] = [];
  private frameIndex = 0;
  private summary: Record<string, unknown> = {};
  private loadedKey = '';
  private alembic: { itemId: string; doc: DecodedAlembic } | undefined;
  private tail: Promise<ViewInfo>;
  private renderQueued = false;
  private framesShown = 0;
  private playing: { fps: number; timer: number; next: number } | undefined;
  private fps = 24;
  private loop = true;
  private readonly droppedFiles = new Map<string, File>();
  private infoFacts: HTMLElement | undefined;
  private readonly dom: {
    name: HTMLElement;
    read: HTMLElement;
    status: HTMLElement;
    items: HTMLElement;
    panel: HTMLElement;
    message: HTMLElement;
    timeline: HTMLElement;
    frameLabel: HTMLElement;
    scrub: HTMLInputElement;
    playButton: HTMLButtonElement;
    cached: HTMLElement;
    fpsInput: HTMLInputElement;
  };

  /**
   * `session` is the `api/session` document (main.ts asks for it first thing); `preloaded`, the
   * decode of the first view's file that main.ts started meanwhile, with its cache key.
   */
  constructor(
    root: HTMLElement,
    query: URLSearchParams,
    session: Promise<unknown>,
    private readonly decoder: Decoder,
    preloaded: Promise<FirstView | undefined> = Promise.resolve(undefined),
  ) {
    this.preloaded = preloaded;
    this.snapshot = query.get('snapshot') === '1';
    this.measure = query.get('measure') === '1';
    this.current = optionsFrom(undefined, query);
    document.body.classList.toggle('snapshot', this.snapshot);
    root.replaceChildren();
    const top = element('header', 'topbar');
    const name = element('div', 'file-name', 'vfx view');
    const read = element('div', 'file-read');
    const items = element('div', 'item-pickers');
    const status = element('div', 'status');
    top.append(name, read, items, status);
    const middle = element('div', 'middle');
    const viewport = element('div', 'viewport');
    this.canvas = element('canvas');
    this.canvas.id = 'vfx-canvas';
    this.overlay = element('div', 'overlay');
    const message = element('div', 'message');
    viewport.append(this.canvas, this.overlay, message);
    const panel = element('aside', 'panel');
    middle.append(viewport, panel);
    const timeline = element('footer', 'timeline');
    root.append(top, middle, timeline);

    const transport = element('div', 'transport');
    const button = (text: string, title: string, action: () => void): HTMLButtonElement => {
      const b = element('button', undefined, text);
      b.title = title;
      b.addEventListener('click', action);
      transport.append(b);
      return b;
    };
    button('«', 'First frame (Home)', () => void this.set({ frame: this.frameAt(0) }));
    button('‹', 'Previous frame (Left)', () => this.step(-1));
    const playButton = button('▶', 'Play / pause (Space)', () => (this.playing ? this.pause() : this.play()));
    button('›', 'Next frame (Right)', () => this.step(1));
    button('»', 'Last frame (End)', () => void this.set({ frame: this.frameAt(this.frames.length - 1) }));
    const scrub = element('input', 'scrub');
    scrub.type = 'range';
    scrub.min = '0';
    scrub.step = '1';
    scrub.addEventListener('input', () => {
      this.pause();
      void this.set({ frame: this.frameAt(Number(scrub.value)) });
    });
    const frameLabel = element('div', 'frame-label');
    const fpsInput = element('input', 'fps');
    fpsInput.type = 'number';
    fpsInput.min = '1';
    fpsInput.max = '240';
    fpsInput.value = String(this.fps);
    fpsInput.title = 'Frames per second';
    fpsInput.addEventListener('change', () => {
      const fps = Number(fpsInput.value);
      if (fps > 0) {
        this.fps = fps;
        if (this.playing !== undefined) this.play(fps);
      }
    });
    const loopBox = element('label', 'loop');
    const loopInput = element('input');
    loopInput.type = 'checkbox';
    loopInput.checked = this.loop;
    loopInput.addEventListener('change', () => (this.loop = loopInput.checked));
    loopBox.append(loopInput, document.createTextNode(' loop'));
    const fpsLabel = element('label', 'fps-label', 'fps ');
    fpsLabel.append(fpsInput);
    const cached = element('div', 'cached');
    timeline.append(transport, frameLabel, scrub, fpsLabel, loopBox, cached);
    this.dom = { name, read, status, items, panel, message, timeline, frameLabel, scrub, playButton, cached, fpsInput };

    this.renderer = new WebGLRenderer({ canvas: this.canvas, preserveDrawingBuffer: true, antialias: false, alpha: false });
    this.renderer.setPixelRatio(window.devicePixelRatio || 1);
    this.renderer.outputColorSpace = SRGBColorSpace;
    this.renderer.toneMapping = NoToneMapping;
    this.renderer.setClearColor(0x16171a, 1);
    this.cache = new FrameCache(1.5 * 2 ** 30, (value) => {
      if (value.kind === 'image' && this.viewer instanceof ImageViewer) this.viewer.release(value);
    });
    new ResizeObserver(() => {
      this.resize();
      this.requestRender();
    }).observe(viewport);
    this.resize();
    this.listen(viewport);
    this.setStatus('loading');
    this.tail = this.start(session);
  }

  // ViewerHost
  options(): ViewOptions {
    return this.current;
  }

  requestRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.renderNow();
    });
  }

  change(options: Partial<ViewOptions>): void {
    void this.set(options, true);
  }

  private resize(): void {
    const rect = this.canvas.getBoundingClientRect();
    const width = Math.max(1, Math.round(rect.width));
    const height = Math.max(1, Math.round(rect.height));
    const pixels = this.renderer.getPixelRatio();
    if (this.canvas.width !== Math.round(width * pixels) || this.canvas.height !== Math.round(height * pixels)) this.renderer.setSize(width, height, false);
  }

  private renderNow(): void {
    this.resize();
    if (this.viewer !== undefined) this.viewer.render();
    else this.renderer.clear();
  }

  private listen(viewport: HTMLElement): void {
    const stop = (event: DragEvent): void => {
      event.preventDefault();
      event.stopPropagation();
    };
    document.addEventListener('dragover', (event) => {
      stop(event);
      viewport.classList.add('drop-target');
    });
    document.addEventListener('dragleave', () => viewport.classList.remove('drop-target'));
    document.addEventListener('drop', (event) => {
      stop(event);
      viewport.classList.remove('drop-target');
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length > 0) void this.openFiles(files);
    });
    // Leaving the page frees the workers and the GPU memory at once, not when it is collected
    // (a 10M-point scene or a 256^3 volume otherwise slows down the next page).
    window.addEventListener('pagehide', () => {
      this.pause();
      this.decoder.terminate();
      this.viewer?.dispose();
      this.renderer.dispose();
      this.renderer.forceContextLoss();
    });
    window.addEventListener('keydown', (event) => {
      if ((event.target as HTMLElement | null)?.tagName === 'INPUT' || (event.target as HTMLElement | null)?.tagName === 'SELECT') return;
      if (event.key === ' ') {
        event.preventDefault();
        if (this.playing) this.pause();
        else this.play();
      } else if (event.key === 'ArrowRight') this.step(1);
      else if (event.key === 'ArrowLeft') this.step(-1);
      else if (event.key === 'Home') void this.set({ frame: this.frameAt(0) });
      else if (event.key === 'End') void this.set({ frame: this.frameAt(this.frames.length - 1) });
    });
  }

  private async start(sessionRequest: Promise<unknown>): Promise<ViewInfo> {
    try {
      const session = (await sessionRequest) as Session;
      performance.mark('vfx:session');
      if (session === null || typeof session !== 'object' || !Array.isArray(session.items)) throw new Error('api/session is not a vfx view session');
      this.session = session;
      this.current = optionsFrom(session, new URLSearchParams(location.search));
    } catch (error) {
      this.fail(`Cannot load the session: ${error instanceof Error ? error.message : String(error)}. Drop files here to view them.`);
      this.renderNow();
      return this.info();
    }
    // While the first file decodes, have the image viewer's shader compiled (slow on SwiftShader).
    const first = this.item();
    if (first !== undefined && (first.kind === 'exr' || first.kind === 'image')) {
      (this.ensureViewer('image') as ImageViewer).warm();
      performance.mark('vfx:warmed');
    }
    return this.load();
  }

  /** Runs view operations one after another; `whenReady` waits for the last. */
  private enqueue(operation: () => Promise<ViewInfo>): Promise<ViewInfo> {
    const next = this.tail.then(operation, operation);
    this.tail = next.catch(() => this.info());
    return next;
  }

  private setStatus(status: ViewStatus): void {
    this.status = status;
    document.documentElement.dataset.vfxStatus = status;
    this.dom.status.textContent = status === 'loading' ? 'loading…' : status === 'error' ? 'error' : '';
    this.dom.status.className = `status ${status}`;
  }

  private fail(message: string): void {
    this.error = message;
    this.dom.message.textContent = message;
    this.dom.message.classList.add('visible', 'error');
    this.setStatus('error');
  }

  private clearMessage(): void {
    this.error = null;
    this.dom.message.textContent = '';
    this.dom.message.classList.remove('visible', 'error');
  }

  private item(): SessionItem | undefined {
    return this.session.items[this.current.item];
  }

  private frameAt(index: number): number | null {
    return this.frames[Math.max(0, Math.min(this.frames.length - 1, index))] ?? null;
  }

  private resolveUrl(url: string): string | Blob {
    return this.droppedFiles.get(url) ?? new URL(url, document.baseURI).href;
  }

  /** The part and grid asked for: the options' for the item shown, the first for a compare item. */
  private selection(item: SessionItem): { part: number; grid: string } {
    return item === this.item() ? { part: this.current.part, grid: this.current.grid } : { part: 0, grid: '' };
  }

  private cacheKey(item: SessionItem, frame: SessionFrame): string {
    const { part, grid } = this.selection(item);
    return cacheKey(item, frame, part, grid);
  }

  private entryFor(item: SessionItem, frame: number | null): SessionFrame | undefined {
    return entryFor(item, frame);
  }

  /** The decode main.ts started for `key` before the app loaded (once), if that is the one. */
  private async takePreloaded(key: string): Promise<{ promise: Promise<Decoded> } | undefined> {
    const preloaded = await this.preloaded;
    if (preloaded === undefined || preloaded.key !== key) return undefined;
    this.preloaded = Promise.resolve(undefined);
    return { promise: preloaded.full() };
  }

  /**
   * Draws the server's first paint of `entry` (main.ts asked for it: server-proxy.ts) when it is
   * the first view's, before the worker's decode is asked for; the preview drawn, or undefined.
   * Status stays 'loading' (whenReady waits for the worker's decode, as probe() needs its pixels).
   */
  private async showPreview(item: SessionItem, entry: SessionFrame): Promise<DecodedImage | undefined> {
    const preloaded = await this.preloaded;
    if (preloaded?.preview === undefined || preloaded.key !== this.cacheKey(item, entry) || this.current.compare !== null) return undefined;
    const preview = await preloaded.preview;
    delete preloaded.preview;
    if (preview === undefined) return undefined;
    try {
      const viewer = this.ensureViewer('image') as ImageViewer;
      viewer.show(preview, undefined);
      this.decodedKind = 'exr';
      this.summary = { ...preview.summary, file: entry.name, size: entry.size, ...this.sequenceSummary() };
      this.renderNow();
      document.documentElement.dataset.vfxProxy = '1';
      this.updateChrome(true);
      performance.mark('vfx:first-image');
      return preview;
    } catch {
      return undefined;
    }
  }

  private sequenceSummary(): Record<string, unknown> {
    const frame = this.frames[this.frameIndex] ?? null;
    const sequence = this.frames.length > 1 ? { frameRange: `${this.frames[0]}-${this.frames[this.frames.length - 1]} (${this.frames.length} frames)` } : {};
    return { ...sequence, ...(frame !== null ? { frame } : {}) };
  }

  private async decodeEntry(item: SessionItem, entry: SessionFrame): Promise<Decoded> {
    const key = this.cacheKey(item, entry);
    const preloaded = await this.takePreloaded(key);
    const { part, grid } = this.selection(item);
    return this.cache.load(key, () => preloaded?.promise ?? this.decoder.decode(decodeRequest(item, entry, this.resolveUrl(entry.url), part, grid)), new Set([key]));
  }

  private ensureViewer(kind: ViewerKind): Viewer {
    if (this.viewer !== undefined && this.viewerKind === kind) return this.viewer;
    this.viewer?.dispose();
    this.cache.clear();
    if (this.alembic !== undefined && kind !== 'alembic') {
      this.decoder.closeAlembic(this.alembic.doc);
      this.alembic = undefined;
    }
    this.viewerKind = kind;
    this.viewer = kind === 'image' ? new ImageViewer(this) : kind === 'particles' ? new ParticlesViewer(this) : kind === 'volume' ? new VolumeViewer(this) : new AlembicViewer(this);
    return this.viewer;
  }

  /** Opens the current item (and compare item) at the current frame. */
  private async load(): Promise<ViewInfo> {
    this.pause();
    this.setStatus('loading');
    const item = this.item();
    if (item === undefined) {
      if (this.session.items.length === 0) {
        this.clearMessage();
        this.dom.message.textContent = 'Nothing to show yet: drop image, EXR, particle, VDB or Alembic files here.';
        this.dom.message.classList.add('visible');
        this.setStatus('ready');
      } else this.fail(`There is no item ${this.current.item}: the session has ${this.session.items.length}.`);
      this.renderNow();
      this.updateChrome(true);
      return this.info();
    }
    this.clearMessage();
    this.dom.name.textContent = item.name;
    try {
      if (item.kind === 'alembic' || this.alembic?.itemId === item.id) await this.loadAlembic(item);
      else {
        this.frames = item.sequence ? item.frames.map((f) => f.frame) : [];
        const wanted = this.current.frame;
        const index = wanted === null ? 0 : this.frames.indexOf(wanted);
        this.frameIndex = Math.max(0, index < 0 ? this.nearestIndex(wanted) : index);
        await this.showFrame(this.frameIndex);
      }
      this.setStatus('ready');
    } catch (error) {
      const entry = this.entryFor(item, this.current.frame);
      this.summary = entry === undefined ? {} : { file: entry.name, size: entry.size };
      this.decodedKind = 'unknown';
      this.viewer?.dispose();
      this.viewer = undefined;
      this.viewerKind = undefined;
      this.fail(`Cannot read ${this.entryFor(item, this.current.frame)?.name ?? item.name}: ${failureMessage(error)}`);
    }
    this.renderNow();
    performance.mark('vfx:rendered');
    this.updateChrome(true);
    performance.mark('vfx:chrome');
    return this.info();
  }

  private nearestIndex(frame: number | null): number {
    if (frame === null || this.frames.length === 0) return 0;
    let best = 0;
    this.frames.forEach((f, i) => {
      if (f !== null && Math.abs(f - frame) < Math.abs((this.frames[best] ?? 0) - frame)) best = i;
    });
    return best;
  }

  private async loadAlembic(item: SessionItem): Promise<void> {
    if (this.alembic?.itemId === item.id) {
      await this.adoptAlembic(item, this.alembic.doc);
      return;
    }
    const entry = item.frames[0];
    if (entry === undefined) throw new Error('the item has no file');
    const { part, grid } = this.selection(item);
    const preloaded = await this.takePreloaded(this.cacheKey(item, entry));
    const decoded = await (preloaded?.promise ?? this.decoder.decode(decodeRequest(item, entry, this.resolveUrl(entry.url), part, grid)));
    if (decoded.kind === 'alembic') await this.adoptAlembic(item, decoded);
    else {
      // Not an Alembic archive after all: show what it is.
      this.frames = [];
      this.frameIndex = 0;
      this.present(decoded, undefined, entry);
    }
  }

  /** Shows an open Alembic archive at the current frame option. */
  private async adoptAlembic(item: SessionItem, doc: DecodedAlembic): Promise<void> {
    if (this.alembic?.doc !== doc) {
      if (this.alembic !== undefined) this.decoder.closeAlembic(this.alembic.doc);
      this.viewer?.dispose();
      this.cache.clear();
      const viewer = new AlembicViewer(this);
      viewer.open(doc);
      this.viewer = viewer;
      this.viewerKind = 'alembic';
      this.alembic = { itemId: item.id, doc };
      this.fps = doc.fps;
      this.dom.fpsInput.value = String(+doc.fps.toFixed(3));
    }
    this.decodedKind = 'alembic';
    this.frames = AlembicViewer.frames(doc);
    const wanted = this.current.frame;
    const index = wanted === null ? 0 : this.frames.indexOf(wanted);
    this.frameIndex = index < 0 ? this.nearestIndex(wanted) : index;
    await this.showAlembicFrame(doc);
    (this.viewer as AlembicViewer).applyCamera();
  }

  private async showAlembicFrame(doc: DecodedAlembic): Promise<void> {
    const frame = this.frames[this.frameIndex] ?? 0;
    const state = await this.decoder.alembicFrame(doc, frame / doc.fps);
    const viewer = this.viewer as AlembicViewer;
    viewer.apply(state);
    this.framesShown++;
    this.summary = { ...doc.summary, frame, time: +(frame / doc.fps).toFixed(5), frameRange: `${this.frames[0]}-${this.frames[this.frames.length - 1]} (${this.frames.length} frames)` };
  }

  /** Decodes (or takes from the cache) frame `index` of the current item and shows it. */
  private async showFrame(index: number): Promise<void> {
    const item = this.item();
    if (item === undefined) return;
    this.frameIndex = index;
    if (this.alembic !== undefined && this.alembic.itemId === item.id) {
      await this.showAlembicFrame(this.alembic.doc);
      return;
    }
    const frame = this.frames[index] ?? null;
    const entry = this.entryFor(item, frame);
    if (entry === undefined) throw new Error('the item has no file');
    const preview = await this.showPreview(item, entry);
    let decoded: Decoded;
    try {
      decoded = await this.decodeEntry(item, entry);
    } catch (error) {
      if (preview !== undefined && this.viewer instanceof ImageViewer) this.viewer.replacePreview(preview, undefined);
      throw error;
    }
    // The worker's pixels replace the preview; its proxies (already on the GPU) are drawn until
    // the full-resolution textures follow, as for the worker's own proxies.
    if (preview !== undefined && this.viewer instanceof ImageViewer) this.viewer.replacePreview(preview, decoded.kind === 'image' ? decoded : undefined);
    if (decoded.kind === 'alembic') {
      await this.adoptAlembic(item, decoded);
      return;
    }
    let compare: Decoded | undefined;
    const compareItem = this.current.compare === null ? undefined : this.session.items[this.current.compare];
    if (compareItem !== undefined && decoded.kind === 'image') {
      const compareEntry = this.entryFor(compareItem, frame);
      if (compareEntry !== undefined) compare = await this.decodeEntry(compareItem, compareEntry);
    }
    performance.mark('vfx:decoded');
    this.present(decoded, compare?.kind === 'image' ? compare : undefined, entry);
    performance.mark('vfx:presented');
    this.prefetch(item);
  }

  private present(decoded: Decoded, compare: DecodedImage | undefined, entry?: SessionFrame): void {
    const frame = this.frames[this.frameIndex] ?? null;
    const sequence = this.frames.length > 1 ? { frameRange: `${this.frames[0]}-${this.frames[this.frames.length - 1]} (${this.frames.length} frames)` } : {};
    const file = entry === undefined ? {} : { file: entry.name, size: entry.size };
    switch (decoded.kind) {
      case 'image': {
        const limit = this.renderer.capabilities.maxTextureSize;
        if (decoded.channels.some((c) => c.width > limit || c.height > limit)) {
          throw new Error(`the image is ${decoded.width}x${decoded.height}; this GPU shows at most ${limit}x${limit} (view a region or a resized copy: vfx img resize)`);
        }
        const viewer = this.ensureViewer('image') as ImageViewer;
        viewer.show(decoded, compare);
        this.decodedKind = decoded.format === 'exr' ? 'exr' : 'image';
        this.summary = { ...decoded.summary, ...file, ...sequence, ...(frame !== null ? { frame } : {}), ...(compare !== undefined ? { compare: this.session.items[this.current.compare ?? -1]?.name } : {}) };
        break;
      }
      case 'particles': {
        const viewer = this.ensureViewer('particles') as ParticlesViewer;
        viewer.show(decoded);
        this.decodedKind = 'particles';
        this.summary = { ...decoded.summary, ...file, ...sequence, ...(frame !== null ? { frame } : {}) };
        break;
      }
      case 'volume': {
        const viewer = this.ensureViewer('volume') as VolumeViewer;
        viewer.show(decoded);
        this.decodedKind = 'volume';
        this.summary = { ...decoded.summary, ...file, ...sequence, ...(frame !== null ? { frame } : {}) };
        break;
      }
      case 'alembic':
        throw new Error('an Alembic archive is opened by adoptAlembic');
    }
    this.framesShown++;
  }

  /** Decodes the next few frames of a sequence while one is shown (the flipbook's read-ahead). */
  private prefetch(item: SessionItem): void {
    if (this.frames.length < 2) return;
    const ahead = this.playing !== undefined ? 6 : 2;
    for (let k = 1; k <= ahead; k++) {
      const index = (this.frameIndex + k) % this.frames.length;
      const entry = this.entryFor(item, this.frames[index] ?? null);
      if (entry === undefined) continue;
      const key = this.cacheKey(item, entry);
      if (!this.cache.has(key) && !this.cache.isPending(key)) void this.decodeEntry(item, entry).catch(() => undefined);
    }
  }

  private updateChrome(rebuildPanel: boolean): void {
    const item = this.item();
    const frame = this.frames[this.frameIndex] ?? null;
    this.dom.name.textContent = item === undefined ? 'vfx view' : item.sequence && frame !== null ? `${item.name}  ·  ${frame}` : item.name;
    this.dom.read.textContent = this.status === 'error' ? '' : this.readLine();
    document.title = item === undefined ? 'vfx view' : `${item.name} — vfx view`;
    // Timeline.
    const hasTimeline = this.frames.length > 1;
    this.dom.timeline.classList.toggle('hidden', !hasTimeline);
    if (hasTimeline) {
      this.dom.scrub.max = String(this.frames.length - 1);
      this.dom.scrub.value = String(this.frameIndex);
      this.dom.frameLabel.textContent = `${frame ?? ''}`;
      this.dom.frameLabel.title = `${this.frames[0]}-${this.frames[this.frames.length - 1]}`;
      const cached = item === undefined || this.viewerKind === 'alembic' ? undefined : this.cache.count(`${item.id}|`);
      this.dom.cached.textContent = cached === undefined ? `${this.frameIndex + 1}/${this.frames.length}` : `${this.frameIndex + 1}/${this.frames.length} · ${cached} cached`;
    }
    this.dom.playButton.textContent = this.playing ? '||' : '▶';
    if (!rebuildPanel) {
      // A new frame: only what was read changes.
      if (this.infoFacts !== undefined) {
        this.infoFacts.replaceChildren();
        facts(this.infoFacts, this.summary);
      }
      return;
    }
    // Item pickers (several files, or A/B compare).
    this.dom.items.replaceChildren();
    if (this.session.items.length > 1) {
      const choices = this.session.items.map((it, i) => [String(i), it.name] as [string, string]);
      const a = element('label', 'picker');
      a.append(element('span', undefined, 'A'));
      const pickA = element('select');
      for (const [value, text] of choices) pickA.append(Object.assign(element('option', undefined, text), { value }));
      pickA.value = String(this.current.item);
      pickA.addEventListener('change', () => void this.set({ item: Number(pickA.value) }));
      a.append(pickA);
      this.dom.items.append(a);
      if (this.viewerKind === 'image') {
        const b = element('label', 'picker');
        b.append(element('span', undefined, 'B'));
        const pickB = element('select');
        pickB.append(Object.assign(element('option', undefined, '(no wipe)'), { value: '' }));
        for (const [value, text] of choices) pickB.append(Object.assign(element('option', undefined, text), { value }));
        pickB.value = this.current.compare === null ? '' : String(this.current.compare);
        pickB.addEventListener('change', () => void this.set({ compare: pickB.value === '' ? null : Number(pickB.value) }));
        b.append(pickB);
        this.dom.items.append(b);
      }
    }
    // Side panel: the viewer's controls, then what was read.
    const panel = this.dom.panel;
    panel.replaceChildren();
    this.viewer?.buildPanel(panel);
    const info = section(panel, 'Info');
    this.infoFacts = element('div');
    info.append(this.infoFacts);
    facts(this.infoFacts, this.summary);
    if (this.session.items.length > 1 && this.viewerKind !== 'image') {
      const files = section(panel, 'Files');
      select(files, 'Item', this.session.items.map((it, i) => [String(i), it.name] as [string, string]), String(this.current.item), (v) => void this.set({ item: Number(v) }));
    }
  }

  private readLine(): string {
    const s = this.summary;
    const parts: string[] = [];
    const add = (value: unknown, suffix = ''): void => {
      if (value !== undefined && value !== null && value !== '') parts.push(`${formatValue(value).replace(/\n/g, ', ')}${suffix}`);
    };
    if (this.decodedKind === 'exr' || this.decodedKind === 'image') {
      add(s.format);
      add(s.resolution);
      if (Array.isArray(s.channels)) parts.push(`${s.channels.length} channel${s.channels.length === 1 ? '' : 's'} (${s.channels.slice(0, 8).join(', ')}${s.channels.length > 8 ? ', …' : ''})`);
      add(s.pixelTypes);
      add(s.compression);
      if (typeof s.parts === 'number' && s.parts > 1) parts.push(`part ${String(s.part)} of ${s.parts}`);
    } else if (this.decodedKind === 'particles') {
      add(s.format);
      add(s.count, ' points');
      if (Array.isArray(s.attributes)) parts.push(s.attributes.join(' '));
    } else if (this.decodedKind === 'volume') {
      add(s.grid);
      add(s.valueType);
      add(s.gridClass);
      add(s.activeVoxels, ' active voxels');
      add(s.dense, ' dense');
    } else if (this.decodedKind === 'alembic') {
      add(s.objects, ' objects');
      add(s.timeRange);
      add(s.fps, ' fps');
    }
    if (s.frameRange !== undefined) add(s.frameRange);
    return parts.join('  ·  ');
  }

  // The automation API.

  info(): ViewInfo {
    const item = this.item();
    const frame = this.frames[this.frameIndex] ?? null;
    return {
      status: this.status,
      name: item?.name ?? '',
      kind: this.status === 'error' && this.decodedKind === 'unknown' ? item?.kind ?? 'unknown' : this.decodedKind,
      frame,
      frames: this.frames.filter((f): f is number => f !== null),
      summary: { ...this.summary },
      error: this.error,
    };
  }

  whenReady = async (): Promise<ViewInfo> => {
    let tail: Promise<ViewInfo>;
    do {
      tail = this.tail;
      await tail.catch(() => undefined);
    } while (tail !== this.tail);
    return this.info();
  };

  /** Applies options and re-renders. From the panel, the panel is kept (a slider being dragged
   *  must stay); from the API or the keyboard it is rebuilt to show the new values. */
  set(options: Partial<ViewOptions>, fromPanel = false): Promise<ViewInfo> {
    return this.enqueue(async () => {
      const before = this.current;
      const next: ViewOptions = { ...before };
      for (const [key, value] of Object.entries(options) as [keyof ViewOptions, unknown][]) {
        if (value === undefined) continue;
        (next as unknown as Record<string, unknown>)[key] = value;
      }
      if (typeof next.wipe === 'number') next.wipe = Math.min(1, Math.max(0, next.wipe));
      this.current = next;
      const reload = next.item !== before.item || next.compare !== before.compare || next.part !== before.part || next.grid !== before.grid;
      if (next.item !== before.item) {
        // A new item starts at its own first frame unless a frame was asked for.
        if (options.frame === undefined) next.frame = null;
        if (options.part === undefined) next.part = 0;
        if (options.grid === undefined) next.grid = '';
        if (options.layer === undefined) next.layer = '';
      }
      if (reload || this.status === 'error') return this.load();
      if (next.frame !== before.frame || (options.frame !== undefined && options.frame !== this.frames[this.frameIndex])) {
        const index = next.frame === null ? 0 : this.frames.indexOf(next.frame);
        try {
          await this.showFrame(index < 0 ? this.nearestIndex(next.frame) : index);
          this.setStatus('ready');
        } catch (error) {
          this.fail(`Cannot read frame ${String(next.frame)}: ${failureMessage(error)}`);
        }
        this.current = { ...this.current, frame: this.frames[this.frameIndex] ?? null };
      }
      if (next.camera !== before.camera) {
        const viewer = this.viewer as Partial<{ applyCamera(): void }> | undefined;
        viewer?.applyCamera?.();
      }
      this.renderNow();
      const structural =
        next.layer !== before.layer ||
        next.attr !== before.attr ||
        next.camera !== before.camera ||
        (!fromPanel && Object.keys(options).some((key) => key !== 'frame'));
      this.updateChrome(structural);
      return this.info();
    });
  }

  probe(x: number, y: number): ProbeResult | null {
    return this.viewer?.probe(x, y) ?? null;
  }

  project(p: [number, number, number]): [number, number] | null {
    return this.viewer?.project(p) ?? null;
  }

  /** The world centre of an Alembic object at the frame shown (for tests and scripts). */
  objectCentre(path: string): [number, number, number] | null {
    return this.viewer instanceof AlembicViewer ? this.viewer.centre(path) : null;
  }

  private step(delta: number): void {
    this.pause();
    if (this.frames.length < 2) return;
    let index = this.frameIndex + delta;
    if (index < 0) index = this.loop ? this.frames.length - 1 : 0;
    if (index >= this.frames.length) index = this.loop ? 0 : this.frames.length - 1;
    void this.set({ frame: this.frameAt(index) });
  }

  play(fps?: number): void {
    if (fps !== undefined && fps > 0) {
      this.fps = fps;
      this.dom.fpsInput.value = String(fps);
    }
    this.pause();
    if (this.frames.length < 2) return;
    const interval = 1000 / this.fps;
    const playing = { fps: this.fps, timer: 0, next: performance.now() };
    this.playing = playing;
    const tick = async (): Promise<void> => {
      if (this.playing !== playing) return;
      let index = this.frameIndex + 1;
      if (index >= this.frames.length) {
        if (!this.loop) {
          this.pause();
          return;
        }
        index = 0;
      }
      try {
        await this.showFrame(index);
        this.current = { ...this.current, frame: this.frames[this.frameIndex] ?? null };
        this.renderNow();
        this.updateChrome(false);
      } catch (error) {
        this.fail(`Cannot read frame ${String(this.frames[index])}: ${failureMessage(error)}`);
        this.pause();
        return;
      }
      if (this.playing !== playing) return;
      playing.next += interval;
      const now = performance.now();
      if (playing.next < now - interval) playing.next = now; // fell behind: do not try to catch up
      playing.timer = window.setTimeout(() => void tick(), Math.max(0, playing.next - now));
    };
    playing.timer = window.setTimeout(() => void tick(), 0);
    this.updateChrome(false);
  }

  pause(): void {
    if (this.playing === undefined) return;
    clearTimeout(this.playing.timer);
    this.playing = undefined;
    this.updateChrome(false);
  }

  stats(): { framesShown: number; cachedFrames: number } {
    const item = this.item();
    return { framesShown: this.framesShown, cachedFrames: item === undefined ? 0 : this.cache.count(`${item.id}|`) };
  }

  /** Opens dropped files, whatever was shown: frames of one sequence become one item. */
  openFiles(files: File[]): Promise<ViewInfo> {
    return this.enqueue(async () => {
      const byName = new Map(files.map((f) => [f.name, f]));
      const groups = groupFileNames(files.map((f) => f.name));
      const first = this.session.items.length;
      let n = 0;
      for (const group of groups) {
        const names = group.kind === 'sequence' ? group.names : [group.name];
        const frames: SessionFrame[] = names.map((name, i) => {
          const file = byName.get(name)!;
          const url = URL.createObjectURL(file);
          this.droppedFiles.set(url, file);
          return { frame: group.kind === 'sequence' ? group.frames[i]! : null, name, size: file.size, url };
        });
        const name = group.kind === 'sequence' ? group.sequence.toString() : group.name;
        this.session.items.push({ id: `drop-${Date.now()}-${n++}`, name, kind: kindFromName(names[0]!), sequence: group.kind === 'sequence', frames });
      }
      if (n === 0) return this.info();
      this.current = { ...this.current, item: first, compare: null, frame: null, part: 0, grid: '', layer: '', attr: '', camera: '' };
      return this.load();
    });
  }

  /** The API object published as `window.vfxView`. */
  api(): VfxViewApi {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const app = this;
    return {
      get status() {
        return app.status;
      },
      get error() {
        return app.error;
      },
      whenReady: () => app.whenReady(),
      info: () => app.info(),
      set: (options) => app.set(options),
      probe: (x, y) => app.probe(x, y),
      project: (p) => app.project(p),
      play: (fps) => app.play(fps),
      pause: () => app.pause(),
      stats: () => app.stats(),
      openFiles: (files) => app.openFiles(files),
    };
  }
}
