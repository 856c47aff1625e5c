/**
 * The offline copy's version: one hash over every file the build ships (path and content). Any
 * change to the app, a model, a tokenizer or ONNX Runtime changes it, so sw.js changes byte for
 * byte and the browser installs the new version into caches of its own.
 */

import { sha256Hex } from '../sha256Hex';

export interface FileDigest {
  path: string;
  sha256: string;
}

/** 16 hex digits over the sorted `path sha256` lines: independent of the order files were read in. */
export async function offlineVersion(files: readonly FileDigest[]): Promise<string> {
  const lines = files
    .map((f) => `${f.path} ${f.sha256}\n`)
    .sort()
    .join('');
  return (await sha256Hex(lines)).slice(0, 16);
}
