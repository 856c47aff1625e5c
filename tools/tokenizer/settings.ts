/** Sizes shared by the tokenizer trainer and its tests. */
export const BPE_VOCAB_SIZE = 8192; // including <|endoftext|>
export const MODEL_MAX_LENGTH = 512;
/** sotu-sp (sotu-llama's tokenizer): the whole vocabulary, specials and byte tokens included. */
export const SP_VOCAB_SIZE = 8192;
/** Characters rarer than this in the train split are left to byte fallback. */
export const SP_MIN_CHAR_COUNT = 10;
