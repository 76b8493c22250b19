import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureContext, ProgressReporter } from '@vfxkit/tool-common';
import { commandNames, commandsToLoad } from '@vfxkit/vfx';
import { repoRoot, runVfx, spawnVfxSync } from './helpers.js';

const version = (JSON.parse(readFileSync(join(repoRoot, 'tools/vfx/package.json'), 'utf8')) as { version: string }).version;

describe('vfx conventions', () => {
  it('loads only the tool a command names, every tool for help or an unknown command, none for --version', async () => {
    assert.deepEqual(commandsToLoad(['seq', 'ls', '-r', 'renders/']), ['seq']);
    assert.deepEqual(commandsToLoad(['--json', 'exr', 'info', 'a.exr']), ['exr']);
    assert.deepEqual(commandsToLoad(['help', 'abc']), ['abc']);
    assert.deepEqual(commandsToLoad(['--version']), []);
    assert.deepEqual(commandsToLoad(['--help']), [...commandNames]);
    assert.deepEqual(commandsToLoad(['sqe', 'ls']), [...commandNames]);
    const typo = await runVfx(['sqe', 'ls']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /seq/);
  });
  it('prints its version and help with every tool and examples', async () => {
    const v = await runVfx(['--version']);
    assert.equal(v.code, 0);
    assert.equal(v.stdout.trim(), version);
    const help = await runVfx(['--help']);
    assert.equal(help.code, 0);
    for (const tool of commandNames) assert.match(help.stdout, new RegExp(`^  ${tool} `, 'm'));
    assert.match(help.stdout, /Exit codes: 0 done, 1 some work failed/);
    for (const leaf of [['inspect'], ['scan'], ['seq', 'ls'], ['seq', 'check'], ['seq', 'copy'], ['seq', 'move'], ['seq', 'renumber'], ['seq', 'recover']]) {
      const result = await runVfx([...leaf, '--help']);
      assert.equal(result.code, 0, leaf.join(' '));
      assert.match(result.stdout, /\$ vfx /, `${leaf.join(' ')} --help has examples`);
    }
  });

  it('exits 2 on bad usage with a vfx: message', async () => {
    const unknownOption = await runVfx(['seq', 'ls', '--bogus']);
    assert.equal(unknownOption.code, 2);
    assert.match(unknownOption.stderr, /^vfx: unknown option '--bogus'/m);
    const unknownCommand = await runVfx(['frobnicate']);
    assert.equal(unknownCommand.code, 2);
    const badNumber = await runVfx(['seq', 'renumber', 'x.#.exr', '--start', 'ten']);
    assert.equal(badNumber.code, 2);
    assert.match(badNumber.stderr, /expected a whole number, got 'ten'/);
    const missingArgument = await runVfx(['seq', 'copy', 'a.#.exr']);
    assert.equal(missingArgument.code, 2);
  });

  it('runs as a real process with the same exit codes, and honours NO_COLOR', () => {
    const ok = spawnVfxSync(['seq', 'ls', 'fixtures/renders'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'fixtures/renders/beauty.1001-1005#.png  5 frames\nfixtures/renders/beauty_v002.1001-1003#.png  3 frames\n');
    const colored = spawnVfxSync(['seq', 'ls', 'fixtures/plates'], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    assert.match(colored.stdout, /\u001b\[33mmissing 1006\u001b\[0m/);
    const failed = spawnVfxSync(['inspect', 'does-not-exist.jpg']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^vfx: does-not-exist\.jpg: /m);
    const usage = spawnVfxSync(['seq', 'ls', '--nope']);
    assert.equal(usage.code, 2);
  });
});

describe('progress', () => {
  it('draws nothing for quick work, a bar on a terminal, plain lines otherwise', () => {
    const quick = captureContext();
    const quickBar = new ProgressReporter(quick.context, 'job', { delayMs: 1000 });
    quickBar.update({ completed: 1, total: 2 });
    quickBar.done();
    assert.equal(quick.stderr(), '');

    const plain = captureContext();
    const plainBar = new ProgressReporter(plain.context, 'vfx seq copy', { delayMs: 0, intervalMs: 0, unit: 'frames' });
    plainBar.update({ completed: 5, total: 20 });
    plainBar.done();
    assert.equal(plain.stderr(), 'vfx: vfx seq copy: 5/20 frames (25%)\nvfx: vfx seq copy: 5/20 frames (25%) done\n');

    const tty = captureContext({ tty: true, env: {} });
    const ttyBar = new ProgressReporter(tty.context, 'copy', { delayMs: 0 });
    ttyBar.update({ completed: 10, total: 20 });
    ttyBar.done();
    assert.match(tty.stderr(), /^\rcopy \u001b\[36m█+░+\u001b\[0m 50% 10\/20 /);
    assert.ok(tty.stderr().endsWith('\r\u001b[K'));
  });
});
