/**
 * Format inspectors for `vfx inspect`: each turns one file into a short typed summary (JSON fields
 * and human lines) by reading its header only. Formats added by later work register here: the
 * registry is plain data keyed by the core's format ids.
 */
import { open } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { ErrorCode, VfxError, detectFormat, type FileFormat } from '@vfxkit/core';

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
    };
    const rows: [string, string][] = [
      ['format', String(metadata.format)],
      ['dimensions', `${metadata.width} x ${metadata.height}`],
      ['channels', `${channels} (${names})`],
      ['bit depth', bits !== undefined ? `${bits}-bit ${metadata.depth === 'float' ? 'float' : 'integer'}` : String(metadata.depth)],
      ['colour space', `${metadata.space ?? 'unknown'}${metadata.hasProfile ? ' (ICC profile)' : ''}`],
    ];
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

/** The registry, in lookup order. */
export const inspectors: Inspector[] = [imageInspector];

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
