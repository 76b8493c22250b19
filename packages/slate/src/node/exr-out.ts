/**
 * Writing EXR slates and burnt-in EXR frames with every channel in its own sample type (RGBA half
 * beside a float Z stays so: @vfxkit/image's encodeImage makes an image of mixed types one type).
 * The attributes are the image's, with its colour space as `chromaticities` and its key tags.
 */
import { getColorSpace } from '@vfxkit/color';
import { EXR_COMPRESSIONS, writeExr, type ExrAttribute, type ExrCompression, type ExrWriteChannel } from '@vfxkit/exr';
import { nodeZlib } from '@vfxkit/exr/node';
import { chromaticitiesFor, tagsToExrAttributes, toPlanar, validateImage, type Image } from '@vfxkit/image';
import { SlateErrorCode, slateError } from '../errors.js';

function compressionOf(name: string | undefined): ExrCompression {
  const method = (name ?? 'zip').toLowerCase();
  if (!(EXR_COMPRESSIONS as readonly string[]).includes(method)) {
    throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, `unknown EXR compression '${name}': expected one of ${EXR_COMPRESSIONS.join(', ')}`);
  }
  return method as ExrCompression;
}

/** Encodes a planar (or interleaved) float/half/uint image as a single-part scanline EXR. */
export function encodeExrImage(image: Image, compression?: string): Uint8Array {
  validateImage(image);
  const planar = toPlanar(image);
  const method = compressionOf(compression);
  const channels: ExrWriteChannel[] = image.channels.map((channel, i) => {
    if (channel.type === 'uint8' || channel.type === 'uint16') throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, `EXR holds half, float or uint samples, not ${channel.type} (${channel.name})`);
    return { name: channel.name, type: channel.type === 'uint32' ? 'uint' : channel.type, data: planar.pixels.planes[i] as Uint16Array | Float32Array | Uint32Array };
  });
  const byName = new Map<string, ExrAttribute>((image.metadata.exrAttributes ?? []).map((a) => [a.name, a]));
  for (const attribute of tagsToExrAttributes(image.metadata)) if (!byName.has(attribute.name)) byName.set(attribute.name, attribute);
  byName.delete('chromaticities');
  const chromaticities = image.colorSpace !== undefined ? chromaticitiesFor(getColorSpace(image.colorSpace)) : undefined;
  if (chromaticities !== undefined) byName.set('chromaticities', { name: 'chromaticities', type: 'chromaticities', value: chromaticities });
  return writeExr(
    { dataWindow: image.dataWindow, displayWindow: image.displayWindow, channels, compression: method, attributes: [...byName.values()] },
    { compression: method, zlib: nodeZlib },
  );
}
