/**
 * The template model of slates and burn-ins, and its reader: YAML or JSON text (JSON is YAML, so
 * one parser gives line numbers for both) into a validated `SlateTemplate`. Every position and size
 * is relative to the frame, so one template serves HD, UHD and 2K DCI:
 * - boxes are `[x, y, w, h]` in fractions of the frame's width (x, w) and height (y, h);
 * - text sizes are fractions of the frame's height (0.03 of 1080 is a 32 px em).
 * Colours are display sRGB (see color.ts). Errors are SLATE_TEMPLATE VfxErrors naming the file and
 * the line (`line 12: elements[3].size: expected a number above 0, found 'big'`).
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';
import { parseHexColor, type Rgb } from './color.js';
import { SlateErrorCode, slateError } from './errors.js';
import { placeholders } from './fields.js';

export type FontWeight = 'light' | 'regular' | 'medium' | 'semibold' | 'bold';
export const FONT_WEIGHTS: readonly FontWeight[] = ['light', 'regular', 'medium', 'semibold', 'bold'];
export type Align = 'left' | 'center' | 'right';
export type VAlign = 'top' | 'middle' | 'bottom';

/** A box in fractions of the frame: x and w of the width, y and h of the height. */
export interface RelativeBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface ElementBase {
  /** Draw only when this field has a value (`if: notes`). */
  if?: string;
  /** The template line the element starts on (for messages). */
  line?: number;
}

export interface RectElement extends ElementBase {
  type: 'rect';
  box: RelativeBox;
  color: Rgb;
  opacity: number;
}

export interface TextStyle {
  /** Em size as a fraction of the frame's height. */
  size: number;
  weight: FontWeight;
  color: Rgb;
  opacity: number;
  /** Extra space between letters, as a fraction of the em (0.1 for spaced capitals). */
  tracking: number;
}

export interface TextElement extends ElementBase, TextStyle {
  type: 'text';
  box: RelativeBox;
  /** Text with `{field}` placeholders. */
  text: string;
  align: Align;
  valign: VAlign;
  /** Wrap lines at the box's width (otherwise a line too wide is scaled down to fit). */
  wrap: boolean;
}

export interface TableRow {
  label: string;
  value: string;
}

export interface TableElement extends ElementBase {
  type: 'table';
  box: RelativeBox;
  rows: TableRow[];
  label: TextStyle;
  value: TextStyle;
  /** The label column's width, a fraction of the box's width. */
  labelWidth: number;
  /** Row pitch as a fraction of the frame's height. */
  rowHeight: number;
  /** Leave out rows whose value is empty (default true). */
  skipEmpty: boolean;
}

export interface ThumbnailsElement extends ElementBase {
  type: 'thumbnails';
  box: RelativeBox;
  /** Frames shown (`middle`, `first`, `last` or a frame number); the CLI's --thumb-frame replaces them. */
  frames: ThumbFrame[];
  /** Gap between thumbnails, a fraction of the frame's width. */
  gap: number;
  border?: Rgb;
}

export type ThumbFrame = 'first' | 'middle' | 'last' | number;

export interface BarsElement extends ElementBase {
  type: 'bars';
  box: RelativeBox;
}

export interface RampElement extends ElementBase {
  type: 'ramp';
  box: RelativeBox;
  /** Equal steps from 0 to 1 (default 11); 0 for a continuous ramp. */
  steps: number;
}

export interface GuidesElement extends ElementBase {
  type: 'guides';
  /** Action-safe and title-safe areas, fractions of the frame (SMPTE ST 2046-1: 0.93, 0.90). */
  action: number;
  title: number;
  color: Rgb;
  opacity: number;
  /** Line width as a fraction of the frame's height (at least 1 pixel). */
  width: number;
}

export interface LogoElement extends ElementBase {
  type: 'logo';
  box: RelativeBox;
  align: Align;
  /** The field holding the logo's path (default `logo`). */
  field: string;
}

export type SlateElement = RectElement | TextElement | TableElement | ThumbnailsElement | BarsElement | RampElement | GuidesElement | LogoElement;

export type BurninPosition = 'top-left' | 'top-center' | 'top-right' | 'bottom-left' | 'bottom-center' | 'bottom-right';
export const BURNIN_POSITIONS: readonly BurninPosition[] = ['top-left', 'top-center', 'top-right', 'bottom-left', 'bottom-center', 'bottom-right'];

