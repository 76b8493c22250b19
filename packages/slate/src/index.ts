/**
 * @vfxkit/slate: slates and burn-ins for review, the pure part: the template model and its
 * validation (YAML/JSON with line numbers), fields and placeholders, timecode, colour bars and
 * layout. Rendering with sharp, reading the frames and the built-in templates are in
 * `@vfxkit/slate/node`.
 */
export { SlateErrorCode, slateError } from './errors.js';
export { canvasColor, linearToSrgb, parseHexColor, srgbToLinear, type Rgb } from './color.js';
export { BAR_LEVEL, BAR_NAMES, BAR_PATTERN, barValues, columnEdges, rampValue } from './bars.js';
export { framesToTimecode, isDropFrameRate, packedTimecodeText, timecodeOfFrame, timecodeToFrames, type TimecodeClock, type TimecodeOptions } from './timecode.js';
export {
  KNOWN_FIELDS,
  checkPlaceholders,
  checkRequired,
  expandText,
  hasValue,
  isPerFrameField,
  isPerFrameText,
  parseSetArgument,
  placeholders,
  versionFromName,
  type FieldValues,
} from './fields.js';
export { fitPicture, letterboxBars, pixelBox, placeInBox, splitRow, textPixels, type PixelBox } from './layout.js';
export {
  BURNIN_POSITIONS,
  DEFAULT_BURNIN,
  FONT_WEIGHTS,
  parseTemplate,
  templateFields,
  type Align,
  type BarsElement,
  type BurninPosition,
  type BurninTemplate,
  type FontWeight,
  type GuidesElement,
  type LogoElement,
  type RampElement,
  type RectElement,
  type RelativeBox,
  type SlateElement,
  type SlateTemplate,
  type TableElement,
  type TableRow,
  type TextElement,
  type TextStyle,
  type ThumbFrame,
  type ThumbnailsElement,
  type VAlign,
} from './template.js';
