/**
 * Time sampling, as `lib/Alembic/AbcCoreAbstract/TimeSampling.cpp` defines it. Archives store a
 * table of them (`ReadTimeSamplesAndMax` in AbcCoreOgawa/ReadUtil.cpp); every scalar and array
 * property names one by index (0 is the default: uniform, 1 unit per sample, starting at 0).
 *
 * - uniform: one stored time t0 and a time per cycle; sample i is at t0 + i * timePerCycle;
 * - cyclic: N stored times within one cycle; sample i is at times[i % N] + timePerCycle * floor(i / N);
 * - acyclic: every sample's time stored; the time per cycle is the sentinel DBL_MAX / 32.
 */

/** Alembic's "acyclic" time per cycle: `std::numeric_limits<double>::max() / 32`. */
export const ACYCLIC_TIME_PER_CYCLE = Number.MAX_VALUE / 32;

/** Times closer than this are equal (`kCHRONO_EPSILON`). */
const EPSILON = 1e-5;

export type TimeSamplingKind = 'uniform' | 'cyclic' | 'acyclic';

/** How to pick a sample for a time that falls between two. */
export type SampleSelect = 'floor' | 'ceil' | 'near';

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= EPSILON;
}

export class TimeSampling {
  readonly kind: TimeSamplingKind;
  /** Seconds per cycle (the sentinel for acyclic). */
  readonly timePerCycle: number;
  /** Stored times: the start for uniform, one cycle for cyclic, every sample for acyclic. */
  readonly storedTimes: readonly number[];
  /** The most samples any property using this sampling has (from the archive's table). */
  readonly maxSamples: number;

  constructor(timePerCycle: number, storedTimes: readonly number[], maxSamples = 0) {
    this.timePerCycle = timePerCycle;
    this.storedTimes = storedTimes;
    this.maxSamples = maxSamples;
    this.kind = timePerCycle === ACYCLIC_TIME_PER_CYCLE ? 'acyclic' : storedTimes.length === 1 ? 'uniform' : 'cyclic';
  }

  /** The default sampling: uniform, start 0, 1 per sample. */
  static identity(): TimeSampling {
    return new TimeSampling(1, [0]);
  }

  /** Samples per second for uniform sampling (1 / timePerCycle). */
  get samplesPerSecond(): number | undefined {
    return this.kind === 'uniform' ? 1 / this.timePerCycle : undefined;
  }

  /** The time of sample `index`. */
  sampleTime(index: number): number {
    const times = this.storedTimes;
    if (this.kind === 'uniform') return times[0]! + this.timePerCycle * index;
    if (this.kind === 'acyclic') {
      if (index < 0 || index >= times.length) return index < 0 ? times[0]! : times[times.length - 1]!;
      return times[index]!;
    }
    const count = times.length;
    return times[index % count]! + this.timePerCycle * Math.floor(index / count);
  }

