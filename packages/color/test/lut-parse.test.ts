/**
 * LUT parsing from text: what each format allows, and for broken files the exact error code with
 * the line number in the message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lutFormatOf, parseCube, parseLut, parseSpi1d, parseSpi3d, parseSpimtx } from '@vfxkit/color';
import type { Lut1D, Lut3D, LutMatrix } from '@vfxkit/color';
import { isVfxError } from '@vfxkit/core';
import { assertAllClose, assertThrowsCode } from './helpers.js';

const PARSE = 'COLOR_LUT_PARSE';

describe('.cube', () => {
  it('reads an Adobe 1D LUT with title, comments and domain', () => {
    const lut = parseCube(
      ['# made by hand', 'TITLE "ramp"', '', 'LUT_1D_SIZE 3', 'DOMAIN_MIN -1 0 0', 'DOMAIN_MAX 1 2 1', '0 0 0', '0.5 0.25 1e-1', '1 1 1', ''].join('\n'),
    );
    assert.equal(lut.format, 'cube');
    assert.equal(lut.title, 'ramp');
    assert.deepEqual(lut.comments, ['made by hand']);
    const step = lut.steps[0] as Lut1D;
    assert.equal(step.kind, 'lut1d');
    assert.equal(step.size, 3);
    assert.equal(step.channels, 3);
    assert.deepEqual(step.domainMin, [-1, 0, 0]);
    assert.deepEqual(step.domainMax, [1, 2, 1]);
    assertAllClose(step.data, [0, 0, 0, 0.5, 0.25, 0.1, 1, 1, 1], 1e-7, 'data');
  });

  it('reads a 3D LUT in red-fastest order, with CRLF line ends and lower-case keywords', () => {
    const lines = ['lut_3d_size 2'];
    for (let b = 0; b < 2; b++) for (let g = 0; g < 2; g++) for (let r = 0; r < 2; r++) lines.push(`${r} ${g / 2} ${b / 4}`);
    const step = parseCube(lines.join('\r\n')).steps[0] as Lut3D;
    assert.equal(step.kind, 'lut3d');
    assert.equal(step.size, 2);
    assert.deepEqual(step.domainMin, [0, 0, 0]);
    // entry (r=1, g=0, b=1) is at ((1·2 + 0)·2 + 1)·3
    assert.deepEqual(Array.from(step.data.subarray(15, 18)), [1, 0, 0.25]);
  });

  it('reads a Resolve 1D shaper plus 3D LUT with their input ranges', () => {
    const lines = ['LUT_1D_SIZE 2', 'LUT_1D_INPUT_RANGE -1 3', 'LUT_3D_SIZE 2', 'LUT_3D_INPUT_RANGE 0 4', '0 0 0', '1 1 1'];
    for (let i = 0; i < 8; i++) lines.push('0.5 0.5 0.5');
    const [shaper, cube] = parseCube(lines.join('\n')).steps as [Lut1D, Lut3D];
    assert.equal(shaper.kind, 'lut1d');
    assert.deepEqual([shaper.domainMin, shaper.domainMax], [[-1, -1, -1], [3, 3, 3]]);
    assert.equal(cube.kind, 'lut3d');
    assert.deepEqual([cube.domainMin, cube.domainMax], [[0, 0, 0], [4, 4, 4]]);
  });

  it('ignores vendor keywords and comments inside the table', () => {
    const lut = parseCube(['LUT_IN_VIDEO_RANGE', 'LUT_1D_SIZE 2', '0 0 0', '# middle', '1 1 1'].join('\n'));
    assert.equal((lut.steps[0] as Lut1D).size, 2);
  });

  const bad: [string, string[], string, RegExp][] = [
    ['a 3D size below 2', ['LUT_3D_SIZE 1', '0 0 0'], PARSE, /^line 1: LUT_3D_SIZE must be one integer from 2 to 256, found "1"/],
    ['a 3D size above 256', ['TITLE "x"', 'LUT_3D_SIZE 300'], PARSE, /^line 2: LUT_3D_SIZE must be one integer from 2 to 256/],
    ['a size that is not an integer', ['LUT_1D_SIZE 2.5'], PARSE, /^line 1: LUT_1D_SIZE must be one integer/],
    ['a non-number in the table', ['LUT_1D_SIZE 2', '0 0 0', '0.1 abc 0.3'], PARSE, /^line 3: "abc" is not a number \(in "0.1 abc 0.3"\)/],
    ['hexadecimal', ['LUT_1D_SIZE 2', '0 0 0', '0x1 0 0'], PARSE, /^line 3: "0x1" is not a number/],
    ['NaN', ['LUT_1D_SIZE 2', 'nan 0 0', '1 1 1'], PARSE, /^line 2: "nan" is not a number/],
    ['two values on a line', ['LUT_1D_SIZE 2', '0 0', '1 1 1'], PARSE, /^line 2: expected three numbers \(red green blue\), found 2 values/],
    ['four values on a line', ['LUT_1D_SIZE 2', '0 0 0 0', '1 1 1'], PARSE, /^line 2: expected three numbers/],
    ['a truncated table', ['LUT_1D_SIZE 3', '0 0 0', '1 1 1', ''], PARSE, /^line 3: the file ends after 2 lines of data, fewer than the 3 entries declared on line 1/],
    ['a truncated table with blank lines', ['LUT_1D_SIZE 3', '0 0 0', '', '1 1 1', ''], PARSE, /^line 4: the file ends after 2 of the 3 entries declared on line 1/],
    ['a truncated 3D table', ['LUT_3D_SIZE 2', ...Array(7).fill('0 0 0')], PARSE, /^line 8: the file ends after 7 lines of data, fewer than the 8 entries/],
    ['too many entries', ['LUT_1D_SIZE 2', '0 0 0', '1 1 1', '2 2 2'], PARSE, /^line 4: more entries than the 2 declared on line 1/],
    ['an inverted domain', ['LUT_1D_SIZE 2', 'DOMAIN_MIN 0 0 1', 'DOMAIN_MAX 1 1 1', '0 0 0', '1 1 1'], PARSE, /^line 3: DOMAIN_MIN must be below DOMAIN_MAX/],
    ['a short DOMAIN_MIN', ['LUT_1D_SIZE 2', 'DOMAIN_MIN 0 0', '0 0 0', '1 1 1'], PARSE, /^line 2: expected three numbers after DOMAIN_MIN/],
    ['an inverted input range', ['LUT_3D_SIZE 2', 'LUT_3D_INPUT_RANGE 1 0'], PARSE, /^line 2: LUT_3D_INPUT_RANGE needs min < max/],
    ['a keyword after the table', ['LUT_1D_SIZE 2', '0 0 0', 'DOMAIN_MIN 0 0 0', '1 1 1'], PARSE, /^line 3: the keyword DOMAIN_MIN comes after the table has started/],
    ['no size', ['TITLE "nothing"', '0 0 0'], PARSE, /^line 2: no LUT_1D_SIZE or LUT_3D_SIZE before the data/],
    ['an empty file', [''], PARSE, /^line 1: no LUT_1D_SIZE or LUT_3D_SIZE/],
    ['an unknown keyword', ['LUT_1D_SIZE 2', 'Size 2', '0 0 0', '1 1 1'], PARSE, /^line 2: unknown keyword "Size"/],
    ['a 2D LUT', ['LUT_2D_SIZE 4'], 'COLOR_LUT_UNSUPPORTED', /^line 1: 2D LUTs \(LUT_2D_SIZE\) are not supported/],
  ];
  for (const [what, lines, code, message] of bad) {
    it(`rejects ${what}`, () => assertThrowsCode(() => parseCube(lines.join('\n')), code, message));
  }

  it('names the file in the error when given', () => {
    try {
      parseLut('LUT_3D_SIZE 1\n', 'shots/a/grade.cube');
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(isVfxError(error));
      assert.equal(error.file, 'shots/a/grade.cube');
      assert.equal(error.category, 'corrupt');
      assert.match(error.describe(), /^shots\/a\/grade\.cube: line 1: /);
    }
  });
});

describe('.spi1d', () => {
  const header = (components: number, length: number, from = '0.0 1.0') => ['Version 1', `From ${from}`, `Length ${length}`, `Components ${components}`, '{'];

  it('reads 1, 2 and 3 components', () => {
    const one = parseSpi1d([...header(1, 3, '-0.5 1.5'), '  0.0', '  0.5', '  1.0', '}', ''].join('\n')).steps[0] as Lut1D;
    assert.equal(one.channels, 1);
    assert.deepEqual(Array.from(one.data), [0, 0.5, 1]);
    assert.deepEqual([one.domainMin, one.domainMax], [[-0.5, -0.5, -0.5], [1.5, 1.5, 1.5]]);
    // Two components: red and green, blue 0 (as OpenColorIO reads them).
    const two = parseSpi1d([...header(2, 2), '0 0.25', '1 0.75', '}'].join('\n')).steps[0] as Lut1D;
    assert.equal(two.channels, 3);
    assert.deepEqual(Array.from(two.data), [0, 0.25, 0, 1, 0.75, 0]);
    const three = parseSpi1d([...header(3, 2), '0 0.25 0.5', '1 0.75 0.5', '}'].join('\n')).steps[0] as Lut1D;
    assert.deepEqual(Array.from(three.data), [0, 0.25, 0.5, 1, 0.75, 0.5]);
  });

  const bad: [string, string[], RegExp][] = [
    ['version 2', ['Version 2', 'Length 2', 'Components 1', '{', '0', '1', '}'], /^line 1: only Version 1 exists/],
    ['a length of 1', ['Version 1', 'Length 1', 'Components 1', '{', '0', '}'], /^line 2: Length must be one integer from 2 to 300000/],
    ['4 components', ['Version 1', 'Length 2', 'Components 4', '{'], /^line 3: Components must be 1, 2 or 3/],
    ['an inverted From', ['Version 1', 'From 1 0', 'Length 2', 'Components 1', '{', '0', '1', '}'], /^line 2: From needs min < max/],
    ['no Version', ['Length 2', 'Components 1', '{', '0', '1', '}'], /^line 3: no "Version 1" line before the table/],
    ['no table', ['Version 1', 'Length 2', 'Components 1'], /^line 3: no "\{" opening the table/],
    ['a non-number', [...header(1, 3), '0', 'half', '1', '}'], /^line 7: "half" is not a number/],
    ['a wrong count on a line', [...header(3, 2), '0 0 0', '1 1', '}'], /^line 7: expected 3 numbers per line \(Components 3\), found 2 values/],
    ['too few entries', [...header(1, 3), '0', '1', '}', '', '', ''], /^line 8: the table closes after 2 of the Length 3 entries declared on line 3/],
    ['too many entries', [...header(1, 2), '0', '1', '2', '}'], /^line 8: more entries than the Length 2 declared on line 3/],
    ['a missing closing brace', [...header(1, 2), '0', '1'], /^line 7: the file ends without the closing "\}" \(after 2 of 2 entries\)/],
    ['a truncated file', [...header(1, 100), '0', '1'], /^line 7: the file ends after 3 lines, fewer than the Length 100 declared on line 3/],
  ];
  for (const [what, lines, message] of bad) {
    it(`rejects ${what}`, () => assertThrowsCode(() => parseSpi1d(lines.join('\n')), PARSE, message));
  }
});

/** The lines with line `index` (0-based) replaced. */
function replaceLine(lines: string[], index: number, text: string): string[] {
  return lines.map((line, i) => (i === index ? text : line));
}

