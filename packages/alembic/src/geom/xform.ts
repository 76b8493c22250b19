/**
 * Xform (`IXform.cpp`, `XformOp.cpp`, `XformSample.cpp`). The schema compound `.xform` holds:
 *   .ops        uint8[n] scalar, constant: one byte per op, type << 4 | hint
 *   .vals       float64[channels] scalar (or a float64 array when there are more than 256 channels)
 *   .inherits   bool scalar: false means the transform ignores the parent's
 *   .animChans  uint32 array: which channels are animated (informational)
 *   isNotConstantIdentity  present unless the transform is the identity at every sample
 *   .childBnds  optional
 * Op types: 0 scale (3 channels), 1 translate (3), 2 rotate (axis xyz + angle in degrees), 3 matrix
 * (16, row-major), 4/5/6 rotate about X/Y/Z (angle in degrees). The matrix is the product of the
 * ops' matrices with the first op outermost (`ret = m * ret` in Imath's row-vector order).
 */
import { abcError, AbcErrorCode } from '../errors.js';
import type { AlembicObject } from '../core/object.js';
import type { ArrayProperty, ScalarProperty } from '../core/property.js';
import type { SampleSelect } from '../core/time-sampling.js';
import { clampIndex, SchemaView } from './base.js';
import { axisAngle, identity, interpolateMatrix, multiply, scaling, translation, type Matrix4 } from './math.js';

export type XformOpType = 'scale' | 'translate' | 'rotate' | 'matrix' | 'rotateX' | 'rotateY' | 'rotateZ';

const OP_TYPES: readonly XformOpType[] = ['scale', 'translate', 'rotate', 'matrix', 'rotateX', 'rotateY', 'rotateZ'];
const OP_CHANNELS: Readonly<Record<XformOpType, number>> = { scale: 3, translate: 3, rotate: 4, matrix: 16, rotateX: 1, rotateY: 1, rotateZ: 1 };

/** Hint names per op type (`XformOp.h`): they tell a DCC what an op means, not how to compute it. */
const HINTS: Readonly<Record<XformOpType, readonly string[]>> = {
  scale: ['scale'],
  translate: ['translate', 'scalePivotPoint', 'scalePivotTranslation', 'rotatePivotPoint', 'rotatePivotTranslation'],
  rotate: ['rotate', 'rotateOrientation'],
  rotateX: ['rotate', 'rotateOrientation'],
  rotateY: ['rotate', 'rotateOrientation'],
  rotateZ: ['rotate', 'rotateOrientation'],
  matrix: ['matrix', 'mayaShear'],
};

export interface XformOp {
  type: XformOpType;
  /** The hint's name (`translate`, `rotatePivotPoint`, ...); an unknown hint reads as the first. */
  hint: string;
  /** The byte as stored. */
  encoded: number;
  /** Number of channels. */
  channelCount: number;
}

/** An op with its channel values at one sample. */
export interface XformOpValue extends XformOp {
  values: number[];
}

export interface XformSample {
  ops: XformOpValue[];
  /** False when the transform does not compose with the parent's. */
  inherits: boolean;
  /** The local matrix (row-major, row vectors, translation in 12..14). */
  matrix: Matrix4;
}

/** Decodes one op byte (`XformOp(uint8)`). */
export function decodeXformOp(encoded: number, location = ''): XformOp {
  const typeIndex = encoded >> 4;
  const type = OP_TYPES[typeIndex];
  if (type === undefined) {
    throw abcError(AbcErrorCode.ABC_CORRUPT, `transform op byte 0x${encoded.toString(16)} has type ${typeIndex}; valid types are 0-6`, { location });
  }
  const hints = HINTS[type];
  const hintIndex = encoded & 0xf;
  return { type, hint: hints[hintIndex] ?? hints[0]!, encoded, channelCount: OP_CHANNELS[type] };
}

/** The matrix of one op (Imath conventions, angles in degrees). */
export function opMatrix(type: XformOpType, v: readonly number[]): Matrix4 {
  const rad = Math.PI / 180;
  switch (type) {
    case 'scale':
      return scaling(v[0]!, v[1]!, v[2]!);
    case 'translate':
      return translation(v[0]!, v[1]!, v[2]!);
    case 'rotate':
      return axisAngle(v[0]!, v[1]!, v[2]!, v[3]! * rad);
    case 'rotateX':
      return axisAngle(1, 0, 0, v[0]! * rad);
    case 'rotateY':
      return axisAngle(0, 1, 0, v[0]! * rad);
    case 'rotateZ':
      return axisAngle(0, 0, 1, v[0]! * rad);
    case 'matrix':
      return Float64Array.from(v.slice(0, 16));
  }
}

/** The local matrix of an op stack (`XformSample::getMatrix`). */
export function opsMatrix(ops: readonly { type: XformOpType; values: readonly number[] }[]): Matrix4 {
  let result = identity();
  for (const op of ops) result = multiply(opMatrix(op.type, op.values), result);
  return result;
}

export class XformSchema extends SchemaView {
  readonly kind = 'xform' as const;
  private opsCache: XformOp[] | undefined;

