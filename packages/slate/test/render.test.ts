/**
 * Slates checked on their pixels: the thumbnail region is the chosen frame downscaled, text boxes
 * hold glyph pixels, everything else is the background, colour bars hold their documented values
 * (8-bit codes; exact linear values on an EXR slate), EXR slates keep the sequence's channels.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
import { rgbToRgbMatrix } from '@vfxkit/color';
import { floatToHalf, floatsToHalves, halfToFloat } from '@vfxkit/core';
import { encodeImage, readImage, toInterleaved, toPlanar } from '@vfxkit/image';
import { BAR_LEVEL, BAR_PATTERN, fitPicture, linearToSrgb, parseHexColor, parseTemplate, pixelBox, srgbToLinear, type SlateTemplate } from '@vfxkit/slate';
import { encodeExrImage, encodeSlate, loadBuiltinTemplate, probeSequence, renderSlate, type SequenceSource } from '@vfxkit/slate/node';
import { exrFrameColor, tempDir, writeExrSequence, writeJpegSequence } from './helpers.js';

const W = 640;
const H = 360;

/** A template whose every element has a known box, to check the rest is background. */
const TEST_TEMPLATE = `
name: test
background: "#20242a"
required: [shot]
elements:
  - { type: text, box: [0.05, 0.05, 0.4, 0.15], text: "{shot}", size: 0.1, weight: bold, color: "#ffffff" }
  - { type: thumbnails, box: [0.5, 0.05, 0.45, 0.45] }
  - { type: bars, box: [0.05, 0.6, 0.9, 0.15] }
  - { type: ramp, box: [0.05, 0.8, 0.9, 0.1], steps: 11 }
`;

const boxes = (template: SlateTemplate) =>
  template.elements.flatMap((e) => ('box' in e ? [pixelBox(e.box, W, H)] : []));

function inside(x: number, y: number, list: { x: number; y: number; width: number; height: number }[]): boolean {
  return list.some((b) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height);
}

describe('slate on an 8-bit sequence', () => {
  let dir: string;
  let cleanup: () => void;
  let source: SequenceSource;
  before(async () => {
    ({ dir, cleanup } = tempDir());
    source = await writeJpegSequence(dir, 'plate_v007', [1001, 1002, 1003, 1004, 1005], W, H, 'png');
  });
  after(() => cleanup());

  it('draws text, the thumbnail of the middle frame and bars, and nothing else', async () => {
    const template = parseTemplate(TEST_TEMPLATE, 'test.yaml');
    const probe = await probeSequence(source);
    assert.equal(probe.fields.version, 'v007');
    assert.equal(probe.fields.slate_frame, '1000');
    const slate = await renderSlate({ template, source, probe, set: { shot: 'SH010' } });
    assert.equal(slate.format, 'png');
    assert.deepEqual(slate.thumbnails, [1003]);
    assert.deepEqual([slate.image.width, slate.image.height, slate.image.channels.map((c) => `${c.name}:${c.type}`).join()], [W, H, 'R:uint8,G:uint8,B:uint8']);
    const data = toInterleaved(slate.image).pixels.data as Uint8Array;
    const at = (x: number, y: number) => Array.from(data.subarray((y * W + x) * 3, (y * W + x) * 3 + 3));

    // Everything outside the element boxes is the background, exactly.
    const background = parseHexColor('#20242a')!.map((v) => Math.round(v * 255));
    const drawn = boxes(template);
    let outside = 0;
    const wrong: string[] = [];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (inside(x, y, drawn)) continue;
        outside++;
        const i = (y * W + x) * 3;
        if (data[i] !== background[0] || data[i + 1] !== background[1] || data[i + 2] !== background[2]) wrong.push(`${x},${y}`);
      }
    }
    assert.deepEqual(wrong.slice(0, 5), []);
    assert.ok(outside > W * H * 0.3);

    // The text box holds glyph pixels: full white cores and anti-aliased edges.
    const textBox = drawn[0]!;
    let white = 0;
    let edge = 0;
    for (let y = textBox.y; y < textBox.y + textBox.height; y++) {
      for (let x = textBox.x; x < textBox.x + textBox.width; x++) {
        const [r] = at(x, y) as [number];
        if (r === 255) white++;
        else if (r > background[0]! + 10) edge++;
      }
    }
    assert.ok(white > 200 && edge > 50, `white ${white}, edge ${edge}`);

    // The thumbnail is frame 1003 downscaled (sharp's own resize of the file as reference).
    const fit = fitPicture(drawn[1]!, W, H);
    const reference = await sharp(source.paths[2]!).resize(fit.width, fit.height, { fit: 'fill' }).raw().toBuffer();
    let total = 0;
    for (let y = 0; y < fit.height; y++) {
      for (let x = 0; x < fit.width; x++) {
        const got = at(fit.x + x, fit.y + y);
        for (let c = 0; c < 3; c++) total += Math.abs(got[c]! - reference[(y * fit.width + x) * 3 + c]!);
      }
    }
    assert.ok(total / (fit.width * fit.height * 3) < 1, `mean difference ${total / (fit.width * fit.height * 3)}`);
    // ... and not another frame (the blue channel says which).
    assert.ok(Math.abs(at(fit.x + 5, fit.y + 5)[2]! - ((1003 * 37) % 256)) <= 2);

    // 75% bars: 191 or 0 in every channel; the ramp's 11 steps.
    const bars = drawn[2]!;
    for (let i = 0; i < 7; i++) {
      const x = bars.x + Math.round(((i + 0.5) * bars.width) / 7);
      assert.deepEqual(at(x, bars.y + 5), BAR_PATTERN[i]!.map((on) => on * 191), `bar ${i}`);
    }
    const ramp = drawn[3]!;
    for (let i = 0; i < 11; i++) {
      const x = ramp.x + Math.round(((i + 0.5) * ramp.width) / 11);
      assert.deepEqual(at(x, ramp.y + 3), [0, 1, 2].map(() => Math.round((i / 10) * 255)), `step ${i}`);
    }
  });

  it('renders the built-in templates and refuses what is missing', async () => {
    const probe = await probeSequence(source, { date: new Date(2026, 0, 2) });
    for (const name of ['classic', 'minimal'] as const) {
      const template = await loadBuiltinTemplate(name);
      await assert.rejects(renderSlate({ template, source, probe, set: { shot: 'x' } }), { code: 'SLATE_MISSING_FIELD', message: /show/ });
      const slate = await renderSlate({ template, source, probe, set: { show: 'SHOW', shot: 'SH010', notes: 'two\nlines' }, format: 'jpeg', width: 1280, height: 720 });
      assert.equal(slate.fields.date, '2026-01-02');
      assert.equal(slate.fields.version, 'v007');
      assert.deepEqual([slate.image.width, slate.image.height], [1280, 720]);
      assert.ok((await encodeImage(slate.image, 'jpeg')).length > 10000);
    }
    const template = await loadBuiltinTemplate('classic');
    await assert.rejects(renderSlate({ template, source, probe, set: { show: 'S', shot: 'x' }, thumbFrames: [999] }), { code: 'SLATE_BAD_ARGUMENT', message: /999 is not in the sequence/ });
    const two = await renderSlate({ template, source, probe, set: { show: 'S', shot: 'x' }, thumbFrames: ['first', 'last'] });
    assert.deepEqual(two.thumbnails, [1001, 1005]);
  });
});

