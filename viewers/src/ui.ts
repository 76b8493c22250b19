/**
 * Tiny DOM helpers for the side panel: labelled rows of selects, sliders, checkboxes and buttons.
 * No framework: each control calls back with its new value.
 */

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function section(panel: HTMLElement, title: string): HTMLElement {
  const box = element('section', 'panel-section');
  box.append(element('h3', undefined, title));
  panel.append(box);
  return box;
}

function row(parent: HTMLElement, label: string): HTMLElement {
  const line = element('label', 'row');
  line.append(element('span', 'row-label', label));
  parent.append(line);
  return line;
}

export function select(parent: HTMLElement, label: string, options: readonly (string | [string, string])[], value: string, onChange: (value: string) => void): HTMLSelectElement {
  const line = row(parent, label);
  const input = element('select');
  for (const option of options) {
    const [val, text] = typeof option === 'string' ? [option, option] : option;
    const item = element('option', undefined, text);
    item.value = val;
    input.append(item);
  }
  input.value = value;
  input.addEventListener('change', () => onChange(input.value));
  line.append(input);
  return input;
}

export interface Slider {
  input: HTMLInputElement;
  set(value: number): void;
}

export function slider(
  parent: HTMLElement,
  label: string,
  range: { min: number; max: number; step: number },
  value: number,
  onChange: (value: number) => void,
  format: (value: number) => string = (v) => v.toFixed(2),
): Slider {
  const line = row(parent, label);
  const input = element('input');
  input.type = 'range';
  input.min = String(range.min);
  input.max = String(range.max);
  input.step = String(range.step);
  input.value = String(value);
  const shown = element('span', 'row-value', format(value));
  input.addEventListener('input', () => {
    const v = Number(input.value);
    shown.textContent = format(v);
    onChange(v);
  });
  line.append(input, shown);
  return {
    input,
    set(v: number) {
      input.value = String(v);
      shown.textContent = format(v);
    },
  };
}

export function checkbox(parent: HTMLElement, label: string, value: boolean, onChange: (value: boolean) => void): HTMLInputElement {
  const line = row(parent, label);
  const input = element('input');
  input.type = 'checkbox';
  input.checked = value;
  input.addEventListener('change', () => onChange(input.checked));
  line.append(input);
  return input;
}

export function button(parent: HTMLElement, text: string, onClick: () => void, title?: string): HTMLButtonElement {
  const node = element('button', undefined, text);
  if (title !== undefined) node.title = title;
  node.addEventListener('click', onClick);
  parent.append(node);
  return node;
}

/** Key/value lines (the info panel). */
export function facts(parent: HTMLElement, values: Record<string, unknown>): void {
  const list = element('dl', 'facts');
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    list.append(element('dt', undefined, key), element('dd', undefined, formatValue(value)));
  }
  parent.append(list);
}

export function formatValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? (Math.abs(value) >= 100000 ? value.toLocaleString('en-US') : String(value)) : String(+value.toPrecision(6));
  if (Array.isArray(value)) {
    const parts = value.map(formatValue);
    const short = parts.every((p) => p.length <= 24 && !p.includes('\n')) && parts.join(', ').length <= 80;
    return parts.join(short ? ', ' : '\n');
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${formatValue(v)}`)
      .join('\n');
  }
  return String(value);
}

/** A number shown compactly in the probe and legends. */
export function shortNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(3);
  return String(+value.toPrecision(5));
}
