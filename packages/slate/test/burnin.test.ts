/**
 * Burn-ins checked on their pixels: text lands in the corners, per-frame text changes per frame,
 * the rest of the frame is untouched, letterbox bars are black, EXR frames get white text at 1.0
 * in linear light and keep their channels, types, attributes and compression.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { rgbToRgbMatrix } from '@vfxkit/color';
import { halfToFloat } from '@vfxkit/core';
import { readExrHeader } from '@vfxkit/exr';
import { readImage, readImageInfo, toPlanar } from '@vfxkit/image';
import { DEFAULT_BURNIN, type BurninTemplate } from '@vfxkit/slate';
import { layoutBurnin, runBurninJob, type BurninJob, type SequenceSource } from '@vfxkit/slate/node';
import { exrFrameColor, tempDir, writeExrSequence, writeJpegSequence } from './helpers.js';

const W = 480;
const H = 270;

function job(source: SequenceSource, index: number, output: string, template: BurninTemplate): BurninJob {
  return {
    input: source.paths[index]!,
    shown: source.paths[index]!,
    output,
    frame: source.frames[index]!,
    template,
    fields: { shot: 'SH010', version: 'v3' },
    clock: { fps: 24, startCount: 86400, firstFrame: 1001 },
    force: false,
  };
}

describe('burn-in', () => {
  let dir: string;
  let cleanup: () => void;
  let png: SequenceSource;
  let exr: SequenceSource;
  before(async () => {
    ({ dir, cleanup } = tempDir());
    png = await writeJpegSequence(dir, 'plate', [1001, 1002], W, H, 'png');
    exr = await writeExrSequence(dir, 'beauty', [1001, 1002], W, H, [{ name: 'owner', type: 'string', value: 'Studio' }]);
  });
  after(() => cleanup());

  const template: BurninTemplate = { ...DEFAULT_BURNIN, style: { ...DEFAULT_BURNIN.style, size: 0.06 }, text: { 'top-left': '{shot} {version}', 'bottom-right': '{timecode}', 'bottom-left': '{frame}' }, backing: 0 };

  it('composites text into the corners of 8-bit frames and leaves the rest alone', async () => {
    const output = join(dir, 'out.1002.png');
    const result = await runBurninJob(job(png, 1, output, template));
    assert.equal(result.route, 'composite');
    const before = await sharp(png.paths[1]!).raw().toBuffer();
    const after = await sharp(output).raw().toBuffer();
    const { texts } = await layoutBurnin(template, { shot: 'SH010', version: 'v3', frame: '1002', timecode: '01:00:00:01' }, W, H);
    assert.equal(texts.length, 3);
    const inText = (x: number, y: number) => texts.some((t) => x >= t.x && x < t.x + t.mask.width && y >= t.y && y < t.y + t.mask.height);
    let changedOutside = 0;
    let whiteInside = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = (y * W + x) * 3;
        const same = before[i] === after[i] && before[i + 1] === after[i + 1] && before[i + 2] === after[i + 2];
        if (inText(x, y)) {
          if (after[i] === 255 && after[i + 1] === 255 && after[i + 2] === 255) whiteInside++;
        } else if (!same) changedOutside++;
      }
    }
    assert.equal(changedOutside, 0);
    assert.ok(whiteInside > 100, `white glyph pixels: ${whiteInside}`);
    // The top-left text is at the margin, the bottom-right one at the other corner.
    const margin = Math.round(DEFAULT_BURNIN.margin * H);
    assert.equal(texts[0]!.x, margin);
    assert.equal(texts[0]!.y, margin);
    assert.equal(texts[2]!.x + texts[2]!.mask.width, W - margin);
    assert.equal(texts[2]!.y + texts[2]!.mask.height, H - margin);
    // Refuses to overwrite without force.
    await assert.rejects(runBurninJob(job(png, 1, output, template)), { code: 'WOULD_OVERWRITE' });
  });

  it('renders per-frame text per frame', async () => {
    const a = await layoutBurnin(template, { shot: 'S', version: 'v', frame: '1001', timecode: 'x' }, W, H);
    const b = await layoutBurnin(template, { shot: 'S', version: 'v', frame: '1002', timecode: 'x' }, W, H);
    assert.equal(a.texts[0]!.mask, b.texts[0]!.mask); // constant text: the cached mask
    assert.notDeepEqual(a.texts[1]!.mask.data, b.texts[1]!.mask.data); // {frame}
  });

  it('masks to a letterbox and puts the text in the bars', async () => {
    const boxed: BurninTemplate = { ...template, letterbox: 2.39 };
    const output = join(dir, 'boxed.1001.png');
    await runBurninJob(job(png, 0, output, boxed));
    const { data } = await sharp(output).raw().toBuffer({ resolveWithObject: true });
    const bar = Math.floor((H - Math.round(W / 2.39)) / 2);
    // The far right of the top bar (no text there) is black; the picture below it is not.
    for (let y = 0; y < bar; y++) assert.deepEqual(Array.from(data.subarray((y * W + W - 3) * 3, (y * W + W - 3) * 3 + 3)), [0, 0, 0]);
    assert.notDeepEqual(Array.from(data.subarray(((bar + 2) * W + W - 3) * 3, ((bar + 2) * W + W - 3) * 3 + 3)), [0, 0, 0]);
    const { texts } = await layoutBurnin(boxed, { shot: 'S', version: 'v', frame: '1', timecode: 't' }, W, H);
    assert.ok(texts[0]!.y + texts[0]!.mask.height <= bar, 'the top text sits in the top bar');
  });

  it('blends EXR text in linear light (white = 1.0) and keeps channels, types and attributes', async () => {
    const output = join(dir, 'burnt.1001.exr');
    const withAttribute: BurninTemplate = { ...template, text: { ...template.text, 'top-right': '{attr:owner}' } };
    const result = await runBurninJob(job(exr, 0, output, withAttribute));
    assert.equal(result.route, 'spliced');
    const info = await readImageInfo(output);
    assert.equal(info.compression, 'zip');
    assert.deepEqual(info.channels.map((c) => `${c.name}:${c.type}`).sort(), ['A:half', 'B:half', 'G:half', 'R:half', 'Z:float']);
    assert.ok(info.metadata.exrAttributes?.some((a) => a.name === 'owner' && a.value === 'Studio'));
    const image = toPlanar(await readImage(output));
    const r = image.pixels.planes[image.channels.findIndex((c) => c.name === 'R')]!;
    const z = image.pixels.planes[image.channels.findIndex((c) => c.name === 'Z')]!;
    const { texts } = await layoutBurnin(withAttribute, { shot: 'SH010', version: 'v3', frame: '1001', timecode: '01:00:00:00', 'attr:owner': 'Studio' }, W, H);
    assert.equal(texts.length, 4);
    let max = 0;
    for (const t of texts) for (let y = t.y; y < t.y + t.mask.height; y++) for (let x = t.x; x < t.x + t.mask.width; x++) max = Math.max(max, halfToFloat(r[y * W + x]!));
    assert.equal(max, 1);
    // Away from the text the pixels are the frame's, and Z is untouched everywhere.
    const source = toPlanar(await readImage(exr.paths[0]!));
    assert.equal(r[(H >> 1) * W + (W >> 1)], source.pixels.planes[source.channels.findIndex((c) => c.name === 'R')]![(H >> 1) * W + (W >> 1)]);
    assert.ok(Math.abs(halfToFloat(r[(H >> 1) * W + (W >> 1)]!) - exrFrameColor(1001)[0]) < 1e-3);
    for (let i = 0; i < W * H; i += 31) assert.equal(z[i], 7.5);
  });

  it('burns coloured text into an ACEScg EXR in ACEScg primaries (the spliced route)', async () => {
    const cg = await writeExrSequence(dir, 'cg', [1001], W, H, [], 'zip', 'ACEScg');
    const output = join(dir, 'cg-burnt.1001.exr');
    const red: BurninTemplate = { ...template, style: { ...template.style, color: [1, 0, 0] } };
    const result = await runBurninJob(job(cg, 0, output, red));
    assert.equal(result.route, 'spliced');
    const image = toPlanar(await readImage(output));
    assert.equal(image.colorSpace, 'ACEScg');
    const planes = ['R', 'G', 'B'].map((name) => image.pixels.planes[image.channels.findIndex((c) => c.name === name)]!);
    const { texts } = await layoutBurnin(red, { shot: 'SH010', version: 'v3', frame: '1001', timecode: '01:00:00:00' }, W, H);
    // The fully covered pixel with the most red: linear Rec.709 red (1, 0, 0) in ACEScg's primaries.
    let best = [0, 0, 0];
    for (const t of texts) {
      for (let y = t.y; y < t.y + t.mask.height; y++) {
        for (let x = t.x; x < t.x + t.mask.width; x++) {
          if (t.mask.data[(y - t.y) * t.mask.width + (x - t.x)] !== 255) continue;
          best = planes.map((p) => halfToFloat(p[y * W + x]!));
        }
      }
    }
    const m = rgbToRgbMatrix('Linear Rec.709 (sRGB)', 'ACEScg');
    const expected = [m[0], m[3], m[6]];
    best.forEach((v, c) => assert.ok(Math.abs(v - expected[c]!) < 2e-3, `text ${best} vs ${expected}`));
  });

  it('re-encodes only the EXR chunks under the text, with the same pixels as a full re-encode', async () => {
    for (const compression of ['zip', 'piz', 'zips', 'rle', 'none', 'pxr24'] as const) {
      const sequence = await writeExrSequence(dir, `splice_${compression}`, [7], W, H, [{ name: 'owner', type: 'string', value: 'Studio' }], compression);
      const spliced = join(dir, `spliced_${compression}.exr`);
      const full = join(dir, `full_${compression}.exr`);
      const a = await runBurninJob(job(sequence, 0, spliced, template));
      const b = await runBurninJob({ ...job(sequence, 0, full, template), splice: false });
      assert.deepEqual([a.route, b.route], ['spliced', 'decoded'], compression);
      const [x, y] = [toPlanar(await readImage(spliced)), toPlanar(await readImage(full))];
      assert.deepEqual(x.channels, y.channels);
      x.channels.forEach((c, i) => assert.deepEqual(x.pixels.planes[i], y.pixels.planes[i], `${compression} ${c.name}`));
      // The header is the input's, byte for byte.
      const input = readFileSync(sequence.paths[0]!);
      const output = readFileSync(spliced);
      const headerEnd = readExrHeader(input).offsetTablesOffset;
      assert.deepEqual(output.subarray(0, headerEnd), input.subarray(0, headerEnd), compression);
    }
  });
});
