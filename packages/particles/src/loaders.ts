/**
 * loaders.gl loader objects, one per format family, so `@loaders.gl/core`'s `load`/`parse` can
 * read particle files without this package importing loaders.gl at runtime (the shape follows
 * `LoaderWithParser` from `@loaders.gl/loader-utils`). Every loader reads any supported format
 * (detection is by magic bytes); they differ in the extensions, MIME types and magic tests that
 * loaders.gl uses to pick one. Options go under the loader's id (`{ houdini: { maxParticles } }`)
 * or under `particles`, and are `readParticles` options.
 *
 * @example
 * import { load } from '@loaders.gl/core';
 * import { HoudiniGeometryLoader } from '@vfxkit/particles';
 * const set = await load('rain.0001.bgeo.sc', HoudiniGeometryLoader);
 */
import type { LoaderWithParser, StrictLoaderOptions } from '@loaders.gl/loader-utils';
import type { ParticleSet } from './model.js';
import type { FormatFamily, ReadParticlesOptions } from './formats/types.js';
import { particleFormats, readParticles, readParticlesAsync } from './registry.js';

/** loaders.gl options: `readParticles` options under `particles` or under the loader's id. */
export type ParticlesLoaderOptions = StrictLoaderOptions & { particles?: ReadParticlesOptions };

function bytesOf(data: ArrayBuffer | Uint8Array): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

function makeLoader<Id extends string>(id: Id, name: string, families: FormatFamily[]) {
  const formats = particleFormats.filter((f) => families.includes(f.family));
  const options = (all: ParticlesLoaderOptions | undefined): ReadParticlesOptions => ({
    ...(all?.particles ?? {}),
    ...((all?.[id] as ReadParticlesOptions | undefined) ?? {}),
  });
  return {
    dataType: null as unknown as ParticleSet,
    batchType: null as never,
    name,
    id,
    module: 'particles',
    version: '0.1.0',
    worker: false,
    extensions: [...new Set(formats.flatMap((f) => f.extensions.filter((e) => !e.includes('.'))))],
    mimeTypes: [...new Set(formats.flatMap((f) => f.mimeTypes))],
    category: 'pointcloud',
    binary: true,
    text: formats.some((f) => !f.binary),
    /** Magic-number tests of the family's formats. */
    tests: [
      (arrayBuffer: ArrayBuffer): boolean => {
        const head = new Uint8Array(arrayBuffer, 0, Math.min(256, arrayBuffer.byteLength));
        return formats.some((f) => f.magic !== undefined && f.magic(head));
      },
    ],
    options: { [id]: {} as ReadParticlesOptions } as Record<Id, ReadParticlesOptions>,
    parse: async (arrayBuffer: ArrayBuffer, loaderOptions?: ParticlesLoaderOptions): Promise<ParticleSet> =>
      readParticlesAsync(bytesOf(arrayBuffer), options(loaderOptions)),
    parseSync: (arrayBuffer: ArrayBuffer, loaderOptions?: ParticlesLoaderOptions): ParticleSet => readParticles(bytesOf(arrayBuffer), options(loaderOptions)),
  } as const satisfies LoaderWithParser<ParticleSet, never, ParticlesLoaderOptions>;
}

/** Houdini geometry: JSON `.bgeo`/`.geo`/`.bgeo.sc` and classic `.bhclassic`/`.hclassic`. */
export const HoudiniGeometryLoader = makeLoader('houdini', 'Houdini geometry', ['houdini']);
/** Maya particles: `.pda`, `.pdb`, `.pdc`. */
export const MayaParticlesLoader = makeLoader('maya', 'Maya particles', ['maya']);
/** Krakatoa `.prt` (PRT 1.0, 1.1, 2) and `.sprt`. */
export const KrakatoaPrtLoader = makeLoader('prt', 'Krakatoa PRT', ['krakatoa']);
/** RealFlow `.bin` particle caches. */
export const RealFlowBinLoader = makeLoader('realflow', 'RealFlow BIN', ['realflow']);
/** RenderMan `.ptc` point clouds. */
export const RenderManPtcLoader = makeLoader('ptc', 'RenderMan point cloud', ['renderman']);
/** PLY vertices as particles (every vertex property an attribute). */
export const PlyParticlesLoader = makeLoader('plyparticles', 'PLY particles', ['ply']);
/** Point text: `.pts`, `.xyz`, `.csv`. */
export const PointTextLoader = makeLoader('pointtext', 'Point text', ['text']);

/** Every loader above, for `registerLoaders`. */
export const particleLoaders = [
  HoudiniGeometryLoader,
  MayaParticlesLoader,
  KrakatoaPrtLoader,
  RealFlowBinLoader,
  RenderManPtcLoader,
  PlyParticlesLoader,
  PointTextLoader,
] as const;
