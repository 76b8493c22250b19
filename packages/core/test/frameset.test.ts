import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameSet, VfxError, formatFrame } from '@vfxkit/core';

const frames = (text: string): number[] => [...FrameSet.parse(text).frames()];

function assertVfxError(run: () => unknown, code: string, ...fragments: string[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof VfxError, `expected a VfxError, got ${String(error)}`);
    assert.equal(error.code, code);
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `message "${error.message}" lacks "${fragment}"`);
    return true;
  });
}

/** mulberry32, so the property tests see the same cases every run. */
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

/** The frames of an integer frame-range text, expanded the plain way (fileseq's semantics). */
function referenceFrames(text: string): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const add = (frame: number): void => {
    if (!seen.has(frame)) {
      seen.add(frame);
      out.push(frame);
    }
  };
  const stepped = (start: number, end: number, step: number): number[] => {
    const list: number[] = [];
    if (start <= end) for (let frame = start; frame <= end; frame += step) list.push(frame);
    else for (let frame = start; frame >= end; frame -= step) list.push(frame);
    return list;
  };
  for (const part of text.split(',')) {
    const match = /^(-?\d+)(?:-(-?\d+)(?:([:xy])(\d+))?)?$/.exec(part);
    assert.ok(match !== null);
    const start = Number(match[1]);
    const end = match[2] === undefined ? start : Number(match[2]);
    const step = match[4] === undefined ? 1 : Number(match[4]);
    if (match[3] === 'y') {
      const skipped = new Set(stepped(start, end, step));
      for (const frame of stepped(start, end, 1)) if (!skipped.has(frame)) add(frame);
    } else if (match[3] === ':') {
      for (let pass = step; pass >= 1; pass--) for (const frame of stepped(start, end, pass)) add(frame);
    } else {
      for (const frame of stepped(start, end, step)) add(frame);
    }
  }
  return out;
}

