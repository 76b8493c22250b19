/**
 * Headless Chromium for `vfx view --snapshot`, the contact sheet, the browser tests and the bench:
 * Debian's `chromium` driven by playwright-core (never a browser download), WebGL2 through ANGLE's
 * SwiftShader backend so it renders on machines without a GPU.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { VfxError } from '@vfxkit/core';

export type { Browser, Page } from 'playwright-core';

/** Where Chromium is looked for when VFX_CHROMIUM is not set. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The flags every launch uses: no sandbox (root in CI), software WebGL, no background traffic. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu-sandbox',
];

/**
 * The Chromium executable: env VFX_CHROMIUM when it names an existing file, else /usr/bin/chromium
 * when present, else null.
 */
export function findChromium(env: Record<string, string | undefined> = process.env): string | null {
  const fromEnv = env.VFX_CHROMIUM;
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : null;
  return existsSync(DEFAULT_CHROMIUM) ? DEFAULT_CHROMIUM : null;
}

/** The message when no browser is found (the CLI prints it; tests print it when they skip). */
export function chromiumMissingMessage(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env.VFX_CHROMIUM;
  if (fromEnv !== undefined && fromEnv !== '') {
    return `VFX_CHROMIUM names '${fromEnv}', which does not exist: install chromium or set VFX_CHROMIUM to a Chromium executable`;
  }
  return `no Chromium found at ${DEFAULT_CHROMIUM}: install chromium or set VFX_CHROMIUM to a Chromium executable`;
}

export interface LaunchBrowserOptions {
  /** The executable (default: findChromium()). */
  executablePath?: string;
  /** Environment used to find Chromium (default process.env). */
  env?: Record<string, string | undefined>;
  /** Launch timeout in ms (default 60 s: a shared, busy machine starts Chromium slowly). */
  timeoutMs?: number;
}

/**
 * Launches headless Chromium with the project's flags. Throws a VfxError `BROWSER_NOT_FOUND`
 * ("install chromium or set VFX_CHROMIUM") when there is none, `BROWSER_LAUNCH_FAILED` when it does
 * not start. The caller closes the browser.
 */
export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<Browser> {
  const env = options.env ?? process.env;
  const executablePath = options.executablePath ?? findChromium(env);
  if (executablePath === null) throw new VfxError('BROWSER_NOT_FOUND', chromiumMissingMessage(env), {}, 'unsupported');
  try {
    return await chromium.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout: options.timeoutMs ?? 60_000,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new VfxError('BROWSER_LAUNCH_FAILED', `Chromium did not start: ${detail}`, { file: executablePath, cause: error }, 'io');
  }
}
