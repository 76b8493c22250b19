/**
 * The interface between `vfx view` (tools/view) and this app, as /work docs and the server agree:
 * the session document the server serves at `api/session`, the query parameters, and the
 * automation API the page exposes as `window.vfxView` (tests, snapshots and the bench use it).
 */

export type ItemKind = 'image' | 'exr' | 'particles' | 'volume' | 'alembic' | 'unknown';

export interface SessionFrame {
  frame: number | null;
  name: string;
  size: number;
  /** Relative to the app base (the server's `files/...`), or a blob: URL for dropped files. */
  url: string;
}

export interface SessionItem {
  id: string;
  name: string;
  kind: ItemKind;
  sequence: boolean;
  frames: SessionFrame[];
}

export type DisplayTransform = 'srgb' | 'rec709' | 'linear' | 'filmic';
export type ChannelView = 'rgb' | 'r' | 'g' | 'b' | 'a' | 'luminance';

export interface SessionOptions {
  frame?: number;
  exposure?: number;
  gamma?: number;
  display?: DisplayTransform;
  camera?: string;
  compare?: number;
}

export interface Session {
  version: 1;
  items: SessionItem[];
  options: SessionOptions;
}

/** What `set` takes (and the query parameters mean). */
export interface ViewOptions {
  item: number;
  compare: number | null;
  frame: number | null;
  exposure: number;
  gamma: number;
  display: DisplayTransform;
  channel: ChannelView;
  layer: string;
  part: number;
  attr: string;
  grid: string;
  camera: string;
  /** A/B split position, 0..1 of the canvas width. */
  wipe: number;
}

export type ViewStatus = 'loading' | 'ready' | 'error';

export interface ViewInfo {
  status: ViewStatus;
  name: string;
  kind: ItemKind;
  frame: number | null;
  frames: number[];
  summary: Record<string, unknown>;
  error?: string | null;
}

export interface ProbeResult {
  pixel: [number, number];
  values: Record<string, number>;
}

export interface VfxViewApi {
  status: ViewStatus;
  error: string | null;
  whenReady(): Promise<ViewInfo>;
  info(): ViewInfo;
  set(options: Partial<ViewOptions>): Promise<ViewInfo>;
  probe(x: number, y: number): ProbeResult | null;
  project(p: [number, number, number]): [number, number] | null;
  play(fps?: number): void;
  pause(): void;
  stats(): { framesShown: number; cachedFrames: number };
  openFiles(files: File[]): Promise<ViewInfo>;
}

declare global {
  interface Window {
    vfxView: VfxViewApi;
  }
}

export const DISPLAYS: readonly DisplayTransform[] = ['srgb', 'rec709', 'linear', 'filmic'];
export const CHANNELS: readonly ChannelView[] = ['rgb', 'r', 'g', 'b', 'a', 'luminance'];

/** The item kind a file name suggests (the worker checks magic bytes when this says `unknown`). */
export function kindFromName(name: string): ItemKind {
  const lower = name.toLowerCase();
  if (lower.endsWith('.exr')) return 'exr';
  if (/\.(jpe?g|png|webp|gif|avif|tiff?|bmp)$/.test(lower)) return 'image';
  if (lower.endsWith('.vdb')) return 'volume';
  if (lower.endsWith('.abc')) return 'alembic';
  if (/\.(bgeo|geo|bgeo\.sc|geo\.sc|bhclassic|hclassic|pda|pdb|pdb32|pdb64|pdc|prt|sprt|bin|ptc|ptf|ply|pts|xyz|csv|txt|asc)(\.gz)?$/.test(lower)) return 'particles';
  return 'unknown';
}