describe('FrameSet.parse', () => {
  it('reads single frames, ranges and comma lists', () => {
    assert.deepEqual(frames('7'), [7]);
    assert.deepEqual(frames('1-5'), [1, 2, 3, 4, 5]);
    assert.deepEqual(frames('1-10,20,30-40x2'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 32, 34, 36, 38, 40]);
    assert.deepEqual(frames(''), []);
    assert.deepEqual(frames('   '), []);
  });

  it('reads steps; an end the step does not reach is left out', () => {
    assert.deepEqual(frames('1-20x5'), [1, 6, 11, 16]);
    assert.deepEqual(frames('1-10x4'), [1, 5, 9]);
    assert.deepEqual(frames('1-100x5').length, 20);
    assert.deepEqual(frames('5-5x3'), [5]);
  });

  it('reads fills: the frames a step skips', () => {
    assert.deepEqual(frames('1-10y2'), [2, 4, 6, 8, 10]);
    assert.deepEqual(frames('1-10y3'), [2, 3, 5, 6, 8, 9]);
    assert.deepEqual(frames('1-100y5'), frames('1-100').filter((frame) => (frame - 1) % 5 !== 0));
    assert.deepEqual(frames('1-5y1'), []);
  });

  it('reads staggers in fileseq order: x N, then x N-1, ... x 1, each frame once', () => {
    assert.deepEqual(frames('1-6:3'), [1, 4, 3, 5, 2, 6]); // fileseq's own test case
    assert.deepEqual(frames('1-10:4'), [1, 5, 9, 4, 7, 10, 3, 2, 6, 8]);
    const staggered = frames('1-100:5');
    assert.deepEqual(staggered.slice(0, 20), frames('1-100x5'));
    assert.deepEqual([...staggered].sort((a, b) => a - b), frames('1-100'));
    // A stagger wider than the range: the start, then the end, then downwards.
    assert.deepEqual(frames('1-5:9'), [1, 5, 4, 3, 2]);
  });

  it('counts down, with or without a negative step', () => {
    assert.deepEqual(frames('10-1'), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    assert.deepEqual(frames('10-1x2'), [10, 8, 6, 4, 2]);
    assert.deepEqual(frames('10-1x-2'), [10, 8, 6, 4, 2]);
    assert.deepEqual(frames('10-1y3'), [9, 8, 6, 5, 3, 2]);
    assert.deepEqual(frames('5-1:2'), [5, 3, 1, 4, 2]);
  });

  it('reads negative frames', () => {
    assert.deepEqual(frames('-10--1'), [-10, -9, -8, -7, -6, -5, -4, -3, -2, -1]);
    assert.deepEqual(frames('-5-5'), [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
    assert.deepEqual(frames('-3'), [-3]);
    assert.deepEqual(frames('-1--5x2'), [-1, -3, -5]);
    assert.ok(Object.is(frames('-0')[0], 0), '-0 is frame 0');
  });

  it('tolerates whitespace around parts and operators, not inside numbers', () => {
    assert.deepEqual(frames(' 1-3 , 5 ,\t7-9x2 '), [1, 2, 3, 5, 7, 9]);
    assert.deepEqual(frames('1 - 10 x 2'), [1, 3, 5, 7, 9]);
    assertVfxError(() => FrameSet.parse('1 0'), 'BAD_FRAME_SET', '"1 0"');
  });

  it('reads subframes exactly', () => {
    assert.deepEqual(frames('1-2x0.25'), [1, 1.25, 1.5, 1.75, 2]);
    assert.deepEqual(frames('0-1x0.1'), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    assert.deepEqual(frames('1.5-4'), [1.5, 2.5, 3.5]);
    assert.deepEqual(frames('2-1x0.5'), [2, 1.5, 1]);
    assert.deepEqual(frames('1.0-3.0'), [1, 2, 3]);
    assert.deepEqual(frames('1001-1001.3x0.1'), [1001, 1001.1, 1001.2, 1001.3]);
    assert.ok(FrameSet.parse('1-2x0.25').hasSubframes);
    assert.ok(!FrameSet.parse('1.0-3.0').hasSubframes);
  });

  it('keeps the order written and drops a repeated frame at its second place', () => {
    assert.deepEqual(frames('5,1-3,2,5,4'), [5, 1, 2, 3, 4]);
    assert.deepEqual(frames('1-5,3-8'), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(frames('1-10x2,1-10'), [1, 3, 5, 7, 9, 2, 4, 6, 8, 10]);
    assert.deepEqual(frames('1-3,1-3,1-3'), [1, 2, 3]);
    assert.deepEqual(frames('3-1,1-5'), [3, 2, 1, 4, 5]);
    assert.deepEqual(frames('1-2x0.5,1.5,1.25'), [1, 1.5, 2, 1.25]);
  });

  it('refuses bad text with BAD_FRAME_SET naming the text and the part', () => {
    for (const [text, part] of [
      ['a', 'a'],
      ['1-10,abc', 'abc'],
      ['1-', '1-'],
      ['1--', '1--'],
      ['1-10x', '1-10x'],
      ['1-10z2', '1-10z2'],
      ['1,,2', ''],
      ['1,', ''],
      ['#', '#'],
      ['1-10x0', '1-10x0'],
      ['1-10x-2', '1-10x-2'],
      ['1-10y0.5', '1-10y0.5'],
      ['1-10:0.5', '1-10:0.5'],
      ['1.', '1.'],
      ['1-2x0.0000000001', '1-2x0.0000000001'],
      ['99999999999999999999', '99999999999999999999'],
    ] as const) {
      assertVfxError(() => FrameSet.parse(text), 'BAD_FRAME_SET', `"${text}"`, `"${part}"`);
    }
  });

  it('refuses sets above maxFrames before making them', () => {
    const started = performance.now();
    assertVfxError(() => FrameSet.parse('1-1000000000'), 'LIMIT_EXCEEDED', '1000000000', '10000000');
    assertVfxError(() => FrameSet.parse('1-1000000000000x2'), 'LIMIT_EXCEEDED');
    assertVfxError(() => FrameSet.parse('1-1000000000y2'), 'LIMIT_EXCEEDED');
    assertVfxError(() => FrameSet.parse('1-1000000000:5'), 'LIMIT_EXCEEDED');
    assertVfxError(() => FrameSet.parse('0-100000x0.00001'), 'LIMIT_EXCEEDED');
    assert.ok(performance.now() - started < 200, 'the limit is checked by arithmetic, not by making frames');
    assertVfxError(() => FrameSet.parse('1-101', { maxFrames: 100 }), 'LIMIT_EXCEEDED', '101', '100');
    assertVfxError(() => FrameSet.parse('1-60,100-160', { maxFrames: 100 }), 'LIMIT_EXCEEDED');
    assert.equal(FrameSet.parse('1-100', { maxFrames: 100 }).size, 100);
    // A part inside one before it adds nothing and costs nothing.
    assert.equal(FrameSet.parse('1-60,1-60,5-50', { maxFrames: 100 }).size, 60);
    assert.equal(FrameSet.parse('1-6000000,1-6000000').size, 6_000_000);
  });
});

describe('FrameSet accessors and operations', () => {
  it('answers size, order, membership and bounds', () => {
    const set = FrameSet.parse('5,1-3,-2');
    assert.equal(set.size, 5);
    assert.deepEqual(set.frames(), [5, 1, 2, 3, -2]);
    assert.deepEqual([...set], [5, 1, 2, 3, -2]);
    assert.equal(set.first, 5);
    assert.equal(set.last, -2);
    assert.equal(set.min, -2);
    assert.equal(set.max, 5);
    assert.ok(set.has(2) && set.has(-2) && !set.has(4) && !set.has(2.5));
    assert.ok(!set.isEmpty);
    assert.deepEqual(set.sorted().frames(), [-2, 1, 2, 3, 5]);
  });

  it('has undefined bounds when empty', () => {
    const empty = FrameSet.empty();
    assert.equal(empty.size, 0);
    assert.ok(empty.isEmpty);
    assert.equal(empty.first, undefined);
    assert.equal(empty.last, undefined);
    assert.equal(empty.min, undefined);
    assert.equal(empty.max, undefined);
    assert.equal(empty.toString(), '');
    assert.ok(!empty.isConsecutive);
    assert.ok(empty.missing().isEmpty);
  });

  it('builds from frames, dropping repeats and -0', () => {
    assert.deepEqual(FrameSet.fromFrames([3, 1, 3, 2, 1]).frames(), [3, 1, 2]);
    assert.deepEqual(FrameSet.fromFrames(new Set([2, 1])).frames(), [2, 1]);
    assert.ok(Object.is(FrameSet.fromFrames([-0]).first, 0));
    assertVfxError(() => FrameSet.fromFrames([1, Number.NaN]), 'BAD_FRAME_SET', 'NaN');
    assertVfxError(() => FrameSet.fromFrames([Infinity]), 'BAD_FRAME_SET');
    assertVfxError(() => FrameSet.fromFrames([2 ** 60]), 'BAD_FRAME_SET');
    assertVfxError(() => FrameSet.fromFrames([0.1 + 0.2]), 'BAD_FRAME_SET', 'decimal places');
  });

  it('does set operations and returns sorted sets', () => {
    const a = FrameSet.parse('10-1');
    const b = FrameSet.parse('5-15x2');
    assert.deepEqual(a.union(b).frames(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15]);
    assert.deepEqual(a.difference(b).frames(), [1, 2, 3, 4, 6, 8, 10]);
    assert.deepEqual(a.intersection(b).frames(), [5, 7, 9]);
    assert.deepEqual(b.difference(a).frames(), [11, 13, 15]);
    assert.deepEqual(a.union(FrameSet.parse('1-2x0.5')).frames().slice(0, 4), [1, 1.5, 2, 3]);
    assert.ok(a.equals(FrameSet.parse('1-10')));
    assert.ok(!a.equals(b));
  });

  it('lists the missing whole frames', () => {
    assert.deepEqual(FrameSet.parse('1-3,7,10-9').missing().frames(), [4, 5, 6, 8]);
    assert.deepEqual(FrameSet.parse('-3,2').missing().frames(), [-2, -1, 0, 1]);
    assert.deepEqual(FrameSet.parse('1-2x0.25,4').missing().frames(), [3]);
    assert.deepEqual(FrameSet.parse('1.5,3.5').missing().frames(), [2, 3]);
    assert.ok(FrameSet.parse('1-10').missing().isEmpty);
    assertVfxError(() => FrameSet.fromFrames([1, 1e12]).missing(), 'LIMIT_EXCEEDED');
    assertVfxError(() => FrameSet.parse('1,200').missing({ maxFrames: 100 }), 'LIMIT_EXCEEDED', '198');
  });

  it('offsets frames exactly, keeping their order', () => {
    assert.deepEqual(FrameSet.parse('3,1,2').offset(1000).frames(), [1003, 1001, 1002]);
    assert.deepEqual(FrameSet.parse('1-2x0.1').offset(0.2).frames(), [1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2, 2.1, 2.2]);
    assert.deepEqual(FrameSet.parse('1-3').offset(-5).frames(), [-4, -3, -2]);
    assertVfxError(() => FrameSet.parse('1').offset(Number.NaN), 'BAD_USAGE');
  });

  it('knows consecutive sets', () => {
    assert.ok(FrameSet.parse('1-100').isConsecutive);
    assert.ok(FrameSet.parse('5-1,6').isConsecutive);
    assert.ok(!FrameSet.parse('1-100x2').isConsecutive);
    assert.ok(!FrameSet.parse('1-50,60-100').isConsecutive);
    assert.ok(!FrameSet.parse('1-2x0.5').isConsecutive);
  });
});

describe('FrameSet.toString', () => {
  const text = (list: number[], sort = true): string => FrameSet.fromFrames(list).toString({ sort });

  it('writes runs, steps and pairs in the canonical form', () => {
    assert.equal(text([1, 2, 3, 5, 7, 9]), '1-3,5-9x2');
    const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);
    assert.equal(text([...range(1001, 1049), ...range(1051, 1100)]), '1001-1049,1051-1100');
    assert.equal(text([1, 2]), '1-2');
    assert.equal(text([1, 3]), '1,3');
    assert.equal(text([1, 3, 5]), '1-5x2');
    assert.equal(text([7]), '7');
    assert.equal(text([5, 3, 1, 2, 4]), '1-5');
    assert.equal(text([-10, -9, -8, -7, -6, -5, -4, -3, -2, -1]), '-10--1');
    assert.equal(text([-3, -1, 1, 3]), '-3-3x2');
    assert.equal(text([1, 2, 3, 10, 20, 30, 31]), '1-3,10-30x10,31');
  });

  it('picks the fewest characters, then the fewest parts, then the longest first run', () => {
    // fileseq's greedy split gives 1-2,4-8x2.
    assert.equal(text([1, 2, 4, 6, 8]), '1,2-8x2');
    // 1-4,5-9x2 has fewer parts but more characters.
    assert.equal(text([1, 2, 3, 4, 5, 7, 9]), '1-5,7,9');
    // Ties on characters: 10,20,30 is as long, with more parts.
    assert.equal(text([10, 20, 30]), '10-30x10');
    // 1-2,3-9x2 and 1-3,5,7,9 are as long; the first has as few parts but a shorter first run.
    assert.equal(text([1, 2, 3, 5, 7, 9]), '1-3,5-9x2');
  });

  it('keeps the order when asked', () => {
    assert.equal(FrameSet.parse('10-1').toString({ sort: false }), '10-1');
    assert.equal(FrameSet.parse('10-1x2').toString({ sort: false }), '10-2x2');
    assert.equal(FrameSet.parse('10-1x2').toString(), '2-10x2');
    assert.equal(text([5, 1, 2, 3], false), '5,1-3');
    assert.equal(FrameSet.parse('1-10:4').toString({ sort: false }), '1-9x4,4-10x3,3-2,6,8');
  });

  it('writes subframes without float noise', () => {
    assert.equal(FrameSet.parse('1-2x0.25').toString(), '1-2x0.25');
    assert.equal(FrameSet.parse('0-1x0.1').toString(), '0-1x0.1');
    assert.equal(text([0.1, 0.2, 0.3]), '0.1-0.3x0.1');
    assert.equal(text([1, 1.5, 2, 3]), '1-2x0.5,3');
    assert.equal(text([-0.5, 0, 0.5]), '-0.5,0,0.5');
    assert.equal(text([-0.5, 0, 0.5, 1]), '-0.5-1x0.5');
    assert.equal(text([1e-7, 2e-7, 3e-7]), '0.0000001-0.0000003x0.0000001');
    assert.equal(formatFrame(1e-7), '0.0000001');
    assert.equal(formatFrame(-2.5e-7), '-0.00000025');
  });

  it('reads back every set it writes (property test, seeded)', () => {
    const random = makeRandom(20240601);
    for (let trial = 0; trial < 3000; trial++) {
      const count = Math.floor(random() * 40);
      const frameSet = new Set<number>();
      const style = trial % 5;
      for (let index = 0; index < count; index++) {
        let frame: number;
        if (style === 0) frame = Math.floor(random() * 60) - 20;
        else if (style === 1) frame = 1001 + Math.floor(random() * 30) * (1 + Math.floor(random() * 4));
        else if (style === 2) frame = Math.floor(random() * 1e9) - 5e8;
        else if (style === 3) frame = Math.round((random() * 20 - 10) * 4) / 4;
        else frame = Math.round((random() * 4) * 1000) / 1000;
        frameSet.add(frame);
      }
      // Runs make the interesting cases: add a few arithmetic ones.
      if (random() < 0.5) {
        const start = Math.floor(random() * 100) - 50;
        const step = 1 + Math.floor(random() * 5);
        for (let frame = start; frame < start + step * Math.floor(random() * 12); frame += step) frameSet.add(frame);
      }
      const list = [...frameSet];
      const set = FrameSet.fromFrames(list);
      const written = set.toString();
      const back = FrameSet.parse(written);
      assert.ok(back.equals(set), `${JSON.stringify(list)} -> "${written}" -> ${JSON.stringify(back.frames())}`);
      assert.deepEqual(back.frames(), set.sorted().frames());
      const unsorted = set.toString({ sort: false });
      assert.deepEqual(FrameSet.parse(unsorted).frames(), set.frames(), `unsorted "${unsorted}"`);
    }
  });

  it('is as short as any split into runs (brute force over small sets)', () => {
    const random = makeRandom(7);
    /** The shortest text over every split of the sorted frames into allowed runs. */
    const shortest = (sorted: number[]): number => {
      const best: number[] = new Array<number>(sorted.length + 1).fill(Infinity);
      best[sorted.length] = 0;
      for (let start = sorted.length - 1; start >= 0; start--) {
        for (let end = start; end < sorted.length; end++) {
          const step = end > start ? (sorted[start + 1] as number) - (sorted[start] as number) : 0;
          let arithmetic = true;
          for (let index = start + 1; index <= end; index++) {
            if ((sorted[index] as number) - (sorted[index - 1] as number) !== step) arithmetic = false;
          }
          if (!arithmetic) break;
          let partText: string;
          if (end === start) partText = String(sorted[start]);
          else if (step === 1) partText = `${sorted[start]}-${sorted[end]}`;
          else if (end - start >= 2) partText = `${sorted[start]}-${sorted[end]}x${step}`;
          else continue;
          const rest = best[end + 1] as number;
          best[start] = Math.min(best[start] as number, partText.length + (end + 1 < sorted.length ? 1 : 0) + rest);
        }
      }
      return best[0] as number;
    };
    for (let trial = 0; trial < 2000; trial++) {
      const frames = new Set<number>();
      const count = 1 + Math.floor(random() * 10);
      for (let index = 0; index < count; index++) frames.add(Math.floor(random() * 30) - 5);
      const sorted = [...frames].sort((a, b) => a - b);
      const written = FrameSet.fromFrames(sorted).toString();
      assert.equal(written.length, shortest(sorted), `${JSON.stringify(sorted)} -> "${written}"`);
    }
  });

  it('round-trips random frame-range texts (property test, seeded)', () => {
    const random = makeRandom(99);
    const integer = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
    for (let trial = 0; trial < 2000; trial++) {
      const parts: string[] = [];
      const partCount = integer(1, 5);
      for (let index = 0; index < partCount; index++) {
        const start = integer(-30, 60);
        const end = integer(-30, 60);
        const kind = integer(0, 4);
        if (kind === 0) parts.push(String(start));
        else if (kind === 1) parts.push(`${start}-${end}`);
        else if (kind === 2) parts.push(`${start}-${end}x${integer(1, 7)}`);
        else if (kind === 3) parts.push(`${start}-${end}y${integer(1, 7)}`);
        else parts.push(`${start}-${end}:${integer(1, 7)}`);
      }
      const text = parts.join(',');
      const set = FrameSet.parse(text);
      assert.deepEqual(set.frames(), referenceFrames(text), `"${text}" against the reference`);
      assert.ok(FrameSet.parse(set.toString()).equals(set), `"${text}" -> "${set.toString()}"`);
      assert.deepEqual(FrameSet.parse(set.toString({ sort: false })).frames(), set.frames(), `"${text}" unsorted`);
      assert.equal(new Set(set.frames()).size, set.size, `"${text}" has repeats`);
    }
  });

  it('writes large sets quickly', () => {
    const started = performance.now();
    const set = FrameSet.parse('1-2000000,2000002-3000000x3');
    assert.equal(set.toString(), '1-2000000,2000002-2999998x3');
    assert.ok(performance.now() - started < 5000);
  });
});
