/**
 * Attribute names between formats. The model uses Houdini's names (`P`, `v`, `id`, `Cd`, ...) as
 * the canonical ones; each naming convention maps them one to one, the way partio maps
 * `position`/`velocity`/`id` across its formats. Names outside the table pass through unchanged.
 * The README of the package shows the same table.
 */

/** The naming conventions of the supported formats. */
export type NamingConvention = 'houdini' | 'maya' | 'krakatoa' | 'realflow' | 'renderman' | 'three';

/** canonical name -> the name each convention uses (absent: the canonical name itself). */
export const ATTRIBUTE_NAMES: Readonly<Record<string, Partial<Record<NamingConvention, string>>>> = {
  P: { maya: 'position', krakatoa: 'Position', realflow: 'position', renderman: 'position', three: 'position' },
  v: { maya: 'velocity', krakatoa: 'Velocity', realflow: 'velocity', three: 'velocity' },
  id: { maya: 'particleId', krakatoa: 'ID' },
  Cd: { maya: 'rgbPP', krakatoa: 'Color', three: 'color' },
  Alpha: { maya: 'opacityPP' },
  N: { krakatoa: 'Normal', realflow: 'normal', renderman: 'normal', three: 'normal' },
  pscale: { maya: 'radiusPP', renderman: 'radius' },
  age: { krakatoa: 'Age' },
  life: { maya: 'lifespanPP', krakatoa: 'LifeSpan' },
  mass: { krakatoa: 'Mass' },
  accel: { maya: 'acceleration', krakatoa: 'Acceleration' },
  orient: { krakatoa: 'Orientation' },
  uv: { krakatoa: 'TextureCoord', realflow: 'uvw' },
  force: {},
};

const toNative = new Map<NamingConvention, Map<string, string>>();
const fromNative = new Map<NamingConvention, Map<string, string>>();
for (const [canonical, names] of Object.entries(ATTRIBUTE_NAMES)) {
  for (const [convention, native] of Object.entries(names) as [NamingConvention, string][]) {
    if (!toNative.has(convention)) toNative.set(convention, new Map());
    if (!fromNative.has(convention)) fromNative.set(convention, new Map());
    toNative.get(convention)!.set(canonical, native);
    fromNative.get(convention)!.set(native, canonical);
  }
}
// Names some writers use besides the preferred one: Maya files say `id` as often as `particleId`,
// partio's own files say `position`/`velocity` whatever the format.
const aliases: [NamingConvention, string, string][] = [
  ['maya', 'id', 'id'],
  ['houdini', 'position', 'P'],
  ['houdini', 'velocity', 'v'],
  ['krakatoa', 'position', 'P'],
  ['krakatoa', 'velocity', 'v'],
  ['krakatoa', 'id', 'id'],
  ['renderman', 'P', 'P'],
  ['renderman', 'N', 'N'],
];
for (const [convention, native, canonical] of aliases) {
  if (!fromNative.has(convention)) fromNative.set(convention, new Map());
  fromNative.get(convention)!.set(native, canonical);
}

/** The canonical name of `native`, a name as `convention` spells it. */
export function canonicalName(native: string, convention: NamingConvention): string {
  return fromNative.get(convention)?.get(native) ?? native;
}

/** How `convention` spells the canonical name `canonical`. */
export function nativeName(canonical: string, convention: NamingConvention): string {
  return toNative.get(convention)?.get(canonical) ?? canonical;
}

/**
 * Property groups that PLY and point-text columns fold into one attribute (and writers unfold):
 * `x y z` is `P`, `red green blue` is `Cd`. The first group of a name is the one writers use.
 */
export const COMPONENT_GROUPS: readonly { name: string; components: readonly string[] }[] = [
  { name: 'P', components: ['x', 'y', 'z'] },
  { name: 'N', components: ['nx', 'ny', 'nz'] },
  { name: 'v', components: ['vx', 'vy', 'vz'] },
  { name: 'Cd', components: ['red', 'green', 'blue'] },
  { name: 'Cd', components: ['r', 'g', 'b'] },
  { name: 'Cd', components: ['diffuse_red', 'diffuse_green', 'diffuse_blue'] },
  { name: 'uv', components: ['s', 't'] },
  { name: 'uv', components: ['u', 'v'] },
  { name: 'uv', components: ['texture_u', 'texture_v'] },
];

/** Single columns with a canonical name (`alpha` is `Alpha`). */
export const COLUMN_NAMES: Readonly<Record<string, string>> = {
  alpha: 'Alpha',
  intensity: 'intensity',
};
