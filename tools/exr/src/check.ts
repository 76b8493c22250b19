/**
 * `vfx exr check`: is this file whole? In order: the magic number and headers; every part's offset
 * table (inside the file, every entry pointing at a chunk: a render killed mid-write leaves zero
 * entries or entries past the end); then every chunk read and decoded (all resolution levels,
 * deep samples too). When decoding fails, each chunk is decoded on its own to count the bad ones.
 */
import { ByteReader, isVfxError } from '@vfxkit/core';
import {
  EXR_LINES_PER_CHUNK,
  ExrErrorCode,
  readExr,
  readExrHeader,
  type Box2,
  type ExrHeader,
  type ExrPartHeader,
  type ExrReadOptions,
  type ExrTileDescription,
  type ZlibCodec,
} from '@vfxkit/exr';
import { partLabel } from './format.js';

export interface CheckProblem {
  code: string;
  message: string;
  part?: number;
  chunk?: number;
  offset?: number;
}

export interface CheckReport {
  ok: boolean;
  /** Bytes in the file. */
  size: number;
  parts: number;
  /** Chunks the headers declare (every part, every level). */
  chunks: number;
  /** Offset-table entries that are 0 or point past the end of the file. */
  missingChunks: number;
  /** Chunks that could not be read or decoded (counted only when decoding the whole file failed). */
  badChunks: number;
  /** The problems found, the first ones (at most `MAX_PROBLEMS`). */
  problems: CheckProblem[];
  /** Parts that could not be checked (an unknown part type). */
  unchecked: number;
  /** True when counting bad chunks one by one was cut short by its time bound. */
  countStopped?: boolean;
}

/** How long counting bad chunks one by one may take per file (the whole decode is not bounded). */
const COUNT_BUDGET_MS = 2000;

const MAX_PROBLEMS = 20;

