/**
 * The first paint's request, made by the page's HTML. For a session whose first view is a large EXR
 * (`serverProxyTarget`, @vfxkit/viewers/shared: the page's own choice of first view), the server puts
 * a small inline script at the top of the app's `index.html` that asks for `api/proxy` at once, for
 * the window's size in device pixels, while the browser still fetches and compiles the app's code
 * (about 0.1 s on the bench's machine). The app (viewers/src/main.ts) takes that answer when its own
 * first view asks for the same URL, and cancels it otherwise. Pages opened with `proxy=0` or
 * `serverproxy=0`, or whose first view needs no server proxy, get the file unchanged.
 */
import { serverProxyTarget, type ServerProxyTarget, type Session } from '@vfxkit/viewers/shared';

/** A string as a JavaScript literal that is safe inside an HTML `<script>` element. */
function scriptString(text: string): string {
  return JSON.stringify(text).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The inline script for `target`: builds the URL as `serverProxyUrl` does (the page compares them)
 *  and publishes the request as `window.vfxEarlyProxy` (viewers/src/server-proxy.ts EarlyProxy). */
export function earlyProxyScript(target: ServerProxyTarget): string {
  const code =
    `(()=>{try{const r=window.devicePixelRatio||1;` +
    `const url=new URL(${scriptString(target.path)}+"?w="+Math.round(innerWidth*r)+"&h="+Math.round(innerHeight*r)+${scriptString(target.params)},document.baseURI).href;` +
    `const c=new AbortController();const response=fetch(url,{cache:"no-store",signal:c.signal});response.catch(()=>{});` +
    `performance.mark("vfx:proxy-asked");window.vfxEarlyProxy={url,response,abort:()=>c.abort()};}catch(e){}})();`;
  return `<script>${code}</script>`;
}

/** The first paint to ask for from the HTML of a page opened with `query` (`?...` or empty), or
 *  undefined when its first view has none. */
export function earlyProxyTarget(session: Session, query: string): ServerProxyTarget | undefined {
  return serverProxyTarget(session, new URLSearchParams(query.startsWith('?') ? query.slice(1) : query));
}

/** The app's `index.html` with the early request for `target` at the top of its head (before the
 *  stylesheet, which would hold an inline script until it has loaded). */
export function indexWithEarlyProxy(html: string, target: ServerProxyTarget): string {
  const script = earlyProxyScript(target);
  const charset = /<meta charset="utf-8"\s*\/?>/i.exec(html);
  if (charset !== null) return html.slice(0, charset.index + charset[0].length) + script + html.slice(charset.index + charset[0].length);
  const head = /<head[^>]*>/i.exec(html);
  return head === null ? html : html.slice(0, head.index + head[0].length) + script + html.slice(head.index + head[0].length);
}
