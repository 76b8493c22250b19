/**
 * `vfx view PATH... [--port N] [--no-open] [--json]`: serve the viewer and the named files until
 * Ctrl-C; `--snapshot OUT.png` and `--contact-sheet SEQ -o sheet.png`: render headless and exit.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseNonNegativeInteger, parsePositiveInteger, usageError, type CliContext } from '@vfxkit/tool-common';
import type { PadStyle } from '@vfxkit/core';
import { displayPath } from '@vfxkit/tool-seq';
import { startViewServer, viewerBuilt, type ViewDisplay, type ViewSessionOptions } from './server.js';
import { makeContactSheet, parseSize, takeSnapshot, type Size } from './snapshot.js';

interface ViewFlags extends ViewSessionOptions {
  port?: number;
  open: boolean;
  json?: boolean;
  snapshot?: string;
  contactSheet?: string;
  output?: string;
  size?: Size;
  columns?: number;
  force?: boolean;
  timeout?: number;
  padStyle: PadStyle;
}

function parsePort(value: string): number {
  const port = parseNonNegativeInteger(value);
  if (port > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got '${value}'`);
  return port;
}

function parsePadStyle(value: string): PadStyle {
  if (value !== 'hash4' && value !== 'hash1') throw new InvalidArgumentError(`expected hash4 or hash1, got '${value}'`);
  return value;
}

function parseSizeArgument(value: string): Size {
  const size = parseSize(value);
  if (size === undefined) throw new InvalidArgumentError(`expected WIDTHxHEIGHT such as 1280x720 (1 to 16384 each), got '${value}'`);
  return size;
}

function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got '${value}'`);
  return n;
}

function parsePositiveNumber(value: string): number {
  const n = parseNumber(value);
  if (n <= 0) throw new InvalidArgumentError(`expected a number above 0, got '${value}'`);
  return n;
}

function parseFrame(value: string): number {
  if (!/^[+-]?\d+(\.\d+)?$/.test(value.trim())) throw new InvalidArgumentError(`expected a frame number, got '${value}'`);
  return Number(value);
}

/** Opens `url` in the desktop's browser; a failure is a note, never an error. */
function openInBrowser(context: CliContext, url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const note = (why: string): void => context.note(`could not open a browser (${why}): open ${url} yourself`);
  try {
    const child = spawn(command as string, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', (error: NodeJS.ErrnoException) => note(error.code === 'ENOENT' ? `${command as string} not found` : error.message));
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) note(`${command as string} exited with ${code}`);
    });
    child.unref();
  } catch (error) {
    note(error instanceof Error ? error.message : String(error));
  }
}

