/**
 * What `vfx seq check` looks for in a sequence: missing frames, zero-byte frames, and frames whose
 * size is far from their neighbours' (a render killed mid-write, a frame copied from elsewhere).
 */
import type { ListedSequence } from './listing.js';

export interface SequenceProblems {
  missing: number[];
  zeroByte: number[];
  /** Frames more than `sizeRatio` times smaller or larger than the median of their neighbours. */
  suspectSize: number[];
}

/** How many neighbours on each side a frame's size is compared with. */
const NEIGHBOURS = 4;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * @param sizeRatio a frame is suspect when its size is below median / ratio or above median * ratio
 *   (default 2: half or double its neighbours'). Needs at least 3 non-empty frames.
 */
export function findProblems(sequence: ListedSequence, sizeRatio = 2): SequenceProblems {
  const zeroByte: number[] = [];
  const suspectSize: number[] = [];
  const nonEmpty: { frame: number; size: number }[] = [];
  sequence.frames.forEach((frame, i) => {
    const size = sequence.sizes[i]!;
    if (size === 0) zeroByte.push(frame);
    else nonEmpty.push({ frame, size });
  });
  if (nonEmpty.length >= 3) {
    for (let i = 0; i < nonEmpty.length; i++) {
      const neighbours: number[] = [];
      for (let j = Math.max(0, i - NEIGHBOURS); j <= Math.min(nonEmpty.length - 1, i + NEIGHBOURS); j++) {
        if (j !== i) neighbours.push(nonEmpty[j]!.size);
      }
      const typical = median(neighbours);
      const size = nonEmpty[i]!.size;
      if (size * sizeRatio < typical || size > typical * sizeRatio) suspectSize.push(nonEmpty[i]!.frame);
    }
  }
  return { missing: sequence.missing, zeroByte, suspectSize };
}

export function hasProblems(problems: SequenceProblems): boolean {
  return problems.missing.length + problems.zeroByte.length + problems.suspectSize.length > 0;
}
