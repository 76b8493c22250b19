/**
 * The two hashes Alembic writes into Ogawa archives, so that archives we write carry the same keys
 * and so that tests can check our reading of real archives against the keys stored in them:
 *
 * - every sample's 16-byte key is MurmurHash3_x64_128 of its bytes (`lib/Alembic/Util/Murmur3.cpp`,
 *   seed 0, little-endian), the key Ogawa uses to store identical samples once;
 * - property and object hashes (the last 32 bytes of each object's header block) are SpookyHash V2
 *   (`lib/Alembic/Util/SpookyV2.cpp`, Bob Jenkins, public domain).
 *
 * Murmur3 runs over every sample written, so it is done in 32-bit halves (no BigInt); SpookyHash
 * only ever sees headers and digests and uses BigInt for clarity.
 */

// ---- 64-bit arithmetic on (high, low) uint32 pairs; results in rh/rl ----
let rh = 0;
let rl = 0;

function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const lowFull = a0 * b0 + (mid % 65536) * 65536;
  const low = lowFull >>> 0;
  const carry = (lowFull - low) / 4294967296;
  const high = a1 * b1 + Math.floor(mid / 65536) + carry + Math.imul(ah, bl) + Math.imul(al, bh);
  rh = high >>> 0;
  rl = low;
}

function rotl64(h: number, l: number, r: number): void {
  if (r === 32) {
    rh = l;
    rl = h;
    return;
  }
  if (r > 32) {
    const t = h;
    h = l;
    l = t;
    r -= 32;
  }
  rh = ((h << r) | (l >>> (32 - r))) >>> 0;
  rl = ((l << r) | (h >>> (32 - r))) >>> 0;
}

function add64(ah: number, al: number, bh: number, bl: number): void {
  const low = al + bl;
  rl = low >>> 0;
  rh = (ah + bh + (low > 0xffffffff ? 1 : 0)) >>> 0;
}

const C1H = 0x87c37b91;
const C1L = 0x114253d5;
const C2H = 0x4cf5ad43;
const C2L = 0x2745937f;

function fmix64(h: number, l: number): void {
  l = (l ^ (h >>> 1)) >>> 0;
  mul64(h, l, 0xff51afd7, 0xed558ccd);
  h = rh;
  l = rl;
  l = (l ^ (h >>> 1)) >>> 0;
  mul64(h, l, 0xc4ceb9fe, 0x1a85ec53);
  h = rh;
  l = rl;
  l = (l ^ (h >>> 1)) >>> 0;
  rh = h;
  rl = l;
}

/**
 * MurmurHash3_x64_128 with seed 0, as Alembic computes sample keys: 16 bytes, h1 then h2, each
 * little-endian.
 */
