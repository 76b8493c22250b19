/**
 * Conformance against the reference tools, run at test time: files we write must read in
 * `exrheader` (same header) and `oiiotool` (same statistics), and files `oiiotool` writes in every
 * compression, half and float, scanline and tiled, must decode to exactly its pixels (`idiff`).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EXR_COMPRESSIONS, hasCompression, readExr, readExrHeader, readExrParts, writeExr } from '@vfxkit/exr';
import type { ExrCompression, ExrHeader, ExrImage } from '@vfxkit/exr';
import {
  OIIO_PATTERN,
  formatLikeExrheader,
  imageStats,
  missingTool,
  oiioStats,
  parseExrheader,
  run,
  statsAgree,
  tempDir,
} from './helpers.js';
import { isLossy, layouts, patternPart, writableCompressions } from './patterns.js';

const dir = tempDir();
after(() => dir.remove());

/** Our header, as exrheader prints it. */
function assertExrheaderAgrees(path: string, ours: ExrHeader): void {
  const result = run('exrheader', [path]);
  assert.equal(result.status, 0, `exrheader failed: ${result.stderr}`);
  const theirs = parseExrheader(result.stdout);
  assert.equal(theirs.incomplete, false, 'exrheader says the file is incomplete');
  assert.equal(theirs.parts.length, ours.parts.length);
  ours.parts.forEach((part, p) => {
    const printed = new Map(theirs.parts[p]!.attributes.map((a) => [a.name, a]));
    for (const attribute of part.attributes) {
      const entry = printed.get(attribute.name);
      assert.ok(entry, `part ${p}: exrheader does not list ${attribute.name}`);
      assert.equal(entry.type, attribute.type);
      const text = formatLikeExrheader(attribute);
      if (text !== undefined) assert.equal(entry.text, text, `part ${p}: ${attribute.name}`);
    }
  });
}

/** oiiotool's statistics of every subimage and level equal ours. */
function assertOiioAgrees(path: string, parts: ExrImage[]): void {
  const { stats, error } = oiioStats(path);
  assert.equal(error, undefined, `oiiotool failed: ${error}`);
  assert.equal(stats.size, parts.length);
  parts.forEach((image, p) => {
    const levels = image.levels ?? [{ channels: image.channels }];
    assert.equal(stats.get(p)!.size, levels.length, `part ${p}: levels`);
    levels.forEach((level, l) => {
      for (const [name, s] of imageStats(level)) {
        const problem = statsAgree(s, stats.get(p)!.get(l)!.get(name)!);
        assert.equal(problem, undefined, `part ${p} level ${l} ${name}: ${problem}`);
      }
    });
  });
}

const needTools = missingTool('exrheader') || missingTool('oiiotool');

describe('files we write read in exrheader and oiiotool', { skip: needTools }, () => {
  for (const compression of writableCompressions()) {
    // OIIO 2.4 cannot read rip-map levels; those are checked with exrheader only.
    for (const layout of layouts) {
      for (const types of [['half'], ['float'], ['half', 'float', 'uint']] as const) {
        const what = `${compression} ${layout.name} ${types.join('+')}`;
        it(what, () => {
          const part = patternPart({ compression, layout, lineOrder: layout.tiles ? 'increasingY' : 'decreasingY', types: [...types] });
          const bytes = writeExr(part);
          const path = join(dir.path, `${what.replaceAll(' ', '_')}.exr`);
          writeFileSync(path, bytes);
          assertExrheaderAgrees(path, readExrHeader(bytes));
          if (layout.tiles?.levelMode !== 'ripmap') assertOiioAgrees(path, readExrParts(bytes, { allLevels: true }));
        });
      }
    }
  }

  it('multi-part and deep files', () => {
    const parts = [
      { ...patternPart({ compression: 'zip', layout: layouts[0]!, lineOrder: 'increasingY', types: ['half'] }), name: 'a' },
      { ...patternPart({ compression: 'rle', layout: layouts[2]!, lineOrder: 'increasingY', types: ['float', 'uint'] }), name: 'b' },
    ];
    const bytes = writeExr(parts);
    const path = join(dir.path, 'multipart.exr');
    writeFileSync(path, bytes);
    assertExrheaderAgrees(path, readExrHeader(bytes));
    assertOiioAgrees(path, readExrParts(bytes, { allLevels: true }));
    const idiff = run('idiff', ['-a', '-fail', '0', '-warn', '0', path, path]);
    assert.equal(idiff.status, 0, idiff.stdout);
  });
});

