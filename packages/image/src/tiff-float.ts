/**
 * A writer for float TIFF (32-bit float and 16-bit half samples), which sharp cannot write: libvips
 * takes raw float input as 16-bit RGB and casts it to integers on output. sharp reads these files
 * back (as scRGB float), as do OpenImageIO, Nuke and Photoshop.
 *
 * Spec: TIFF 6.0 (Adobe, 1992) sections 2 (structure), 8 (RGB full-colour images) and 19
 * (SampleFormat, ExtraSamples); Adobe PageMaker 6.0 TIFF Technical Notes for Deflate compression
 * (Compression = 8, a zlib stream per strip); Adobe XMP Specification Part 3 section 1.1.4 (the XMP
 * packet in tag 700). Little-endian, chunky (interleaved) samples, one strip per 64 KiB of rows,
 * no predictor.
 */
import { deflateSync } from 'node:zlib';
import { ByteWriter } from '@vfxkit/core';
import type { MetadataTags } from './model.js';

export interface FloatTiffInput {
  width: number;
  height: number;
  /** 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA), interleaved. */
  channels: number;
  /** Float32Array for 32-bit float samples, Uint16Array of half bits for 16-bit float samples. */
  data: Float32Array | Uint16Array;
  /** Whether the last channel is alpha, and how it is associated. */
  alpha?: 'straight' | 'premultiplied';
  compression?: 'none' | 'deflate';
  tags?: MetadataTags;
  xmp?: string;
  /** Pixels per inch. */
  density?: number;
}

const TYPE = { BYTE: 1, ASCII: 2, SHORT: 3, LONG: 4, RATIONAL: 5 } as const;

interface Entry {
  tag: number;
  type: number;
  values: number[] | Uint8Array;
}

const encoder = new TextEncoder();

function ascii(tag: number, text: string): Entry {
  return { tag, type: TYPE.ASCII, values: Uint8Array.from([...encoder.encode(text), 0]) };
}

function valueSize(entry: Entry): number {
  const unit = entry.type === TYPE.SHORT ? 2 : entry.type === TYPE.LONG ? 4 : entry.type === TYPE.RATIONAL ? 8 : 1;
  return unit * (entry.type === TYPE.RATIONAL ? entry.values.length / 2 : entry.values.length);
}

function writeValues(writer: ByteWriter, entry: Entry): void {
  if (entry.values instanceof Uint8Array) {
    writer.bytes(entry.values);
    return;
  }
  for (const v of entry.values) {
    if (entry.type === TYPE.SHORT) writer.u16(v);
    else if (entry.type === TYPE.LONG || entry.type === TYPE.RATIONAL) writer.u32(v);
    else writer.u8(v);
  }
}

