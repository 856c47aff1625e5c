/** Pure helpers for the paths of a model folder picked in the browser. */

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
