/**
 * SHA-256 of every file a model was loaded from, so an experiment names the exact weights
 * and tokenizer it ran on (an embedded model has no revision; a Hub branch moves). WebCrypto
 * exists in workers, pages and Node ≥ 20.
 */
export interface ModelFileHash {
  /** Path inside the model folder, e.g. `onnx/model.onnx`. */
  path: string;
  /** Lowercase hex. */
  sha256: string;
}

export async function hashModelFiles(files: ReadonlyMap<string, Uint8Array>): Promise<ModelFileHash[]> {
  const hashes: ModelFileHash[] = [];
  for (const [path, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hashes.push({ path, sha256: await sha256Hex(bytes) });
  }
  return hashes;
}

/** Lowercase hex SHA-256 of some bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
