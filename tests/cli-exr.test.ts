/**
 * `vfx exr info|channels|stats|probe` and `vfx inspect` on EXR files, end to end: the JSON contract
 * checked against OpenEXR's exrheader and OpenImageIO's oiiotool, run at test time on the real files
 * of ../shared/fixtures-real/exr and on files generated here with oiiotool.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runVfx, tempDir } from './helpers.js';
import {
  close,
  generateExrs,
  hasTool,
  listExrs,
  oiioPixels,
  oiioStats,
  parseExrheader,
  realExrDir,
  run,
  skipReasons,
  type ExrheaderAttribute,
} from './exr-helpers.js';

const real = realExrDir();
const haveOiio = hasTool('oiiotool') && hasTool('exrmaketiled') && hasTool('exrmultipart');
const haveExrheader = hasTool('exrheader');

let scratch: string;
let cleanup: () => void;
let generated: Record<string, string> = {};

before(() => {
  ({ dir: scratch, cleanup } = tempDir('vfx-exr-test-'));
  if (haveOiio) generated = generateExrs(scratch);
});
after(() => cleanup());

interface PartJson {
  name?: string;
  type: string;
  compression: string;
  dataWindow: Record<string, number>;
  displayWindow: Record<string, number>;
  channels: { name: string; type: string; xSampling: number; ySampling: number; pLinear: boolean }[];
  tiles?: { xSize: number; ySize: number; levelMode: string; roundingMode: string };
  attributes: Record<string, { type: string; value: unknown }>;
}

async function infoJson(file: string): Promise<{ file: string; parts: PartJson[] }> {
  const result = await runVfx(['exr', 'info', '--json', file]);
  assert.equal(result.code, 0, `${file}: ${result.stderr}`);
  return JSON.parse(result.stdout) as { file: string; parts: PartJson[] };
}

// exrheader's words for the enums.
const compressionWords: Record<string, string> = {
  none: 'none',
  'run-length encoding': 'rle',
  'zip, individual scanlines': 'zips',
  'zip, multi-scanline blocks': 'zip',
  piz: 'piz',
  pxr24: 'pxr24',
  b44: 'b44',
  b44a: 'b44a',
  'dwa, small scanline blocks': 'dwaa',
  'dwa, medium scanline blocks': 'dwab',
};
const lineOrderWords: Record<string, string> = { 'increasing y': 'increasingY', 'decreasing y': 'decreasingY', 'random y': 'randomY' };
const pixelWords: Record<string, string> = { '16-bit floating-point': 'half', '32-bit floating-point': 'float', '32-bit unsigned integer': 'uint' };

function numbersOf(text: string): number[] {
  return (text.match(/-?(?:inf|nan|\d+(?:\.\d*)?(?:e[-+]?\d+)?)/gi) ?? []).map((t) =>
    /inf/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : /nan/i.test(t) ? NaN : Number(t),
  );
}

function jsonNumbers(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (typeof value === 'string') return [Number(value)];
  if (Array.isArray(value)) return value.flatMap(jsonNumbers);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(jsonNumbers);
  return [];
}

/** One attribute of ours against exrheader's text of it. */
function compareAttribute(where: string, ours: { type: string; value: unknown }, theirs: ExrheaderAttribute): void {
  assert.equal(ours.type, theirs.type, `${where}: type`);
  const value = ours.value;
  const numbersClose = (a: number[], b: number[]) => {
    assert.equal(a.length, b.length, `${where}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    a.forEach((x, i) => assert.ok(close(x, b[i]!, 2e-5), `${where}: ${x} vs exrheader ${b[i]}`));
  };
  switch (ours.type) {
    case 'string': {
      // exrheader prints a string as it is, so a multi-line one spills onto the following lines.
      const text = value as string;
      const firstLine = text.split('\n')[0]!;
      assert.equal(theirs.inline, text.includes('\n') ? `"${firstLine}` : `"${text}"`, where);
      break;
    }
    case 'int':
    case 'float':
    case 'double':
    case 'box2i':
    case 'box2f':
    case 'v2i':
    case 'v2f':
    case 'v3i':
    case 'v3f':
      numbersClose(jsonNumbers(value), numbersOf(theirs.inline));
      break;
    case 'm33f':
    case 'm44f':
    case 'chromaticities':
      numbersClose(jsonNumbers(value), numbersOf(theirs.lines.join(' ')));
      break;
    case 'compression':
      assert.equal(value, compressionWords[theirs.inline], where);
      break;
    case 'lineOrder':
      assert.equal(value, lineOrderWords[theirs.inline], where);
      break;
    case 'rational': {
      const { numerator, denominator } = value as { numerator: number; denominator: number };
      assert.ok(theirs.inline.startsWith(`${numerator}/${denominator}`), `${where}: ${theirs.inline}`);
      break;
    }
    case 'stringvector':
      assert.deepEqual(
        (value as string[]).map((s) => `"${s}"`),
        theirs.lines,
        where,
      );
      break;
    case 'chlist': {
      const channels = value as PartJson['channels'];
      assert.deepEqual(
        channels.map((c) => `${c.name}, ${Object.keys(pixelWords).find((k) => pixelWords[k] === c.type)}, sampling ${c.xSampling} ${c.ySampling}${c.pLinear ? ', plinear' : ''}`),
        theirs.lines,
        where,
      );
      break;
    }
    case 'tiledesc': {
      const t = value as NonNullable<PartJson['tiles']>;
      assert.equal(theirs.lines[0], { one: 'single level', mipmap: 'mip-map', ripmap: 'rip-map' }[t.levelMode], where);
      assert.equal(theirs.lines[1], `tile size ${t.xSize} by ${t.ySize} pixels`, where);
      if (t.levelMode !== 'one') assert.equal(theirs.lines[2], `level sizes rounded ${t.roundingMode}`, where);
      break;
    }
    case 'timecode':
      assert.equal(theirs.lines[0], `time ${(value as { time: string }).time.replace(';', ':')}`, where);
      break;
    default:
      break; // the type matched; exrheader prints nothing comparable (preview, unknown types, ...)
  }
}

