/**
 * The `vfx view` server (node:http, no framework): bound to 127.0.0.1, everything under
 * `/<token>/` where the token is 32 random hex characters; the built viewer app from viewers/dist,
 * the session JSON at `api/session`, the named files at `files/<item>/<frame>/<name>`, and the
 * first-paint proxies of EXR frames at `api/proxy/<item>/<frame>` (proxy.ts). A URL
 * never becomes a file system path except for the app's own assets, which are checked segment by
 * segment and by real path. See /docs/architecture.md (tools/view) and the contract in the issue.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, VfxError, type PadStyle } from '@vfxkit/core';
import { earlyProxyTarget, indexWithEarlyProxy } from './early-proxy.js';
import { baseHeaders, openInside, sendFile, sendText } from './http.js';
import { resolveViewItems, type ServedFile, type ViewItem } from './items.js';
import { proxyService } from './proxy.js';

export type { ItemKind, ViewFrame, ViewItem } from './items.js';

/** Display transforms the app knows. */
export type ViewDisplay = 'srgb' | 'rec709' | 'linear' | 'filmic';

/** The session's initial view options (`options` of the session JSON). */
export interface ViewSessionOptions {
  frame?: number;
  /** Exposure in stops. */
  exposure?: number;
  gamma?: number;
  display?: ViewDisplay;
  /** An Alembic camera path or `orbit:AZ,EL,DIST`. */
  camera?: string;
  /** Index of a second item for the A/B wipe. */
  compare?: number;
}

/** The session JSON served at `/<token>/api/session`. */
/** The largest app `index.html` the server reads to add the early request to (early-proxy.ts). */
const MAX_INDEX_BYTES = 1024 * 1024;

export interface ViewSession {
  version: 1;
  items: ViewItem[];
  options: ViewSessionOptions;
}

export interface StartViewServerOptions {
  /** Files, sequence patterns and directories to serve, resolved against `cwd`. */
  paths: string[];
  /** Port to listen on; 0 or absent: a free port. */
  port?: number;
  /** Only 127.0.0.1 is allowed. */
  host?: '127.0.0.1';
  /** The built app (default: env VFX_VIEWER_DIR, else viewers/dist of this repository). */
  viewerDir?: string;
  options?: ViewSessionOptions;
  /** Aborting closes the server. */
  signal?: AbortSignal;
  /** Directory the paths are relative to (default process.cwd()). */
  cwd?: string;
  /** What `#` means in sequence patterns (default hash4, as `vfx seq`). */
  padStyle?: PadStyle;
  /** Called when each response has been sent (or the client went away): for logs and the bench. */
  onResponse?: (event: ViewResponseEvent) => void;
  /** Environment read for VFX_VIEWER_DIR (default process.env). */
  env?: Record<string, string | undefined>;
}

/** One request the server answered. */
export interface ViewResponseEvent {
  method: string;
  /** The path below the token (`files/0/3/beauty.1003.exr`), or the whole path when the token was wrong. */
  path: string;
  status: number;
  /** Body bytes written. */
  bytes: number;
  /** performance.now() when the request arrived and when its response ended. */
  start: number;
  end: number;
  /** False when the client went away before the end. */
  complete: boolean;
}

export interface ViewServer {
  /** `http://127.0.0.1:PORT/<token>/` */
  url: string;
  token: string;
  port: number;
  items: ViewItem[];
  /** The app directory served (it may not exist yet: the page then says how to build it). */
  viewerDir: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** The viewer app's directory: option, env VFX_VIEWER_DIR, else viewers/dist beside tools/. */
export function defaultViewerDir(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env.VFX_VIEWER_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return resolvePath(fromEnv);
  // Same depth from tools/view/src and tools/view/dist.
  return fileURLToPath(new URL('../../../viewers/dist/', import.meta.url));
}

/**
 * The decoded segments of a path below the token, or undefined when any is unsafe: `.`/`..`
 * (raw or percent-encoded), empty segments, backslashes, NUL, control characters, or bad
 * percent-encoding. (A `%` left after decoding, double encoding, is refused for app assets; frame
 * names are only ever compared with the names served.)
 */
export function safeSegments(rawPath: string): string[] | undefined {
  if (rawPath === '') return [];
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (decoded === '' || decoded === '.' || decoded === '..') return undefined;
    if (/[\\/\u0000-\u001f\u007f]/.test(decoded)) return undefined;
    segments.push(decoded);
  }
  return segments;
}

