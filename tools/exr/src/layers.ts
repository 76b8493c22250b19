/**
 * Channels grouped by layer, as compositing packages show them: `diffuse.R`, `diffuse.G` and
 * `diffuse.B` are the layer `diffuse`; `R`, `G`, `B`, `A` with no dot are the default layer (`""`).
 * The layer is everything before the last dot, so `light.key.R` is in layer `light.key`.
 */
import type { ExrChannel } from '@vfxkit/exr';

export interface Layer {
  /** `""` for channels without a dot. */
  name: string;
  channels: ExrChannel[];
}

/** The part of a channel name after the layer: `R` for `diffuse.R`. */
export function channelSuffix(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? name : name.slice(dot + 1);
}

export function layerOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? '' : name.slice(0, dot);
}

/** Conventional order inside a layer: colour, alpha, vectors, depth, then the rest by name. */
const suffixOrder = ['R', 'G', 'B', 'A', 'X', 'Y', 'Z', 'U', 'V', 'W', 'r', 'g', 'b', 'a', 'x', 'y', 'z', 'u', 'v', 'w'];

function suffixRank(suffix: string): number {
  const rank = suffixOrder.indexOf(suffix);
  return rank === -1 ? suffixOrder.length : rank;
}

export function sortInLayer(channels: readonly ExrChannel[]): ExrChannel[] {
  return [...channels].sort((a, b) => {
    const ra = suffixRank(channelSuffix(a.name));
    const rb = suffixRank(channelSuffix(b.name));
    if (ra !== rb) return ra - rb;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

/** Layers in order: the default layer first, then by name; channels in conventional order. */
export function groupLayers(channels: readonly ExrChannel[]): Layer[] {
  const byName = new Map<string, ExrChannel[]>();
  for (const channel of channels) {
    const layer = layerOf(channel.name);
    byName.set(layer, [...(byName.get(layer) ?? []), channel]);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([name, list]) => ({ name, channels: sortInLayer(list) }));
}

/** A compact name for a layer's channels: `RGBA` when every suffix is one letter, else `R,G,B,extra`. */
export function suffixesText(channels: readonly ExrChannel[]): string {
  const suffixes = channels.map((c) => channelSuffix(c.name));
  return suffixes.every((s) => s.length === 1) ? suffixes.join('') : suffixes.join(',');
}
