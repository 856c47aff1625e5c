/**
 * The stored form of an ∞-gram index, for IndexedDB or OPFS: one little-endian byte array.
 *
 *   offset  size  field
 *        0     8  magic "TSINFGRM"
 *        8     4  format version (u32, FORMAT_VERSION)
 *       12     4  header size in bytes (u32, 32)
 *       16     4  text length n in symbols, sentinel included (u32)
 *       20     4  document count D (u32)
 *       24     4  token count n − 1 − D (u32, a cross-check)
 *       28     4  checksum of the payload words (u32)
 *       32    4n  text symbols (u32 each)
 *     +4n     4n  suffix array (i32 each)
 *     +8n     4D  document starts (i32 each)
 *
 * Decoding refuses, with a sentence naming the problem, a wrong magic, another version, a
 * truncated or over-long file, inconsistent counts and a checksum mismatch.
 */

export const FORMAT_MAGIC = 'TSINFGRM';
export const FORMAT_VERSION = 1;
const HEADER_BYTES = 32;

export interface IndexParts {
  text: Uint32Array;
  suffixArray: Int32Array;
  documentStarts: Int32Array;
}

/** Typed arrays use the host's byte order; every browser engine we target is little-endian. */
function assertLittleEndianHost(): void {
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
    throw new Error('infini-gram index: this host is big-endian; the stored format is little-endian only');
  }
}

/** A word-wise hash; any single changed word changes it (each step is a bijection of the state). */
function checksum(words: Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) {
    h = Math.imul(h ^ words[i], 0x01000193);
    h = (h << 13) | (h >>> 19);
  }
  return h >>> 0;
}

export function encodeIndex(parts: IndexParts): Uint8Array {
  assertLittleEndianHost();
  const n = parts.text.length;
  const documentCount = parts.documentStarts.length;
  const bytes = new Uint8Array(HEADER_BYTES + 4 * (2 * n + documentCount));
  const payload = new Uint32Array(bytes.buffer, HEADER_BYTES);
  payload.set(parts.text, 0);
  new Int32Array(bytes.buffer, HEADER_BYTES).set(parts.suffixArray, n);
  new Int32Array(bytes.buffer, HEADER_BYTES).set(parts.documentStarts, 2 * n);
  const header = new DataView(bytes.buffer, 0, HEADER_BYTES);
  for (let i = 0; i < FORMAT_MAGIC.length; i++) header.setUint8(i, FORMAT_MAGIC.charCodeAt(i));
  header.setUint32(8, FORMAT_VERSION, true);
  header.setUint32(12, HEADER_BYTES, true);
  header.setUint32(16, n, true);
  header.setUint32(20, documentCount, true);
  header.setUint32(24, n - 1 - documentCount, true);
  header.setUint32(28, checksum(payload), true);
  return bytes;
}

/**
 * Reads an index back. The arrays are views over `bytes`' memory when its offset is 4-byte
 * aligned (no copy of a large index); otherwise the payload is copied once.
 */
export function decodeIndex(bytes: Uint8Array): IndexParts {
  assertLittleEndianHost();
  const fail = (why: string): never => {
    throw new Error(`Not a readable infini-gram index: ${why}`);
  };
  if (bytes.length < HEADER_BYTES) fail(`${bytes.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  const header = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const magic = String.fromCharCode(...bytes.subarray(0, FORMAT_MAGIC.length));
  if (magic !== FORMAT_MAGIC) fail(`wrong magic (expected "${FORMAT_MAGIC}")`);
  const version = header.getUint32(8, true);
  if (version !== FORMAT_VERSION)
    fail(`format version ${version}, this build reads version ${FORMAT_VERSION}; rebuild the index`);
  if (header.getUint32(12, true) !== HEADER_BYTES)
    fail(`header size ${header.getUint32(12, true)}, expected ${HEADER_BYTES}`);
  const n = header.getUint32(16, true);
  const documentCount = header.getUint32(20, true);
  if (n < 1 || documentCount > n - 1 || header.getUint32(24, true) !== n - 1 - documentCount) {
    fail(`inconsistent counts (${n} symbols, ${documentCount} documents, ${header.getUint32(24, true)} tokens)`);
  }
  const expectedBytes = HEADER_BYTES + 4 * (2 * n + documentCount);
  if (bytes.length < expectedBytes) fail(`truncated: ${bytes.length} bytes, expected ${expectedBytes}`);
  if (bytes.length > expectedBytes) fail(`${bytes.length - expectedBytes} unexpected bytes after the index`);

  const aligned = (bytes.byteOffset + HEADER_BYTES) % 4 === 0;
  const source = aligned ? bytes : bytes.slice();
  const start = source.byteOffset + HEADER_BYTES;
  const payload = new Uint32Array(source.buffer, start, 2 * n + documentCount);
  if (checksum(payload) !== header.getUint32(28, true)) fail('checksum mismatch (the file is corrupt)');
  const parts: IndexParts = {
    text: new Uint32Array(source.buffer, start, n),
    suffixArray: new Int32Array(source.buffer, start + 4 * n, n),
    documentStarts: new Int32Array(source.buffer, start + 8 * n, documentCount),
  };
  // Cheap structural checks: the sentinel last and first in the suffix array, starts in order.
  if (parts.text[n - 1] !== 0 || parts.suffixArray[0] !== n - 1) fail('the sentinel is missing');
  let previousStart = -1;
  for (const documentStart of parts.documentStarts) {
    if (documentStart <= previousStart || documentStart >= n) fail('document starts out of order');
    previousStart = documentStart;
  }
  return parts;
}