function sessionOptions(flags: ViewFlags): ViewSessionOptions {
  const options: ViewSessionOptions = {};
  if (flags.frame !== undefined) options.frame = flags.frame;
  if (flags.exposure !== undefined) options.exposure = flags.exposure;
  if (flags.gamma !== undefined) options.gamma = flags.gamma;
  if (flags.display !== undefined) options.display = flags.display;
  if (flags.camera !== undefined) options.camera = flags.camera;
  if (flags.compare !== undefined) options.compare = flags.compare;
  return options;
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

async function serve(context: CliContext, paths: string[], flags: ViewFlags): Promise<void> {
  const server = await startViewServer({
    paths,
    port: flags.port ?? 0,
    cwd: context.io.cwd,
    env: context.io.env,
    padStyle: flags.padStyle,
    options: sessionOptions(flags),
    signal: context.signal,
  });
  try {
    if (flags.json) {
      context.json({ url: server.url, token: server.token, port: server.port, items: server.items });
    } else {
      context.out(server.url);
    }
    if (!viewerBuilt(server.viewerDir)) {
      context.warn(`the viewer app is not built (no ${join(server.viewerDir, 'index.html')}): run npm run build -w @vfxkit/viewers, or set VFX_VIEWER_DIR`);
    }
    const count = server.items.length;
    context.note(`serving ${count} item${count === 1 ? '' : 's'} on 127.0.0.1:${server.port}; Ctrl-C to stop`);
    if (flags.open) openInBrowser(context, server.url);
    await waitForAbort(context.signal);
  } finally {
    await server.close();
  }
}

export function makeViewCommand(context: CliContext): Command {
  return new Command('view')
    .description('view files and sequences in the WebGL viewers (EXR and images, particles, volumes, Alembic) in the browser, or render them headless to PNG')
    .argument('[paths...]', "files, sequences ('beauty.#.exr', 'beauty.1001-1010#.exr') or directories")
    .addOption(new Option('--port <n>', 'port to listen on (default: a free one)').argParser(parsePort))
    .option('--no-open', 'print the URL only, do not open a browser')
    .option('--json', 'print { url, token, port, items } as JSON (or the snapshot result)')
    .option('--snapshot <out.png>', 'render the first PATH in headless Chromium and write a PNG')
    .option('--contact-sheet <seq>', 'render every frame of a sequence as tiles of one PNG (with -o)')
    .option('-o, --output <sheet.png>', 'the contact sheet to write')
    .addOption(new Option('--size <WxH>', 'snapshot size (default 1280x720) or contact sheet tile size (default 320x180)').argParser(parseSizeArgument))
    .addOption(new Option('--columns <n>', 'contact sheet tiles per row (default: up to 6)').argParser(parsePositiveInteger))
    .addOption(new Option('--frame <f>', 'frame to show').argParser(parseFrame))
    .addOption(new Option('--exposure <stops>', 'exposure in stops').argParser(parseNumber))
    .addOption(new Option('--gamma <g>', 'display gamma').argParser(parsePositiveNumber))
    .addOption(new Option('--display <transform>', 'display transform').choices(['srgb', 'rec709', 'linear', 'filmic']))
    .option('--camera <camera>', "an Alembic camera path, or 'orbit:AZ,EL,DIST' (degrees, scene units)")
    .addOption(new Option('--compare <item>', 'A/B wipe against this item (index)').argParser(parseNonNegativeInteger))
    .option('--force', 'replace an existing snapshot or contact sheet')
    .addOption(
      new Option('--pad-style <style>', "what '#' means: hash4 (4 digits, as fileseq and oiiotool) or hash1 (1 digit, as Nuke)")
        .argParser(parsePadStyle)
        .default('hash4'),
    )
    .addOption(new Option('--timeout <seconds>', 'longest wait for a render (default 120)').argParser(parsePositiveNumber))
    .addHelpText(
      'after',
      `
The server listens on 127.0.0.1 only; its URL carries a random token and requests without it are
refused. It serves the viewer and exactly the files named. Ctrl-C stops it.
Headless renders need Chromium (/usr/bin/chromium, or set VFX_CHROMIUM).

Examples:
  $ vfx view beauty.#.exr                       open the sequence in the browser ('#' = 4 digits)
  $ vfx view --pad-style hash1 beauty.####.exr  the same, Nuke's way of writing it
  $ vfx view --no-open renders/ cache.bgeo     print the URL only
  $ vfx view plate.exr --snapshot plate.png --size 1920x1080 --exposure 1
  $ vfx view smoke.vdb --snapshot smoke.png --camera orbit:45,30,10
  $ vfx view --contact-sheet 'beauty.1001-1024#.exr' -o sheet.png --columns 6`,
    )
    .action(async (paths: string[], flags: ViewFlags) => {
      const timeoutMs = flags.timeout !== undefined ? flags.timeout * 1000 : undefined;
      const common = {
        cwd: context.io.cwd,
        env: context.io.env,
        force: flags.force === true,
        signal: context.signal,
        padStyle: flags.padStyle,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      };
      if (flags.contactSheet !== undefined) {
        if (flags.snapshot !== undefined) throw usageError('--snapshot and --contact-sheet cannot be used together');
        if (paths.length > 0) throw usageError(`--contact-sheet takes one sequence; unexpected ${paths.map((p) => `'${p}'`).join(' ')}`);
        if (flags.output === undefined) throw usageError('--contact-sheet needs -o sheet.png');
        const { frame: _frame, ...view } = sessionOptions(flags);
        const result = await makeContactSheet({
          ...common,
          path: flags.contactSheet,
          out: context.resolve(flags.output),
          view,
          ...(flags.size !== undefined ? { size: flags.size } : {}),
          ...(flags.columns !== undefined ? { columns: flags.columns } : {}),
        });
        const shown = displayPath(result.out, context.io.cwd);
        if (flags.json) context.json({ ...result, out: shown });
        else context.out(`${shown}  ${result.frames.length} frames, ${result.columns}x${result.rows} tiles, ${result.width}x${result.height}`);
        return;
      }
      if (flags.output !== undefined) throw usageError('-o is the contact sheet output: use it with --contact-sheet');
      if (paths.length === 0) throw usageError('name at least one file, sequence or directory to view');
      if (flags.snapshot !== undefined) {
        const result = await takeSnapshot({
          ...common,
          paths,
          out: context.resolve(flags.snapshot),
          view: sessionOptions(flags),
          ...(flags.size !== undefined ? { size: flags.size } : {}),
        });
        const shown = displayPath(result.out, context.io.cwd);
        if (flags.json) context.json({ ...result, out: shown });
        else context.out(`${shown}  ${result.width}x${result.height}  ${result.info.name} (${result.info.kind}${result.info.frame !== null ? `, frame ${result.info.frame}` : ''})`);
        return;
      }
      if (flags.size !== undefined || flags.columns !== undefined) throw usageError('--size and --columns are for --snapshot and --contact-sheet');
      await serve(context, paths, flags);
    });
}