  constructor(object: AlembicObject) {
    super(object, 'xform');
  }

  /** `.vals`: a scalar, or an array when there are more than 256 channels. */
  get valsProperty(): ScalarProperty | ArrayProperty | undefined {
    return this.compound.getSampled('.vals');
  }
  get inheritsProperty(): ScalarProperty | undefined {
    return this.compound.getScalar('.inherits');
  }

  protected get timeProperty(): ScalarProperty | ArrayProperty | undefined {
    const vals = this.valsProperty;
    const inherits = this.inheritsProperty;
    if (vals === undefined) return inherits;
    if (inherits === undefined) return vals;
    return inherits.sampleCount > vals.sampleCount ? inherits : vals;
  }

  /** True unless the file marks the transform as not constantly the identity. */
  get isConstantIdentity(): boolean {
    return !this.compound.has('isNotConstantIdentity');
  }

  /** True when neither the channel values nor the inherits flag change. */
  get isConstant(): boolean {
    return (this.valsProperty?.isConstant ?? true) && (this.inheritsProperty?.isConstant ?? true);
  }

  /** The op stack (constant over time). */
  get ops(): readonly XformOp[] {
    if (this.opsCache === undefined) {
      const property = this.compound.getScalar('.ops');
      if (property === undefined || property.sampleCount === 0) {
        this.opsCache = [];
      } else {
        const bytes = property.getSample(0).values as ArrayLike<number>;
        this.opsCache = Array.from(bytes, (b) => decodeXformOp(Number(b), property.path));
      }
    }
    return this.opsCache;
  }

  /** Indices of animated channels (`.animChans`, last sample), as written. */
  get animatedChannels(): number[] {
    const property = this.compound.getArray('.animChans');
    if (property === undefined || property.sampleCount === 0) return [];
    return Array.from(property.getSample(property.sampleCount - 1).values as ArrayLike<number>, Number);
  }

  /** Whether sample `index` composes with the parent (true when unwritten). */
  inheritsAt(index: number): boolean {
    const property = this.inheritsProperty;
    if (property === undefined || property.sampleCount === 0) return true;
    return Number(property.getValue(clampIndex(property, index))) !== 0;
  }

  /** Sample `index`: op values, inherits flag and the local matrix. */
  getSample(index: number): XformSample {
    return this.build(index, index);
  }

  private build(valsIndex: number, inheritsIndex: number): XformSample {
    const index = valsIndex;
    const ops = this.ops;
    const channelCount = ops.reduce((n, op) => n + op.channelCount, 0);
    const vals = this.valsProperty;
    let values: ArrayLike<number> = [];
    if (vals !== undefined && vals.sampleCount > 0) values = vals.getSample(clampIndex(vals, index)).values as ArrayLike<number>;
    if (values.length < channelCount) {
      throw abcError(
        AbcErrorCode.ABC_CORRUPT,
        `the transform's ops (${ops.map((o) => o.type).join(', ')}) need ${channelCount} channel values but .vals holds ${values.length}`,
        { location: this.compound.path },
      );
    }
    let at = 0;
    const withValues = ops.map((op) => {
      const v: number[] = [];
      for (let i = 0; i < op.channelCount; i++) v.push(Number(values[at++]));
      return { ...op, values: v };
    });
    return { ops: withValues, inherits: this.inheritsAt(inheritsIndex), matrix: opsMatrix(withValues) };
  }

  /** Sample at `time` (floor by default; `.vals` and `.inherits` each by their own sampling). */
  getSampleAt(time: number, select: SampleSelect = 'floor'): XformSample {
    return this.build(this.valsProperty?.sampleIndexAt(time, select) ?? 0, this.inheritsProperty?.sampleIndexAt(time, select) ?? 0);
  }

  /**
   * The local matrix at `time`, blended between the two samples around it when `interpolate`
   * (translations and scales linearly, rotations by quaternion slerp).
   */
  matrixAt(time: number, interpolate = true): { matrix: Matrix4; inherits: boolean } {
    const inherits = this.inheritsProperty;
    const inheritsIndex = inherits === undefined ? 0 : inherits.sampleIndexAt(time);
    const vals = this.valsProperty;
    const count = vals?.sampleCount ?? 0;
    // No channel values written: the identity (an op stack without values has no transform).
    if (vals === undefined || count === 0) return { matrix: identity(), inherits: this.inheritsAt(inheritsIndex) };
    if (!interpolate || count === 1 || vals.isConstant) {
      const sample = this.build(vals.sampleIndexAt(time), inheritsIndex);
      return { matrix: sample.matrix, inherits: sample.inherits };
    }
    const { floor, ceil, alpha } = vals.timeSampling.bracket(time, count);
    const a = this.build(floor, inheritsIndex);
    if (ceil === floor || alpha === 0) return { matrix: a.matrix, inherits: a.inherits };
    const b = this.build(ceil, inheritsIndex);
    return { matrix: interpolateMatrix(a.matrix, b.matrix, alpha), inherits: a.inherits };
  }
}
