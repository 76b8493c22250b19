/**
 * `vfx part filter`: culling particles by expressions on their attributes and keeping a subset of
 * attributes. An expression is `NAME OP VALUE`: NAME an attribute (`id`, `pscale`), or one
 * component of a wider one (`P.y`, `P[1]`, `Cd.r`, `v.z`); OP one of = == != < <= > >=; VALUE a
 * number, or for indexed-string attributes a string (quotes optional). Several expressions must all
 * hold.
 */
import { ErrorCode, VfxError } from '@vfxkit/core';
import { createParticleSet, type AttributeData, type ParticleAttribute, type ParticleSet } from '@vfxkit/particles';

type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface Condition {
  text: string;
  name: string;
  component: number | undefined;
  operator: Operator;
  value: string;
}

const componentNames: Record<string, number> = { x: 0, y: 1, z: 2, w: 3, r: 0, g: 1, b: 2, a: 3, u: 0, v: 1 };

/** Parses one `--where` expression (usage error on bad syntax). */
export function parseCondition(text: string): Condition {
  const match = /^\s*([A-Za-z_][\w:]*)(?:\.([xyzwrgbauv])|\[(\d+)\])?\s*(==|=|!=|<=|>=|<|>)\s*(.+?)\s*$/.exec(text);
  if (!match) {
    throw new VfxError(ErrorCode.BAD_USAGE, `cannot read the condition '${text}': expected NAME OP VALUE, e.g. 'id<1000', 'P.y>=0', 'name=debris'`);
  }
  const [, name, componentName, componentIndex, rawOperator, rawValue] = match;
  const component = componentName !== undefined ? componentNames[componentName] : componentIndex !== undefined ? Number(componentIndex) : undefined;
  const operator = (rawOperator === '==' ? '=' : rawOperator) as Operator;
  const value = rawValue!.replace(/^(['"])(.*)\1$/, '$2');
  return { text, name: name!, component, operator, value };
}

function compare(left: number | string, operator: Operator, right: number | string): boolean {
  switch (operator) {
    case '=':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
  }
}

/** A test of one particle index, for one condition on one set. */
function compileCondition(set: ParticleSet, condition: Condition): (index: number) => boolean {
  const attribute = set.attributes.find((a) => a.name === condition.name);
  if (!attribute) {
    throw new VfxError(
      ErrorCode.BAD_USAGE,
      `'${condition.text}': no attribute '${condition.name}' (the file has ${set.attributes.map((a) => a.name).join(', ') || 'none'})`,
    );
  }
  const { width, data } = attribute;
  if (condition.component === undefined && width > 1) {
    throw new VfxError(ErrorCode.BAD_USAGE, `'${condition.text}': '${condition.name}' has ${width} components: name one, e.g. ${condition.name}.x or ${condition.name}[0]`);
  }
  const component = condition.component ?? 0;
  if (component >= width) {
    throw new VfxError(ErrorCode.BAD_USAGE, `'${condition.text}': '${condition.name}' has only ${width} component${width === 1 ? '' : 's'}`);
  }
  if (attribute.type === 'indexedString') {
    const strings = attribute.strings ?? [];
    return (index) => {
      const entry = data[index * width + component]!;
      return compare(entry >= 0 ? (strings[entry] ?? '') : '', condition.operator, condition.value);
    };
  }
  const number = Number(condition.value);
  if (!Number.isFinite(number)) {
    throw new VfxError(ErrorCode.BAD_USAGE, `'${condition.text}': '${condition.value}' is not a number`);
  }
  return (index) => compare(data[index * width + component]!, condition.operator, number);
}

function pick(attribute: ParticleAttribute, kept: Int32Array): ParticleAttribute {
  const { width, data } = attribute;
  const out: AttributeData =
    data instanceof Float32Array ? new Float32Array(kept.length * width) : data instanceof Float64Array ? new Float64Array(kept.length * width) : new Int32Array(kept.length * width);
  for (let i = 0; i < kept.length; i++) {
    const from = kept[i]! * width;
    for (let c = 0; c < width; c++) out[i * width + c] = data[from + c]!;
  }
  return { ...attribute, data: out };
}

/** The particles for which every condition holds, with only the `keep` attributes (all when undefined). */
export function filterParticles(set: ParticleSet, conditions: readonly Condition[], keep?: readonly string[]): ParticleSet {
  if (keep) {
    const missing = keep.filter((name) => !set.attributes.some((a) => a.name === name));
    if (missing.length > 0) {
      throw new VfxError(ErrorCode.BAD_USAGE, `--keep names attributes the file does not have: ${missing.join(', ')}`);
    }
  }
  const tests = conditions.map((condition) => compileCondition(set, condition));
  const kept: number[] = [];
  for (let index = 0; index < set.count; index++) {
    if (tests.every((test) => test(index))) kept.push(index);
  }
  const indices = Int32Array.from(kept);
  const attributes = set.attributes.filter((a) => !keep || keep.includes(a.name)).map((a) => pick(a, indices));
  const result = createParticleSet(indices.length, attributes, set.fixed);
  return { ...result, ...(set.format !== undefined ? { format: set.format } : {}), extras: set.extras, notes: set.notes };
}