export interface BurninTemplate {
  /** Text per position, with placeholders (`{frame}` changes per frame). */
  text: Partial<Record<BurninPosition, string>>;
  style: TextStyle;
  /** Distance from the frame's edges, a fraction of its height. */
  margin: number;
  /** Opacity of a dark box behind each text (0 for none). */
  backing: number;
  /** Mask the frame to this aspect ratio (2.39 for scope), undefined for none. */
  letterbox?: number;
  letterboxOpacity: number;
}

export interface SlateTemplate {
  name: string;
  description: string;
  background: Rgb;
  /** Fields that must have a value; a missing one is SLATE_MISSING_FIELD. */
  required: string[];
  elements: SlateElement[];
  burnin: BurninTemplate;
  /** Where it was read from. */
  file?: string;
}

/** The burn-in used when a template has no `burnin` section. */
export const DEFAULT_BURNIN: BurninTemplate = {
  text: { 'top-left': '{name}', 'top-right': '{date}', 'bottom-left': '{frame}', 'bottom-right': '{timecode}' },
  style: { size: 0.024, weight: 'medium', color: [1, 1, 1], opacity: 1, tracking: 0 },
  margin: 0.025,
  backing: 0.45,
  letterboxOpacity: 1,
};

// ---- reading --------------------------------------------------------------------------------

/** Walks the parsed document with positions, so every complaint names its line. */
class Reader {
  constructor(
    private readonly lines: LineCounter,
    private readonly file: string | undefined,
  ) {}

  lineOf(node: YamlNode | null | undefined): number | undefined {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : this.lines.linePos(offset).line;
  }

  fail(node: YamlNode | null | undefined, path: string, message: string): never {
    const line = this.lineOf(node);
    throw slateError(SlateErrorCode.SLATE_TEMPLATE, `${line !== undefined ? `line ${line}: ` : ''}${path}: ${message}`, this.file !== undefined ? { file: this.file } : {});
  }

  map(node: unknown, path: string): YAMLMap {
    if (!isMap(node)) this.fail(node as YamlNode, path, `expected a mapping (key: value lines), found ${describe(node)}`);
    return node;
  }

  /** The keys of a mapping, refusing unknown ones (a typo is an error, not a silent default). */
  keys(node: YAMLMap, path: string, allowed: readonly string[]): Map<string, YamlNode | null> {
    const out = new Map<string, YamlNode | null>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) this.fail(pair.key as YamlNode, path, 'keys must be plain names');
      if (!allowed.includes(key)) this.fail(pair.key as YamlNode, `${path}.${key}`, `unknown key: expected one of ${allowed.join(', ')}`);
      out.set(key, (pair.value ?? null) as YamlNode | null);
    }
    return out;
  }

  string(node: YamlNode | null | undefined, path: string): string {
    if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) this.fail(node, path, `expected text, found ${describe(node)}`);
    return String(node.value);
  }

  number(node: YamlNode | null | undefined, path: string, min: number, max: number, exclusiveMin = false): number {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || (exclusiveMin ? value <= min : value < min) || value > max) {
      this.fail(node, path, `expected a number ${exclusiveMin ? 'above' : 'from'} ${min}${exclusiveMin ? ' and at most' : ' to'} ${max}, found ${describe(node)}`);
    }
    return value;
  }

  boolean(node: YamlNode | null | undefined, path: string): boolean {
    if (!isScalar(node) || typeof node.value !== 'boolean') this.fail(node, path, `expected true or false, found ${describe(node)}`);
    return node.value;
  }

  choice<T extends string>(node: YamlNode | null | undefined, path: string, choices: readonly T[]): T {
    const value = this.string(node, path);
    if (!(choices as readonly string[]).includes(value)) this.fail(node, path, `expected one of ${choices.join(', ')}, found '${value}'`);
    return value as T;
  }

  color(node: YamlNode | null | undefined, path: string): Rgb {
    if (isSeq(node)) {
      if (node.items.length !== 3) this.fail(node, path, `a colour list has 3 numbers (r, g, b from 0 to 1), found ${node.items.length}`);
      return node.items.map((item, i) => this.number(item as YamlNode, `${path}[${i}]`, 0, 1)) as unknown as Rgb;
    }
    const text = isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
    const rgb = text !== undefined ? parseHexColor(text) : undefined;
    if (rgb === undefined) this.fail(node, path, `expected a colour ('#rrggbb', '#rgb' or [r, g, b] from 0 to 1), found ${describe(node)}`);
    return rgb;
  }

  box(node: YamlNode | null | undefined, path: string): RelativeBox {
    if (!isSeq(node) || node.items.length !== 4) this.fail(node, path, `expected a box [x, y, w, h] in fractions of the frame, found ${describe(node)}`);
    const [x, y, w, h] = node.items.map((item, i) => this.number(item as YamlNode, `${path}[${i}]`, -1, 2)) as [number, number, number, number];
    if (w <= 0 || h <= 0) this.fail(node, path, `the box's width and height must be above 0, found ${w} x ${h}`);
    return { x, y, w, h };
  }

  seq(node: YamlNode | null | undefined, path: string): YamlNode[] {
    if (!isSeq(node)) this.fail(node, path, `expected a list, found ${describe(node)}`);
    return node.items as YamlNode[];
  }
}

