/** A full walk of an archive: every object, property, sample, schema sample and the scene. */
import { CompoundProperty, openAlembic, sceneOf, schemaView, type AlembicProperty } from '@vfxkit/alembic';

export interface WalkResult {
  objects: number;
  samples: number;
  /** Error codes met on the way (the walk goes on past each). */
  errors: string[];
}

function attempt(result: WalkResult, work: () => void): void {
  try {
    work();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (!(error instanceof Error) || error.name !== 'VfxError' || typeof code !== 'string' || !code.startsWith('ABC_')) throw error;
    result.errors.push(code);
  }
}

/** Walks everything; rethrows anything that is not a VfxError with an ABC_ code. */
export function walkArchive(bytes: Uint8Array, maxSamplesPerProperty = 1000): WalkResult {
  const result: WalkResult = { objects: 0, samples: 0, errors: [] };
  attempt(result, () => {
    const archive = openAlembic(bytes);
    void archive.info;
    void archive.timeRange;
    const stack = [archive.root];
    while (stack.length > 0) {
      const object = stack.pop()!;
      result.objects++;
      attempt(result, () => {
        const visit = (compound: CompoundProperty): void => {
          for (const property of compound.properties as AlembicProperty[]) {
            if (property instanceof CompoundProperty) attempt(result, () => visit(property));
            else {
              for (let i = 0; i < Math.min(property.sampleCount, maxSamplesPerProperty); i++) {
                attempt(result, () => {
                  property.getSample(i);
                  result.samples++;
                });
              }
            }
          }
        };
        visit(object.properties);
      });
      attempt(result, () => {
        const view = schemaView(object) as { sampleCount: number; getSample?: (i: number) => unknown } | undefined;
        if (view?.getSample !== undefined) for (let i = 0; i < Math.min(view.sampleCount, 20); i++) attempt(result, () => view.getSample!(i));
      });
      attempt(result, () => void object.hashes);
      attempt(result, () => stack.push(...object.children));
    }
    attempt(result, () => {
      const scene = sceneOf(archive);
      scene.worldMatrices(archive.timeRange?.start ?? 0);
    });
  });
  return result;
}
