/** Just enough of USD's text format to pull the expected values out of OpenUSD's baselines. */

/** The numbers of `attribute.timeSamples = { 0: [...] }` (or `= (...)` for a matrix) inside the
 *  first block that starts with `within` (a `def ...` line). */
export function usdaSamples(text: string, within: string, attribute: string): number[] {
  const start = text.indexOf(within);
  if (start === -1) throw new Error(`no "${within}" in the usda`);
  const at = text.indexOf(`${attribute}.timeSamples = {`, start);
  if (at === -1) throw new Error(`no ${attribute} after "${within}"`);
  const open = text.indexOf('0: ', at) + 3;
  const close = text.indexOf('\n', open);
  const body = text.slice(open, close);
  return Array.from(body.matchAll(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g), (m) => Number(m[0]));
}
