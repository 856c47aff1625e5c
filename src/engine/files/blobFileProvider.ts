/** Model files from a folder the user picked in the browser (Files or Blobs held in memory). */
import type { FolderFile } from '../types';
import type { FileReadOptions, FileReadResult, ModelFileProvider } from './fileProvider';
import { throwIfCancelled } from '../errors';

export class BlobFileProvider implements ModelFileProvider {
  readonly where: string;
  private readonly files = new Map<string, Blob>();

  constructor(folderName: string, files: readonly FolderFile[]) {
    this.where = `the folder "${folderName}"`;
    for (const file of files) this.files.set(normaliseFolderPath(file.path), file.blob);
  }

  /** Paths of every file in the folder, normalised. */
  paths(): string[] {
    return [...this.files.keys()];
  }

  async read(path: string, options: FileReadOptions = {}): Promise<FileReadResult | null> {
    const blob = this.files.get(normaliseFolderPath(path));
    if (!blob) return null;
    throwIfCancelled(options.signal, 'Loading the model');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    options.onBytes?.(bytes.byteLength, bytes.byteLength);
    return { bytes, fromCache: false };
  }
}

/** `./onnx\\model.onnx` and `onnx/model.onnx` name the same file. */
export function normaliseFolderPath(path: string): string {
  return path.replaceAll('\\', '/').replace(/^\.\//, '').replace(/^\/+/, '');
}

/**
 * Files from `<input webkitdirectory>` carry the picked folder's name as the first path
 * segment (`my-model/onnx/model.onnx`): strip it so paths are relative to the model root.
 */
export function stripCommonFolder(paths: readonly string[]): { folderName: string | null; paths: string[] } {
  const normalised = paths.map(normaliseFolderPath);
  const firstSegments = new Set(normalised.map((p) => (p.includes('/') ? p.slice(0, p.indexOf('/')) : null)));
  if (firstSegments.size !== 1) return { folderName: null, paths: normalised };
  const [folderName] = firstSegments;
  if (folderName === null) return { folderName: null, paths: normalised };
  // Only strip when the config is not already at the top (a folder with just `onnx/` inside).
  if (normalised.includes('config.json')) return { folderName: null, paths: normalised };
  return { folderName, paths: normalised.map((p) => p.slice(folderName.length + 1)) };
}
