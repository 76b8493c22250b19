/**
 * Every LUT under fixtures-real/ocio (OpenColorIO's and Gaffer's test files, see SOURCES.md there)
 * parses, and what we read matches what the files and SOURCES.md say about them. The files are read
 * in place, never copied into the repository.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseLut } from '@vfxkit/color';
import type { Lut1D, Lut3D, LutFile, LutMatrix } from '@vfxkit/color';
import { assertAllClose, listLutFixtures, noFixtures, ocioFixtures } from './helpers.js';

const read = (path: string): LutFile => parseLut(readFileSync(join(ocioFixtures, path), 'utf8'), path);

describe('real LUT files parse', { skip: noFixtures }, () => {
  const files = listLutFixtures();
  it('finds the .cube, .spi1d, .spi3d and .spimtx fixtures', () => {
    for (const extension of ['.cube', '.spi1d', '.spi3d', '.spimtx']) {
      assert.ok(files.some((file) => file.endsWith(extension)), `no ${extension} fixture`);
    }
  });
  for (const file of files) {
    it(file, () => {
      const lut = read(file);
      assert.ok(lut.steps.length > 0);
      for (const step of lut.steps) {
        if (step.kind === 'matrix') continue;
        const values = step.kind === 'lut1d' ? step.size * step.channels : step.size ** 3 * 3;
        assert.equal(step.data.length, values);
        assert.ok(step.data.every(Number.isFinite), 'every value finite');
      }
    });
  }
});

describe('real LUT contents', { skip: noFixtures }, () => {
  it('iridas_1d.cube: LUT_1D_SIZE 5, DOMAIN_MIN -2 1 0, DOMAIN_MAX 2 2 1', () => {
    const [step] = read('luts/iridas_1d.cube').steps as [Lut1D];
    assert.equal(step.size, 5);
    assert.deepEqual([step.domainMin, step.domainMax], [[-2, 1, 0], [2, 2, 1]]);
    assertAllClose(step.data.subarray(12, 15), [1, 2.1, 3.2], 1e-6, 'last entry');
  });

  it('iridas_3d.cube: TITLE, LUT_3D_SIZE 2, DOMAIN_MIN 0 1 0, DOMAIN_MAX 2 2 1', () => {
    const lut = read('luts/iridas_3d.cube');
    assert.equal(lut.title, 'A test 3D-LUT.');
    const [step] = lut.steps as [Lut3D];
    assert.equal(step.size, 2);
    assert.deepEqual([step.domainMin, step.domainMax], [[0, 1, 0], [2, 2, 1]]);
    // Red fastest: the second entry is (r=1, g=0, b=0) = 2 0 0.
    assert.deepEqual(Array.from(step.data.subarray(3, 6)), [2, 0, 0]);
  });

  it('resolve_1d3d.cube: a 6-entry shaper on -1..3, then a 3^3 LUT on 0..4', () => {
    const [shaper, cube] = read('luts/resolve_1d3d.cube').steps as [Lut1D, Lut3D];
    assert.equal(shaper.size, 6);
    assert.deepEqual([shaper.domainMin, shaper.domainMax], [[-1, -1, -1], [3, 3, 3]]);
    assertAllClose(shaper.data.subarray(0, 3), [3.3, 3.4, 3.5], 1e-6, 'first shaper entry');
    assert.equal(cube.size, 3);
    assert.deepEqual([cube.domainMin, cube.domainMax], [[0, 0, 0], [4, 4, 4]]);
    assertAllClose(cube.data.subarray(0, 3), [1.1, 1.1, 1.1], 1e-6, 'first lattice entry');
  });

  it('camera_to_aces.spimtx: the matrix SOURCES.md lists, offsets 0', () => {
    const [step] = read('luts/camera_to_aces.spimtx').steps as [LutMatrix];
    assertAllClose(
      step.matrix,
      [0.754338638, 0.133697046, 0.111968437, 0.021198141, 1.005410934, -0.026610548, -0.009756991, 0.004508563, 1.005253201],
      1e-7,
      'matrix',
    );
    assert.deepEqual(step.offset, [0, 0, 0]);
  });

  it('pandemoniumMatrix.spimtx: a matrix after a blank first line', () => {
    const [step] = read('gaffer-pandemonium/luts/pandemoniumMatrix.spimtx').steps as [LutMatrix];
    assertAllClose(step.matrix, [0.2, 0.5, 0.3, 0.5, 0.3, 0.2, 0.3, 0.2, 0.5], 1e-7, 'matrix');
  });

  it('lut3d_bizarre.spi3d: a 3^3 lattice with entries as listed', () => {
    const [step] = read('luts/lut3d_bizarre.spi3d').steps as [Lut3D];
    assert.equal(step.size, 3);
    // "0 2 0  -0.029325513  1.46627566  -0.019550342": r=0, g=2, b=0 -> ((0·3 + 2)·3 + 0)·3 = 18
    assertAllClose(step.data.subarray(18, 21), [-0.029325513, 1.46627566, -0.019550342], 1e-7, 'entry 0 2 0');
    // "2 1 2  0.801564027  0.391006843  0.782013685": ((2·3 + 1)·3 + 2)·3 = 69
    assertAllClose(step.data.subarray(69, 72), [0.801564027, 0.391006843, 0.782013685], 1e-7, 'entry 2 1 2');
  });

  it('comp2.spi3d: a 32^3 lattice', () => {
    const [step] = read('luts/comp2.spi3d').steps as [Lut3D];
    assert.equal(step.size, 32);
    assertAllClose(step.data.subarray(0, 3), [0.0188599, 0.0188599, 0.0188599], 1e-7, 'entry 0 0 0');
  });

  it('the .spi1d files: lengths and domains from their headers', () => {
    const expected: [string, number, number, number][] = [
      ['luts/lut1d_1.spi1d', 512, 0, 1],
      ['luts/lut1d_2.spi1d', 8192, 0, 1],
      ['luts/sRGB_to_linear.spi1d', 4101, -0.125, 1.125],
      ['gaffer-context/luts/slog10.spi1d', 2048, -0.125, 1.125],
      ['gaffer-context/luts/cineon.spi1d', 4101, -0.125, 1.125],
    ];
    for (const [file, size, min, max] of expected) {
      const [step] = read(file).steps as [Lut1D];
      assert.equal(step.size, size, file);
      assert.equal(step.channels, 1, file);
      assert.deepEqual([step.domainMin[0], step.domainMax[0]], [min, max], file);
    }
    const [srgb] = read('luts/sRGB_to_linear.spi1d').steps as [Lut1D];
    assertAllClose([srgb.data[0]!], [-0.00967492260062], 1e-9, 'first entry');
  });
});
