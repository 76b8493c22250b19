import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FileSequence,
  FrameSet,
  VfxError,
  padFrame,
  paddingChars,
  paddingWidth,
  parseFrameFileName,
  parseSequence,
} from '@vfxkit/core';

function assertVfxError(run: () => unknown, code: string, ...fragments: string[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof VfxError, `expected a VfxError, got ${String(error)}`);
    assert.equal(error.code, code);
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `message "${error.message}" lacks "${fragment}"`);
    return true;
  });
}

/** The parts of a sequence worth comparing. */
function parts(sequence: FileSequence): Record<string, unknown> {
  return {
    dir: sequence.dir,
    basename: sequence.basename,
    padding: sequence.padding,
    extension: sequence.extension,
    frames: sequence.frameSet?.toString({ sort: false }),
    decimalPlaces: sequence.decimalPlaces,
    udim: sequence.udim,
  };
}

const sequenceParts = (dir: string, basename: string, padding: number, extension: string, frames?: string) => ({
  dir,
  basename,
  padding,
  extension,
  frames,
  decimalPlaces: 0,
  udim: false,
});

describe('padding characters', () => {
  it('counts # as 4 and @ as 1 by default (fileseq PAD_STYLE_HASH4, oiiotool)', () => {
    assert.equal(paddingWidth('#'), 4);
    assert.equal(paddingWidth('##'), 8);
    assert.equal(paddingWidth('####'), 16);
    assert.equal(paddingWidth('@'), 1);
    assert.equal(paddingWidth('@@@'), 3);
    assert.equal(paddingWidth('#@'), 5);
  });

  it('counts every # as 1 in hash1 (Nuke, pyseq)', () => {
    assert.equal(paddingWidth('####', 'hash1'), 4);
    assert.equal(paddingWidth('#', 'hash1'), 1);
    assert.equal(paddingWidth('@@', 'hash1'), 2);
  });

  it('reads printf, Houdini and UDIM padding', () => {
    assert.equal(paddingWidth('%04d'), 4);
    assert.equal(paddingWidth('%d'), 1);
    assert.equal(paddingWidth('%4d'), 4);
    assert.equal(paddingWidth('$F4'), 4);
    assert.equal(paddingWidth('$F'), 1);
    assert.equal(paddingWidth('<UDIM>'), 4);
    assert.equal(paddingWidth('%(UDIM)d'), 4);
    assert.equal(paddingWidth('x'), undefined);
  });

  it('writes padding back as fileseq does', () => {
    assert.equal(paddingChars(4), '#');
    assert.equal(paddingChars(8), '##');
    assert.equal(paddingChars(12), '###');
    assert.equal(paddingChars(3), '@@@');
    assert.equal(paddingChars(1), '@');
    assert.equal(paddingChars(5), '@@@@@');
    assert.equal(paddingChars(4, 'hash1'), '####');
    assert.equal(paddingChars(1, 'hash1'), '#');
  });
});

describe('padFrame', () => {
  it('zero-fills like Python zfill: the sign counts toward the width', () => {
    assert.equal(padFrame(7, 4), '0007');
    assert.equal(padFrame(1001, 4), '1001');
    assert.equal(padFrame(-1, 4), '-001');
    assert.equal(padFrame(-10, 4), '-010');
    assert.equal(padFrame(-1000, 4), '-1000');
    assert.equal(padFrame(0, 4), '0000');
    assert.equal(padFrame(7, 1), '7');
    assert.equal(padFrame(-5, 1), '-5');
  });

  it('writes frames wider than the padding in full', () => {
    assert.equal(padFrame(10000, 4), '10000');
    assert.equal(padFrame(123456789, 2), '123456789');
  });

  it('writes subframes with their decimal places', () => {
    assert.equal(padFrame(1.25, 4, 4), '0001.2500');
    assert.equal(padFrame(1, 4, 4), '0001.0000');
    assert.equal(padFrame(-0.5, 4, 4), '-000.5000');
    assert.equal(padFrame(-1.5, 4, 2), '-001.50');
    assert.equal(padFrame(1.125, 4, 2), '0001.12'); // half to even
    assert.equal(padFrame(1.375, 4, 2), '0001.38');
    assert.equal(padFrame(1.25, 4), '0001.25'); // no decimal places: the digits it has
    assert.equal(padFrame(-0.25, 4), '-000.25');
  });
});

