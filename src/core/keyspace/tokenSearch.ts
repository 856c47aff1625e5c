/**
 * Finding a token from what a person types in the key-space search box: an id (`1531` or
 * `#1531`), or a token's text. Token texts are byte-exact renderings (a leading space is a
 * real space; `␣` typed for it is accepted, as are the other markers and escapes of
 * visibleText.ts), so " America" and "America" are different tokens.
 */

import { readVisibleToken } from '../tokenization/visibleText';

export type TokenQuery = { kind: 'found'; tokenIds: number[] } | { kind: 'none'; message: string };

/** Most matches listed for a text query. */
const MAX_MATCHES = 20;

/**
 * @example
 * findTokens('#12', tokens);      // { kind: 'found', tokenIds: [12] }
 * findTokens('America', tokens);  // exact "America" first, then " America", then case-insensitive ones
 */
export function findTokens(query: string, tokens: readonly string[]): TokenQuery {
  if (query === '') return { kind: 'none', message: 'Type a token or an id.' };
  const id = /^#?\s*(\d+)$/.exec(query.trim());
  if (id && query.trim() !== '') {
    const tokenId = Number(id[1]);
    if (tokenId < tokens.length) return { kind: 'found', tokenIds: [tokenId] };
    // A number that is not an id may still be a token's text ("1945").
    if (!tokens.includes(query))
      return { kind: 'none', message: `Token id ${tokenId} is outside the vocabulary (0 to ${tokens.length - 1}).` };
  }
  const text = readVisibleToken(query);
  const exact: number[] = [];
  const spaced: number[] = [];
  const folded: number[] = [];
  const lower = text.trim().toLowerCase();
  tokens.forEach((token, tokenId) => {
    if (token === text) exact.push(tokenId);
    else if (token === ` ${text}`) spaced.push(tokenId);
    else if (lower !== '' && token.trim().toLowerCase() === lower) folded.push(tokenId);
  });
  const tokenIds = [...exact, ...spaced, ...folded].slice(0, MAX_MATCHES);
  if (tokenIds.length === 0)
    return {
      kind: 'none',
      message: `No token is "${query}" (with or without a leading space, any case). A word the tokenizer splits has no single key.`,
    };
  return { kind: 'found', tokenIds };
}