describe('logo', () => {
  it('draws a logo with its alpha, fitted and aligned in its box', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const source = await writeJpegSequence(dir, 'plate', [1, 2], W, H, 'png');
      // A 100x50 logo: left half opaque red, right half transparent.
      const logo = Buffer.alloc(100 * 50 * 4);
      for (let y = 0; y < 50; y++) for (let x = 0; x < 50; x++) logo.set([255, 0, 0, 255], (y * 100 + x) * 4);
      const logoPath = `${dir}/logo.png`;
      await sharp(logo, { raw: { width: 100, height: 50, channels: 4 } }).png().toFile(logoPath);
      const template = parseTemplate('background: "#000000"\nelements:\n  - { type: logo, box: [0.5, 0.5, 0.5, 0.5], align: right }\n', 'logo.yaml');
      const slate = await renderSlate({ template, source, probe: await probeSequence(source), set: { logo: logoPath } });
      const data = toInterleaved(slate.image).pixels.data as Uint8Array;
      const at = (x: number, y: number) => Array.from(data.subarray((y * W + x) * 3, (y * W + x) * 3 + 3));
      // The box is 320x180: the 2:1 logo fits as 320x160, centred vertically.
      const box = pixelBox({ x: 0.5, y: 0.5, w: 0.5, h: 0.5 }, W, H);
      const fit = fitPicture(box, 100, 50, 'right');
      assert.deepEqual([fit.width, fit.height], [320, 160]);
      assert.deepEqual(at(fit.x + 40, fit.y + 80), [255, 0, 0]);
      assert.deepEqual(at(fit.x + 280, fit.y + 80), [0, 0, 0]); // transparent half: the background
      assert.deepEqual(at(fit.x + 40, fit.y - 5), [0, 0, 0]);
    } finally {
      cleanup();
    }
  });
});

