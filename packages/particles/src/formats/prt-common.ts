/**
 * What PRT 1.x (`prt.ts`) and PRT 2 (`prt2.ts`) share: channel type codes, how channels and
 * metadata values become attributes, and Thinkbox's channel interpretations.
 */
import type { AttributeData, AttributeType, ParticleAttribute, StorageType } from '../model.js';

/** PRT channel type codes, in code order. */
export const PRT_TYPES: readonly StorageType[] = ['int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'uint16', 'uint32', 'uint64', 'int8', 'uint8'];

/** PRT 1.1 / 2 metadata that is not a fixed attribute: per-channel values (Interpretation, Unit,
 *  Extents, ...) by channel name as the file spells it. File-wide values (BoundBox,
 *  LengthUnitInMeters, ...) are the set's fixed attributes. */
export interface PrtMetadata {
  channels: Record<string, Record<string, unknown>>;
}

/** A metadata value as a fixed attribute (numbers keep their PRT type; text is a one-string
 *  indexed string). */
export function metadataAttribute(name: string, value: { storage: StorageType; data: AttributeData } | string): ParticleAttribute {
  if (typeof value === 'string') return { name, type: 'indexedString', width: 1, data: Int32Array.of(0), strings: [value] };
  return { name, type: attributeTypeFor(value.storage, value.data.length), width: value.data.length, data: value.data, storage: value.storage };
}

export function attributeTypeFor(storage: StorageType, arity: number): AttributeType {
  if (storage.startsWith('float')) return arity === 3 ? 'vector' : 'float';
  return 'int';
}

/** Thinkbox's channel interpretations (`prt_metadata.hpp`), by the number PRT 1.1 stores. */
const INTERPRETATIONS = ['unspecified', 'point', 'vector', 'normal', 'orientation', 'rotation', 'scalar'];

/** A PRT Interpretation value (a number in PRT 1.1, a string in PRT 2) as a lower-case name. */
export function interpretationName(value: unknown): string | undefined {
  if (typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'number' && value > 0) return INTERPRETATIONS[value];
  return undefined;
}

