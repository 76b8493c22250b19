/**
 * BloscLZ decompression (c-blosc's `blosclz.c`, FastLZ level 2 lineage): a control byte below 32
 * starts a run of `ctrl + 1` literals; otherwise its top three bits are a match length (7 meaning
 * "more bytes follow, each adding up to 255") and its low five bits the high part of the distance;
 * a distance byte of 255 with a maximal high part introduces a 16-bit far distance (+ 8191).
 */

const MAX_DISTANCE = 8191;

/** Decodes `input` into `output[outputOffset, outputOffset + outputLength)`; returns bytes written. */
export function blosclzDecompress(input: Uint8Array, output: Uint8Array, outputOffset = 0, outputLength = output.length - outputOffset): number {
  const inputEnd = input.length;
  const outputEnd = outputOffset + outputLength;
  if (inputEnd === 0) return 0;
  let ip = 0;
  let op = outputOffset;
  let ctrl = input[ip++]! & 31;
  for (;;) {
    if (ctrl >= 32) {
      let length = (ctrl >>> 5) - 1;
      let distance = (ctrl & 31) << 8;
      if (length === 6) {
        let code: number;
        do {
          if (ip + 1 >= inputEnd) throw new Error('blosclz: match length runs past the input');
          code = input[ip++]!;
          length += code;
        } while (code === 255);
      } else if (ip + 1 >= inputEnd) {
        throw new Error('blosclz: match runs past the input');
      }
      const code = input[ip++]!;
      length += 3;
      let ref = op - distance - code;
      if (code === 255 && distance === 31 << 8) {
        if (ip + 1 >= inputEnd) throw new Error('blosclz: far distance runs past the input');
        distance = (input[ip]! << 8) + input[ip + 1]!;
        ip += 2;
        ref = op - distance - MAX_DISTANCE;
      }
      if (op + length > outputEnd) throw new Error('blosclz: match runs past the output');
      ref -= 1;
      if (ref < outputOffset) throw new Error('blosclz: match points before the start of the output');
      // As in c-blosc, a stream that ends right after a match's parameters ends there.
      if (ip >= inputEnd) break;
      ctrl = input[ip++]!;
      if (ref === op - 1) {
        output.fill(output[ref]!, op, op + length);
        op += length;
      } else {
        for (let i = 0; i < length; i++) output[op++] = output[ref++]!;
      }
    } else {
      const count = ctrl + 1;
      if (op + count > outputEnd) throw new Error('blosclz: literals run past the output');
      if (ip + count > inputEnd) throw new Error('blosclz: literals run past the input');
      for (let i = 0; i < count; i++) output[op + i] = input[ip + i]!;
      op += count;
      ip += count;
      if (ip >= inputEnd) break;
      ctrl = input[ip++]!;
    }
  }
  return op - outputOffset;
}