/** Encodes a float or half TIFF. */
export function writeFloatTiff(input: FloatTiffInput): Uint8Array {
  const { width, height, channels, data } = input;
  const half = data instanceof Uint16Array;
  const bytesPerSample = half ? 2 : 4;
  const rowBytes = width * channels * bytesPerSample;
  const rowsPerStrip = Math.max(1, Math.min(height, Math.floor(65536 / rowBytes)));
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // Typed arrays are in the machine's order; TIFF files here are little-endian ("II").
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const strips: Uint8Array[] = [];
  for (let y = 0; y < height; y += rowsPerStrip) {
    let strip = raw.subarray(y * rowBytes, Math.min(height, y + rowsPerStrip) * rowBytes);
    if (!little) strip = swapBytes(strip, bytesPerSample);
    strips.push(input.compression === 'none' ? strip : new Uint8Array(deflateSync(strip)));
  }

  const grey = channels <= 2;
  const hasAlpha = channels === 2 || channels === 4;
  const entries: Entry[] = [
    { tag: 256, type: TYPE.LONG, values: [width] },
    { tag: 257, type: TYPE.LONG, values: [height] },
    { tag: 258, type: TYPE.SHORT, values: new Array<number>(channels).fill(bytesPerSample * 8) },
    { tag: 259, type: TYPE.SHORT, values: [input.compression === 'none' ? 1 : 8] },
    { tag: 262, type: TYPE.SHORT, values: [grey ? 1 : 2] },
    { tag: 273, type: TYPE.LONG, values: new Array<number>(strips.length).fill(0) },
    { tag: 277, type: TYPE.SHORT, values: [channels] },
    { tag: 278, type: TYPE.LONG, values: [rowsPerStrip] },
    { tag: 279, type: TYPE.LONG, values: strips.map((s) => s.length) },
    { tag: 284, type: TYPE.SHORT, values: [1] },
    { tag: 339, type: TYPE.SHORT, values: new Array<number>(channels).fill(3) },
  ];
  if (hasAlpha) entries.push({ tag: 338, type: TYPE.SHORT, values: [input.alpha === 'premultiplied' ? 1 : 2] });
  const tags = input.tags ?? {};
  if (tags.ImageDescription) entries.push(ascii(270, tags.ImageDescription));
  if (tags.Make) entries.push(ascii(271, tags.Make));
  if (tags.Model) entries.push(ascii(272, tags.Model));
  if (tags.Orientation !== undefined && tags.Orientation >= 1 && tags.Orientation <= 8) entries.push({ tag: 274, type: TYPE.SHORT, values: [tags.Orientation] });
  if (tags.Software) entries.push(ascii(305, tags.Software));
  if (tags.DateTimeOriginal) entries.push(ascii(306, tags.DateTimeOriginal));
  if (tags.Artist) entries.push(ascii(315, tags.Artist));
  if (tags.Copyright) entries.push(ascii(33432, tags.Copyright));
  if (input.density !== undefined && input.density > 0) {
    const dpi = Math.round(input.density * 1000);
    entries.push({ tag: 282, type: TYPE.RATIONAL, values: [dpi, 1000] }, { tag: 283, type: TYPE.RATIONAL, values: [dpi, 1000] }, { tag: 296, type: TYPE.SHORT, values: [2] });
  }
  if (input.xmp !== undefined && input.xmp !== '') entries.push({ tag: 700, type: TYPE.BYTE, values: encoder.encode(input.xmp) });
  entries.sort((a, b) => a.tag - b.tag);

  // Layout: header (8), IFD (2 + 12n + 4), values longer than 4 bytes, then the strips.
  const ifdSize = 2 + entries.length * 12 + 4;
  let offset = 8 + ifdSize;
  const valueOffsets = entries.map((entry) => {
    const size = valueSize(entry);
    if (size <= 4) return -1;
    const at = offset;
    offset += size + (size % 2);
    return at;
  });
  const stripOffsets: number[] = [];
  for (const strip of strips) {
    stripOffsets.push(offset);
    offset += strip.length;
  }
  entries.find((e) => e.tag === 273)!.values = stripOffsets;
  const writer = new ByteWriter(offset + 16);
  writer.u8(0x49).u8(0x49).u16(42).u32(8);
  writer.u16(entries.length);
  entries.forEach((entry, i) => {
    writer.u16(entry.tag).u16(entry.type).u32(entry.type === TYPE.RATIONAL ? entry.values.length / 2 : entry.values.length);
    if (valueOffsets[i]! >= 0) {
      writer.u32(valueOffsets[i]!);
    } else {
      const start = writer.length;
      writeValues(writer, entry);
      while (writer.length < start + 4) writer.u8(0);
    }
  });
  writer.u32(0);
  entries.forEach((entry, i) => {
    if (valueOffsets[i]! < 0) return;
    writeValues(writer, entry);
    if (valueSize(entry) % 2 === 1) writer.u8(0);
  });
  for (const strip of strips) writer.bytes(strip);
  return writer.toBytes();
}

function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let k = 0; k < size; k++) out[i + k] = bytes[i + size - 1 - k]!;
  return out;
}
