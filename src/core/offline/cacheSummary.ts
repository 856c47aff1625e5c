/** What the offline copy holds, grouped the way the header's badge lists it, with sizes. */

export interface CachedFile {
  /** Relative to the app's base: `index.html`, `models/sotu-gpt/onnx/model.onnx`. */
  path: string;
  bytes: number;
}

export interface CacheGroup {
  /** `App`, `ONNX Runtime`, `Model sotu-gpt-long`, `Tokenizers`, … */
  label: string;
  files: number;
  bytes: number;
}

export interface CacheSummary {
  groups: CacheGroup[];
  files: number;
  bytes: number;
}

/** The group a cached file belongs to: each model on its own, the rest by folder; the shell is "App". */
export function groupLabelOf(path: string): string {
  const [folder, second] = path.split('/');
  if (folder === 'models' && second) return `Model ${second}`;
  if (folder === 'ort') return 'ONNX Runtime';
  if (folder === 'tokenizers') return 'Tokenizers';
  if (folder === 'bigram') return 'Bigram tables';
  if (folder === 'corpus') return 'Corpus';
  return 'App';
}

const GROUP_ORDER = ['App', 'ONNX Runtime', 'Model', 'Tokenizers', 'Bigram tables', 'Corpus'];

function orderOf(label: string): number {
  const at = GROUP_ORDER.indexOf(label.startsWith('Model ') ? 'Model' : label);
  return at === -1 ? GROUP_ORDER.length : at;
}

export function summarizeCache(files: readonly CachedFile[]): CacheSummary {
  const groups = new Map<string, CacheGroup>();
  for (const file of files) {
    const label = groupLabelOf(file.path);
    const group = groups.get(label) ?? { label, files: 0, bytes: 0 };
    group.files += 1;
    group.bytes += file.bytes;
    groups.set(label, group);
  }
  const sorted = [...groups.values()].sort(
    (a, b) => orderOf(a.label) - orderOf(b.label) || a.label.localeCompare(b.label),
  );
  return {
    groups: sorted,
    files: files.length,
    bytes: files.reduce((sum, f) => sum + f.bytes, 0),
  };
}
