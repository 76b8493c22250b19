/**
 * The interface between `vfx view` (tools/view) and this app, as /work docs and the server agree:
 * the session document the server serves at `api/session`, the query parameters, and the
 * automation API the page exposes as `window.vfxView` (tests, snapshots and the bench use it).
 */

export {
  CHANNELS,
  DISPLAYS,
  type ChannelView,
  type DisplayTransform,
  type ItemKind,
  type Session,
  type SessionFrame,
  type SessionItem,
  type SessionOptions,
  type ViewOptions,
} from './shared/view-options.js';
import type { ItemKind, ViewOptions } from './shared/view-options.js';

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
