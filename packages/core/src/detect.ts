/**
 * Sequence detection: groups a directory listing into file sequences and single files, like
 * fileseq's `findSequencesInList` and pyseq's `get_sequences`.
 *
 * 1. Each name is split around its frame by the rules of `sequence.ts` (the last number before the
 *    extension); names without a frame are single files.
 * 2. Names are grouped by basename and extension.
 * 3. Each group is split into padding classes. A frame written with a leading zero (`0042`, `-010`)
 *    has exactly its width as padding (the sign counts, as in zfill). A frame without one (`1042`,
 *    `7`) fits any padding up to its width, because zero-filling it to that padding writes it
 *    unchanged. When padded frames exist, an unpadded frame joins the widest padded class not wider
 *    than it (so `0998, 0999, 1000, 10000` is one 4-digit sequence, 10000 being an overflow frame);
 *    the unpadded frames that fit no padded class form one class whose padding is their smallest
 *    width (so `1001..1100` alone is padded 4, `1..100` is unpadded, and `1.exr` and `0001.exr` are
 *    two sequences). Every frame therefore writes back to exactly its own name with
 *    `sequence.frameName(frame)`. fileseq sorts the widths and starts a new sequence at each wider
 *    padded width, which can put a frame in a class whose padding changes its name.
 * 4. A class with fewer than `minFrames` frames becomes single files.
 * Exact duplicate names count once. The result is sorted by basename, extension, padding and frame
 * (comparing UTF-16 code units, so the order does not depend on the locale).
 *
 * Speed: one scan from the end of each name (no regular expression) and one Map lookup per name;
 * `packages/core/bench/seq-memory.ts` measures it.
 */
import { FrameSet } from './frameset.js';
import { FileSequence, FrameLocation, locateFrame } from './sequence.js';
import type { PadStyle } from './sequence.js';

export interface GroupFileNamesOptions {
  /** The directory the names are in, given to each sequence (`sequence.dir`). Default ''. */
  dir?: string;
  /** Fewest frames a sequence has; smaller groups are listed as files. Default 2. */
  minFrames?: number;
  /** Pad style of the sequences made (how they write their padding). Default `hash4`. */
  padStyle?: PadStyle;
  /** List the missing frames of a sequence only when there are at most this many (default
   *  10,000,000); `missingCount` always has the number. */
  maxMissing?: number;
}

export interface DetectedSequence {
  kind: 'sequence';
  /** The sequence, with its frame set. */
  sequence: FileSequence;
  /** The frames, ascending. */
  frames: number[];
  /** The file names, in frame order. */
  names: string[];
  /** The whole frames from the first to the last that are not there, ascending (empty when more
   *  than `maxMissing`). */
  missing: number[];
  /** How many whole frames from the first to the last are not there. */
  missingCount: number;
}

export interface DetectedFile {
  kind: 'file';
  name: string;
  /** The frame, when the name has one (a group too small to be a sequence). */
  frame?: number;
}

export type DetectedItem = DetectedSequence | DetectedFile;

/** The names of one basename and extension, as parallel arrays. */
class NameGroup {
  readonly frames: number[] = [];
  /** The frame text's width, negated when it is padded (starts with a zero). */
  readonly widths: number[] = [];
  readonly names: string[] = [];
  /** Another group whose basename and extension hash the same. */
  nextSameHash: NameGroup | undefined = undefined;
  constructor(
    readonly basename: string,
    readonly extension: string,
  ) {}

  /** Whether `name`, with its frame at [numberStart, extensionStart), has this basename and extension. */
  holds(name: string, numberStart: number, extensionStart: number): boolean {
    const basename = this.basename;
    const extension = this.extension;
    if (basename.length !== numberStart || extension.length !== name.length - extensionStart) return false;
    // By hand rather than startsWith/endsWith: the loop inlines, the calls do not. From the end of
    // the basename, where names of one directory usually differ.
    for (let index = numberStart - 1; index >= 0; index--) {
      if (name.charCodeAt(index) !== basename.charCodeAt(index)) return false;
    }
    for (let index = 0; index < extension.length; index++) {
      if (name.charCodeAt(extensionStart + index) !== extension.charCodeAt(index)) return false;
    }
    return true;
  }
}

/** FNV-1a over the name without its frame text (and the basename's length, which separates the
 *  two parts), kept to 30 bits so the Map key stays a small integer. */
function hashOutsideFrame(name: string, numberStart: number, extensionStart: number): number {
  let hash = 0x811c9dc5 ^ numberStart;
  for (let index = 0; index < numberStart; index++) hash = Math.imul(hash ^ name.charCodeAt(index), 0x01000193);
  for (let index = extensionStart; index < name.length; index++) hash = Math.imul(hash ^ name.charCodeAt(index), 0x01000193);
  return hash & 0x3fffffff;
}

