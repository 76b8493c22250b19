/**
 * What the app gives a viewer (the host) and what a viewer gives back.
 */
import type { WebGLRenderer } from 'three';
import type { ProbeResult, ViewOptions } from '../contract.js';

export interface ViewerHost {
  readonly renderer: WebGLRenderer;
  readonly canvas: HTMLCanvasElement;
  /** An element over the canvas for legends and readouts (hidden in snapshot mode). */
  readonly overlay: HTMLElement;
  readonly snapshot: boolean;
  /** `measure=1` in the query: the image viewer waits for the GPU (gl.finish) after the texture
   *  uploads and after the draw, and marks each (`vfx:upload-*`, `vfx:drawn`), so a page's timing
   *  shows where a first image's time goes. Off otherwise (it slows every frame). */
  readonly measure: boolean;
  /** The current options (query parameters and `set`). */
  options(): ViewOptions;
  /** Schedules a redraw on the next animation frame. */
  requestRender(): void;
  /** A control changed an option: the app re-renders (and re-decodes if needed). */
  change(options: Partial<ViewOptions>): void;
}

export interface Viewer {
  /** Draws the current state now (synchronously: readPixels and screenshots see it after). */
  render(): void;
  /** Rebuilds the side panel's viewer controls. */
  buildPanel(panel: HTMLElement): void;
  probe(x: number, y: number): ProbeResult | null;
  project(p: [number, number, number]): [number, number] | null;
  dispose(): void;
}

export function canvasSize(host: ViewerHost): { width: number; height: number } {
  const rect = host.canvas.getBoundingClientRect();
  return { width: Math.max(1, rect.width), height: Math.max(1, rect.height) };
}
