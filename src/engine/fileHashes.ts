/**
 * SHA-256 of every file a model was loaded from, so an experiment names the exact weights
 * and tokenizer it ran on (an embedded model has no revision; a Hub branch moves). WebCrypto
 * exists in workers, pages and Node ≥ 20.
 */
import { sha256Hex } from '../core/sha256Hex';

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