/** An item of the result with the key it sorts by. */
interface SortEntry {
  basename: string;
  extension: string;
  padding: number;
  frame: number;
  item: DetectedItem;
}

function compareEntries(a: SortEntry, b: SortEntry): number {
  if (a.basename !== b.basename) return a.basename < b.basename ? -1 : 1;
  if (a.extension !== b.extension) return a.extension < b.extension ? -1 : 1;
  if (a.padding !== b.padding) return a.padding - b.padding;
  return a.frame - b.frame;
}

/**
 * Groups file names into sequences and single files by the rules at the top of this file.
 *
 * @example
 *   groupFileNames(['a.0001.exr', 'a.0002.exr', 'a.0004.exr', 'notes.txt'])
 *   // [{ kind: 'sequence', sequence: a.1-2,4#.exr, frames: [1, 2, 4], missing: [3], ... },
 *   //  { kind: 'file', name: 'notes.txt' }]
 */
export function groupFileNames(names: Iterable<string>, options: GroupFileNamesOptions = {}): DetectedItem[] {
  const location = new FrameLocation();
  // Groups by a hash of basename and extension; names sharing a hash chain through `nextSameHash`
  // and are told apart by comparing the text, so no key string is built per name.
  const groups = new Map<number, NameGroup>();
  const groupList: NameGroup[] = [];
  const plain: string[] = [];
  // Listings often hold a sequence's names one after another: try the previous group first.
  let previous: NameGroup | undefined;
  for (const name of names) {
    if (!locateFrame(name, location)) {
      plain.push(name);
      continue;
    }
    const numberStart = location.numberStart;
    const extensionStart = location.extensionStart;
    let group = previous;
    if (group === undefined || !group.holds(name, numberStart, extensionStart)) {
      const hash = hashOutsideFrame(name, numberStart, extensionStart);
      group = groups.get(hash);
      while (group !== undefined && !group.holds(name, numberStart, extensionStart)) group = group.nextSameHash;
      if (group === undefined) {
        group = new NameGroup(name.slice(0, numberStart), name.slice(extensionStart));
        group.nextSameHash = groups.get(hash);
        groups.set(hash, group);
        groupList.push(group);
      }
      previous = group;
    }
    group.frames.push(location.frame);
    const width = extensionStart - numberStart;
    group.widths.push(location.padded ? -width : width);
    group.names.push(name);
  }

  const minFrames = options.minFrames ?? 2;
  const maxMissing = options.maxMissing ?? 10_000_000;
  const dir = options.dir ?? '';
  const padStyle = options.padStyle ?? 'hash4';
  const entries: SortEntry[] = [];
  for (const group of groupList) {
    for (const paddingClass of splitPaddingClasses(group)) {
      const { frames, names: classNames } = sortClass(group, paddingClass.members);
      if (frames.length < minFrames) {
        for (let index = 0; index < frames.length; index++) {
          const frame = frames[index] as number;
          entries.push({
            basename: group.basename,
            extension: group.extension,
            padding: paddingClass.padding,
            frame,
            item: { kind: 'file', name: classNames[index] as string, frame },
          });
        }
        continue;
      }
      const sequence = new FileSequence({
        dir,
        basename: group.basename,
        padding: paddingClass.padding,
        extension: group.extension,
        frameSet: FrameSet.fromFrames(frames),
        padStyle,
      });
      const first = frames[0] as number;
      const last = frames[frames.length - 1] as number;
      const missingCount = last - first + 1 - frames.length;
      const missing: number[] = [];
      if (missingCount > 0 && missingCount <= maxMissing) {
        let next = first;
        for (const frame of frames) {
          for (; next < frame; next++) missing.push(next);
          next = frame + 1;
        }
      }
      entries.push({
        basename: group.basename,
        extension: group.extension,
        padding: paddingClass.padding,
        frame: first,
        item: { kind: 'sequence', sequence, frames, names: classNames, missing, missingCount },
      });
    }
  }
  const seenPlain = new Set<string>();
  for (const name of plain) {
    if (seenPlain.has(name)) continue;
    seenPlain.add(name);
    // `locateFrame` leaves the extension's start even for names without a frame.
    locateFrame(name, location);
    entries.push({
      basename: name.slice(0, location.extensionStart),
      extension: name.slice(location.extensionStart),
      padding: 0,
      frame: -Infinity,
      item: { kind: 'file', name },
    });
  }
  entries.sort(compareEntries);
  return entries.map((entry) => entry.item);
}

