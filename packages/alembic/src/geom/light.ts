/**
 * Light (`ILight.cpp`): a light has no parameters of its own in AbcGeom; its `.geom` may hold a
 * camera (`.camera`, a Camera schema compound) for its projection, `.childBnds`,
 * `.arbGeomParams` (where renderers keep light parameters) and `.userProperties`.
 */
import type { AlembicObject } from '../core/object.js';
import type { ScalarProperty } from '../core/property.js';
import { SchemaView } from './base.js';
import { CameraSchema } from './camera.js';

export class LightSchema extends SchemaView {
  readonly kind = 'light' as const;

  constructor(object: AlembicObject) {
    super(object, 'light');
  }

  /** The light's camera, when one was written. */
  get camera(): CameraSchema | undefined {
    const compound = this.compound.getCompound('.camera');
    return compound === undefined ? undefined : new CameraSchema(this.object, compound);
  }

  protected get timeProperty(): ScalarProperty | undefined {
    return this.compound.getCompound('.camera')?.getScalar('.core');
  }
}
