/**
 * Format inspectors for `vfx inspect`: each turns one file into a short typed summary (JSON fields
 * and human lines) by reading its header only. Formats added by later work register here: the
 * registry is plain data keyed by the core's format ids.
 */
import { open } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { ErrorCode, VfxError, detectFormat, type FileFormat } from '@vfxkit/core';
import { ExrErrorCode, readExrHeader, type Box2, type ExrChannel, type ExrHeader } from '@vfxkit/exr';
import type { MetadataTags } from '@vfxkit/image';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inspectParticlesAsync, type ParticleInfo } from '@vfxkit/particles';
import { inspectVdb, openVdbGrid, type VdbByteSource, type VdbGridInfo } from '@vfxkit/vdb';
import { inspectAlembic, type AlembicInspection } from '@vfxkit/alembic';

export interface FileSummary {
  /** The core format id (`jpeg`, `exr`, ...), or undefined when unknown. */
  format: string | undefined;
  /** Fields for `--json`. */
  fields: Record<string, unknown>;
  /** Label/value rows for the human summary. */
  rows: [string, string][];
  /** One short phrase for a directory listing (`1920x1080 jpeg 8-bit RGB`). */
  brief: string;
}

export interface Inspector {
  /** Core format ids it handles. */
  formats: readonly string[];
  inspect(path: string, format: FileFormat): Promise<FileSummary>;
}

/** Reads the first bytes of a file for magic detection. */
export async function readHead(path: string, length = 32): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const depthBits: Record<string, number> = { uchar: 8, char: 8, ushort: 16, short: 16, uint: 32, int: 32, float: 32, complex: 64, double: 64, dpcomplex: 128 };

function channelNames(channels: number, space: string | undefined, hasAlpha: boolean): string {
  if (space === 'b-w' || space === 'grey16') return hasAlpha ? 'YA' : 'Y';
  if (space === 'cmyk') return 'CMYK';
  if (channels === 1) return 'Y';
  if (channels === 2) return 'YA';
  if (channels === 3) return 'RGB';
  if (channels === 4) return hasAlpha ? 'RGBA' : 'RGBX';
  return `${channels} channels`;
}

/** Images sharp reads (JPEG, PNG, TIFF, WebP, GIF, AVIF/HEIF): dimensions, channels, depth, colour. */
export const imageInspector: Inspector = {
  formats: ['jpeg', 'png', 'tiff', 'webp', 'gif', 'heif'],
  async inspect(path) {
    let metadata: Metadata;
    try {
      metadata = await sharp(path, { failOn: 'none' }).metadata();
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      throw new VfxError(ErrorCode.CORRUPT, `cannot read the image header: ${reason}`, { file: path, cause: error });
    }
    const bits = metadata.bitsPerSample ?? depthBits[metadata.depth ?? ''] ?? undefined;
    // Loaded on first use: @vfxkit/image brings @vfxkit/color, which `vfx` need not load to start.
    const { describeTags, iccDescription, readExifTags } = await import('@vfxkit/image');
    const tags: MetadataTags = metadata.exif !== undefined ? readExifTags(new Uint8Array(metadata.exif)) : {};
    const icc = metadata.icc !== undefined ? iccDescription(new Uint8Array(metadata.icc)) : undefined;
    const channels = metadata.channels ?? 0;
    const names = channelNames(channels, metadata.space, metadata.hasAlpha ?? false);
    const fields: Record<string, unknown> = {
      format: metadata.format,
      width: metadata.width,
      height: metadata.height,
      channels,
      channelNames: names,
      bitDepth: bits,
      sampleType: metadata.depth,
      colorSpace: metadata.space,
      hasAlpha: metadata.hasAlpha ?? false,
      hasIccProfile: metadata.hasProfile ?? false,
      ...(metadata.density !== undefined ? { density: metadata.density } : {}),
      ...(metadata.orientation !== undefined ? { orientation: metadata.orientation } : {}),
      ...(metadata.pages !== undefined && metadata.pages > 1 ? { pages: metadata.pages } : {}),
      hasExif: metadata.exif !== undefined,
      hasXmp: metadata.xmp !== undefined,
      // Through @vfxkit/image: the ICC profile's name and the key EXIF fields (from the blocks
      // sharp has already read; no second read of the file).
      ...(icc !== undefined ? { iccProfile: icc } : {}),
      ...(Object.keys(tags).length > 0 ? { metadata: tags } : {}),
    };
    const rows: [string, string][] = [
      ['format', String(metadata.format)],
      ['dimensions', `${metadata.width} x ${metadata.height}`],
      ['channels', `${channels} (${names})`],
      ['bit depth', bits !== undefined ? `${bits}-bit ${metadata.depth === 'float' ? 'float' : 'integer'}` : String(metadata.depth)],
      ['colour space', `${metadata.space ?? 'unknown'}${metadata.hasProfile ? ` (ICC profile${icc !== undefined ? `: ${icc}` : ''})` : ''}`],
    ];
    rows.push(...describeTags(tags).filter(([label]) => label !== 'orientation'));
    if (metadata.density !== undefined) rows.push(['density', `${metadata.density} dpi`]);
    if (metadata.orientation !== undefined && metadata.orientation !== 1) rows.push(['orientation', `EXIF ${metadata.orientation}`]);
    if (metadata.pages !== undefined && metadata.pages > 1) rows.push(['pages', String(metadata.pages)]);
    const extras = [metadata.exif ? 'EXIF' : '', metadata.xmp ? 'XMP' : '', metadata.iptc ? 'IPTC' : ''].filter(Boolean);
    if (extras.length > 0) rows.push(['metadata', extras.join(', ')]);
    return {
      format: metadata.format,
      fields,
      rows,
      brief: `${metadata.width}x${metadata.height} ${metadata.format} ${bits ?? '?'}-bit ${names}`,
    };
  },
};

