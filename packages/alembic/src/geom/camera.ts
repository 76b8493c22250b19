/**
 * Camera (`ICamera.cpp`, `CameraSample.cpp`, `FilmBackXformOp.cpp`). `.geom` holds `.core`, a
 * float64[16] scalar: focal length (mm), horizontal aperture (cm), horizontal film offset (cm),
 * vertical aperture (cm), vertical film offset (cm), lens squeeze ratio, overscan left, right, top,
 * bottom, f-stop, focus distance, shutter open, shutter close, near and far clipping planes.
 * Optional film-back ops: `.filmBackOps` (strings "t..", "s..", "m..": translate and scale have 2
 * channels, matrix 9) with their values in `.filmBackChannels` (float64 scalar, or array when long).
 */
import type { AlembicObject } from '../core/object.js';
import type { ArrayProperty, CompoundProperty, ScalarProperty } from '../core/property.js';
import type { SampleSelect } from '../core/time-sampling.js';
import { abcError, AbcErrorCode } from '../errors.js';
import { clampIndex, SchemaView } from './base.js';
import { identity3, multiply3, transformPoint, transformPoint2, type Matrix3 } from './math.js';
import { requiredScalar } from './schema.js';

export interface FilmBackOp {
  type: 'translate' | 'scale' | 'matrix';
  hint: string;
  values: number[];
}