/*
 * Where exrheader (OpenEXR 3.1.5) goes wrong: an `idManifest` attribute (type idmanifest, in
 * 11.deep.exr and manifest_id.exr) declares its size, but OpenEXR 3.1 reads the compressed manifest
 * by its own inner sizes, ends 4 bytes into the next attribute's name, and so reports an attribute
 * 'Order' (the tail of 'lineOrder') and then adds its default lineOrder. We follow the declared
 * size, as the file layout says; such tails are tolerated below.
 */

/** Our JSON for `file` against exrheader's output for it. */
async function compareWithExrheader(file: string): Promise<void> {
  const reference = run('exrheader', [file]);
  if (reference.code !== 0) return; // exrheader cannot read it either
  const theirs = parseExrheader(reference.stdout);
  const ours = await infoJson(file);
  assert.equal(ours.file, file);
  assert.equal(ours.parts.length, theirs.length, `${file}: parts`);
  ours.parts.forEach((part, p) => {
    const where = `${file} part ${p}`;
    const reference = theirs[p]!;
    // Every attribute of the file, under its name and type. OpenEXR adds a `type` attribute to
    // single-part headers that lack one; nothing else may be missing.
    const manifest = Object.values(part.attributes).some((a) => a.type === 'idmanifest');
    const quirk = (name: string) => manifest && Object.keys(part.attributes).some((ours) => ours !== name && ours.endsWith(name));
    const missing = [...reference.keys()].filter((name) => !(name in part.attributes) && !quirk(name));
    assert.deepEqual(missing.filter((n) => n !== 'type'), [], `${where}: attributes exrheader prints that we do not`);
    assert.deepEqual(Object.keys(part.attributes).filter((n) => !reference.has(n)), [], `${where}: attributes exrheader does not print`);
    for (const [name, attribute] of Object.entries(part.attributes)) compareAttribute(`${where} ${name}`, attribute, reference.get(name)!);
    // The convenience fields are the attributes' values.
    assert.deepEqual(part.dataWindow, part.attributes.dataWindow!.value, where);
    assert.deepEqual(part.displayWindow, part.attributes.displayWindow!.value, where);
    assert.equal(part.compression, part.attributes.compression!.value, where);
    assert.deepEqual(part.channels, part.attributes.channels!.value, where);
    if (reference.has('type')) assert.equal(`"${part.type}"`, reference.get('type')!.inline, where);
    if (part.tiles !== undefined) assert.deepEqual(part.tiles, part.attributes.tiles!.value, where);
    if (part.name !== undefined) assert.equal(part.name, part.attributes.name!.value, where);
  });
}