function describe(node: unknown): string {
  if (node === null || node === undefined) return 'nothing';
  if (isScalar(node)) return node.value === null ? 'nothing' : typeof node.value === 'string' ? `'${node.value}'` : String(node.value);
  if (isSeq(node)) return 'a list';
  if (isMap(node)) return 'a mapping';
  return 'something else';
}

const STYLE_KEYS = ['size', 'weight', 'color', 'opacity', 'tracking'] as const;

function readStyle(reader: Reader, keys: Map<string, YamlNode | null>, path: string, defaults: TextStyle): TextStyle {
  const get = (key: string) => keys.get(key);
  return {
    size: get('size') !== undefined ? reader.number(get('size'), `${path}.size`, 0, 1, true) : defaults.size,
    weight: get('weight') !== undefined ? reader.choice(get('weight'), `${path}.weight`, FONT_WEIGHTS) : defaults.weight,
    color: get('color') !== undefined ? reader.color(get('color'), `${path}.color`) : defaults.color,
    opacity: get('opacity') !== undefined ? reader.number(get('opacity'), `${path}.opacity`, 0, 1) : defaults.opacity,
    tracking: get('tracking') !== undefined ? reader.number(get('tracking'), `${path}.tracking`, -0.5, 2) : defaults.tracking,
  };
}

function readStyleMap(reader: Reader, node: YamlNode | null | undefined, path: string, defaults: TextStyle): TextStyle {
  if (node === undefined) return defaults;
  return readStyle(reader, reader.keys(reader.map(node, path), path, STYLE_KEYS), path, defaults);
}

const WHITE: Rgb = [1, 1, 1];
const baseStyle = (size: number): TextStyle => ({ size, weight: 'regular', color: WHITE, opacity: 1, tracking: 0 });

function readThumbFrame(reader: Reader, node: YamlNode, path: string): ThumbFrame {
  if (isScalar(node) && typeof node.value === 'number') {
    if (!Number.isInteger(node.value)) reader.fail(node, path, `expected a whole frame number, found ${node.value}`);
    return node.value;
  }
  return reader.choice(node, path, ['first', 'middle', 'last'] as const);
}

