/**
 * Files written at test time by OpenVDB itself: pyopenvdb builds grids that exercise every value
 * buffer code, tiles at every level, half floats, every transform pyopenvdb can make, every
 * metadata type it can write, repeated and empty names and an instanced grid; vdb_tool re-writes
 * them with each codec (none, zip, blosc, active mask), as halves, and as a stream without offsets.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON, run } from './helpers.js';

/** Background of the crafted float grid (non-zero, so that -background differs from it). */
export const CODES_BACKGROUND = 0.5;

const GENERATOR = String.raw`
import sys, math, pyopenvdb as vdb
out = sys.argv[1]
BG = 0.5

def crafted(grid_type, bg, v, w, u):
    """One leaf per mask-compression code, tiles at every level, scattered voxels."""
    g = grid_type(bg)
    a = g.getAccessor()
    def leaf(ox, inactive, actives):
        for i in range(8):
            for j in range(8):
                for k in range(8):
                    a.setValueOff((ox + i, j, k), inactive(i, j, k))
        for (i, j, k), val in actives:
            a.setValueOn((ox + i, j, k), val)
    act = [((1, 2, 3), v), ((7, 7, 7), w), ((0, 0, 0), u)]
    neg = tuple(-c for c in bg) if isinstance(bg, tuple) else -bg
    leaf(0, lambda i, j, k: bg, act)                                   # 0: inactive = background
    leaf(8, lambda i, j, k: neg, act)                                  # 1: inactive = -background
    leaf(16, lambda i, j, k: v, act)                                   # 2: one other inactive value
    leaf(24, lambda i, j, k: bg if (i + j) % 2 else neg, act)          # 3: -background / background
    leaf(32, lambda i, j, k: bg if (i + k) % 2 else v, act)            # 4: background / one value
    leaf(40, lambda i, j, k: w if (j + k) % 2 else v, act)             # 5: two other values
    leaf(48, lambda i, j, k: (v, w, u)[(i + j + k) % 3], act)          # 6: three or more
    # Tiles: a 4096^3 root tile, a 128^3 tile of a 32^3 node, an 8^3 tile of a 16^3 node,
    # active and inactive.
    g.fill((-8192, -8192, -8192), (-4097, -4097, -4097), u, True)
    g.fill((4096, 0, 0), (4096 + 127, 127, 127), w, True)
    g.fill((4096 + 128, 0, 0), (4096 + 255, 127, 127), v, False)
    g.fill((0, 64, 0), (7, 71, 7), v, True)
    g.fill((8, 64, 0), (15, 71, 7), w, False)
    # Scattered voxels (some negative coordinates).
    for n in range(200):
        p = ((n * 37) % 300 - 150, (n * 91) % 300 - 150, (n * 53) % 300 - 150)
        a.setValueOn(p, v if n % 3 else w)
    g.prune(tuple(0.0 for c in bg) if isinstance(bg, tuple) else 0.0)  # collapses the constant 4096^3 block into a root tile
    return g

grids = []
f = crafted(vdb.FloatGrid, BG, 1.25, -3.5, 1e-3)
f.name = 'codes'
f['s'] = 'a string'
f['b'] = True
f['i'] = -7
f['d'] = 2.5
f['v2'] = (1, 2)
f['v3i'] = (4, 5, 6)
f['v3d'] = (1.5, -2.5, 3.25)
f['v4'] = (1.0, 2.0, 3.0, 4.0)
f['m'] = ((1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16))
f.transform = vdb.createLinearTransform(voxelSize=0.25)
grids.append(f)

vec = crafted(vdb.Vec3SGrid, (0.5, -1.0, 2.0), (1.0, 2.0, 3.0), (-4.0, 0.25, 8.0), (0.001, 0.002, 0.003))
vec.name = 'vectors'
vec.transform = vdb.createLinearTransform([[2, 0, 0, 0], [0, 3, 0, 0], [0, 0, 4, 0], [10, -20, 30, 1]])
grids.append(vec)

flags = vdb.BoolGrid(False)
flags.name = 'flags'
fa = flags.getAccessor()
for n in range(300):
    fa.setValueOn(((n * 7) % 40, (n * 13) % 40, (n * 29) % 40), n % 4 != 0)
flags.fill((100, 100, 100), (227, 227, 227), True, True)
flags.fill((0, 100, 0), (7, 107, 7), True, False)
c, s = math.cos(0.3), math.sin(0.3)
flags.transform = vdb.createLinearTransform([[c, s, 0, 0], [-s, c, 0, 0], [0, 0, 1, 0], [0.5, 0.25, 0, 1]])
grids.append(flags)

ls = vdb.createLevelSetSphere(radius=3.0, center=(1.0, -2.0, 0.5), voxelSize=0.1, halfWidth=3.0)
ls.name = 'level_set'
grids.append(ls)

frustum = vdb.FloatGrid(0.0)
frustum.name = 'frustum'
frustum.fill((0, 0, 0), (15, 15, 15), 2.0, True)
frustum.transform = vdb.createFrustumTransform((0, 0, 0), (64, 48, 32), 0.5, 10.0, 0.25)
frustum.gridClass = vdb.GridClass.FOG_VOLUME
grids.append(frustum)

scaled = vdb.FloatGrid(0.0)
scaled.name = 'scaled'
scaled.fill((-3, -3, -3), (3, 3, 3), 1.0, True)
scaled.transform = vdb.createLinearTransform([[0.5, 0, 0, 0], [0, 0.25, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]])
grids.append(scaled)

moved = vdb.FloatGrid(0.0)
moved.name = 'moved'
moved.fill((0, 0, 0), (2, 2, 2), 3.0, True)
moved.transform = vdb.createLinearTransform([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [5, 6, 7, 1]])
grids.append(moved)

twin1 = vdb.FloatGrid(0.0); twin1.name = 'twin'; twin1.fill((0, 0, 0), (3, 3, 3), 1.0, True)
twin2 = vdb.FloatGrid(0.0); twin2.name = 'twin'; twin2.fill((0, 0, 0), (4, 4, 4), 2.0, True)
nameless = vdb.FloatGrid(0.0); nameless.fill((0, 0, 0), (1, 1, 1), 5.0, True)
instance = f.copy(); instance.name = 'codes_instance'
grids += [twin1, twin2, nameless, instance]

vdb.write(out + '/matrix.vdb', grids=grids, metadata={'creator': 'vfxkit test', 'frame': 12, 'scale': 0.5, 'on': True, 'where': (1, 2, 3)})

half = []
for g in grids:
    if g is instance: continue
    h = g.deepCopy()
    h.name = g.name
    h.saveFloatAsHalf = True
    half.append(h)
vdb.write(out + '/matrix_half.vdb', grids=half)
print('ok')
`;

