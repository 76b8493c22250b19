/**
 * One particle file read, optionally filtered, and written in another format: the unit of work of
 * `vfx part convert` and `vfx part filter`, run in worker threads for sequences (parsing is CPU-bound
 * pure TypeScript). Items and results are plain data so they cross thread boundaries.
 */
import { filterParticles, parseCondition } from './filter.js';
import { readParticleFile, writeParticleFile } from './files.js';

export interface ParticleJob {
  from: string;
  to: string;
  shownFrom: string;
  shownTo: string;
  force: boolean;
  format?: string;
  where?: string[];
  keep?: string[];
}

export interface ParticleJobResult {
  particlesIn: number;
  particlesOut: number;
  bytes: number;
}

export async function runParticleJob(job: ParticleJob): Promise<ParticleJobResult> {
  const set = await readParticleFile(job.from, job.shownFrom);
  const out = job.where || job.keep ? filterParticles(set, (job.where ?? []).map(parseCondition), job.keep) : set;
  const bytes = await writeParticleFile(out, job.to, { force: job.force, ...(job.format ? { format: job.format } : {}) }, job.shownTo);
  return { particlesIn: set.count, particlesOut: out.count, bytes };
}
