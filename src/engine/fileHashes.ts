/**
 * SHA-256 of every file a model was loaded from, so an experiment names the exact weights
 * and tokenizer it ran on (an embedded model has no revision; a Hub branch moves). WebCrypto
 * exists in workers, pages and Node ≥ 20.
 */
import { sha256Hex } from '../core/sha256Hex';
import type { ModelFileHash } from '../protocol/model';

export type { ModelFileHash };

export async function hashModelFiles(files: ReadonlyMap<string, Uint8Array>): Promise<ModelFileHash[]> {
  const hashes: ModelFileHash[] = [];
  for (const [path, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hashes.push({ path, sha256: await sha256Hex(bytes) });
  }
  return hashes;
}

/**
 * A loaded model's file hashes, computed on the first ask and kept: hashing a model file takes
 * a core for a while (tens of ms for 20 MB, seconds for a 500 MB Hub model), which during the load
 * competed with ONNX Runtime creating the session. A failed hash is not kept, so a later ask retries.
 */
export class LazyFileHashes {
  private hashes: Promise<ModelFileHash[]> | null = null;

  constructor(private readonly files: ReadonlyMap<string, Uint8Array>) {}

  get(): Promise<ModelFileHash[]> {
    if (!this.hashes) {
      const hashing = hashModelFiles(this.files);
      this.hashes = hashing;
      hashing.catch(() => {
        if (this.hashes === hashing) this.hashes = null;
      });
    }
    return this.hashes;
  }
}