describe('vfx exr info', () => {
  it('prints every attribute exrheader prints, typed, on every real file', { skip: !real ? skipReasons.real : !haveExrheader ? skipReasons.exrheader : false }, async () => {
    const { valid } = listExrs(real!);
    assert.ok(valid.length > 50);
    for (const file of valid) await compareWithExrheader(file);
  });

  it('matches exrheader on generated files: tiled, mip-mapped, uint, offset windows, layers, two parts', { skip: !haveOiio ? skipReasons.oiiotool : false }, async () => {
    for (const file of Object.values(generated)) await compareWithExrheader(file);
    const mip = await infoJson(generated.mip!);
    assert.deepEqual(mip.parts[0]!.tiles, { xSize: 64, ySize: 64, levelMode: 'mipmap', roundingMode: 'down' });
    const two = await infoJson(generated.twoparts!);
    assert.equal(two.parts.length, 2);
    assert.deepEqual(two.parts[1]!.channels, [{ name: 'Z', type: 'float', xSampling: 1, ySampling: 1, pLinear: false }]);
    const uint = await infoJson(generated.uint!);
    assert.deepEqual(uint.parts[0]!.channels.map((c) => c.type), ['uint', 'uint']);
    const window = await infoJson(generated.window!);
    assert.deepEqual(window.parts[0]!.dataWindow, { xMin: 20, yMin: 10, xMax: 275, yMax: 137 });
    assert.deepEqual(window.parts[0]!.displayWindow, { xMin: 0, yMin: 0, xMax: 299, yMax: 199 });
  });

  it('types every standard attribute exrstdattr writes', { skip: !haveOiio || !hasTool('exrstdattr') ? 'skipped: exrstdattr or oiiotool missing' : false }, async () => {
    const file = join(scratch, 'std.exr');
    const result = run('exrstdattr', [
      '-chromaticities', '0.64', '0.33', '0.3', '0.6', '0.15', '0.06', '0.3127', '0.329',
      '-adoptedNeutral', '0.3127', '0.329', '-owner', 'Studio', '-utcOffset', '3600', '-focus', 'infinity',
      '-envmap', 'LATLONG', '-framesPerSecond', '24000', '1001', '-keyCode', '1', '2', '3', '4', '5', '6', '40',
      '-timeCode', '01020304', '00000000', '-int', 'count', '5', '-float', 'gain', '1.5',
      generated.checker_piz!, file,
    ]);
    assert.equal(result.code, 0, result.stderr);
    await compareWithExrheader(file);
    const { parts } = await infoJson(file);
    const a = parts[0]!.attributes;
    assert.deepEqual(a.framesPerSecond, { type: 'rational', value: { numerator: 24000, denominator: 1001 } });
    assert.deepEqual(a.focus, { type: 'float', value: 'Infinity' });
    assert.deepEqual(a.envmap, { type: 'envmap', value: 'latlong' });
    assert.deepEqual(a.timeCode!.value, { time: '01:02:03:04', dropFrame: false, timeAndFlags: 0x01020304, userData: 0 });
    assert.deepEqual(a.keyCode!.value, { filmMfcCode: 1, filmType: 2, prefix: 3, count: 4, perfOffset: 5, perfsPerFrame: 6, perfsPerCount: 40 });
    assert.deepEqual(a.chromaticities!.value, { redX: 0.64, redY: 0.33, greenX: 0.3, greenY: 0.6, blueX: 0.15, blueY: 0.06, whiteX: 0.3127, whiteY: 0.329 });
    assert.deepEqual(a.gain, { type: 'float', value: 1.5 });
    // The human form reads like exrheader's.
    const text = await runVfx(['exr', 'info', file]);
    assert.match(text.stdout, /^framesPerSecond \(type rational\): 24000\/1001 \(23\.976\)$/m);
    assert.match(text.stdout, /^ {4}time 01:02:03:04$/m);
    assert.match(text.stdout, /^envmap \(type envmap\): latitude-longitude map$/m);
  });

  it('summarises a sequence: which frames differ, and one JSON object per frame', { skip: !haveOiio ? skipReasons.oiiotool : false }, async () => {
    const dir = join(scratch, 'seq');
    mkdirSync(dir);
    for (const frame of [1001, 1002, 1003, 1004]) copyFileSync(generated.checker_piz!, join(dir, `shot.${frame}.exr`));
    copyFileSync(generated.noise_float!, join(dir, 'shot.1005.exr'));
    assert.equal((await runVfx(['exr', 'attr', 'set', join(dir, 'shot.1003.exr'), 'owner=me'])).code, 0);
    const text = await runVfx(['exr', 'info', join(dir, 'shot.#.exr')]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /shot\.1001-1005#\.exr: 5 frames/);
    assert.match(text.stdout, /headers: 2 frames differ from frame 1001/);
    assert.match(text.stdout, /^ {2}1003: owner$/m);
    assert.match(text.stdout, /^ {2}1005: .*channels.*dataWindow/m);
    assert.match(text.stdout, /^file .*shot\.1001\.exr:$/m);
    const json = await runVfx(['exr', 'info', '--json', join(dir, 'shot.1002-1003#.exr')]);
    assert.equal(json.code, 0, json.stderr);
    const frames = JSON.parse(json.stdout) as { frame: number; file: string; parts: PartJson[] }[];
    assert.deepEqual(
      frames.map((f) => f.frame),
      [1002, 1003],
    );
    assert.ok(frames[0]!.file.endsWith('shot.1002.exr'));
    assert.equal(frames[1]!.parts[0]!.attributes.owner!.value, 'me');
    assert.equal(frames[0]!.parts[0]!.attributes.owner, undefined);
  });

  it('reports unreadable input as vfx: <file>: <message>, exit 1', { skip: !real ? skipReasons.real : false }, async () => {
    const file = join(real!, 'openexr/invalid/invalid.exr');
    const result = await runVfx(['exr', 'info', file]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `vfx: ${file}: not an OpenEXR file: starts with 74 68 69 73, expected 76 2f 31 01\n`);
    const missing = await runVfx(['exr', 'info', 'no/such/file.exr']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^vfx: no\/such\/file\.exr: /);
  });
});

describe('vfx exr channels', () => {
  it('groups channels by layer', { skip: !haveOiio ? skipReasons.oiiotool : false }, async () => {
    const result = await runVfx(['exr', 'channels', generated.layers!]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^part 0: scanlineimage, 10 channels, half, dwaa$/m);
    assert.match(result.stdout, /^ {2}\(default\) +RGBA +half$/m);
    assert.match(result.stdout, /^ {2}diffuse +RGB +half$/m);
    assert.match(result.stdout, /^ {2}specular +RGB +half$/m);
    const json = JSON.parse((await runVfx(['exr', 'channels', '--json', generated.layers!])).stdout) as {
      parts: { part: number; layers: { name: string; channels: { name: string }[] }[] }[];
    };
    assert.deepEqual(
      json.parts[0]!.layers.map((l) => [l.name, l.channels.map((c) => c.name)]),
      [
        ['', ['R', 'G', 'B', 'A']],
        ['diffuse', ['diffuse.R', 'diffuse.G', 'diffuse.B']],
        ['specular', ['specular.R', 'specular.G', 'specular.B']],
      ],
    );
  });

  it('lists every part of a multi-part file', { skip: !real ? skipReasons.real : false }, async () => {
    const result = await runVfx(['exr', 'channels', '--json', join(real!, 'openexr-images/Beachball/multipart.0001.exr')]);
    const json = JSON.parse(result.stdout) as { parts: { part: number; name: string; layers: { name: string }[] }[] };
    assert.equal(json.parts.length, 10);
    assert.equal(json.parts[2]!.name, 'forward_left');
    assert.deepEqual(
      json.parts[2]!.layers.map((l) => l.name),
      ['forward'],
    );
  });
});

interface StatsJson {
  file: string;
  parts: { part: number; name?: string; channels: { name: string; type: string; count: number; min: number | null; max: number | null; mean: number | null; stdDev: number | null; nanCount: number; infCount: number }[] }[];
}

async function compareStats(file: string): Promise<void> {
  const result = await runVfx(['exr', 'stats', '--json', '--part', '0', file]);
  assert.equal(result.code, 0, `${file}: ${result.stderr}`);
  const ours = JSON.parse(result.stdout) as StatsJson;
  assert.equal(ours.file, file);
  const theirs = oiioStats(file);
  const channels = ours.parts[0]!.channels;
  assert.equal(channels.length, theirs.channels.length, file);
  theirs.channels.forEach((name, i) => {
    const c = channels.find((x) => x.name === name);
    assert.ok(c, `${file}: no stats for ${name}`);
    const where = `${file} ${name}`;
    // oiiotool prints 6 decimals.
    assert.ok(close(c.min!, theirs.min[i]!, 1e-5, 2e-6), `${where} min ${c.min} vs ${theirs.min[i]}`);
    assert.ok(close(c.max!, theirs.max[i]!, 1e-5, 2e-6), `${where} max ${c.max} vs ${theirs.max[i]}`);
    // When values span the float range and cancel out (WideFloatRange: +-1.7e38, exact mean 0), a
    // mean summed in plain doubles is rounding noise (oiiotool says 1.9e22); ours is compensated.
    const scale = Math.max(Math.abs(theirs.min[i]!), Math.abs(theirs.max[i]!));
    if (Math.abs(theirs.avg[i]!) > 1e-9 * scale) assert.ok(close(c.mean!, theirs.avg[i]!, 1e-5, 2e-6), `${where} mean ${c.mean} vs ${theirs.avg[i]}`);
    else assert.ok(Math.abs(c.mean!) <= 1e-9 * scale, `${where} mean ${c.mean} should be ~0 next to ${scale}`);
    assert.ok(close(c.stdDev!, theirs.stdDev[i]!, 1e-4, 2e-6), `${where} stdDev ${c.stdDev} vs ${theirs.stdDev[i]}`);
    assert.equal(c.nanCount, theirs.nanCount[i], `${where} NaN`);
    assert.equal(c.infCount, theirs.infCount[i], `${where} Inf`);
  });
}

describe('vfx exr stats', () => {
  it('agrees with oiiotool --stats on real files (NaN and Inf counted apart)', { skip: !real ? skipReasons.real : !haveOiio ? skipReasons.oiiotool : false }, async () => {
    for (const name of [
      'openexr/v1.7.test.1.exr',
      'openexr-images/TestImages/BrightRingsNanInf.exr',
      'openexr-images/TestImages/WideFloatRange.exr',
      'openexr-images/TestImages/GammaChart.exr',
      'openexr-images/ScanLines/Carrots.exr',
      'openexr/comp_piz.exr',
      'openexr/comp_dwaa_v2.exr',
      'openexr/comp_rle.exr',
    ]) {
      await compareStats(join(real!, name));
    }
    const nanInf = JSON.parse((await runVfx(['exr', 'stats', '--json', join(real!, 'openexr-images/TestImages/BrightRingsNanInf.exr')])).stdout) as StatsJson;
    assert.deepEqual(
      nanInf.parts[0]!.channels.map((c) => [c.name, c.nanCount, c.infCount]),
      [
        ['B', 2, 4],
        ['G', 2, 4],
        ['R', 2, 4],
      ],
    );
  });

  it('agrees with oiiotool --stats on generated files, over the data window', { skip: !haveOiio ? skipReasons.oiiotool : false }, async () => {
    for (const name of ['checker_piz', 'noise_float', 'tiled', 'window', 'layers', 'mip', 'depth']) await compareStats(generated[name]!);
  });

  it('selects channels by glob and parts by name, and counts uint samples exactly', { skip: !haveOiio ? skipReasons.oiiotool : false }, async () => {
    const layers = JSON.parse((await runVfx(['exr', 'stats', '--json', '--channels', 'diffuse.*,A', generated.layers!])).stdout) as StatsJson;
    assert.deepEqual(
      layers.parts[0]!.channels.map((c) => c.name),
      ['A', 'diffuse.B', 'diffuse.G', 'diffuse.R'],
    );
    const uint = JSON.parse((await runVfx(['exr', 'stats', '--json', generated.uint!])).stdout) as StatsJson;
    // oiiotool writes uint32 as normalised values: 0 at the top row, 2^32 - 1 (id) and about 2^31
    // (count) at the bottom one.
    const bottom = JSON.parse((await runVfx(['exr', 'probe', '--json', generated.uint!, '0', '47'])).stdout) as { values: Record<string, number> };
    for (const name of ['id', 'count']) {
      const stats = uint.parts[0]!.channels.find((c) => c.name === name)!;
      assert.equal(stats.type, 'uint');
      assert.equal(stats.count, 64 * 48);
      assert.equal(stats.min, 0);
      assert.equal(stats.max, bottom.values[name]);
      assert.ok(Number.isInteger(stats.mean! * 2 * 64 * 48) || stats.mean! > 0);
    }
    assert.equal(bottom.values.id, 4294967295);
    const two = JSON.parse((await runVfx(['exr', 'stats', '--json', '--part', '1', generated.twoparts!])).stdout) as StatsJson;
    assert.deepEqual(two.parts.map((p) => p.part), [1]);
    assert.deepEqual(two.parts[0]!.channels.map((c) => [c.name, c.min, c.max, c.mean]), [['Z', 0.25, 0.25, 0.25]]);
    const none = await runVfx(['exr', 'stats', '--channels', 'nope.*', generated.layers!]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no channel of .* matches nope\.\*/);
    const human = await runVfx(['exr', 'stats', generated.depth!]);
    assert.match(human.stdout, /^ {2}Z +float +0\.25 +0\.25 +0\.25 +0 +0 +0$/m);
  });
});

async function compareProbe(file: string, points: [number, number][]): Promise<void> {
  const theirs = oiioPixels(file, points, scratch);
  for (const [i, [x, y]] of points.entries()) {
    const result = await runVfx(['exr', 'probe', '--json', file, String(x), String(y)]);
    assert.equal(result.code, 0, `${file}: ${result.stderr}`);
    const ours = JSON.parse(result.stdout) as { x: number; y: number; part: number; values: Record<string, number>; types: Record<string, string> };
    assert.equal(ours.x, x);
    assert.equal(ours.y, y);
    assert.equal(ours.part, 0);
    assert.deepEqual(Object.keys(ours.values).sort(), Object.keys(theirs[i]!).sort(), file);
    for (const [name, value] of Object.entries(theirs[i]!)) {
      assert.ok(close(ours.values[name]!, value, 1e-7, 1e-9), `${file} (${x}, ${y}) ${name}: ${ours.values[name]} vs oiiotool ${value}`);
    }
  }
}

describe('vfx exr probe', () => {
  it("gives every channel's value at a pixel, as oiiotool reads it", { skip: !haveOiio ? skipReasons.oiiotool : false }, async () => {
    await compareProbe(generated.checker_piz!, [[10, 5], [255, 127]]);
    await compareProbe(generated.noise_float!, [[77, 33], [0, 99]]);
    await compareProbe(generated.window!, [[20, 10], [200, 100]]);
    await compareProbe(generated.layers!, [[100, 60]]);
    await compareProbe(generated.tiled!, [[130, 70]]);
    if (real) {
      await compareProbe(join(real, 'openexr/v1.7.test.1.exr'), [[30, 40], [197, 174]]);
      await compareProbe(join(real, 'openexr/comp_dwab_v2.exr'), [[400, 300], [17, 5]]);
      await compareProbe(join(real, 'openexr-images/TestImages/WideFloatRange.exr'), [[123, 456]]);
    }
  });

  it('keeps the file’s types: half values exactly, uint as integers', { skip: !haveOiio ? skipReasons.oiiotool : false }, async () => {
    const uint = JSON.parse((await runVfx(['exr', 'probe', '--json', generated.uint!, '0', '47'])).stdout) as { values: Record<string, number>; types: Record<string, string> };
    assert.deepEqual(uint.types, { count: 'uint', id: 'uint' });
    assert.equal(uint.values.id, 4294967295);
    assert.ok(Number.isInteger(uint.values.count) && uint.values.count! > 2 ** 30 && uint.values.count! < 2 ** 32, String(uint.values.count));
    const top = JSON.parse((await runVfx(['exr', 'probe', '--json', generated.uint!, '5', '0'])).stdout) as { values: Record<string, number> };
    assert.deepEqual(top.values, { count: 0, id: 0 });
    const text = await runVfx(['exr', 'probe', generated.depth!, '3', '4']);
    assert.equal(text.stdout, `${generated.depth}: pixel (3, 4) of part 0\n  Z  float  0.25\n`);
  });

  it('refuses a pixel outside the data window with a clear error', { skip: !haveOiio ? skipReasons.oiiotool : false }, async () => {
    const result = await runVfx(['exr', 'probe', generated.window!, '5', '5']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `vfx: ${generated.window}: pixel (5, 5) is outside the data window (20 10) - (275 137) of part 0; pixels there hold no data\n`);
    const part = await runVfx(['exr', 'probe', '--part', '7', generated.twoparts!, '1', '1']);
    assert.equal(part.code, 2);
    assert.match(part.stderr, /part 7: the file has 2 parts/);
  });

  it('reads deep pixels as sample lists', { skip: !real ? skipReasons.real : false }, async () => {
    const file = join(real!, 'openexr/deep/11.deep.exr');
    const result = await runVfx(['exr', 'probe', '--json', file, '63', '101']);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { values: Record<string, number[]>; types: Record<string, string> };
    // Two samples here; their object ids are in the file's ID manifest (11.deep.exr.txt).
    assert.deepEqual(
      Object.values(json.values).map((v) => v.length),
      [2, 2, 2, 2, 2, 2, 2],
    );
    assert.equal(json.types.id, 'uint');
    const manifest = readFileSync(`${file}.txt`, 'utf8');
    for (const id of json.values.id!) assert.match(manifest, new RegExp(`^ +${id} `, 'm'));
    const empty = JSON.parse((await runVfx(['exr', 'probe', '--json', file, '128', '128'])).stdout) as { values: Record<string, number[]> };
    assert.deepEqual(empty.values.Z, []);
  });
});

describe('vfx inspect on EXR', () => {
  it('summarises an EXR from its header, one screen', { skip: !real ? skipReasons.real : false }, async () => {
    const file = join(real!, 'openexr-images/Beachball/multipart.0001.exr');
    const result = await runVfx(['inspect', file]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /format +OpenEXR 2, multi-part/);
    assert.match(result.stdout, /dimensions +2048 x 1556 \(display window \(0 0\) - \(2047 1555\)\)/);
    assert.match(result.stdout, /data window +\(654 245\) - \(1530 1120\), 877x876/);
    assert.match(result.stdout, /parts +10/);
    assert.match(result.stdout, /2 forward_left +scanlineimage, 877x876, zips, forward\.uv/);
    const json = JSON.parse((await runVfx(['inspect', '--json', file])).stdout) as { summary: Record<string, unknown> }[];
    assert.deepEqual(
      { ...json[0]!.summary, channelNames: undefined, partNames: undefined },
      {
        format: 'exr',
        width: 2048,
        height: 1556,
        parts: 10,
        partType: 'scanlineimage',
        channels: 20,
        channelNames: undefined,
        layers: [''],
        pixelTypes: ['half'],
        compression: 'zips',
        dataWindow: { xMin: 654, yMin: 245, xMax: 1530, yMax: 1120 },
        displayWindow: { xMin: 0, yMin: 0, xMax: 2047, yMax: 1555 },
        partNames: undefined,
      },
    );
  });

  it('gives a brief per file and sequence in directory listings', { skip: !haveOiio ? skipReasons.oiiotool : false }, async () => {
    const dir = join(scratch, 'listing');
    mkdirSync(dir);
    for (const frame of [1, 2, 3]) copyFileSync(generated.checker_piz!, join(dir, `beauty.000${frame}.exr`));
    copyFileSync(generated.layers!, join(dir, 'aovs.exr'));
    copyFileSync(generated.mip!, join(dir, 'texture.exr'));
    const result = await runVfx(['inspect', dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /beauty\.1-3#\.exr .* 3 frames +1-3 +256x128 exr half RGBA piz$/m);
    assert.match(result.stdout, /aovs\.exr .* 256x128 exr half RGBA \+2 layers dwaa$/m);
    assert.match(result.stdout, /texture\.exr .* 256x128 exr half RGBA zip tiled$/m);
    const sequence = await runVfx(['inspect', join(dir, 'beauty.#.exr')]);
    assert.match(sequence.stdout, /frames +3 \(1-3\)/);
    assert.match(sequence.stdout, /channels +4: RGBA/);
  });

  it('reads only the first bytes unless the header is longer', { skip: !real ? skipReasons.real : false }, async () => {
    // The cryptomatte file's header (manifests in attributes) is over 16 KiB: still summarised.
    const result = await runVfx(['inspect', '--json', join(real!, 'cryptomatte/cornellBox_CryptoWildcard.0001.exr')]);
    assert.equal(result.code, 0, result.stderr);
    const [item] = JSON.parse(result.stdout) as { summary: { channels: number } }[];
    assert.equal(item!.summary.channels, 50);
  });
});

describe('vfx exr usage', () => {
  it('exits 2 on bad usage, with help and examples everywhere', async () => {
    for (const args of [
      ['exr', 'probe', 'x.exr', 'one', '2'],
      ['exr', 'stats'],
      ['exr', 'compress', 'x.exr', '-o', 'y.exr'],
      ['exr', 'compress', 'x.exr', '--compression', 'lzma', '-o', 'y.exr'],
      ['exr', 'attr', 'set', 'x.exr', 'a=1', '--type', 'quaternion'],
      ['exr', 'frobnicate'],
    ]) {
      const result = await runVfx(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    }
    for (const verb of ['info', 'channels', 'stats', 'probe', 'extract', 'merge', 'compress', 'check', 'attr set', 'attr delete', 'attr get']) {
      const result = await runVfx(['exr', ...verb.split(' '), '--help']);
      assert.equal(result.code, 0, verb);
      assert.match(result.stdout, /Examples:/, verb);
    }
  });
});