describe('parseSequence', () => {
  it('reads frame ranges with padding', () => {
    assert.deepEqual(parts(parseSequence('shot.1001-1100#.exr')), sequenceParts('', 'shot.', 4, '.exr', '1001-1100'));
    assert.deepEqual(parts(parseSequence('shot.1-10,20@@@.exr')), sequenceParts('', 'shot.', 3, '.exr', '1-10,20'));
    assert.deepEqual(parts(parseSequence('shot.10-1x2#.exr')), sequenceParts('', 'shot.', 4, '.exr', '10-2x2'));
    assert.deepEqual(parts(parseSequence('shot.-10--1#.exr')), sequenceParts('', 'shot.', 4, '.exr', '-10--1'));
    assert.deepEqual(parts(parseSequence('shot1-10#.exr')), sequenceParts('', 'shot', 4, '.exr', '1-10'));
    assert.deepEqual(parts(parseSequence('1-10#.exr')), sequenceParts('', '', 4, '.exr', '1-10'));
    assert.deepEqual(parts(parseSequence('shot.5#.exr')), sequenceParts('', 'shot.', 4, '.exr', '5'));
    assert.deepEqual(parts(parseSequence('shot.1-3#')), sequenceParts('', 'shot.', 4, '', '1-3'));
    assert.deepEqual(parts(parseSequence('sim.1-100#.bgeo.sc')), sequenceParts('', 'sim.', 4, '.bgeo.sc', '1-100'));
  });

  it('reads patterns without frames', () => {
    assert.deepEqual(parts(parseSequence('shot.#.exr')), sequenceParts('', 'shot.', 4, '.exr'));
    assert.deepEqual(parts(parseSequence('shot.####.exr')), sequenceParts('', 'shot.', 16, '.exr'));
    assert.deepEqual(parts(parseSequence('shot.@@@@.exr')), sequenceParts('', 'shot.', 4, '.exr'));
    assert.deepEqual(parts(parseSequence('shot.%04d.exr')), sequenceParts('', 'shot.', 4, '.exr'));
    assert.deepEqual(parts(parseSequence('shot.%d.exr')), sequenceParts('', 'shot.', 1, '.exr'));
    assert.deepEqual(parts(parseSequence('shot.$F4.exr')), sequenceParts('', 'shot.', 4, '.exr'));
    assert.deepEqual(parts(parseSequence('shot.$F.exr')), sequenceParts('', 'shot.', 1, '.exr'));
    assert.deepEqual(parts(parseSequence('shot_v012.#.exr')), sequenceParts('', 'shot_v012.', 4, '.exr'));
  });

  it('reads every pattern in hash1 when asked', () => {
    assert.equal(parseSequence('shot.####.exr', { padStyle: 'hash1' }).padding, 4);
    assert.equal(parseSequence('shot.1-10#.exr', { padStyle: 'hash1' }).padding, 1);
    const sequence = parseSequence('shot.1-3####.exr', { padStyle: 'hash1' });
    assert.equal(sequence.padStyle, 'hash1');
    assert.equal(sequence.toString(), 'shot.1-3####.exr');
    assert.equal(sequence.framePath(2), 'shot.0002.exr');
  });

  it('reads UDIM patterns', () => {
    const sequence = parseSequence('tex.<UDIM>.exr');
    assert.deepEqual(parts(sequence), { ...sequenceParts('', 'tex.', 4, '.exr'), udim: true });
    assert.equal(sequence.framePath(1001), 'tex.1001.exr');
    assert.equal(sequence.toString(), 'tex.<UDIM>.exr');
    assert.ok(parseSequence('/lib/tex_diffuse.%(UDIM)d.tx').udim);
    const tiles = parseSequence('tex.1001-1010<UDIM>.exr');
    assert.equal(tiles.frameSet?.size, 10);
    assert.equal(tiles.toString(), 'tex.1001-1010<UDIM>.exr');
  });

  it('keeps directories, with forward or back slashes', () => {
    assert.deepEqual(parts(parseSequence('/a/b/shot.#.exr')), sequenceParts('/a/b/', 'shot.', 4, '.exr'));
    assert.deepEqual(parts(parseSequence('C:\\shots\\a\\shot.1-3#.exr')), sequenceParts('C:\\shots\\a\\', 'shot.', 4, '.exr', '1-3'));
    assert.deepEqual(parts(parseSequence('/jobs/v1.2/1-5/shot.1-3#.exr')), sequenceParts('/jobs/v1.2/1-5/', 'shot.', 4, '.exr', '1-3'));
    assert.equal(parseSequence('C:\\shots\\a\\shot.1-3#.exr').framePath(2), 'C:\\shots\\a\\shot.0002.exr');
  });

  it('reads subframe patterns', () => {
    const sequence = parseSequence('shot.1-2x0.25#.#.exr');
    assert.deepEqual(parts(sequence), { ...sequenceParts('', 'shot.', 4, '.exr', '1-2x0.25'), decimalPlaces: 4 });
    assert.deepEqual(sequence.framePaths(), ['shot.0001.0000.exr', 'shot.0001.2500.exr', 'shot.0001.5000.exr', 'shot.0001.7500.exr', 'shot.0002.0000.exr']);
    assert.equal(sequence.toString(), 'shot.1-2x0.25#.#.exr');
    assert.equal(parseSequence('shot.#.@@.exr').decimalPlaces, 2);
    assert.equal(parseSequence('shot.-1-1x0.5#.#.exr').framePath(-0.5), 'shot.-000.5000.exr');
  });

  it('tells a frame range from digits in the basename', () => {
    assert.deepEqual(parts(parseSequence('shot_v2.1-10#.exr')), sequenceParts('', 'shot_v2.', 4, '.exr', '1-10'));
    assert.deepEqual(parts(parseSequence('comp_v012.1001-1100#.exr')), sequenceParts('', 'comp_v012.', 4, '.exr', '1001-1100'));
    assert.deepEqual(parts(parseSequence('plate_2024-01-31.1-10#.exr')), sequenceParts('', 'plate_2024-01-31.', 4, '.exr', '1-10'));
    // A dash after a letter is not a sign.
    assert.deepEqual(parts(parseSequence('shot-1-3#.exr')), sequenceParts('', 'shot-', 4, '.exr', '1-3'));
    assert.deepEqual(parts(parseSequence('shot_-3--1#.exr')), sequenceParts('', 'shot_', 4, '.exr', '-3--1'));
    assert.deepEqual(parts(parseSequence('fx1-10x2#.exr')), sequenceParts('', 'fx', 4, '.exr', '1-9x2'));
    const staggered = parseSequence('day1-3:2#.exr');
    assert.equal(staggered.basename, 'day');
    assert.deepEqual(staggered.frameSet?.frames(), [1, 3, 2]);
  });

  it('reads a single frame file as a one-frame sequence', () => {
    assert.deepEqual(parts(parseSequence('comp_v012.1001.exr')), sequenceParts('', 'comp_v012.', 4, '.exr', '1001'));
    assert.deepEqual(parts(parseSequence('/a/shot.7.exr')), sequenceParts('/a/', 'shot.', 1, '.exr', '7'));
  });

  it('refuses text without padding or frame with BAD_PATTERN naming it', () => {
    assertVfxError(() => parseSequence('plain.txt'), 'BAD_PATTERN', '"plain.txt"');
    assertVfxError(() => parseSequence('/a/b/'), 'BAD_PATTERN', '"/a/b/"');
    assertVfxError(() => parseSequence(''), 'BAD_PATTERN');
    assertVfxError(() => parseSequence('shot.#.@@@@@@@@@@.exr'), 'BAD_PATTERN', 'decimal places');
    assertVfxError(() => parseSequence('shot.1-1000000000#.exr'), 'LIMIT_EXCEEDED', 'shot.1-1000000000#.exr');
  });

  it('writes back what it reads', () => {
    for (const text of [
      'shot.1001-1100#.exr',
      'shot.1-10,20@@@.exr',
      'shot.#.exr',
      '/a/b/shot.1-3,5-9x2#.bgeo.sc',
      'shot.-10--1#.exr',
      'shot.10-1@.exr',
      'shot.1-2x0.25#.#.exr',
      'tex.1001-1004<UDIM>.exr',
      'C:\\a\\shot.1-3##.exr',
      'shot-1-3#.exr',
      'shot.1-3#',
    ]) {
      assert.equal(parseSequence(text).toString(), text);
    }
    assert.equal(parseSequence('shot.%04d.exr').toString(), 'shot.#.exr');
    assert.equal(parseSequence('shot.@@@@.exr').toString(), 'shot.#.exr');
  });
});