export function murmur3x64(bytes: Uint8Array): Uint8Array {
  const length = bytes.byteLength;
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const blocks = Math.floor(length / 16);
  let h1h = 0;
  let h1l = 0;
  let h2h = 0;
  let h2l = 0;
  for (let i = 0; i < blocks; i++) {
    const at = i * 16;
    // k1
    mul64(view.getUint32(at + 4, true), view.getUint32(at, true), C1H, C1L);
    rotl64(rh, rl, 31);
    mul64(rh, rl, C2H, C2L);
    h1h = (h1h ^ rh) >>> 0;
    h1l = (h1l ^ rl) >>> 0;
    rotl64(h1h, h1l, 27);
    add64(rh, rl, h2h, h2l);
    mul64(rh, rl, 0, 5);
    add64(rh, rl, 0, 0x52dce729);
    h1h = rh;
    h1l = rl;
    // k2
    mul64(view.getUint32(at + 12, true), view.getUint32(at + 8, true), C2H, C2L);
    rotl64(rh, rl, 33);
    mul64(rh, rl, C1H, C1L);
    h2h = (h2h ^ rh) >>> 0;
    h2l = (h2l ^ rl) >>> 0;
    rotl64(h2h, h2l, 31);
    add64(rh, rl, h1h, h1l);
    mul64(rh, rl, 0, 5);
    add64(rh, rl, 0, 0x38495ab5);
    h2h = rh;
    h2l = rl;
  }
  // Tail: up to 15 bytes, k1 from bytes 0..7, k2 from bytes 8..14, little-endian.
  const tail = blocks * 16;
  const rest = length & 15;
  if (rest > 8) {
    let kh = 0;
    let kl = 0;
    for (let i = rest - 1; i >= 8; i--) {
      const shift = (i - 8) * 8;
      if (shift >= 32) kh |= bytes[tail + i]! << (shift - 32);
      else kl |= bytes[tail + i]! << shift;
    }
    mul64(kh >>> 0, kl >>> 0, C2H, C2L);
    rotl64(rh, rl, 33);
    mul64(rh, rl, C1H, C1L);
    h2h = (h2h ^ rh) >>> 0;
    h2l = (h2l ^ rl) >>> 0;
  }
  if (rest > 0) {
    let kh = 0;
    let kl = 0;
    for (let i = Math.min(rest, 8) - 1; i >= 0; i--) {
      const shift = i * 8;
      if (shift >= 32) kh |= bytes[tail + i]! << (shift - 32);
      else kl |= bytes[tail + i]! << shift;
    }
    mul64(kh >>> 0, kl >>> 0, C1H, C1L);
    rotl64(rh, rl, 31);
    mul64(rh, rl, C2H, C2L);
    h1h = (h1h ^ rh) >>> 0;
    h1l = (h1l ^ rl) >>> 0;
  }
  // Finalisation.
  const lengthLow = length >>> 0;
  const lengthHigh = Math.floor(length / 4294967296) >>> 0;
  h1h = (h1h ^ lengthHigh) >>> 0;
  h1l = (h1l ^ lengthLow) >>> 0;
  h2h = (h2h ^ lengthHigh) >>> 0;
  h2l = (h2l ^ lengthLow) >>> 0;
  add64(h1h, h1l, h2h, h2l);
  h1h = rh;
  h1l = rl;
  add64(h2h, h2l, h1h, h1l);
  h2h = rh;
  h2l = rl;
  fmix64(h1h, h1l);
  h1h = rh;
  h1l = rl;
  fmix64(h2h, h2l);
  h2h = rh;
  h2l = rl;
  add64(h1h, h1l, h2h, h2l);
  h1h = rh;
  h1l = rl;
  add64(h2h, h2l, h1h, h1l);
  h2h = rh;
  h2l = rl;
  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  outView.setUint32(0, h1l, true);
  outView.setUint32(4, h1h, true);
  outView.setUint32(8, h2l, true);
  outView.setUint32(12, h2h, true);
  return out;
}

// ---- SpookyHash V2 ----
const MASK = (1n << 64n) - 1n;
const SC_CONST = 0xdeadbeefdeadbeefn;
const NUM_VARS = 12;
const BLOCK_SIZE = NUM_VARS * 8;
const BUF_SIZE = 2 * BLOCK_SIZE;

function rot(x: bigint, k: number): bigint {
  const kk = BigInt(k);
  return ((x << kk) | (x >> (64n - kk))) & MASK;
}

function word(view: DataView, at: number): bigint {
  return view.getBigUint64(at, true);
}

/** ShortMix, exactly as SpookyV2.h. */
function shortMix(h: bigint[]): void {
  let h0 = h[0]!;
  let h1 = h[1]!;
  let h2 = h[2]!;
  let h3 = h[3]!;
  h2 = rot(h2, 50); h2 = (h2 + h3) & MASK; h0 ^= h2;
  h3 = rot(h3, 52); h3 = (h3 + h0) & MASK; h1 ^= h3;
  h0 = rot(h0, 30); h0 = (h0 + h1) & MASK; h2 ^= h0;
  h1 = rot(h1, 41); h1 = (h1 + h2) & MASK; h3 ^= h1;
  h2 = rot(h2, 54); h2 = (h2 + h3) & MASK; h0 ^= h2;
  h3 = rot(h3, 48); h3 = (h3 + h0) & MASK; h1 ^= h3;
  h0 = rot(h0, 38); h0 = (h0 + h1) & MASK; h2 ^= h0;
  h1 = rot(h1, 37); h1 = (h1 + h2) & MASK; h3 ^= h1;
  h2 = rot(h2, 62); h2 = (h2 + h3) & MASK; h0 ^= h2;
  h3 = rot(h3, 34); h3 = (h3 + h0) & MASK; h1 ^= h3;
  h0 = rot(h0, 5); h0 = (h0 + h1) & MASK; h2 ^= h0;
  h1 = rot(h1, 36); h1 = (h1 + h2) & MASK; h3 ^= h1;
  h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3;
}

