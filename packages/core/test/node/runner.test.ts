import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { ErrorCode, VfxError } from '@vfxkit/core';
import type { ProgressEvent } from '@vfxkit/core';
import { createLocalRunner, createWorkerRunner, isSkipped, scanTree, skipped } from '@vfxkit/core/node';
import type { JobContext, ScanFile } from '@vfxkit/core/node';
import { behave, checksum } from './fixtures/worker-jobs.js';
import type { Behaviour } from './fixtures/worker-jobs.js';

const jobsModule = new URL('./fixtures/worker-jobs.ts', import.meta.url);

/** An async iterable that records how many items were pulled, and whether it was closed. */
function countingSource<T>(items: T[], delayMs = 0): { source: AsyncIterable<T>; pulled: () => number; closed: () => boolean } {
  let pulled = 0;
  let closed = false;
  async function* generate(): AsyncGenerator<T> {
    try {
      for (const item of items) {
        if (delayMs > 0) await sleep(delayMs);
        pulled++;
        yield item;
      }
    } finally {
      closed = true;
    }
  }
  return { source: generate(), pulled: () => pulled, closed: () => closed };
}

describe('createLocalRunner', () => {
  const runner = createLocalRunner();

  it('keeps results in input order whatever the completion order', async () => {
    const delays = [30, 5, 20, 0, 10, 25, 1];
    const summary = await runner.run(delays, async (delay, { index }) => {
      await sleep(delay);
      return `${index}:${delay}`;
    }, { concurrency: 4 });
    assert.deepEqual(
      summary.results.map((result) => [result.index, result.label, result.outcome, result.value]),
      delays.map((delay, index) => [index, String(delay), 'ok', `${index}:${delay}`]),
    );
    assert.deepEqual([summary.ok, summary.failed, summary.skipped, summary.cancelled], [7, 0, 0, 0]);
    assert.ok(summary.results.every((result) => result.ms >= 0));
    assert.ok(summary.elapsedMs >= 30);
  });

  it('never runs more items at once than its concurrency', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const summary = await runner.run(Array.from({ length: 25 }, (_, index) => index), async (item) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(item % 4);
      inFlight--;
      return item;
    }, { concurrency: 3 });
    assert.equal(maxInFlight, 3);
    assert.equal(summary.ok, 25);
  });

  it('captures failures as VfxErrors naming the item, and goes on', async () => {
    const items = [
      { path: 'ok.exr' },
      { path: 'corrupt.exr' },
      { path: 'missing.exr' },
      { path: 'plain.exr' },
      { path: 'string.exr' },
      { path: 'ok2.exr' },
    ];
    const summary = await runner.run(items, (item) => {
      switch (item.path) {
        case 'corrupt.exr':
          throw new VfxError(ErrorCode.CORRUPT, 'bad magic number', { offset: 0 });
        case 'missing.exr':
          throw Object.assign(new Error("ENOENT: no such file or directory, open 'missing.exr'"), { code: 'ENOENT' });
        case 'plain.exr':
          throw new TypeError('x is not a function');
        case 'string.exr':
          throw 'a bare string'; // eslint-disable-line no-throw-literal
        default:
          return item.path.length;
      }
    });
    assert.deepEqual(
      summary.results.map((result) => [result.label, result.outcome, result.error?.code, result.error?.category, result.error?.file]),
      [
        ['ok.exr', 'ok', undefined, undefined, undefined],
        ['corrupt.exr', 'failed', 'CORRUPT', 'corrupt', 'corrupt.exr'],
        ['missing.exr', 'failed', 'ENOENT', 'io', 'missing.exr'],
        ['plain.exr', 'failed', 'IO', 'io', 'plain.exr'],
        ['string.exr', 'failed', 'IO', 'io', 'string.exr'],
        ['ok2.exr', 'ok', undefined, undefined, undefined],
      ],
    );
    const corrupt = summary.results[1]?.error;
    assert.ok(corrupt instanceof VfxError);
    assert.equal(corrupt.describe(), 'corrupt.exr: at byte 0: bad magic number');
    assert.match(summary.results[3]?.error?.message ?? '', /x is not a function/);
    assert.match(summary.results[4]?.error?.message ?? '', /a bare string/);
    assert.deepEqual([summary.ok, summary.failed], [2, 4]);
  });

  it('records skipped items with their reason', async () => {
    const summary = await runner.run(['a.exr', 'a.jpg', 'b.exr'], (name) => (name.endsWith('.jpg') ? skipped('already a JPEG') : name.toUpperCase()));
    assert.deepEqual(
      summary.results.map((result) => [result.outcome, result.value, result.reason]),
      [
        ['ok', 'A.EXR', undefined],
        ['skipped', undefined, 'already a JPEG'],
        ['ok', 'B.EXR', undefined],
      ],
    );
    assert.equal(summary.skipped, 1);
    // The marker is plain data: it survives JSON (a queue) and structured cloning (a worker).
    assert.ok(isSkipped(JSON.parse(JSON.stringify(skipped('why')))));
    assert.ok(isSkipped(structuredClone(skipped('why'))));
    assert.ok(!isSkipped({ reason: 'not a marker' }));
  });

  it('reports progress: one event per item, counts rising, and a final event with the total', async () => {
    const events: ProgressEvent[] = [];
    const { source } = countingSource(['a', 'b', 'c', 'd', 'e']);
    await runner.run(source, async (name) => (name === 'c' ? skipped('c') : name === 'd' ? Promise.reject(new Error('d')) : name), {
      concurrency: 1,
      onProgress: (event) => events.push({ ...event }),
    });
    assert.deepEqual(
      events.map((event) => [event.completed, event.total, event.item, event.outcome]),
      [
        [1, undefined, 'a', 'ok'],
        [2, undefined, 'b', 'ok'],
        [3, undefined, 'c', 'skipped'],
        [4, undefined, 'd', 'failed'],
        [5, undefined, 'e', 'ok'],
        [5, 5, undefined, undefined],
      ],
    );
    // An array knows its total from the start; `total` may also be given.
    const arrayEvents: ProgressEvent[] = [];
    await runner.run([1, 2, 3], (item) => item, { onProgress: (event) => arrayEvents.push(event) });
    assert.ok(arrayEvents.every((event) => event.total === 3));
    assert.deepEqual(arrayEvents.map((event) => event.completed), [1, 2, 3, 3]);
    const givenEvents: ProgressEvent[] = [];
    await runner.run(countingSource([1, 2]).source, (item) => item, { total: 2, onProgress: (event) => givenEvents.push(event) });
    assert.ok(givenEvents.every((event) => event.total === 2));
  });

  it('rejects the run when onProgress throws, after the items in flight settle', async () => {
    let settled = 0;
    await assert.rejects(
      runner.run([1, 2, 3, 4, 5, 6], async (item, { signal }) => {
        await sleep(item === 1 ? 0 : 20);
        settled++;
        return signal.aborted ? 'late' : item;
      }, {
        concurrency: 2,
        onProgress: () => {
          throw new Error('listener broke');
        },
      }),
      /listener broke/,
    );
    assert.equal(settled, 2, 'the item in flight settled, no new item started');
  });

  it('pulls items from an async iterable lazily, only when a slot is free', async () => {
    const items = Array.from({ length: 12 }, (_, index) => index);
    const { source, pulled } = countingSource(items, 1);
    let completed = 0;
    let mostAhead = 0;
    const summary = await runner.run(source, async (item) => {
      mostAhead = Math.max(mostAhead, pulled() - completed);
      await sleep(5);
      completed++;
      return item * 2;
    }, { concurrency: 3 });
    assert.ok(mostAhead <= 3, `pulled at most 3 items ahead of the finished ones (was ${mostAhead})`);
    assert.deepEqual(summary.results.map((result) => result.value), items.map((item) => item * 2));
  });

  it('works through a tree scan while it streams', async () => {
    const base = await mkdtemp(join(tmpdir(), 'vfx-runner-scan-'));
    try {
      for (const dir of ['a', 'b', 'c']) {
        await mkdir(join(base, dir));
        for (let frame = 1; frame <= 3; frame++) await writeFile(join(base, dir, `plate.${frame}.exr`), Buffer.alloc(frame));
      }
      async function* files(): AsyncGenerator<ScanFile> {
        for await (const directory of scanTree([base])) yield* directory.files;
      }
      const summary = await runner.run(files(), async (file) => (await stat(file.path)).size, { concurrency: 2 });
      assert.equal(summary.ok, 9);
      assert.deepEqual(summary.results.map((result) => result.value), [1, 2, 3, 1, 2, 3, 1, 2, 3]);
      assert.equal(summary.results[0]?.label, join(base, 'a', 'plate.1.exr'));
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('cancels: no new items start, items in flight see the signal, the rest are cancelled', async () => {
    const controller = new AbortController();
    let started = 0;
    const summary = await runner.run(Array.from({ length: 10 }, (_, index) => index), async (item, { signal }) => {
      started++;
      if (item === 3) controller.abort();
      if (item >= 2) {
        // Work that honours its signal: it stops and throws.
        await sleep(1000, undefined, { signal });
      }
      return item;
    }, { concurrency: 2, signal: controller.signal });
    assert.deepEqual(
      summary.results.map((result) => result.outcome),
      ['ok', 'ok', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled'],
    );
    assert.equal(started, 4);
    assert.deepEqual([summary.ok, summary.cancelled, summary.failed], [2, 8, 0]);
    assert.ok(summary.elapsedMs < 900, 'the run did not wait for the cancelled sleeps');
  });

  it('stops pulling from a cancelled async iterable and closes it', async () => {
    const controller = new AbortController();
    const { source, pulled, closed } = countingSource(Array.from({ length: 100 }, (_, index) => index));
    const summary = await runner.run(source, async (item) => {
      if (item === 4) controller.abort();
      await sleep(1);
      return item;
    }, { concurrency: 2, signal: controller.signal });
    assert.ok(pulled() <= 6);
    assert.ok(closed(), 'the iterable was told to stop');
    assert.equal(summary.results.length, pulled());
    assert.equal(summary.ok + summary.cancelled, summary.results.length);
  });

  it('starts nothing when the signal is already aborted', async () => {
    let started = 0;
    const summary = await runner.run([1, 2, 3], () => started++, { signal: AbortSignal.abort() });
    assert.equal(started, 0);
    assert.equal(summary.cancelled, 3);
  });

  it('leaves no partial file behind when cancelled mid-write through atomic writes', async () => {
    const base = await mkdtemp(join(tmpdir(), 'vfx-runner-atomic-'));
    const chunk = randomBytes(1 << 20);
    const chunks = 24;
    /** Writes to a temporary name beside the target and renames it over the target only when
     *  complete: the target is either absent or whole. */
    async function writeAtomic(path: string, signal: AbortSignal, onChunk: (index: number) => void): Promise<void> {
      const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      const handle = await open(temporary, 'wx');
      try {
        for (let index = 0; index < chunks; index++) {
          signal.throwIfAborted();
          await handle.write(chunk);
          onChunk(index);
        }
        await handle.sync();
      } catch (error) {
        await handle.close();
        await unlink(temporary);
        throw error;
      }
      await handle.close();
      await rename(temporary, path);
    }
    try {
      const controller = new AbortController();
      const outputs = ['a.bin', 'b.bin', 'c.bin', 'd.bin', 'e.bin'].map((name) => join(base, name));
      const summary = await createLocalRunner().run(outputs, async (path, { signal }: JobContext) => {
        await writeAtomic(path, signal, (index) => {
          // Cancel while the third file is half written.
          if (path.endsWith('c.bin') && index === chunks / 2) controller.abort();
        });
        return path;
      }, { concurrency: 1, signal: controller.signal });
      assert.deepEqual(summary.results.map((result) => result.outcome), ['ok', 'ok', 'cancelled', 'cancelled', 'cancelled']);
      assert.deepEqual((await readdir(base)).sort(), ['a.bin', 'b.bin'], 'only whole outputs, no temporary files');
      assert.equal((await stat(outputs[0] as string)).size, chunks * chunk.length);
      assert.equal((await stat(outputs[1] as string)).size, chunks * chunk.length);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('names items by their label option, their path or name, or their position', async () => {
    const summary = await runner.run([{ name: 'n' }, { path: 'p', name: 'n' }, 42, { other: true }], () => 0);
    assert.deepEqual(summary.results.map((result) => result.label), ['n', 'p', '42', 'item 4']);
    const labelled = await runner.run([{ frame: 1001 }], () => 0, { label: (item) => `frame ${item.frame}` });
    assert.equal(labelled.results[0]?.label, 'frame 1001');
  });

  it('rejects bad options with BAD_USAGE', async () => {
    const usage = (error: unknown): boolean => error instanceof VfxError && error.code === 'BAD_USAGE';
    await assert.rejects(runner.run([1], (item) => item, { concurrency: 0 }), usage);
    await assert.rejects(runner.run([1], (item) => item, { concurrency: 1.5 }), usage);
    await assert.rejects(runner.run([1], (item) => item, { total: -1 }), usage);
  });

  it('accepts any iterable: a Set, a generator', async () => {
    const summary = await runner.run(new Set(['x', 'y']), (item) => item + item);
    assert.deepEqual(summary.results.map((result) => result.value), ['xx', 'yy']);
    function* numbers(): Generator<number> {
      yield 1;
      yield 2;
    }
    assert.equal((await runner.run(numbers(), (item) => item)).ok, 2);
  });

  it('rejects when the input itself throws', async () => {
    async function* broken(): AsyncGenerator<number> {
      yield 1;
      throw new VfxError(ErrorCode.IO, 'the listing broke');
    }
    await assert.rejects(runner.run(broken(), (item) => item), /the listing broke/);
  });
});

describe('createWorkerRunner', () => {
  it('runs a module export in workers, results in input order', async () => {
    const runner = createWorkerRunner({ module: jobsModule, exportName: 'checksum', concurrency: 2 });
    const items = Array.from({ length: 6 }, (_, index) => ({ seed: index + 1, rounds: 10_000 + index * 1000 }));
    const summary = await runner.run(items, checksum);
    assert.equal(summary.ok, 6);
    assert.deepEqual(summary.results.map((result) => result.value), items.map((item) => checksum(item)));
  });

  it('brings back values, skips and errors, and replaces crashed workers', async () => {
    const runner = createWorkerRunner({ module: jobsModule.href, exportName: 'behave', concurrency: 2 });
    const items: Behaviour[] = [
      { action: 'double', value: 21 },
      { action: 'skip', reason: 'nothing to do' },
      { action: 'throw-vfx' },
      { action: 'throw-plain' },
      { action: 'exit', code: 3 },
      { action: 'uncaught' },
      { action: 'return-function' },
      { action: 'double', value: 2 },
      { action: 'double', value: 3 },
    ];
    const summary = await runner.run(items, behave, { label: (item) => item.action });
    assert.deepEqual(
      summary.results.map((result) => [result.outcome, result.value ?? result.reason ?? result.error?.code]),
      [
        ['ok', 42],
        ['skipped', 'nothing to do'],
        ['failed', 'CORRUPT'],
        ['failed', 'ENOENT'],
        ['failed', 'IO'],
        ['failed', 'IO'],
        ['failed', 'BAD_USAGE'],
        ['ok', 4],
        ['ok', 6],
      ],
    );
    const corrupt = summary.results[2]?.error;
    assert.ok(corrupt instanceof VfxError);
    assert.deepEqual([corrupt.offset, corrupt.file, corrupt.message], [12, 'throw-vfx', 'bad bytes in the test item']);
    assert.match(summary.results[4]?.error?.message ?? '', /worker .* stopped unexpectedly \(exit code 3\)/);
    assert.match(summary.results[5]?.error?.message ?? '', /uncaught in the worker/);
    assert.match(summary.results[6]?.error?.message ?? '', /structured-clonable/);
  });

  it('cancels: busy workers are terminated and the rest are cancelled', async () => {
    const runner = createWorkerRunner({ module: jobsModule, exportName: 'behave', concurrency: 2 });
    const controller = new AbortController();
    const items: Behaviour[] = [{ action: 'double', value: 1 }, ...Array.from({ length: 6 }, (): Behaviour => ({ action: 'spin', ms: 30_000 }))];
    const began = performance.now();
    const summary = await runner.run(items, behave, {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.completed === 1) setTimeout(() => controller.abort(), 100);
      },
    });
    assert.deepEqual(summary.results.map((result) => result.outcome), ['ok', ...Array.from({ length: 6 }, () => 'cancelled')]);
    // Generous margin: worker start-up is slow on a loaded machine, a 30 s spin is not.
    assert.ok(performance.now() - began < 20_000, 'spinning workers were terminated, not waited for');
  });

  it('lets workers that watch their signal stop on their own within abortGraceMs', async () => {
    const runner = createWorkerRunner({ module: jobsModule, exportName: 'behave', concurrency: 1, abortGraceMs: 30_000 });
    const controller = new AbortController();
    const items: Behaviour[] = [{ action: 'double', value: 1 }, { action: 'wait-for-abort' }, { action: 'double', value: 2 }];
    const began = performance.now();
    const summary = await runner.run(items, behave, {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.completed === 1) setTimeout(() => controller.abort(), 50);
      },
    });
    assert.deepEqual(summary.results.map((result) => result.outcome), ['ok', 'cancelled', 'cancelled']);
    assert.ok(performance.now() - began < 20_000, 'the worker stopped when told, well before the grace period ended');
  });

  it('insists on being given the export the workers call', async () => {
    const usage = (pattern: RegExp) => (error: unknown): boolean => error instanceof VfxError && error.code === 'BAD_USAGE' && pattern.test(error.message);
    await assert.rejects(
      createWorkerRunner({ module: jobsModule, exportName: 'checksum' }).run([{ seed: 1, rounds: 1 }], (item) => checksum(item)),
      usage(/not the export 'checksum'/),
    );
    await assert.rejects(createWorkerRunner({ module: jobsModule, exportName: 'nothing' }).run([1], () => 1), usage(/no function export named 'nothing'/));
    assert.throws(() => createWorkerRunner({ module: './relative.js', exportName: 'x' }), usage(/absolute path/));
  });

  it('is faster than one thread on CPU-bound items (printed, not asserted)', async () => {
    const items = Array.from({ length: 4 }, (_, index) => ({ seed: index + 7, rounds: 100_000_000 }));
    let began = performance.now();
    const serial = items.map((item) => checksum(item));
    const serialMs = performance.now() - began;
    began = performance.now();
    const summary = await createWorkerRunner({ module: jobsModule, exportName: 'checksum', concurrency: 2 }).run(items, checksum);
    const workersMs = performance.now() - began;
    const itemMs = summary.results.reduce((sum, result) => sum + result.ms, 0);
    console.log(
      `4 CPU-bound items: ${serialMs.toFixed(0)} ms in one thread, ${workersMs.toFixed(0)} ms on 2 workers including their start-up ` +
        `(items overlapped: ${itemMs.toFixed(0)} ms of item time in ${workersMs.toFixed(0)} ms)`,
    );
    assert.deepEqual(summary.results.map((result) => result.value), serial);
  });
});
