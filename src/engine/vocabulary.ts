/** Token id → byte-exact display, built once per loaded tokenizer. */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import {
  byteSchemeOfDecoder,
  bytesToHex,
  renderTokenBytes,
  tokenBytes,
  type TokenByteScheme,
} from '../core/tokenization/tokenBytes';
import type { TokenView, VocabularyResult } from '../protocol/nextToken';

export class Vocabulary {
  readonly byteScheme: TokenByteScheme;
  /** Raw vocabulary strings by id ('' for ids the tokenizer does not define). */
  private readonly rawById: string[];
  private readonly special: Set<number>;
  private rendered: string[] | null = null;

  constructor(tokenizer: PreTrainedTokenizer, tokenizerJson: unknown, size: number) {
    this.byteScheme = byteSchemeOfDecoder((tokenizerJson as { decoder?: unknown } | null)?.decoder);
    this.rawById = new Array<string>(size).fill('');
    for (const [token, id] of tokenizer.get_vocab()) if (id >= 0 && id < size) this.rawById[id] = token;
    const addedSpecial = (
      (tokenizerJson as { added_tokens?: { id: number; special?: boolean }[] } | null)?.added_tokens ?? []
    )
      .filter((t) => t.special)
      .map((t) => t.id);
    this.special = new Set([...tokenizer.all_special_ids, ...addedSpecial]);
  }

  get size(): number {
    return this.rawById.length;
  }

  view(id: number): TokenView {
    const raw = this.rawById[id] ?? '';
    if (this.special.has(id)) return { id, text: raw, bytesHex: '', special: true };
    const bytes = tokenBytes(raw, this.byteScheme);
    return { id, text: renderTokenBytes(bytes), bytesHex: bytesToHex(bytes), special: false };
  }

  /** Every token's display text, for the UI to label any id without another request. */
  all(): VocabularyResult {
    // view(id).text without the hex nobody asked for (a 262k vocabulary renders on every load).
    this.rendered ??= this.rawById.map((raw, id) =>
      this.special.has(id) ? raw : renderTokenBytes(tokenBytes(raw, this.byteScheme)),
    );
    return { tokens: this.rendered, specialIds: [...this.special].sort((a, b) => a - b), byteScheme: this.byteScheme };
  }
}
