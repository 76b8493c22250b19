/**
 * `vfx exr probe`: every channel's value at one pixel, decoding only the chunk that holds it. Values
 * are in the file's own type: a half channel gives the half's exact value, a float channel the
 * float's (shortest digits that read back the same), a uint channel the integer. A subsampled
 * channel gives the sample covering the pixel; a deep part gives each channel's samples as a list.
 */
import { VfxError, halfToFloat } from '@vfxkit/core';
import { ExrErrorCode, readExr, readExrHeader, type ExrChannel, type ExrPixelType, type ZlibCodec } from '@vfxkit/exr';
import { boxText, jsonNumber, partLabel } from './format.js';
import { selectPart, type PartSpec } from './files.js';

export interface ProbeResult {
  x: number;
  y: number;
  part: number;
  name?: string;
  /** Channel name -> value (deep parts: the pixel's samples). Non-finite values are the strings
   *  `NaN`, `Infinity`, `-Infinity` in JSON. */
  values: Record<string, number | string | (number | string)[]>;
  types: Record<string, ExrPixelType>;
}

function sampleValue(type: ExrPixelType, data: Uint16Array | Float32Array | Uint32Array, index: number): number | string {
  const raw = data[index]!;
  if (type === 'half') return jsonNumber(halfToFloat(raw));
  if (type === 'float') return jsonNumber(raw, true);
  return raw;
}

export function probePixel(bytes: Uint8Array, spec: PartSpec | undefined, x: number, y: number, file: string, zlib?: ZlibCodec): ProbeResult {
  const header = readExrHeader(bytes);
  const part = spec === undefined ? header.parts[0]! : selectPart(header, spec, file);
  const window = part.dataWindow;
  if (x < window.xMin || x > window.xMax || y < window.yMin || y > window.yMax) {
    throw new VfxError(
      ExrErrorCode.EXR_BAD_ARGUMENT,
      `pixel (${x}, ${y}) is outside the data window ${boxText(window)} of ${partLabel(part)}; pixels there hold no data`,
      { file },
      'usage',
    );
  }
  const result: ProbeResult = { x, y, part: part.index, values: {}, types: {} };
  if (part.name !== undefined) result.name = part.name;
  const options = { part: part.index, ...(zlib !== undefined ? { zlib } : {}) };

  if (part.type === 'deepscanline' || part.type === 'deeptile') {
    const image = readExr(bytes, { ...options, region: { xMin: x, yMin: y, xMax: x, yMax: y } });
    for (const channel of image.deep!.channels) {
      result.types[channel.name] = channel.type;
      result.values[channel.name] = Array.from({ length: channel.data.length }, (_, i) => sampleValue(channel.type, channel.data, i));
    }
    return result;
  }

  // Channels sampled alike are read together; a subsampled channel at the sample covering (x, y).
  const groups = new Map<string, ExrChannel[]>();
  for (const channel of part.channels) {
    const key = `${channel.xSampling}x${channel.ySampling}`;
    groups.set(key, [...(groups.get(key) ?? []), channel]);
  }
  for (const channels of groups.values()) {
    const { xSampling, ySampling } = channels[0]!;
    const sx = Math.floor(x / xSampling) * xSampling;
    const sy = Math.floor(y / ySampling) * ySampling;
    const image = readExr(bytes, { ...options, channels: channels.map((c) => c.name), region: { xMin: sx, yMin: sy, xMax: sx, yMax: sy } });
    for (const channel of image.channels) {
      result.types[channel.name] = channel.type;
      result.values[channel.name] = channel.data.length > 0 ? sampleValue(channel.type, channel.data, 0) : 'NaN';
    }
  }
  // Channel-list order, whatever order the groups were read in.
  const ordered: ProbeResult['values'] = {};
  for (const channel of part.channels) if (channel.name in result.values) ordered[channel.name] = result.values[channel.name]!;
  result.values = ordered;
  return result;
}
