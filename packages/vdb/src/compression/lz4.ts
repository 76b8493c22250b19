/**
 * LZ4 block decompression (the LZ4 block format, lz4/doc/lz4_Block_format.md): a run of sequences,
 * each a token (high nibble: literal length, low nibble: match length - 4, 15 meaning "more bytes
 * follow, each adding up to 255"), the literals, a 2-byte little-endian match offset and the
 * match copy (which may overlap its own output). The last sequence has literals only.
 *
 * This is the compressor OpenVDB asks Blosc for (`BLOSC_LZ4_COMPNAME`).
 */

/**
 * Decodes `input` into `output` (whose length is the expected size) starting at `outputOffset`,
 * writing at most `outputLength` bytes. Returns the number of bytes written; throws on malformed
 * input (a match before the start, a read past either end).
 */
export function lz4DecompressBlock(input: Uint8Array, output: Uint8Array, outputOffset = 0, outputLength = output.length - outputOffset): number {
  const inputEnd = input.length;
  const outputEnd = outputOffset + outputLength;
  let ip = 0;
  let op = outputOffset;
  while (ip < inputEnd) {
    const token = input[ip++]!;
    // Literals.
    let literalLength = token >>> 4;
    if (literalLength === 15) {
      let byte: number;
      do {
        if (ip >= inputEnd) throw new Error('lz4: literal length runs past the input');
        byte = input[ip++]!;
        literalLength += byte;
      } while (byte === 255);
    }
    if (literalLength > 0) {
      if (ip + literalLength > inputEnd) throw new Error('lz4: literals run past the input');
      if (op + literalLength > outputEnd) throw new Error('lz4: literals run past the output');
      if (literalLength < 16) {
        for (let i = 0; i < literalLength; i++) output[op + i] = input[ip + i]!;
      } else {
        output.set(input.subarray(ip, ip + literalLength), op);
      }
      ip += literalLength;
      op += literalLength;
    }
    if (ip >= inputEnd) break; // the last sequence ends after its literals
    // Match.
    if (ip + 2 > inputEnd) throw new Error('lz4: match offset runs past the input');
    const offset = input[ip]! | (input[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op - outputOffset) throw new Error(`lz4: match offset ${offset} points before the start of the output`);
    let matchLength = (token & 15) + 4;
    if ((token & 15) === 15) {
      let byte: number;
      do {
        if (ip >= inputEnd) throw new Error('lz4: match length runs past the input');
        byte = input[ip++]!;
        matchLength += byte;
      } while (byte === 255);
    }
    if (op + matchLength > outputEnd) throw new Error('lz4: match runs past the output');
    let from = op - offset;
    if (offset === 1) {
      output.fill(output[from]!, op, op + matchLength);
      op += matchLength;
    } else if (offset >= matchLength && matchLength > 24) {
      output.copyWithin(op, from, from + matchLength);
      op += matchLength;
    } else {
      const end = op + matchLength;
      while (op < end) output[op++] = output[from++]!;
    }
  }
  return op - outputOffset;
}
