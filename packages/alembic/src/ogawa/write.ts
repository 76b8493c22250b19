/**
 * An Ogawa writer that lays groups and data out exactly as `lib/Alembic/Ogawa/OStream.cpp`,
 * `OGroup.cpp` and `OData.cpp` do:
 *
 * - the 16-byte header is written first with the frozen byte 0 and root position 0;
 * - a data block is appended (uint64 size, then the bytes) the moment it is added; an empty one is
 *   not written at all, its entry is 0x8000000000000000;
 * - a group's table (uint64 count, then the entries) is appended when the group is frozen; a group
 *   frozen with no children is not written, its entry is 0 (the empty group);
 * - freezing a group patches its entry in every parent that already holds it (in the file when the
 *   parent is already frozen, in memory otherwise); freezing the root writes its position at byte 8;
 * - finishing sets the frozen byte (byte 5) to 0xff.
 *
 * Used by the tests to build archives byte for byte as the C++ library would, and by the benchmark.
 */
import { ByteWriter } from '@vfxkit/core';
import { abcError, AbcErrorCode } from '../errors.js';

const DATA_BIT = 0x80000000;
const TWO_32 = 4294967296;

/** A data block already in the stream (for sharing it from another group, as Alembic does). */
export interface OgawaWrittenData {
  /** Position of the block; 0 for the empty block. */
  readonly position: number;
  /** Size of the payload. */
  readonly size: number;
}

interface Entry {
  position: number;
  data: boolean;
}

export class OgawaWriteGroup {
  private readonly writer: OgawaWriter;
  /** Children entries (positions, data flag); patched as child groups freeze. */
  private readonly entries: Entry[] = [];
  /** Parents that hold this group and the entry index in each; undefined parent = the archive. */
  private parents: { parent: OgawaWriteGroup | undefined; index: number }[] = [];
  /** Position once frozen (0 when frozen empty); -1 before. */
  private position = -1;

  /** @internal use OgawaWriter.root or addGroup */
  constructor(writer: OgawaWriter, parent: OgawaWriteGroup | undefined, index: number) {
    this.writer = writer;
    this.parents.push({ parent, index });
  }

  get frozen(): boolean {
    return this.position !== -1;
  }
  get childCount(): number {
    return this.entries.length;
  }
  /** The group's position (only once frozen). */
  get frozenPosition(): number {
    if (!this.frozen) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, 'the group is not frozen yet');
    return this.position;
  }

  private assertOpen(): void {
    if (this.frozen) throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, 'cannot add children to a frozen Ogawa group');
  }

  /** A new child group (its entry stays 0 until it freezes). */
  addGroup(): OgawaWriteGroup {
    this.assertOpen();
    this.entries.push({ position: 0, data: false });
    return new OgawaWriteGroup(this.writer, this, this.entries.length - 1);
  }

  /** Adds an existing group as a child: its position when frozen, otherwise a link patched later. */
  addExistingGroup(group: OgawaWriteGroup): void {
    this.assertOpen();
    if (group.frozen) {
      this.entries.push({ position: group.position, data: false });
    } else {
      this.entries.push({ position: 0, data: false });
      group.parents.push({ parent: this, index: this.entries.length - 1 });
    }
  }

  /** Appends a data block made of `chunks` (concatenated) and adds it as a child. */
  addData(...chunks: Uint8Array[]): OgawaWrittenData {
    this.assertOpen();
    const data = this.writer.writeData(chunks);
    this.entries.push({ position: data.position, data: true });
    return data;
  }

  /** Adds a data block written earlier (Alembic shares identical samples this way). */
  addExistingData(data: OgawaWrittenData): void {
    this.assertOpen();
    this.entries.push({ position: data.position, data: true });
  }

  addEmptyGroup(): void {
    this.assertOpen();
    this.entries.push({ position: 0, data: false });
  }

  addEmptyData(): void {
    this.assertOpen();
    this.entries.push({ position: 0, data: true });
  }

  /** Writes the child table (unless empty) and patches every parent. Freezing twice is a no-op. */
  freeze(): void {
    if (this.frozen) return;
    const out = this.writer.out;
    if (this.entries.length === 0) {
      this.position = 0;
    } else {
      this.position = out.length;
      out.u64(this.entries.length);
      for (const entry of this.entries) {
        out.u32(entry.position % TWO_32);
        out.u32(Math.floor(entry.position / TWO_32) | (entry.data ? DATA_BIT : 0));
      }
    }
    for (const { parent, index } of this.parents) {
      if (parent === undefined) {
        out.patchU64(8, this.position);
        continue;
      }
      if (parent.frozen) out.patchU64(parent.position + (index + 1) * 8, this.position);
      parent.entries[index]!.position = this.position;
    }
    this.parents = [];
  }
}

export class OgawaWriter {
  /** @internal the stream */
  readonly out: ByteWriter;
  /** The root group; the archive's layout is up to the caller. */
  readonly root: OgawaWriteGroup;
  private finished: Uint8Array | undefined;

  constructor(initialCapacity = 1 << 16) {
    this.out = new ByteWriter(initialCapacity);
    // "Ogawa", frozen 0 (set on finish), version 0 1, root position 0.
    this.out.bytes(new Uint8Array([0x4f, 0x67, 0x61, 0x77, 0x61, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]));
    this.root = new OgawaWriteGroup(this, undefined, 0);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.out.length;
  }

  /** @internal appends a data block */
  writeData(chunks: Uint8Array[]): OgawaWrittenData {
    let size = 0;
    for (const chunk of chunks) size += chunk.byteLength;
    if (size === 0) return { position: 0, size: 0 };
    const position = this.out.length;
    this.out.u64(size);
    for (const chunk of chunks) this.out.bytes(chunk);
    return { position, size };
  }

  /** Freezes the root, sets the frozen byte and returns the archive. */
  finish(): Uint8Array {
    if (this.finished !== undefined) return this.finished;
    this.root.freeze();
    const bytes = this.out.toBytes();
    bytes[5] = 0xff;
    this.finished = bytes;
    return bytes;
  }
}

/** A plain tree for `writeOgawa`: a group is an array of children, data is a Uint8Array. */
export type OgawaTree = OgawaTreeNode[];
export type OgawaTreeNode = Uint8Array | OgawaTree;

/**
 * Writes a tree of groups and data as the C++ library would if the tree were built depth first
 * (each child group frozen before its parent continues).
 *
 * @example
 * writeOgawa([new Uint8Array([0, 0, 0, 0]), [new Uint8Array([1, 2, 3])]]);
 */
export function writeOgawa(tree: OgawaTree): Uint8Array {
  const writer = new OgawaWriter();
  const fill = (group: OgawaWriteGroup, nodes: OgawaTree): void => {
    for (const node of nodes) {
      if (node instanceof Uint8Array) {
        group.addData(node);
      } else {
        const child = group.addGroup();
        fill(child, node);
        child.freeze();
      }
    }
  };
  fill(writer.root, tree);
  return writer.finish();
}
