/** Model files from a folder on the local file system (the CLI's `--model <folder>`). */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { throwIfCancelled } from '../errors';
import type { FileReadOptions, FileReadResult, ModelFileProvider } from './fileProvider';

export class FsFileProvider implements ModelFileProvider {
  readonly where: string;
  private readonly root: string;

  constructor(folder: string) {
    this.root = resolve(folder);
    this.where = this.root;
  }

  async read(path: string, options: FileReadOptions = {}): Promise<FileReadResult | null> {
    throwIfCancelled(options.signal, 'Loading the model');
    const file = join(this.root, path);
    try {
      const info = await stat(file);
      if (!info.isFile()) return null;
    } catch {
      return null;
    }
    const bytes = new Uint8Array(await readFile(file));
    options.onBytes?.(bytes.byteLength, bytes.byteLength);
    return { bytes, fromCache: false };
  }
}
