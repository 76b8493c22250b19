/**
 * A minimal 16-bit PNG encoder, so 16-bit pixels reach sharp as what they are. sharp 0.35 takes raw
 * Uint16Array input as 16-bit samples but marks them sRGB (an 8-bit interpretation): converting to
 * `rgb16`/`grey16` or saving then shifts every sample down to 8 bits. A PNG it decodes itself is
 * RGB16/GREY16, so 16-bit pixels go in as an uncompressed-deflate PNG and come out exact.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '@vfxkit/core';

/** PNG colour types by channel count: grey, grey+alpha, RGB, RGBA. */
const COLOUR_TYPE = [0, 0, 4, 2, 6] as const;

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.byteLength + 12);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.byteLength);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.byteLength, crc32(out.subarray(4, 8 + data.byteLength)));
  return out;
}

/** PNG bytes of interleaved 16-bit samples (1 to 4 channels), every row unfiltered, stored without compression. */
export function encodePng16(samples: Uint16Array, width: number, height: number, channels: 1 | 2 | 3 | 4): Uint8Array {
  const row = width * channels * 2;
  const scanlines = new Uint8Array((row + 1) * height);
  const view = new DataView(scanlines.buffer);
  for (let y = 0, i = 0; y < height; y++) {
    let at = y * (row + 1) + 1; // the filter byte (0, none) comes first
    for (let x = 0; x < width * channels; x++, i++, at += 2) view.setUint16(at, samples[i]!);
  }
  const header = new Uint8Array(13);
  const headerView = new DataView(header.buffer);
  headerView.setUint32(0, width);
  headerView.setUint32(4, height);
  header[8] = 16;
  header[9] = COLOUR_TYPE[channels];
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  const parts = [signature, chunk('IHDR', header), chunk('IDAT', deflateSync(scanlines, { level: 0 })), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
