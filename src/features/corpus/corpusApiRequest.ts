/**
 * What the corpus view's infini-gram API panel asks for, as plain functions: the byte offset of
 * a model position in the text, and the worker call's parameters, or null while the API is off
 * (then nothing is sent anywhere).
 */
import { utf8Length } from '../../core/tokenizers/words';
import type { CorpusApiParams } from '../../protocol/corpus';
import type { TokenView } from '../../protocol/nextToken';
import type { Settings } from '../../state/settings';

/** The scored text and the model's tokens of it. */
export interface CorpusApiSource {
  text: string;
  tokens: readonly TokenView[];
}

export interface ModelByteOffset {
  /** UTF-8 offset in the text where the model's token at the position starts. */
  byteOffset: number;
  /** The model's tokens spell the text byte for byte (allowing a SentencePiece dummy-prefix space). */
  exact: boolean;
}

const byteLength = (token: TokenView) => token.bytesHex.length / 2;

/**
 * Where the model's token at `position` starts in the text: the bytes of the tokens before it.
 * A tokenizer that adds a space before the text (SentencePiece's dummy prefix) spells one byte
 * more than the text: that byte is taken off. Other mismatches (a normalizing tokenizer, special
 * tokens) leave the offset approximate.
 */
export function modelByteOffset(text: string, tokens: readonly TokenView[], position: number): ModelByteOffset {
  const textBytes = utf8Length(text);
  let before = 0;
  let total = 0;
  tokens.forEach((token, i) => {
    const n = byteLength(token);
    if (i < position) before += n;
    total += n;
  });
  const dummyPrefix = total === textBytes + 1 && tokens[0]?.bytesHex.startsWith('20') && !text.startsWith(' ');
  const shift = dummyPrefix ? 1 : Math.max(0, total - textBytes);
  return {
    byteOffset: Math.min(textBytes, Math.max(0, before - shift)),
    exact: total === textBytes || Boolean(dummyPrefix),
  };
}

export type CorpusApiSettings = Pick<Settings, 'infiniGramApi' | 'infiniGramUrl' | 'infiniGramIndex'>;

/** The worker call for the position, or null when the API is off (or there is nothing to ask about). */
export function corpusApiRequest(
  settings: CorpusApiSettings,
  source: CorpusApiSource | null,
  position: number,
  topK: number,
): { params: CorpusApiParams; exact: boolean } | null {
  if (!settings.infiniGramApi || !source || position < 0 || position >= source.tokens.length) return null;
  const { byteOffset, exact } = modelByteOffset(source.text, source.tokens, position);
  return {
    params: { text: source.text, byteOffset, topK, endpoint: settings.infiniGramUrl, index: settings.infiniGramIndex },
    exact,
  };
}
