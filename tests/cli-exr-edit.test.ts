/**
 * `vfx exr extract|merge|compress|attr`: round trips verified with OpenEXR's exrheader and
 * OpenImageIO's oiiotool and idiff, on files generated at test time and on the real files.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readExr, readExrHeader, writeExr } from '@vfxkit/exr';
import { runVfx, tempDir } from './helpers.js';
import { generateExrs, hasTool, parseExrheader, realExrDir, run, runOk, skipReasons } from './exr-helpers.js';

const real = realExrDir();
const haveTools = hasTool('oiiotool') && hasTool('idiff') && hasTool('exrheader') && hasTool('exrmaketiled') && hasTool('exrmultipart');
const skipTools = !haveTools ? skipReasons.oiiotool : false;

let scratch: string;
let cleanup: () => void;
let generated: Record<string, string> = {};
let counter = 0;

before(() => {
  ({ dir: scratch, cleanup } = tempDir('vfx-exr-edit-'));
  if (haveTools) generated = generateExrs(scratch);
});
after(() => cleanup());

function out(name: string): string {
  return join(scratch, `${counter++}-${name}`);
}

/** idiff's verdict on two files (all subimages and MIP levels with `all`). */
function idiff(a: string, b: string, options: string[] = []): { pass: boolean; text: string } {
  const result = run('idiff', [...options, a, b]);
  return { pass: result.code === 0, text: result.stdout + result.stderr };
}

function exrheader(file: string): ReturnType<typeof parseExrheader> {
  return parseExrheader(runOk('exrheader', [file]));
}

/** The chunk bytes of a file: everything after its headers and offset tables. */
function chunkBytes(file: string): Buffer {
  const bytes = readFileSync(file);
  const header = readExrHeader(new Uint8Array(bytes));
  const entries = header.parts.reduce((n, p) => n + p.chunkCount, 0);
  return bytes.subarray(header.offsetTablesOffset + entries * 8);
}

