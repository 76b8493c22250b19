/**
 * Driving the viewer app in a Chromium page through its automation API (`window.vfxView`, see the
 * contract in docs/architecture.md, tools/view): open a view, wait until it has rendered, change
 * options, read back what it shows, capture the canvas. Used by `--snapshot`, `--contact-sheet`, the
 * browser tests and the bench.
 */
import { VfxError } from '@vfxkit/core';
import type { Browser, Page } from 'playwright-core';

/** What `window.vfxView.info()` returns. */
export interface PageViewInfo {
  status: 'loading' | 'ready' | 'error';
  name: string;
  kind: string;
  frame: number | null;
  frames: number[];
  summary: Record<string, unknown>;
  error?: string | null;
}

/** The options `window.vfxView.set()` takes. */
export interface PageViewOptions {
  item?: number;
  compare?: number | null;
  frame?: number | null;
  exposure?: number;
  gamma?: number;
  display?: string;
  channel?: string;
  layer?: string;
  part?: number;
  attr?: string;
  grid?: string;
  camera?: string;
  wipe?: number;
}

/** The page's API as seen from here (the functions run inside the page). */
interface PageApi {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  whenReady(): Promise<PageViewInfo>;
  info(): PageViewInfo;
  set(options: PageViewOptions): Promise<PageViewInfo>;
  stats(): { framesShown: number; cachedFrames: number };
  play(fps?: number): void;
  pause(): void;
}

type PageGlobals = { vfxView?: PageApi; document: { documentElement: { dataset: Record<string, string | undefined> } } };

export interface OpenViewOptions {
  /** Viewport in CSS pixels (device scale 1). */
  width: number;
  height: number;
  /** App query parameters (`snapshot`, `item`, `frame`, `exposure`, ...); undefined values left out. */
  query?: Record<string, string | number | undefined>;
  /** How long to wait for the first render (default 120 s: SwiftShader on a shared CPU is slow). */
  timeoutMs?: number;
}

export interface ViewPage {
  page: Page;
  /** The info once the first view rendered (status 'ready' or 'error'). */
  info: PageViewInfo;
  /** Uncaught page errors and console errors seen so far. */
  problems: string[];
}

/** `url` with the query parameters added. */
export function viewUrl(url: string, query: Record<string, string | number | undefined> = {}): string {
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) parameters.set(key, String(value));
  const text = parameters.toString();
  return text === '' ? url : `${url}?${text}`;
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new VfxError('VIEW_TIMEOUT', `${what} took longer than ${Math.round(timeoutMs / 1000)} s`, {}, 'io')), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `window.vfxView` exists, then for `whenReady()`. */
export async function waitForView(page: Page, timeoutMs = 120_000): Promise<PageViewInfo> {
  await page.waitForFunction(
    () => {
      const g = globalThis as unknown as PageGlobals;
      return g.vfxView !== undefined || g.document.documentElement.dataset.vfxStatus === 'error';
    },
    undefined,
    { timeout: timeoutMs },
  );
  return withTimeout(
    page.evaluate(async () => {
      const g = globalThis as unknown as PageGlobals;
      if (g.vfxView === undefined) {
        return { status: 'error', name: '', kind: 'unknown', frame: null, frames: [], summary: {}, error: 'the viewer app did not start' } as PageViewInfo;
      }
      return g.vfxView.whenReady();
    }),
    timeoutMs,
    'rendering the view',
  );
}

/** Opens the viewer at `url` in a new page of `browser` and waits for its first render. */
export async function openView(browser: Browser, url: string, options: OpenViewOptions): Promise<ViewPage> {
  const page = await browser.newPage({ viewport: { width: options.width, height: options.height }, deviceScaleFactor: 1 });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  const timeoutMs = options.timeoutMs ?? 120_000;
  try {
    const response = await page.goto(viewUrl(url, options.query), { waitUntil: 'load', timeout: timeoutMs });
    if (response !== null && !response.ok()) {
      const body = (await response.text().catch(() => '')).trim();
      throw new VfxError('VIEWER_UNAVAILABLE', `the viewer page answered ${response.status()}${body ? `: ${body}` : ''}`, {}, 'io');
    }
    const info = await waitForView(page, timeoutMs);
    return { page, info, problems };
  } catch (error) {
    await page.close().catch(() => undefined);
    throw error;
  }
}

/** `window.vfxView.set(options)`, resolved after the re-render. */
export async function setView(page: Page, options: PageViewOptions, timeoutMs = 120_000): Promise<PageViewInfo> {
  return withTimeout(
    page.evaluate(async (wanted) => (globalThis as unknown as Required<Pick<PageGlobals, 'vfxView'>>).vfxView.set(wanted), options),
    timeoutMs,
    'rendering the view',
  );
}

/** `window.vfxView.info()`. */
export async function viewInfo(page: Page): Promise<PageViewInfo> {
  return page.evaluate(() => (globalThis as unknown as Required<Pick<PageGlobals, 'vfxView'>>).vfxView.info());
}

/** A PNG of `canvas#vfx-canvas` (or of the viewport when the page has no such canvas). */
export async function captureCanvas(page: Page): Promise<Buffer> {
  const canvas = page.locator('canvas#vfx-canvas');
  if ((await canvas.count()) > 0) return canvas.first().screenshot({ type: 'png', animations: 'disabled' });
  return page.screenshot({ type: 'png', animations: 'disabled' });
}

/** The error a view in state 'error' reports, as a VfxError naming `file`. */
export function viewError(info: PageViewInfo, file: string): VfxError {
  return new VfxError('VIEW_FAILED', info.error ?? 'the viewer could not show the file', { file }, 'corrupt');
}
