/**
 * Progress on stderr for work that runs longer than a second or so: a redrawn bar on a terminal,
 * plain periodic lines when stderr is not a terminal (logs, CI), nothing for quick work. Fed by the
 * core `ProgressEvent`s that runners and file operations emit.
 */
import type { ProgressEvent } from '@vfxkit/core';
import type { CliContext } from './context.js';

export interface ProgressOptions {
  /** What is being counted, for the plain lines ("files", "frames"). */
  unit?: string;
  /** Wait this long before showing anything (ms). */
  delayMs?: number;
  /** Plain-line interval when not a terminal (ms). */
  intervalMs?: number;
  /** Never show (e.g. `--json` with `--quiet`). */
  silent?: boolean;
}

export class ProgressReporter {
  private readonly context: CliContext;
  private readonly label: string;
  private readonly unit: string;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly silent: boolean;
  private readonly startedAt = Date.now();
  private lastDrawAt = 0;
  private drawn = false;
  private last: ProgressEvent = { completed: 0, total: undefined };

  constructor(context: CliContext, label: string, options: ProgressOptions = {}) {
    this.context = context;
    this.label = label;
    this.unit = options.unit ?? 'items';
    this.delayMs = options.delayMs ?? 1000;
    this.intervalMs = options.intervalMs ?? 5000;
    this.silent = options.silent ?? false;
  }

  private get tty(): boolean {
    return this.context.io.stderr.isTTY === true;
  }

  /** A listener to hand to runners and file operations. */
  readonly listener = (event: ProgressEvent): void => this.update(event);

  update(event: ProgressEvent): void {
    this.last = event;
    if (this.silent) return;
    const now = Date.now();
    if (now - this.startedAt < this.delayMs) return;
    const interval = this.tty ? 100 : this.intervalMs;
    if (this.drawn && now - this.lastDrawAt < interval) return;
    this.lastDrawAt = now;
    this.drawn = true;
    if (this.tty) this.context.io.stderr.write(`\r${this.barLine(now)}\u001b[K`);
    else this.context.io.stderr.write(`vfx: ${this.label}: ${this.countText()}\n`);
  }

  /** Clears the bar (terminal) or prints a last line if any line was printed (plain). */
  done(): void {
    if (this.silent || !this.drawn) return;
    if (this.tty) this.context.io.stderr.write('\r\u001b[K');
    else this.context.io.stderr.write(`vfx: ${this.label}: ${this.countText()} done\n`);
  }

  private countText(): string {
    const { completed, total } = this.last;
    if (total === undefined || total === 0) return `${completed} ${this.unit}`;
    return `${completed}/${total} ${this.unit} (${Math.floor((100 * completed) / total)}%)`;
  }

  private barLine(now: number): string {
    const { completed, total } = this.last;
    const seconds = (now - this.startedAt) / 1000;
    const rate = seconds > 0 ? completed / seconds : 0;
    const columns = this.context.io.stderr.columns ?? 80;
    if (total === undefined || total === 0) {
      return `${this.label} ${completed} ${this.unit} ${rate.toFixed(1)}/s`;
    }
    const fraction = Math.min(1, completed / total);
    const remaining = rate > 0 ? (total - completed) / rate : 0;
    const tail = ` ${Math.floor(fraction * 100)}% ${completed}/${total} ${rate.toFixed(1)}/s ETA ${formatDuration(remaining)}`;
    const width = Math.max(10, Math.min(40, columns - this.label.length - tail.length - 4));
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    return `${this.label} ${this.context.paint('cyan', bar)}${tail}`;
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(rest)}` : `${two(m)}:${two(rest)}`;
}
