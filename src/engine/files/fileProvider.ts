/**
 * Where a model's files come from. The loader reads every file through one of these, so
 * progress, cancellation and error messages work the same for embedded models, the Hub,
 * a folder picked in the browser and a folder on disk (CLI).
 */

export interface FileReadOptions {
  signal?: AbortSignal;
  /** Called as bytes arrive; `totalBytes` is null while the size is unknown. */
  onBytes?: (loadedBytes: number, totalBytes: number | null) => void;
}

export interface FileReadResult {
  bytes: Uint8Array;
  /** True when the bytes came from a local store rather than the network. */
  fromCache: boolean;
}

export interface ModelFileProvider {
  /** Where the files are, for messages: a URL, "the folder my-model", a path. */
  readonly where: string;
  /** The file's content, or null when the file does not exist there. */
  read(path: string, options?: FileReadOptions): Promise<FileReadResult | null>;
  /** Whether the file is already stored locally (only the Hub cache says yes). */
  isCached?(path: string): Promise<boolean>;
}

/** Reads a fetch body to the end, reporting progress; grows the buffer when the size is unknown. */
export async function readBodyWithProgress(
  response: Response,
  onBytes: FileReadOptions['onBytes'],
): Promise<Uint8Array> {
  const lengthHeader = response.headers.get('content-length');
  // A compressed response's content-length counts compressed bytes: only trust it when identity.
  const encoding = response.headers.get('content-encoding');
  const declaredBytes = lengthHeader !== null && (!encoding || encoding === 'identity') ? Number(lengthHeader) : null;
  const totalBytes = declaredBytes !== null && Number.isFinite(declaredBytes) ? declaredBytes : null;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onBytes?.(bytes.byteLength, bytes.byteLength);
    return bytes;
  }
  let buffer = new Uint8Array(totalBytes ?? 1 << 16);
  let loaded = 0;
  const reader = response.body.getReader();
  onBytes?.(0, totalBytes);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.byteLength > buffer.byteLength) {
      const grown = new Uint8Array(Math.max(buffer.byteLength * 2, loaded + value.byteLength));
      grown.set(buffer.subarray(0, loaded));
      buffer = grown;
    }
    buffer.set(value, loaded);
    loaded += value.byteLength;
    onBytes?.(loaded, totalBytes);
  }
  return loaded === buffer.byteLength ? buffer : buffer.slice(0, loaded);
}
