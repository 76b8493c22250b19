/**
 * Progress events: the one shape every long-running operation reports, whatever runs it (the local
 * job runner, a file operation, a distributed runner later). Consumers (the CLI's progress bar, a
 * server) subscribe with a plain callback.
 */

export interface ProgressEvent {
  /** Items finished so far (done + failed + skipped). */
  completed: number;
  /** Items in all, when known. */
  total: number | undefined;
  /** Bytes processed so far, when the work is measured in bytes. */
  bytes?: number;
  /** The item that just finished, as a label (a path, a frame). */
  item?: string;
  /** How that item ended. */
  outcome?: 'ok' | 'failed' | 'skipped';
}

export type ProgressListener = (event: ProgressEvent) => void;