describe('FileSequence', () => {
  const sequence = new FileSequence({ dir: '/shots/a', basename: 'comp_v012.', padding: 4, extension: '.exr', frameSet: FrameSet.parse('1001-1100') });

  it('names and paths its frames', () => {
    assert.equal(sequence.dir, '/shots/a/');
    assert.equal(sequence.frameName(1001), 'comp_v012.1001.exr');
    assert.equal(sequence.framePath(1001), '/shots/a/comp_v012.1001.exr');
    assert.equal(sequence.framePath(-1), '/shots/a/comp_v012.-001.exr');
    assert.equal(sequence.framePath(10000), '/shots/a/comp_v012.10000.exr');
    assert.equal(sequence.framePaths().length, 100);
    assert.equal(new FileSequence({ basename: 'a.', padding: 1, extension: '.png' }).frameName(7), 'a.7.png');
    assert.equal(new FileSequence({ dir: 'C:\\shots', basename: 'a.', padding: 4 }).framePath(1), 'C:\\shots\\a.0001');
  });

  it('writes fileseq strings', () => {
    assert.equal(sequence.toString(), '/shots/a/comp_v012.1001-1100#.exr');
    assert.equal(sequence.withFrameSet(undefined).toString(), '/shots/a/comp_v012.#.exr');
    assert.equal(sequence.withFrameSet(FrameSet.empty()).toString(), '/shots/a/comp_v012.#.exr');
    assert.equal(sequence.withPadding(3).toString(), '/shots/a/comp_v012.1001-1100@@@.exr');
    assert.equal(sequence.withPadding(8).toString(), '/shots/a/comp_v012.1001-1100##.exr');
  });

  it('formats in the common pattern styles', () => {
    assert.equal(sequence.format('hash'), '/shots/a/comp_v012.#.exr');
    assert.equal(sequence.format('printf'), '/shots/a/comp_v012.%04d.exr');
    assert.equal(sequence.format('houdini'), '/shots/a/comp_v012.$F4.exr');
    assert.equal(sequence.format('udim'), '/shots/a/comp_v012.<UDIM>.exr');
    const unpadded = sequence.withPadding(1).withDir('');
    assert.equal(unpadded.format('hash'), 'comp_v012.@.exr');
    assert.equal(unpadded.format('printf'), 'comp_v012.%d.exr');
    assert.equal(unpadded.format('houdini'), 'comp_v012.$F.exr');
    assertVfxError(() => unpadded.format('udim'), 'BAD_PATTERN', 'UDIM');
    assert.equal(parseSequence('shot.####.exr', { padStyle: 'hash1' }).format('hash'), 'shot.####.exr');
    assertVfxError(() => parseSequence('shot.1-2x0.5#.#.exr').format('printf'), 'BAD_PATTERN', 'subframes');
    assert.equal(parseSequence('tex.<UDIM>.exr').format('printf'), 'tex.%04d.exr');
  });

  it('changes parts with the with* methods, leaving the original alone', () => {
    const changed = sequence.withBasename('comp_v013.').withDir('/shots/b/').withFrameSet(FrameSet.parse('1-3'));
    assert.equal(changed.toString(), '/shots/b/comp_v013.1-3#.exr');
    assert.equal(changed.withExtension('.png').framePath(2), '/shots/b/comp_v013.0002.png');
    assert.equal(sequence.toString(), '/shots/a/comp_v012.1001-1100#.exr');
  });

  it('refuses impossible settings', () => {
    assertVfxError(() => new FileSequence({ basename: 'a', padding: 0 }), 'BAD_USAGE', 'padding');
    assertVfxError(() => new FileSequence({ basename: 'a', padding: 1.5 }), 'BAD_USAGE');
    assertVfxError(() => new FileSequence({ basename: 'a', padding: 3, udim: true }), 'BAD_USAGE', 'UDIM');
  });
});

