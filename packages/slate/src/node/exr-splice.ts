/**
 * Burning text into an EXR without re-encoding the whole frame. A scanline EXR is a header, an
 * offset table and independent chunks of 1-256 rows (OpenEXR file layout, "Scan Line Based Images");
 * burn-in text touches only the chunks of a few rows at the top and bottom. So:
 * 1. read the header and the offset table, and find the chunks that hold rows the text (its backing,
 *    the letterbox) covers;
 * 2. decode only those rows (`readExr` with a region), blend in linear light, and encode them as a
 *    small EXR of the same rows, channels and compression, whose chunks are then exactly the
 *    replacements (chunks start at the data window's first row, and ours start on a chunk boundary);
 * 3. write the original header bytes unchanged, a new offset table, and every chunk: the new ones
 *    where text is, the original bytes elsewhere.
 * Only single-part scanline images in increasing line order with unsubsampled channels take this
 * path; `spliceBurnin` returns undefined for anything else and the caller re-encodes the frame.
 */
import { EXR_LINES_PER_CHUNK, attributeValue, hasCompression, readExr, readExrHeader, writeExr, type Box2, type ExrChannelData, type ExrCompression, type ExrPartHeader } from '@vfxkit/exr';
import { nodeZlib } from '@vfxkit/exr/node';
import { LINEAR_REC709, colorSpaceForChromaticities, type Image, type SampleType } from '@vfxkit/image';
import type { PixelBox } from '../layout.js';

/** What the splice needs to know of a frame: its header, and the chunk table. */
export interface SpliceFrame {
  part: ExrPartHeader;
  /** Rows per chunk. */
  lines: number;
  /** Byte offset and length of every chunk, in offset-table order. */
  chunks: { offset: number; length: number }[];
  /** Where the offset table starts (the end of the header). */
  tableOffset: number;
}

function readUint64(view: DataView, at: number): number {
  const low = view.getUint32(at, true);
  const high = view.getUint32(at + 4, true);
  return high * 2 ** 32 + low;
}

/** The frame's layout when it can be spliced; undefined otherwise (or when anything looks off). */
export function spliceFrame(bytes: Uint8Array): SpliceFrame | undefined {
  const header = readExrHeader(bytes);
  if (header.parts.length !== 1 || header.flags.tiled || header.flags.multipart || header.flags.nonImage) return undefined;
  const part = header.parts[0]!;
  // Only methods this build writes can be spliced (the burnt-in rows are compressed again).
  const lines = hasCompression(part.compression, true) ? EXR_LINES_PER_CHUNK[part.compression] : undefined;
  if (part.type !== 'scanlineimage' || part.lineOrder !== 'increasingY' || lines === undefined) return undefined;
  if (part.channels.some((c) => c.xSampling !== 1 || c.ySampling !== 1)) return undefined;
  const height = part.dataWindow.yMax - part.dataWindow.yMin + 1;
  if (part.chunkCount !== Math.ceil(height / lines)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tableOffset = header.offsetTablesOffset;
  if (tableOffset + part.chunkCount * 8 > bytes.byteLength) return undefined;
  const chunks: { offset: number; length: number }[] = [];
  for (let i = 0; i < part.chunkCount; i++) {
    const offset = readUint64(view, tableOffset + i * 8);
    if (offset + 8 > bytes.byteLength) return undefined;
    const y = view.getInt32(offset, true);
    const size = view.getInt32(offset + 4, true);
    // Chunks must be in row order, each where the table says, whole (else: the full path decides).
    if (y !== part.dataWindow.yMin + i * lines || size < 0 || offset + 8 + size > bytes.byteLength) return undefined;
    chunks.push({ offset, length: 8 + size });
  }
  return { part, lines, chunks, tableOffset };
}

/** Runs of chunk indices [first, last] holding any of the given rows (absolute y, inclusive). */
export function dirtyChunkRuns(frame: SpliceFrame, rows: { y0: number; y1: number }[]): [number, number][] {
  const dirty = new Set<number>();
  const { yMin } = frame.part.dataWindow;
  const last = frame.chunks.length - 1;
  for (const { y0, y1 } of rows) {
    const first = Math.max(0, Math.floor((y0 - yMin) / frame.lines));
    const end = Math.min(last, Math.floor((y1 - yMin) / frame.lines));
    for (let c = first; c <= end; c++) dirty.add(c);
  }
  const sorted = [...dirty].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const c of sorted) {
    const run = runs[runs.length - 1];
    if (run !== undefined && run[1] === c - 1) run[1] = c;
    else runs.push([c, c]);
  }
  return runs;
}

