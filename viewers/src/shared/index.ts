/**
 * `@vfxkit/viewers/shared`: the pure modules the viewer app and the `vfx view` server (tools/view)
 * both use, so that the server's first-paint proxies are the worker's (one implementation). Built
 * by tsconfig.shared.json (tsc -b, referenced by tools/view); the app bundles them from source.
 */
export { ProxyBuilder, normalizeProxy, proxyFactor, type Box, type ProxyChannel, type ProxyRequest } from './proxy.js';
export { layerToShow, layersOf, slotsFor, type Slots } from './slots.js';
export {
  decodeProxyPayload,
  decodeProxyPayloadHalves,
  encodeProxyPayload,
  exrViewInfo,
  proxiesOf,
  proxyPlan,
  type ExrViewInfo,
  type HalfProxyChannel,
  type ImagePartInfo,
  type ProxyPayload,
  type ProxyPayloadChannel,
  type ProxyPayloadHead,
} from './exr-proxy.js';
export {
  CHANNELS,
  DEFAULTS,
  DISPLAYS,
  entryFor,
  optionsFrom,
  SERVER_PROXY_MIN_BYTES,
  serverProxyTarget,
  serverProxyUrl,
  type QueryParameters,
  type ServerProxyTarget,
  type Session,
  type SessionFrame,
  type SessionItem,
  type SessionOptions,
  type ViewOptions,
} from './view-options.js';