/** How much of an EXR is read first: headers are a few KiB unless they hold a preview or a manifest. */
const EXR_HEADER_PREFIX = 64 * 1024;

/** The headers of an EXR from its first bytes, reading more only while the headers are longer. */
async function readExrHeaderOnly(path: string): Promise<ExrHeader> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    let length = Math.min(size, EXR_HEADER_PREFIX);
    for (;;) {
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      try {
        return readExrHeader(buffer.subarray(0, bytesRead));
      } catch (error) {
        const truncated = error instanceof VfxError && error.code === ExrErrorCode.EXR_TRUNCATED;
        if (!truncated || bytesRead >= size) throw error instanceof VfxError ? error.withFile(path) : error;
        length = Math.min(size, length * 4);
      }
    }
  } finally {
    await handle.close();
  }
}

function boxSize(box: Box2): string {
  return `${box.xMax - box.xMin + 1}x${box.yMax - box.yMin + 1}`;
}

function boxText(box: Box2): string {
  return `(${box.xMin} ${box.yMin}) - (${box.xMax} ${box.yMax})`;
}

/** Channels by layer (everything before the last dot): `RGBA`, `diffuse.RGB`, ... */
function exrLayers(channels: readonly ExrChannel[]): { name: string; suffixes: string[] }[] {
  const order = ['R', 'G', 'B', 'A', 'X', 'Y', 'Z'];
  const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
  const layers = new Map<string, string[]>();
  for (const channel of channels) {
    const dot = channel.name.lastIndexOf('.');
    const layer = dot === -1 ? '' : channel.name.slice(0, dot);
    layers.set(layer, [...(layers.get(layer) ?? []), channel.name.slice(dot + 1)]);
  }
  return [...layers.entries()]
    .sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1))
    .map(([name, suffixes]) => ({ name, suffixes: suffixes.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1)) }));
}

function suffixText(suffixes: readonly string[]): string {
  return suffixes.every((s) => s.length === 1) ? suffixes.join('') : suffixes.join(',');
}