function problemOf(error: unknown, part?: number, chunk?: number): CheckProblem {
  if (isVfxError(error)) {
    return {
      code: error.code,
      message: error.location !== undefined && part === undefined ? `${error.location}: ${error.message}` : error.message,
      ...(part !== undefined ? { part } : {}),
      ...(chunk !== undefined ? { chunk } : {}),
      ...(error.offset !== undefined ? { offset: error.offset } : {}),
    };
  }
  // Anything else is a bug in the decoder: report it as such rather than hide it.
  return { code: 'INTERNAL', message: `unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, ...(part !== undefined ? { part } : {}) };
}

function levelSize(size: number, level: number, rounding: 'down' | 'up'): number {
  const scale = 2 ** level;
  let s = Math.floor(size / scale);
  if (rounding === 'up' && s * scale < size) s += 1;
  return Math.max(s, 1);
}

function log2(x: number, rounding: 'down' | 'up'): number {
  let y = 0;
  let remainder = 0;
  while (x > 1) {
    if (x % 2 === 1) remainder = 1;
    y += 1;
    x = Math.floor(x / 2);
  }
  return rounding === 'up' ? y + remainder : y;
}

/** Each chunk of a part as a read request: a block of scanlines, or a tile of a level. */
function* chunkRequests(part: ExrPartHeader): Generator<{ chunk: number; options: ExrReadOptions }> {
  const window = part.dataWindow;
  const width = window.xMax - window.xMin + 1;
  const height = window.yMax - window.yMin + 1;
  if (part.tiles === undefined) {
    const lines = part.type === 'deepscanline' ? 1 : EXR_LINES_PER_CHUNK[part.compression];
    for (let chunk = 0; chunk < part.chunkCount; chunk++) {
      const yMin = window.yMin + chunk * lines;
      const region: Box2 = { xMin: window.xMin, xMax: window.xMax, yMin, yMax: Math.min(window.yMax, yMin + lines - 1) };
      yield { chunk, options: { part: part.index, region } };
    }
    return;
  }
  const tiles: ExrTileDescription = part.tiles;
  const rounding = tiles.roundingMode;
  const levelsX = tiles.levelMode === 'one' ? 1 : tiles.levelMode === 'mipmap' ? log2(Math.max(width, height), rounding) + 1 : log2(width, rounding) + 1;
  const levelsY = tiles.levelMode === 'one' ? 1 : tiles.levelMode === 'mipmap' ? levelsX : log2(height, rounding) + 1;
  const levels: { x: number; y: number }[] = [];
  if (tiles.levelMode === 'ripmap') for (let y = 0; y < levelsY; y++) for (let x = 0; x < levelsX; x++) levels.push({ x, y });
  else for (let l = 0; l < levelsX; l++) levels.push({ x: l, y: l });
  let chunk = 0;
  for (const level of levels) {
    const tilesX = Math.ceil(levelSize(width, level.x, rounding) / tiles.xSize);
    const tilesY = Math.ceil(levelSize(height, level.y, rounding) / tiles.ySize);
    for (let ty = 0; ty < tilesY; ty++) {
      for (let tx = 0; tx < tilesX; tx++) {
        yield { chunk: chunk++, options: { part: part.index, level, tiles: { xMin: tx, yMin: ty, xMax: tx, yMax: ty } } };
      }
    }
  }
}

/** Offset-table entries that cannot point at a chunk: 0 (never written) or past the end. Returns
 *  the parts whose offset table is not all in the file. */
function scanOffsetTables(bytes: Uint8Array, header: ExrHeader, report: CheckReport, missingByPart: Map<number, Uint8Array>): Set<number> {
  const cut = new Set<number>();
  let tableOffset = header.offsetTablesOffset;
  for (const part of header.parts) {
    const end = tableOffset + part.chunkCount * 8;
    if (end > bytes.byteLength) {
      const present = Math.max(0, Math.floor((bytes.byteLength - tableOffset) / 8));
      report.missingChunks += part.chunkCount - present;
      cut.add(part.index);
      report.problems.push({
        code: ExrErrorCode.EXR_TRUNCATED,
        message: `${header.parts.length > 1 ? `${partLabel(part)}: ` : ''}the file ends inside the offset table (${part.chunkCount} entries at byte ${tableOffset} need ${part.chunkCount * 8} bytes, ${Math.max(0, bytes.byteLength - tableOffset)} left)`,
        part: part.index,
        offset: tableOffset,
      });
      tableOffset = end;
      continue;
    }
    const reader = new ByteReader(bytes, tableOffset);
    const entries = Math.min(part.chunkCount, Math.max(0, Math.floor((bytes.byteLength - tableOffset) / 8)));
    let firstMissing: number | undefined;
    let missing = 0;
    const flags = new Uint8Array(part.chunkCount);
    missingByPart.set(part.index, flags);
    for (let chunk = 0; chunk < entries; chunk++) {
      let offset: number;
      try {
        offset = reader.u64();
      } catch {
        offset = Number.MAX_SAFE_INTEGER;
      }
      if (offset === 0 || offset >= bytes.byteLength) {
        flags[chunk] = 1;
        missing++;
        firstMissing ??= chunk;
      }
    }
    report.missingChunks += missing;
    if (missing > 0) {
      report.problems.push({
        code: ExrErrorCode.EXR_TRUNCATED,
        message: `${header.parts.length > 1 ? `${partLabel(part)}: ` : ''}${missing} of ${part.chunkCount} chunks are missing (offset table entries that are 0 or past the end of the file, from chunk ${firstMissing}): the file is incomplete`,
        part: part.index,
        ...(firstMissing !== undefined ? { chunk: firstMissing } : {}),
      });
    }
    tableOffset = end;
  }
  return cut;
}

/** Checks a whole file held in memory. Never throws for bad input: every failure is in the report. */
export function checkExr(bytes: Uint8Array, zlib?: ZlibCodec): CheckReport {
  const report: CheckReport = { ok: false, size: bytes.byteLength, parts: 0, chunks: 0, missingChunks: 0, badChunks: 0, problems: [], unchecked: 0 };
  let header: ExrHeader;
  try {
    header = readExrHeader(bytes);
  } catch (error) {
    report.problems.push(problemOf(error));
    return report;
  }
  report.parts = header.parts.length;
  report.chunks = header.parts.reduce((n, p) => n + p.chunkCount, 0);
  const missingByPart = new Map<number, Uint8Array>();
  const cut = scanOffsetTables(bytes, header, report, missingByPart);

  const codec = zlib !== undefined ? { zlib } : {};
  const deadline = { at: performance.now() + COUNT_BUDGET_MS };
  for (const part of header.parts) {
    if (part.type === 'unknown') {
      report.unchecked++;
      continue;
    }
    // Without its offset table no chunk of the part can be found: nothing more to learn.
    if (cut.has(part.index)) continue;
    try {
      readExr(bytes, { part: part.index, ...(part.tiles !== undefined && part.type === 'tiledimage' ? { allLevels: true } : {}), ...codec });
      // Deep tiled parts are read at level 0 only: their other levels are checked tile by tile.
      if (part.type === 'deeptile' && part.tiles !== undefined && part.tiles.levelMode !== 'one') checkEachChunk(bytes, part, codec, report, deadline, missingByPart.get(part.index));
    } catch (error) {
      // Count the bad chunks one by one (a truncated file: how much is missing; a damaged one: where).
      const before = report.problems.length;
      const problem = problemOf(error, part.index);
      // A limit or an unsupported feature concerns the whole part, not one chunk.
      const perChunk = problem.code === ExrErrorCode.EXR_TRUNCATED || problem.code === ExrErrorCode.EXR_CORRUPT_CHUNK || problem.code === 'INTERNAL';
      if (perChunk) checkEachChunk(bytes, part, codec, report, deadline, missingByPart.get(part.index));
      if (report.problems.length === before) report.problems.push(problem);
    }
  }
  report.ok = report.problems.length === 0 && report.missingChunks === 0;
  return report;
}

function checkEachChunk(
  bytes: Uint8Array,
  part: ExrPartHeader,
  codec: { zlib?: ZlibCodec },
  report: CheckReport,
  deadline: { at: number },
  missing: Uint8Array | undefined,
): void {
  let n = 0;
  for (const { chunk, options } of chunkRequests(part)) {
    // Chunks the offset table says are missing were counted already.
    if (missing?.[chunk] === 1) {
      report.badChunks++;
      continue;
    }
    if ((++n & 63) === 0 && performance.now() > deadline.at) {
      report.countStopped = true;
      return;
    }
    try {
      readExr(bytes, { ...options, ...codec });
    } catch (error) {
      report.badChunks++;
      const problem = problemOf(error, part.index, chunk);
      // A missing chunk was reported by the offset-table scan already (once per part).
      const alreadyCounted = problem.code === ExrErrorCode.EXR_TRUNCATED && report.problems.some((p) => p.part === part.index && p.code === ExrErrorCode.EXR_TRUNCATED);
      if (!alreadyCounted && report.problems.length < MAX_PROBLEMS) report.problems.push(problem);
    }
  }
}
