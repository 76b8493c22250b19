/**
 * `vfx exr`: look into, check and rework OpenEXR files and sequences. Reading: info (every header
 * attribute), channels (by layer), stats, probe (one pixel). Writing: extract, merge, compress,
 * attr set/delete (header only, pixels untouched). Checking: check (every chunk decoded). The codec
 * is @vfxkit/exr with node:zlib (`@vfxkit/exr/node`) for ZIP, PXR24 and DWA.
 */
import { Command } from 'commander';
import type { CliContext } from '@vfxkit/tool-common';
import { batchCommands } from './batch-commands.js';
import { editCommands } from './edit-commands.js';
import { readCommands } from './read-commands.js';

export { checkExr, type CheckProblem, type CheckReport } from './check.js';
export { editHeader, type HeaderEdit } from './header-edit.js';
export { parseAttribute, SETTABLE_TYPES, STANDARD_TYPES } from './attribute-values.js';
export { extract, merge, recompress } from './rebuild.js';
export { channelStats, type ChannelStats } from './stats.js';
export { probePixel, type ProbeResult } from './probe.js';
export { headerJson, partJson, type HeaderJson, type PartJson } from './info.js';
export { groupLayers, type Layer } from './layers.js';
export { readHeaderOnly } from './files.js';
export { checkFrame, compressFrame, jobsModule, type CheckItem, type CompressItem, type CompressResult } from './jobs.js';

export function makeExrCommand(context: CliContext): Command {
  const command = new Command('exr')
    .description('OpenEXR files and sequences: info, channels, stats, probe, extract, merge, compress, attr, check')
    .addHelpText(
      'after',
      `
Examples:
  $ vfx exr info render.exr                          every header attribute, like exrheader
  $ vfx exr channels render.exr                      channels by layer (AOVs)
  $ vfx exr stats render.exr --channels 'diffuse.*'  min, max, mean, NaN and Inf counts
  $ vfx exr probe render.exr 960 540                 every channel's value at one pixel
  $ vfx exr extract render.exr -o diffuse.exr --channels 'diffuse.*'
  $ vfx exr compress 'renders/beauty.#.exr' --compression dwaa -o delivery/
  $ vfx exr attr set render.exr owner='Studio Ltd'
  $ vfx exr check 'renders/beauty.1001-1100#.exr'    truncated or corrupt frames; exit 1 if any`,
    );
  for (const sub of [...readCommands(context), ...editCommands(context), ...batchCommands(context)]) command.addCommand(sub);
  return command;
}