describe('.spi3d', () => {
  const lattice = (order: 'blue-fast' | 'shuffled') => {
    const lines: string[] = [];
    for (let r = 0; r < 2; r++) for (let g = 0; g < 2; g++) for (let b = 0; b < 2; b++) lines.push(`${r} ${g} ${b} ${r * 0.5} ${g * 0.25} ${b}`);
    if (order === 'shuffled') lines.reverse();
    return ['SPILUT 1.0', '3 3', '2 2 2', ...lines];
  };

  it('reads entries by their indices, in any order', () => {
    for (const order of ['blue-fast', 'shuffled'] as const) {
      const step = parseSpi3d(lattice(order).join('\n')).steps[0] as Lut3D;
      assert.equal(step.size, 2);
      // entry (r=1, g=1, b=0) in red-fastest order is ((0·2 + 1)·2 + 1)·3 = 9
      assert.deepEqual(Array.from(step.data.subarray(9, 12)), [0.5, 0.25, 0]);
    }
  });

  const bad: [string, string[], string, RegExp][] = [
    ['a wrong first line', ['LUT 1.0', '3 3', '2 2 2'], PARSE, /^line 1: expected "SPILUT 1.0", found "LUT 1.0"/],
    ['a bad size line', ['SPILUT 1.0', '3 3', '2 2'], PARSE, /^line 3: expected the lattice size as three integers/],
    ['unequal sizes', ['SPILUT 1.0', '3 3', '2 2 3'], 'COLOR_LUT_UNSUPPORTED', /^line 3: only cubic lattices are supported .* found 2x2x3/],
    ['an index outside the lattice', replaceLine(lattice('blue-fast'), 5, '0 2 0 0 0 0'), PARSE, /^line 6: the lattice index 2 is outside the 2\^3 lattice/],
    ['a non-number value', replaceLine(lattice('blue-fast'), 4, '0 0 1 0 zero 0'), PARSE, /^line 5: "zero" is not a number/],
    ['a short entry', replaceLine(lattice('blue-fast'), 4, '0 0 1 0 0'), PARSE, /^line 5: expected "r g b R G B"/],
    ['missing entries', [...lattice('blue-fast').slice(0, 10), '0 0 0 0 0 0'], PARSE, /^line 11: the file ends with 1 of the 8 lattice entries missing \(the first: 1 1 1\)/],
  ];
  for (const [what, lines, code, message] of bad) {
    it(`rejects ${what}`, () => assertThrowsCode(() => parseSpi3d(lines.join('\n')), code, message));
  }
});

