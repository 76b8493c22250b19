/**
 * `--where` clauses: `TAG OP VALUE` with OP one of `=`, `!=`, `<`, `<=`, `>`, `>=`, `~` (substring,
 * or a glob when the value holds `*`, `?` or `[`) and `!~`; a bare `TAG` means "has the tag" and
 * `!TAG` "lacks it". Tag names are ExifTool's (`Make`, `ISO`, `DateTimeOriginal`) or `exr:NAME`,
 * matched without regard to case.
 *
 * How two values compare, in this order:
 * 1. dates, when the value in the file reads as a date (`2024:01:31 10:00:00`, ExifTool's form) and
 *    the clause's value does too (`2024`, `2024-01`, `2024-01-31`, `2024-01-31T10:00`, ...). A
 *    partial date stands for its whole period: `DateTimeOriginal=2024-01` is any time in January,
 *    `<=2024-01-31` includes that whole day, `>2024-01-31` starts on February 1. Time zones are
 *    ignored: dates compare as written (camera clocks rarely record one).
 * 2. numbers, when both read as numbers (`1/200` is read as 0.005).
 * 3. text otherwise, without regard to case.
 * A list value (`Keywords`) matches when any element does (`!=` and `!~`: when none does). A file
 * without the tag never matches, except for `!=`, `!~` and `!TAG`.
 */
import { MetaErrorCode, metaError } from './errors.js';

export type WhereOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~' | 'exists' | 'missing';

export interface WhereClause {
  /** The clause as written. */
  text: string;
  tag: string;
  operator: WhereOperator;
  /** The value as written (empty for exists/missing). */
  value: string;
  /** The value as a number, when it reads as one. */
  number: number | undefined;
  /** The value as a date period, when it reads as one. */
  date: DatePeriod | undefined;
  /** For `~`/`!~`: the matcher. */
  pattern: ((text: string) => boolean) | undefined;
}

/** A period of time as [start, end) in milliseconds of a clock without time zone. */
export interface DatePeriod {
  start: number;
  end: number;
}

