/** Model files from a folder the user picked in the browser (Files or Blobs held in memory). */
import type { FolderFile } from '../../protocol/model';
import type { FileReadOptions, FileReadResult, ModelFileProvider } from './fileProvider';
import { throwIfCancelled } from '../errors';
import { normaliseFolderPath } from '../../core/folderPaths';

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
