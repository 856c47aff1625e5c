/**
 * Where a model's files come from. The loader reads every file through one of these, so
 * progress, cancellation and error messages work the same for embedded models, the Hub,
 * a folder picked in the browser and a folder on disk (CLI).
 */
import { EngineError } from '../errors';

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

const UTF8_BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];
const LESS_THAN = 0x3c;

/**
 * Whether a file's bytes are an HTML (or XML) page: `<` (after an optional byte order mark and
 * white space) followed by `!`, `?`, `/` or a letter. JSON starts with `{` or `[` and an ONNX
 * model with a protobuf field tag, so a page in their place is what a captive portal, a login
 * page or a host that is not a Hub answered instead of the file.
 */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  let i = UTF8_BYTE_ORDER_MARK.every((byte, k) => bytes[k] === byte) ? UTF8_BYTE_ORDER_MARK.length : 0;
  while (i < bytes.length && isAsciiWhiteSpace(bytes[i])) i++;
  if (bytes[i] !== LESS_THAN || i + 1 >= bytes.length) return false;
  return /[!?/A-Za-z]/.test(String.fromCharCode(bytes[i + 1]));
}

function isAsciiWhiteSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0c;
}

/**
 * The error for an HTML page where a model file should be. With the `url` it was fetched
 * from, the host answered the page (a captive portal, a login page, a wrong Hub host); without
 * one, the file itself (in a folder) is a page.
 */
export function htmlPageError(modelLabel: string, path: string, url: string | null): EngineError {
  const message = url
    ? `${modelLabel}: the host answered an HTML page instead of ${path} (${url}). A captive portal, a login page or a wrong Hub host answers this way: check the Hub host and the network.`
    : `${modelLabel}: ${path} is an HTML page, not ${expectedContentOf(path)}.`;
  return new EngineError('model-file-invalid', message, path);
}

function expectedContentOf(path: string): string {
  if (path.endsWith('.json')) return 'JSON';
  if (path.endsWith('.onnx')) return 'an ONNX model';
  return 'a model file';
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
