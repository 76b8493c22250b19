/**
 * Alembic metadata: a small string map serialised as `key=value;key=value` (keys sorted, as the C++
 * library's std::map writes them; empty values are left out). Read with the C++ reader's tolerance
 * (`Util::TokenMap::setUnique` with `quiet = true`): a pair without `=` ends the parse, a repeated
 * key keeps its first value.
 */

export class MetaData {
  private readonly map: Map<string, string>;

  constructor(entries?: Iterable<readonly [string, string]> | Record<string, string>) {
    this.map = new Map();
    if (entries === undefined) return;
    const pairs = Symbol.iterator in Object(entries) ? (entries as Iterable<readonly [string, string]>) : Object.entries(entries);
    for (const [key, value] of pairs) this.map.set(key, value);
  }

  /** Parses `key=value;key=value`. */
  static parse(text: string): MetaData {
    const metadata = new MetaData();
    let start = 0;
    for (;;) {
      const pair = text.indexOf(';', start);
      const assign = text.indexOf('=', start);
      // An '=' after the next ';' (or none before it): the C++ reader stops there.
      if (assign === -1 ? pair !== -1 : pair !== -1 && assign > pair) return metadata;
      if (assign !== -1) {
        const key = text.slice(start, assign);
        const value = pair === -1 ? text.slice(assign + 1) : text.slice(assign + 1, pair);
        if (!metadata.map.has(key)) metadata.map.set(key, value);
      }
      if (pair === -1) return metadata;
      start = pair + 1;
    }
  }

  /** The value of `key`, or "" when absent (as Alembic's MetaData::get). */
  get(key: string): string {
    return this.map.get(key) ?? '';
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  get size(): number {
    return this.map.size;
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  /** A plain object, keys sorted. */
  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of [...this.map.keys()].sort(compareBytes)) out[key] = this.map.get(key)!;
    return out;
  }
  /** `key=value;...` with keys in byte order and empty values left out, as the C++ writer does. */
  serialize(): string {
    const parts: string[] = [];
    for (const key of [...this.map.keys()].sort(compareBytes)) {
      const value = this.map.get(key)!;
      if (value !== '') parts.push(`${key}=${value}`);
    }
    return parts.join(';');
  }
  toString(): string {
    return this.serialize();
  }
}

/** std::string ordering (byte order; for ASCII keys, UTF-16 order is the same). */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The empty metadata (shared, never mutated). */
export const EMPTY_METADATA = new MetaData();
