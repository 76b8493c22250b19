/**
 * Option parsers shared by every tool: each validates at parse time and throws commander's
 * InvalidArgumentError, which the CLI turns into a usage error (exit 2).
 */
import { InvalidArgumentError, Option } from 'commander';
import { availableParallelism } from 'node:os';

export function parseInteger(value: string): number {
  if (!/^[+-]?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number, got '${value}'`);
  return Number.parseInt(value, 10);
}

export function parsePositiveInteger(value: string): number {
  const n = parseInteger(value);
  if (n < 1) throw new InvalidArgumentError(`expected a whole number of 1 or more, got '${value}'`);
  return n;
}

export function parseNonNegativeInteger(value: string): number {
  const n = parseInteger(value);
  if (n < 0) throw new InvalidArgumentError(`expected a whole number of 0 or more, got '${value}'`);
  return n;
}

/** `-j/--jobs N`: parallel work items, default the number of cores. */
export function jobsOption(): Option {
  return new Option('-j, --jobs <n>', 'how many items to work on at once')
    .argParser(parsePositiveInteger)
    .default(availableParallelism(), 'cores');
}

/** Comma-separated extension list: `.jpg,.exr` or `jpg exr`; lower-cased, with the dot. */
export function parseExtensions(value: string, previous: string[] = []): string[] {
  const parts = value
    .split(/[,\s]+/)
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0)
    .map((s) => (s.startsWith('.') ? s : `.${s}`));
  if (parts.length === 0) throw new InvalidArgumentError(`expected extensions like '.jpg,.exr', got '${value}'`);
  return [...previous, ...parts];
}

/** Repeatable string option collector. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Human-readable byte size, binary units as `ls -lh` prints them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`;
}
