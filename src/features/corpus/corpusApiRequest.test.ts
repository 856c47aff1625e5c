/** The corpus view's API panel asks nothing while the API is off, and asks at the model token's byte offset when on. */
import { describe, expect, it } from 'vitest';
import type { TokenView } from '../../protocol/nextToken';
import { corpusApiRequest, modelByteOffset } from './corpusApiRequest';

const hex = (s: string) => [...new TextEncoder().encode(s)].map((b) => b.toString(16).padStart(2, '0')).join('');
const views = (pieces: string[]): TokenView[] =>
  pieces.map((text, id) => ({ id, text, bytesHex: hex(text), special: false }));

const TEXT = 'The state of the Union is strong';
const TOKENS = views(['The', ' state', ' of', ' the', ' Union', ' is', ' strong']);
const ON = { infiniGramApi: true, infiniGramUrl: 'http://127.0.0.1:4319/', infiniGramIndex: 'v4_rpj_llama_s4' };

describe('the infini-gram API request of a corpus position', () => {
  it('is null while the API is off: nothing is asked, whatever the position', () => {
    for (let position = 0; position < TOKENS.length; position++) {
      expect(
        corpusApiRequest({ ...ON, infiniGramApi: false }, { text: TEXT, tokens: TOKENS }, position, 10),
      ).toBeNull();
    }
    expect(corpusApiRequest(ON, null, 3, 10)).toBeNull();
    expect(corpusApiRequest(ON, { text: TEXT, tokens: TOKENS }, TOKENS.length, 10)).toBeNull();
  });

  it('asks about the text before the position, at the byte where the model token starts', () => {
    expect(corpusApiRequest(ON, { text: TEXT, tokens: TOKENS }, 6, 10)).toEqual({
      params: {
        text: TEXT,
        byteOffset: 'The state of the Union is'.length,
        topK: 10,
        endpoint: ON.infiniGramUrl,
        index: ON.infiniGramIndex,
      },
      exact: true,
    });
    expect(modelByteOffset(TEXT, TOKENS, 0)).toEqual({ byteOffset: 0, exact: true });
  });

  it('counts bytes, not characters, and allows a SentencePiece dummy-prefix space', () => {
    const text = 'naïve 日本';
    expect(modelByteOffset(text, views(['na', 'ï', 've', ' 日', '本']), 4)).toEqual({
      byteOffset: new TextEncoder().encode('naïve 日').length,
      exact: true,
    });
    const prefixed = views([' The', ' state']);
    expect(modelByteOffset('The state', prefixed, 1)).toEqual({ byteOffset: 3, exact: true });
    // Tokens that do not spell the text (a normalizing tokenizer): an offset inside the text, said to be approximate.
    expect(modelByteOffset('The  state', views(['The', ' state']), 1)).toEqual({ byteOffset: 3, exact: false });
  });
});