const oiioCompressions = EXR_COMPRESSIONS.filter((c) => !c.startsWith('htj2k'));

describe('files oiiotool writes decode to its pixels', { skip: missingTool('oiiotool') || missingTool('idiff') || missingTool('exrheader') }, () => {
  for (const compression of oiioCompressions) {
    for (const type of ['half', 'float'] as const) {
      for (const tiled of [false, true]) {
        const what = `${compression} ${type} ${tiled ? 'tiled' : 'scanline'}`;
        const skip = hasCompression(compression) ? false : `needs ${compression.toUpperCase()} decoding, not in this build yet`;
        it(what, { skip }, () => {
          const source = join(dir.path, `oiio_${what.replaceAll(' ', '_')}.exr`);
          const offset = tiled ? [] : ['--origin', '+5+7', '--fullsize', '80x60+0+0']; // a data window inside the display window
          const made = run('oiiotool', [...OIIO_PATTERN, ...offset, '-d', type, '--compression', compression, ...(tiled ? ['--tile', '32', '32'] : []), '-o', source]);
          assert.equal(made.status, 0, made.stderr);
          const bytes = readFileSync(source);
          const header = readExrHeader(bytes);
          assert.equal(header.parts[0]!.compression, compression);
          const image = readExr(bytes);
          assert.ok(image.channels.every((c) => c.type === type));
          assertOiioAgrees(source, [image]);

          // Decoded pixels stored losslessly must be identical to oiiotool's decoding of the source.
          const lossless = join(dir.path, `ours_zip_${what.replaceAll(' ', '_')}.exr`);
          writeFileSync(lossless, writeExr({ ...image, compression: 'zip' }));
          const same = run('idiff', ['-fail', '0', '-warn', '0', source, lossless]);
          assert.equal(same.status, 0, `idiff: ${same.stdout}`);
          assertExrheaderAgrees(lossless, readExrHeader(readFileSync(lossless)));

          // Re-encoded with the same method: identical when lossless, close when lossy.
          if (hasCompression(compression, true)) {
            const again = join(dir.path, `ours_${what.replaceAll(' ', '_')}.exr`);
            writeFileSync(again, writeExr(image));
            assertExrheaderAgrees(again, readExrHeader(readFileSync(again)));
            const lossy = isLossy(compression as ExrCompression, type);
            const diff = run('idiff', lossy ? ['-fail', '0.2', '-warn', '0.2', source, again] : ['-fail', '0', '-warn', '0', source, again]);
            assert.equal(diff.status, 0, `idiff: ${diff.stdout}`);
          }
        });
      }
    }
  }
});

