/**
 * Alembic's plain old data types (`lib/Alembic/Util/PlainOldDataType.h`): the POD enum value is
 * what property headers store in bits 4-7 of their info word.
 */

/** POD names, indexed by the enum value Alembic writes. */
export const POD_TYPES = [
  'bool',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'uint32',
  'int32',
  'uint64',
  'int64',
  'float16',
  'float32',
  'float64',
  'string',
  'wstring',
] as const;

export type PodType = (typeof POD_TYPES)[number];

/** Bytes per value of each POD (strings: variable, stored NUL-terminated; wstrings as UTF-32). */
export const POD_BYTES: Readonly<Record<PodType, number>> = {
  bool: 1,
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  uint64: 8,
  int64: 8,
  float16: 2,
  float32: 4,
  float64: 8,
  string: 1,
  wstring: 4,
};

/** The names Alembic itself prints (`PODName`). */
export const POD_ALEMBIC_NAMES: Readonly<Record<PodType, string>> = {
  bool: 'bool_t',
  uint8: 'uint8_t',
  int8: 'int8_t',
  uint16: 'uint16_t',
  int16: 'int16_t',
  uint32: 'uint32_t',
  int32: 'int32_t',
  uint64: 'uint64_t',
  int64: 'int64_t',
  float16: 'float16_t',
  float32: 'float32_t',
  float64: 'float64_t',
  string: 'string',
  wstring: 'wstring',
};

/** A property's data type: a POD and how many of them make one value (3 for a V3f). */
export interface DataType {
  pod: PodType;
  extent: number;
}

export function podIndex(pod: PodType): number {
  return POD_TYPES.indexOf(pod);
}

export function isStringPod(pod: PodType): boolean {
  return pod === 'string' || pod === 'wstring';
}

/** Typed array each numeric POD decodes to (native type kept: float16 as its Uint16Array bits,
 *  bool as Uint8Array 0/1, 64-bit integers as BigInt arrays). */
export type NumericValues =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

/** Sample values: a typed array for numbers, an array of strings for string and wstring. */
export type SampleValues = NumericValues | string[];