/** ShortEnd, exactly as SpookyV2.h (Alembic also calls it directly to chain sample digests). */
export function spookyShortEnd(h: bigint[]): void {
  let h0 = h[0]!;
  let h1 = h[1]!;
  let h2 = h[2]!;
  let h3 = h[3]!;
  h3 ^= h2; h2 = rot(h2, 15); h3 = (h3 + h2) & MASK;
  h0 ^= h3; h3 = rot(h3, 52); h0 = (h0 + h3) & MASK;
  h1 ^= h0; h0 = rot(h0, 26); h1 = (h1 + h0) & MASK;
  h2 ^= h1; h1 = rot(h1, 51); h2 = (h2 + h1) & MASK;
  h3 ^= h2; h2 = rot(h2, 28); h3 = (h3 + h2) & MASK;
  h0 ^= h3; h3 = rot(h3, 9); h0 = (h0 + h3) & MASK;
  h1 ^= h0; h0 = rot(h0, 47); h1 = (h1 + h0) & MASK;
  h2 ^= h1; h1 = rot(h1, 54); h2 = (h2 + h1) & MASK;
  h3 ^= h2; h2 = rot(h2, 32); h3 = (h3 + h2) & MASK;
  h0 ^= h3; h3 = rot(h3, 25); h0 = (h0 + h3) & MASK;
  h1 ^= h0; h0 = rot(h0, 63); h1 = (h1 + h0) & MASK;
  h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3;
}

function spookyShort(bytes: Uint8Array, seed1: bigint, seed2: bigint): [bigint, bigint] {
  const length = bytes.byteLength;
  // Pad to whole words so the tail reads below stay in bounds.
  const padded = new Uint8Array(Math.ceil((length + 1) / 8) * 8 + 16);
  padded.set(bytes);
  const view = new DataView(padded.buffer);
  let remainder = length % 32;
  const h = [seed1, seed2, SC_CONST, SC_CONST];
  let at = 0;
  if (length > 15) {
    const end = Math.floor(length / 32) * 32;
    for (; at < end; at += 32) {
      h[2] = (h[2]! + word(view, at)) & MASK;
      h[3] = (h[3]! + word(view, at + 8)) & MASK;
      shortMix(h);
      h[0] = (h[0]! + word(view, at + 16)) & MASK;
      h[1] = (h[1]! + word(view, at + 24)) & MASK;
    }
    if (remainder >= 16) {
      h[2] = (h[2]! + word(view, at)) & MASK;
      h[3] = (h[3]! + word(view, at + 8)) & MASK;
      shortMix(h);
      at += 16;
      remainder -= 16;
    }
  }
  h[3] = (h[3]! + (BigInt(length) << 56n)) & MASK;
  // The last 0..15 bytes, little-endian: bytes 0..7 into c, 8..14 into d (the C++ switch).
  let c = 0n;
  let d = 0n;
  if (remainder === 0) {
    c = SC_CONST;
    d = SC_CONST;
  } else {
    for (let i = Math.min(remainder, 8) - 1; i >= 0; i--) c = (c << 8n) | BigInt(padded[at + i]!);
    for (let i = remainder - 1; i >= 8; i--) d = (d << 8n) | BigInt(padded[at + i]!);
  }
  h[2] = (h[2]! + c) & MASK;
  h[3] = (h[3]! + d) & MASK;
  spookyShortEnd(h);
  return [h[0]!, h[1]!];
}

const MIX_ROTATIONS = [11, 32, 43, 31, 17, 28, 39, 57, 55, 54, 22, 46];
const END_ROTATIONS = [44, 15, 34, 21, 38, 33, 10, 13, 38, 53, 42, 54];

