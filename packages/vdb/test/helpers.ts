/**
 * Shared test helpers: where the real fixtures are, which reference tools exist (vdb_print,
 * vdb_tool from Debian's libopenvdb-tools; pyopenvdb from python3-openvdb, run with
 * /usr/bin/python3), a parser for `vdb_print -l -m` and a pyopenvdb sampler, so tests compare our
 * reading with OpenVDB's at test time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VdbGrid } from '@vfxkit/vdb';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const fixturesRoot = resolve(repoRoot, process.env['VFX_REAL_FIXTURES'] ?? '/work/shared/fixtures-real');
export const vdbFixtures = join(fixturesRoot, 'vdb');
/** Why real-fixture tests are skipped, or false when the fixtures are there. */
export const noFixtures: string | false = existsSync(vdbFixtures) ? false : `real fixtures not found at ${vdbFixtures} (set VFX_REAL_FIXTURES)`;

/** Every .vdb under fixtures-real/vdb, relative to that folder. */
export function listFixtures(): string[] {
  if (noFixtures) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.vdb')) out.push(relative(vdbFixtures, path));
    }
  };
  walk(vdbFixtures);
  return out;
}

export const PYTHON = '/usr/bin/python3';

const toolCache = new Map<string, string | false>();
function probe(key: string, check: () => boolean, reason: string): string | false {
  if (!toolCache.has(key)) toolCache.set(key, check() ? false : reason);
  return toolCache.get(key)!;
}

/** Why vdb_print-based tests are skipped, or false. */
export function missingVdbPrint(): string | false {
  return probe('vdb_print', () => spawnSync('vdb_print', ['-version'], { encoding: 'utf8' }).status === 0, "'vdb_print' is not installed (apt-get install libopenvdb-tools)");
}

/** Why vdb_tool-based tests are skipped, or false. */
export function missingVdbTool(): string | false {
  return probe(
    'vdb_tool',
    () => spawnSync('vdb_tool', ['-version'], { encoding: 'utf8' }).error === undefined,
    "'vdb_tool' is not installed (apt-get install libopenvdb-tools)",
  );
}

/** Why pyopenvdb-based tests are skipped, or false. */
export function missingPyopenvdb(): string | false {
  return probe(
    'pyopenvdb',
    () => spawnSync(PYTHON, ['-c', 'import pyopenvdb, numpy'], { encoding: 'utf8' }).status === 0,
    `pyopenvdb is not importable by ${PYTHON} (apt-get install python3-openvdb)`,
  );
}

export function run(tool: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(tool, args, {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    ...(options.input !== undefined ? { input: options.input } : {}),
    env: { ...process.env, ...(options.env ?? {}) },
  });
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: (result.stderr ?? '') + (result.error ? String(result.error) : '') };
}

