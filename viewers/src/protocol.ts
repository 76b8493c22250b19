/**
 * Messages between the page and the decode workers. Everything a viewer draws is decoded in a
 * worker by the same packages the CLI uses; typed arrays come back as transferables.
 */
import type { ItemKind } from './contract.js';

/** How much of an EXR a band decode reads first for the headers and offset tables. */
export const EXR_HEAD_BYTES = 256 * 1024;

import type { ProxyChannel, ProxyRequest } from './shared/proxy.js';
import type { ExrViewInfo, HalfProxyChannel } from './shared/exr-proxy.js';
export type { Box, ProxyChannel, ProxyRequest } from './shared/proxy.js';
export type { ImagePartInfo } from './shared/exr-proxy.js';

/** One planar channel: half bits, float, or 8-bit codes (normalised 0..1 on the GPU). */
export interface ImageChannel {
  name: string;
  type: 'half' | 'float' | 'uint8';
  xSampling: number;
  ySampling: number;
  width: number;
  height: number;
  data: Uint16Array | Float32Array | Uint8Array;
  /** A display-resolution stand-in for the first paint (shared/proxy.ts): box-filtered means of
   *  `factor` x `factor` pixels, drawn until this channel's full texture is uploaded: float32 from
   *  the worker, half-float bits from the server's answer (server-proxy.ts). */
  proxy?: ProxyChannel | HalfProxyChannel;
}

/** An EXR channel as the page gets it: its description, its samples (`data`) and its proxy, if any. */
export function exrImageChannel(
  c: { name: string; type: 'half' | 'float' | 'uint'; xSampling: number; ySampling: number; width: number; height: number },
  data: ImageChannel['data'],
  proxy?: ImageChannel['proxy'],
): ImageChannel {
  return {
    name: c.name,
    type: c.type === 'half' ? 'half' : 'float',
    xSampling: c.xSampling,
    ySampling: c.ySampling,
    width: c.width,
    height: c.height,
    data,
    ...(proxy !== undefined ? { proxy } : {}),
  };
}

/** A decoded image: what the app shows about it (ExrViewInfo: size, windows, parts, summary; the
 *  same fields for any image) and its planar channels. */
export interface DecodedImage extends ExrViewInfo {
  kind: 'image';
  /** `exr`, `jpeg`, `png`, ... */
  format: string;
  /** `srgb`: 8-bit codes of sRGB-encoded colours (linearised in the shader); `linear`: scene values. */
  encoding: 'linear' | 'srgb';
  channels: ImageChannel[];
  /** Set on one band of a part decoded by several workers: the data-window rows `channels` hold
   *  (the page joins the bands into the whole data window). */
  rows?: [number, number];
  /** The server's first-paint stand-in (server-proxy.ts): channels hold no pixels (empty arrays),
   *  the channels shown have proxies; the worker's full decode replaces it. */
  preview?: boolean;
}

export interface ParticleColumn {
  name: string;
  type: 'float' | 'int' | 'vector';
  width: number;
  data: Float32Array;
  min: number[];
  max: number[];
  mean: number[];
}

export interface DecodedParticles {
  kind: 'particles';
  format: string;
  count: number;
  attributes: ParticleColumn[];
  bbox: { min: [number, number, number]; max: [number, number, number] } | null;
  summary: Record<string, unknown>;
}

export interface VolumeGridInfo {
  name: string;
  valueType: string;
  gridClass: string;
  voxelSize: number[];
}

export interface DecodedVolume {
  kind: 'volume';
  grids: VolumeGridInfo[];
  grid: string;
  gridClass: string;
  data: Float32Array;
  dims: [number, number, number];
  components: number;
  indexBox: { min: [number, number, number]; max: [number, number, number] } | null;
  step: number;
  textureToIndex: number[];
  textureToWorld: number[] | null;
  worldBox: { min: number[]; max: number[] } | null;
  maxVoxels: number;
  summary: Record<string, unknown>;
}

export type AbcRenderable = 'mesh' | 'points' | 'lines' | 'camera' | null;

export interface AbcNode {
  path: string;
  name: string;
  kind: string;
  parent: string | null;
  renderable: AbcRenderable;
}

export interface DecodedAlembic {
  kind: 'alembic';
  doc: number;
  nodes: AbcNode[];
  start: number;
  end: number;
  fps: number;
  cameras: string[];
  summary: Record<string, unknown>;
}

export interface AbcGeometryUpdate {
  position: Float32Array;
  normal?: Float32Array;
  index?: Uint32Array;
}

export interface AbcObjectState {
  path: string;
  /** World matrix, column-major (three.js `Matrix4.elements`). */
  matrix: number[];
  visible: boolean;
  geometry?: AbcGeometryUpdate;
  camera?: { fov: number; aspect: number; near: number; far: number };
}

export interface AbcFrame {
  time: number;
  objects: AbcObjectState[];
  errors: string[];
}

export type Decoded = DecodedImage | DecodedParticles | DecodedVolume | DecodedAlembic;

export interface DecodeRequest {
  type: 'decode';
  /** An absolute URL, or a File dropped on the page. */
  source: string | Blob;
  name: string;
  kind: ItemKind;
  part?: number;
  grid?: string;
  maxVoxels?: number;
  /** Decode band `[index, count]` of an EXR part's rows (several workers at once); needs `size`. */
  band?: [number, number];
  /** The file's size in bytes. */
  size?: number;
  /** Display-resolution proxies of the channels shown (a large scanline EXR read as one band). */
  proxy?: ProxyRequest;
}

export type WorkerRequest =
  | DecodeRequest
  | { type: 'abc-frame'; doc: number; time: number }
  | { type: 'abc-close'; doc: number };

export interface WorkerError {
  code: string;
  message: string;
}

export type WorkerResponse =
  | { id: number; ok: true; result: Decoded | AbcFrame | null; marks?: [string, number][] }
  | { id: number; ok: false; error: WorkerError };
