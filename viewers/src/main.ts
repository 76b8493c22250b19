/**
 * Entry point of the `vfx view` app: builds the page and publishes `window.vfxView`.
 */
import './style.css';
import { App } from './app.js';

// Ask for the session first: it travels while the page sets up WebGL and the workers.
const session = fetch('api/session', { cache: 'no-store' });
const root = document.getElementById('app') ?? document.body;
const app = new App(root, new URLSearchParams(location.search), session);
window.vfxView = app.api();
