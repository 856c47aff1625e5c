/**
 * A byte-level BPE trainer (GPT-2 style). Pure and deterministic: the same documents give
 * the same merges, byte for byte. Ties between equally frequent pairs go to the pair with
 * the smaller (left id, right id).
 */
import { byteToChar, pretokenize } from './byteLevel';

export interface BpeTrainingResult {
  /** Token strings in id order: ids 0..255 are the single bytes (id = byte value). */
  tokens: string[];
  /** Merges in rank order, as [left token string, right token string]. */
  merges: [string, string][];
  /** How often each merge's pair occurred when it was chosen. */
  mergeCounts: number[];
}

export interface BpeTrainingOptions {
  /** Vocabulary size without special tokens (bytes + merges). */
  vocabSizeWithoutSpecials: number;
  /** Pairs seen fewer times than this are never merged. */
  minPairCount?: number;
  onProgress?: (mergesDone: number, mergesWanted: number) => void;
}

const ID_STRIDE = 1 << 16;
const pairKey = (left: number, right: number) => left * ID_STRIDE + right;

/** Counts pre-tokens over documents: the unit BPE merges never cross. */
export function countPretokens(documents: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const doc of documents) {
    for (const word of pretokenize(doc)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** A max-heap of (count, key) with lazy deletion: stale entries are skipped when popped. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];
  get size() {
    return this.counts.length;
  }
  private before(i: number, j: number) {
    return this.counts[i] > this.counts[j] || (this.counts[i] === this.counts[j] && this.keys[i] < this.keys[j]);
  }
  private swap(i: number, j: number) {
    [this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }
  push(count: number, key: number) {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): { count: number; key: number } {
    const top = { count: this.counts[0], key: this.keys[0] };
    const lastCount = this.counts.pop()!,
      lastKey = this.keys.pop()!;
    if (this.counts.length > 0) {
      this.counts[0] = lastCount;
      this.keys[0] = lastKey;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1,
          r = l + 1;
        let best = i;
        if (l < this.counts.length && this.before(l, best)) best = l;
        if (r < this.counts.length && this.before(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }
}

/** Trains byte-level BPE merges from pre-token counts. */
export function trainByteLevelBpe(pretokenCounts: Map<string, number>, options: BpeTrainingOptions): BpeTrainingResult {
  const { vocabSizeWithoutSpecials } = options;
  if (vocabSizeWithoutSpecials < 256) throw new Error('a byte-level vocabulary needs at least the 256 bytes');
  const encoder = new TextEncoder();
  const entries = sortedEntries(pretokenCounts);
  const words = entries.map(([word]) => Array.from(encoder.encode(word)));
  return learnMerges(
    words,
    entries.map(([, count]) => count),
    byteToChar.slice(),
    vocabSizeWithoutSpecials - 256,
    options,
  );
}

/** Sorted so that the result does not depend on the map's insertion order. */
export function sortedEntries(counts: Map<string, number>): [string, number][] {
  return [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * The BPE merge loop shared by the byte-level and the SentencePiece-style trainers. `words`
 * are symbol-id sequences (ids index `initialTokens`), each occurring `wordCounts[w]` times;
 * merges never cross words. Returns the grown token list, the merges and their counts.
 */
export function learnMerges(
  words: number[][],
  wordCounts: number[],
  initialTokens: string[],
  mergesWanted: number,
  options: Pick<BpeTrainingOptions, 'minPairCount' | 'onProgress'> = {},
): BpeTrainingResult {
  const { minPairCount = 2, onProgress } = options;
  if (initialTokens.length + mergesWanted > ID_STRIDE)
    throw new Error(`BPE training supports at most ${ID_STRIDE} tokens`);
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addWordPairs = (w: number, sign: 1 | -1) => {
    const symbols = words[w];
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = pairKey(symbols[i], symbols[i + 1]);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * wordCounts[w]);
      if (sign === 1) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
    }
  };
  words.forEach((_, w) => addWordPairs(w, 1));
  const heap = new PairHeap();
  for (const [key, count] of pairCounts) heap.push(count, key);

  const tokens = initialTokens.slice();
  const merges: [string, string][] = [];
  const mergeCounts: number[] = [];
  while (merges.length < mergesWanted && heap.size > 0) {
    const { count, key } = heap.pop();
    const current = pairCounts.get(key) ?? 0;
    if (current !== count) {
      if (current > 0) heap.push(current, key);
      continue;
    }
    if (count < minPairCount) break;
    const left = Math.floor(key / ID_STRIDE),
      right = key % ID_STRIDE;
    const merged = tokens.length;
    tokens.push(tokens[left] + tokens[right]);
    merges.push([tokens[left], tokens[right]]);
    mergeCounts.push(count);
    const touched = new Set<number>();
    for (const w of pairWords.get(key) ?? []) {
      const symbols = words[w];
      let hasPair = false;
      for (let i = 0; i + 1 < symbols.length; i++)
        if (symbols[i] === left && symbols[i + 1] === right) {
          hasPair = true;
          break;
        }
      if (!hasPair) continue;
      addWordPairs(w, -1);
      const next: number[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
          next.push(merged);
          i++;
        } else next.push(symbols[i]);
      }
      words[w] = next;
      addWordPairs(w, 1);
      for (let i = 0; i + 1 < next.length; i++) touched.add(pairKey(next[i], next[i + 1]));
    }
    pairCounts.delete(key);
    pairWords.delete(key);
    for (const k of touched) {
      const c = pairCounts.get(k) ?? 0;
      if (c > 0) heap.push(c, k);
    }
    if (onProgress && merges.length % 500 === 0) onProgress(merges.length, mergesWanted);
  }
  return { tokens, merges, mergeCounts };
}

/** The special end-of-text token shared by both embedded models. */
export const END_OF_TEXT = '<|endoftext|>';

/**
 * Writes a GPT-2 style `tokenizer.json` object that `@huggingface/transformers` loads.
 * The end-of-text token gets the id after the last regular token.
 */
export function toTokenizerJson(tokens: string[], merges: [string, string][]): object {
  const vocab: Record<string, number> = {};
  tokens.forEach((t, id) => {
    vocab[t] = id;
  });
  const endOfTextId = tokens.length;
  vocab[END_OF_TEXT] = endOfTextId;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: endOfTextId,
        content: END_OF_TEXT,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

/** The `tokenizer_config.json` that goes with toTokenizerJson. */
export function toTokenizerConfig(modelMaxLength: number): object {
  return {
    tokenizer_class: 'GPT2Tokenizer',
    bos_token: END_OF_TEXT,
    eos_token: END_OF_TEXT,
    unk_token: END_OF_TEXT,
    add_bos_token: false,
    add_prefix_space: false,
    clean_up_tokenization_spaces: false,
    model_max_length: modelMaxLength,
  };
}