/** OpenEXR files: parts, resolution, windows, channels by layer, pixel types, compression (header only). */
export const exrInspector: Inspector = {
  formats: ['exr'],
  async inspect(path) {
    const header = await readExrHeaderOnly(path);
    const first = header.parts[0]!;
    const all = header.parts.flatMap((p) => p.channels);
    const pixelTypes = [...new Set(all.map((c) => c.type))];
    const compressions = [...new Set(header.parts.map((p) => p.compression))];
    const layers = exrLayers(first.channels);
    const base = layers.find((l) => l.name === '');
    const display = first.displayWindow;
    const width = display.xMax - display.xMin + 1;
    const height = display.yMax - display.yMin + 1;
    const fields: Record<string, unknown> = {
      format: 'exr',
      width,
      height,
      parts: header.parts.length,
      partType: first.type,
      channels: all.length,
      channelNames: first.channels.map((c) => c.name),
      layers: layers.map((l) => l.name),
      pixelTypes,
      compression: compressions.length === 1 ? compressions[0] : compressions,
      dataWindow: { ...first.dataWindow },
      displayWindow: { ...display },
      ...(first.tiles !== undefined ? { tiles: { ...first.tiles } } : {}),
      ...(header.parts.length > 1 ? { partNames: header.parts.map((p) => p.name ?? '') } : {}),
    };
    const rows: [string, string][] = [
      ['format', `OpenEXR ${header.version}${header.flags.multipart ? ', multi-part' : ''}${header.flags.nonImage ? ', deep' : ''}${header.flags.tiled ? ', tiled' : ''}`],
      ['dimensions', `${width} x ${height} (display window ${boxText(display)})`],
    ];
    if (boxText(first.dataWindow) !== boxText(display)) rows.push(['data window', `${boxText(first.dataWindow)}, ${boxSize(first.dataWindow)}`]);
    rows.push(['pixel type', pixelTypes.join('/')], ['compression', compressions.join(', ')]);
    if (first.tiles !== undefined) rows.push(['tiles', `${first.tiles.xSize} x ${first.tiles.ySize}, ${first.tiles.levelMode}`]);
    if (header.parts.length === 1) {
      rows.push(['channels', `${first.channels.length}: ${layers.map((l) => (l.name === '' ? suffixText(l.suffixes) : `${l.name}.${suffixText(l.suffixes)}`)).join(' ')}`]);
    } else {
      rows.push(['parts', String(header.parts.length)]);
      for (const part of header.parts) {
        const partLayers = exrLayers(part.channels);
        rows.push([
          `  ${part.index}${part.name ? ` ${part.name}` : ''}`,
          `${part.type}, ${boxSize(part.dataWindow)}, ${part.compression}, ${partLayers.map((l) => (l.name === '' ? suffixText(l.suffixes) : `${l.name}.${suffixText(l.suffixes)}`)).join(' ')}`,
        ]);
      }
    }
    const others = first.attributes.length;
    rows.push(['attributes', `${others} in ${header.parts.length === 1 ? 'the header' : 'the first header'} (vfx exr info for all)`]);
    const channelsBrief = base !== undefined ? suffixText(base.suffixes) : `${first.channels.length}ch`;
    const extraLayers = layers.filter((l) => l.name !== '').length;
    const brief = [
      `${width}x${height}`,
      'exr',
      pixelTypes.join('/'),
      channelsBrief + (extraLayers > 0 ? ` +${extraLayers} layer${extraLayers === 1 ? '' : 's'}` : ''),
      compressions.join('/'),
      ...(header.parts.length > 1 ? [`${header.parts.length} parts`] : []),
      ...(first.type === 'deepscanline' || first.type === 'deeptile' ? ['deep'] : []),
      ...(first.tiles !== undefined ? ['tiled'] : []),
    ];
    return { format: 'exr', fields, rows, brief: brief.join(' ') };
  },
};

