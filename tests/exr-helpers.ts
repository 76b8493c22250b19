/**
 * Helpers for the `vfx exr` tests: the reference tools (OpenEXR's exrheader, OpenImageIO's oiiotool
 * and idiff) run at test time and their output parsed, sample EXRs generated with them into a
 * temporary directory, and the real files of ../shared/fixtures-real/exr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { realFixtures } from './helpers.js';

/** True when `command` can be run. */
export function hasTool(command: string): boolean {
  const result = spawnSync(command, ['--help'], { encoding: 'utf8' });
  return result.error === undefined;
}

export function run(command: string, args: string[], cwd?: string): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...(cwd !== undefined ? { cwd } : {}) });
  return { code: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Runs a reference tool and fails loudly when it fails. */
export function runOk(command: string, args: string[], cwd?: string): string {
  const result = run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** ../shared/fixtures-real/exr, or undefined (tests skip with a reason). */
export function realExrDir(): string | undefined {
  const root = realFixtures();
  if (root === undefined) return undefined;
  const dir = join(root, 'exr');
  return existsSync(dir) ? dir : undefined;
}

/** Every .exr under `dir`, sorted; the `invalid/` folder (broken on purpose) apart. */
export function listExrs(dir: string): { valid: string[]; invalid: string[] } {
  const valid: string[] = [];
  const invalid: string[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.exr')) (relative(dir, full).split('/').includes('invalid') ? invalid : valid).push(full);
    }
  };
  walk(dir);
  return { valid, invalid };
}

export const skipReasons = {
  real: 'skipped: ../shared/fixtures-real/exr is absent (set VFX_REAL_FIXTURES to its parent)',
  oiiotool: 'skipped: oiiotool (OpenImageIO) is not installed',
  exrheader: 'skipped: exrheader (OpenEXR tools) is not installed',
};

/**
 * Sample files made with oiiotool and OpenEXR's tools: half RGBA (PIZ), float RGB noise (ZIP),
 * uint channels, tiled, mip-mapped, an offset data window, layered AOVs and a two-part file.
 */
export function generateExrs(dir: string): Record<string, string> {
  const names = ['checker_piz', 'window', 'noise_float', 'uint', 'depth', 'layers', 'tiled'];
  const files: Record<string, string> = Object.fromEntries(names.map((name) => [name, join(dir, `${name}.exr`)]));
  const checker = ['--pattern', 'checker:color1=0.1,0.2,0.3,1:color2=0.9,0.8,0.7,0.5', '256x128', '4'];
  // One oiiotool run makes them all (each start of oiiotool costs over a second here).
  runOk('oiiotool', [
    ...checker, '-d', 'half', '--compression', 'piz', '-o', files.checker_piz!,
    '--origin', '+20+10', '--fullsize', '300x200+0+0', '--compression', 'rle', '-o', files.window!,
    '--pattern', 'noise:type=gaussian:mean=0.5:stddev=0.3:seed=1', '200x100', '3', '-d', 'float', '--compression', 'zip', '-o', files.noise_float!,
    '--pattern', 'fill:top=0,0:bottom=1,0.5', '64x48', '2', '--chnames', 'id,count', '-d', 'uint32', '--compression', 'zips', '-o', files.uint!,
    '--pattern', 'constant:color=0.25', '256x128', '1', '--chnames', 'Z', '-d', 'float', '--compression', 'zip', '-o', files.depth!,
    ...checker,
    '--pattern', 'noise:type=uniform:min=0:max=2:seed=3', '256x128', '3', '--chnames', 'diffuse.R,diffuse.G,diffuse.B',
    '--pattern', 'constant:color=0.5,0.25,0.125', '256x128', '3', '--chnames', 'specular.R,specular.G,specular.B',
    '--chappend', '--chappend', '-d', 'half', '--compression', 'dwaa', '-o', files.layers!,
    ...checker, '-d', 'half', '--tile', '64', '64', '--compression', 'zip', '-o', files.tiled!,
  ]);
  runOk('exrmaketiled', ['-m', '-z', 'zip', files.checker_piz!, join(dir, 'mip.exr')]);
  files.mip = join(dir, 'mip.exr');
  runOk('exrmultipart', ['-combine', '-i', files.checker_piz!, files.depth!, '-o', join(dir, 'twoparts.exr')]);
  files.twoparts = join(dir, 'twoparts.exr');
  return files;
}

export interface ExrheaderAttribute {
  type: string;
  /** The text after `name (type T): ` (may be empty). */
  inline: string;
  /** Indented lines below (channels, matrices, ...), trimmed. */
  lines: string[];
}

/** exrheader's output as one map of attributes per part. */
export function parseExrheader(text: string): Map<string, ExrheaderAttribute>[] {
  const parts: Map<string, ExrheaderAttribute>[] = [];
  let current: Map<string, ExrheaderAttribute> | undefined;
  let last: ExrheaderAttribute | undefined;
  for (const line of text.split('\n')) {
    if (/^ part \d+:$/.test(line)) {
      current = new Map();
      parts.push(current);
      last = undefined;
      continue;
    }
    const match = /^(\S.*?) \(type ([^)]+)\)(?::\s?(.*))?$/.exec(line);
    if (match !== null) {
      if (current === undefined) {
        current = new Map();
        parts.push(current);
      }
      last = { type: match[2]!, inline: (match[3] ?? '').trim(), lines: [] };
      current.set(match[1]!, last);
      continue;
    }
    if (/^\s+\S/.test(line) && last !== undefined) last.lines.push(line.trim());
    else if (line.trim() === '') last = undefined;
  }
  return parts;
}

