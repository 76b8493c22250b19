import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupFileNames } from '@vfxkit/core';
import type { DetectedItem, DetectedSequence, GroupFileNamesOptions } from '@vfxkit/core';

/** Each item as one line: a sequence as its fileseq string, a file as `file:name`. */
function summary(names: Iterable<string>, options?: GroupFileNamesOptions): string[] {
  return groupFileNames(names, options).map((item) => (item.kind === 'sequence' ? item.sequence.toString() : `file:${item.name}`));
}

function onlySequence(items: DetectedItem[]): DetectedSequence {
  assert.equal(items.length, 1, `expected one item, got ${items.length}`);
  const item = items[0] as DetectedItem;
  assert.equal(item.kind, 'sequence');
  return item as DetectedSequence;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);

/** mulberry32, so the property test sees the same cases every run. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(list: T[], random: () => number): T[] {
  for (let index = list.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    const swap = list[index] as T;
    list[index] = list[other] as T;
    list[other] = swap;
  }
  return list;
}

describe('groupFileNames', () => {
  it('groups a listing into sequences and files, with missing frames', () => {
    const items = groupFileNames(['shot.0003.exr', 'notes.txt', 'shot.0001.exr', 'shot.0002.exr', 'shot.0005.exr']);
    assert.equal(items.length, 2);
    const sequence = items[1] as DetectedSequence;
    assert.deepEqual(items[0], { kind: 'file', name: 'notes.txt' });
    assert.equal(sequence.kind, 'sequence');
    assert.equal(sequence.sequence.toString(), 'shot.1-3,5#.exr');
    assert.deepEqual(sequence.frames, [1, 2, 3, 5]);
    assert.deepEqual(sequence.names, ['shot.0001.exr', 'shot.0002.exr', 'shot.0003.exr', 'shot.0005.exr']);
    assert.deepEqual(sequence.missing, [4]);
    assert.equal(sequence.missingCount, 1);
    assert.equal(sequence.sequence.basename, 'shot.');
    assert.equal(sequence.sequence.extension, '.exr');
    assert.equal(sequence.sequence.padding, 4);
    assert.deepEqual(sequence.sequence.frameSet?.frames(), [1, 2, 3, 5]);
  });

  it('splits the frame from versions and other numbers in the name', () => {
    const sequence = onlySequence(groupFileNames(range(1001, 1010).map((frame) => `comp_v012.${frame}.exr`)));
    assert.equal(sequence.sequence.toString(), 'comp_v012.1001-1010#.exr');
    assert.deepEqual(
      summary(['comp_v012.1001.exr', 'comp_v012.1002.exr', 'comp_v013.1001.exr', 'comp_v013.1002.exr']),
      ['comp_v012.1001-1002#.exr', 'comp_v013.1001-1002#.exr'],
    );
  });

  it('gives a frame with a leading zero exactly its width as padding', () => {
    assert.deepEqual(summary(['a.0042.exr', 'a.0043.exr']), ['a.42-43#.exr']);
    assert.deepEqual(summary(['a.042.exr', 'a.043.exr']), ['a.42-43@@@.exr']);
    assert.deepEqual(summary(['a.-010.exr', 'a.-009.exr', 'a.0000.exr']), ['a.-10--9,0#.exr']);
  });

  it('lets a frame without a leading zero join padding up to its width', () => {
    // 10000 overflows padding 4 and still belongs to the sequence.
    const overflow = onlySequence(groupFileNames(['a.0998.exr', 'a.0999.exr', 'a.1000.exr', 'a.10000.exr']));
    assert.equal(overflow.sequence.padding, 4);
    assert.deepEqual(overflow.frames, [998, 999, 1000, 10000]);
    assert.equal(overflow.sequence.frameName(10000), 'a.10000.exr');
    // Unpadded alone: the smallest width.
    const unpadded = onlySequence(groupFileNames(range(1, 100).map((frame) => `a.${frame}.exr`)));
    assert.equal(unpadded.sequence.padding, 1);
    assert.equal(unpadded.sequence.toString(), 'a.1-100@.exr');
    assert.equal(onlySequence(groupFileNames(range(1001, 1100).map((frame) => `a.${frame}.exr`))).sequence.padding, 4);
    assert.equal(onlySequence(groupFileNames(range(995, 1005).map((frame) => `a.${frame}.exr`))).sequence.padding, 3);
    // The widest padded class not wider than the frame.
    assert.deepEqual(summary(['a.01.exr', 'a.02.exr', 'a.0003.exr', 'a.0004.exr', 'a.123.exr', 'a.12345.exr']), [
      'a.1-2,123@@.exr',
      'a.3-4,12345#.exr',
    ]);
  });

  it('keeps 1.exr and 0001.exr apart', () => {
    assert.deepEqual(summary(['a.1.exr', 'a.2.exr', 'a.0001.exr', 'a.0002.exr']), ['a.1-2@.exr', 'a.1-2#.exr']);
    assert.deepEqual(summary(['b.1.exr', 'b.0001.exr']), ['file:b.1.exr', 'file:b.0001.exr']);
    assert.deepEqual(summary(['e.0001.exr', 'e.7.exr', 'e.0002.exr']), ['file:e.7.exr', 'e.1-2#.exr']);
  });

  it('reads fileseq\'s mixed-padding fixture as fileseq does', () => {
    const names = ['-0001', '-001', '-1', '00', '0000', '00000', '00001', '00002', '00003', '00004', '00005', '0001', '0002', '0003', '0004', '0005', '01', '02', '03', '04', '05'];
    assert.deepEqual(summary(names.map((frame) => `seq.${frame}.ext`)), ['seq.-1-5@@.ext', 'seq.-1-5#.ext', 'seq.-1-5@@@@@.ext']);
  });

  it('reads fileseq\'s seq fixture as fileseq does', () => {
    const names = [
      '0001.exr', '0002.exr', '0003.exr',
      'bar1000.exr', 'bar1001.exr', 'bar1002.exr', 'bar1004.exr', 'bar1005.exr', 'bar1006.exr',
      'baz_left.0001.exr', 'baz_left.0002.exr', 'baz_left.0003.exr',
      'baz_right.0001.exr', 'baz_right.0002.exr', 'baz_right.0003.exr',
      'big.0999.ext', 'big.1000.ext', 'big.1001.ext', 'big.1002.ext', 'big.1003.ext',
      'foo.0001.exr', 'foo.0002.exr', 'foo.0003.exr', 'foo.0004.exr', 'foo.0005.exr',
      'foo.0001.jpg', 'foo.0002.jpg', 'foo.0003.jpg', 'foo.0004.jpg', 'foo.0005.jpg',
      'foo.debug.0001.exr', 'foo.debug.0002.exr', 'foo.debug.0003.exr', 'foo.debug.0004.exr', 'foo.debug.0005.exr',
      'foo_0001.exr', 'foo_0001_extra.exr',
    ];
    assert.deepEqual(summary(shuffle(names.slice(), makeRandom(3)), { dir: 'seq', minFrames: 1 }), [
      'seq/1-3#.exr',
      'seq/bar1000-1002,1004-1006#.exr',
      'seq/baz_left.1-3#.exr',
      'seq/baz_right.1-3#.exr',
      'seq/big.999-1003#.ext',
      'seq/foo.1-5#.exr',
      'seq/foo.1-5#.jpg',
      'seq/foo.debug.1-5#.exr',
      'seq/foo_1#.exr',
      'file:foo_0001_extra.exr',
    ]);
  });

  it('turns groups below minFrames into files, with their frame', () => {
    assert.deepEqual(groupFileNames(['a.0001.exr', 'b.0001.exr', 'b.0002.exr']), [
      { kind: 'file', name: 'a.0001.exr', frame: 1 },
      onlySequence(groupFileNames(['b.0001.exr', 'b.0002.exr'])),
    ]);
    assert.deepEqual(summary(['a.0001.exr', 'a.0002.exr'], { minFrames: 3 }), ['file:a.0001.exr', 'file:a.0002.exr']);
    assert.deepEqual(summary(['a.0001.exr'], { minFrames: 1 }), ['a.1#.exr']);
  });

  it('keeps duplicate names once', () => {
    const sequence = onlySequence(groupFileNames(['a.0002.exr', 'a.0001.exr', 'a.0002.exr', 'a.0001.exr', 'a.0003.exr']));
    assert.deepEqual(sequence.names, ['a.0001.exr', 'a.0002.exr', 'a.0003.exr']);
    assert.deepEqual(summary(['notes.txt', 'notes.txt']), ['file:notes.txt']);
    // Also on the sorting path for frames far apart.
    const far = onlySequence(groupFileNames(['a.1000000.exr', 'a.1.exr', 'a.1000000.exr', 'a.500000000.exr']));
    assert.deepEqual(far.frames, [1, 1000000, 500000000]);
  });

  it('sorts by basename, extension, padding and frame, by code unit', () => {
    assert.deepEqual(summary(['b.0001.exr', 'b.0002.exr', 'B.1.exr', 'B.2.exr', 'a.0001.png', 'a.0002.png', 'a.0001.exr', 'a.0002.exr', 'z.txt', 'a.txt']), [
      'B.1-2@.exr',
      'file:a.txt',
      'a.1-2#.exr',
      'a.1-2#.png',
      'b.1-2#.exr',
      'file:z.txt',
    ]);
  });

  it('applies dir and padStyle to the sequences', () => {
    const [item] = groupFileNames(['a.0001.exr', 'a.0002.exr'], { dir: '/shots/x', padStyle: 'hash1' });
    assert.ok(item !== undefined && item.kind === 'sequence');
    assert.equal(item.sequence.toString(), '/shots/x/a.1-2####.exr');
    assert.equal(item.sequence.framePath(1), '/shots/x/a.0001.exr');
  });

  it('does not list huge gaps but counts them', () => {
    const sequence = onlySequence(groupFileNames(['a.1.exr', 'a.900000000.exr']));
    assert.equal(sequence.missingCount, 899999998);
    assert.deepEqual(sequence.missing, []);
    assert.deepEqual(onlySequence(groupFileNames(['a.1.exr', 'a.5.exr'], { maxMissing: 2 })).missing, []);
    assert.deepEqual(onlySequence(groupFileNames(['a.1.exr', 'a.5.exr'], { maxMissing: 3 })).missing, [2, 3, 4]);
  });

  describe('tricky names', () => {
    it('versions without frames: v2, v3 are a sequence of versions', () => {
      assert.deepEqual(summary(['asset_v2.ma', 'asset_v3.ma', 'asset_v10.ma']), ['asset_v2-3,10@.ma']);
      assert.deepEqual(summary(['shot_v2.1001.exr', 'shot_v2.1002.exr', 'shot_v3.1001.exr']), ['shot_v2.1001-1002#.exr', 'file:shot_v3.1001.exr']);
    });

    it('dates: the dash is not a sign, the day is the frame', () => {
      assert.deepEqual(summary(['log_2024-01-01.txt', 'log_2024-01-02.txt', 'log_2024-01-31.txt']), ['log_2024-01-1-2,31@@.txt']);
      const items = groupFileNames(['plate_2024-01-31.exr']);
      assert.deepEqual(items, [{ kind: 'file', name: 'plate_2024-01-31.exr', frame: 31 }]);
    });

    it('multi-part extensions', () => {
      assert.deepEqual(summary(['sim.0001.bgeo.sc', 'sim.0002.bgeo.sc', 'sim.0001.bgeo', 'sim.0002.bgeo']), ['sim.1-2#.bgeo', 'sim.1-2#.bgeo.sc']);
      assert.deepEqual(summary(['1.a.jpg', '2.a.jpg', '3.a.jpg', 'file.5.a.ext', 'file.6.a.ext']), ['1-3@.a.jpg', 'file.5-6@.a.ext']);
    });

    it('hidden files', () => {
      assert.deepEqual(summary(['.DS_Store', '.bar1000.exr', '.bar1001.exr', '.foo.0001.exr', '.foo.0002.exr', 'bar1000.exr', 'bar1001.exr']), [
        'file:.DS_Store',
        '.bar1000-1001#.exr',
        '.foo.1-2#.exr',
        'bar1000-1001#.exr',
      ]);
    });

    it('spaces and unicode', () => {
      assert.deepEqual(summary(['my shot 0001.exr', 'my shot 0002.exr', 'ショット_001.exr', 'ショット_002.exr', 'café.0010.exr', 'café.0011.exr']), [
        'café.10-11#.exr',
        'my shot 1-2#.exr',
        'ショット_1-2@@@.exr',
      ]);
    });

    it('negative frames and dashes', () => {
      assert.deepEqual(summary(['cam.-002.abc', 'cam.-001.abc', 'cam.0000.abc', 'cam.0001.abc']), ['cam.-2-1#.abc']);
      assert.deepEqual(summary(['shot-0001.exr', 'shot-0002.exr']), ['shot-1-2#.exr']);
      // -000 is not -0: it is 0 with the dash in the basename, so these are two files.
      assert.deepEqual(summary(['shot.-000.exr', 'shot.-001.exr']), ['file:shot.-001.exr', 'file:shot.-000.exr']);
      // Padding: the narrowest width, sign included.
      assert.deepEqual(summary(['shot_-5.exr', 'shot_-4.exr', 'shot_-10.exr']), ['shot_-10,-5--4@@.exr']);
    });

    it('names without frames and odd numbers', () => {
      assert.deepEqual(summary(['README', 'clip.mp4', 'render.h264', 'foo_0001_extra.exr', 'id_123456789012345678901.exr', '']), [
        'file:',
        'file:README',
        'file:clip.mp4',
        'file:foo_0001_extra.exr',
        'file:id_123456789012345678901.exr',
        'file:render.h264',
      ]);
    });
  });

  it('gives back the sequences that were written out (property test, seeded)', () => {
    const random = makeRandom(424242);
    const integer = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
    const pad = (frame: number, padding: number): string =>
      frame < 0 ? `-${String(-frame).padStart(padding - 1, '0')}` : String(frame).padStart(padding, '0');
    const extensions = ['.exr', '.bgeo.sc', '.png', '', '.tar.gz', '.a.ext'];
    const stems = ['shot', 'comp_v012.', 'fx_sim_', 'plate ', 'ショット.', '.hidden_', 'a-', 'x_2024-01-'];
    for (let trial = 0; trial < 300; trial++) {
      /** What was written: each sequence's names by frame, and its padding when the names show it. */
      const written: { basename: string; extension: string; padding: number; frames: number[]; showsPadding: boolean }[] = [];
      const names: string[] = [];
      const sequenceCount = integer(1, 6);
      for (let index = 0; index < sequenceCount; index++) {
        const basename = `${stems[integer(0, stems.length - 1)]}${index}_${trial % 7}.`;
        const extension = extensions[integer(0, extensions.length - 1)] as string;
        const padding = [1, 2, 3, 4, 4, 4, 5, 6, 8][integer(0, 8)] as number;
        const start = integer(-30, 2000);
        const frames = new Set<number>();
        const count = integer(2, 60);
        const step = integer(1, 3);
        for (let frame = start; frames.size < count; frame += step) if (random() > 0.1) frames.add(frame);
        const sorted = [...frames].sort((a, b) => a - b);
        const texts = sorted.map((frame) => pad(frame, padding));
        const showsPadding = texts.some((text) => /^-?0\d/.test(text));
        written.push({ basename, extension, padding, frames: sorted, showsPadding });
        // A second, unpadded sequence under the same name, narrower than the first's padding.
        if (padding >= 3 && showsPadding && random() < 0.3) {
          const small = range(1, integer(2, 9)).filter(() => random() > 0.2);
          if (small.length >= 2) {
            written.push({ basename, extension, padding: 1, frames: small, showsPadding: false });
            for (const frame of small) names.push(`${basename}${frame}${extension}`);
          }
        }
        for (const text of texts) names.push(`${basename}${text}${extension}`);
      }
      for (let index = 0; index < integer(0, 5); index++) names.push(['notes.txt', '.DS_Store', 'README', `ref_${index}.mov`][index % 4] as string);
      for (let index = 0; index < integer(0, 3); index++) names.push(names[integer(0, names.length - 1)] as string);
      shuffle(names, random);

      const items = groupFileNames(names);
      const sequences = items.filter((item): item is DetectedSequence => item.kind === 'sequence');
      const found = new Map(sequences.map((item) => [item.names.join('|'), item]));
      for (const truth of written) {
        const expectedNames = truth.frames.map((frame) =>
          truth.padding === 1 ? `${truth.basename}${frame}${truth.extension}` : `${truth.basename}${pad(frame, truth.padding)}${truth.extension}`,
        );
        const item = found.get(expectedNames.join('|'));
        assert.ok(item !== undefined, `trial ${trial}: not found: ${expectedNames.slice(0, 3).join(', ')}... in ${JSON.stringify(sequences.map((s) => s.sequence.toString()))}`);
        assert.deepEqual(item.frames, truth.frames);
        assert.equal(item.sequence.basename, truth.basename);
        assert.equal(item.sequence.extension, truth.extension);
        // Names without a leading zero show only that the padding is at most their narrowest width.
        const narrowest = Math.min(...expectedNames.map((name) => name.length - truth.basename.length - truth.extension.length));
        const expectedPadding = truth.showsPadding ? truth.padding : narrowest;
        assert.equal(item.sequence.padding, expectedPadding, `trial ${trial}: ${item.sequence.toString()}`);
        for (let index = 0; index < item.frames.length; index++) {
          assert.equal(item.sequence.frameName(item.frames[index] as number), item.names[index]);
        }
        const gaps = range(truth.frames[0] as number, truth.frames[truth.frames.length - 1] as number).filter((frame) => !truth.frames.includes(frame));
        assert.deepEqual(item.missing, gaps);
      }
      assert.equal(sequences.length, written.length, `trial ${trial}: ${JSON.stringify(sequences.map((s) => s.sequence.toString()))}`);
      // Every distinct name appears exactly once in the result.
      const listed = items.flatMap((item) => (item.kind === 'sequence' ? item.names : [item.name]));
      assert.deepEqual([...listed].sort(), [...new Set(names)].sort());
    }
  });
});