const sampleType = (type: ExrChannelData['type']): SampleType => (type === 'uint' ? 'uint32' : type);

/**
 * Decodes the rows of chunks [first, last] as an `Image` whose data window is those rows (display
 * window the frame's), for blending.
 */
export function decodeRows(bytes: Uint8Array, frame: SpliceFrame, first: number, last: number): Image {
  const window = frame.part.dataWindow;
  const region: Box2 = { xMin: window.xMin, xMax: window.xMax, yMin: window.yMin + first * frame.lines, yMax: Math.min(window.yMax, window.yMin + (last + 1) * frame.lines - 1) };
  const decoded = readExr(bytes, { region, zlib: nodeZlib });
  // As @vfxkit/image names it: the part's chromaticities, Rec.709 primaries (OpenEXR's default) without them.
  const chromaticities = attributeValue(frame.part.attributes, 'chromaticities', 'chromaticities');
  return {
    width: decoded.width,
    height: decoded.height,
    dataWindow: region,
    displayWindow: frame.part.displayWindow,
    channels: decoded.channels.map((c) => ({ name: c.name, type: sampleType(c.type) })),
    pixels: { layout: 'planar', planes: decoded.channels.map((c) => c.data) },
    colorSpace: chromaticities === undefined ? LINEAR_REC709 : colorSpaceForChromaticities(chromaticities),
    alpha: 'premultiplied',
    metadata: { tags: {} },
  };
}

/** The rows of `image` encoded as chunks of the frame's compression (their bytes, in row order). */
export function encodeRows(image: Image, frame: SpliceFrame): Uint8Array[] {
  if (image.pixels.layout !== 'planar') throw new TypeError('encodeRows takes planar rows');
  const planes = image.pixels.planes;
  const small = writeExr(
    {
      dataWindow: image.dataWindow,
      displayWindow: image.displayWindow,
      channels: frame.part.channels.map((channel) => {
        const index = image.channels.findIndex((c) => c.name === channel.name);
        return { name: channel.name, type: channel.type, pLinear: channel.pLinear, data: planes[index] as Uint16Array | Float32Array | Uint32Array };
      }),
      compression: frame.part.compression as ExrCompression,
    },
    { compression: frame.part.compression, zlib: nodeZlib },
  );
  const layout = spliceFrame(small);
  if (layout === undefined) throw new Error('the re-encoded rows have an unexpected layout');
  return layout.chunks.map((chunk) => small.subarray(chunk.offset, chunk.offset + chunk.length));
}

/** The file with the given chunks replaced (by index), header bytes unchanged, offsets rewritten. */
export function assemble(bytes: Uint8Array, frame: SpliceFrame, replaced: Map<number, Uint8Array>): Uint8Array {
  const count = frame.chunks.length;
  let total = frame.tableOffset + count * 8;
  for (let i = 0; i < count; i++) total += replaced.get(i)?.length ?? frame.chunks[i]!.length;
  const out = new Uint8Array(total);
  out.set(bytes.subarray(0, frame.tableOffset), 0);
  const view = new DataView(out.buffer);
  let at = frame.tableOffset + count * 8;
  for (let i = 0; i < count; i++) {
    const chunk = replaced.get(i) ?? bytes.subarray(frame.chunks[i]!.offset, frame.chunks[i]!.offset + frame.chunks[i]!.length);
    view.setUint32(frame.tableOffset + i * 8, at % 2 ** 32, true);
    view.setUint32(frame.tableOffset + i * 8 + 4, Math.floor(at / 2 ** 32), true);
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** The absolute rows (inclusive) each box covers on a frame whose display window starts at `yMin`. */
export function boxRows(boxes: readonly PixelBox[], displayYMin: number): { y0: number; y1: number }[] {
  return boxes.filter((b) => b.width > 0 && b.height > 0).map((b) => ({ y0: b.y + displayYMin, y1: b.y + b.height - 1 + displayYMin }));
}