function readElement(reader: Reader, node: YamlNode, path: string): SlateElement {
  const map = reader.map(node, path);
  const typeNode = map.items.find((p) => isScalar(p.key) && p.key.value === 'type')?.value as YamlNode | undefined;
  const types = ['rect', 'text', 'table', 'thumbnails', 'bars', 'ramp', 'guides', 'logo'] as const;
  if (typeNode === undefined) reader.fail(node, path, `an element needs a type: ${types.join(', ')}`);
  const type = reader.choice(typeNode, `${path}.type`, types);
  const common = ['type', 'if'];
  const line = reader.lineOf(node);
  const allowed: Record<(typeof types)[number], readonly string[]> = {
    rect: ['box', 'color', 'opacity'],
    text: ['box', 'text', 'align', 'valign', 'wrap', ...STYLE_KEYS],
    table: ['box', 'rows', 'label', 'value', 'label_width', 'row_height', 'skip_empty'],
    thumbnails: ['box', 'frames', 'gap', 'border'],
    bars: ['box'],
    ramp: ['box', 'steps'],
    guides: ['action', 'title', 'color', 'opacity', 'width'],
    logo: ['box', 'align', 'field'],
  };
  const keys = reader.keys(map, path, [...common, ...allowed[type]]);
  const need = (key: string) => {
    const value = keys.get(key);
    if (value === undefined) reader.fail(node, path, `a ${type} element needs '${key}'`);
    return value;
  };
  const base: ElementBase = {
    ...(keys.has('if') ? { if: reader.string(keys.get('if'), `${path}.if`) } : {}),
    ...(line !== undefined ? { line } : {}),
  };
  switch (type) {
    case 'rect':
      return {
        ...base,
        type,
        box: reader.box(need('box'), `${path}.box`),
        color: reader.color(need('color'), `${path}.color`),
        opacity: keys.has('opacity') ? reader.number(keys.get('opacity'), `${path}.opacity`, 0, 1) : 1,
      };
    case 'text':
      return {
        ...base,
        type,
        box: reader.box(need('box'), `${path}.box`),
        text: reader.string(need('text'), `${path}.text`),
        align: keys.has('align') ? reader.choice(keys.get('align'), `${path}.align`, ['left', 'center', 'right'] as const) : 'left',
        valign: keys.has('valign') ? reader.choice(keys.get('valign'), `${path}.valign`, ['top', 'middle', 'bottom'] as const) : 'middle',
        wrap: keys.has('wrap') ? reader.boolean(keys.get('wrap'), `${path}.wrap`) : false,
        ...readStyle(reader, keys, path, baseStyle(0.03)),
      };
    case 'table': {
      const rows = reader.seq(need('rows'), `${path}.rows`).map((row, i): TableRow => {
        const rowPath = `${path}.rows[${i}]`;
        if (isSeq(row)) {
          const items = reader.seq(row, rowPath);
          if (items.length !== 2) reader.fail(row, rowPath, `a row is [label, value], found ${items.length} items`);
          return { label: reader.string(items[0], `${rowPath}[0]`), value: reader.string(items[1], `${rowPath}[1]`) };
        }
        const rowKeys = reader.keys(reader.map(row, rowPath), rowPath, ['label', 'value']);
        return { label: reader.string(rowKeys.get('label'), `${rowPath}.label`), value: reader.string(rowKeys.get('value'), `${rowPath}.value`) };
      });
      return {
        ...base,
        type,
        box: reader.box(need('box'), `${path}.box`),
        rows,
        label: readStyleMap(reader, keys.get('label'), `${path}.label`, { ...baseStyle(0.022), color: [0.55, 0.58, 0.63], weight: 'medium', tracking: 0.08 }),
        value: readStyleMap(reader, keys.get('value'), `${path}.value`, { ...baseStyle(0.026), weight: 'medium' }),
        labelWidth: keys.has('label_width') ? reader.number(keys.get('label_width'), `${path}.label_width`, 0, 1, true) : 0.32,
        rowHeight: keys.has('row_height') ? reader.number(keys.get('row_height'), `${path}.row_height`, 0, 1, true) : 0.045,
        skipEmpty: keys.has('skip_empty') ? reader.boolean(keys.get('skip_empty'), `${path}.skip_empty`) : true,
      };
    }
    case 'thumbnails': {
      const border = keys.has('border') ? reader.color(keys.get('border'), `${path}.border`) : undefined;
      const frames = keys.has('frames') ? reader.seq(keys.get('frames'), `${path}.frames`).map((f, i) => readThumbFrame(reader, f, `${path}.frames[${i}]`)) : ['middle' as const];
      if (frames.length === 0) reader.fail(keys.get('frames'), `${path}.frames`, 'list at least one frame');
      return {
        ...base,
        type,
        box: reader.box(need('box'), `${path}.box`),
        frames,
        gap: keys.has('gap') ? reader.number(keys.get('gap'), `${path}.gap`, 0, 0.5) : 0.01,
        ...(border !== undefined ? { border } : {}),
      };
    }
    case 'bars':
      return { ...base, type, box: reader.box(need('box'), `${path}.box`) };
    case 'ramp': {
      const steps = keys.has('steps') ? reader.number(keys.get('steps'), `${path}.steps`, 0, 256) : 11;
      if (!Number.isInteger(steps) || steps === 1) reader.fail(keys.get('steps'), `${path}.steps`, `expected 0 (continuous) or a whole number of steps from 2 to 256, found ${steps}`);
      return { ...base, type, box: reader.box(need('box'), `${path}.box`), steps };
    }
    case 'guides':
      return {
        ...base,
        type,
        action: keys.has('action') ? reader.number(keys.get('action'), `${path}.action`, 0, 1, true) : 0.93,
        title: keys.has('title') ? reader.number(keys.get('title'), `${path}.title`, 0, 1, true) : 0.9,
        color: keys.has('color') ? reader.color(keys.get('color'), `${path}.color`) : WHITE,
        opacity: keys.has('opacity') ? reader.number(keys.get('opacity'), `${path}.opacity`, 0, 1) : 0.35,
        width: keys.has('width') ? reader.number(keys.get('width'), `${path}.width`, 0, 0.05) : 0.001,
      };
    case 'logo':
      return {
        ...base,
        type,
        box: reader.box(need('box'), `${path}.box`),
        align: keys.has('align') ? reader.choice(keys.get('align'), `${path}.align`, ['left', 'center', 'right'] as const) : 'right',
        field: keys.has('field') ? reader.string(keys.get('field'), `${path}.field`) : 'logo',
      };
  }
}

