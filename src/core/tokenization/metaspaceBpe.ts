/**
 * A SentencePiece-style BPE trainer and its `tokenizer.json`, in the layout Llama 2's Hub
 * tokenizers use: spaces become the metaspace `▁`, one `▁` is prepended to the text, pieces
 * are merged from Unicode characters, and a character outside the learned alphabet falls back
 * to its UTF-8 bytes as `<0xNN>` tokens. Pure and deterministic, like bpeTrainer.ts.
 *
 * Training splits the normalized text the way SentencePiece does by default
 * (split_by_whitespace, split_by_unicode_script): a piece starts at each `▁`, and letters,
 * digits and other characters never share a piece, so no merge crosses those boundaries.
 * The shipped tokenizer has no pre-tokenizer (as Llama 2's): its BPE runs over the whole
 * text, which gives the same tokens because no learned merge spans a boundary.
 */
import { learnMerges, sortedEntries, type BpeTrainingOptions, type BpeTrainingResult } from './bpeTrainer';

export const METASPACE = '\u2581';
export const SP_SPECIALS = ['<unk>', '<s>', '</s>'] as const;
export const SP_BOS = '<s>';
export const SP_EOS = '</s>';

/** `<0x0A>`: the byte-fallback token string of a byte. */
export const byteFallbackToken = (byte: number) => `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;

/** The Llama 2 normalizer: prepend `▁`, then every space becomes `▁`. */
export function metaspaceNormalize(text: string): string {
  return METASPACE + text.replaceAll(' ', METASPACE);
}

const TRAINING_PIECE = new RegExp(
  `${METASPACE}?[\\p{L}\\p{M}]+|${METASPACE}?\\p{N}+|${METASPACE}?[^${METASPACE}\\p{L}\\p{M}\\p{N}]+|${METASPACE}`,
  'gu',
);

/** Splits normalized text into the pieces training merges within. */
export function trainingPieces(normalized: string): string[] {
  return normalized.match(TRAINING_PIECE) ?? [];
}

/** Counts training pieces over documents (each document normalized on its own). */
export function countTrainingPieces(documents: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const doc of documents) {
    for (const piece of trainingPieces(metaspaceNormalize(doc))) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  }
  return counts;
}

export interface MetaspaceBpeOptions extends Pick<BpeTrainingOptions, 'minPairCount' | 'onProgress'> {
  /** The whole vocabulary: specials + 256 byte tokens + alphabet + merges. */
  vocabSize: number;
  /** Characters seen fewer times than this stay out of the alphabet (they fall back to bytes). */
  minCharCount?: number;
}

export interface MetaspaceBpeResult extends BpeTrainingResult {
  /** The characters kept as single-character tokens, in id order. */
  alphabet: string[];
}

/**
 * Trains merges over characters. Token ids: 0-2 the specials, 3-258 `<0x00>`..`<0xFF>`, then
 * the alphabet (by descending count, then code point), then one token per merge.
 */
export function trainMetaspaceBpe(pieceCounts: Map<string, number>, options: MetaspaceBpeOptions): MetaspaceBpeResult {
  const { vocabSize, minCharCount = 2 } = options;
  const entries = sortedEntries(pieceCounts);
  const charCounts = new Map<string, number>();
  for (const [piece, count] of entries) for (const ch of piece) charCounts.set(ch, (charCounts.get(ch) ?? 0) + count);
  const alphabet = [...charCounts.entries()]
    .filter(([, count]) => count >= minCharCount)
    .sort((a, b) => b[1] - a[1] || a[0].codePointAt(0)! - b[0].codePointAt(0)!)
    .map(([ch]) => ch);
  const initialTokens = [...SP_SPECIALS, ...Array.from({ length: 256 }, (_, b) => byteFallbackToken(b)), ...alphabet];
  const mergesWanted = vocabSize - initialTokens.length;
  if (mergesWanted < 0)
    throw new Error(
      `a vocabulary of ${vocabSize} cannot hold the specials, 256 bytes and ${alphabet.length} characters`,
    );
  const charId = new Map(alphabet.map((ch, i) => [ch, SP_SPECIALS.length + 256 + i]));
  // A character outside the alphabet splits its piece: it becomes byte tokens that never merge.
  const words: number[][] = [];
  const wordCounts: number[] = [];
  for (const [piece, count] of entries) {
    let word: number[] = [];
    for (const ch of piece) {
      const id = charId.get(ch);
      if (id !== undefined) {
        word.push(id);
        continue;
      }
      if (word.length > 1) {
        words.push(word);
        wordCounts.push(count);
      }
      word = [];
    }
    if (word.length > 1) {
      words.push(word);
      wordCounts.push(count);
    }
  }
  return { ...learnMerges(words, wordCounts, initialTokens, mergesWanted, options), alphabet };
}

/** A Llama 2 style `tokenizer.json` object that `@huggingface/transformers` loads. */
export function toMetaspaceTokenizerJson(tokens: string[], merges: [string, string][]): object {
  const vocab: Record<string, number> = {};
  tokens.forEach((t, id) => {
    vocab[t] = id;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SP_SPECIALS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: METASPACE },
        { type: 'Replace', pattern: { String: ' ' }, content: METASPACE },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: SP_BOS, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: SP_BOS, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: SP_BOS, type_id: 1 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { [SP_BOS]: { id: SP_BOS, ids: [1], tokens: [SP_BOS] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: METASPACE }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      vocab,
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

/** The `tokenizer_config.json` that goes with toMetaspaceTokenizerJson (Llama 2's keys). */
export function toMetaspaceTokenizerConfig(modelMaxLength: number): object {
  const decoder = Object.fromEntries(
    SP_SPECIALS.map((content, id) => [
      String(id),
      { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
    ]),
  );
  return {
    tokenizer_class: 'LlamaTokenizer',
    add_bos_token: true,
    add_eos_token: false,
    added_tokens_decoder: decoder,
    bos_token: SP_BOS,
    eos_token: SP_EOS,
    unk_token: '<unk>',
    pad_token: null,
    clean_up_tokenization_spaces: false,
    legacy: true,
    model_max_length: modelMaxLength,
  };
}
