/**
 * Sending files over node:http: content types, HEAD, conditional GET by ETag, single byte ranges
 * (RFC 9110 section 14: 206 with Content-Range, 416 with `bytes * /size` when nothing of the file is
 * asked for; several ranges or a malformed header are ignored and the whole file is sent), streamed
 * from an open descriptor so a large file is never held in memory.
 */
import { constants, createReadStream } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { isInside } from './items.js';

const contentTypes: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  wasm: 'application/wasm',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  exr: 'image/x-exr',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  ply: 'application/octet-stream',
  vdb: 'application/octet-stream',
  abc: 'application/octet-stream',
  csv: 'text/csv; charset=utf-8',
};

/** The Content-Type of a file name (application/octet-stream when unknown). */
export function contentTypeOf(name: string): string {
  const dot = name.lastIndexOf('.');
  const extension = dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
  return contentTypes[extension] ?? 'application/octet-stream';
}

/** Headers on every response: no sniffing, the token never leaks through a Referer. */
export function baseHeaders(response: ServerResponse): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** A short plain-text response (errors, refusals). */
export function sendText(response: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = Buffer.from(text + '\n', 'utf8');
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    ...extra,
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

export type ByteRange = { start: number; end: number };

/**
 * The range a `Range` header asks for in a file of `size` bytes: a range (end inclusive, clamped to
 * the file), `'unsatisfiable'` (416), or undefined to send the whole file (no header, another unit,
 * several ranges, bad syntax).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // A suffix: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (last !== '' && end < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/** Outcome of trying to open a file for sending. */
export type OpenOutcome = { handle: FileHandle; size: number; mtime: Date } | 'not-found' | 'forbidden';

/**
 * Opens `path` for reading if its real path is inside `root` and it is a regular file. The file is
 * opened first and its identity (device, inode) compared with the real path checked, so a symlink
 * swapped in between cannot redirect the read.
 */
export async function openInside(path: string, root: string): Promise<OpenOutcome> {
  let handle: FileHandle;
  try {
    // Non-blocking, so a FIFO swapped in for a file cannot hold a thread waiting for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? 'forbidden' : 'not-found';
  }
  try {
    const real = await realpath(path);
    if (!isInside(real, root)) {
      await handle.close();
      return 'forbidden';
    }
    const [opened, checked] = await Promise.all([handle.stat(), stat(real)]);
    if (opened.dev !== checked.dev || opened.ino !== checked.ino) {
      await handle.close();
      return 'forbidden';
    }
    if (!opened.isFile()) {
      await handle.close();
      return 'not-found';
    }
    return { handle, size: opened.size, mtime: opened.mtime };
  } catch {
    await handle.close().catch(() => undefined);
    return 'not-found';
  }
}

/**
 * Sends an opened file (GET or HEAD) with Content-Type, Content-Length, Accept-Ranges, ETag and
 * Last-Modified, honouring If-None-Match and a single Range. Closes the handle.
 */
export async function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  file: { handle: FileHandle; size: number; mtime: Date },
  name: string,
): Promise<void> {
  const { handle, size, mtime } = file;
  let handed = false;
  try {
    const etag = `"${size.toString(16)}-${Math.floor(mtime.getTime()).toString(16)}"`;
    const headers: Record<string, string> = {
      'Content-Type': contentTypeOf(name),
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'no-cache',
      ETag: etag,
      'Last-Modified': mtime.toUTCString(),
    };
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    const rangeHeader = request.headers.range;
    const range = parseRange(Array.isArray(rangeHeader) ? rangeHeader[0] : rangeHeader, size);
    if (range === 'unsatisfiable') {
      sendText(response, 416, 'range not satisfiable', { 'Content-Range': `bytes */${size}`, 'Accept-Ranges': 'bytes' });
      return;
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    const length = size === 0 ? 0 : end - start + 1;
    headers['Content-Length'] = String(length);
    if (range !== undefined) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    response.writeHead(range !== undefined ? 206 : 200, headers);
    if (request.method === 'HEAD' || length === 0) {
      response.end();
      return;
    }
    const stream = createReadStream('', { fd: handle, start, end, autoClose: true, highWaterMark: 256 * 1024 });
    handed = true;
    await pipeline(stream, response).catch(() => {
      // The client went away mid-file: nothing to report, the stream closed the descriptor.
      stream.destroy();
    });
  } finally {
    if (!handed) await handle.close().catch(() => undefined);
  }
}
