/**
 * ICN and the spurious-correlation split turn generated tokens into answers. A scripted model
 * emits exactly the tokens of a known answer, through the embedded models' and GPT-2's own
 * tokenizers: the answer must be that text. (Decoded one token at a time, SentencePiece lost
 * the spaces, "NewYorkCity", and byte-level tokens holding part of a character gave U+FFFD.)
 */
import { describe, expect, it } from 'vitest';
import { tokenizerInFolder } from '../../tools/lib/tokenizerFolder';
import { expandAnswer, type IcnModel } from '../core/keyspace/icn';
import { decodeExactly } from './exactDecode';

const PROMPT = 'List cities.\n\nAnswer:\n1. "';
const CASES = [
  ['public/models/sotu-llama', 'New York City'],
  ['public/models/sotu-gpt', 'São Paulo'],
  ['public/tokenizers/gpt2', '東京'],
  ['public/tokenizers/gpt2', 'Zürich 😀'],
] as const;

/** A model that answers with the tokens of `answer"` after `prompt + head`, one per step. */
function scriptedModel(folder: string, prompt: string, answer: string) {
  const tokenizer = tokenizerInFolder(folder);
  const tokenize = (text: string) => tokenizer.encode(text, { add_special_tokens: false });
  const promptIds = tokenize(prompt);
  const script = tokenize(prompt + answer + '"').slice(promptIds.length);
  const model: IcnModel = {
    tokenize,
    decode: (ids) => decodeExactly(tokenizer, ids),
    nextLogits: async (ids) => {
      const logits = new Float32Array(tokenizer.get_vocab().size + 1000);
      logits[script[ids.length - promptIds.length] ?? 0] = 1;
      return logits;
    },
  };
  return { model, promptIds, script };
}

describe('answers built from generated tokens', () => {
  it.each(CASES)('%s: a candidate token expanded into "%s"', async (folder, answer) => {
    const { model, promptIds, script } = scriptedModel(folder, PROMPT, answer);
    // The spurious-correlation split: the candidate is the answer's first token.
    const expanded = await expandAnswer(model, [...promptIds, script[0]], promptIds.length, '', 64);
    expect(expanded).toEqual({ answer, finished: true });
  });

  it('ICN: a first token given as text, tokenized with the prompt, then expanded', async () => {
    const { model } = scriptedModel('public/models/sotu-llama', PROMPT, 'New York City');
    const ids = model.tokenize(`${PROMPT}New`);
    const expanded = await expandAnswer(model, ids, ids.length, 'New', 64);
    expect(expanded).toEqual({ answer: 'New York City', finished: true });
  });
});