describe('parseFrameFileName', () => {
  const split = (name: string) => parseFrameFileName(name);

  it('takes the last number before the extension', () => {
    assert.deepEqual(split('comp_v012.1001.exr'), { basename: 'comp_v012.', frameText: '1001', frame: 1001, extension: '.exr' });
    assert.deepEqual(split('shot1001.exr'), { basename: 'shot', frameText: '1001', frame: 1001, extension: '.exr' });
    assert.deepEqual(split('shot.0001'), { basename: 'shot.', frameText: '0001', frame: 1, extension: '' });
    assert.deepEqual(split('1001.exr'), { basename: '', frameText: '1001', frame: 1001, extension: '.exr' });
    assert.deepEqual(split('foo.0001.2500.exr'), { basename: 'foo.0001.', frameText: '2500', frame: 2500, extension: '.exr' });
  });

  it('takes every dot-component with a letter as extension', () => {
    assert.deepEqual(split('sim.0042.bgeo.sc'), { basename: 'sim.', frameText: '0042', frame: 42, extension: '.bgeo.sc' });
    assert.deepEqual(split('backup.0007.tar.gz'), { basename: 'backup.', frameText: '0007', frame: 7, extension: '.tar.gz' });
    assert.deepEqual(split('file.5.a.ext'), { basename: 'file.', frameText: '5', frame: 5, extension: '.a.ext' });
    assert.deepEqual(split('clip1.mp4'), { basename: 'clip', frameText: '1', frame: 1, extension: '.mp4' });
    assert.deepEqual(split('tex.1001.ñ'), { basename: 'tex.', frameText: '1001', frame: 1001, extension: '.ñ' });
  });

  it('reads a dash as a minus sign only after a non-alphanumeric character', () => {
    assert.deepEqual(split('shot.-010.exr'), { basename: 'shot.', frameText: '-010', frame: -10, extension: '.exr' });
    assert.deepEqual(split('shot_-5.exr'), { basename: 'shot_', frameText: '-5', frame: -5, extension: '.exr' });
    assert.deepEqual(split('-3.exr'), { basename: '', frameText: '-3', frame: -3, extension: '.exr' });
    assert.deepEqual(split('shot-0001.exr'), { basename: 'shot-', frameText: '0001', frame: 1, extension: '.exr' });
    assert.deepEqual(split('plate_2024-01-31.exr'), { basename: 'plate_2024-01-', frameText: '31', frame: 31, extension: '.exr' });
    // -0 is not a frame of its own.
    assert.deepEqual(split('shot.-000.exr'), { basename: 'shot.-', frameText: '000', frame: 0, extension: '.exr' });
  });

  it('finds no frame where the stem does not end in a digit', () => {
    assert.equal(split('notes.txt'), undefined);
    assert.equal(split('.DS_Store'), undefined);
    assert.equal(split('.hidden'), undefined);
    assert.equal(split('clip.mp4'), undefined);
    assert.equal(split('render.h264'), undefined);
    assert.equal(split('foo_0001_extra.exr'), undefined);
    assert.equal(split('README'), undefined);
    assert.equal(split(''), undefined);
    assert.equal(split('id_123456789012345678901.exr'), undefined); // beyond 2^53
  });

  it('reads hidden files, spaces, unicode and directories', () => {
    assert.deepEqual(split('.bar1000.exr'), { basename: '.bar', frameText: '1000', frame: 1000, extension: '.exr' });
    assert.deepEqual(split('.foo.0001.exr'), { basename: '.foo.', frameText: '0001', frame: 1, extension: '.exr' });
    assert.deepEqual(split('my shot 0001.exr'), { basename: 'my shot ', frameText: '0001', frame: 1, extension: '.exr' });
    assert.deepEqual(split('ショット.0001.exr'), { basename: 'ショット.', frameText: '0001', frame: 1, extension: '.exr' });
    assert.deepEqual(split('a/b.1/c.0001.exr'), { basename: 'a/b.1/c.', frameText: '0001', frame: 1, extension: '.exr' });
    assert.deepEqual(split('dir.v2/0042'), { basename: 'dir.v2/', frameText: '0042', frame: 42, extension: '' });
  });
});