describe('slate on an EXR sequence', () => {
  let dir: string;
  let cleanup: () => void;
  let source: SequenceSource;
  before(async () => {
    ({ dir, cleanup } = tempDir());
    source = await writeExrSequence(dir, 'beauty', [1001, 1002, 1003], W, H, [
      { name: 'owner', type: 'string', value: 'Ada Lovelace' },
      { name: 'framesPerSecond', type: 'rational', value: { numerator: 25, denominator: 1 } },
      { name: 'capDate', type: 'string', value: '2026:03:04 10:11:12' },
    ]);
  });
  after(() => cleanup());

  it('fills fields from the EXR attributes', async () => {
    const probe = await probeSequence(source);
    assert.equal(probe.fps, 25);
    assert.equal(probe.fields.artist, 'Ada Lovelace');
    assert.equal(probe.fields['attr:owner'], 'Ada Lovelace');
    assert.equal(probe.fields.capture_date, '2026-03-04 10:11');
    assert.equal(probe.fields.duration, '00:00:00:03');
    assert.equal(probe.fields.fps, '25');
    assert.equal(probe.fields.bit_depth, 'half float');
    assert.equal(probe.fields.format, 'EXR (zip)');
  });

  it('is an EXR of the same size and channels, linear: exact bars, white text at 1.0, the frame as it is', async () => {
    const template = parseTemplate(TEST_TEMPLATE, 'test.yaml');
    const slate = await renderSlate({ template, source, probe: await probeSequence(source), set: { shot: 'SH010' } });
    assert.equal(slate.format, 'exr');
    // Through the file: written and read back.
    assert.equal(slate.compression, 'zip');
    const image = toPlanar(await readImage(await encodeSlate(slate)));
    assert.deepEqual([image.width, image.height], [W, H]);
    assert.deepEqual(image.channels.map((c) => `${c.name}:${c.type}`).sort(), ['A:half', 'B:half', 'G:half', 'R:half', 'Z:float']);
    const plane = (name: string) => {
      const index = image.channels.findIndex((c) => c.name === name);
      const samples = image.pixels.planes[index]!;
      return image.channels[index]!.type === 'half' ? (i: number) => halfToFloat(samples[i]!) : (i: number) => samples[i]!;
    };
    const [r, g, b, a, z] = ['R', 'G', 'B', 'A', 'Z'].map(plane) as [(i: number) => number, (i: number) => number, (i: number) => number, (i: number) => number, (i: number) => number];
    const rgb = (x: number, y: number) => [r(y * W + x), g(y * W + x), b(y * W + x)];
    const drawn = boxes(template);

    // Bars: exactly 0.75 or 0 (linear).
    const bars = drawn[2]!;
    for (let i = 0; i < 7; i++) {
      const x = bars.x + Math.round(((i + 0.5) * bars.width) / 7);
      assert.deepEqual(rgb(x, bars.y + 5), BAR_PATTERN[i]!.map((on) => on * BAR_LEVEL), `bar ${i}`);
    }
    // Ramp: linear 0, 0.1, ..., 1 (as half stores them).
    const ramp = drawn[3]!;
    for (let i = 0; i < 11; i++) {
      const x = ramp.x + Math.round(((i + 0.5) * ramp.width) / 11);
      assert.equal(r(ramp.y * W + W + x), halfToFloat(floatToHalf(i / 10)), `step ${i}`);
    }
    // Background: the display colour decoded to linear; A = 1, Z = 0 everywhere.
    const background = parseHexColor('#20242a')!.map((v) => halfToFloat(floatToHalf(srgbToLinear(v))));
    assert.deepEqual(rgb(W - 2, H - 2), background);
    for (let i = 0; i < W * H; i += 97) assert.ok(a(i) === 1 && z(i) === 0);
    // White text is display white: 1.0 at full coverage, nothing above.
    const text = drawn[0]!;
    let max = 0;
    for (let y = text.y; y < text.y + text.height; y++) for (let x = text.x; x < text.x + text.width; x++) max = Math.max(max, r(y * W + x));
    assert.equal(max, 1);
    // The thumbnail is the middle frame's flat colour, linear as stored.
    const fit = fitPicture(drawn[1]!, W, H);
    const expected = exrFrameColor(1002).map((v) => halfToFloat(floatToHalf(v)));
    const got = rgb(fit.x + Math.round(fit.width / 2), fit.y + Math.round(fit.height / 2));
    got.forEach((v, c) => assert.ok(Math.abs(v - expected[c]!) < 2e-3, `${got} vs ${expected}`));
    // Attributes of the plate carried over.
    assert.ok(image.metadata.exrAttributes?.some((attr) => attr.name === 'owner'));
  });

  it('an EXR slate of an ACEScg sequence holds template colours in ACEScg, white still 1.0', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const acescg = await writeExrSequence(dir, 'cg', [1001, 1002, 1003], W, H, [], 'zip', 'ACEScg');
      const template = parseTemplate(TEST_TEMPLATE, 'test.yaml');
      const slate = await renderSlate({ template, source: acescg, probe: await probeSequence(acescg), set: { shot: 'SH010' } });
      const image = toPlanar(await readImage(await encodeSlate(slate)));
      assert.equal(image.colorSpace, 'ACEScg');
      const planes = ['R', 'G', 'B'].map((name) => image.pixels.planes[image.channels.findIndex((c) => c.name === name)]!);
      const at = (x: number, y: number) => planes.map((p) => halfToFloat(p[y * W + x]!));
      // The background #20242a: sRGB-decoded to linear Rec.709, then into ACEScg's primaries.
      const m = rgbToRgbMatrix('Linear Rec.709 (sRGB)', 'ACEScg');
      const [lr, lg, lb] = parseHexColor('#20242a')!.map(srgbToLinear) as [number, number, number];
      const expected = [0, 1, 2].map((row) => m[row * 3]! * lr + m[row * 3 + 1]! * lg + m[row * 3 + 2]! * lb);
      const got = at(W - 2, H - 2);
      got.forEach((v, c) => assert.ok(Math.abs(v - expected[c]!) < 2e-4, `background ${got} vs ${expected}`));
      assert.notDeepEqual(got.map((v) => v.toFixed(4)), parseHexColor('#20242a')!.map((v) => srgbToLinear(v).toFixed(4)), 'converted, not the Rec.709 values');
      // White text is still display white (1.0 in every channel) at full coverage.
      const text = boxes(template)[0]!;
      let max = 0;
      for (let y = text.y; y < text.y + text.height; y++) for (let x = text.x; x < text.x + text.width; x++) max = Math.max(max, ...at(x, y));
      assert.ok(Math.abs(max - 1) < 1e-3, `white text ${max}`);
    } finally {
      cleanup();
    }
  });

  it('shows the whole display window in a thumbnail of a frame whose data window is smaller', async () => {
    const { dir: windowDir, cleanup: done } = tempDir();
    try {
      // A 200x100 display window with data only in its right half (100..199), value 0.5.
      const size = 100 * 100;
      const image = {
        width: 100,
        height: 100,
        dataWindow: { xMin: 100, yMin: 0, xMax: 199, yMax: 99 },
        displayWindow: { xMin: 0, yMin: 0, xMax: 199, yMax: 99 },
        channels: ['R', 'G', 'B'].map((name) => ({ name, type: 'half' as const })),
        pixels: { layout: 'planar' as const, planes: [0, 1, 2].map(() => floatsToHalves(new Float32Array(size).fill(0.5))) },
        colorSpace: 'Linear Rec.709 (sRGB)',
        alpha: 'premultiplied' as const,
        metadata: { tags: {} },
      };
      const path = `${windowDir}/win.0001.exr`;
      writeFileSync(path, encodeExrImage(image, 'zip'));
      const source: SequenceSource = { paths: [path], frames: [1], name: 'win', pattern: 'win.0001.exr' };
      const template = parseTemplate('background: "#ffffff"\nelements:\n  - { type: thumbnails, box: [0, 0, 1, 1] }\n', 't.yaml');
      const slate = await renderSlate({ template, source, probe: await probeSequence(source) });
      assert.deepEqual([slate.image.width, slate.image.height], [200, 100]);
      assert.deepEqual(slate.image.dataWindow, { xMin: 0, yMin: 0, xMax: 199, yMax: 99 });
      const planar = toPlanar(slate.image);
      const r = planar.pixels.planes[slate.image.channels.findIndex((c) => c.name === 'R')]!;
      assert.equal(halfToFloat(r[50 * 200 + 20]!), 0); // left half: outside the data window, 0
      assert.equal(halfToFloat(r[50 * 200 + 170]!), 0.5); // right half: the pixels
    } finally {
      done();
    }
  });

  it('an 8-bit slate of an EXR sequence shows the thumbnail through the display transform', async () => {
    const template = parseTemplate(TEST_TEMPLATE, 'test.yaml');
    const slate = await renderSlate({ template, source, probe: await probeSequence(source), set: { shot: 'SH010' }, format: 'png', thumbFrames: [1003] });
    // PNG holds 16 bits: a float sequence's slate is 16-bit.
    const data = toInterleaved(slate.image).pixels.data as Uint16Array;
    assert.equal(slate.image.channels[0]!.type, 'uint16');
    const fit = fitPicture(boxes(template)[1]!, W, H);
    const i = ((fit.y + 10) * W + fit.x + 10) * slate.image.channels.length;
    const expected = exrFrameColor(1003).map((v) => linearToSrgb(v) * 65535);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(data[i + c]! - expected[c]!) <= 200, `${Array.from(data.subarray(i, i + 3))} vs ${expected}`);
  });
});
