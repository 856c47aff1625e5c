/**
 * Tokenization parity across languages: how many tokens a tokenizer spends on the same
 * content in each language, relative to English (the "premium" of Petrov et al. 2023, on
 * parallel sentences). The set shipped with the app is parity/parallelSentences.json; its
 * source and licence are in parity/README.md.
 */
import sentences from './parity/parallelSentences.json';

export interface ParallelLanguage {
  code: string;
  name: string;
  script: string;
}

export interface ParallelSet {
  languages: ParallelLanguage[];
  /** Each sentence in every language, keyed by language code. */
  sentences: { id: string; text: Record<string, string> }[];
}

export const PARALLEL_SENTENCES: ParallelSet = sentences;

export interface LanguageParity extends ParallelLanguage {
  /** Tokens over all sentences, each tokenized on its own (no BOS/EOS). */
  tokens: number;
  characters: number;
  bytes: number;
  /** tokens / the reference language's tokens (1 for the reference itself). */
  relativeTokens: number;
  /** UTF-8 bytes per token, to tell script cost (bytes) from vocabulary coverage. */
  bytesPerToken: number;
}

/**
 * Tokens per language relative to a reference language, for one tokenizer.
 *
 * @param countTokens tokens of one sentence (e.g. `(s) => tokenizer.encode(s).length`)
 * @example
 * tokenParity((s) => gpt2.encode(s).length).find((l) => l.code === 'hi')!.relativeTokens // ≈ 5
 */
export function tokenParity(
  countTokens: (text: string) => number,
  set: ParallelSet = PARALLEL_SENTENCES,
  reference = 'en',
): LanguageParity[] {
  const encoder = new TextEncoder();
  const totals = set.languages.map((language) => {
    let tokens = 0;
    let characters = 0;
    let bytes = 0;
    for (const sentence of set.sentences) {
      const text = sentence.text[language.code];
      if (text === undefined)
        throw new Error(`sentence "${sentence.id}" has no ${language.name} (${language.code}) text`);
      tokens += countTokens(text);
      characters += [...text].length;
      bytes += encoder.encode(text).length;
    }
    return { ...language, tokens, characters, bytes };
  });
  const referenceTotal = totals.find((t) => t.code === reference);
  if (!referenceTotal) throw new Error(`the parallel set has no reference language "${reference}"`);
  return totals.map((t) => ({
    ...t,
    relativeTokens: t.tokens / referenceTotal.tokens,
    bytesPerToken: t.tokens ? t.bytes / t.tokens : 0,
  }));
}
