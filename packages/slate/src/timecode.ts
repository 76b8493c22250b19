/**
 * SMPTE timecode from frame counts (SMPTE ST 12-1). Integer rates count frames directly; 29.97 and
 * 59.94 use drop-frame counting (frame numbers 0 and 1, or 0-3 at 59.94, are skipped at the start of
 * every minute except each tenth), written with `;` before the frames. Other fractional rates
 * (23.976, 47.952) count non-drop at the rounded rate, as cameras write them.
 */
import { slateError, SlateErrorCode } from './errors.js';

export interface TimecodeOptions {
  /** Use drop-frame counting at 29.97 / 59.94 (default true; ignored at other rates). */
  dropFrame?: boolean;
}

/** Whether `fps` is one of the NTSC rates drop-frame applies to (29.97, 59.94). */
export function isDropFrameRate(fps: number): boolean {
  return Math.abs(fps - 30000 / 1001) < 0.005 || Math.abs(fps - 60000 / 1001) < 0.005;
}

function checkFps(fps: number): number {
  if (!Number.isFinite(fps) || fps <= 0 || fps > 1000) {
    throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, `frame rate must be a number above 0 and at most 1000, found ${fps}`);
  }
  return Math.round(fps);
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * The timecode of frame count `frames` (0 = 00:00:00:00) at `fps`. Negative counts wrap around the
 * 24-hour day, as timecode does.
 *
 * @example
 * framesToTimecode(86400, 24)          // '01:00:00:00'
 * framesToTimecode(17982, 30000 / 1001) // '00:10:00;00' (drop-frame)
 */
export function framesToTimecode(frames: number, fps: number, options: TimecodeOptions = {}): string {
  const base = checkFps(fps);
  if (!Number.isInteger(frames)) throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, `a timecode needs a whole frame count, found ${frames}`);
  const drop = options.dropFrame !== false && isDropFrameRate(fps);
  let count = frames;
  if (drop) {
    // Drop 2 frame numbers per minute (4 at 59.94) except every tenth minute.
    const dropped = base === 60 ? 4 : 2;
    const perTenMinutes = base * 600 - dropped * 9;
    const perMinute = base * 60 - dropped;
    const day = perTenMinutes * 6 * 24;
    count = ((count % day) + day) % day;
    const tens = Math.floor(count / perTenMinutes);
    const rest = count % perTenMinutes;
    count += dropped * 9 * tens + (rest > dropped ? dropped * Math.floor((rest - dropped) / perMinute) : 0);
  } else {
    const day = base * 86400;
    count = ((count % day) + day) % day;
  }
  const ff = count % base;
  const totalSeconds = Math.floor(count / base);
  const ss = totalSeconds % 60;
  const mm = Math.floor(totalSeconds / 60) % 60;
  const hh = Math.floor(totalSeconds / 3600) % 24;
  return `${two(hh)}:${two(mm)}:${two(ss)}${drop ? ';' : ':'}${two(ff)}`;
}

/** The frame count of a timecode `HH:MM:SS:FF` (or `;FF` drop-frame) at `fps`; the inverse of
 *  `framesToTimecode`. */
export function timecodeToFrames(timecode: string, fps: number, options: TimecodeOptions = {}): number {
  const base = checkFps(fps);
  const match = /^(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2,3})$/.exec(timecode.trim());
  if (match === null) throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, `'${timecode}' is not a timecode: expected HH:MM:SS:FF`);
  const [hh, mm, ss, ff] = [match[1], match[2], match[3], match[5]].map(Number) as [number, number, number, number];
  if (mm > 59 || ss > 59 || ff >= base) throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, `'${timecode}' is not a valid timecode at ${fps} fps`);
  const drop = options.dropFrame !== false && isDropFrameRate(fps);
  const totalMinutes = hh * 60 + mm;
  let count = (totalMinutes * 60 + ss) * base + ff;
  if (drop) {
    const dropped = base === 60 ? 4 : 2;
    count -= dropped * (totalMinutes - Math.floor(totalMinutes / 10));
  }
  return count;
}

/** An EXR/SMPTE `timecode` attribute's time (BCD-packed hours, minutes, seconds, frames) as text. */
export function packedTimecodeText(timeAndFlags: number): string {
  const bcd = (value: number) => (value >> 4) * 10 + (value & 0x0f);
  const frames = bcd(timeAndFlags & 0x3f);
  const drop = (timeAndFlags & 0x40) !== 0;
  const seconds = bcd((timeAndFlags >>> 8) & 0x7f);
  const minutes = bcd((timeAndFlags >>> 16) & 0x7f);
  const hours = bcd((timeAndFlags >>> 24) & 0x3f);
  return `${two(hours)}:${two(minutes)}:${two(seconds)}${drop ? ';' : ':'}${two(frames)}`;
}

/** How frame numbers map to timecode: frame `firstFrame` is at count `startCount`, at `fps`. */
export interface TimecodeClock {
  fps: number;
  startCount: number;
  firstFrame: number;
}

/** The timecode of frame number `frame` on a clock. */
export function timecodeOfFrame(clock: TimecodeClock, frame: number): string {
  return framesToTimecode(clock.startCount + (frame - clock.firstFrame), clock.fps);
}
