/**
 * @vfxkit/slate/node: rendering slates and burn-ins with sharp (libvips + Pango, the bundled Inter
 * font), reading the frames' fields, the built-in templates.
 */
export { FONT_FAMILY, fontDescription, fontFile } from './font.js';
export { escapeMarkup, textMask, type TextMask, type TextOptions } from './text.js';
export { Canvas, type CanvasEncoding, type Picture } from './canvas.js';
export { loadPicture, pictureFromImage } from './picture.js';
export { DEFAULT_FPS, attributeFields, attributeText, frameFields, isoDate, probeSequence, type ProbeOptions, type SequenceProbe, type SequenceSource } from './probe.js';
export { encodeExrImage } from './exr-out.js';
export { encodeSlate, renderSlate, slateFields, slateFrameNumber, thumbFrameNumber, type RenderedSlate, type SlateOptions } from './slate.js';
export { burninFields, burninFormat, burninJobModule, layoutBurnin, runBurninJob, type BurninJob, type BurninResult } from './burnin.js';
export { BUILTIN_TEMPLATES, builtinTemplatePath, loadBuiltinTemplate, readTemplateFile, type BuiltinTemplate } from './templates.js';
