import { describe, expect, it } from 'vitest';
import { groupLabelOf, summarizeCache } from './cacheSummary';

describe('summarizeCache', () => {
  it('groups the app, ONNX Runtime, each model and the tokenizers, with sizes', () => {
    const summary = summarizeCache([
      { path: 'tokenizers/gpt2/tokenizer.json', bytes: 1000 },
      { path: 'models/sotu-gpt-long/onnx/model.onnx', bytes: 21_000_000 },
      { path: 'index.html', bytes: 700 },
      { path: 'ort/ort-wasm-simd-threaded.wasm', bytes: 14_000_000 },
      { path: 'models/sotu-gpt-long/config.json', bytes: 500 },
      { path: 'models/sotu-bytes-long/onnx/model.onnx', bytes: 19_000_000 },
      { path: 'assets/index-abc.js', bytes: 800_000 },
      { path: 'tokenizers/qwen3/tokenizer.json', bytes: 2000 },
    ]);
    expect(summary.groups).toEqual([
      { label: 'App', files: 2, bytes: 800_700 },
      { label: 'ONNX Runtime', files: 1, bytes: 14_000_000 },
      { label: 'Model sotu-bytes-long', files: 1, bytes: 19_000_000 },
      { label: 'Model sotu-gpt-long', files: 2, bytes: 21_000_500 },
      { label: 'Tokenizers', files: 2, bytes: 3000 },
    ]);
    expect(summary.files).toBe(8);
    expect(summary.bytes).toBe(800_700 + 14_000_000 + 19_000_000 + 21_000_500 + 3000);
  });

  it('names the bigram and corpus tables', () => {
    expect(groupLabelOf('bigram/sotu-bpe.bin')).toBe('Bigram tables');
    expect(groupLabelOf('corpus/index.json')).toBe('Corpus');
    expect(groupLabelOf('manifest.webmanifest')).toBe('App');
  });

  it('is empty for empty caches', () => {
    expect(summarizeCache([])).toEqual({ groups: [], files: 0, bytes: 0 });
  });
});