describe('vfx exr extract', () => {
  it('pulls AOVs out by glob, renamed with --strip-layer, equal to oiiotool --ch', { skip: skipTools }, async () => {
    const ours = out('diffuse.exr');
    const result = await runVfx(['exr', 'extract', generated.layers!, '-o', ours, '--channels', 'diffuse.*', '--strip-layer', '--compression', 'zip']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^wrote .*diffuse\.exr: 1 part, 3 channels \(half\), zip, /);
    const reference = out('diffuse-ref.exr');
    // (oiiotool would write the input's DWAA again, lossy, unless told otherwise.)
    runOk('oiiotool', [generated.layers!, '--ch', 'R=diffuse.R,G=diffuse.G,B=diffuse.B', '--compression', 'zip', '-o', reference]);
    const verdict = idiff(reference, ours);
    assert.ok(verdict.pass, verdict.text);
    const header = exrheader(ours)[0]!;
    assert.deepEqual(header.get('channels')!.lines, ['B, 16-bit floating-point, sampling 1 1', 'G, 16-bit floating-point, sampling 1 1', 'R, 16-bit floating-point, sampling 1 1']);
    // The metadata comes along.
    assert.ok(header.get('Software')!.inline.startsWith('"OpenImageIO'), 'attributes kept');
    // Without --strip-layer the names stay, and several globs add up.
    const both = out('both.exr');
    assert.equal((await runVfx(['exr', 'extract', generated.layers!, '-o', both, '--channels', 'diffuse.R', '--channels', 'specular.*,A'])).code, 0);
    assert.deepEqual(
      exrheader(both)[0]!.get('channels')!.lines.map((l) => l.split(',')[0]),
      ['A', 'diffuse.R', 'specular.B', 'specular.G', 'specular.R'],
    );
  });

  it('pulls one part out of a multi-part file, pixels unchanged', { skip: skipTools }, async () => {
    const ours = out('depth.exr');
    const result = await runVfx(['exr', 'extract', generated.twoparts!, '-o', ours, '--part', '1']);
    assert.equal(result.code, 0, result.stderr);
    const verdict = idiff(generated.depth!, ours);
    assert.ok(verdict.pass, verdict.text);
    assert.equal(exrheader(ours).length, 1);
    if (real) {
      const beachball = join(real, 'openexr-images/Beachball/multipart.0001.exr');
      const left = out('forward_left.exr');
      assert.equal((await runVfx(['exr', 'extract', beachball, '-o', left, '--part', 'forward_left'])).code, 0);
      const reference = out('forward_left-ref.exr');
      runOk('oiiotool', [beachball, '--subimage', 'forward_left', '-o', reference]);
      const check = idiff(reference, left);
      assert.ok(check.pass, check.text);
      assert.equal(exrheader(left)[0]!.get('view')!.inline, '"left"');
    }
  });

  it('keeps every MIP level of a tiled file', { skip: skipTools }, async () => {
    const ours = out('mip-rgb.exr');
    const result = await runVfx(['exr', 'extract', generated.mip!, '-o', ours, '--channels', 'R,G,B']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(exrheader(ours)[0]!.get('tiles')!.lines, ['mip-map', 'tile size 64 by 64 pixels', 'level sizes rounded down']);
    const reference = out('mip-ref.exr');
    runOk('oiiotool', ['-a', generated.mip!, '--ch', 'R,G,B', '-o', reference]);
    const verdict = idiff(reference, ours, ['-a']);
    assert.ok(verdict.pass, verdict.text);
  });

  it('refuses to overwrite without --force, and explains a glob that matches nothing', { skip: skipTools }, async () => {
    const target = out('exists.exr');
    writeFileSync(target, 'keep me');
    const refused = await runVfx(['exr', 'extract', generated.layers!, '-o', target, '--channels', 'A']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /exists\.exr: the output exists; add --force to replace it/);
    assert.equal(readFileSync(target, 'utf8'), 'keep me');
    assert.equal((await runVfx(['exr', 'extract', generated.layers!, '-o', target, '--channels', 'A', '--force'])).code, 0);
    assert.equal(readExrHeader(new Uint8Array(readFileSync(target))).parts[0]!.channels.length, 1);
    const none = await runVfx(['exr', 'extract', generated.layers!, '-o', out('none.exr'), '--channels', 'beauty.*']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no channel matches 'beauty\.\*' in part 0 \(channels: A, B, G, R, diffuse\.B/);
    const clash = await runVfx(['exr', 'extract', generated.layers!, '-o', out('clash.exr'), '--channels', '*.R', '--strip-layer']);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /--strip-layer would give 'diffuse\.R' and 'specular\.R' the same name 'R'/);
  });
});

describe('vfx exr merge', () => {
  it('combines channels over one data window, as oiiotool --chappend does', { skip: skipTools }, async () => {
    const ours = out('merged.exr');
    const result = await runVfx(['exr', 'merge', generated.checker_piz!, generated.depth!, '-o', ours]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /1 part, 5 channels \(half\/float\), piz/);
    const reference = out('merged-ref.exr');
    runOk('oiiotool', [generated.checker_piz!, generated.depth!, '--chappend', '-o', reference]);
    const verdict = idiff(reference, ours);
    assert.ok(verdict.pass, verdict.text);
    const channels = exrheader(ours)[0]!.get('channels')!.lines;
    assert.ok(channels.includes('Z, 32-bit floating-point, sampling 1 1'), 'each channel keeps its type');
  });

  it('refuses different data windows and duplicate channels, with clear errors', { skip: skipTools }, async () => {
    const window = await runVfx(['exr', 'merge', generated.checker_piz!, generated.window!, '-o', out('no.exr')]);
    assert.equal(window.code, 2);
    assert.equal(
      window.stderr,
      `vfx: ${generated.window}: its data window (20 10) - (275 137) differs from ${generated.checker_piz}'s (0 0) - (255 127): channels can only be merged over one data window (crop or pad first, or use --multipart)\n`,
    );
    const duplicate = await runVfx(['exr', 'merge', generated.checker_piz!, generated.tiled!, '-o', out('no.exr')]);
    assert.equal(duplicate.code, 2);
    assert.match(duplicate.stderr, /channel 'A' is in .*checker_piz\.exr too/);
    const parts = await runVfx(['exr', 'merge', generated.twoparts!, generated.depth!, '-o', out('no.exr')]);
    assert.equal(parts.code, 2);
    assert.match(parts.stderr, /the file has 2 parts: merge them with --multipart/);
    const one = await runVfx(['exr', 'merge', generated.depth!, '-o', out('no.exr')]);
    assert.equal(one.code, 2);
  });

  it('makes a multi-part file with --multipart, part names from the files', { skip: skipTools }, async () => {
    const ours = out('parts.exr');
    const result = await runVfx(['exr', 'merge', generated.checker_piz!, generated.depth!, '-o', ours, '--multipart']);
    assert.equal(result.code, 0, result.stderr);
    const parts = exrheader(ours);
    assert.deepEqual(
      parts.map((p) => p.get('name')!.inline),
      ['"checker_piz"', '"depth"'],
    );
    const verdict = idiff(generated.twoparts!, ours, ['-a']);
    assert.ok(verdict.pass, verdict.text);
    // Different display windows cannot share a multi-part file.
    const refused = await runVfx(['exr', 'merge', generated.checker_piz!, generated.window!, '-o', out('no.exr'), '--multipart']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /the parts differ in display window/);
  });
});

describe('vfx exr compress', () => {
  it('recompresses a file losslessly, keeping every attribute', { skip: !real ? skipReasons.real : skipTools }, async () => {
    for (const [name, compression] of [
      ['openexr/comp_zip.exr', 'piz'],
      ['openexr/v1.7.test.tiled.exr', 'zips'],
      ['openexr-images/Beachball/multipart.0001.exr', 'zip'],
      ['openexr/deep/11.deep.exr', 'rle'],
    ] as const) {
      const source = join(real!, name);
      const ours = out(`${compression}.exr`);
      const result = await runVfx(['exr', 'compress', source, '--compression', compression, '-o', ours]);
      assert.equal(result.code, 0, `${name}: ${result.stderr}`);
      const before = exrheader(source);
      const after = exrheader(ours);
      assert.equal(after.length, before.length);
      after.forEach((part, p) => {
        assert.equal(part.get('compression')!.inline, { piz: 'piz', zips: 'zip, individual scanlines', zip: 'zip, multi-scanline blocks', rle: 'run-length encoding' }[compression]);
        for (const [attribute, value] of before[p]!) {
          if (attribute === 'compression' || attribute === 'chunkCount') continue;
          assert.deepEqual(part.get(attribute), value, `${name} part ${p}: ${attribute}`);
        }
      });
      if (!name.includes('deep')) {
        const verdict = idiff(source, ours, ['-a']);
        assert.ok(verdict.pass, `${name}: ${verdict.text}`);
      }
    }
  });

  it('recompresses a sequence in parallel, refuses overwrites, replaces in place atomically', { skip: skipTools }, async () => {
    const dir = join(scratch, 'compress-seq');
    mkdirSync(dir);
    for (const frame of [1, 2, 3, 4, 5, 6]) copyFileSync(frame % 2 === 0 ? generated.checker_piz! : generated.layers!, join(dir, `plate.${1000 + frame}.exr`));
    const outDir = join(scratch, 'compress-out');
    const result = await runVfx(['exr', 'compress', join(dir, 'plate.#.exr'), '--compression', 'zip', '-o', `${outDir}/`, '-j', '2', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { ok: number; failed: number; frames: { from: string; to: string; outcome: string; bytesOut: number }[] };
    assert.equal(json.ok, 6);
    assert.equal(json.failed, 0);
    for (const frame of [1001, 1002, 1003, 1004, 1005, 1006]) {
      const verdict = idiff(join(dir, `plate.${frame}.exr`), join(outDir, `plate.${frame}.exr`));
      assert.ok(verdict.pass, verdict.text);
      assert.equal(readExrHeader(new Uint8Array(readFileSync(join(outDir, `plate.${frame}.exr`)))).parts[0]!.compression, 'zip');
    }
    // Again: refused, nothing written.
    const again = await runVfx(['exr', 'compress', join(dir, 'plate.#.exr'), '--compression', 'zip', '-o', `${outDir}/`]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /6 output files exist .*; nothing was written: add --force to replace them/);
    // Neither -o nor --in-place: a usage error.
    const nowhere = await runVfx(['exr', 'compress', join(dir, 'plate.#.exr'), '--compression', 'zip']);
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /--in-place to replace the input files/);
    // In place: replaced, mode kept, already-compressed frames skipped the second time.
    chmodSync(join(dir, 'plate.1001.exr'), 0o640);
    const original = readFileSync(join(dir, 'plate.1001.exr'));
    const inPlace = await runVfx(['exr', 'compress', join(dir, 'plate.1001-1003#.exr'), '--compression', 'piz', '--in-place', '--verify', '-j', '2']);
    assert.equal(inPlace.code, 0, inPlace.stderr);
    // plate.1002 is a copy of a PIZ file already.
    assert.match(inPlace.stdout, /2 files recompressed to piz, .*; 1 already piz$/m);
    assert.equal(statSync(join(dir, 'plate.1001.exr')).mode & 0o777, 0o640);
    const reference = out('original-1001.exr');
    writeFileSync(reference, original);
    const verdict = idiff(reference, join(dir, 'plate.1001.exr'));
    assert.ok(verdict.pass, verdict.text);
    const skipped = await runVfx(['exr', 'compress', join(dir, 'plate.1001-1003#.exr'), '--compression', 'piz', '--in-place']);
    assert.match(skipped.stdout, /0 files recompressed to piz, .*; 3 already piz/);
  });

  it('reports a frame that fails and finishes the others (exit 1)', { skip: skipTools }, async () => {
    const dir = join(scratch, 'compress-bad');
    mkdirSync(dir);
    for (const frame of [1, 2, 3, 4]) copyFileSync(generated.checker_piz!, join(dir, `shot.${frame}.exr`));
    const bytes = readFileSync(generated.checker_piz!);
    writeFileSync(join(dir, 'shot.3.exr'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const outDir = join(scratch, 'compress-bad-out');
    const result = await runVfx(['exr', 'compress', join(dir, 'shot.@.exr'), '--compression', 'zips', '-o', `${outDir}/`, '-j', '2']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^vfx: .*shot\.3\.exr: /m);
    assert.match(result.stdout, /3 files recompressed to zips.*; 1 failed/);
    assert.ok(existsSync(join(outDir, 'shot.4.exr')));
    assert.ok(!existsSync(join(outDir, 'shot.3.exr')), 'no output for the failed frame');
  });

  it('refuses a compression deep data does not allow', { skip: !real ? skipReasons.real : false }, async () => {
    const result = await runVfx(['exr', 'compress', join(real!, 'openexr/deep/11.deep.exr'), '--compression', 'piz', '-o', out('deep.exr')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /part 0 holds deep data, which OpenEXR allows only with none, rle or zips compression, not piz/);
  });
});

describe('vfx exr attr', () => {
  it('sets typed attributes in place, pixel chunks byte-identical, as exrheader and oiiotool read them', { skip: skipTools }, async () => {
    const file = out('attrs.exr');
    copyFileSync(generated.layers!, file);
    const chunksBefore = chunkBytes(file);
    const result = await runVfx([
      'exr', 'attr', 'set', file,
      'owner=Studio Ltd',
      'comments=graded, v3',
      'timeCode=01:02:03:04',
      'framesPerSecond=23.976',
      'chromaticities=rec2020',
      'worldToCamera=1 0 0 0 0 1 0 0 0 0 1 0 10 20 30 1',
      'adoptedNeutral=0.3127 0.329',
      'originalDataWindow=0,0,1919,1079',
      'multiView=["left","right"]',
      'utcOffset=-3600',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /added owner \(string\), added comments \(string\), added timeCode \(timecode\), added framesPerSecond \(rational\)/);
    assert.ok(chunkBytes(file).equals(chunksBefore), 'the pixel chunks are byte-identical');
    const header = exrheader(file)[0]!;
    assert.equal(header.get('owner')!.inline, '"Studio Ltd"');
    assert.equal(header.get('comments')!.inline, '"graded, v3"');
    assert.equal(header.get('timeCode')!.lines[0], 'time 01:02:03:04');
    assert.equal(header.get('framesPerSecond')!.inline, '24000/1001 (23.976)');
    assert.deepEqual(header.get('chromaticities')!.lines, ['red   (0.708 0.292)', 'green (0.17 0.797)', 'blue  (0.131 0.046)', 'white (0.3127 0.329)']);
    assert.deepEqual(header.get('worldToCamera')!.lines, ['(1 0 0 0', '0 1 0 0', '0 0 1 0', '10 20 30 1)']);
    assert.equal(header.get('adoptedNeutral')!.inline, '(0.3127 0.329)');
    assert.equal(header.get('originalDataWindow')!.inline, '(0 0) - (1919 1079)');
    assert.deepEqual(header.get('multiView')!.lines, ['"left"', '"right"']);
    assert.equal(header.get('utcOffset')!.inline, '-3600');
    const info = runOk('oiiotool', ['-v', '--info', file]);
    assert.match(info, /smpte:TimeCode: 01:02:03:04/);
    assert.match(info, /framesPerSecond: 24000\/1001/);
    const verdict = idiff(generated.layers!, file);
    assert.ok(verdict.pass, verdict.text);
    // Explicit types, and replacing a value keeps its type.
    assert.equal((await runVfx(['exr', 'attr', 'set', file, 'focal=35', 'shotCount=12', '--type', 'float'])).code, 0);
    assert.equal((await runVfx(['exr', 'attr', 'set', file, 'frame=1001', '--type', 'int', 'lens=1 2 3'])).code, 2, 'a value that is not an int');
    assert.equal((await runVfx(['exr', 'attr', 'set', file, 'utcOffset=7200'])).code, 0);
    const after = exrheader(file)[0]!;
    assert.deepEqual(after.get('focal'), { type: 'float', inline: '35', lines: [] });
    assert.deepEqual(after.get('utcOffset'), { type: 'float', inline: '7200', lines: [] });
    assert.ok(chunkBytes(file).equals(chunksBefore), 'still byte-identical');
  });

  it('deletes attributes, refuses required and structural ones, and edits one part of a multi-part file', { skip: skipTools }, async () => {
    const file = out('delete.exr');
    copyFileSync(generated.checker_piz!, file);
    const chunksBefore = chunkBytes(file);
    assert.equal((await runVfx(['exr', 'attr', 'set', file, 'owner=x', 'comments=y'])).code, 0);
    const deleted = await runVfx(['exr', 'attr', 'delete', file, 'owner', 'Software']);
    assert.equal(deleted.code, 0, deleted.stderr);
    const header = exrheader(file)[0]!;
    assert.ok(!header.has('owner') && !header.has('Software') && header.has('comments'));
    assert.ok(chunkBytes(file).equals(chunksBefore));
    for (const name of ['displayWindow', 'channels', 'dataWindow', 'compression', 'pixelAspectRatio']) {
      const refused = await runVfx(['exr', 'attr', 'delete', file, name]);
      assert.equal(refused.code, 2, name);
      assert.match(refused.stderr, new RegExp(`'${name}' (is a required attribute|describes how the pixels are stored)`));
    }
    const structural = await runVfx(['exr', 'attr', 'set', file, 'dataWindow=0 0 10 10']);
    assert.equal(structural.code, 2);
    const missing = await runVfx(['exr', 'attr', 'delete', file, 'nosuch']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no attribute 'nosuch' to delete/);

    const two = out('two.exr');
    copyFileSync(generated.twoparts!, two);
    const twoChunks = chunkBytes(two);
    assert.equal((await runVfx(['exr', 'attr', 'set', two, 'view=left', '--part', '1'])).code, 0);
    const parts = exrheader(two);
    assert.ok(!parts[0]!.has('view'));
    assert.equal(parts[1]!.get('view')!.inline, '"left"');
    assert.ok(chunkBytes(two).equals(twoChunks));
    const verdict = idiff(generated.twoparts!, two, ['-a']);
    assert.ok(verdict.pass, verdict.text);
    // A display window that would differ between parts is refused; nothing changes.
    const shared = await runVfx(['exr', 'attr', 'set', two, 'displayWindow=0 0 99 99', '--part', '0']);
    assert.equal(shared.code, 2);
    assert.match(shared.stderr, /the edit would make the header invalid: .*displayWindow/);
    assert.equal(readExrHeader(new Uint8Array(readFileSync(two))).parts[0]!.displayWindow.xMax, 255);
    // --dry-run changes nothing.
    const dry = await runVfx(['exr', 'attr', 'set', two, 'owner=z', '--dry-run']);
    assert.match(dry.stdout, /dry run/);
    assert.ok(!exrheader(two)[0]!.has('owner'));
  });

  it('edits a file larger than its copy buffer in place: chunks streamed unchanged, permissions kept, no temporary left', async () => {
    const dir = out('big');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'big.exr');
    const width = 1024;
    const height = 768;
    const channel = (name: string, k: number) => ({ name, type: 'float' as const, data: new Float32Array(width * height).map((_, i) => Math.sin(i * k)) });
    writeFileSync(file, writeExr({ width, height, compression: 'none', channels: [channel('B', 0.1), channel('G', 0.2), channel('R', 0.3)] }));
    chmodSync(file, 0o640);
    const size = statSync(file).size;
    assert.ok(size > 3 * 1024 * 1024, `${size} bytes: several 1 MiB copy steps`);
    const chunksBefore = chunkBytes(file);
    const pixelsBefore = readExr(new Uint8Array(readFileSync(file))).channels.map((c) => c.data);
    const result = await runVfx(['exr', 'attr', 'set', file, 'owner=Streaming Test', 'comments=a header that grows']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(chunkBytes(file).equals(chunksBefore), 'the chunks are byte-identical');
    const after = new Uint8Array(readFileSync(file));
    assert.equal(readExrHeader(after).parts[0]!.attributes.find((a) => a.name === 'owner')?.value, 'Streaming Test');
    assert.deepEqual(readExr(after).channels.map((c) => c.data), pixelsBefore);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir), ['big.exr'], 'no temporary left beside it');
    // Nothing to change: the file is not rewritten.
    const mtime = statSync(file).mtimeMs;
    const again = await runVfx(['exr', 'attr', 'set', file, 'owner=Streaming Test']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /owner unchanged/);
    assert.equal(statSync(file).mtimeMs, mtime);
  });

  it('refuses to edit a file whose chunks are missing', { skip: skipTools }, async () => {
    const file = out('truncated.exr');
    const bytes = readFileSync(generated.noise_float!);
    const half = Math.floor(bytes.length / 2);
    writeFileSync(file, bytes.subarray(0, half));
    const result = await runVfx(['exr', 'attr', 'set', file, 'owner=x']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /the file is incomplete or damaged \(see vfx exr check\); its header is not edited/);
    assert.equal(readFileSync(file).length, half);
  });
});
