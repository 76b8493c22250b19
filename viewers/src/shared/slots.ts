/**
 * Which channels the image viewer shows: layers of a channel list and the channels of one layer
 * assigned to the R, G, B, A slots. Pure (no three.js), so the decode worker can tell which
 * channels a first view draws (it makes their display-resolution proxies) and the image viewer
 * binds the same ones.
 */

/** The channels of one layer, assigned to the R, G, B, A slots. */
export interface Slots<C extends { name: string }> {
  channels: (C | undefined)[];
  /** The R, G, B slots hold Y, RY, BY (OpenEXR luminance/chroma images). */
  yc: boolean;
}

/** Layers of a channel list: `diffuse.R` is channel R of layer `diffuse`; `R` is in layer ''. */
export function layersOf(channels: readonly { name: string }[]): string[] {
  const layers = new Set<string>();
  for (const c of channels) {
    const dot = c.name.lastIndexOf('.');
    layers.add(dot < 0 ? '' : c.name.slice(0, dot));
  }
  return [...layers];
}

/** The layer shown for the `wanted` option: that one when it exists, else the default, else the first. */
export function layerToShow(channels: readonly { name: string }[], wanted: string): string {
  const layers = layersOf(channels);
  return layers.includes(wanted) ? wanted : layers.includes('') ? '' : layers[0] ?? '';
}

function suffix(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot < 0 ? name : name.slice(dot + 1)).toLowerCase();
}

export function slotsFor<C extends { name: string }>(image: { channels: readonly C[] }, layer: string): Slots<C> {
  const inLayer = image.channels.filter((c) => {
    const dot = c.name.lastIndexOf('.');
    return (dot < 0 ? '' : c.name.slice(0, dot)) === layer;
  });
  const pick = (...names: string[]): C | undefined => inLayer.find((c) => names.includes(suffix(c.name)));
  let r = pick('r', 'red');
  let g = pick('g', 'green');
  let b = pick('b', 'blue');
  const a = pick('a', 'alpha');
  const luminance = pick('y');
  const ry = pick('ry');
  const by = pick('by');
  if (r === undefined && g === undefined && b === undefined && luminance !== undefined) {
    if (ry !== undefined && by !== undefined) return { channels: [luminance, ry, by, a], yc: true };
    [r, g, b] = [luminance, luminance, luminance];
  } else if (r === undefined && g === undefined && b === undefined) {
    const rest = inLayer.filter((c) => c !== a);
    if (rest.length === 1 || rest.length === 2) [r, g, b] = rest.length === 1 ? [rest[0], rest[0], rest[0]] : [rest[0], rest[1], undefined];
    else [r, g, b] = [rest[0], rest[1], rest[2]];
    if (rest.length === 0 && a !== undefined) [r, g, b] = [a, a, a];
  }
  return { channels: [r, g, b, a], yc: false };
}