function mix(view: DataView, at: number, s: bigint[]): void {
  for (let i = 0; i < 12; i++) {
    // s_i += data[i]; s_{i+2} ^= s_{i+10}; s_{i+11} ^= s_i; s_i = rot(s_i, r); s_{i+11} += s_{i+1}
    s[i] = (s[i]! + word(view, at + i * 8)) & MASK;
    s[(i + 2) % 12] = s[(i + 2) % 12]! ^ s[(i + 10) % 12]!;
    s[(i + 11) % 12] = s[(i + 11) % 12]! ^ s[i]!;
    s[i] = rot(s[i]!, MIX_ROTATIONS[i]!);
    s[(i + 11) % 12] = (s[(i + 11) % 12]! + s[(i + 1) % 12]!) & MASK;
  }
}

function endPartial(h: bigint[]): void {
  for (let i = 0; i < 12; i++) {
    // h_{i+11} += h_{i+1}; h_{i+2} ^= h_{i+11}; h_{i+1} = rot(h_{i+1}, r)
    h[(i + 11) % 12] = (h[(i + 11) % 12]! + h[(i + 1) % 12]!) & MASK;
    h[(i + 2) % 12] = h[(i + 2) % 12]! ^ h[(i + 11) % 12]!;
    h[(i + 1) % 12] = rot(h[(i + 1) % 12]!, END_ROTATIONS[i]!);
  }
}

/** SpookyHash V2 Hash128 (equal to Init + Update(all pieces) + Final). */
export function spookyHash128(bytes: Uint8Array, seed1 = 0n, seed2 = 0n): [bigint, bigint] {
  const length = bytes.byteLength;
  if (length < BUF_SIZE) return spookyShort(bytes, seed1, seed2);
  const s = [seed1, seed2, SC_CONST, seed1, seed2, SC_CONST, seed1, seed2, SC_CONST, seed1, seed2, SC_CONST];
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const whole = Math.floor(length / BLOCK_SIZE) * BLOCK_SIZE;
  for (let at = 0; at < whole; at += BLOCK_SIZE) mix(view, at, s);
  const remainder = length - whole;
  const last = new Uint8Array(BLOCK_SIZE);
  last.set(bytes.subarray(whole));
  last[BLOCK_SIZE - 1] = remainder;
  const lastView = new DataView(last.buffer);
  for (let i = 0; i < 12; i++) s[i] = (s[i]! + word(lastView, i * 8)) & MASK;
  endPartial(s);
  endPartial(s);
  endPartial(s);
  return [s[0]!, s[1]!];
}

/** Incremental SpookyHash over pieces (Init(0,0) / Update / Final), by concatenation. */
export class SpookyHash {
  private readonly pieces: Uint8Array[] = [];
  private length = 0;
  update(bytes: Uint8Array): this {
    this.pieces.push(new Uint8Array(bytes));
    this.length += bytes.byteLength;
    return this;
  }
  updateWords(words: readonly bigint[]): this {
    const bytes = new Uint8Array(words.length * 8);
    const view = new DataView(bytes.buffer);
    words.forEach((w, i) => view.setBigUint64(i * 8, w & MASK, true));
    return this.update(bytes);
  }
  final(): [bigint, bigint] {
    const all = new Uint8Array(this.length);
    let at = 0;
    for (const piece of this.pieces) {
      all.set(piece, at);
      at += piece.byteLength;
    }
    return spookyHash128(all);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Bytes as lowercase hex (how digests are shown); `length` bytes from `start` when given. */
export function hexDigest(bytes: Uint8Array, start = 0, length = bytes.byteLength - start): string {
  let out = '';
  for (let i = start; i < start + length; i++) out += HEX[bytes[i]!]!;
  return out;
}

/** Two little-endian uint64 words as 16 bytes. */
export function wordsToBytes(words: readonly [bigint, bigint]): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, words[0] & MASK, true);
  view.setBigUint64(8, words[1] & MASK, true);
  return bytes;
}

/** 16 bytes as two little-endian uint64 words. */
export function bytesToWords(bytes: Uint8Array): [bigint, bigint] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return [view.getBigUint64(0, true), view.getBigUint64(8, true)];
}
