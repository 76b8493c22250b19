// The few web-platform globals pure packages use, present in every browser and in Node >= 11.
// Declared here because pure packages compile with `types: []` and no DOM lib (so a stray `node:`
// import or DOM use fails to type-check).
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
