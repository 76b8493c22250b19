/**
 * EXR files as metadata: the tags `vfx meta show` prints for a file's header (read without its
 * pixels by @vfxkit/exr/node's `readExrHead`), and header edits written beside the file and renamed into place
 * with the chunks copied unchanged.
 */
import { open } from 'node:fs/promises';
import { VfxError } from '@vfxkit/core';
import { offsetTablesEnd, rewriteExrHead, type ExrAttribute, type ExrHeader, type ExrHeaderEdit as HeaderEdit } from '@vfxkit/exr';
import { readExrHeadFrom, writeRewrittenExr } from '@vfxkit/exr/node';
import { MetaErrorCode, metaError } from '../errors.js';
import { replaceFile, type ReplaceOptions, type ReplaceResult } from '../replace.js';

// Reading only the head of a file is @vfxkit/exr/node's; re-exported under this package's names.
export { readExrHead, readExrHeadFrom, type ExrHead } from '@vfxkit/exr/node';

/** The attributes of every part, each with the name it has in tags: `NAME` for part 0,
 *  `partN:NAME` for the others. */
export function exrAttributesByTag(header: ExrHeader): { key: string; part: number; attribute: ExrAttribute }[] {
  const out: { key: string; part: number; attribute: ExrAttribute }[] = [];
  for (const part of header.parts) {
    for (const attribute of part.attributes) {
      out.push({ key: part.index === 0 ? attribute.name : `part${part.index}:${attribute.name}`, part: part.index, attribute });
    }
  }
  return out;
}

/**
 * Applies `edit` to every part's header of the EXR file at `path` and puts the result in place
 * atomically; the chunks are streamed from the original unchanged. Returns `changed: false` (and
 * leaves the file alone) when the edit changes nothing.
 */
export async function editExrFile(path: string, edit: HeaderEdit, options: ReplaceOptions = {}): Promise<ReplaceResult> {
  return replaceFile(
    path,
    async (temporary) => {
      const source = await open(path, 'r');
      try {
        const { header, bytes, size } = await readExrHeadFrom(source, { tables: true });
        const rewrite = rewriteExrHead(bytes, header, edit);
        if (!rewrite.changed) return 'unchanged';
        const output = await open(temporary, 'wx+');
        try {
          await writeRewrittenExr(source, size, rewrite, output, options.signal).catch((error: unknown) => {
            throw error instanceof VfxError ? error.withFile(path) : error;
          });
          // Check what was written: its headers parse and its tables point where the chunks went.
          const check = await readExrHeadFrom(output, { tables: true });
          const expectedSize = size - rewrite.keepFrom + rewrite.head.length;
          if (check.size !== expectedSize || offsetTablesEnd(check.header) !== rewrite.head.length) {
            throw metaError(MetaErrorCode.META_WRITE_FAILED, 'the rewritten EXR did not check out; the file was left as it was');
          }
        } finally {
          await output.close();
        }
        return 'changed';
      } finally {
        await source.close();
      }
    },
    options,
  );
}
