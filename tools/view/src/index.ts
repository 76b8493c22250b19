/**
 * `vfx view`: a local, token-protected server for the WebGL viewers (viewers/), and headless
 * snapshots and contact sheets through Chromium.
 */
export {
  defaultViewerDir,
  safeSegments,
  startViewServer,
  viewerBuilt,
  type ItemKind,
  type StartViewServerOptions,
  type ViewDisplay,
  type ViewFrame,
  type ViewItem,
  type ViewResponseEvent,
  type ViewServer,
  type ViewSession,
  type ViewSessionOptions,
} from './server.js';
export { itemKind, resolveViewItems } from './items.js';
export { contentTypeOf, parseRange } from './http.js';
export {
  CHROMIUM_ARGS,
  DEFAULT_CHROMIUM,
  chromiumMissingMessage,
  findChromium,
  launchBrowser,
  type Browser,
  type LaunchBrowserOptions,
  type Page,
} from './browser.js';
export { makeViewCommand } from './command.js';
export {
  LABEL_HEIGHT,
  defaultColumns,
  makeContactSheet,
  parseSize,
  takeSnapshot,
  type ContactSheetOptions,
  type ContactSheetResult,
  type Size,
  type SnapshotOptions,
  type SnapshotResult,
} from './snapshot.js';
export {
  captureCanvas,
  openView,
  setView,
  viewInfo,
  viewUrl,
  waitForView,
  type OpenViewOptions,
  type PageViewInfo,
  type PageViewOptions,
  type ViewPage,
} from './page.js';
