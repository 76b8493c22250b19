/**
 * `vfx meta` (show, set, delete, copy, find) and `vfx catalog` (index, stats): image metadata in
 * one view for every format, through @vfxkit/metadata.
 */
import { Command } from 'commander';
import type { CliContext } from '@vfxkit/tool-common';
import { makeCopy, makeDelete, makeSet } from './edit.js';
import { makeFind } from './find.js';
import { makeShow } from './show.js';

export { makeCatalogCommand } from './catalog.js';

export function makeMetaCommand(context: CliContext): Command {
  return new Command('meta')
    .description('image metadata: show, set, delete, copy, find (EXIF, GPS, IPTC, XMP, ICC through exiftool; EXR attributes)')
    .addHelpText(
      'after',
      `
Tag names are exiftool's; EXR attributes are exr:NAME. Writes go to a temporary beside each file
and replace it atomically; nothing else in the image changes.

Examples:
  $ vfx meta show photo.jpg
  $ vfx meta show --json -r plates/
  $ vfx meta set -r plates/ Artist='Jane Doe'
  $ vfx meta delete -r delivery/ GPS:all
  $ vfx meta find -r photos/ --near 48.8584,2.2945 --radius 5km`,
    )
    .addCommand(makeShow(context))
    .addCommand(makeSet(context))
    .addCommand(makeDelete(context))
    .addCommand(makeCopy(context))
    .addCommand(makeFind(context));
}