describe('OpenEXR tools read and rewrite our files', { skip: missingTool('exrstdattr') || missingTool('exrmaketiled') || missingTool('exrmultipart') }, () => {
  const source = () => patternPart({ compression: 'zip', layout: layouts[0]!, lineOrder: 'increasingY', types: ['half', 'float', 'uint'] });

  it('exrstdattr: OpenEXR rewrites our file with standard attributes of many types; we read them all', () => {
    const input = join(dir.path, 'stdattr_in.exr');
    const output = join(dir.path, 'stdattr_out.exr');
    const part = source();
    writeFileSync(input, writeExr(part));
    const args = [
      ['-chromaticities', '0.64', '0.33', '0.3', '0.6', '0.15', '0.06', '0.3127', '0.329'],
      ['-whiteLuminance', '100'],
      ['-adoptedNeutral', '0.3127', '0.329'],
      ['-owner', 'vfxkit'],
      ['-comments', 'line one, "quoted"'],
      ['-capDate', '2026:11:26 10:00:00'],
      ['-utcOffset', '-3600'],
      ['-envmap', 'latlong'],
      ['-framesPerSecond', '24000', '1001'],
      ['-keyCode', '1', '2', '3', '4', '5', '6', '20'],
      ['-timeCode', '305419896', '3735928559'],
      ['-wrapmodes', 'clamp,periodic'],
      ['-string', 'studio:show', 'abc'],
      ['-float', 'studio:gamma', '2.2'],
      ['-int', 'studio:take', '7'],
    ].flat();
    const result = run('exrstdattr', [...args, input, output]);
    assert.equal(result.status, 0, result.stderr);
    const bytes = readFileSync(output);
    const header = readExrHeader(bytes);
    const value = (name: string) => header.parts[0]!.attributes.find((a) => a.name === name);
    assert.equal(value('framesPerSecond')?.type, 'rational');
    assert.deepEqual(value('framesPerSecond')?.value, { numerator: 24000, denominator: 1001 });
    assert.deepEqual(value('keyCode')?.value, { filmMfcCode: 1, filmType: 2, prefix: 3, count: 4, perfOffset: 5, perfsPerFrame: 6, perfsPerCount: 20 });
    assert.equal(value('timeCode')?.type, 'timecode'); // its value is checked against exrheader's printout below
    assert.equal(value('envmap')?.value, 'latlong');
    assert.equal(value('comments')?.value, 'line one, "quoted"');
    assert.equal(value('studio:take')?.value, 7);
    assert.equal(value('owner')?.value, 'vfxkit');
    assertExrheaderAgrees(output, header);
    // OpenEXR decoded our pixels and wrote them again: they must be ours.
    const back = readExr(bytes);
    back.channels.forEach((c) => assert.deepEqual(c.data, part.channels.find((s) => s.name === c.name)!.data, c.name));
    // And our rewrite of its file keeps every attribute.
    const again = readExrHeader(writeExr(readExr(bytes)));
    for (const attribute of header.parts[0]!.attributes) {
      assert.deepEqual(again.parts[0]!.attributes.find((a) => a.name === attribute.name), attribute, attribute.name);
    }
  });

  for (const [flags, mode, rounding] of [
    [['-m'], 'mipmap', 'down'],
    [['-m', '-u'], 'mipmap', 'up'],
    [['-r'], 'ripmap', 'down'],
    [['-r', '-u'], 'ripmap', 'up'],
  ] as const) {
    it(`exrmaketiled ${flags.join(' ')}: we read OpenEXR's ${mode} (${rounding}) levels`, () => {
      const input = join(dir.path, 'maketiled_in.exr');
      const output = join(dir.path, `maketiled_${mode}_${rounding}.exr`);
      const part = patternPart({ compression: 'none', layout: layouts[0]!, lineOrder: 'increasingY', types: ['half', 'float'], specials: false });
      writeFileSync(input, writeExr(part));
      const result = run('exrmaketiled', [...flags, '-t', '16', '8', '-z', 'zip', input, output]);
      assert.equal(result.status, 0, result.stderr);
      const image = readExr(readFileSync(output), { allLevels: true });
      assert.deepEqual(image.tiles, { xSize: 16, ySize: 8, levelMode: mode, roundingMode: rounding });
      const size = (n: number, l: number) => Math.max(1, rounding === 'up' ? Math.ceil(n / 2 ** l) : Math.floor(n / 2 ** l));
      for (const level of image.levels!) {
        assert.equal(level.width, size(67, level.level.x), `level ${level.level.x},${level.level.y} width`);
        assert.equal(level.height, size(43, level.level.y), `level ${level.level.x},${level.level.y} height`);
        assert.equal(level.dataWindow.xMin, part.dataWindow!.xMin);
      }
      const count = mode === 'mipmap' ? Math.max(image.levels!.at(-1)!.level.x + 1, 0) : image.levels!.length;
      assert.equal(count, mode === 'mipmap' ? (rounding === 'up' ? 8 : 7) : (rounding === 'up' ? 8 * 7 : 7 * 6));
      image.channels.forEach((c) => assert.deepEqual(c.data, part.channels.find((s) => s.name === c.name)!.data, `level 0 ${c.name}`));
      assertExrheaderAgrees(output, readExrHeader(readFileSync(output)));
      // Low-pass filtered levels keep roughly the level-0 average of a smooth channel.
      const mean = (d: Float32Array) => d.reduce((a, b) => a + b, 0) / d.length;
      const z0 = mean(image.channels.find((c) => c.name === 'Z')!.data as Float32Array);
      const last = image.levels!.at(-1)!.channels.find((c) => c.name === 'Z')!.data as Float32Array;
      assert.ok(Math.abs(mean(last) - z0) < 0.25 * Math.abs(z0), `coarsest level mean ${mean(last)} vs ${z0}`);
    });
  }

  it('exrmultipart: combines our files with an oiiotool file, and separates our multi-part file', () => {
    const a = join(dir.path, 'mp_a.exr');
    const b = join(dir.path, 'mp_b.exr');
    const partA = patternPart({ compression: 'rle', layout: layouts[1]!, lineOrder: 'increasingY', types: ['half'] });
    writeFileSync(a, writeExr(partA));
    const made = run('oiiotool', [...OIIO_PATTERN, '-d', 'float', '--compression', 'zips', '--fullsize', '100x50+0+0', '--origin', '+10-7', '-o', b]);
    assert.equal(made.status, 0, made.stderr);
    const combined = join(dir.path, 'mp_combined.exr');
    const result = run('exrmultipart', ['-combine', '-i', `${a}::ours`, `${b}::theirs`, '-o', combined]);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const bytes = readFileSync(combined);
    const header = readExrHeader(bytes);
    assert.deepEqual(header.parts.map((p) => p.name), ['ours', 'theirs']);
    const ours = readExr(bytes, { part: 'ours' });
    ours.channels.forEach((c) => assert.deepEqual(c.data, partA.channels.find((s) => s.name === c.name)!.data));
    assert.deepEqual(readExr(bytes, { part: 'theirs' }).channels, readExr(readFileSync(b)).channels);
    assertExrheaderAgrees(combined, header);

    const ourMulti = join(dir.path, 'mp_ours.exr');
    const parts = [
      { ...partA, name: 'first' },
      { ...patternPart({ compression: 'zip', layout: layouts[2]!, lineOrder: 'increasingY', types: ['float', 'uint'] }), name: 'second' },
    ];
    writeFileSync(ourMulti, writeExr(parts));
    const base = join(dir.path, 'mp_separated');
    const separated = run('exrmultipart', ['-separate', '-i', ourMulti, '-o', base]);
    assert.equal(separated.status, 0, separated.stderr + separated.stdout);
    const first = readExr(readFileSync(`${base}.1.exr`));
    first.channels.forEach((c) => assert.deepEqual(c.data, partA.channels.find((s) => s.name === c.name)!.data));
    const second = readExr(readFileSync(`${base}.2.exr`), { allLevels: true });
    assert.equal(second.tiles?.levelMode, 'mipmap');
    second.levels!.forEach((level, i) => {
      const expected = i === 0 ? parts[1]!.channels : parts[1]!.levels![i - 1]!.channels;
      level.channels.forEach((c) => assert.deepEqual(c.data, expected.find((s) => s.name === c.name)!.data, `level ${i} ${c.name}`));
    });
  });
});
