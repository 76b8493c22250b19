/**
 * Headless renders of a view: `vfx view PATH --snapshot OUT.png` (one view, the canvas as a PNG) and
 * `vfx view --contact-sheet SEQ -o sheet.png` (one page, `set({frame})` per frame, each tile
 * captured and laid out with sharp, the frame number under each tile). Both start their own server
 * on a free port and their own Chromium, and close both whatever happens.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { ErrorCode, VfxError, type PadStyle } from '@vfxkit/core';
import { writeFileAtomic } from '@vfxkit/core/node';
import { launchBrowser } from './browser.js';
import { captureCanvas, openView, setView, viewError, type PageViewInfo } from './page.js';
import { startViewServer, type ViewSessionOptions } from './server.js';

export interface Size {
  width: number;
  height: number;
}

/** `1280x720` -> { width: 1280, height: 720 } (1 to 16384 each), else undefined. */
export function parseSize(text: string): Size | undefined {
  const match = /^\s*(\d{1,5})\s*[xX]\s*(\d{1,5})\s*$/.exec(text);
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (width < 1 || height < 1 || width > 16384 || height > 16384) return undefined;
  return { width, height };
}

interface CommonOptions {
  /** What `#` means in sequence patterns (default hash4). */
  padStyle?: PadStyle;
  /** Directory the paths are relative to. */
  cwd?: string;
  env?: Record<string, string | undefined>;
  viewerDir?: string;
  /** Replace an existing output. */
  force?: boolean;
  /** Stops the work (closing the page, browser and server). */
  signal?: AbortSignal;
  /** Per render (default 120 s). */
  timeoutMs?: number;
}

export interface SnapshotOptions extends CommonOptions {
  paths: string[];
  /** The PNG to write. */
  out: string;
  /** Default 1280x720. */
  size?: Size;
  view?: ViewSessionOptions & { channel?: string; layer?: string; grid?: string; attr?: string };
}

export interface SnapshotResult {
  out: string;
  width: number;
  height: number;
  info: PageViewInfo;
}

export interface ContactSheetOptions extends CommonOptions {
  /** The sequence (pattern, one frame's path, or a directory holding one sequence... any PATH). */
  path: string;
  out: string;
  /** Tile size, default 320x180. */
  size?: Size;
  /** Tiles per row (default: up to 6, fewer for short sequences). */
  columns?: number;
  view?: Omit<ViewSessionOptions, 'frame'>;
}

export interface ContactSheetResult {
  out: string;
  width: number;
  height: number;
  columns: number;
  rows: number;
  frames: (number | null)[];
}

/** Height of the label band under each tile. */
export const LABEL_HEIGHT = 24;
const SHEET_BACKGROUND = { r: 24, g: 24, b: 24, alpha: 1 };