/** A padding class of a group: its padding and its members (indices into the group; undefined for all). */
interface PaddingClass {
  padding: number;
  members: number[] | undefined;
}

/** Splits a group by padding (rule 3 at the top of this file). */
function splitPaddingClasses(group: NameGroup): PaddingClass[] {
  const widths = group.widths;
  // Fast paths: every frame unpadded, or every frame padded to one width.
  let anyPadded = false;
  let anyUnpadded = false;
  let firstPadded = 0;
  let samePadded = true;
  let smallestUnpadded = Infinity;
  for (let index = 0; index < widths.length; index++) {
    const width = widths[index] as number;
    if (width < 0) {
      if (!anyPadded) firstPadded = width;
      else if (width !== firstPadded) samePadded = false;
      anyPadded = true;
    } else {
      anyUnpadded = true;
      if (width < smallestUnpadded) smallestUnpadded = width;
    }
  }
  if (!anyPadded) return [{ padding: smallestUnpadded, members: undefined }];
  if (!anyUnpadded && samePadded) return [{ padding: -firstPadded, members: undefined }];

  // General case. Padded classes by width; each unpadded width goes to the widest padded class
  // not wider than it, or to the leftover class.
  const paddedMembers = new Map<number, number[]>();
  for (let index = 0; index < widths.length; index++) {
    const width = widths[index] as number;
    if (width >= 0) continue;
    let members = paddedMembers.get(-width);
    if (members === undefined) paddedMembers.set(-width, (members = []));
    members.push(index);
  }
  const paddedWidths = Array.from(paddedMembers.keys()).sort((a, b) => a - b);
  const leftover: number[] = [];
  let leftoverPadding = Infinity;
  for (let index = 0; index < widths.length; index++) {
    const width = widths[index] as number;
    if (width < 0) continue;
    let target: number | undefined;
    for (const paddedWidth of paddedWidths) {
      if (paddedWidth <= width) target = paddedWidth;
      else break;
    }
    if (target === undefined) {
      leftover.push(index);
      if (width < leftoverPadding) leftoverPadding = width;
    } else {
      (paddedMembers.get(target) as number[]).push(index);
    }
  }
  const classes: PaddingClass[] = paddedWidths.map((padding) => ({ padding, members: paddedMembers.get(padding) as number[] }));
  if (leftover.length > 0) classes.push({ padding: leftoverPadding, members: leftover });
  return classes;
}

/**
 * The frames and names of a padding class in ascending frame order. Within a class a frame has
 * exactly one spelling, so equal frames are duplicate names: they are kept once.
 */
function sortClass(group: NameGroup, members: number[] | undefined): { frames: number[]; names: string[] } {
  const allFrames = group.frames;
  const allNames = group.names;
  const count = members === undefined ? allFrames.length : members.length;
  const memberAt = (position: number): number => (members === undefined ? position : (members[position] as number));
  // Already ascending (a sorted listing)?
  let ascending = true;
  let min = Infinity;
  let max = -Infinity;
  let previousFrame = -Infinity;
  for (let position = 0; position < count; position++) {
    const frame = allFrames[memberAt(position)] as number;
    if (frame <= previousFrame) ascending = false;
    previousFrame = frame;
    if (frame < min) min = frame;
    if (frame > max) max = frame;
  }
  if (ascending) {
    // The group is dropped after this, so its arrays can be handed over as they are.
    if (members === undefined) return { frames: allFrames, names: allNames };
    return { frames: members.map((index) => allFrames[index] as number), names: members.map((index) => allNames[index] as string) };
  }
  const frames: number[] = [];
  const names: string[] = [];
  const span = max - min + 1;
  if (span <= 4 * count + 1024) {
    // Frames close together (the usual case): place each in a slot by its frame.
    const slots = new Int32Array(span).fill(-1);
    for (let position = 0; position < count; position++) {
      const index = memberAt(position);
      const slot = (allFrames[index] as number) - min;
      if (slots[slot] === -1) slots[slot] = index;
    }
    for (let slot = 0; slot < span; slot++) {
      const index = slots[slot] as number;
      if (index >= 0) {
        frames.push(slot + min);
        names.push(allNames[index] as string);
      }
    }
    return { frames, names };
  }
  const order = Array.from({ length: count }, (_, position) => memberAt(position));
  order.sort((a, b) => (allFrames[a] as number) - (allFrames[b] as number));
  for (const index of order) {
    const frame = allFrames[index] as number;
    if (frames.length > 0 && frames[frames.length - 1] === frame) continue;
    frames.push(frame);
    names.push(allNames[index] as string);
  }
  return { frames, names };
}