export interface ScreenWindow {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface CameraSample {
  index: number;
  /** Millimetres. */
  focalLength: number;
  /** Centimetres. */
  horizontalAperture: number;
  horizontalFilmOffset: number;
  verticalAperture: number;
  verticalFilmOffset: number;
  lensSqueezeRatio: number;
  overscanLeft: number;
  overscanRight: number;
  overscanTop: number;
  overscanBottom: number;
  fStop: number;
  focusDistance: number;
  shutterOpen: number;
  shutterClose: number;
  nearClippingPlane: number;
  farClippingPlane: number;
  filmBackOps: FilmBackOp[];
  /** Horizontal field of view in degrees (`CameraSample::getFieldOfView`). */
  fieldOfView: number;
  /** Vertical field of view in degrees, from the vertical aperture. */
  verticalFieldOfView: number;
}

const CORE_NAMES = [
  'focalLength',
  'horizontalAperture',
  'horizontalFilmOffset',
  'verticalAperture',
  'verticalFilmOffset',
  'lensSqueezeRatio',
  'overscanLeft',
  'overscanRight',
  'overscanTop',
  'overscanBottom',
  'fStop',
  'focusDistance',
  'shutterOpen',
  'shutterClose',
  'nearClippingPlane',
  'farClippingPlane',
] as const;

/** `2 atan(aperture * 10 / (2 focal))` in degrees (apertures in cm, focal length in mm). */
export function fieldOfView(aperture: number, focalLength: number): number {
  return (2 * Math.atan((aperture * 10) / (2 * focalLength)) * 180) / Math.PI;
}

/** The film-back matrix: the ops' 3x3 matrices composed as `ret = m * ret`. */
export function filmBackMatrix(ops: readonly FilmBackOp[]): Matrix3 {
  let result = identity3();
  for (const op of ops) {
    let m = identity3();
    if (op.type === 'matrix') m = Float64Array.from(op.values.slice(0, 9));
    else if (op.type === 'scale') {
      m = identity3();
      m[0] = op.values[0]!;
      m[4] = op.values[1]!;
    } else {
      m[6] = op.values[0]!;
      m[7] = op.values[1]!;
    }
    result = multiply3(m, result);
  }
  return result;
}

/** `CameraSample::getScreenWindow`: the window in screen space (width 2 * squeeze at no overscan). */
export function screenWindow(sample: CameraSample): ScreenWindow {
  const s = sample;
  const offsetX = (2 * s.horizontalFilmOffset * s.lensSqueezeRatio) / s.horizontalAperture;
  let left = -(1 + s.overscanLeft) * s.lensSqueezeRatio;
  let right = (1 + s.overscanRight) * s.lensSqueezeRatio;
  const aperY = (s.lensSqueezeRatio * s.verticalAperture) / s.horizontalAperture;
  const offsetY = (2 * s.verticalFilmOffset) / s.horizontalAperture;
  let bottom = -(1 + s.overscanBottom) * aperY;
  let top = (1 + s.overscanTop) * aperY;
  const m = filmBackMatrix(s.filmBackOps);
  const [fl, ft] = transformPoint2(m, left, top);
  const [fr, fb] = transformPoint2(m, right, bottom);
  left = fl + offsetX;
  top = ft + offsetY;
  right = fr + offsetX;
  bottom = fb + offsetY;
  return { top, bottom, left, right };
}

/**
 * The eight frustum corners in the order left-bottom, right-bottom, left-top, right-top at the near
 * plane, then the same at the far plane; in camera space (looking down -Z, Y up) or through
 * `matrix` (the camera's world matrix, row-vector convention) when given.
 */
export function cameraFrustum(sample: CameraSample, options: { near?: number; far?: number; matrix?: ArrayLike<number> } = {}): [number, number, number][] {
  const near = options.near ?? sample.nearClippingPlane;
  const far = options.far ?? sample.farClippingPlane;
  const window = screenWindow(sample);
  // Screen units to tangent: the horizontal aperture spans 2 * squeeze screen units.
  const scale = (sample.horizontalAperture * 10) / (2 * sample.focalLength) / sample.lensSqueezeRatio;
  const corners: [number, number, number][] = [];
  for (const depth of [near, far]) {
    for (const [sx, sy] of [
      [window.left, window.bottom],
      [window.right, window.bottom],
      [window.left, window.top],
      [window.right, window.top],
    ] as const) {
      const p: [number, number, number] = [sx * scale * depth, sy * scale * depth, -depth];
      corners.push(options.matrix === undefined ? p : transformPoint(options.matrix, p[0], p[1], p[2]));
    }
  }
  return corners;
}

function parseFilmBackOp(text: string): FilmBackOp {
  const kind = text[0];
  const hint = text.slice(1);
  if (kind === 'm') return { type: 'matrix', hint, values: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  if (kind === 's') return { type: 'scale', hint, values: [1, 1] };
  return { type: 'translate', hint, values: [0, 0] };
}

export class CameraSchema extends SchemaView {
  readonly kind = 'camera' as const;

  /** `compound` lets a light read the camera inside it (`.camera`). */
  constructor(object: AlembicObject, compound?: CompoundProperty) {
    super(object, 'camera', compound);
  }

  get core(): ScalarProperty {
    return requiredScalar(this.compound, '.core', this.object.schema || 'camera');
  }
  protected get timeProperty(): ScalarProperty {
    return this.core;
  }

  /** The film-back op names (constant). */
  get filmBackOpNames(): string[] {
    const property = this.compound.getSampled('.filmBackOps');
    if (property === undefined || property.sampleCount === 0) return [];
    return (property.getSample(0).values as string[]).slice();
  }

  getSample(index: number): CameraSample {
    const core = this.core;
    if (core.extent !== 16 || core.pod !== 'float64') {
      throw abcError(AbcErrorCode.ABC_CORRUPT, `.core is ${core.pod}[${core.extent}]; a camera needs float64[16]`, { location: core.path });
    }
    const values = core.getSample(clampIndex(core, index)).values as Float64Array;
    const sample = { index } as CameraSample;
    CORE_NAMES.forEach((name, i) => {
      sample[name] = values[i]!;
    });
    // Film-back ops and their channels (sampled with the core's sampling).
    const ops = this.filmBackOpNames.map(parseFilmBackOp);
    const channelsProperty: ScalarProperty | ArrayProperty | undefined = this.compound.getSampled('.filmBackChannels');
    if (ops.length > 0 && channelsProperty !== undefined && channelsProperty.sampleCount > 0) {
      const channels = channelsProperty.getSample(clampIndex(channelsProperty, index)).values as ArrayLike<number>;
      let at = 0;
      for (const op of ops) {
        for (let i = 0; i < op.values.length; i++) {
          if (at < channels.length) op.values[i] = Number(channels[at]);
          at++;
        }
      }
    }
    sample.filmBackOps = ops;
    sample.fieldOfView = fieldOfView(sample.horizontalAperture, sample.focalLength);
    sample.verticalFieldOfView = fieldOfView(sample.verticalAperture, sample.focalLength);
    return sample;
  }

  getSampleAt(time: number, select: SampleSelect = 'floor'): CameraSample {
    return this.getSample(this.sampleIndexAt(time, select));
  }
}