  /** Index and time of the last sample at or before `time` (`getFloorIndex`). */
  floorIndex(time: number, sampleCount: number): { index: number; time: number } {
    if (sampleCount < 1) return { index: 0, time: 0 };
    const minTime = this.sampleTime(0);
    if (time <= minTime) return { index: 0, time: minTime };
    const maxTime = this.sampleTime(sampleCount - 1);
    if (time >= maxTime) return { index: sampleCount - 1, time: maxTime };
    if (this.kind === 'acyclic') {
      const times = this.storedTimes;
      let low = 0;
      let high = Math.min(times.length, sampleCount) - 1;
      // The last time <= `time`, treating times within epsilon above it as equal.
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (times[middle]! <= time || near(times[middle]!, time)) low = middle;
        else high = middle - 1;
      }
      return { index: low, time: times[low]! };
    }
    if (this.kind === 'uniform') {
      const cycle = this.timePerCycle;
      let index = Math.trunc((time - minTime) / cycle);
      index = Math.max(0, Math.min(sampleCount - 1, index));
      let sampleTime = minTime + cycle * index;
      const nextTime = minTime + cycle * (index + 1);
      if (sampleTime > time && index > 0 && !near(time, sampleTime)) {
        index--;
        sampleTime = minTime + cycle * index;
      } else if (index < sampleCount - 1 && near(time, nextTime)) {
        index++;
        sampleTime = nextTime;
      }
      return { index, time: sampleTime };
    }
    // Cyclic.
    const count = this.storedTimes.length;
    const period = this.timePerCycle;
    const rawCycles = (time - minTime) / period;
    let cycles = Math.trunc(rawCycles);
    if (near(rawCycles - cycles, 1)) cycles += 1;
    const blockTime = cycles * period;
    const remainder = time - blockTime;
    let index = 0;
    while (index < count && this.storedTimes[index]! < remainder) index++;
    if (index === count) index--;
    let sampleTime = blockTime + this.storedTimes[index]!;
    if (!near(time, sampleTime) && index > 0 && time < sampleTime) {
      index--;
      sampleTime = blockTime + this.storedTimes[index]!;
    }
    const result = Math.min(sampleCount - 1, count * cycles + index);
    return { index: result, time: this.sampleTime(result) };
  }

  /** Index and time of the first sample at or after `time` (`getCeilIndex`). */
  ceilIndex(time: number, sampleCount: number): { index: number; time: number } {
    if (sampleCount < 1) return { index: 0, time: 0 };
    const maxIndex = sampleCount - 1;
    const minTime = this.sampleTime(0);
    if (time <= minTime) return { index: 0, time: minTime };
    const maxTime = this.sampleTime(maxIndex);
    if (time >= maxTime) return { index: maxIndex, time: maxTime };
    const floor = this.floorIndex(time, sampleCount);
    if (floor.index === maxIndex || near(time, floor.time)) return floor;
    return { index: floor.index + 1, time: this.sampleTime(floor.index + 1) };
  }

  /** Index and time of the nearest sample, the earlier one on a tie (`getNearIndex`). */
  nearIndex(time: number, sampleCount: number): { index: number; time: number } {
    if (sampleCount < 1) return { index: 0, time: 0 };
    const floor = this.floorIndex(time, sampleCount);
    if (floor.index === sampleCount - 1) return floor;
    const ceilTime = this.sampleTime(floor.index + 1);
    return Math.abs(time - floor.time) <= Math.abs(ceilTime - time) ? floor : { index: floor.index + 1, time: ceilTime };
  }

  /** The sample index for `time`, chosen by `select` (default floor, as ISampleSelector). */
  indexAt(time: number, sampleCount: number, select: SampleSelect = 'floor'): number {
    if (select === 'ceil') return this.ceilIndex(time, sampleCount).index;
    if (select === 'near') return this.nearIndex(time, sampleCount).index;
    return this.floorIndex(time, sampleCount).index;
  }

  /**
   * The two samples around `time` and the blend between them (0 at `floor`, 1 at `ceil`): what a
   * viewer needs to interpolate. When `time` is on a sample, or outside the range, both are the same.
   */
  bracket(time: number, sampleCount: number): { floor: number; ceil: number; alpha: number } {
    if (sampleCount < 1) return { floor: 0, ceil: 0, alpha: 0 };
    const floor = this.floorIndex(time, sampleCount);
    const ceil = this.ceilIndex(time, sampleCount);
    if (ceil.index === floor.index || ceil.time === floor.time) return { floor: floor.index, ceil: floor.index, alpha: 0 };
    const alpha = (time - floor.time) / (ceil.time - floor.time);
    return { floor: floor.index, ceil: ceil.index, alpha: Math.max(0, Math.min(1, alpha)) };
  }

  /** Plain description for JSON output. */
  toJSON(): { kind: TimeSamplingKind; timePerCycle: number | null; storedTimes: number[]; maxSamples: number } {
    return {
      kind: this.kind,
      timePerCycle: this.kind === 'acyclic' ? null : this.timePerCycle,
      storedTimes: [...this.storedTimes],
      maxSamples: this.maxSamples,
    };
  }
}
