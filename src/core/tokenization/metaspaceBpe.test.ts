import { PreTrainedTokenizer } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import {
  byteFallbackToken,
  countTrainingPieces,
  metaspaceNormalize,
  toMetaspaceTokenizerConfig,
  toMetaspaceTokenizerJson,
  trainingPieces,
  trainMetaspaceBpe,
} from './metaspaceBpe';

const DOCS = [
  'The state of the Union is strong. The Union is strong and the state is sound.',
  'In 1790 the Congress met; in 1791 the Congress met again, and again in 1792.',
  'Naïve café owners sold crème brûlée to the Congress — twice, at 10:30.',
  'The the the strong strong Union Union state state.',
];

/** An independent encoder: SentencePiece's procedure applied piece by piece (merge the lowest-ranked pair, repeat). */
function referenceEncode(text: string, tokens: string[], merges: [string, string][]): string[] {
  const rank = new Map(merges.map(([a, b], i) => [`${a} ${b}`, i]));
  const vocab = new Set(tokens);
  const out: string[] = [];
  for (const piece of trainingPieces(metaspaceNormalize(text))) {
    let symbols = Array.from(piece);
    for (;;) {
      let best = -1;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const r = rank.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (r !== undefined && (best < 0 || r < rank.get(`${symbols[best]} ${symbols[best + 1]}`)!)) best = i;
      }
      if (best < 0) break;
      symbols = [...symbols.slice(0, best), symbols[best] + symbols[best + 1], ...symbols.slice(best + 2)];
    }
    for (const s of symbols) {
      if (vocab.has(s)) out.push(s);
      else for (const byte of new TextEncoder().encode(s)) out.push(byteFallbackToken(byte));
    }
  }
  return out;
}

describe('SentencePiece-style BPE (metaspace, byte fallback)', () => {
  const counts = countTrainingPieces(DOCS);
  const trained = trainMetaspaceBpe(counts, { vocabSize: 320, minCharCount: 2 });
  const json = toMetaspaceTokenizerJson(trained.tokens, trained.merges);
  const tokenizer = new PreTrainedTokenizer(json, toMetaspaceTokenizerConfig(512));

  it('splits training text at each ▁ and between letters, digits and other characters', () => {
    expect(trainingPieces(metaspaceNormalize("In 1790, the  Union's café."))).toEqual([
      '▁In',
      '▁1790',
      ',',
      '▁the',
      '▁',
      '▁Union',
      "'",
      's',
      '▁café',
      '.',
    ]);
  });

  it('lays out ids as Llama 2 does: <unk> <s> </s>, the 256 byte tokens, the alphabet, then merges', () => {
    expect(trained.tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(trained.tokens[3 + 0xe2]).toBe('<0xE2>');
    expect(trained.tokens).toHaveLength(320);
    // Characters seen once (ï, è, û, —) stay out of the alphabet; frequent ones are in it.
    expect(trained.alphabet).toContain('▁');
    expect(trained.alphabet).not.toContain('û');
    expect(new Set(trained.tokens).size).toBe(trained.tokens.length);
  });

  it('is deterministic', () => {
    expect(
      trainMetaspaceBpe(countTrainingPieces([...DOCS].reverse()), { vocabSize: 320, minCharCount: 2 }).merges,
    ).toEqual(trained.merges);
  });

  it('transformers.js, running BPE over the whole text, gives the tokens of an independent piece-by-piece encoder', () => {
    const texts = [
      ...DOCS,
      "A Union of 1790 states, naïve and strong: the café's crème.",
      ' leading space and  double spaces ',
      'emoji 👩‍👩‍👧 and 中文 fall back to bytes',
    ];
    for (const text of texts) {
      const ids = tokenizer.encode(text, { add_special_tokens: false });
      expect(ids.map((id) => trained.tokens[id])).toEqual(referenceEncode(text, trained.tokens, trained.merges));
    }
  });

  it('falls back to UTF-8 bytes for characters outside the alphabet and decodes them back', () => {
    const ids = tokenizer.encode('û中', { add_special_tokens: false });
    const pieces = ids.map((id) => trained.tokens[id]);
    expect(pieces.slice(-5)).toEqual(['<0xC3>', '<0xBB>', '<0xE4>', '<0xB8>', '<0xAD>']);
    for (const text of ['û中', ...DOCS, ' two  spaces\nand a newline', 'e\u0301 👩‍👩‍👧 עברית']) {
      expect(tokenizer.decode(tokenizer.encode(text, { add_special_tokens: false }))).toBe(text);
    }
  });

  it('adds <s> (id 1) in front when special tokens are added, as Llama 2 tokenizers do', () => {
    expect(tokenizer.encode('The Union')[0]).toBe(1);
    expect(tokenizer.decode(tokenizer.encode('The Union'), { skip_special_tokens: true })).toBe('The Union');
  });
});