/** Runs a Python script with pyopenvdb; throws with its stderr on failure. */
export function python(script: string, input?: string): string {
  const result = run(PYTHON, ['-c', script], input !== undefined ? { input } : {});
  if (result.status !== 0) throw new Error(`python failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** Runs a Python script and returns its stdout as bytes. */
export function pythonBytes(script: string, input?: string): Buffer {
  const result = spawnSync(PYTHON, ['-c', script], { maxBuffer: 1 << 30, ...(input !== undefined ? { input } : {}) });
  if (result.status !== 0) throw new Error(`python failed (${result.status}): ${String(result.stderr)}`);
  return result.stdout;
}

export function tempDir(prefix = 'vfxkit-vdb-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------------------------
// vdb_print -l -m

export interface PrintedGrid {
  name: string;
  type: string;
  /** Node counts: root entries, then each internal level, then leaves. */
  rootEntries: number;
  levelCounts: number[];
  leafCount: number;
  background: string;
  min: string;
  max: string;
  activeVoxels: number;
  activeTiles: number;
  /** undefined for an empty tree. */
  bbox?: { min: number[]; max: number[] };
  metadata: Map<string, string>;
  /** One number (uniform) or three. */
  voxelSize: number[];
  /** Rows of the index-to-world matrix (linear maps). */
  indexToWorld?: number[][];
}

export interface PrintedFile {
  version: string;
  metadata: Map<string, string>;
  grids: PrintedGrid[];
}

const count = (text: string): number => Number(text.replace(/,/g, ''));
const vector = (text: string): number[] => text.replace(/[[\]]/g, '').split(',').map((s) => Number(s.trim()));

/** Parses what `vdb_print -l -m file` prints for one file. */
export function parseVdbPrint(text: string): PrintedFile {
  const lines = text.split('\n');
  const file: PrintedFile = { version: '', metadata: new Map(), grids: [] };
  let grid: PrintedGrid | undefined;
  let section: 'file' | 'tree' | 'memory' | 'metadata' | 'transform' = 'file';
  let lastKey = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('VDB version: ')) {
      file.version = line.slice(13).trim();
      continue;
    }
    if (line.startsWith('Name: ')) {
      grid = {
        name: line.slice(6),
        type: '',
        rootEntries: 0,
        levelCounts: [],
        leafCount: 0,
        background: '',
        min: '',
        max: '',
        activeVoxels: 0,
        activeTiles: 0,
        metadata: new Map(),
        voxelSize: [],
      };
      file.grids.push(grid);
      section = 'tree';
      continue;
    }
    if (grid === undefined) {
      // File metadata: "key: value", matrices continue on following lines.
      const match = /^([^\s][^:]*): (.*)$/.exec(line);
      if (match) {
        lastKey = match[1]!;
        file.metadata.set(lastKey, match[2]!);
      } else if (line.startsWith(' ') && lastKey !== '') {
        file.metadata.set(lastKey, `${file.metadata.get(lastKey)}\n${line.trim()}`);
      }
      continue;
    }
    const trimmed = line.trim();
    if (line.startsWith('Memory footprint:')) section = 'memory';
    else if (line.startsWith('Additional metadata:')) section = 'metadata';
    else if (line.startsWith('Transform:')) section = 'transform';
    else if (section === 'tree') {
      const value = trimmed.slice(trimmed.indexOf(':') + 1).trim();
      if (trimmed.startsWith('Type:')) grid.type = value;
      else if (trimmed.startsWith('Root(')) {
        const parts = [...trimmed.matchAll(/\(([\d,]+) x ([^)]+)\)/g)].map((m) => count(m[1]!));
        grid.rootEntries = parts[0] ?? 0;
        grid.levelCounts = parts.slice(1, -1);
        grid.leafCount = parts[parts.length - 1] ?? 0;
        // "Root(1 x N)" counts the root's entries; internal counts follow.
        const root = /Root\(1 x ([\d,]+)\)/.exec(trimmed);
        if (root) grid.rootEntries = count(root[1]!);
      } else if (trimmed.startsWith('Background value:')) grid.background = value;
      else if (trimmed.startsWith('Min value:')) grid.min = value;
      else if (trimmed.startsWith('Max value:')) grid.max = value;
      else if (trimmed.startsWith('Number of active voxels:')) grid.activeVoxels = count(value);
      else if (trimmed.startsWith('Number of active tiles:')) grid.activeTiles = count(value);
      else if (trimmed.startsWith('Bounding box of active voxels:')) {
        const [lo, hi] = value.split('->');
        grid.bbox = { min: vector(lo!), max: vector(hi!) };
      }
    } else if (section === 'metadata') {
      const match = /^\s+([^:[\s][^:]*): (.*)$/.exec(line);
      if (match) {
        lastKey = match[1]!;
        grid.metadata.set(lastKey, match[2]!);
      } else if (lastKey !== '' && trimmed.startsWith('[')) {
        grid.metadata.set(lastKey, `${grid.metadata.get(lastKey)}\n${trimmed}`);
      }
    } else if (section === 'transform') {
      if (trimmed.startsWith('voxel size:')) grid.voxelSize = [Number(trimmed.slice(11))];
      else if (trimmed.startsWith('voxel dimensions:')) grid.voxelSize = vector(trimmed.slice(17));
      else if (trimmed.startsWith('index to world:')) {
        grid.indexToWorld = [];
        for (let r = 1; r <= 4; r++) grid.indexToWorld.push(vector(lines[i + r]!.trim()));
        i += 4;
      }
    }
  }
  return file;
}

/** `vdb_print -l -m path`, parsed. */
export function vdbPrint(path: string): PrintedFile {
  const result = run('vdb_print', ['-l', '-m', path]);
  if (result.status !== 0) throw new Error(`vdb_print failed: ${result.stderr}`);
  return parseVdbPrint(result.stdout);
}

/** Whether `ours` prints as `printed` with C++'s default 6 significant digits. */
export function sameNumber(ours: number, printed: string, digits = 6): boolean {
  const theirs = Number(printed);
  if (Number.isNaN(theirs)) return Number.isNaN(ours) || printed === 'nan';
  if (ours === theirs) return true;
  return Number(ours.toPrecision(digits)) === theirs || Math.abs(ours - theirs) <= Math.abs(theirs) * 10 ** (1 - digits);
}

// ---------------------------------------------------------------------------------------------
// pyopenvdb sampling

export interface PySample {
  /** Value (number, boolean or number[]) and active state per coordinate. */
  values: [number | boolean | number[] | string, boolean][];
  depths: number[];
  valueType: string;
  activeVoxelCount: number;
  leafCount: number;
  background: number | boolean | number[];
}

const SAMPLER = String.raw`
import sys, json, math, pyopenvdb as vdb
req = json.load(sys.stdin)
def enc(v):
    if isinstance(v, bool): return v
    if isinstance(v, float):
        if math.isnan(v): return 'nan'
        if math.isinf(v): return 'inf' if v > 0 else '-inf'
        return v
    if isinstance(v, (tuple, list)): return [enc(x) for x in v]
    return v
out = {}
for name, coords in req['grids'].items():
    g = vdb.read(req['file'], name)
    acc = g.getConstAccessor()
    values = []
    depths = []
    for c in coords:
        v, on = acc.probeValue(tuple(c))
        values.append([enc(v), bool(on)])
        depths.append(acc.getValueDepth(tuple(c)))
    out[name] = {'values': values, 'depths': depths, 'valueType': g.valueTypeName,
                 'activeVoxelCount': g.activeVoxelCount(), 'leafCount': g.leafCount(), 'background': enc(g.background)}
print(json.dumps(out))
`;

/** Values, active states and depths pyopenvdb reads at `coords` of each named grid. */
export function pySample(file: string, grids: Record<string, number[][]>): Record<string, PySample> {
  return JSON.parse(python(SAMPLER, JSON.stringify({ file, grids }))) as Record<string, PySample>;
}

/** A small deterministic PRNG (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A few hundred coordinates worth checking in `grid`: active voxels, inactive voxels inside
 * leaves, points inside tiles (active or not), points next to the active box and far outside.
 */
export function sampleCoordinates(grid: VdbGrid, count = 300, seed = 7): number[][] {
  const rand = random(seed);
  const pick = <T>(list: T[], n: number): T[] => {
    const out: T[] = [];
    for (let i = 0; i < n && list.length > 0; i++) out.push(list[Math.floor(rand() * list.length)]!);
    return out;
  };
  const coords: number[][] = [];
  const tree = grid.tree;
  // Active voxels (reservoir of up to 5000 seen).
  const active: number[][] = [];
  let seen = 0;
  tree.forEachActiveVoxel((x, y, z) => {
    seen++;
    if (active.length < 5000) active.push([x, y, z]);
    else if (rand() < 5000 / seen) active[Math.floor(rand() * 5000)] = [x, y, z];
  });
  coords.push(...pick(active, Math.floor(count * 0.4)));
  // Any voxel of random leaves (mostly inactive ones).
  const dim = 1 << tree.layout.leafLog2;
  for (let i = 0; i < Math.floor(count * 0.25) && tree.leafCount > 0; i++) {
    const leaf = Math.floor(rand() * tree.leafCount);
    const o = tree.leaves.origins;
    coords.push([o[3 * leaf]! + Math.floor(rand() * dim), o[3 * leaf + 1]! + Math.floor(rand() * dim), o[3 * leaf + 2]! + Math.floor(rand() * dim)]);
  }
  // Tiles.
  const tiles: number[][] = [];
  tree.forEachTile((x, y, z, size, _values, _offset, _active, level) => {
    if (tiles.length < 20000) tiles.push([x, y, z, size, level]);
  });
  for (const [x, y, z, size] of pick(tiles, Math.floor(count * 0.2))) {
    coords.push([x! + Math.floor(rand() * size!), y! + Math.floor(rand() * size!), z! + Math.floor(rand() * size!)]);
  }
  // Around and far from the active box.
  const box = grid.indexBoundingBox() ?? { min: [0, 0, 0], max: [0, 0, 0] };
  while (coords.length < count) {
    const far = rand() < 0.3;
    coords.push(
      [0, 1, 2].map((a) => {
        const lo = box.min[a]!, hi = box.max[a]!;
        if (far) return Math.floor((rand() - 0.5) * 200000);
        return lo - 10 + Math.floor(rand() * (hi - lo + 21));
      }),
    );
  }
  return coords;
}

/** Compares one of our values with pyopenvdb's (exact, NaN-aware; floats as pyopenvdb widens them). */
export function sameValue(ours: number | boolean | number[], theirs: number | boolean | number[] | string): boolean {
  if (Array.isArray(ours)) {
    return Array.isArray(theirs) && ours.length === theirs.length && ours.every((v, i) => sameValue(v, theirs[i] as number | string));
  }
  if (typeof theirs === 'string') {
    if (theirs === 'nan') return typeof ours === 'number' && Number.isNaN(ours);
    return ours === (theirs === 'inf' ? Infinity : -Infinity);
  }
  return ours === theirs;
}