const clausePattern = /^\s*([^<>=!~\s][^<>=!~]*?)\s*(>=|<=|!=|!~|=|<|>|~)\s*(.*?)\s*$/s;
const tagNamePattern = /^[\p{L}\p{N}_:.\-#/]+$/u;

/** Parses one `--where` clause. Throws META_BAD_QUERY with the expected form. */
export function parseWhere(text: string): WhereClause {
  const trimmed = text.trim();
  const bare = /^(!?)\s*([^<>=!~\s][^<>=!~]*)$/.exec(trimmed);
  if (bare && tagNamePattern.test(bare[2]!.trim())) {
    return { text, tag: bare[2]!.trim(), operator: bare[1] ? 'missing' : 'exists', value: '', number: undefined, date: undefined, pattern: undefined };
  }
  const match = clausePattern.exec(trimmed);
  if (!match || !tagNamePattern.test(match[1]!) || /^[<>=]/.test(match[3]!)) {
    throw metaError(
      MetaErrorCode.META_BAD_QUERY,
      `expected TAG OP VALUE with OP one of = != < <= > >= ~ !~ (e.g. 'Make=Canon', 'ISO>=800', 'DateTimeOriginal>=2024-01-01'), got '${text}'`,
    );
  }
  const [, tag, operator, value] = match as unknown as [string, string, WhereOperator, string];
  const unquoted = /^(['"])(.*)\1$/s.exec(value)?.[2] ?? value;
  return {
    text,
    tag,
    operator,
    value: unquoted,
    number: parseNumber(unquoted),
    date: parseDatePeriod(unquoted),
    pattern: operator === '~' || operator === '!~' ? textMatcher(unquoted) : undefined,
  };
}

/** A number, or a fraction `a/b`, from text; undefined otherwise. */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const fraction = /^([+-]?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(trimmed);
  if (fraction) {
    const value = Number(fraction[1]) / Number(fraction[2]);
    return Number.isFinite(value) ? value : undefined;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

const datePattern =
  /^(\d{4})(?:[-:](\d{2})(?:[-:](\d{2})(?:[ T](\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * The period a written date stands for: `2024` is the whole year, `2024:01:31 10:00:00` one second
 * (`.5` sub-seconds narrow it). ExifTool's `YYYY:MM:DD HH:MM:SS` and ISO 8601 both read. Undefined
 * for anything else, including ExifTool's empty `0000:00:00 00:00:00`.
 */
export function parseDatePeriod(text: string): DatePeriod | undefined {
  const match = datePattern.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
  const fraction = match[7];
  if (year === undefined || year === 0) return undefined;
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (day !== undefined && (day < 1 || day > 31)) return undefined;
  if ((hour ?? 0) > 24 || (minute ?? 0) > 59 || (second ?? 0) > 60) return undefined;
  const at = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number => {
    const date = new Date(0);
    date.setUTCFullYear(y, mo, d);
    date.setUTCHours(h, mi, s, ms);
    return date.getTime();
  };
  const y = year;
  const mo = (month ?? 1) - 1;
  const d = day ?? 1;
  const h = hour ?? 0;
  const mi = minute ?? 0;
  const s = second ?? 0;
  const start = at(y, mo, d, h, mi, s, 0);
  if (fraction !== undefined) {
    const ms = Number(fraction) * 1000;
    const digits = fraction.length - 1;
    return { start: start + ms, end: start + ms + Math.max(1, 1000 / 10 ** digits) };
  }
  let end: number;
  if (month === undefined) end = at(y + 1, 0, 1, 0, 0, 0, 0);
  else if (day === undefined) end = at(y, mo + 1, 1, 0, 0, 0, 0);
  else if (hour === undefined) end = at(y, mo, d + 1, 0, 0, 0, 0);
  else if (minute === undefined) end = at(y, mo, d, h + 1, 0, 0, 0);
  else if (second === undefined) end = at(y, mo, d, h, mi + 1, 0, 0);
  else end = start + 1000;
  return { start, end };
}

/** Case-insensitive substring, or an anchored glob when the pattern holds `*`, `?` or `[...]`. */
function textMatcher(pattern: string): (text: string) => boolean {
  const lower = pattern.toLowerCase();
  if (!/[*?[]/.test(pattern)) return (text) => text.toLowerCase().includes(lower);
  let source = '';
  for (let i = 0; i < lower.length; i++) {
    const c = lower[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const close = lower.indexOf(']', i + 2);
      if (close === -1) source += '\\[';
      else {
        const body = lower.slice(i + 1, close).replace(/\\/g, '\\\\');
        source += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (text) => regex.test(text.toLowerCase());
}

/** The tag's value: the exact key first, then the same name in any case. */
export function lookupTag(tags: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(tags, name)) return tags[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(tags)) if (key.toLowerCase() === lower) return tags[key];
  return undefined;
}

function valueNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return parseNumber(value);
  return undefined;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function compareScalar(value: unknown, clause: WhereClause, operator: Exclude<WhereOperator, '!=' | '!~' | 'exists' | 'missing'>): boolean {
  if (operator === '~') return clause.pattern!(valueText(value));
  // 1. Dates.
  if (clause.date !== undefined && typeof value === 'string') {
    const period = parseDatePeriod(value);
    if (period !== undefined) {
      const q = clause.date;
      switch (operator) {
        case '=':
          return period.start < q.end && period.end > q.start;
        case '<':
          return period.start < q.start;
        case '<=':
          return period.start < q.end;
        case '>':
          return period.start >= q.end;
        case '>=':
          return period.start >= q.start;
      }
    }
  }
  // 2. Numbers.
  const number = valueNumber(value);
  if (clause.number !== undefined && number !== undefined) {
    switch (operator) {
      case '=':
        return number === clause.number || Math.abs(number - clause.number) <= 1e-9 * Math.max(1, Math.abs(clause.number));
      case '<':
        return number < clause.number;
      case '<=':
        return number <= clause.number;
      case '>':
        return number > clause.number;
      case '>=':
        return number >= clause.number;
    }
  }
  // 3. Text.
  const text = valueText(value).toLowerCase();
  const wanted = clause.value.toLowerCase();
  switch (operator) {
    case '=':
      return text === wanted;
    case '<':
      return text < wanted;
    case '<=':
      return text <= wanted;
    case '>':
      return text > wanted;
    case '>=':
      return text >= wanted;
  }
}

/** True when `tags` satisfies the clause (see the module notes). */
export function matchesWhere(tags: Record<string, unknown>, clause: WhereClause): boolean {
  const value = lookupTag(tags, clause.tag);
  const present = value !== undefined && value !== null;
  if (clause.operator === 'exists') return present;
  if (clause.operator === 'missing') return !present;
  const negated = clause.operator === '!=' || clause.operator === '!~';
  if (!present) return negated;
  const operator = clause.operator === '!=' ? '=' : clause.operator === '!~' ? '~' : clause.operator;
  const values = Array.isArray(value) ? value : [value];
  const any = values.some((v) => compareScalar(v, clause, operator));
  return negated ? !any : any;
}

/** True when `tags` satisfies every clause. */
export function matchesAll(tags: Record<string, unknown>, clauses: readonly WhereClause[]): boolean {
  for (const clause of clauses) if (!matchesWhere(tags, clause)) return false;
  return true;
}
