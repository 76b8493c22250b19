/**
 * ASCII JSON for Houdini's `.geo` (Houdini 12+): `JSON.parse` reads it; the writer below prints
 * the same value tree the binary writer takes, typed arrays as plain number lists (float32 values
 * with the shortest text that reads back to the same float).
 */
import { partError, PartErrorCode } from '../errors.js';
import { formatFloat32, formatFloat64 } from '../io/text.js';
import { BoolArray, UniformArray } from './bjson.js';
import type { JsonValue } from './bjson.js';

/** Whether `head` starts (after white space) like a JSON document. */
export function looksLikeJson(head: Uint8Array): boolean {
  for (let i = 0; i < head.length; i++) {
    const c = head[i]!;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x5b || c === 0x7b;
  }
  return false;
}

export function parseJsonText(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const truncated = /end of (JSON )?input|Unterminated/i.test(message);
    throw partError(truncated ? PartErrorCode.PART_TRUNCATED : PartErrorCode.PART_CORRUPT, `JSON geometry does not parse: ${message}`, { cause: error });
  }
}

function numbers(values: ArrayLike<number | bigint>, float32: boolean): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // JSON has no NaN or infinity: they are written as null (read back as NaN).
    parts[i] = typeof v === 'bigint' ? v.toString() : !Number.isFinite(v) ? 'null' : float32 ? formatFloat32(v) : formatFloat64(v);
  }
  return `[${parts.join(',')}]`;
}

function write(value: JsonValue, indent: string, parts: string[]): void {
  if (value === null || typeof value === 'boolean') {
    parts.push(String(value));
  } else if (typeof value === 'number') {
    parts.push(Number.isFinite(value) ? formatFloat64(value) : 'null');
  } else if (typeof value === 'string') {
    parts.push(JSON.stringify(value));
  } else if (value instanceof BoolArray) {
    parts.push(`[${value.values.join(',')}]`);
  } else if (value instanceof UniformArray) {
    const typed = value.typed();
    parts.push(numbers(typed as ArrayLike<number | bigint>, typed instanceof Float32Array));
  } else if (ArrayBuffer.isView(value)) {
    parts.push(numbers(value as ArrayLike<number | bigint>, value instanceof Float32Array));
  } else if (Array.isArray(value)) {
    const inner = `${indent}\t`;
    const simple = value.every((v) => v === null || typeof v !== 'object');
    if (simple) {
      parts.push('[');
      value.forEach((v, i) => {
        if (i > 0) parts.push(',');
        write(v, inner, parts);
      });
      parts.push(']');
      return;
    }
    parts.push('[\n');
    value.forEach((v, i) => {
      parts.push(inner);
      write(v, inner, parts);
      parts.push(i < value.length - 1 ? ',\n' : '\n');
    });
    parts.push(`${indent}]`);
  } else {
    const entries = Object.entries(value);
    parts.push('{');
    entries.forEach(([k, v], i) => {
      if (i > 0) parts.push(',');
      parts.push(JSON.stringify(k), ':');
      write(v, indent, parts);
    });
    parts.push('}');
  }
}

/** Prints `value` as JSON text, one top-level entry per line. */
export function writeJsonText(value: JsonValue): string {
  const parts: string[] = [];
  write(value, '', parts);
  parts.push('\n');
  return parts.join('');
}