/** oiiotool's channel order (R, G, B, A first, then file order) for the first subimage. */
export function oiioChannels(file: string): string[] {
  return channelList(runOk('oiiotool', ['-v', '--info', file]), file);
}

export interface OiioStats {
  channels: string[];
  min: number[];
  max: number[];
  avg: number[];
  stdDev: number[];
  nanCount: number[];
  infCount: number[];
}

function channelList(info: string, file: string): string[] {
  const match = /channel list: (.*)/.exec(info);
  if (match === null) throw new Error(`no channel list in oiiotool --info output for ${file}`);
  return match[1]!.split(', ').map((c) => c.replace(/ \([a-z0-9]+\)$/, ''));
}

/** `oiiotool --stats FILE` for the first subimage, with channel names. */
export function oiioStats(file: string): OiioStats {
  const text = runOk('oiiotool', ['-v', '--info', '--stats', file]);
  const row = (label: string): number[] => {
    const match = new RegExp(`Stats ${label}: ([^\\n]*)`).exec(text);
    if (match === null) throw new Error(`no '${label}' in oiiotool --stats output for ${file}`);
    return match[1]!
      .replace(/\((float|int|half|uint)\)\s*$/, '')
      .trim()
      .split(/\s+/)
      .map(Number);
  };
  return {
    channels: channelList(text, file),
    min: row('Min'),
    max: row('Max'),
    avg: row('Avg'),
    stdDev: row('StdDev'),
    nanCount: row('NanCount'),
    infCount: row('InfCount'),
  };
}

/** Every channel's value at each (x, y) as OpenImageIO reads it: 1x1 crops written in one oiiotool
 *  run, dumped in a second. */
export function oiioPixels(file: string, points: readonly [number, number][], scratch: string): Record<string, number>[] {
  const crops = points.map(([x, y], i) => join(scratch, `pixel-${i}-${x}-${y}.exr`));
  const args = [file];
  points.forEach(([x, y], i) => args.push('--dup', '--crop', `1x1+${x}+${y}`, '-d', 'float', '-o', crops[i]!, '--pop'));
  runOk('oiiotool', args);
  const dump = runOk('oiiotool', ['-v', '--info', '--dumpdata', ...crops]);
  return points.map(([x, y], i) => {
    const section = dump.slice(dump.indexOf(crops[i]!));
    const match = new RegExp(`Pixel \\(${x}, ${y}\\): ([^\\n]*)`).exec(section);
    if (match === null) throw new Error(`no pixel (${x}, ${y}) in oiiotool --dumpdata output:\n${dump}`);
    const values = match[1]!.trim().split(/\s+/).map(Number);
    const names = channelList(section, crops[i]!);
    return Object.fromEntries(names.map((name, c) => [name, values[c]!]));
  });
}

/** Relative closeness for numbers printed with a few digits. */
export function close(a: number, b: number, relative = 1e-5, absolute = 1e-6): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  return Math.abs(a - b) <= Math.max(absolute, relative * Math.max(Math.abs(a), Math.abs(b)));
}
