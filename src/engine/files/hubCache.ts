/**
 * Local copies of Hub model files, so a model downloaded once loads offline and shows as
 * "cached". Keyed by the file's full URL. Embedded models are never stored here: they
 * come from our own origin and the browser's HTTP cache revalidates them after retraining.
 */
import type { CachedModelEntry } from '../../protocol/model';
import type { FileReadOptions, FileReadResult, ModelFileProvider } from './fileProvider';
import type { HttpFileProvider } from './httpFileProvider';

export interface ModelFileStore {
  get(url: string): Promise<Uint8Array | undefined>;
  has(url: string): Promise<boolean>;
  put(url: string, bytes: Uint8Array): Promise<void>;
  /** Every stored URL with its size in bytes. */
  list(): Promise<{ url: string; bytes: number }[]>;
  delete(urls: readonly string[]): Promise<number>;
}

/** Cache Storage (`caches`), available in windows and workers of a secure context. */
export class CacheStorageStore implements ModelFileStore {
  constructor(private readonly cacheName = 'tokenscope-hub-v1') {}

  private open(): Promise<Cache> {
    return caches.open(this.cacheName);
  }

  async get(url: string): Promise<Uint8Array | undefined> {
    const response = await (await this.open()).match(url);
    return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
  }

  async has(url: string): Promise<boolean> {
    return (await (await this.open()).match(url)) !== undefined;
  }

  async put(url: string, bytes: Uint8Array): Promise<void> {
    const body = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await (await this.open()).put(url, new Response(body, { headers: { 'content-length': String(bytes.byteLength) } }));
  }

  async list(): Promise<{ url: string; bytes: number }[]> {
    const cache = await this.open();
    const requests = await cache.keys();
    return Promise.all(
      requests.map(async (request) => {
        const response = await cache.match(request);
        return { url: request.url, bytes: Number(response?.headers.get('content-length') ?? 0) };
      }),
    );
  }

  async delete(urls: readonly string[]): Promise<number> {
    const cache = await this.open();
    let deleted = 0;
    for (const url of urls) if (await cache.delete(url)) deleted++;
    return deleted;
  }
}

/** An in-memory store, for tests and for runtimes without Cache Storage. */
export class MemoryStore implements ModelFileStore {
  private readonly entries = new Map<string, Uint8Array>();
  async get(url: string) {
    return this.entries.get(url);
  }
  async has(url: string) {
    return this.entries.has(url);
  }
  async put(url: string, bytes: Uint8Array) {
    this.entries.set(url, bytes);
  }
  async list() {
    return [...this.entries].map(([url, bytes]) => ({ url, bytes: bytes.byteLength }));
  }
  async delete(urls: readonly string[]) {
    let deleted = 0;
    for (const url of urls) if (this.entries.delete(url)) deleted++;
    return deleted;
  }
}

/** Reads through the store first and stores what it downloads. */
export class CachingFileProvider implements ModelFileProvider {
  readonly where: string;

  constructor(
    private readonly inner: HttpFileProvider,
    private readonly store: ModelFileStore,
  ) {
    this.where = inner.where;
  }

  async isCached(path: string): Promise<boolean> {
    return this.store.has(this.inner.urlOf(path));
  }

  async read(path: string, options: FileReadOptions = {}): Promise<FileReadResult | null> {
    const url = this.inner.urlOf(path);
    const stored = await this.store.get(url);
    if (stored) {
      options.onBytes?.(stored.byteLength, stored.byteLength);
      return { bytes: stored, fromCache: true };
    }
    const result = await this.inner.read(path, options);
    if (result) await this.store.put(url, result.bytes);
    return result;
  }
}

/** `https://hub/org/name/resolve/main/onnx/model.onnx` → { modelId: 'org/name', path: 'onnx/model.onnx' }. */
export function parseHubFileUrl(url: string): { modelId: string; path: string } | null {
  const match = /^https?:\/\/[^/]+\/(.+?)\/resolve\/[^/]+\/(.+)$/.exec(url);
  return match ? { modelId: match[1], path: decodeURIComponent(match[2]) } : null;
}

/** Groups stored files by Hub model, largest first. */
export function groupCachedFiles(entries: readonly { url: string; bytes: number }[]): CachedModelEntry[] {
  const byModel = new Map<string, CachedModelEntry>();
  for (const entry of entries) {
    const parsed = parseHubFileUrl(entry.url);
    if (!parsed) continue;
    const model = byModel.get(parsed.modelId) ?? { modelId: parsed.modelId, files: [], totalBytes: 0 };
    model.files.push({ path: parsed.path, bytes: entry.bytes });
    model.totalBytes += entry.bytes;
    byModel.set(parsed.modelId, model);
  }
  return [...byModel.values()].sort((a, b) => b.totalBytes - a.totalBytes);
}
