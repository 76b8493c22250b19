/**
 * @vfxkit/particles: partio-style particle sets in pure TypeScript. One columnar model
 * (`ParticleSet`) for every format — Houdini JSON and classic geometry, Maya PDA/PDB/PDC, Krakatoa
 * PRT, RealFlow BIN, RenderMan PTC, PLY and point text files — read and written from bytes, with a
 * plain-data format registry and header-only inspection. No node: imports: it runs in browsers as
 * in Node. The three.js adapter is `@vfxkit/particles/three`.
 */
export * from './model.js';
export { PartErrorCode, partError, type PartErrorCode as PartErrorCodeValue } from './errors.js';
export { ATTRIBUTE_NAMES, COMPONENT_GROUPS, canonicalName, nativeName, type NamingConvention } from './names.js';
export type { ParticleFormat, FormatFamily, ReadParticlesOptions, WriteParticlesOptions } from './formats/types.js';
export {
  particleFormats,
  particleFormat,
  supportedFormatsText,
  detectParticleFormat,
  formatForFileName,
  readParticles,
  readParticlesAsync,
  inspectParticles,
  inspectParticlesAsync,
  writeParticles,
  type FormatMatch,
} from './registry.js';
export { attributeStats, statsOf, boundingBox, type AttributeStats, type BoundingBox } from './stats.js';
export { mergeParticleSets } from './merge.js';
export { filterParticles, selectAttributes } from './select.js';
export { fflateZlib, type ZlibCodec } from './io/compression.js';
export {
  HoudiniGeometryLoader,
  MayaParticlesLoader,
  KrakatoaPrtLoader,
  RealFlowBinLoader,
  RenderManPtcLoader,
  PlyParticlesLoader,
  PointTextLoader,
  particleLoaders,
  type ParticlesLoaderOptions,
} from './loaders.js';
// Format modules, for callers who know the format.
export { readBhclassic, inspectBhclassic, writeBhclassic } from './formats/bhclassic.js';
export { readHclassic, inspectHclassic, writeHclassic } from './formats/hclassic.js';
export { readBgeo, inspectBgeo, writeBgeo, readGeo, inspectGeo, writeGeo, readBgeoSc, readBgeoScAsync, inspectBgeoSc } from './formats/houdini-json.js';
export { readPda, inspectPda, writePda } from './formats/pda.js';
export { readPdb, inspectPdb, writePdb } from './formats/pdb.js';
export { readPdc, inspectPdc, writePdc } from './formats/pdc.js';
export { readPrt, readPrtAsync, inspectPrt, writePrt, type PrtMetadata } from './formats/prt.js';
export { readBin, inspectBin, writeBin, type BinHeader } from './formats/bin.js';
export { readPtc, inspectPtc, writePtc, type PtcHeader } from './formats/ptc.js';
export { readPly, inspectPly, writePly, readPlyHeader, readPlyWithLoadersGl, type PlyHeader } from './formats/ply.js';
export { readPts, readXyz, readCsv } from './formats/points-text.js';