/** The files the matrix makes, with what each exercises. */
export interface MatrixFile {
  name: string;
  path: string;
  what: string;
}

/** Runs the generator, then the vdb_tool re-encodings. */
export function writeMatrix(dir: string, withVdbTool: boolean): MatrixFile[] {
  const result = run(PYTHON, ['-c', GENERATOR, dir]);
  if (result.status !== 0) throw new Error(`pyopenvdb generator failed: ${result.stderr}`);
  const files: MatrixFile[] = [
    { name: 'matrix.vdb', path: join(dir, 'matrix.vdb'), what: 'pyopenvdb: blosc + active mask, every code, tiles, transforms, metadata, names, instance' },
    { name: 'matrix_half.vdb', path: join(dir, 'matrix_half.vdb'), what: 'pyopenvdb: the same grids saved as half floats' },
  ];
  if (!withVdbTool) return files;
  const codecs: [string, string[], string][] = [
    ['none', ['codec=none'], 'vdb_tool: no compression at all'],
    ['zip', ['codec=zip'], 'vdb_tool: zip (+ active mask) for non-volume classes'],
    ['blosc', ['codec=blosc'], 'vdb_tool: blosc + active mask'],
    ['active', ['codec=active'], 'vdb_tool: active mask only'],
    ['zip16', ['codec=zip', 'bits=16'], 'vdb_tool: zip, half floats'],
    ['none16', ['codec=none', 'bits=16'], 'vdb_tool: no compression, half floats'],
  ];
  for (const [suffix, args, what] of codecs) {
    const path = join(dir, `tool_${suffix}.vdb`);
    const written = run('vdb_tool', ['-read', join(dir, 'matrix.vdb'), '-write', ...args, path]);
    if (written.status !== 0 || !existsSync(path)) throw new Error(`vdb_tool failed: ${written.stderr}`);
    files.push({ name: `tool_${suffix}.vdb`, path, what });
  }
  const stream = spawnSync('vdb_tool', ['-read', join(dir, 'matrix.vdb'), '-write', 'stdout.vdb'], { maxBuffer: 256 << 20 });
  if (stream.status !== 0) throw new Error(`vdb_tool stream failed: ${String(stream.stderr)}`);
  writeFileSync(join(dir, 'tool_stream.vdb'), stream.stdout);
  return files.concat({ name: 'tool_stream.vdb', path: join(dir, 'tool_stream.vdb'), what: 'vdb_tool: a stream without grid offsets' });
}