function readBurnin(reader: Reader, node: YamlNode | null | undefined): BurninTemplate {
  if (node === undefined) return DEFAULT_BURNIN;
  const path = 'burnin';
  const keys = reader.keys(reader.map(node, path), path, [...BURNIN_POSITIONS, ...STYLE_KEYS, 'margin', 'backing', 'letterbox', 'letterbox_opacity']);
  const text: Partial<Record<BurninPosition, string>> = {};
  for (const position of BURNIN_POSITIONS) {
    if (keys.has(position)) text[position] = reader.string(keys.get(position), `${path}.${position}`);
  }
  const letterbox = keys.has('letterbox') ? reader.number(keys.get('letterbox'), `${path}.letterbox`, 0.1, 10) : undefined;
  return {
    text,
    style: readStyle(reader, keys, path, DEFAULT_BURNIN.style),
    margin: keys.has('margin') ? reader.number(keys.get('margin'), `${path}.margin`, 0, 0.4) : DEFAULT_BURNIN.margin,
    backing: keys.has('backing') ? reader.number(keys.get('backing'), `${path}.backing`, 0, 1) : DEFAULT_BURNIN.backing,
    ...(letterbox !== undefined ? { letterbox } : {}),
    letterboxOpacity: keys.has('letterbox_opacity') ? reader.number(keys.get('letterbox_opacity'), `${path}.letterbox_opacity`, 0, 1) : 1,
  };
}

/** Every `{field}` a template's texts name (without the per-frame and `attr:` ones' prefixes). */
export function templateFields(template: SlateTemplate): string[] {
  const names = new Set<string>(template.required);
  const add = (text: string) => placeholders(text).forEach((p) => names.add(p));
  for (const element of template.elements) {
    if (element.if !== undefined) names.add(element.if);
    if (element.type === 'text') add(element.text);
    if (element.type === 'table') element.rows.forEach((row) => (add(row.label), add(row.value)));
    if (element.type === 'logo') names.add(element.field);
  }
  Object.values(template.burnin.text).forEach((text) => add(text));
  return [...names];
}

/**
 * Parses and validates a template (YAML or JSON text). `file` names it in errors.
 *
 * @example
 * const template = parseTemplate(readFileSync('review.yaml', 'utf8'), 'review.yaml');
 */
export function parseTemplate(text: string, file?: string): SlateTemplate {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const reader = new Reader(lines, file);
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const line = lines.linePos(error.pos[0]).line;
    throw slateError(SlateErrorCode.SLATE_TEMPLATE, `line ${line}: not valid YAML or JSON: ${error.message.split('\n')[0]}`, file !== undefined ? { file } : {});
  }
  const root = reader.map(doc.contents, 'template');
  const keys = reader.keys(root, 'template', ['name', 'description', 'background', 'required', 'elements', 'burnin']);
  const elementsNode = keys.get('elements');
  const template: SlateTemplate = {
    name: keys.has('name') ? reader.string(keys.get('name'), 'name') : (file ?? 'template'),
    description: keys.has('description') ? reader.string(keys.get('description'), 'description') : '',
    background: keys.has('background') ? reader.color(keys.get('background'), 'background') : [0, 0, 0],
    required: keys.has('required') ? reader.seq(keys.get('required'), 'required').map((n, i) => reader.string(n, `required[${i}]`)) : [],
    elements: elementsNode !== undefined ? reader.seq(elementsNode, 'elements').map((n, i) => readElement(reader, n, `elements[${i}]`)) : [],
    burnin: readBurnin(reader, keys.get('burnin')),
    ...(file !== undefined ? { file } : {}),
  };
  return template;
}
