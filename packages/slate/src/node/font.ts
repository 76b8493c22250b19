/**
 * The bundled font: Inter (SIL Open Font License) from the `@expo-google-fonts/inter` package, one
 * TTF per weight, resolved through the package system (never a system font and never a
 * hard-coded path), so text renders the same on every machine.
 */
import { createRequire } from 'node:module';
import type { FontWeight } from '../template.js';

const require = createRequire(import.meta.url);

const FILES: Record<FontWeight, { file: string; style: string }> = {
  light: { file: '300Light/Inter_300Light.ttf', style: 'Light' },
  regular: { file: '400Regular/Inter_400Regular.ttf', style: '' },
  medium: { file: '500Medium/Inter_500Medium.ttf', style: 'Medium' },
  semibold: { file: '600SemiBold/Inter_600SemiBold.ttf', style: 'Semi-Bold' },
  bold: { file: '700Bold/Inter_700Bold.ttf', style: 'Bold' },
};

export const FONT_FAMILY = 'Inter';

/** The path of the bundled TTF of a weight. */
export function fontFile(weight: FontWeight): string {
  return require.resolve(`@expo-google-fonts/inter/${FILES[weight].file}`);
}

/** The Pango font description of a weight at `pixels` em (rendered at 72 dpi: 1 pt = 1 px). */
export function fontDescription(weight: FontWeight, pixels: number): string {
  const style = FILES[weight].style;
  return `${FONT_FAMILY}${style ? ` ${style}` : ''} ${Math.round(pixels * 100) / 100}`;
}
