/**
 * Leaf buffers (`LeafNode::readBuffers` and its bool, mask and point-index forms), read after the
 * whole topology, one leaf after another in tree order (root children by origin, then depth first).
 *
 * | leaf | buffer |
 * |---|---|
 * | standard | value mask again; before NODE_MASK_COMPRESSION the int32 origin and an int8 buffer count; one compressed value buffer (see values.ts); before 222 any extra buffers, raw or zipped |
 * | bool | value mask, int32 origin, the values as a bit mask (never compressed) |
 * | mask | value mask (= the values), int32 origin |
 * | point index (ptidx32) | as standard, then uint64 index count, the uint32 indices, uint64 aux byte count, the aux bytes |
 *
 * Point data grids (ptdataidx32) are read in several passes over all leaves: see points/.
 */
import type { ByteReader } from '@vfxkit/core';
import { skipChunk } from '../compression/chunks.js';
import type { DecodeRequest } from '../compression/chunks.js';
import { VdbErrorCode, vdbError } from '../errors.js';
import { Compression, FileVersion } from '../io/constants.js';
import type { TreeLayout } from './layout.js';
import type { LeafTable } from './topology.js';
import { readCompressedValuesSync } from './values.js';
import type { ValueContext } from './values.js';
import { storedValueBytes } from './value-types.js';
import type { ValueArray } from './value-types.js';

export type LeafKind = 'standard' | 'bool' | 'mask' | 'pointIndex' | 'pointData';

export interface BufferContext extends ValueContext {
  layout: TreeLayout;
  leafKind: LeafKind;
  location: string;
}

function checkOrigin(reader: ByteReader, leaves: LeafTable, leaf: number, location: string): void {
  const at = reader.offset;
  const x = reader.i32('leaf origin'), y = reader.i32('leaf origin'), z = reader.i32('leaf origin');
  const o = leaves.origins;
  if (x !== o[3 * leaf] || y !== o[3 * leaf + 1] || z !== o[3 * leaf + 2]) {
    throw vdbError(
      VdbErrorCode.VDB_CORRUPT,
      `leaf buffer ${leaf} says origin (${x}, ${y}, ${z}); the topology put it at (${o[3 * leaf]}, ${o[3 * leaf + 1]}, ${o[3 * leaf + 2]})`,
      { offset: at, location },
    );
  }
}

/**
 * Reads one leaf's buffer into `dest[destOffset ...]` (`layout.leafSize` values), or with `dest`
 * null skips it. Bool leaves write 0/1 bytes; mask leaves write nothing. Returns a DecodeRequest
 * when the values are Blosc data only the async decoder reads: decode it and call again from the
 * same position with `predecoded`.
 */
export function readLeafBufferSync(
  reader: ByteReader,
  context: BufferContext,
  leaves: LeafTable,
  leaf: number,
  dest: ValueArray | null,
  destOffset: number,
  predecoded?: Uint8Array,
): DecodeRequest | undefined {
  const { layout, location } = context;
  reader.skip(layout.leafMaskBytes, 'leaf value mask');
  switch (context.leafKind) {
    case 'mask':
      checkOrigin(reader, leaves, leaf, location);
      return undefined;
    case 'bool': {
      checkOrigin(reader, leaves, leaf, location);
      const bits = reader.subarray(layout.leafMaskBytes, 'bool leaf values');
      if (dest !== null) {
        for (let i = 0; i < layout.leafSize; i++) dest[destOffset + i] = (bits[i >>> 3]! >>> (i & 7)) & 1;
      }
      return undefined;
    }
    default: {
      let buffers = 1;
      if (context.fileVersion < FileVersion.NODE_MASK_COMPRESSION) {
        checkOrigin(reader, leaves, leaf, location);
        buffers = reader.i8('leaf buffer count');
      }
      const request = readCompressedValuesSync(
        reader,
        context,
        layout.leafSize,
        leaves.masks,
        leaf * layout.leafWords,
        dest,
        destOffset,
        `leaf ${leaf}`,
        predecoded,
      );
      if (request !== undefined) return request;
      // Auxiliary buffers of files from before OpenVDB 2: all values, zipped or raw; dropped.
      for (let extra = 1; extra < buffers; extra++) {
        const zipped = context.compression & Compression.ZIP ? Compression.ZIP : Compression.NONE;
        skipChunk(reader, zipped, layout.leafSize * storedValueBytes(context.type, context.fromHalf), `auxiliary buffer of leaf ${leaf}`);
      }
      if (context.leafKind === 'pointIndex') {
        const indices = reader.u64('point index count');
        reader.skip(indices * 4, 'point indices');
        const aux = reader.u64('point index aux byte count');
        reader.skip(aux, 'point index aux data');
      }
      return undefined;
    }
  }
}