describe('.spimtx', () => {
  it('reads a 3x4 matrix with its offsets in 16-bit code values', () => {
    const step = parseSpimtx('1 0 0 65535\n0 2 0 0\n\n0 0 0.5 32767.5\n').steps[0] as LutMatrix;
    assert.equal(step.kind, 'matrix');
    assert.deepEqual(step.matrix, [1, 0, 0, 0, 2, 0, 0, 0, 0.5]);
    assertAllClose(step.offset, [1, 0, 0.5], 1e-9, 'offset / 65535');
  });

  it('rejects a wrong count and non-numbers', () => {
    assertThrowsCode(() => parseSpimtx('1 0 0 0\n0 1 0 0\n0 0 1\n'), PARSE, /^line 3: expected 12 numbers \(a 3x4 matrix, row by row\), found 11/);
    assertThrowsCode(() => parseSpimtx('1 0 0 0\n0 1 0 0\n0 0 1 0 9\n'), PARSE, /^line 3: more than the 12 numbers/);
    assertThrowsCode(() => parseSpimtx('1 0 0 0\n0 one 0 0\n0 0 1 0\n'), PARSE, /^line 2: "one" is not a number/);
  });
});

describe('parseLut', () => {
  it('picks the parser by extension or format name', () => {
    assert.equal(lutFormatOf('a/b/Grade.CUBE'), 'cube');
    assert.equal(lutFormatOf('x.3dl'), undefined);
    assert.equal(parseLut('LUT_1D_SIZE 2\n0 0 0\n1 1 1\n', 'cube').format, 'cube');
    assert.equal(parseLut('1 0 0 0 0 1 0 0 0 0 1 0', 'm.spimtx').format, 'spimtx');
    assertThrowsCode(() => parseLut('', 'look.3dl'), 'COLOR_LUT_UNSUPPORTED', /we read \.cube, \.spi1d, \.spi3d, \.spimtx/);
  });
});
