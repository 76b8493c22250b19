/** Reading a file the server opened and checked, on a proxy thread (proxy-job.ts, proxy-prefetch.ts). */
import { readSync } from 'node:fs';

/** The first `size` bytes of the file open as `fd` (fewer when it has shrunk since the server saw it). */
export function readFileBytes(fd: number, size: number): Uint8Array {
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < buffer.length) {
    const n = readSync(fd, buffer, filled, buffer.length - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return new Uint8Array(buffer.buffer, buffer.byteOffset, filled);
}
