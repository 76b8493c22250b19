/**
 * What the Alembic fuzzer runs on each mutated archive, in a worker thread (so a hang or a crash can
 * be stopped and reported): every entry point a user's file reaches. `inspectAlembic`; the archive
 * opened and every sample of every property read (the first 64 of each), with the sample hashes
 * verified; every schema view at its first samples; the scene's world matrices at the start and end
 * of the time range; the three.js adapter built and moved to the end; `vfx abc check`'s
 * `checkArchive`; and `vfx abc export` to OBJ, PLY and GLB in memory. Anything thrown that is not a
 * VfxError is a finding.
 */
import { parentPort } from 'node:worker_threads';
import { isVfxError } from '@vfxkit/core';
import { CompoundProperty, inspectAlembic, openAlembic, sceneOf, schemaView, verifyHashes, type AlembicArchive } from '@vfxkit/alembic';
import { alembicToThree } from '@vfxkit/alembic/three';
import { checkArchive, exportArchive, type ExportFormat } from '@vfxkit/tool-abc';

export interface AbcTargetRequest {
  id: number;
  bytes: Uint8Array;
}

export type AbcTargetStep = 'inspect' | 'open' | 'samples' | 'hashes' | 'schemas' | 'scene' | 'three' | 'check' | `export-${ExportFormat}`;

export interface AbcTargetResult {
  id: number;
  /** VfxError codes, one per step that ended with one. */
  codes: string[];
  /** The first error that is not a VfxError. */
  finding?: { step: AbcTargetStep; name: string; message: string; stack?: string };
}

const SAMPLES_PER_PROPERTY = 64;

function readSamples(compound: CompoundProperty): void {
  for (const property of compound.properties) {
    if (property instanceof CompoundProperty) readSamples(property);
    else for (let i = 0; i < Math.min(property.sampleCount, SAMPLES_PER_PROPERTY); i++) property.getSample(i);
  }
}

/** Runs every step on `bytes`; never throws. */
export async function runAbcTarget(bytes: Uint8Array): Promise<Omit<AbcTargetResult, 'id'>> {
  const codes: string[] = [];
  let finding: AbcTargetResult['finding'];
  const step = async (name: AbcTargetStep, work: () => unknown): Promise<boolean> => {
    if (finding !== undefined) return false;
    try {
      await work();
      return true;
    } catch (error) {
      if (isVfxError(error)) codes.push(error.code);
      else {
        const e = error instanceof Error ? error : new Error(String(error));
        finding = { step: name, name: e.name, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) };
      }
      return false;
    }
  };
  await step('inspect', () => inspectAlembic(bytes));
  let archive: AlembicArchive | undefined;
  if (!(await step('open', () => (archive = openAlembic(bytes))))) return { codes, ...(finding !== undefined ? { finding } : {}) };
  const opened = archive!;
  await step('samples', () => {
    for (const object of opened.objects()) readSamples(object.properties);
  });
  await step('hashes', () => verifyHashes(opened.root, { samples: true }));
  await step('schemas', () => {
    for (const object of opened.objects()) {
      const view = schemaView(object);
      if (view === undefined || !('getSample' in view)) continue;
      for (let i = 0; i < Math.min(view.sampleCount, 4); i++) view.getSample(i);
    }
  });
  const range = opened.timeRange ?? { start: 0, end: 0 };
  await step('scene', () => {
    const scene = sceneOf(opened);
    scene.worldMatrices(range.start);
    scene.worldMatrices(range.end);
  });
  await step('three', () => {
    const view = alembicToThree(opened);
    view.setTime(range.end);
    view.dispose();
  });
  await step('check', () => checkArchive(opened));
  for (const format of ['obj', 'ply', 'glb'] as const) await step(`export-${format}`, () => exportArchive(opened, format));
  return { codes, ...(finding !== undefined ? { finding } : {}) };
}

if (parentPort !== null) {
  // three.js reports NaN bounds and odd normals on the console; mutated files are full of them.
  console.warn = () => undefined;
  console.error = () => undefined;
  const port = parentPort;
  port.on('message', (request: AbcTargetRequest) => {
    void runAbcTarget(request.bytes).then((result) => port.postMessage({ id: request.id, ...result } satisfies AbcTargetResult));
  });
  port.postMessage({ ready: true });
}