/** A synchronous byte source over an open file: only the windows asked for are read. */
function fileSource(fd: number): VdbByteSource {
  const byteLength = fstatSync(fd).size;
  return {
    byteLength,
    read(offset, length) {
      const end = Math.min(byteLength, offset + length);
      const buffer = new Uint8Array(Math.max(0, end - offset));
      let done = 0;
      while (done < buffer.length) {
        const n = readSync(fd, buffer, done, buffer.length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return buffer.subarray(0, done);
    },
  };
}

/** OpenVDB volumes: grids with type, class, voxel size, active voxels and box, from the header and
 *  each grid's head (the writer's file_voxel_count / file_bbox metadata); a grid without that
 *  metadata has its topology read. */
export const vdbInspector: Inspector = {
  formats: ['vdb'],
  async inspect(path) {
    const fd = openSync(path, 'r');
    try {
      const source = fileSource(fd);
      let info;
      try {
        info = inspectVdb(source);
      } catch (error) {
        throw error instanceof VfxError ? error.withFile(path) : error;
      }
      const fmt = (n: number): string => String(Number(n.toPrecision(4)));
      const grids = info.grids.map((g: VdbGridInfo) => {
        let activeVoxels = g.fileVoxelCount;
        let box = g.fileBoundingBox;
        if (activeVoxels === undefined || box === undefined) {
          try {
            const grid = openVdbGrid(source, g); // topology only; values stay encoded
            activeVoxels = grid.activeVoxelCount();
            box = grid.indexBoundingBox();
          } catch {
            // An unreadable tree leaves the counts unknown; vfx vdb info says why.
          }
        }
        const voxelSize = g.transform.voxelSize().map((v) => Number(v.toPrecision(6)));
        return {
          name: g.displayName,
          valueType: g.valueType,
          gridClass: g.gridClass,
          voxelSize,
          ...(activeVoxels !== undefined ? { activeVoxels } : {}),
          ...(box !== undefined ? { indexBBox: [box.min, box.max] } : {}),
        };
      });
      const fields: Record<string, unknown> = {
        format: 'vdb',
        fileVersion: info.header.fileVersion,
        libraryVersion: `${info.header.libraryVersion.major}.${info.header.libraryVersion.minor}`,
        ...(info.creator !== undefined ? { creator: info.creator } : {}),
        grids,
      };
      const rows: [string, string][] = [
        ['format', `OpenVDB ${info.version}${info.creator !== undefined ? `, ${info.creator}` : ''}`],
        ['grids', String(grids.length)],
      ];
      for (const g of grids) {
        const size = g.voxelSize.every((v) => v === g.voxelSize[0]) ? fmt(g.voxelSize[0]!) : g.voxelSize.map(fmt).join(' x ');
        const box = g.indexBBox !== undefined ? `, [${g.indexBBox[0]!.join(', ')}] -> [${g.indexBBox[1]!.join(', ')}]` : '';
        const active = g.activeVoxels !== undefined ? `, ${g.activeVoxels.toLocaleString('en-US')} active voxels` : '';
        rows.push([`  ${g.name || '(unnamed)'}`, `${g.valueType} ${g.gridClass}, voxel ${size}${active}${box}`]);
      }
      const brief = `${grids.length} grid${grids.length === 1 ? '' : 's'}: ${grids.map((g) => `${g.name || '(unnamed)'} ${g.valueType}`).join(', ')}`;
      return { format: 'vdb', fields, rows, brief };
    } finally {
      closeSync(fd);
    }
  },
};

/** The registry, in lookup order. */
/** Files up to this size are read whole for particle inspection; bigger ones start with this much. */
const PARTICLE_HEADER_PREFIX = 16 * 1024 * 1024;

/** Particle and point-cloud files (partio's formats, Houdini geometry, PLY): count and attributes
 *  from the header where the format allows, without decoding the particles. */
export const particlesInspector: Inspector = {
  formats: ['bgeo', 'prt', 'pdc', 'pda', 'realflow', 'ptc', 'ply', 'points-text'],
  async inspect(path) {
    const handle = await open(path, 'r');
    let info: ParticleInfo;
    try {
      const size = (await handle.stat()).size;
      const name = path.slice(path.lastIndexOf('/') + 1);
      const read = async (length: number): Promise<Uint8Array> => {
        const buffer = new Uint8Array(length);
        const { bytesRead } = await handle.read(buffer, 0, length, 0);
        return buffer.subarray(0, bytesRead);
      };
      try {
        info = await inspectParticlesAsync(await read(Math.min(size, PARTICLE_HEADER_PREFIX)), { fileName: name });
      } catch (error) {
        // Formats whose attribute list follows the data need the whole file.
        if (size <= PARTICLE_HEADER_PREFIX) throw error instanceof VfxError ? error.withFile(path) : error;
        info = await inspectParticlesAsync(await read(size), { fileName: name });
      }
    } finally {
      await handle.close();
    }
    const attributes = info.attributes.map((a) => (a.width === 1 ? a.name : `${a.name}[${a.width}]`));
    return {
      format: info.format,
      fields: {
        format: info.format,
        formatName: info.formatName,
        count: info.count,
        attributes: info.attributes.map((a) => ({ name: a.name, type: a.type, width: a.width })),
        fixed: info.fixed.map((a) => ({ name: a.name, type: a.type, width: a.width })),
        ...(info.compression !== undefined ? { compression: info.compression } : {}),
      },
      rows: [
        ['format', `${info.formatName}${info.compression !== undefined ? ` (${info.compression})` : ''}`],
        ['particles', info.count.toLocaleString('en-US')],
        ['attributes', (attributes.length > 24 ? `${attributes.slice(0, 24).join(', ')}, and ${attributes.length - 24} more (vfx part attrs lists them)` : attributes.join(', ')) || 'none'],
        ...(info.fixed.length > 0 ? ([['fixed', info.fixed.map((a) => a.name).join(', ')]] as [string, string][]) : []),
        ...info.notes.map((note) => ['note', note] as [string, string]),
      ],
      brief: `${info.count.toLocaleString('en-US')} particles: ${attributes.slice(0, 8).join(' ')}${attributes.length > 8 ? ` +${attributes.length - 8} more` : ''} (${info.format})`,
    };
  },
};

/** The short name of an Alembic schema: `AbcGeom_PolyMesh_v1` -> `PolyMesh`. */
function schemaShortName(schema: string): string {
  return schema.replace(/^Abc[A-Za-z]*_/, '').replace(/_v\d+$/, '');
}

/** Alembic caches (Ogawa): object count, schemas and time range, from the object and property headers. */
export const alembicInspector: Inspector = {
  formats: ['alembic'],
  async inspect(path) {
    const handle = await open(path, 'r');
    let bytes: Uint8Array;
    try {
      const size = (await handle.stat()).size;
      bytes = new Uint8Array(size);
      let done = 0;
      while (done < size) {
        const { bytesRead } = await handle.read(bytes, done, size - done, done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      bytes = bytes.subarray(0, done);
    } finally {
      await handle.close();
    }
    let info: AlembicInspection;
    try {
      info = inspectAlembic(bytes, { properties: false });
    } catch (error) {
      throw error instanceof VfxError ? error.withFile(path) : error;
    }
    const objects = info.objects.filter((o) => o.path !== '/').length;
    const schemas = Object.entries(info.counts.bySchema)
      .map(([schema, count]) => ({ schema, name: schemaShortName(schema), count }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
    const samples = info.timeSamplings.reduce((max, t) => Math.max(max, t.maxSamples), 0);
    const perSample = info.timeSamplings.slice(1).find((t) => t.kind === 'uniform' && t.timePerCycle !== null && t.timePerCycle > 0)?.timePerCycle;
    const rate = info.info.dccFps ?? (perSample !== undefined && perSample !== null ? 1 / perSample : undefined);
    const round = (n: number): number => Number(n.toPrecision(6));
    const fields: Record<string, unknown> = {
      format: 'alembic',
      container: info.format,
      libraryVersion: info.libraryVersionText,
      ...(info.info.application !== '' ? { application: info.info.application } : {}),
      objects,
      schemas: Object.fromEntries(schemas.map((s) => [s.schema, s.count])),
      samples,
      timeRange: info.timeRange,
      ...(rate !== undefined && Number.isFinite(rate) ? { fps: round(rate) } : {}),
    };
    const rows: [string, string][] = [
      ['format', `Alembic (Ogawa), library ${info.libraryVersionText}${info.info.application !== '' ? `, ${info.info.application}` : ''}`],
      ['objects', String(objects)],
      ['schemas', schemas.map((s) => `${s.count} ${s.name}`).join(', ') || 'none'],
      ['time', info.timeRange !== null ? `${round(info.timeRange.start)} .. ${round(info.timeRange.end)} s, ${samples} sample${samples === 1 ? '' : 's'}${rate !== undefined && Number.isFinite(rate) ? ` at ${round(rate)} fps` : ''}` : 'not sampled'],
    ];
    const parts = [...schemas.slice(0, 4).map((s) => `${s.count} ${s.name}`), ...(schemas.length > 4 ? [`+${schemas.length - 4} more`] : []), `${samples} sample${samples === 1 ? '' : 's'}`];
    const brief = `${objects} object${objects === 1 ? '' : 's'}: ${parts.join(', ')}`;
    return { format: 'alembic', fields, rows, brief };
  },
};

export const inspectors: Inspector[] = [vdbInspector, exrInspector, particlesInspector, imageInspector, alembicInspector];

/** Registers a format inspector (later formats call this from their tool module). */
export function registerInspector(inspector: Inspector): void {
  inspectors.unshift(inspector);
}

/** Summarises one file: magic bytes first, then the extension; unknown formats get size only. */
export async function inspectFile(path: string, name: string): Promise<FileSummary> {
  const head = await readHead(path).catch((error: unknown) => {
    throw new VfxError(ErrorCode.IO, `cannot read: ${(error as Error).message}`, { file: path, cause: error });
  });
  const format = detectFormat(name, head);
  if (!format) return { format: undefined, fields: {}, rows: [], brief: '' };
  const inspector = inspectors.find((i) => i.formats.includes(format.id));
  if (!inspector) return { format: format.id, fields: { format: format.id }, rows: [['format', format.id]], brief: format.id };
  if (head.length === 0) throw new VfxError(ErrorCode.TRUNCATED, 'the file is empty (0 bytes)', { file: path });
  return inspector.inspect(path, format);
}
