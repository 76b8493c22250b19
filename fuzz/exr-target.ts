/**
 * What the EXR fuzzer runs on each mutated file, in a worker thread (so a hang or a crash can be
 * stopped and reported): every reader entry point a user's file reaches. Anything thrown that is
 * not a VfxError is a finding; so is a `vfx exr check` report naming an INTERNAL problem.
 */
import { parentPort } from 'node:worker_threads';
import { isVfxError } from '@vfxkit/core';
import { fflateZlib, readExr, readExrHeader, readExrParts } from '@vfxkit/exr';
import { nodeZlib } from '@vfxkit/exr/node';
import { checkExr, editHeader, probePixel } from '@vfxkit/tool-exr';

export interface TargetRequest {
  id: number;
  bytes: Uint8Array;
}

export type TargetStep = 'header' | 'header-prefix' | 'read-parts' | 'read-parts-node-zlib' | 'read-region' | 'probe' | 'check' | 'attr-set';

export interface TargetResult {
  id: number;
  /** The steps that ended with a VfxError, by code. */
  codes: string[];
  /** The first non-VfxError, if any. */
  finding?: { step: TargetStep; name: string; message: string; stack?: string };
  /** The pure (fflate) and node:zlib decodes disagreed: one accepted the file, the other did not. */
  zlibDisagreement?: string;
}

/** Runs every step on `bytes`; never throws. */
export function runTarget(bytes: Uint8Array): Omit<TargetResult, 'id'> {
  const codes: string[] = [];
  let finding: TargetResult['finding'];
  const failed = new Map<TargetStep, string>();
  const step = (name: TargetStep, work: () => unknown): void => {
    if (finding !== undefined) return;
    try {
      work();
    } catch (error) {
      failed.set(name, error instanceof Error ? error.message : String(error));
      // Codes outside the EXR set are tagged with the step that raised them (worth a look).
      if (isVfxError(error)) codes.push(error.code.startsWith('EXR_') || error.code === 'UNSUPPORTED_COMPRESSION' || error.code === 'BAD_USAGE' ? error.code : `${error.code} (${name})`);
      else {
        const e = error instanceof Error ? error : new Error(String(error));
        finding = { step: name, name: e.name, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) };
      }
    }
  };
  let header: ReturnType<typeof readExrHeader> | undefined;
  step('header', () => {
    header = readExrHeader(bytes);
  });
  step('header-prefix', () => readExrHeader(bytes.subarray(0, Math.min(bytes.byteLength, 4096))));
  step('read-parts', () => readExrParts(bytes, { allLevels: true, zlib: fflateZlib }));
  step('read-parts-node-zlib', () => readExrParts(bytes, { allLevels: true, zlib: nodeZlib }));
  const pure = failed.get('read-parts');
  const node = failed.get('read-parts-node-zlib');
  const zlibDisagreement =
    (pure === undefined) !== (node === undefined) ? `fflate: ${pure ?? 'decoded'}; node:zlib: ${node ?? 'decoded'}` : undefined;
  if (header !== undefined) {
    const part = header.parts[0]!;
    const w = part.dataWindow;
    const x = Math.floor((w.xMin + w.xMax) / 2);
    const y = Math.floor((w.yMin + w.yMax) / 2);
    step('read-region', () => readExr(bytes, { region: { xMin: x, yMin: y, xMax: x + 3, yMax: y + 3 } }));
    step('probe', () => probePixel(bytes, 0, x, y, 'fuzz.exr'));
  }
  step('check', () => {
    const report = checkExr(bytes, nodeZlib);
    const internal = report.problems.find((p) => p.code === 'INTERNAL');
    if (internal !== undefined) {
      const error = new Error(`vfx exr check: ${internal.message}`);
      error.name = 'CheckInternal';
      throw error;
    }
  });
  step('attr-set', () => editHeader(bytes, [{ kind: 'set', attribute: { name: 'owner', type: 'string', value: 'fuzz' } }]));
  return { codes, ...(finding !== undefined ? { finding } : {}), ...(zlibDisagreement !== undefined ? { zlibDisagreement } : {}) };
}

// In a worker: answer requests until told to stop.
if (parentPort !== null) {
  const port = parentPort;
  port.on('message', (request: TargetRequest) => {
    const result: TargetResult = { id: request.id, ...runTarget(request.bytes) };
    port.postMessage(result);
  });
  port.postMessage({ ready: true });
}
