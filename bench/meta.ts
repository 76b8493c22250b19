/**
 * npm run bench -- meta [--entries N] [--files N] [--jobs N] [--keep]   (--files 0: the query part only)
 *
 * 1. `vfx meta find --near` over a catalog of N synthetic entries (default 100,000: positions in
 *    clusters around 200 cities plus a uniform spread, ~30 tags each). Measured: the catalog query
 *    alone (`Catalog.find`), the whole command in-process (`main()`: open, query, print JSON),
 *    and the whole command as a process (compiled `dist/bin.js`: Node start-up included). The
 *    target is an answer in under 50 ms.
 * 2. Indexing a tree of N JPEGs (default 10,000, in 100 directories: hard links to the sample
 *    photos of fixtures-real/exif, so every name is a real photo), as `vfx catalog index` (files/s),
 *    against `exiftool -r -j` on the same tree (Debian's 12.57 and the bundled 13.x), and
 *    re-indexing when nothing changed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Catalog, type CatalogEntry } from '@vfxkit/metadata';
import { captureContext } from '@vfxkit/tool-common';
import { main } from '@vfxkit/vfx';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  const value = at === -1 ? NaN : Number(args[at + 1]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
};
const entryCount = option('--entries', 100_000);
const fileCount = option('--files', 10_000);
const jobs = option('--jobs', availableParallelism());
const keep = args.includes('--keep');
const distBin = join(root, 'tools/vfx/dist/bin.js');
const fixtures = join(root, process.env.VFX_REAL_FIXTURES ?? '../shared/fixtures-real', 'exif');

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The system's exiftool: VFX_REFERENCE_EXIFTOOL, else the first on PATH outside node_modules. */
function referenceExiftool(): string | undefined {
  const candidates = [
    process.env.VFX_REFERENCE_EXIFTOOL,
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => dir !== '' && !dir.split(sep).includes('node_modules'))
      .map((dir) => join(dir, 'exiftool')),
  ];
  return candidates.find((c): c is string => c !== undefined && c !== '' && spawnSync(c, ['-ver'], { encoding: 'utf8' }).status === 0);
}

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(2)} ms, best ${sorted[0]!.toFixed(2)} ms, worst ${sorted.at(-1)!.toFixed(2)} ms (${samples.length} runs)`;
}

const timeBinary = ['/usr/bin/time', '/bin/time'].find((t) => existsSync(t));

interface Timed {
  ms: number[];
  /** User + system CPU seconds of the last run, children included (when /usr/bin/time exists). */
  cpu: number | undefined;
  stdout: string;
  status: number | null;
}

function timeProcess(command: string, commandArgs: string[], runs: number, cwd = root): Timed {
  const ms: number[] = [];
  let stdout = '';
  let status: number | null = 0;
  let cpu: number | undefined;
  for (let i = 0; i < runs; i++) {
    const [file, fileArgs] = timeBinary !== undefined ? [timeBinary, ['-f', 'vfx-bench-cpu %U %S', command, ...commandArgs]] : [command, commandArgs];
    const started = performance.now();
    const result = spawnSync(file, fileArgs, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
    ms.push(performance.now() - started);
    stdout = result.stdout;
    status = result.status;
    const cpuLine = /vfx-bench-cpu ([\d.]+) ([\d.]+)/.exec(result.stderr);
    cpu = cpuLine ? Number(cpuLine[1]) + Number(cpuLine[2]) : undefined;
    if (result.status !== 0) {
      console.log(`  (${command} ${commandArgs.slice(0, 3).join(' ')} exited ${result.status}: ${result.stderr.trim().split('\n').pop()})`);
      break;
    }
  }
  return { ms, cpu, stdout, status };
}

const work = mkdtempSync(join(tmpdir(), 'vfx-bench-meta-'));
try {
  // -------------------------------------------------------------------------------------------
  console.log(`== vfx meta find --near over a catalog of ${entryCount.toLocaleString('en-US')} synthetic entries ==`);
  const catalogPath = join(work, 'synthetic.sqlite');
  const next = random(42);
  const cities = Array.from({ length: 200 }, () => ({ lat: (next() - 0.5) * 120, lon: (next() - 0.5) * 360 }));
  const makes = ['Canon', 'NIKON CORPORATION', 'SONY', 'FUJIFILM', 'Apple', 'ARRI', 'RED', 'Blackmagic Design'];
  const build = performance.now();
  const catalog = Catalog.open(catalogPath);
  let batch: CatalogEntry[] = [];
  for (let i = 0; i < entryCount; i++) {
    const tags: Record<string, unknown> = {
      FileName: `IMG_${i}.jpg`,
      Directory: `/photos/${Math.floor(i / 1000)}`,
      FileSize: 2_000_000 + (i % 5000),
      FileType: 'JPEG',
      MIMEType: 'image/jpeg',
      Make: makes[i % makes.length],
      Model: `Model ${i % 37}`,
      ISO: 100 * (1 + (i % 64)),
      ExposureTime: 1 / (30 + (i % 2000)),
      FNumber: 1.4 + (i % 20) / 2,
      FocalLength: 12 + (i % 200),
      Orientation: 1 + (i % 8),
      ImageWidth: 6000,
      ImageHeight: 4000,
      DateTimeOriginal: `20${String(10 + (i % 15)).padStart(2, '0')}:${String(1 + (i % 12)).padStart(2, '0')}:${String(1 + (i % 28)).padStart(2, '0')} 12:${String(i % 60).padStart(2, '0')}:00`,
      Artist: `Photographer ${i % 100}`,
      Software: 'vfxkit bench',
      LensModel: `Lens ${i % 23}`,
      Keywords: ['bench', `k${i % 50}`],
    };
    if (i % 10 !== 0) {
      const clustered = i % 10 < 8;
      const center = cities[i % cities.length]!;
      tags.GPSLatitude = clustered ? center.lat + (next() - 0.5) * 0.5 : (next() - 0.5) * 170;
      tags.GPSLongitude = clustered ? center.lon + (next() - 0.5) * 0.7 : (next() - 0.5) * 359;
      tags.GPSAltitude = next() * 500;
    }
    batch.push({ path: `/photos/${Math.floor(i / 1000)}/IMG_${i}.jpg`, size: 2_000_000 + (i % 5000), mtimeMs: 1.7e12 + i, tags });
    if (batch.length === 5000) {
      catalog.upsert(batch);
      batch = [];
    }
  }
  catalog.upsert(batch);
  const built = performance.now() - build;
  const center = cities[7]!;
  const near = `${center.lat.toFixed(5)},${center.lon.toFixed(5)}`;
  console.log(
    `built in ${(built / 1000).toFixed(1)} s (${Math.round((entryCount / built) * 1000).toLocaleString('en-US')} entries/s, one transaction per 5,000), ` +
      `${(statSync(catalogPath).size / 2 ** 20).toFixed(0)} MiB`,
  );

  const query = { near: { center, radiusKm: 5 } };
  for (let i = 0; i < 5; i++) catalog.find(query); // warm the page cache and statement cache
  const querySamples: number[] = [];
  let hits = 0;
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    hits = catalog.find(query).length;
    querySamples.push(performance.now() - started);
  }
  console.log(`query only, --near ${near} --radius 5km (${hits} hits):   ${stats(querySamples)}`);
  const wideSamples: number[] = [];
  let wideHits = 0;
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    wideHits = catalog.find({ near: { center, radiusKm: 50 }, where: [] }).length;
    wideSamples.push(performance.now() - started);
  }
  console.log(`query only, --radius 50km (${wideHits} hits):                              ${stats(wideSamples)}`);
  catalog.close();

  const commandArgs = ['meta', 'find', '--json', '--catalog', catalogPath, '--near', near, '--radius', '5km'];
  const inProcess: number[] = [];
  for (let i = 0; i < 20; i++) {
    const { context } = captureContext({ cwd: work });
    const started = performance.now();
    const code = await main(commandArgs, context);
    inProcess.push(performance.now() - started);
    if (code !== 0) throw new Error(`vfx meta find exited ${code}`);
  }
  console.log(`whole command in-process (open catalog, query, print JSON):   ${stats(inProcess.slice(2))}`);
  const median = [...inProcess.slice(2)].sort((a, b) => a - b)[Math.floor((inProcess.length - 2) / 2)]!;
  console.log(`target: an answer in under 50 ms -> ${median < 50 ? 'met' : 'NOT met'} (${median.toFixed(1)} ms in-process)`);
  if (existsSync(distBin)) {
    const asProcess = timeProcess(process.execPath, [distBin, ...commandArgs], 5, work);
    const bare = timeProcess(process.execPath, ['-e', '0'], 5, work);
    console.log(`whole command as a process (node dist/bin.js):               ${stats(asProcess.ms)}`);
    const load = timeProcess(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(join(root, 'tools/vfx/dist/index.js'))})`], 5, work);
    console.log(`  of which Node itself starting (node -e 0):                 ${stats(bare.ms)}`);
    console.log(`  and starting Node + loading every vfx tool's modules:      ${stats(load.ms)}`);
  } else {
    console.log('whole command as a process: not measured (build first: npx tsc -b tools/vfx)');
  }

  // -------------------------------------------------------------------------------------------
  console.log(`\n== indexing ${fileCount.toLocaleString('en-US')} JPEGs: vfx catalog index vs exiftool -r -j ==`);
  if (fileCount === 0) {
    console.log('skipped (--files 0)');
  } else if (!existsSync(fixtures)) {
    console.log(`skipped: no sample photos at ${fixtures} (set VFX_REAL_FIXTURES)`);
  } else {
    const photos: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.jpe?g$/i.test(name)) photos.push(path);
      }
    };
    walk(fixtures);
    // Links go to private copies: linking the shared fixtures themselves would change their inodes.
    const originals = join(work, 'originals');
    mkdirSync(originals);
    photos.splice(0, photos.length, ...photos.map((photo, i) => {
      const copy = join(originals, `${i}-${photo.split('/').pop()}`);
      copyFileSync(photo, copy);
      return copy;
    }));
    const tree = join(work, 'tree');
    let linked = true;
    for (let i = 0; i < fileCount; i++) {
      const dir = join(tree, `d${String(Math.floor(i / 100)).padStart(3, '0')}`);
      if (i % 100 === 0) mkdirSync(dir, { recursive: true });
      const source = photos[i % photos.length]!;
      const target = join(dir, `IMG_${String(i).padStart(5, '0')}.jpg`);
      try {
        if (!linked) throw new Error('copying');
        linkSync(source, target);
      } catch {
        linked = false;
        copyFileSync(source, target);
      }
    }
    const bytes = photos.reduce((sum, p, i) => sum + statSync(p).size * Math.ceil((fileCount - i) / photos.length), 0);
    console.log(
      `tree: ${fileCount.toLocaleString('en-US')} files in ${Math.ceil(fileCount / 100)} directories, ${(bytes / 2 ** 20).toFixed(0)} MiB, ` +
        `${linked ? 'hard links to' : 'copies of'} the ${photos.length} sample JPEGs; ${jobs} jobs on ${availableParallelism()} cores`,
    );
    const rate = (ms: number) => `${((fileCount / ms) * 1000).toFixed(0).padStart(5)} files/s`;
    const cpuRate = (timed: Timed) => (timed.cpu !== undefined ? `, CPU ${timed.cpu.toFixed(1)} s = ${(fileCount / timed.cpu).toFixed(0)} files per CPU-second` : '');
    const load = () => `load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`;
    const bin = existsSync(distBin) ? [distBin] : ['--conditions=source', '--import', 'tsx', join(root, 'tools/vfx/src/bin.ts')];
    const indexCatalog = join(work, 'index.sqlite');
    const first = timeProcess(process.execPath, [...bin, 'catalog', 'index', '--json', '-j', String(jobs), '--catalog', indexCatalog, tree], 1);
    const firstMs = first.ms[0]!;
    console.log(`vfx catalog index (first run, -j ${jobs}):        ${(firstMs / 1000).toFixed(1).padStart(6)} s  ${rate(firstMs)}${cpuRate(first)}  (${load()})`);
    const summary = JSON.parse(first.stdout) as { added: number; failed: number };
    if (summary.added !== fileCount || summary.failed !== 0) console.log(`  (indexed ${summary.added}, failed ${summary.failed})`);
    const again = timeProcess(process.execPath, [...bin, 'catalog', 'index', '-j', String(jobs), '--catalog', indexCatalog, tree], 1);
    console.log(`vfx catalog index (again, nothing changed):  ${(again.ms[0]! / 1000).toFixed(1).padStart(6)} s  ${rate(again.ms[0]!)}${cpuRate(again)}`);
    const reference = referenceExiftool();
    const debian = reference !== undefined ? timeProcess(reference, ['-r', '-j', '-q', tree], 1) : undefined;
    if (debian?.status === 0) {
      const version = spawnSync(reference!, ['-ver'], { encoding: 'utf8' }).stdout.trim();
      console.log(
        `exiftool -r -j (${reference} ${version}): ${(debian.ms[0]! / 1000).toFixed(1).padStart(6)} s  ${rate(debian.ms[0]!)}${cpuRate(debian)}  (${load()})` +
          `\n  -> vfx is ${(debian.ms[0]! / firstMs).toFixed(2)}x as fast${debian.cpu !== undefined && first.cpu !== undefined ? `, and uses ${(first.cpu / debian.cpu).toFixed(2)}x the CPU` : ''}`,
      );
    } else {
      console.log('exiftool -r -j: not measured (no exiftool outside node_modules on PATH; apt-get install libimage-exiftool-perl)');
    }
    const require = createRequire(import.meta.url);
    const vendored = join(require.resolve('exiftool-vendored.pl/package.json'), '..', 'bin', 'exiftool');
    const bundled = timeProcess('perl', [vendored, '-r', '-j', '-n', '-fast', '-q', tree], 1);
    if (bundled.status === 0) {
      console.log(
        `exiftool -r -j -n -fast (bundled, 1 process): ${(bundled.ms[0]! / 1000).toFixed(1).padStart(6)} s  ${rate(bundled.ms[0]!)}${cpuRate(bundled)}` +
          `\n  -> vfx is ${(bundled.ms[0]! / firstMs).toFixed(2)}x as fast${bundled.cpu !== undefined && first.cpu !== undefined ? `, and uses ${(first.cpu / bundled.cpu).toFixed(2)}x the CPU` : ''}`,
      );
    }
  }
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