function refuseOverwrite(out: string, force: boolean | undefined, shown: string): void {
  if (!force && existsSync(out)) {
    throw new VfxError(ErrorCode.WOULD_OVERWRITE, 'the output exists: add --force to replace it', { file: shown });
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new VfxError(ErrorCode.CANCELLED, 'interrupted');
}

/** Runs `work` with a server and a browser, closing both afterwards (and on abort). */
async function withServerAndBrowser<T>(
  paths: string[],
  options: CommonOptions & { view?: ViewSessionOptions },
  work: (url: string, browser: Awaited<ReturnType<typeof launchBrowser>>, items: Awaited<ReturnType<typeof startViewServer>>['items']) => Promise<T>,
): Promise<T> {
  throwIfAborted(options.signal);
  const server = await startViewServer({
    paths,
    port: 0,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.padStyle !== undefined ? { padStyle: options.padStyle } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
    ...(options.viewerDir !== undefined ? { viewerDir: options.viewerDir } : {}),
    ...(options.view !== undefined ? { options: options.view } : {}),
  });
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  const onAbort = (): void => {
    void browser?.close().catch(() => undefined);
    void server.close();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    browser = await launchBrowser(options.env !== undefined ? { env: options.env } : {});
    throwIfAborted(options.signal);
    return await work(server.url, browser, server.items);
  } catch (error) {
    if (options.signal?.aborted) throw new VfxError(ErrorCode.CANCELLED, 'interrupted', { cause: error });
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await browser?.close().catch(() => undefined);
    await server.close();
  }
}

/**
 * Renders the first PATH's view (with `compare` the A/B wipe against another item) in headless
 * Chromium and writes the canvas as a PNG. Throws `VIEW_FAILED` with the page's message when the
 * file cannot be read, `WOULD_OVERWRITE` when OUT exists without `force`.
 */
export async function takeSnapshot(options: SnapshotOptions): Promise<SnapshotResult> {
  const size = options.size ?? { width: 1280, height: 720 };
  refuseOverwrite(options.out, options.force, options.out);
  const view = options.view ?? {};
  return withServerAndBrowser(options.paths, { ...options, view }, async (url, browser, items) => {
    const opened = await openView(browser, url, {
      width: size.width,
      height: size.height,
      query: { snapshot: 1, item: 0, ...view },
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    try {
      if (opened.info.status === 'error') throw viewError(opened.info, shownName(options.paths[0] ?? '', items[0]?.name ?? ''));
      const png = await captureCanvas(opened.page);
      const meta = await sharp(png).metadata();
      await writeFileAtomic(options.out, png, { force: options.force === true });
      return { out: options.out, width: meta.width ?? size.width, height: meta.height ?? size.height, info: opened.info };
    } finally {
      await opened.page.close().catch(() => undefined);
    }
  });
}

/** The file as the user named it when the first item is that file, else the item's name. */
function shownName(argument: string, itemName: string): string {
  return basename(argument) === itemName ? argument : itemName;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The label band under a tile: the frame number, white on the sheet's grey. */
async function labelImage(text: string, width: number): Promise<Buffer> {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${LABEL_HEIGHT}">` +
    `<rect width="${width}" height="${LABEL_HEIGHT}" fill="rgb(${SHEET_BACKGROUND.r},${SHEET_BACKGROUND.g},${SHEET_BACKGROUND.b})"/>` +
    `<text x="${width / 2}" y="${LABEL_HEIGHT - 7}" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="14" ` +
    `fill="#ffffff" text-anchor="middle">${escapeXml(text)}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Default columns: every frame in one row up to 6, else 6 per row. */
export function defaultColumns(frames: number): number {
  return Math.max(1, Math.min(6, frames));
}

/**
 * One page shows the sequence; each frame is set, rendered and captured as a tile, and the tiles
 * are laid out `columns` per row with the frame number under each. Throws `VIEW_FAILED` naming the
 * frame when one cannot be read.
 */
export async function makeContactSheet(options: ContactSheetOptions): Promise<ContactSheetResult> {
  const size = options.size ?? { width: 320, height: 180 };
  refuseOverwrite(options.out, options.force, options.out);
  const view = options.view ?? {};
  return withServerAndBrowser([options.path], { ...options, view }, async (url, browser, items) => {
    const item = items[0]!;
    const frames = item.frames.map((f) => f.frame);
    const columns = Math.min(options.columns ?? defaultColumns(frames.length), frames.length);
    const rows = Math.ceil(frames.length / columns);
    const opened = await openView(browser, url, {
      width: size.width,
      height: size.height,
      query: { snapshot: 1, item: 0, frame: frames[0] ?? undefined, ...view },
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    try {
      const tiles: OverlayOptions[] = [];
      for (let index = 0; index < frames.length; index++) {
        throwIfAborted(options.signal);
        const frame = frames[index]!;
        const info = index === 0 ? opened.info : await setView(opened.page, { frame }, options.timeoutMs);
        if (info.status === 'error') throw viewError(info, item.frames[index]!.name);
        const png = await captureCanvas(opened.page);
        // The canvas may differ from the viewport by a pixel: fit every tile to the cell.
        const tile = await sharp(png).resize(size.width, size.height, { fit: 'fill' }).png().toBuffer();
        const left = (index % columns) * size.width;
        const top = Math.floor(index / columns) * (size.height + LABEL_HEIGHT);
        tiles.push({ input: tile, left, top });
        tiles.push({ input: await labelImage(frame === null ? item.frames[index]!.name : String(frame), size.width), left, top: top + size.height });
      }
      const width = columns * size.width;
      const height = rows * (size.height + LABEL_HEIGHT);
      const sheet = await sharp({ create: { width, height, channels: 4, background: SHEET_BACKGROUND } })
        .composite(tiles)
        .png()
        .toBuffer();
      await writeFileAtomic(options.out, sheet, { force: options.force === true });
      return { out: options.out, width, height, columns, rows, frames };
    } finally {
      await opened.page.close().catch(() => undefined);
    }
  });
}
