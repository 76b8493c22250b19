/**
 * The built-in templates (YAML files shipped in the package's `templates/` folder) and reading a
 * user's template file.
 */
import { readFile } from 'node:fs/promises';
import { VfxError, ErrorCode } from '@vfxkit/core';
import { parseTemplate, type SlateTemplate } from '../template.js';

/** The names of the built-in templates: `classic` (the review slate) and `minimal` (a client slate). */
export const BUILTIN_TEMPLATES = ['classic', 'minimal'] as const;
export type BuiltinTemplate = (typeof BUILTIN_TEMPLATES)[number];

/** The file of a built-in template (src/node and dist/node both sit two levels under the package). */
export function builtinTemplatePath(name: BuiltinTemplate): string {
  return new URL(`../../templates/${name}.yaml`, import.meta.url).pathname;
}

/** Reads and validates a template file (YAML or JSON), naming it as `shown` in errors. */
export async function readTemplateFile(path: string, shown: string = path): Promise<SlateTemplate> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VfxError(code === 'ENOENT' ? ErrorCode.NOT_FOUND : ErrorCode.IO, code === 'ENOENT' ? 'no such template file' : `cannot read the template (${code ?? 'error'})`, { file: shown, cause: error });
  }
  return parseTemplate(text, shown);
}

/** A built-in template by name. */
export async function loadBuiltinTemplate(name: BuiltinTemplate): Promise<SlateTemplate> {
  const template = await readTemplateFile(builtinTemplatePath(name), `${name} (built-in)`);
  delete template.file;
  return template;
}
