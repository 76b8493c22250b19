import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPlaceholders, checkRequired, expandText, parseSetArgument, parseTemplate, placeholders, templateFields, versionFromName } from '@vfxkit/slate';
import { BUILTIN_TEMPLATES, loadBuiltinTemplate } from '@vfxkit/slate/node';

describe('templates', () => {
  it('ships two built-in templates that validate', async () => {
    for (const name of BUILTIN_TEMPLATES) {
      const template = await loadBuiltinTemplate(name);
      assert.equal(template.name, name);
      assert.deepEqual(template.required, ['show', 'shot', 'version']);
      assert.ok(template.elements.length >= 8);
      // Every placeholder names a known field.
      checkPlaceholders(templateFields(template), {});
    }
    const classic = await loadBuiltinTemplate('classic');
    assert.ok(classic.elements.some((e) => e.type === 'bars') && classic.elements.some((e) => e.type === 'thumbnails'));
    assert.equal(classic.burnin.text['bottom-right'], '{timecode}');
  });

  it('reads JSON as well as YAML, with defaults', () => {
    const template = parseTemplate(JSON.stringify({ name: 'j', background: [0.1, 0.2, 0.3], elements: [{ type: 'text', box: [0, 0, 1, 0.1], text: '{shot}' }] }), 't.json');
    assert.deepEqual(template.background, [0.1, 0.2, 0.3]);
    const text = template.elements[0]!;
    assert.equal(text.type, 'text');
    assert.equal(text.type === 'text' && text.weight, 'regular');
    assert.equal(template.burnin.text['bottom-left'], '{frame}');
  });

  it('points at the line of every mistake', () => {
    const cases: [string, RegExp][] = [
      ['name: x\nelements:\n  - type: text\n    box: [0, 0, 1, 0.1]\n    text: hi\n    size: big\n', /^line 6: elements\[0\]\.size: expected a number above 0 and at most 1, found 'big'/],
      ['name: x\nelements:\n  - type: circle\n', /^line 3: elements\[0\]\.type: expected one of rect, text/],
      ['name: x\nbackground: "#12345"\n', /^line 2: background: expected a colour/],
      ['name: x\nelements:\n  - type: rect\n    box: [0, 0, 1]\n    color: "#fff"\n', /^line 4: elements\[0\]\.box: expected a box \[x, y, w, h\]/],
      ['name: x\nelements:\n  - type: rect\n    box: [0, 0, 1, 1]\n    colour: "#fff"\n', /^line 5: elements\[0\]\.colour: unknown key/],
      ['name: x\nelements:\n  - type: rect\n    box: [0, 0, 1, 1]\n', /^line 3: elements\[0\]: a rect element needs 'color'/],
      ['name: [unclosed\n', /^line \d+: not valid YAML or JSON/],
      ['{"name": "x", "elements": [ {"type": "bars"} ]}', /^line 1: elements\[0\]: a bars element needs 'box'/],
      ['burnin:\n  top-middle: x\n', /^line 2: burnin\.top-middle: unknown key/],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseTemplate(text, 'bad.yaml'),
        (error: Error & { code?: string; file?: string }) => error.code === 'SLATE_TEMPLATE' && error.file === 'bad.yaml' && message.test(error.message),
        text,
      );
    }
  });
});

describe('fields', () => {
  it('expands placeholders and literal braces', () => {
    assert.deepEqual(placeholders('{shot} v{version} {attr:owner} {{x}} {shot}'), ['shot', 'version', 'attr:owner']);
    assert.equal(expandText('{shot} {{literal}} {missing}|', { shot: 'sh010' }), 'sh010 {literal} |');
  });

  it('refuses missing required fields and unknown placeholders, naming them', () => {
    assert.throws(() => checkRequired(['show', 'shot', 'version'], { shot: 'sh010', version: ' ' }), {
      code: 'SLATE_MISSING_FIELD',
      message: /needs the fields show, version, .*--set show=\.\.\. --set version=\.\.\./,
    });
    assert.throws(() => checkPlaceholders(['shot', 'shoot'], {}), { code: 'SLATE_BAD_FIELD', message: /\{shoot\}/ });
    checkPlaceholders(['shot', 'attr:owner', 'custom'], { custom: 'x' });
  });

  it('parses --set and finds versions in names', () => {
    assert.deepEqual(parseSetArgument('notes=line one\\nline two'), ['notes', 'line one\nline two']);
    assert.deepEqual(parseSetArgument('shot=a=b'), ['shot', 'a=b']);
    assert.throws(() => parseSetArgument('=x'), { code: 'SLATE_BAD_FIELD' });
    assert.throws(() => parseSetArgument('novalue'), { code: 'SLATE_BAD_FIELD' });
    assert.equal(versionFromName('comp_v002'), 'v002');
    assert.equal(versionFromName('sh010.v12.plate'), 'v12');
    assert.equal(versionFromName('shot010_plate'), undefined);
    assert.equal(versionFromName('overview'), undefined);
  });
});
