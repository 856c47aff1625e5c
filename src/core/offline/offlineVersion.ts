/**
 * The offline copy's version: one hash over every file the build ships (path and content). Any
 * change to the app, a model, a tokenizer or ONNX Runtime changes it, so sw.js changes byte for
 * byte and the browser installs the new version into caches of its own.
 */

export interface FileDigest {
  path: string;
  sha256: string;
}

export async function sha256Hex(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const digest = await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** 16 hex digits over the sorted `path sha256` lines: independent of the order files were read in. */
export async function offlineVersion(files: readonly FileDigest[]): Promise<string> {
  const lines = files
    .map((f) => `${f.path} ${f.sha256}\n`)
    .sort()
    .join('');
  return (await sha256Hex(lines)).slice(0, 16);
}
