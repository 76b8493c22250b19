/**
 * The server's first paint of a large EXR (tools/view `api/proxy`): the display-resolution proxies
 * the decode worker would make, computed by the `vfx view` server from the same frame (Node's zlib
 * and @vfxkit/exr, on its own thread), so the page draws them before its worker has fetched and
 * decoded the whole file. Anything but a good answer (an older server, not an EXR, a file it cannot
 * read, nothing to proxy) gives undefined, and the page decodes in its worker as before.
 */
import { exrImageChannel, type DecodedImage } from './protocol.js';
import { decodeProxyPayloadHalves } from './shared/exr-proxy.js';

/** The request for the first paint the server's inline script made while the page's HTML was
 *  parsed, before the app's code loaded (tools/view early-proxy.ts). */
export interface EarlyProxy {
  /** The absolute URL it asked for. */
  url: string;
  response: Promise<Response>;
  abort(): void;
}

declare global {
  interface Window {
    vfxEarlyProxy?: EarlyProxy;
  }
}

/** The preview image from the server's answer at `url` (the `early` request's, when it asked for
 *  that URL), or undefined. */
export async function fetchServerProxy(url: string, early?: Promise<Response>): Promise<DecodedImage | undefined> {
  let response: Response;
  try {
    response = await (early ?? fetch(url, { cache: 'no-store' }));
  } catch {
    return undefined;
  }
  if (response.status !== 200) {
    void response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  try {
    const payload = decodeProxyPayloadHalves(await response.arrayBuffer());
    const { info, channels } = payload.head;
    const image: DecodedImage = {
      kind: 'image',
      format: 'exr',
      encoding: 'linear',
      ...info,
      // No pixels yet: the worker's decode brings them.
      channels: channels.map((c) => exrImageChannel(c, c.type === 'half' ? new Uint16Array(0) : new Float32Array(0), payload.proxies.get(c.name))),
      preview: true,
    };
    if (!image.channels.some((c) => c.proxy !== undefined)) return undefined;
    // The server's own timings (read, decode, reduce), for the bench's breakdown.
    const timing = response.headers.get('server-timing');
    performance.mark('vfx:proxy-in', timing === null ? undefined : { detail: timing });
    return image;
  } catch {
    return undefined;
  }
}
