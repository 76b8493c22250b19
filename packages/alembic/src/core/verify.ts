/**
 * Integrity checks against the hashes Alembic stores: every sample's key is the MurmurHash3 of its
 * bytes, and each object's header block ends with SpookyHash V2 digests of its properties and of
 * its children, computed from property headers and sample keys (`ApwImpl`/`SpwImpl`/`CpwImpl`/
 * `OwImpl` destructors). Recomputing them proves a reader saw every header and sample as written.
 */
import { encodeUtf8 } from '@vfxkit/core';
import { podIndex } from './datatype.js';
import { bytesToWords, hexDigest, murmur3x64, SpookyHash, spookyShortEnd, wordsToBytes } from './hash.js';
import type { AlembicObject } from './object.js';
import { ArrayProperty, CompoundProperty, ScalarProperty, type AlembicProperty } from './property.js';
import { SAMPLE_KEY_SIZE } from './samples.js';

const ZERO_KEY = new Uint8Array(16);

function keyBytes(hex: string): Uint8Array {
  if (hex === '') return ZERO_KEY;
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function u64Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigUint64(i * 8, BigInt(v), true));
  return out;
}

function headerBytes(property: AlembicProperty): Uint8Array {
  const parts: number[] = [...encodeUtf8(property.name), ...encodeUtf8(property.metadata.serialize())];
  if (!(property instanceof CompoundProperty)) {
    parts.push(podIndex(property.pod), property.extent);
    if (property instanceof ScalarProperty) parts.push(0);
    const ts = property.timeSampling;
    const tail = new Uint8Array(12 + ts.storedTimes.length * 8);
    const view = new DataView(tail.buffer);
    view.setFloat64(0, ts.timePerCycle, true);
    view.setUint32(8, ts.storedTimes.length, true);
    ts.storedTimes.forEach((t, i) => view.setFloat64(12 + i * 8, t, true));
    parts.push(...tail);
  }
  return Uint8Array.from(parts);
}

/** The SpookyHash Alembic records for a property (two uint64 words). */
export function propertyHash(property: AlembicProperty): [bigint, bigint] {
  const hash = new SpookyHash();
  if (property instanceof CompoundProperty) {
    const words = property.properties.flatMap((p) => propertyHash(p));
    if (words.length > 0) hash.updateWords(words);
    const header = headerBytes(property);
    if (header.byteLength > 0) hash.update(header);
    return hash.final();
  }
  const header = headerBytes(property);
  if (header.byteLength > 0) hash.update(header);
  if (property.sampleCount > 0) {
    let running: [bigint, bigint] = [0n, 0n];
    for (let i = 0; i < property.sampleCount; i++) {
      const key = keyBytes(property.sampleKey(i));
      let words = bytesToWords(key);
      if (property instanceof ArrayProperty) {
        words = new SpookyHash().update(u64Bytes(property.getDimensions(i))).update(key).final();
      }
      if (i === 0) running = words;
      else {
        const state = [running[0], running[1], words[0], words[1]];
        spookyShortEnd(state);
        running = [state[0]!, state[1]!];
      }
    }
    hash.updateWords(running);
  }
  return hash.final();
}

/** The two digests an object's header block ends with, recomputed; and its own hash. */
export function objectHashes(object: AlembicObject): { properties: string; children: string; own: [bigint, bigint] } {
  const propertyWords = object.properties.properties.flatMap((p) => propertyHash(p));
  const propertiesHash = new SpookyHash();
  if (propertyWords.length > 0) propertiesHash.updateWords(propertyWords);
  const dataHash = propertiesHash.final();
  const childWords = object.children.flatMap((c) => objectHashes(c).own);
  const ownHash = new SpookyHash();
  let childrenHash: [bigint, bigint] = [0n, 0n];
  if (childWords.length > 0) {
    ownHash.updateWords(childWords);
    childrenHash = ownHash.final();
  }
  ownHash.updateWords(dataHash);
  const text = object.metadata.serialize();
  if (text !== '') ownHash.update(encodeUtf8(text));
  ownHash.update(encodeUtf8(object.name));
  return { properties: hexDigest(wordsToBytes(dataHash)), children: hexDigest(wordsToBytes(childrenHash)), own: ownHash.final() };
}

/** One disagreement between stored and recomputed hashes. */
export interface HashProblem {
  location: string;
  what: 'sample key' | 'properties hash' | 'children hash';
  stored: string;
  computed: string;
}

/**
 * Recomputes sample keys (when `samples`) and object hashes below `object`; returns every
 * disagreement (an empty list for an intact archive).
 */
export function verifyHashes(object: AlembicObject, options: { samples?: boolean } = {}): HashProblem[] {
  const problems: HashProblem[] = [];
  const checkSamples = (compound: CompoundProperty): void => {
    for (const p of compound.properties) {
      if (p instanceof CompoundProperty) {
        checkSamples(p);
        continue;
      }
      const seen = new Set<number>();
      for (let i = 0; i < p.sampleCount; i++) {
        const stored = p.storedIndex(i);
        if (seen.has(stored)) continue;
        seen.add(stored);
        const sample = p.getSample(i);
        if (sample.position === 0) continue;
        const bytes = rawPayload(p, i);
        const computed = hexDigest(murmur3x64(bytes));
        if (computed !== sample.key) problems.push({ location: `${p.path}[${i}]`, what: 'sample key', stored: sample.key, computed });
      }
    }
  };
  for (const o of object.walk()) {
    const stored = o.hashes;
    if (stored !== undefined) {
      const computed = objectHashes(o);
      if (computed.properties !== stored.properties) problems.push({ location: o.path, what: 'properties hash', stored: stored.properties, computed: computed.properties });
      if (computed.children !== stored.children) problems.push({ location: o.path, what: 'children hash', stored: stored.children, computed: computed.children });
    }
    if (options.samples === true) checkSamples(o.properties);
  }
  return problems;
}

/** The stored bytes of sample `index` after the key (for checking keys). */
function rawPayload(property: ScalarProperty | ArrayProperty, index: number): Uint8Array {
  return property.rawSampleBytes(index).subarray(SAMPLE_KEY_SIZE);
}