function sameToken(candidate: string, token: string): boolean {
  if (candidate.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(candidate, 'latin1'), Buffer.from(token, 'latin1'));
}

/**
 * Starts the server. Resolves once it listens; rejects with a VfxError naming the PATH when one
 * does not exist, or `PORT_IN_USE` when the port is taken.
 */
export async function startViewServer(options: StartViewServerOptions): Promise<ViewServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new VfxError(ErrorCode.BAD_USAGE, `the viewer server listens on 127.0.0.1 only, not ${String(host)}`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new VfxError(ErrorCode.BAD_USAGE, `expected a port from 0 to 65535, got ${port}`);
  if (options.signal?.aborted) throw new VfxError(ErrorCode.CANCELLED, 'cancelled before the server started');

  const cwd = options.cwd ?? process.cwd();
  const { items, files } = await resolveViewItems(options.paths, cwd, options.padStyle ?? 'hash4');
  const viewerDir = options.viewerDir !== undefined ? resolvePath(cwd, options.viewerDir) : defaultViewerDir(options.env);
  const session: ViewSession = { version: 1, items, options: { ...(options.options ?? {}) } };
  const sessionBody = Buffer.from(JSON.stringify(session), 'utf8');
  const token = randomBytes(16).toString('hex');
  let listeningPort = port;

  const proxies = proxyService(items, files);

  const viewerRoot = async (): Promise<string | undefined> => realpath(viewerDir).catch(() => undefined);

  const serveAsset = async (request: IncomingMessage, response: ServerResponse, segments: string[], query: string): Promise<void> => {
    // Double encoding (`%252e`): no asset name has a `%`.
    if (segments.some((segment) => segment.includes('%'))) return sendText(response, 403, 'forbidden');
    const root = await viewerRoot();
    const wanted = segments.length === 0 ? ['index.html'] : segments;
    if (root === undefined) {
      if (segments.length === 0 || wanted[0] === 'index.html') {
        sendText(response, 503, `the viewer app is not built (no ${viewerDir}): run npm run build -w @vfxkit/viewers, or set VFX_VIEWER_DIR`);
      } else {
        sendText(response, 404, 'not found');
      }
      return;
    }
    const opened = await openInside(join(root, ...wanted), root);
    if (opened === 'forbidden') return sendText(response, 403, 'forbidden');
    if (opened === 'not-found') return sendText(response, 404, 'not found');
    // The page of a large EXR asks for its first paint from its HTML (early-proxy.ts).
    const early = wanted.length === 1 && wanted[0] === 'index.html' && opened.size <= MAX_INDEX_BYTES ? earlyProxyTarget(session, query) : undefined;
    if (early !== undefined) {
      // The server decodes the frame while the browser starts the page (proxy-prefetch.ts).
      if (request.method !== 'HEAD') proxies.prefetch(early.item, early.frame, { part: early.part > 0 ? early.part : undefined, layer: early.layer, channel: early.channel });
      let html: string;
      try {
        html = await opened.handle.readFile('utf8');
      } finally {
        await opened.handle.close().catch(() => undefined);
      }
      const body = Buffer.from(indexWithEarlyProxy(html, early), 'utf8');
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(body.length), 'Cache-Control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    await sendFile(request, response, opened, wanted[wanted.length - 1]!);
  };

  const serveFrame = async (request: IncomingMessage, response: ServerResponse, segments: string[]): Promise<void> => {
    const [, itemText = '', frameText = '', name = ''] = segments;
    if (segments.length !== 4 || !/^\d{1,9}$/.test(itemText) || !/^\d{1,9}$/.test(frameText)) return sendText(response, 404, 'not found');
    const item = items[Number(itemText)];
    const frameIndex = Number(frameText);
    const frame = item?.frames[frameIndex];
    const served: ServedFile | undefined = files[Number(itemText)]?.[frameIndex];
    if (frame === undefined || served === undefined || frame.name !== name) return sendText(response, 404, 'not found');
    const opened = await openInside(served.path, served.root);
    if (opened === 'forbidden') return sendText(response, 403, 'forbidden: the file leaves the tree that was named');
    if (opened === 'not-found') return sendText(response, 404, 'not found');
    await sendFile(request, response, opened, name);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    baseHeaders(response);
    const method = request.method ?? 'GET';
    const rawUrl = request.url ?? '';
    // Requests from other origins (DNS rebinding) name another host.
    const hostHeader = request.headers.host;
    if (hostHeader !== undefined && hostHeader !== `127.0.0.1:${listeningPort}` && hostHeader !== `localhost:${listeningPort}`) {
      return sendText(response, 403, 'forbidden');
    }
    if (!rawUrl.startsWith('/')) return sendText(response, 403, 'forbidden');
    const queryAt = rawUrl.search(/[?#]/);
    const path = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = queryAt < 0 ? '' : rawUrl.slice(queryAt);
    const slash = path.indexOf('/', 1);
    const first = slash < 0 ? path.slice(1) : path.slice(1, slash);
    if (!sameToken(first, token)) return sendText(response, 403, 'forbidden');
    if (method !== 'GET' && method !== 'HEAD') return sendText(response, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    if (slash < 0) {
      // `/<token>` -> `/<token>/`: the app's relative URLs need the trailing slash.
      response.writeHead(308, { Location: `/${token}/${query}`, 'Content-Length': '0', 'Cache-Control': 'no-store' });
      response.end();
      return;
    }
    const segments = safeSegments(path.slice(slash + 1).replace(/\/$/, ''));
    if (segments === undefined) return sendText(response, 403, 'forbidden');
    if (segments[0] === 'api') {
      if (segments.length === 2 && segments[1] === 'session') {
        response.writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': String(sessionBody.length),
          'Cache-Control': 'no-store',
        });
        response.end(method === 'HEAD' ? undefined : sessionBody);
        return;
      }
      // The first paint of a large EXR, made here (proxy.ts).
      if (segments[1] === 'proxy') return proxies.handle(request, response, segments, query);
      return sendText(response, 404, 'not found');
    }
    if (segments[0] === 'files') return serveFrame(request, response, segments);
    return serveAsset(request, response, segments, query);
  };

  const onResponse = options.onResponse;
  const server = createServer((request, response) => {
    if (onResponse !== undefined) {
      const start = performance.now();
      const prefix = `/${token}/`;
      const url = request.url ?? '';
      const report = (complete: boolean): void => {
        const length = Number(response.getHeader('content-length') ?? 0);
        onResponse({
          method: request.method ?? 'GET',
          path: url.startsWith(prefix) ? url.slice(prefix.length) : url,
          status: response.statusCode,
          bytes: complete && request.method !== 'HEAD' && response.statusCode !== 304 ? length : 0,
          start,
          end: performance.now(),
          complete,
        });
      };
      response.once('finish', () => report(true));
      response.once('close', () => {
        if (!response.writableFinished) report(false);
      });
    }
    handle(request, response).catch(() => {
      if (!response.headersSent) sendText(response, 500, 'internal error');
      else response.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        rejectListen(new VfxError('PORT_IN_USE', `port ${port} is in use: pick another with --port, or 0 for a free one`, { cause: error }, 'usage'));
      } else if (error.code === 'EACCES') {
        rejectListen(new VfxError(ErrorCode.IO, `not allowed to listen on port ${port}`, { cause: error }, 'usage'));
      } else {
        rejectListen(new VfxError(ErrorCode.IO, `cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
      }
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolveListen();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  }).catch(async (error: unknown) => {
    await proxies.close();
    throw error;
  });
  const address = server.address();
  listeningPort = typeof address === 'object' && address !== null ? address.port : port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolveClose) => {
      server.close(() => resolveClose());
      server.closeAllConnections();
    }).then(() => proxies.close());
    return closing;
  };
  options.signal?.addEventListener('abort', () => void close(), { once: true });

  return {
    url: `http://${host}:${listeningPort}/${token}/`,
    token,
    port: listeningPort,
    items,
    viewerDir,
    close,
  };
}

/** Whether the app has been built into `viewerDir` (index.html present). */
export function viewerBuilt(viewerDir: string): boolean {
  return existsSync(join(viewerDir, 'index.html'));
}
